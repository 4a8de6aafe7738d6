"""Pages of the present: the dashboard of today, a former province on its last day, prints, the map of today."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(create_app(Settings(store=tmp_path_factory.mktemp("present") / "s.sqlite"))) as c:
        yield c


def test_the_dashboard_with_no_parameters_shows_the_present(client):
    page = client.get("/dashboard", params={"lang": "en"}).text
    for words in (
        "The 2026-2030 period",
        "Review of the communes formed by the reorganisation",
        "By former communes (to 30 Jun 2025), not the new commune&#39;s status",
        "Progress under the 2026-2030 criteria",
        "over 90% of communes NTM by 2030 (the new Bắc Ninh)",
        "2021-2025 targets set on units that no longer exist",
        "Transition: the old units on 30 Jun 2025",
        "Results of 2021-2025 (history, as of 30 Jun 2025)",
        "Unconfirmed changes",
    ):
        assert words in page, words
    # The counts add up to the communes formed by the reorganisation (65: every xã but Tuấn Đạo).
    assert "65 communes formed on 1 Jul 2025" in page
    assert re.search(r'src="/maps/status\?[^"]*province=24', page)
    vi = client.get("/dashboard").text
    assert "Rà soát các xã hình thành sau sắp xếp" in vi and "Mục tiêu đến năm 2030 của tỉnh" in vi


def test_old_bac_ninh_opens_on_its_last_day_with_its_record_and_a_filtered_map(client):
    page = client.get("/dashboard", params={"province": "27", "lang": "en"}).text
    assert "ceased to exist on 1 Jul 2025; the map shows its last day, 30 Jun 2025" in page
    assert "7/8" in page and "63/66" in page and "0/8" not in page and "0/70" not in page
    assert re.search(r'src="/maps/status\?date=2025-06-30[^"]*province=27', page)
    assert "Thành phố Bắc Ninh" in page and "No data" in page  # TP Bắc Ninh: no decision found
    features = client.get("/api/layers/communes.geojson", params={"date": "2025-06-30", "province": "27"}).json()
    assert features["features"] and {f["properties"]["province_code"] for f in features["features"]} == {"27"}


def test_the_print_of_today_carries_the_key_figures(client):
    png = client.get("/maps/status.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    past = client.get("/maps/status.png", params={"date": "2025-06-30"})
    assert past.status_code == 200
    # The present's print carries the key figures (where the page has room: under the map or the legend).
    from io import BytesIO

    from pypdf import PdfReader

    def words(query: dict) -> str:
        pdf = client.get("/maps/status.pdf", params={"lang": "vi", **query}).content
        return PdfReader(BytesIO(pdf)).pages[0].extract_text()

    today, before = words({}), words({"date": "2025-06-30"})
    assert "Rà soát các xã hình thành ngày 01/07/2025" in today and "Bộ tiêu chí 2026-2030" in today
    assert "Rà soát các xã hình thành" not in before
    assert client.get("/maps/status.pdf", params={"lang": "en"}).content[:4] == b"%PDF"


def test_the_map_of_today_offers_the_2026_2030_view(client):
    page = client.get("/maps/status", params={"view": "progress", "lang": "en"}).text
    assert '"view": "progress"' in page and "All 10 criteria met" in page and "Former communes (to 30 Jun 2025)" in page
    assert client.get("/maps/status", params={"province": "99"}).status_code == 422


@pytest.mark.browser
def test_the_map_of_today_in_a_browser_second_variable_views_and_table(tmp_path):
    from tests.browser import launch, serve

    with serve(create_app(Settings(store=tmp_path / "s.sqlite"))) as url, launch(url) as page:
        page.page.set_extra_http_headers({"Accept-Language": "en"})
        page.goto("/maps/status")
        page.page.wait_for_function("document.documentElement.getAttribute('data-ntm-features') === '99'")
        legend = page.text(".ntm-legend")
        assert "Former communes (to 30 Jun 2025), not the new unit's status" in legend
        assert "All former communes were NTM" in legend and "Review after the merger" in legend
        fills = page.evaluate(
            "Object.values(window.ntmMap.layer._layers).map(l => l.options.fillColor)"
            ".filter(f => f.indexOf('cho_ra_soat-') > 0).length"
        )
        assert fills > 0  # awaiting-review units drawn with their former communes' past
        page.page.select_option(".ntm-controls select >> nth=1", "progress")
        assert "All 10 criteria met" in page.text(".ntm-legend")
        assert "view=progress" in page.evaluate("window.location.href")
        page.click(".ntm-table-toggle")
        assert "Review after the merger" in page.text(".ntm-table thead") and "criteria met" in page.text(".ntm-table")
        page.screenshot(tmp_path / "today.png")
        for path in ("/planning/reviews", "/dashboard", "/planning/communes/07294"):
            page.goto(path)
        assert page.errors == [] and page.offhost_requests() == []


def test_a_province_without_records_shows_no_data_not_zeros(client):
    """Old Bắc Ninh's communes have no record in 2013: the figure says so instead of "0/N (0.0%)"."""
    page = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/dashboard?province=27&date=2013-06-01&lang=en").text)
    )
    assert "communes at NTM standard: no data" in page
    assert not re.search(r"\b0/\d+ communes at NTM standard", page)
    # With records (Bắc Giang on the same day), the count is shown as before.
    page = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/dashboard?province=24&date=2013-06-01&lang=en").text)
    )
    assert re.search(r"\b\d+/\d+ communes at NTM standard", page)


def test_the_sources_line_has_no_doubled_stops(client):
    for url in ("/dashboard", "/dashboard?lang=en", "/dashboard?year=2023"):
        page = client.get(url).text
        assert ".;" not in page and ".." not in re.sub(r"\.\.\.|…", "", page.split("Nguồn:")[-1]), url
