"""Map layers over HTTP: formats, caching headers, filters, tiles, OGC API Features, bad input."""

from __future__ import annotations

import csv
import io

import mapbox_vector_tile
import openpyxl
import pytest
import rasterio
from rasterio.io import MemoryFile

from geo_ntm.layers.tiles import tiles_covering
from geo_ntm.palette import COLORS, rgb


def test_catalogue_links_every_format(client):
    body = client.get("/api/layers").json()
    ids = [layer["id"] for layer in body["layers"]]
    assert ids == ["communes", "districts", "provinces", "dbkk"]
    communes = body["layers"][0]
    assert communes["dates"]["from"] == "2010-09-28" and len(communes["bounds"]) == 4
    assert {"geojson", "mvt", "png", "tilejson", "csv", "xlsx", "gpkg", "tif", "ogc_items"} <= set(communes["links"])
    assert {f["name"] for f in communes["fields"]} >= {"code", "name", "status", "decision_no", "source"}
    for link in ("geojson", "csv", "tilejson"):
        url = communes["links"][link].replace("http://testserver", "")
        assert client.get(url).status_code == 200, link


def test_geojson_of_2023_carries_status_decision_and_source(client):
    body = client.get("/api/layers/communes.geojson", params={"year": 2023}).json()
    features = {f["id"]: f["properties"] for f in body["features"]}
    assert len(features) == 335  # 209 Bắc Giang + 126 Bắc Ninh
    song_mai = features["07222"]
    assert song_mai["status"] in ("dat_chuan", "nang_cao", "kieu_mau") and song_mai["decision_no"].startswith("MH-")
    assert song_mai["source"] == "illustrative" and isinstance(song_mai["year_label"], int)
    # Old Bắc Ninh: official records read from public reports, no data in TP Bắc Ninh (no decision found).
    old = {k: p for k, p in features.items() if p["province_code"] == "27"}
    assert {p["status"] for p in old.values() if p["type"] == "Xã"} <= {"dat_chuan", "nang_cao"}
    assert {p["source"] for p in old.values() if p["type"] == "Xã"} == {"official"}
    assert old["09352"]["status"] == "nang_cao" and old["09352"]["decision_precision"] == "year"  # Xã Tân Chi, 2021


def test_merged_units_carry_the_review_detail(client):
    body = client.get("/api/layers/communes.geojson", params={"date": "2025-07-01"}).json()
    waiting = [f["properties"] for f in body["features"] if f["properties"]["status"] == "cho_ra_soat"]
    assert waiting and all(p["review_vi"] and p["constituents"] for p in waiting)
    assert all(p["formed_on"] == "2025-07-01" for p in waiting)


