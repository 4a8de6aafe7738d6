"""The boundary endpoints, the landing page and the error table."""

from __future__ import annotations

import jsonschema
import pytest

FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "properties", "geometry"],
                "properties": {
                    "type": {"const": "Feature"},
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]}},
                    },
                    "properties": {"type": "object", "required": ["code", "name", "valid_from"]},
                },
            },
        },
    },
}


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok", "region": "24", "name": "Tỉnh Bắc Ninh"}


def test_districts_of_2023_as_geojson(client):
    r = client.get("/api/boundaries/units", params={"date": "2023-12-31", "level": "district"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    body = r.json()
    jsonschema.validate(body, FEATURE_COLLECTION)
    names = {f["properties"]["name"] for f in body["features"]}
    assert len(names) == 18 and "Huyện Yên Dũng" in names and "Thị xã Chũ" not in names


def test_unit_with_neighbours_in_time(client):
    body = client.get("/api/boundaries/units/07777", params={"date": "2024-06-01"}).json()
    assert body["name"] == "Phường Bích Động" and body["valid_from"] == "2024-02-01"
    assert [p["from_name"] for p in body["predecessors"]] == ["Thị trấn Bích Động"]
    assert body["successors"][0]["date"] == "2025-07-01"
    assert [v["name"] for v in body["versions"]][:2] == ["Xã Bích Sơn", "Thị trấn Bích Động"]


def test_crosswalk_csv_and_json_agree(client):
    params = {"from": "2024-12-31", "to": "2025-01-01", "level": "district"}
    rows = client.get("/api/boundaries/crosswalk", params=params).json()
    csv = client.get("/api/boundaries/crosswalk", params={**params, "format": "csv"}).text
    assert len(csv.strip().splitlines()) == len(rows) + 1
    assert any(r["name_a"] == "Huyện Yên Dũng" and r["name_b"] == "Thành phố Bắc Giang" for r in rows)


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/boundaries/units?date=2009-01-01", 422, "begins on 2010-09-28"),
        ("/api/boundaries/units?date=31-12-2023", 422, "write it as YYYY-MM-DD"),
        ("/api/boundaries/units?date=2020-01-01&level=village", 422, "commune"),
        ("/api/boundaries/units/99999", 404, "no unit has code '99999'"),
        ("/api/boundaries/units/07204?date=2025-03-01", 404, "did not exist on 2025-03-01"),
        ("/api/boundaries/units/07204@1999-01-01", 404, "code@valid_from"),
        ("/api/boundaries/crosswalk?from=2000-01-01&to=2025-07-01", 422, "begins on"),
    ],
)
def test_bad_input_gets_a_clear_4xx(client, url, status, says):
    r = client.get(url)
    assert r.status_code == status
    assert says in r.text
    assert "Traceback" not in r.text and "/work/" not in r.text


def test_landing_page_in_both_languages_without_cdn(client):
    vi = client.get("/")
    assert vi.status_code == 200 and 'lang="vi"' in vi.text and "Bản đồ xây dựng nông thôn mới" in vi.text
    en = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in en.text and "Reorganisation events" in en.text
    for page in (vi.text, en.text, client.get("/docs").text):
        assert "cdn" not in page and "unpkg" not in page


def test_docs_assets_are_served_locally(client):
    page = client.get("/docs").text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        url = page.split(asset)[0].rsplit('"', 1)[1] + asset
        assert url.startswith("/static/") and client.get(url).status_code == 200
