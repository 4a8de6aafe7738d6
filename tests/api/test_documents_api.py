"""Documents through the API: upload, progress, review, exports, drafts through the normal import."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest

from geo_ntm.status.store import SqliteStore
from tests.geo_ntm.documents.makers import docx, pdf, zip_bomb_docx

from .editing import app_client

LETTER = (Path(__file__).parents[1] / "data" / "cong-van-687-UBND-NN-2024.txt").read_bytes()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_client(tmp_path_factory.mktemp("documents")) as found:
        yield found


@pytest.fixture(scope="module")
def letter(app):
    client, _, _ = app
    r = client.post("/api/documents", params={"filename": "cv687.txt"}, content=LETTER)
    assert r.status_code == 201, r.text
    return r.json()


def test_the_letter_is_read_on_upload(letter):
    a = letter["analysis"]
    assert letter["state"] == "done" and letter["filename"] == "cv687.txt" and letter["kind"] == "text"
    assert {u["unit"]["code"] for u in a["units"] if u["confident"]} == {"24", "218", "216", "220", "219"}
    assert letter["text"].startswith("UY BAN NHAN DAN")
    assert {c["verdict"] for c in letter["checks"]["figures"]} == {"agrees", "no_data"}
    assert letter["links"]["page"] == f"/documents/{letter['id']}"


def test_multipart_uploads_and_docx(app):
    client, _, _ = app
    body = docx(["Số: 5/UBND-NN", "Huyện Lục Ngạn đạt chuẩn nông thôn mới năm 2023."])
    r = client.post("/api/documents", files={"file": ("cv.docx", body)}, params={"date": "2023-12-31"})
    assert r.status_code == 201 and r.json()["kind"] == "docx"
    assert [u["unit"]["code"] for u in r.json()["analysis"]["units"]] == ["219"]
    # Without a date of its own or from the user, the document is read on today's map: Lục Ngạn is gone.
    today = client.post("/api/documents", files={"file": ("cv.docx", body)}).json()["analysis"]
    assert [u["status"] for u in today["units"]] == ["other_date"]
    assert {"code": "no_own_date"} in today["notes"] and today["as_of_from"] == "today"


def test_a_long_pdf_answers_202_and_reports_its_progress(app):
    client, _, _ = app
    pages = [f"Trang {i}. Huyện Sơn Động phấn đấu đến hết năm 2025." for i in range(1, 13)]
    r = client.post("/api/documents", params={"filename": "kh.pdf", "wait": 0}, content=pdf(pages))
    assert r.status_code in (201, 202) and r.headers["Location"] == f"/api/documents/{r.json()['id']}"
    seen = set()
    for _ in range(200):
        doc = client.get(r.headers["Location"], params={"text": False, "checks": False}).json()
        seen.add((doc["state"], doc["pages_done"]))
        if doc["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert doc["state"] == "done" and doc["pages_done"] == doc["pages_total"] == 12
    assert "text" not in doc and "checks" not in doc


def test_review_sets_the_date_and_corrects_a_match(app, letter):
    client, _, _ = app
    place = next(u for u in letter["analysis"]["units"] if u["status"] == "ambiguous")
    r = client.patch(f"/api/documents/{letter['id']}",
                     json={"date": "2024-01-30", "corrections": {place["id"]: {"uid": "24@2010-09-28"}}})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["analysis"]["as_of"] == "2024-01-30" and body["analysis"]["as_of_from"] == "user"
    fixed = next(u for u in body["analysis"]["units"] if u["id"] == place["id"])
    assert fixed["status"] == "matched" and fixed["corrected"] and body["revision"] == letter["revision"] + 1
    undo = client.patch(f"/api/documents/{letter['id']}", json={"date": None, "corrections": {place["id"]: None}})
    assert undo.json()["analysis"]["as_of"] == "2024-01-06" and undo.json()["corrections"] == {}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"when": "2024-01-01"}, "unknown fields"),
        ({"date": "06/01/2024"}, "not a date"),
        ({"date": "1999-01-01"}, "begins on"),
        ({"corrections": {"u1-2": {"uid": "nowhere"}}}, "correction"),
        ({"corrections": {"u1-2": "yes"}}, "correction"),
        ({"corrections": {"u56-65": {"uid": ["24@2010-09-28"]}}}, "correction of 'u56-65'"),
        ({"corrections": {"u56-65": {"uid": "24"}}}, "unknown unit version"),
        ({"corrections": ["u1-2"]}, "corrections"),
    ],
)
def test_bad_reviews_are_4xx_that_say_why(app, letter, body, words):
    client, _, _ = app
    r = client.patch(f"/api/documents/{letter['id']}", json=body)
    assert r.status_code == 422 and words in r.json()["detail"]


def test_exports(app, letter):
    client, _, _ = app
    base = f"/api/documents/{letter['id']}"
    geo = client.get(f"{base}/units.geojson")
    assert geo.headers["content-type"] == "application/geo+json"
    props = {f["properties"]["code"]: f["properties"] for f in geo.json()["features"]}
    assert set(props) == {"24", "218", "216", "220", "219"}
    assert props["218"]["document"] == "dat_chuan" and props["218"]["status"] in ("chua_dat", "dat_chuan")
    assert props["216"]["document"] == "mentioned" and props["216"]["target"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/mentions.csv").content.decode("utf-8-sig"))))
    assert {r["kind"] for r in rows} >= {"unit", "status", "figure", "target"}
    targets = list(csv.DictReader(io.StringIO(client.get(f"{base}/draft-targets.csv").content.decode("utf-8-sig"))))
    assert {(t["metric"], t["scope"]) for t in targets} == {("districts_nang_cao", "216"),
                                                            ("dbkk_villages_ntm_share", "220;219")}  # fmt: skip


def test_draft_targets_go_through_the_import_dry_run_and_confirm(tmp_path):
    with app_client(tmp_path, demo=False) as (client, tokens, path):
        doc = client.post("/api/documents", params={"filename": "cv687.txt"}, content=LETTER).json()
        draft = client.get(doc["links"]["draft_targets_csv"]).content
        assert client.post("/api/imports", params={"records": "targets"}, content=draft).status_code == 401
        dry = client.post("/api/imports", params={"records": "targets", "filename": "draft.csv"}, content=draft,
                          headers=tokens["editor"])  # fmt: skip
        assert dry.status_code == 201 and dry.json()["ready"] and dry.json()["report"]["would_write"] == 2
        assert SqliteStore(path).plan_targets() == []
        done = client.post(dry.json()["confirm"], headers=tokens["editor"])
        assert done.status_code == 200 and done.json()["written"] == 2
        recorded = {(t.metric, t.scope, t.source) for t in SqliteStore(path).plan_targets()}
        assert recorded == {("districts_nang_cao", ("216",), "official"),
                            ("dbkk_villages_ntm_share", ("220", "219"), "official")}  # fmt: skip
        again = client.get(f"/api/documents/{doc['id']}").json()["checks"]["targets"]
        assert {t["verdict"] for t in again} == {"recorded"}


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"%PDF-1.7\n%%EOF garbage", 422, "not a readable PDF"),
        (zip_bomb_docx(80), 413, "zip bomb"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 422, "OCR"),
        (b"", 422, "empty"),
    ],
)
def test_hostile_documents_are_refused_with_a_reason(app, content, status, words):
    client, _, _ = app
    r = client.post("/api/documents", params={"filename": "x"}, content=content)
    assert r.status_code == status and words in r.json()["detail"]


def test_markup_in_a_document_comes_back_as_text(app):
    client, _, _ = app
    text = "<script>alert('x')</script> huyện Lục Nam <img src=x onerror=alert(1)>"
    r = client.post("/api/documents", params={"filename": "<b>.html"}, content=text.encode())
    assert r.status_code == 201 and r.json()["text"] == text and r.json()["filename"] == "b_.html"


def test_too_large_is_413_and_unknown_ids_404(tmp_path):
    with app_client(tmp_path, max_upload_bytes=4096) as (client, _, _):
        assert client.post("/api/documents", content=b"x" * 5000).status_code == 413
        assert client.get("/api/documents/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
        assert client.get("/api/documents/short").status_code == 422
        assert client.get("/api/documents/AAAAAAAAAAAAAAAAAAAAAA/units.geojson").status_code == 404


def test_documents_can_need_a_reader_token(tmp_path):
    with app_client(tmp_path, public_documents=False) as (client, tokens, _):
        r = client.post("/api/documents", content=LETTER)
        assert r.status_code == 401 and "reader" in r.json()["detail"]
        ok = client.post("/api/documents", content=LETTER, headers=tokens["reader"])
        assert ok.status_code == 201 and ok.json()["created_by"] == "rita"
        assert client.get(ok.headers["Location"]).status_code == 401
        assert client.get(ok.headers["Location"], headers=tokens["reader"]).status_code == 200