def test_etag_304_gzip_and_versioned_cache_lifetime(client):
    url = "/api/layers/districts.geojson?year=2022"
    first = client.get(url, headers={"accept-encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip" and "Accept-Encoding" in first.headers["vary"]
    again = client.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert "max-age=60" in first.headers["cache-control"]
    version = first.headers["x-data-version"]
    pinned = client.get(f"{url}&v={version}")
    assert "immutable" in pinned.headers["cache-control"]
    assert client.get(url, headers={"origin": "https://portal.example"}).headers["access-control-allow-origin"] == "*"


def test_filters_and_zoom(client):
    full = client.get("/api/layers/communes.geojson", params={"year": 2023}).json()
    luc_ngan = client.get("/api/layers/communes.geojson", params={"year": 2023, "district": "219"}).json()
    assert 0 < len(luc_ngan["features"]) < len(full["features"])
    assert {f["properties"]["parent_code"] for f in luc_ngan["features"]} == {"219"}
    waiting = client.get("/api/layers/communes.geojson", params={"year": 2023, "status": "chua_dat"}).json()
    assert {f["properties"]["status"] for f in waiting["features"]} == {"chua_dat"}
    box = client.get("/api/layers/communes.geojson", params={"year": 2023, "bbox": "106.1,21.2,106.3,21.4"}).json()
    assert 0 < len(box["features"]) < len(full["features"])
    coarse = client.get("/api/layers/communes.geojson", params={"year": 2023, "zoom": 8})
    fine = client.get("/api/layers/communes.geojson", params={"year": 2023})
    assert len(coarse.content) < len(fine.content)
    dbkk = client.get("/api/layers/dbkk.geojson", params={"date": "2024-12-31"}).json()
    assert dbkk["features"] and all(f["properties"]["dbkk"] for f in dbkk["features"])


def test_vector_and_png_tiles(client):
    ((z, x, y),) = tiles_covering((106.5, 21.35, 106.5, 21.35), 10)  # over Lục Nam / Lục Ngạn
    mvt = client.get(f"/api/tiles/communes/{z}/{x}/{y}.mvt", params={"year": 2023})
    assert mvt.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    layer = mapbox_vector_tile.decode(mvt.content)["communes"]
    assert layer["features"] and {"code", "status", "name"} <= set(layer["features"][0]["properties"])
    png = client.get(f"/api/tiles/communes/{z}/{x}/{y}.png", params={"year": 2023})
    with MemoryFile(png.content) as mem, mem.open() as ds:
        assert (ds.width, ds.height, ds.count) == (256, 256, 4)
        pixels = {tuple(int(v) for v in ds.read()[:3, r, c]) for r in range(0, 256, 16) for c in range(0, 256, 16)}
    assert pixels & {rgb(c) for c in COLORS.values()}


def test_downloads_parse_back(client):
    text = client.get("/api/layers/districts.csv", params={"year": 2023}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 18 and "Tên" in rows[0]
    xlsx = client.get("/api/layers/districts.xlsx", params={"year": 2023, "lang": "en"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 3).value == "Name (Vietnamese)" and sheet.max_row == 19
    assert 'filename="districts-y2023.xlsx"' in xlsx.headers["content-disposition"]
    tif = client.get("/api/layers/districts.tif", params={"year": 2023})
    with MemoryFile(tif.content) as mem, mem.open() as ds:
        assert ds.crs == rasterio.crs.CRS.from_epsg(3857) and ds.colormap(1)


def test_ogc_api_features(client):
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in client.get("/ogc/conformance").json()["conformsTo"]
    )
    ids = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    assert "communes" in ids
    page = client.get("/ogc/collections/communes/items", params={"limit": 10, "datetime": "2023-12-31"}).json()
    assert page["numberReturned"] == 10 and page["numberMatched"] == 335
    assert [link["rel"] for link in page["links"]] == ["self", "next"]
    nxt = client.get(page["links"][1]["href"].replace("http://testserver", "")).json()
    assert nxt["features"][0]["id"] != page["features"][0]["id"]
    one = client.get("/ogc/collections/communes/items/07222", params={"datetime": "2023-12-31"}).json()
    assert one["properties"]["name"] == "Xã Song Mai"


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/layers/rivers.geojson", 404, "communes"),
        ("/api/tiles/rivers/1/1/1.png", 404, "unknown layer"),
        ("/api/layers/communes.kml", 422, "csv"),
        ("/api/layers/communes.geojson?bbox=1,2,3", 422, "four numbers"),
        ("/api/layers/communes.geojson?bbox=a,b,c,d", 422, "not a number"),
        ("/api/layers/communes.geojson?bbox=107,21,106,22", 422, "greater than"),
        ("/api/layers/communes.geojson?bbox=100,-95,101,21", 422, "-90"),
        ("/api/layers/communes.geojson?date=2001-01-01", 422, "begins on 2010-09-28"),
        ("/api/layers/communes.geojson?status=done", 422, "allowed"),
        ("/api/layers/communes.geojson?zoom=99", 422, "less than or equal"),
        ("/api/tiles/communes/3/99/1.png", 422, "outside 0..7"),
        ("/api/tiles/communes/30/1/1.mvt", 422, "zoom 30"),
        ("/api/tiles/communes/3/1/1.jpg", 422, "png"),
        ("/ogc/collections/rivers/items", 404, "unknown layer"),
        ("/ogc/collections/communes/items?limit=1000000", 422, "less than or equal"),
        ("/ogc/collections/communes/items?datetime=2020/2021", 422, "is an interval"),
        ("/ogc/collections/communes/items?datetime=2023-12-31junk", 422, "RFC 3339"),
        ("/ogc/collections/communes/items?datetime=2023-02-30", 422, "YYYY-MM-DD"),
    ],
)
def test_bad_layer_requests_get_a_4xx_that_says_what_is_allowed(client, url, status, says):
    r = client.get(url)
    assert r.status_code == status and says in r.text
    assert "Traceback" not in r.text
