"""The national page and its data: provinces by published share, the national series, sources."""

from __future__ import annotations

import pytest

from api.main import create_app
from api.schemas import NationalView
from api.settings import Settings
from tests.browser import launch, serve


def test_the_view_gives_each_province_its_published_share_with_its_source(client):
    body = client.get("/api/national", params={"date": "2024-06-01"}).json()
    NationalView.model_validate(body)
    shares = {p["code"]: p for p in body["provinces"]}
    assert shares["24"]["share_pct"] == 84.6 and shares["24"]["as_of"] == "2023-12-31"
    assert shares["24"]["source_url"].startswith("http") and shares["24"]["basis"] == "published"
    assert body["counts"] == {"provinces": 2, "with_share": 2, "no_data": 0, "completed": 0}
    june = body["latest"]["communes_ntm"]
    assert june["as_of"] <= "2024-06-01" and june["source_url"].startswith("http")


def test_after_the_reform_a_merged_province_adds_its_former_provinces_counts(client):
    body = client.get("/api/national", params={"date": "2025-08-01"}).json()
    (province,) = body["provinces"]
    assert province["code"] == "24" and province["basis"] == "sum of its former provinces 24, 27"
    assert province["share_pct"] == pytest.approx(89.7)


def test_the_province_layer_carries_share_source_and_status(client):
    layer = client.get("/api/national/provinces.geojson", params={"date": "2024-06-01", "zoom": 6}).json()
    props = {f["id"]: f["properties"] for f in layer["features"]}
    assert set(props) == {"24", "27"}
    assert props["27"]["share_pct"] == 100 and props["27"]["publisher"]
    assert "illustrative" not in str(props)  # the national view reads the public record only


def test_the_page_opens_with_no_parameters_and_names_its_sources(client):
    page = client.get("/national")
    assert page.status_code == 200 and "Nông thôn mới toàn quốc" in page.text
    assert "xaydungtoday.vn" in page.text and "Chưa có số liệu" not in page.text.split("<table")[0]
    english = client.get("/national", params={"lang": "en", "date": "2017-12-31"})
    assert "New Rural Development nationwide" in english.text and "2017-12-31" in english.text
    # Figures are named in the reader's language, never by their keys.
    shown = page.text.split('id="national-config"')[0]
    assert "Xã đạt chuẩn NTM" in shown and "communes_ntm" not in shown
    assert "Communes at NTM standard" in english.text.split('id="national-config"')[0]
    # After the reform provinces count merged communes differently: the page says so, and only then.
    assert "Từ ngày 01/7/2025, các tỉnh tính các xã sau sắp xếp" in page.text
    assert "count their merged communes differently" not in english.text


@pytest.mark.browser
def test_the_national_map_draws_every_province_with_a_legend(tmp_path):
    with serve(create_app(Settings(store=tmp_path / "s.sqlite"))) as url, launch(url) as page:
        page.goto("/national?date=2024-06-01&lang=en")
        page.page.wait_for_function(
            "document.documentElement.getAttribute('data-national-loaded') === '2024-06-01'", timeout=20_000
        )
        assert page.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == 2
        assert "No data" in page.text("#national-legend") and "100%" in page.text("#national-legend")
        page.hover("path.leaflet-interactive")
        assert page.errors == [] and page.offhost_requests() == []
