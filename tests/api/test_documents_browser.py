"""The document pages in headless Chromium: upload, highlights, maps, checks, correction, progress, hostile text."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from api.main import create_app
from api.settings import Settings
from geo_ntm.documents import reading, service
from tests.browser import launch, serve
from tests.geo_ntm.documents.makers import pdf

pytestmark = pytest.mark.browser
LETTER = Path(__file__).parents[1] / "data" / "cong-van-687-UBND-NN-2024.txt"
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> huyện Lục Nam\n'


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("documents-browser")
    with serve(create_app(Settings(store=tmp / "s.sqlite"))) as url:
        yield url


def _ready(page, revision: int = 1):
    page.page.wait_for_function(f"document.documentElement.getAttribute('data-dm-ready') === '{revision}'")
    page.page.wait_for_function("document.documentElement.hasAttribute('data-dm-features')")


def test_the_letter_uploaded_through_the_page(base_url, tmp_path):
    with launch(base_url, viewport=(1400, 1000)) as page:
        page.goto("/documents?lang=vi")
        assert page.text("h1") == "Đọc văn bản, xem trên bản đồ"
        page.page.set_input_files("#dm-file", str(LETTER))
        page.page.click("#dm-upload button[type=submit]")
        page.page.wait_for_url("**/documents/*")
        _ready(page)
        assert "Công văn số 687/UBND-NN" in page.text("#dm-identity")
        assert "UBND tỉnh Bắc Giang" in page.text("#dm-identity")
        assert "26/01/2024" in page.text("#dm-notes")  # the cited later date
        units = page.evaluate("Array.from(document.querySelectorAll('#dm-text a.dm-unit')).map(a => a.textContent)")
        assert [u.replace("\n", " ") for u in units] == ["BAC GIANG", "Luc Nam", "Tan Yén", "Son Pong", "Luc Ngan"]
        assert page.evaluate("document.querySelectorAll('#dm-text .dm-uncertain').length") == 1
        assert page.evaluate("document.documentElement.getAttribute('data-dm-features')") == "5"
        for side in ("doc", "rec"):
            assert page.evaluate(f"document.querySelectorAll('#dm-map-{side} path.leaflet-interactive').length") == 5
        figures = page.text("#dm-figures")
        assert figures.count("khớp") == 4 and figures.count("không có dữ liệu") == 5
        assert "trích từ chính văn bản này" in figures
        assert page.evaluate("document.querySelectorAll('#dm-targets tbody tr').length") == 2
        assert "đã có trong dữ liệu" in page.text("#dm-targets")
        assert "Huyện Lục Nam" in page.text("#dm-claims") and "37/QĐ-TTg" in page.text("#dm-claims")
        page.hover("#dm-map-doc path.leaflet-interactive", nth=1)
        page.click("#dm-text a.dm-unit", nth=1)
        page.screenshot(tmp_path / "letter.png", full_page=True)
        assert page.errors == [] and page.offhost_requests() == []


def test_a_reviewer_corrects_a_match_and_sets_the_date(base_url):
    doc = httpx.post(f"{base_url}/api/documents", params={"filename": "cv.txt"}, content=LETTER.read_bytes()).json()
    with launch(base_url, viewport=(1400, 1000)) as page:
        page.goto(f"/documents/{doc['id']}?lang=en")
        _ready(page)
        row = "#dm-units tr.dm-row-check"
        assert "unclear: 2 units share the name" in page.text(row)
        page.page.select_option(f"{row} select", "24@2010-09-28")
        page.page.click(f"{row} button")
        _ready(page, 2)
        assert (
            "corrected" in page.text("#dm-units")
            and page.evaluate("document.querySelectorAll('#dm-text .dm-uncertain').length") == 0
        )
        page.page.fill("#dm-asof", "2024-01-30")
        page.page.click("#dm-context button[type=submit]")
        _ready(page, 3)
        assert "2024-01-30" in page.text("#dm-map-rec-caption") and "the date you chose" in page.text("#dm-context")
        assert page.errors == []


def test_a_long_pdf_shows_its_progress(base_url, monkeypatch):
    """The bar follows the pages the reader reports. The reader is held at page 60 until the page has shown it,
    so a fast machine (CI read all 120 pages before the first poll) cannot skip the state under test."""
    halfway, go_on = threading.Event(), threading.Event()

    def held(content, name, *, progress=None, **kw):
        def report(done: int, total: int) -> None:
            progress(done, total)
            if done == 60:
                halfway.set()
                go_on.wait(30)

        return reading.read_document(content, name, progress=report, **kw)

    monkeypatch.setattr(service, "read_document", held)
    pages = [f"Trang {i}. Huyện Sơn Động và huyện Lục Ngạn phấn đấu đến hết năm 2025.\n" * 12 for i in range(120)]
    with launch(base_url) as page:
        try:
            r = httpx.post(f"{base_url}/api/documents", params={"filename": "kh.pdf", "wait": 0}, content=pdf(pages))
            assert r.status_code == 202
            assert halfway.wait(30), "the reader never reported page 60"
            page.goto(f"/documents/{r.json()['id']}?lang=en", wait_until="domcontentloaded")
            page.page.wait_for_function(
                "document.getElementById('dm-progress-text').textContent.includes('60 of 120 pages read')",
                timeout=20_000,
            )
            assert page.page.is_visible("#dm-progress")
            assert page.evaluate("document.documentElement.hasAttribute('data-dm-ready')") is False
            assert page.evaluate("[document.getElementById('dm-progress-bar').value, "
                                 "document.getElementById('dm-progress-bar').max]") == [60, 120]  # fmt: skip
        finally:
            go_on.set()
        page.page.wait_for_function("document.documentElement.hasAttribute('data-dm-ready')", timeout=60_000)
        assert not page.page.is_visible("#dm-progress") and page.errors == []


def test_a_hostile_document_is_shown_as_text(base_url):
    with launch(base_url) as page:
        page.goto("/documents?lang=vi")
        hostile = {"name": "<img src=x onerror=alert(1)>.txt", "mimeType": "text/plain", "buffer": HOSTILE.encode()}
        page.page.set_input_files("#dm-file", files=[hostile])
        page.page.click("#dm-upload button[type=submit]")
        page.page.wait_for_url("**/documents/*")
        page.page.wait_for_function("document.documentElement.hasAttribute('data-dm-ready')")
        assert page.text("#dm-text").startswith("<script>window.pwned=1</script><img src=x")
        assert page.evaluate("window.pwned === undefined")
        assert page.evaluate("document.querySelectorAll('#dm-text script, #dm-text img').length") == 0
        assert page.errors == [] and page.offhost_requests() == []


def test_a_document_that_cannot_be_read_says_why_on_the_page(base_url):
    with launch(base_url) as page:
        page.goto("/documents?lang=en")
        page.page.set_input_files("#dm-file", files=[{"name": "scan.pdf", "mimeType": "application/pdf",
                                                      "buffer": b"%PDF-1.4\n%%EOF junk"}])  # fmt: skip
        page.page.click("#dm-upload button[type=submit]")
        page.page.wait_for_selector("#dm-failed:not([hidden])")
        assert "not a readable PDF" in page.text("#dm-failed") and page.errors == []
