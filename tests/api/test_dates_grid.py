"""Every dated route answers every date of the region's range: no 5xx, and a body that parses.

The grid is each boundary change and the day before it, 2025-12-31, today and the range's ends
(the first day of the history; today is the last), with no date at all (the present), and a
few year-ends; every level. Expensive formats (print maps, GeoTIFF, Excel, GeoPackage) run on
the dates where the map changes most (around the 2025 reform), the ends and the present, to
keep the suite fast. A route that takes ``date``/``year`` but is missing from :data:`ROUTES`
fails :func:`test_every_dated_route_is_in_the_grid`, so a new route cannot skip the grid.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile
from datetime import date, timedelta

import mapbox_vector_tile
import openpyxl
import orjson
import pytest
from fastapi.routing import APIRoute
from PIL import Image
from rasterio.io import MemoryFile

from api.routers import ROUTERS
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.layers.tiles import tiles_covering
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.when import absence, today

ATLAS = Atlas.load(DEFAULT_REGION)
LEVELS = ("commune", "district", "province")
LAYERS = ("communes", "districts", "provinces", "dbkk")
LEVEL_OF = {"communes": "commune", "districts": "district", "provinces": "province", "dbkk": "commune"}
(TILE,) = tiles_covering((106.2, 21.2, 106.2, 21.2), 10)  # over the middle of the province


def _grid() -> list[str]:
    days = {ATLAS.covered_from, today(), date(2025, 12, 31)}
    for change in ATLAS.change_dates():
        days |= {change, change - timedelta(days=1)}
    return sorted(d.isoformat() for d in days if ATLAS.covered_from <= d <= today())


GRID = _grid()
#: Where the map changes most (the 2025 reform and the year after), the ends and the present.
HEAVY = sorted({ATLAS.covered_from.isoformat(), "2025-06-30", "2025-07-01", "2025-12-31", today().isoformat()})
YEARS = sorted({ATLAS.covered_from.year, 2019, 2024, 2025, today().year})

#: Dated routes: path template → levels or layers it is asked about. ``{when}`` is replaced by
#: ``date=…`` or ``year=…``, or removed (the default, the present).
ROUTES = {
    "/maps/status": [f"/maps/status?{{when}}&level={lv}" for lv in ("commune", "district")],
    "/dashboard": ["/dashboard?{when}"],
    "/embed/status": [f"/embed/status?{{when}}&layer={layer}" for layer in ("communes", "districts", "dbkk")],
    "/embed/dbkk": ["/embed/dbkk?{when}"],
    "/embed/district/{code}": ["/embed/district/219?{when}"],
    "/share": [f"/share?{{when}}&layer={layer}" for layer in ("communes", "districts", "dbkk")],
    "/planning/map": ["/planning/map?{when}"],
    "/planning/reviews": ["/planning/reviews?{when}"],
    "/api/status": [f"/api/status?{{when}}&level={lv}" for lv in LEVELS],
    "/api/summary": ["/api/summary?{when}"],
    "/api/layers/{layer_id}.geojson": [f"/api/layers/{layer}.geojson?{{when}}&zoom=9" for layer in LAYERS],
    "/api/layers/{layer_id}.{fmt}": [f"/api/layers/{layer}.csv?{{when}}" for layer in LAYERS],
    "/api/tiles/{layer_id}/{z}/{x}/{y}.{fmt}": [
        f"/api/tiles/{layer}/{TILE[0]}/{TILE[1]}/{TILE[2]}.{fmt}?{{when}}" for layer in LAYERS for fmt in ("mvt", "png")
    ],
    "/api/tiles/{layer_id}/tilejson.json": [f"/api/tiles/{layer}/tilejson.json?{{when}}" for layer in LAYERS],
    "/api/planning/difficult-communes": ["/api/planning/difficult-communes?{when}"],
    "/api/review-board": ["/api/review-board?{when}"],
    "/api/overview": ["/api/overview?{when}"],
    "/api/targets/followed": ["/api/targets/followed?{when}"],
    "/national": ["/national?{when}"],
    "/api/national": ["/api/national?{when}"],
    "/api/national/provinces.geojson": ["/api/national/provinces.geojson?{when}&zoom=6"],
}
#: The same routes in the formats that cost more, run on :data:`HEAVY` dates only.
HEAVY_ROUTES = [
    "/maps/status.png?{when}&level=district",
    "/planning/communes/07222?{when}",
    *[f"/api/layers/{layer}.{fmt}?{{when}}" for layer in LAYERS for fmt in ("xlsx", "gpkg", "tif")],
]
#: Print maps (about a second each): every level and format, on the present only (the grid has the PNG above).
PRINTS = [f"/maps/status.{fmt}?{{when}}&level={lv}" for fmt in ("png", "pdf") for lv in ("commune", "district")]
#: Routes with a date that is not a "when" (a filter, a unit's version): run over the grid too.
OTHER_DATED = [
    *[f"/api/boundaries/units?date={{day}}&level={lv}&geometry=false" for lv in LEVELS],
    "/api/boundaries/crosswalk?from={day}&to=" + today().isoformat(),
    "/api/search?q=son&date={day}",
]
#: A commune's dossier (about a second): on the :data:`HEAVY` dates.
DOSSIERS = ["/api/planning/communes/07222?date={day}", "/api/planning/reform/07222?date={day}"]
OGC = [f"/ogc/collections/{layer}/items?limit=5&datetime={{day}}" for layer in LAYERS]
OGC_ROUTES = {"/ogc/collections/{layer_id}/items", "/ogc/collections/{layer_id}/items/{feature_id}"}
#: Dated routes checked elsewhere (writes, admin filters): not part of what a reader opens.
NOT_IN_GRID = {
    "/api/decisions", "/api/audit", "/api/audit.csv", "/api/boundaries/units/{ref}",
    "/api/boundaries/units/{ref}/lineage", "/api/boundaries/events", "/api/planning/reform/{code}",
    "/api/planning/communes/{code}", "/api/search", "/api/boundaries/units", "/api/boundaries/crosswalk",
}  # fmt: skip


def _expected_4xx(url: str, on: date) -> bool:
    """The answers that must be a 4xx saying why (and nothing else may be); ``on``: the day asked about."""
    districts_gone = absence(ATLAS, "district", on) is not None
    no_list = not date(2021, 6, 4) <= on <= date(2025, 12, 31)  # the commune lists' periods (demo data)
    gone_07222 = ATLAS.units[ATLAS.units["code"] == "07222"]["valid_to"].max() < on  # merged in 2025
    if url.startswith("/api/layers/districts.tif"):
        return districts_gone  # a GeoTIFF of no units cannot be made: 404, with the note
    if url.startswith("/api/layers/dbkk.tif"):
        return no_list or on >= ATLAS.reform_date  # no list, or none of its communes left
    if url.startswith("/embed/district/219"):
        return districts_gone and ("date=" in url or "year=" in url)  # asked about a day it did not exist
    if url.startswith(("/planning/communes/07222", "/api/planning/communes/07222", "/api/planning/reform/07222")):
        return gone_07222 and ("date=" in url or "year=" in url)
    if url.startswith(("/planning/map", "/api/planning/difficult-communes")):
        return no_list and ("date=" in url or "year=" in url)  # no list in force that day: 422 naming the lists
    return False


def _json(url: str, r) -> None:
    data = orjson.loads(r.content)
    if r.status_code >= 400:
        assert data["detail"] and "internal" not in str(data["detail"]), url
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        assert isinstance(data["features"], list), url
        layer = next((x for x in LAYERS if f"/{x}" in url), None)
        if not data["features"] and layer and layer != "dbkk" and "bbox" not in url:
            assert data["note"]["vi"] and data["note"]["en"], f"{url}: empty without a note"


def _html(url: str, r) -> None:
    assert b"<html" in r.content[:300] and b"Traceback" not in r.content, url
    if r.status_code >= 400:
        assert "Lỗi nội bộ" not in r.text and "Internal error" not in r.text, url


def _tiff(url: str, r) -> None:
    with MemoryFile(r.content) as mem, mem.open() as ds:
        assert ds.count == 1, url


def _gpkg(url: str, r) -> None:
    with tempfile.NamedTemporaryFile(suffix=".gpkg") as f:
        f.write(r.content)
        f.flush()
        assert list(sqlite3.connect(f.name).execute("select table_name from gpkg_contents")), url


#: How to check that a body of each content type is valid (it parses, and an error says something).
CHECKS = {
    "application/json": _json,
    "application/geo+json": _json,
    "text/html": _html,
    "text/csv": lambda url, r: next(csv.reader(io.StringIO(r.content.decode("utf-8-sig")))),
    "image/png": lambda url, r: Image.open(io.BytesIO(r.content)).verify(),
    "image/tiff": _tiff,
    "application/pdf": lambda url, r: r.content.startswith(b"%PDF") or pytest.fail(url),
    "application/vnd.mapbox-vector-tile": lambda url, r: mapbox_vector_tile.decode(r.content),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": lambda url, r: (
        openpyxl.load_workbook(io.BytesIO(r.content)).active
    ),
    "application/geopackage+sqlite3": _gpkg,
}


def _check_body(url: str, r) -> None:
    kind = r.headers["content-type"].split(";")[0]
    assert r.content or kind == "application/vnd.mapbox-vector-tile", url  # a tile with no features is 0 bytes
    assert kind in CHECKS, f"{url}: unexpected content type {kind}"
    CHECKS[kind](url, r)


def _ask(client, url: str, on: date) -> None:
    r = client.get(url)
    assert r.status_code < 500, f"{url}: {r.status_code}"
    if r.status_code in (301, 302, 303, 307):
        return
    _check_body(url, r)
    assert (r.status_code >= 400) == _expected_4xx(url, on), f"{url}: {r.status_code} {r.text[:300]}"


def _when(template: str, day: str | None = None, year: int | None = None) -> str:
    when = f"date={day}" if day else (f"year={year}" if year else "")
    return template.replace("{when}&", f"{when}&" if when else "").replace("?{when}", f"?{when}" if when else "")


@pytest.mark.slow
@pytest.mark.parametrize("day", GRID)
def test_every_route_answers_every_day(client, day):
    urls = [_when(u, day=day) for group in ROUTES.values() for u in group]
    urls += [u.format(day=day) for u in OTHER_DATED + OGC]
    if day in HEAVY:
        urls += [_when(u, day=day) for u in HEAVY_ROUTES] + [u.format(day=day) for u in DOSSIERS]
    for url in urls:
        _ask(client, url, date.fromisoformat(day))


@pytest.mark.slow
@pytest.mark.parametrize("year", [*YEARS, None])
def test_every_route_answers_every_year_and_the_present(client, year):
    urls = [_when(u, year=year) for group in ROUTES.values() for u in group]
    if year is None:
        urls += [_when(u) for u in HEAVY_ROUTES + PRINTS]
        urls += [u.replace("&datetime={day}", "") for u in OGC]
    for url in urls:
        _ask(client, url, date(year, 12, 31) if year else today())


def test_every_dated_route_is_in_the_grid():
    dated = set()
    for route in (r for router in ROUTERS for r in router.routes):
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        names = {p.alias or p.name for p in route.dependant.query_params}
        names |= {p.alias or p.name for d in route.dependant.dependencies for p in d.query_params}
        if names & {"date", "year", "datetime", "from", "to"}:
            dated.add(route.path)
    missing = dated - set(ROUTES) - {"/maps/status.{fmt}", "/planning/communes/{code}"} - OGC_ROUTES - NOT_IN_GRID
    assert not missing, f"dated routes not in the date grid: {sorted(missing)}"
    assert len(dated) > 20


def test_the_grid_covers_the_reform_and_the_present():
    assert {"2025-06-30", "2025-07-01", "2024-12-31", "2025-01-01", "2019-12-31", "2020-01-01"} <= set(GRID)
    assert GRID[0] == ATLAS.covered_from.isoformat() and GRID[-1] == today().isoformat()
