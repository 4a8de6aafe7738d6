"""The planners' pages in headless Chromium: polygons, table = API, filters, panel, search, no leaks."""

from __future__ import annotations

import pytest

from api.main import create_app
from api.settings import Settings
from tests.browser import launch, serve
from tests.hostile import region_with_names

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.pwned=1">Xã <b>Độc</b>'
DAY = "2023-12-31"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("planner-browser")
    region = region_with_names(tmp, {"07552": HOSTILE})  # a commune on the difficulty list
    with serve(create_app(Settings(region=region, store=tmp / "s.sqlite"))) as url:
        yield url


def _api_codes(page, query: str) -> list[str]:
    return page.evaluate(
        f"fetch('/api/planning/difficult-communes?{query}').then(r => r.json()).then(d => d.rows.map(r => r.code))"
    )


def _rows(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('#pl-rows tr')).map(tr => tr.dataset.code)")


def _open_map(page, query: str = f"date={DAY}"):
    page.goto(f"/planning/map?{query}")
    page.page.wait_for_function(f"document.documentElement.getAttribute('data-pl-loaded') === '{DAY}'")


def test_map_shows_the_difficult_communes_and_the_table_matches_the_api(base_url, tmp_path):
    with launch(base_url, viewport=(1280, 1000)) as page:
        page.page.set_extra_http_headers({"Accept-Language": "vi"})
        _open_map(page)
        expected = _api_codes(page, f"date={DAY}")
        assert len(expected) == 16 and _rows(page) == expected
        polygons = page.evaluate(
            "Array.from(document.querySelectorAll('#pl-map path[data-code]')).map(p => p.dataset.code)"
        )
        assert sorted(polygons) == sorted(expected)
        assert page.evaluate("document.querySelectorAll('#pl-rows th[scope=row]').length") == 16
        assert HOSTILE in page.text("#pl-rows")  # a hostile name shows as text
        assert page.evaluate("window.pwned === undefined")
        assert "Đạt chuẩn NTM" in page.text("#pl-legend-status") and "Có dữ liệu minh họa" in page.text("#pl-notes")
        page.page.check("#pl-mode-share")
        assert "Đạt mục tiêu" in page.text("#pl-legend-share") and not page.page.is_visible("#pl-legend-status")
        page.screenshot(tmp_path / "map.png", full_page=True)
        assert page.errors == [] and page.offhost_requests() == []


def test_changing_a_filter_changes_the_rows_the_map_and_the_downloads(base_url):
    with launch(base_url, viewport=(1280, 1000)) as page:
        _open_map(page)
        page.page.select_option("#pl-district", "220")
        expected = _api_codes(page, f"date={DAY}&district=220&sort=closest")
        page.page.wait_for_function(f"document.documentElement.getAttribute('data-pl-rows') === '{len(expected)}'")
        assert 0 < len(expected) < 16 and _rows(page) == expected
        assert "district=220" in page.page.url and "district=220" in page.page.get_attribute("#pl-csv", "href")
        outside = page.evaluate("document.querySelectorAll('#pl-map path[stroke-dasharray]').length")
        assert outside == 16 - len(expected)  # communes outside the filter keep a dashed outline
        page.page.check("#pl-below")
        below = _api_codes(page, f"date={DAY}&district=220&below_target=true&sort=closest")
        page.page.wait_for_function(f"document.documentElement.getAttribute('data-pl-rows') === '{len(below)}'")
        assert _rows(page) == below and len(below) < len(expected)
        page.page.select_option("#pl-sort", "gap")
        by_gap = _api_codes(page, f"date={DAY}&district=220&below_target=true&sort=gap")
        order = "Array.from(document.querySelectorAll('#pl-rows tr')).map(tr => tr.dataset.code).join()"
        page.page.wait_for_function(f"{order} === '{','.join(by_gap)}'")
        assert page.errors == [] and page.offhost_requests() == []


def test_a_row_or_a_polygon_opens_the_commune_panel_and_its_page(base_url, tmp_path):
    with launch(base_url, viewport=(1280, 1000)) as page:
        page.page.set_extra_http_headers({"Accept-Language": "en"})
        _open_map(page)
        first = page.evaluate("document.querySelector('#pl-rows tr th a').textContent")
        page.click("#pl-rows tr button.pl-show")
        assert page.text("#pl-panel h2") == first
        assert page.evaluate("document.activeElement.id") == "pl-panel-h"  # keyboard users land in the panel
        assert page.evaluate("document.querySelectorAll('#pl-rows tr.pl-selected').length") == 1
        code = page.evaluate("document.querySelectorAll('#pl-rows tr')[5].dataset.code")
        page.page.locator(f"#pl-map path[data-code='{code}']").dispatch_event("click")
        assert page.page.get_attribute("#pl-panel", "data-code") == code
        hostile = page.page.locator("#pl-map path[data-code='07552']")
        hostile.dispatch_event("click")
        assert page.text("#pl-panel h2") == HOSTILE and page.evaluate("window.pwned === undefined")
        page.screenshot(tmp_path / "panel.png")
        page.click("#pl-panel a.pl-open")
        page.page.wait_for_function("document.documentElement.getAttribute('data-pl-cmap') !== null")
        assert "/planning/communes/07552?lang=en&date=2023-12-31" in page.page.url
        assert page.text("h1") == HOSTILE and "Villages over time" in page.text("main")
        assert page.evaluate("document.querySelectorAll('#pl-cmap path[data-code]').length") > 1
        page.screenshot(tmp_path / "commune.png", full_page=True)
        assert page.errors == [] and page.offhost_requests() == []


@pytest.mark.parametrize(("query", "finds"), [("son dong", "Sơn Động"), ("Luc Ngan", "Lục Ngạn")])
def test_search_box_finds_units_without_diacritics(base_url, query, finds):
    with launch(base_url) as page:
        for path in (f"/planning/map?date={DAY}", "/planning/communes/07624"):
            page.goto(path)
            page.page.fill("#pl-q", query)
            page.page.wait_for_selector("#pl-q-results li a")
            names = page.evaluate("Array.from(document.querySelectorAll('#pl-q-results a')).map(a => a.textContent)")
            assert any(finds in n for n in names), names
        page.page.focus("#pl-q")
        page.page.keyboard.press("ArrowDown")
        target = page.evaluate("document.activeElement.getAttribute('href')")
        assert target.startswith(("/planning/communes/", "/planning/map?"))
        with page.page.expect_navigation():
            page.page.keyboard.press("Enter")
        assert page.page.url.endswith(target) and page.page.title() != ""
        assert page.errors == [] and page.offhost_requests() == []
