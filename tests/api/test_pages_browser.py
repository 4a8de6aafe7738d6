"""The status map in headless Chromium: polygons, legend, tooltips, year control, no leaks."""

from __future__ import annotations

from datetime import date

import pytest

from api.main import create_app
from api.settings import Settings
from tests.browser import launch, serve
from tests.hostile import region_with_names

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.pwned=1">Xã <b>Độc</b>'


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    region = region_with_names(tmp, {"07222": HOSTILE})
    with serve(create_app(Settings(region=region, store=tmp / "s.sqlite"))) as url:
        yield url


def _loaded(page, as_of):
    page.page.wait_for_function(
        f"document.documentElement.getAttribute('data-ntm-loaded') === '{as_of}'", timeout=20_000
    )


def test_status_map_renders_and_moves_through_the_years(base_url, tmp_path):
    with launch(base_url) as page:
        page.page.set_extra_http_headers({"Accept-Language": "vi"})
        page.goto("/maps/status?year=2023")
        _loaded(page, "2023-12-31")
        paths = page.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
        assert paths == int(page.evaluate("document.documentElement.getAttribute('data-ntm-features')")) == 335
        legend = page.text(".ntm-legend")
        assert "Đạt chuẩn NTM" in legend and "Chờ rà soát" in legend
        page.hover("path.leaflet-interactive", nth=40)
        assert page.text(".leaflet-tooltip").strip()
        page.page.select_option(".ntm-controls select", "y2019")
        _loaded(page, "2019-12-31")
        assert page.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == 356
        # Gia Bình's communes are known NTM only "by" 2022 (the first report): unknown before, never "not yet".
        assert "Chưa có dữ liệu" in page.text(".ntm-legend")
        page.page.select_option(".ntm-controls select", "today")
        page.page.wait_for_function("document.documentElement.getAttribute('data-ntm-features') === '99'")
        assert page.text(".ntm-asof") == "Ngày " + date.today().strftime("%d/%m/%Y")
        page.screenshot(tmp_path / "today.png")
        assert page.errors == [] and page.offhost_requests() == []


def test_hostile_unit_name_shows_as_text(base_url):
    with launch(base_url) as page:
        page.goto("/maps/status?year=2023")
        _loaded(page, "2023-12-31")
        index = page.evaluate(
            "Object.values(window.ntmMap.layer._layers).findIndex(l => l.feature.properties.code === '07222')"
        )
        layer = f"Object.values(window.ntmMap.layer._layers)[{index}]"
        page.evaluate(f"{layer}.openTooltip({layer}.getBounds().getCenter())")
        assert "<img src=x" in page.text(".leaflet-tooltip")
        page.evaluate(f"{layer}.openPopup()")
        assert "<b>Độc</b>" in page.text(".ntm-popup h3")
        assert page.evaluate("window.pwned === undefined")
        assert page.errors == []


def test_district_map_and_dashboard(base_url):
    with launch(base_url, viewport=(1200, 1800)) as page:
        page.goto("/maps/status?year=2023&level=district&lang=en")
        _loaded(page, "2023-12-31")
        assert page.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == 18
        assert "District" in page.text(".ntm-title h1") or "district" in page.text(".ntm-title h1")
        page.goto("/dashboard?year=2023&lang=en")
        frame = page.page.frame_locator("iframe.dash-map")
        frame.locator(".ntm-legend").wait_for(timeout=20_000)
        assert page.errors == [] and page.offhost_requests() == []
