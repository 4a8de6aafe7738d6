"""The national region is one setting away (``GEO_NTM_REGION=vn``), with data of its own.

Built here from the made-up sources (one province, seconds), as the real one is built from
boundaries/sources on first use: the same path, a cache, a store of its own and the public
record instead of the illustrative Bắc Giang records.
"""

from __future__ import annotations

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
    assert Settings(region="vn").store_path() == NATIONAL_STORE
    assert Settings().store_path() != NATIONAL_STORE
    assert Settings(region="vn", store="x.sqlite").store_path().name == "x.sqlite"
