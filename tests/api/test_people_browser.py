"""Pages as people meet them, in one headless Chromium: what a share page says on its buttons,
axe-core on every page, the keyboard, tracking parameters, a phone's screen."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.main import create_app
from api.settings import Settings
from tests.browser import launch, serve

pytestmark = pytest.mark.browser
LETTER = Path(__file__).parents[1] / "data" / "cong-van-687-UBND-NN-2024.txt"
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}

#: Every kind of page, with the language each is read in (DOC: an uploaded letter's page).
PAGES = [
    "/?lang=vi",
    "/?lang=en",
    "/dashboard?lang=vi",
    "/dashboard?year=2023&lang=en",
    "/dashboard?lang=en",
    "/dashboard?province=27&lang=vi",
    "/maps/status?lang=vi",
    "/maps/status?view=progress&province=24&lang=en",
    "/maps/status?level=district&year=2023&lang=vi",
    "/planning/map?lang=vi",
    "/planning/map?date=2023-12-31&lang=en",
    "/planning/communes/07222?date=2024-06-01&lang=vi",
    "/planning/reviews?lang=vi",
    "/planning/reviews?state=not_started&group=1&lang=en",
    "/embed/status?lang=vi",
    "/embed/dbkk?lang=en",
    "/embed/district/219?year=2023&lang=vi",
    "/share?lang=vi",
    "/documents?lang=vi",
    "/documents/DOC?lang=vi",
    "/khong-co-trang-nay?lang=vi",
    "/maps/status?year=abc&lang=vi",
    "/planning/reviews?date=abc&lang=vi",
    "/dashboard?province=99&lang=vi",
]
# /docs is left out: Swagger UI's own markup (vendored, third-party) fails color-contrast and
# nested-interactive once it has rendered; our pages are what this checks.


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app served once, one browser for the module, and the id of an uploaded letter."""
    tmp = tmp_path_factory.mktemp("people")
    with serve(create_app(Settings(store=tmp / "s.sqlite"))) as url:
        doc = httpx.post(f"{url}/api/documents", params={"filename": "cv.txt"}, content=LETTER.read_bytes(), timeout=60)
        with launch(url, viewport=(DESKTOP["width"], DESKTOP["height"])) as page:
            page.doc = doc.json()["id"]
            yield page


def _open(page, path: str) -> None:
    page.page.set_viewport_size(DESKTOP)
    page.forget()
    page.goto(path.replace("DOC", page.doc))


def _loaded(page) -> None:
    page.page.wait_for_function("() => document.documentElement.hasAttribute('data-ntm-loaded')")


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious_on_any_page(site, path):
    _open(site, path)
    violations = site.axe()
    assert violations == [], "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in violations)


def test_the_share_page_says_what_its_buttons_do(site):
    for lang, copy, apply in (("vi", "Sao chép", "Cập nhật"), ("en", "Copy", "Update")):
        _open(site, f"/share?lang={lang}")
        labels = site.evaluate("Array.from(document.querySelectorAll('button.copy')).map(b => b.innerText)")
        assert labels == [copy] * 9
        assert site.text(".share-form button[type=submit]") == apply
        body = site.text("main")
        assert "built-in" not in body and "0x" not in body and "<bound" not in body
        site.click("button.copy")  # the label says it worked, then comes back
        site.page.wait_for_function(f"() => document.querySelector('button.copy').innerText !== {copy!r}")


def test_an_embed_linked_with_tracking_parameters_shows_its_map(site):
    _open(site, "/embed/status?year=2023&fbclid=x&utm_source=y&lang=vi")
    _loaded(site)
    assert int(site.evaluate("document.documentElement.getAttribute('data-ntm-features')")) == 335
    assert site.evaluate("document.body.innerText.includes('fbclid')") is False
    assert site.console == [] and site.errors == []


def test_the_planners_map_is_one_tab_stop_with_arrow_keys_inside(site):
    _open(site, "/planning/map?lang=vi")
    site.page.wait_for_function("() => document.documentElement.hasAttribute('data-pl-loaded')")
    assert site.evaluate("document.querySelectorAll('#pl-map path[tabindex=\"-1\"]').length") > 10
    site.page.focus("#pl-map")
    site.page.keyboard.press("Enter")
    first = site.evaluate("document.activeElement.getAttribute('data-code')")
    site.page.keyboard.press("ArrowRight")
    second = site.evaluate("document.activeElement.getAttribute('data-code')")
    assert first and second and first != second
    assert site.text(".leaflet-tooltip")  # the focused commune says its name
    site.page.keyboard.press("Enter")
    site.page.wait_for_function(f"() => document.getElementById('pl-panel').getAttribute('data-code') === {second!r}")
    site.page.keyboard.press("Escape")
    assert site.evaluate("document.activeElement.id") == "pl-map"


PHONE_PAGES = [
    "/",
    "/dashboard",
    "/dashboard?year=2023",
    "/maps/status",
    "/planning/map",
    "/planning/reviews",
    "/planning/communes/07222?date=2024-06-01",
    "/documents",
    "/share",
]


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_a_phone_screen_scrolls_only_down(site, path):
    site.page.set_viewport_size(PHONE)
    site.goto(path)
    widths = site.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == PHONE["width"]


