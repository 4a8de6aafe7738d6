"""Search units by name: missing or OCR-damaged diacritics, dates, levels, former names."""

from __future__ import annotations

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.search import name_index, search_units


@pytest.fixture(scope="module")
def atlas():
    return Atlas.load(DEFAULT_REGION)


def first(atlas, query, **kwargs) -> dict:
    found = search_units(atlas, query, **kwargs)
    assert found, f"nothing found for {query!r}"
    return found[0]


@pytest.mark.parametrize(
    ("query", "day", "code", "name", "how"),
    [
        ("son dong", "2023-12-31", "220", "Huyện Sơn Động", "folded"),
        ("Son Pong", "2023-12-31", "220", "Huyện Sơn Động", "fuzzy"),  # OCR: đ read as p
        ("Luc Ngan", "2023-12-31", "219", "Huyện Lục Ngạn", "folded"),
        ("H. Luc Ngan", "2023-12-31", "219", "Huyện Lục Ngạn", "folded"),
        ("TT Tây Yên Tử", "2023-12-31", "07616", "Thị trấn Tây Yên Tử", "exact"),
        ("Kiên Lao", "2025-03-01", "07552", "Xã Kiên Lao", "exact"),
        ("son dong", "2025-08-01", "07615", "Xã Sơn Động", "folded"),
    ],
)
def test_tolerant_matching_on_a_date(atlas, query, day, code, name, how):
    hit = first(atlas, query, day=day)
    assert (hit["code"], hit["name"], hit["how"], hit["current"]) == (code, name, how, True)
    assert 0.7 <= hit["score"] <= 1.0


def test_district_and_parent_are_those_of_the_date(atlas):
    before = first(atlas, "Kiên Lao", day="2024-06-01")
    after = first(atlas, "Kiên Lao", day="2025-03-01")
    assert before["district"] == {"code": "219", "name": "Huyện Lục Ngạn", "level": "district"}
    assert after["district"] == {"code": "224", "name": "Thị xã Chũ", "level": "district"}
    now = first(atlas, "Kiên Lao", day="2025-08-01")
    assert now["district"] is None and now["parent"]["name"] == "Tỉnh Bắc Ninh"


def test_only_units_in_force_that_day(atlas):
    assert [h["name"] for h in search_units(atlas, "son dong", day="2023-12-31")] == ["Huyện Sơn Động"]
    assert search_units(atlas, "Hoàng Văn Thụ", day="2025-08-01") == []
    assert all(h["current"] for h in search_units(atlas, "Tân Sơn", day="2020-01-01"))


def test_level_filter(atlas):
    assert search_units(atlas, "Lục Ngạn", day="2023-12-31", level="commune") == []
    hit = first(atlas, "Bắc Giang", day="2023-12-31", level="province")
    assert (hit["code"], hit["level"]) == ("24", "province")


def test_without_a_date_former_names_say_where_they_went(atlas):
    found = search_units(atlas, "Hoàng Văn Thụ")
    assert len(found) == 1
    hit = found[0]
    assert (hit["name"], hit["current"], hit["valid_from"], hit["valid_to"]) == (
        "Phường Hoàng Văn Thụ", False, "2010-09-28", "2025-06-30")  # fmt: skip
    assert hit["now_part_of"] == [
        {
            "code": "07210",
            "uid": "07210@2025-07-01",
            "name": "Phường Bắc Giang",
            "level": "commune",
            "share_of_old": 1.0,
        }
    ]


def test_without_a_date_current_and_former_units_both_come_back(atlas):
    found = search_units(atlas, "TT Tây Yên Tử")
    assert [(h["name"], h["current"], h["how"]) for h in found] == [
        ("Thị trấn Tây Yên Tử", False, "exact"),  # the name asked, exactly, held 2020-2025
        ("Xã Tây Yên Tử", True, "exact"),  # today's unit, type differs from the 'TT' asked
    ]
    assert found[0]["now_part_of"][0]["name"] == "Xã Tây Yên Tử"
    district = next(h for h in search_units(atlas, "son dong") if h["level"] == "district")
    assert district["valid_from"] == "2010-09-28" and district["valid_to"] == "2025-06-30"  # two versions, one hit
    assert {n["name"] for n in district["now_part_of"]} >= {"Xã Sơn Động", "Xã Tây Yên Tử"}  # communes now
    assert all(n["level"] == "commune" for n in district["now_part_of"])


def test_results_are_best_first_and_limited(atlas):
    found = search_units(atlas, "Tân", day="2023-12-31", limit=50)
    scores = [h["score"] for h in found]
    assert scores == sorted(scores, reverse=True)
    assert len(search_units(atlas, "Xã Tân Sơn", day="2023-12-31", limit=1)) == 1


def test_the_index_is_built_once_per_atlas(atlas):
    assert name_index(atlas) is name_index(atlas)
    assert name_index(Atlas.load(DEFAULT_REGION)) is not name_index(atlas)
    assert len(name_index(atlas)) == len(atlas.units)


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"query": "!!!"}, InvalidParameterError, "no letters or digits"),
        ({"query": ""}, InvalidParameterError, "no letters or digits"),
        ({"query": "a" * 101}, InvalidParameterError, "at most 100"),
        ({"query": "x", "limit": 0}, InvalidParameterError, "from 1 to 50"),
        ({"query": "x", "limit": 1000}, InvalidParameterError, "from 1 to 50"),
        ({"query": "x", "level": "village"}, InvalidParameterError, "['commune', 'district', 'province']"),
        ({"query": "x", "day": "2001-01-01"}, DateOutOfRangeError, "begins on 2010-09-28"),
        ({"query": "x", "day": "yesterday"}, InvalidParameterError, "YYYY-MM-DD"),
    ],
)
def test_bad_input(atlas, kwargs, error, says):
    with pytest.raises(error) as info:
        search_units(atlas, **kwargs)
    assert says in str(info.value)
