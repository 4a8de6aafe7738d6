"""The example portal page in headless Chromium: two embedded maps and a tile layer render."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles

from api.main import create_app
from api.settings import Settings
from tests.browser import launch, serve

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def portal_url():
    app = Starlette()
    app.mount("/", StaticFiles(directory=EXAMPLES, html=True))
    with serve(app) as url:
        yield url


def _service(tmp_path, frame_ancestors):
    return serve(create_app(Settings(store=tmp_path / "s.sqlite", frame_ancestors=frame_ancestors)))


def _frame_features(page, selector):
    frame = page.page.frame_locator(selector)
    frame.locator("html[data-ntm-loaded]").wait_for(state="attached", timeout=20_000)
    return frame.locator("path.leaflet-interactive").count()


def test_portal_embeds_two_maps_and_uses_our_tiles(portal_url, tmp_path):
    with _service(tmp_path, [portal_url]) as service, launch(portal_url, viewport=(1300, 1100)) as page:
        page.goto(f"{portal_url}/portal.html?service={service}")
        assert _frame_features(page, "#status-frame") == 335
        assert 0 < _frame_features(page, "#dbkk-frame") < 40
        page.page.wait_for_function(
            "document.querySelectorAll('#own-map img.leaflet-tile-loaded').length > 0", timeout=20_000
        )
        page.screenshot(tmp_path / "portal.png", full_page=True)
        assert page.errors == [] and page.offhost_requests() == []


def test_a_portal_not_allowed_cannot_frame_the_maps(portal_url, tmp_path):
    with _service(tmp_path, []) as service, launch(portal_url) as page:
        page.goto(f"{portal_url}/portal.html?service={service}")
        page.page.wait_for_timeout(2500)
        frame = page.page.frame_locator("#status-frame")
        assert frame.locator("path.leaflet-interactive").count() == 0


def test_table_alternative_is_reachable_by_keyboard(tmp_path):
    with _service(tmp_path, []) as service, launch(service) as page:
        page.goto("/embed/status?year=2023&lang=en")
        page.page.wait_for_selector("html[data-ntm-loaded]", state="attached", timeout=20_000)
        button = page.page.locator("button.ntm-table-toggle")
        button.focus()
        page.page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        rows = page.page.locator(".ntm-table tbody tr")
        assert rows.count() == 335
        assert page.page.locator(".ntm-table caption").inner_text().startswith("New Rural Development")
        fills = page.evaluate(
            "Array.from(document.querySelectorAll('path.leaflet-interactive'))"
            ".map(p => p.getAttribute('fill')).filter(f => f.startsWith('url(#ntm-p-')).length"
        )
        assert fills > 100  # patterns as a second cue besides colour
        assert page.errors == []