def _tabs_to(page, selector: str, limit: int = 60) -> int | None:
    """How many Tab presses from the top of the page reach ``selector`` (None: not within ``limit``)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for n in range(1, limit + 1):
        page.page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return n
    return None


@pytest.mark.parametrize("path", ["/maps/status?lang=vi", "/maps/status?level=district&year=2023&lang=en"])
def test_the_year_control_is_a_few_tabs_from_the_top(site, path):
    _open(site, path)
    _loaded(site)
    tabs = _tabs_to(site, ".ntm-controls select")
    assert tabs is not None and tabs < 10, tabs
    # the communes are still reachable: the map itself is one stop, arrow keys move inside
    assert site.evaluate("document.querySelectorAll('path.leaflet-interactive[tabindex=\"0\"]').length") <= 1


def test_the_status_table_lists_communes_before_wards(site):
    _open(site, "/maps/status?lang=vi")
    _loaded(site)
    site.click(".ntm-table-toggle")
    names = site.evaluate("Array.from(document.querySelectorAll('.ntm-table tbody th')).map(th => th.innerText)")
    wards = [i for i, n in enumerate(names) if n.startswith(("Phường", "Thị trấn"))]
    assert (
        names[0].startswith("Xã") and wards and min(wards) > max(i for i, n in enumerate(names) if n.startswith("Xã"))
    ), names[:5]


def test_the_planners_legend_names_every_fill_on_the_map(site):
    # 2025-06-30: three listed communes had become wards or towns, drawn striped
    _open(site, "/planning/map?date=2025-06-30&lang=vi")
    site.page.wait_for_function("() => document.documentElement.hasAttribute('data-pl-loaded')")
    fills = "sel => Array.from(document.querySelectorAll(sel)).map(e => e.getAttribute('fill'))"
    drawn = set(site.evaluate(f"({fills})('#pl-map path[data-code]')"))
    legend = set(site.evaluate(f"({fills})('#pl-legend-status rect')"))
    assert "url(#pl-p-khong_ap_dung)" in drawn
    assert drawn - {"#eeeeee"} <= legend, drawn - legend  # #eeeeee: outside the filters, said under the legend
    ranks = site.evaluate("Array.from(document.querySelectorAll('#pl-rows tr td:first-child')).map(td => td.innerText)")
    assert ranks[-3:] == ["—"] * 3 and ranks[0] == "1"
    assert "không xếp hạng" in site.text("#pl-notes")


def test_a_district_map_tells_ntm_from_mission_completed(site):
    _open(site, "/maps/status?level=district&year=2024&lang=vi")
    _loaded(site)
    # what a swatch looks like: its fill, or the pattern it names (colour and marks)
    swatches = site.evaluate(
        """Array.from(document.querySelectorAll('.ntm-legend li')).map(li => {
             const fill = li.querySelector('rect').getAttribute('fill'), id = /^url\\(#(.*)\\)$/.exec(fill);
             return [li.innerText, id ? document.getElementById(id[1]).innerHTML : fill];
           })"""
    )
    looks = {text.split(" (")[0]: look for text, look in swatches}
    assert looks["Đạt chuẩn NTM"] != looks["Hoàn thành nhiệm vụ xây dựng NTM"], looks
    assert len(set(looks.values())) == len(looks)


_RECT = (
    "sel => { const r = document.querySelector(sel).getBoundingClientRect(); "
    "return [r.left, r.top, r.right, r.bottom]; }"
)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("path", ["/maps/status?lang=vi", "/embed/status?lang=vi"])
def test_on_a_phone_the_map_fills_the_screen_and_the_legend_folds(site, path):
    _open(site, path)
    site.page.set_viewport_size(PHONE)
    site.goto(path)
    _loaded(site)
    drawn = site.evaluate(f"({_RECT})('.leaflet-overlay-pane svg g')")
    box = site.evaluate(f"({_RECT})('.folium-map')")
    assert drawn[2] - drawn[0] >= 0.8 * PHONE["width"], drawn  # the province across the screen
    assert box[3] - box[1] >= 0.75 * PHONE["height"], box
    toggle = ".ntm-legend-toggle"
    assert site.evaluate(f"document.querySelector('{toggle}').getAttribute('aria-expanded')") == "false"
    assert site.evaluate("document.querySelectorAll('.ntm-legend li').length") == 0
    links = [sel for sel in (".ntm-share", ".ntm-table-toggle") if site.evaluate(f"!!document.querySelector('{sel}')")]
    for folded in (True, False):  # nothing at the bottom is covered, folded or open
        if not folded:
            site.click(toggle)
            assert site.evaluate("document.querySelectorAll('.ntm-legend li').length") > 3
        legend = site.evaluate(f"({_RECT})('.ntm-legend')")
        for sel in links:
            assert not _overlap(legend, site.evaluate(f"({_RECT})('{sel}')")), (sel, folded)
    # the title runs under neither the year control nor the view control (when the map offers views)
    title = site.evaluate(f"({_RECT})('.ntm-title')")
    controls = site.evaluate(
        "[...document.querySelectorAll('.ntm-controls')].filter(e => !e.hidden && e.offsetParent)"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert controls and not [c for c in controls if _overlap(title, c)], (title, controls)
