"""GET /api/search: names tolerant of missing or damaged diacritics, by date, level and limit."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("q", "date", "name"),
    [("son dong", "2023-12-31", "Huyện Sơn Động"), ("Son Pong", "2023-12-31", "Huyện Sơn Động"),
     ("Luc Ngan", "2023-12-31", "Huyện Lục Ngạn"), ("TT Tây Yên Tử", "2023-12-31", "Thị trấn Tây Yên Tử")],
)  # fmt: skip
def test_search_on_a_date(client, q, date, name):
    r = client.get("/api/search", params={"q": q, "date": date})
    assert r.status_code == 200
    body = r.json()
    assert body["date"] == date and body["results"][0]["name"] == name and body["results"][0]["code"]


def test_search_former_names(client):
    body = client.get("/api/search", params={"q": "Hoàng Văn Thụ"}).json()
    hit = body["results"][0]
    assert hit["current"] is False and hit["now_part_of"][0]["name"] == "Phường Bắc Giang"


def test_search_level_and_limit(client):
    body = client.get("/api/search", params={"q": "Tân", "date": "2023-12-31", "level": "commune", "limit": 3}).json()
    assert body["count"] <= 3 and all(h["level"] == "commune" for h in body["results"])


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"q": ""}, "at least 1 character"),
        ({}, "Field required"),
        ({"q": "x" * 101}, "at most 100 characters"),
        ({"q": "?!"}, "no letters or digits"),
        ({"q": "x", "limit": "0"}, "greater than or equal to 1"),
        ({"q": "x", "limit": "5000"}, "less than or equal to 50"),
        ({"q": "x", "level": "village"}, "'commune', 'district' or 'province'"),
        ({"q": "x", "date": "1999-12-31"}, "begins on 2010-09-28"),
        ({"q": "x", "date": "soon"}, "write it as YYYY-MM-DD"),
    ],
)
def test_search_bad_input(client, params, says):
    r = client.get("/api/search", params=params)
    assert r.status_code == 422
    assert says in str(r.json()["detail"])
