"""The national region is one setting away (``GEO_NTM_REGION=vn``), with data of its own.

Built here from the made-up sources (one province, seconds), as the real one is built from
boundaries/sources on first use: the same path, a cache, a store of its own and the public
record instead of the illustrative Bắc Giang records.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import NATIONAL_STORE, Settings
from tests.geo_ntm.synthetic import write_sources


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    sources = write_sources(root / "sources")
    settings = Settings(region="vn", region_cache=root / "cache", sources=sources, store=root / "vn.sqlite")
    with TestClient(create_app(settings)) as c:
        yield c, root


def test_the_region_named_vn_is_built_into_its_cache_and_served(national):
    client, root = national
    assert (root / "cache" / "vn-viet-nam.gpkg").is_file()
    info = client.get("/api/boundaries").json()
    assert info["name"] == "Việt Nam" and info["province"] == "VN"
    layer = client.get("/api/layers/communes.geojson", params={"date": "2025-07-01"}).json()
    assert {f["id"] for f in layer["features"]} == {"90001", "90004"}


def test_no_illustrative_record_reaches_the_national_region(national):
    client, _ = national
    rows = client.get("/api/status", params={"date": "2025-07-01", "level": "commune"}).json()
    assert rows and all(r["source"] != "illustrative" for r in rows)
    assert {r["status"] for r in rows} == {"khong_du_lieu", "khong_ap_dung"}  # no record: no data, never "not yet"


def test_unset_the_national_region_keeps_a_store_of_its_own():
    assert Settings(region="vn").store_path() == str(NATIONAL_STORE)
    assert Settings().store_path() != str(NATIONAL_STORE)
    assert Path(Settings(region="vn", store="x.sqlite").store_path()).name == "x.sqlite"


@pytest.mark.parametrize("path", ["/national", "/dashboard", "/maps/status", "/planning/reviews", "/"])
def test_every_page_of_the_national_region_opens_with_no_parameters(national, path):
    client, _ = national
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    assert "MH-" not in page.text  # no illustrative decision reaches a national page


AROUND_THE_CHANGES = ["2013-03-06", "2019-12-31", "2020-01-01", "2025-06-30", "2025-07-01", "2025-12-31"]


@pytest.mark.parametrize("day", [*AROUND_THE_CHANGES, date.today().isoformat()])
def test_the_national_api_answers_on_each_date_around_the_changes(national, day):
    client, _ = national
    view = client.get("/api/national", params={"date": day}).json()
    layer = client.get("/api/national/provinces.geojson", params={"date": day, "zoom": 6}).json()
    # Province 99 before the reform, 98 after it (the made-up sources' reorganisation).
    expected = {"98"} if day >= "2025-07-01" else {"99"}
    assert {p["code"] for p in view["provinces"]} == expected == {f["id"] for f in layer["features"]}
    assert all(p["share_pct"] is None for p in view["provinces"])  # a made-up province has no published figure
    ogc = client.get("/ogc/collections/communes/items", params={"datetime": day, "province_code": min(expected)})
    assert ogc.status_code == 200 and ogc.json()["numberMatched"] > 0


@pytest.mark.browser
def test_the_national_region_in_a_browser_national_page_and_map_of_today(national):
    from tests.browser import launch, serve

    _, root = national
    settings = Settings(region="vn", region_cache=root / "cache", sources=root / "sources", store=root / "b.sqlite")
    with serve(create_app(settings)) as url, launch(url) as page:
        page.goto("/national?lang=en")
        page.page.wait_for_function(
            "document.documentElement.getAttribute('data-national-loaded') !== null", timeout=20_000
        )
        assert page.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == 1
        assert "No data" in page.text("#national-legend")
        bad = page.axe()
        assert bad == [], bad  # no serious or critical accessibility violation
        page.page.set_viewport_size({"width": 390, "height": 844})
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"the national page is {scroll} px wide on a 390 px phone"
        page.page.set_viewport_size({"width": 1366, "height": 900})
        page.goto("/maps/status")
        page.page.wait_for_function("document.documentElement.getAttribute('data-ntm-loaded') !== null", timeout=20_000)
        assert page.evaluate("document.querySelectorAll('path.leaflet-interactive').length") >= 2  # its 2 units
        assert page.errors == [] and page.offhost_requests() == []
