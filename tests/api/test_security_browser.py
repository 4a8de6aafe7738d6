"""Every page works in Chromium under its Content-Security-Policy, and the policy stops an injected script."""

from __future__ import annotations

import pytest

from api.main import create_app
from api.settings import Settings
from tests.browser import launch, serve

pytestmark = pytest.mark.browser
PAGES = [
    "/",
    "/?lang=en",
    "/dashboard?year=2023",
    "/maps/status?year=2023",
    "/maps/status?level=district&year=2019",
    "/embed/status?year=2023",
    "/embed/dbkk",
    "/embed/district/219?year=2023&legend=0",
    "/share?layer=communes&year=2023",
    "/planning/map",
    "/planning/communes/07651",
    "/docs",
    "/documents",
    "/maps/status?year=1900",  # an error page
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    with serve(create_app(Settings(store=tmp_path_factory.mktemp("csp") / "s.sqlite"))) as url:
        yield url


def test_every_page_loads_under_its_policy_without_a_console_error(base_url):
    with launch(base_url) as page:
        for path in PAGES:
            seen = len(page.errors)
            response = page.goto(path)
            if path == "/docs":  # Swagger UI asks for openapi.json only once its bundle has run: wait for it,
                page.page.wait_for_selector(".swagger-ui .info", timeout=20_000)  # or a busy machine aborts it
            policy = response.headers["content-security-policy"]
            assert "default-src 'self'" in policy and "script-src 'self'" in policy, path
            assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], path
            errors = [e for e in page.errors[seen:] if not (path.endswith("1900") and "422" in e)]
            assert errors == [], (path, errors)
        assert page.offhost_requests() == []


def test_a_script_injected_into_a_page_does_not_run(base_url):
    with launch(base_url) as page:
        page.goto("/maps/status?year=2023")
        page.evaluate("""() => { const s = document.createElement('script');
                                s.textContent = 'window.injected = 1'; document.body.appendChild(s); }""")
        assert page.evaluate("window.injected === undefined")
        assert any("Content Security Policy" in e for e in page.errors)
