"""The outside audit's reproductions, each a request that used to get a 500 (or worse) and now gets a 4xx."""

from __future__ import annotations

import pytest

from tests.hostile_files import far_row_bomb, workbook

from .editing import app_client

BIG = "9223372036854775808"  # 2**63: one more than SQLite's largest integer


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_client(tmp_path_factory.mktemp("hardening")) as found:
        yield found


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("GET", f"/api/decisions/{BIG}", None),
        ("GET", f"/api/revocations/{BIG}", None),
        ("POST", f"/api/decisions/{BIG}/corrections", "editor"),
        ("POST", f"/api/revocations/{BIG}/corrections", "editor"),
        ("DELETE", f"/api/tokens/{BIG}", "admin"),
        ("GET", f"/api/audit?offset={BIG}", "admin"),
        ("GET", f"/api/decisions?offset={BIG}", None),
        ("GET", f"/api/imports?offset={BIG}", "editor"),
    ],
)
def test_ids_and_offsets_beyond_64_bits_are_refused_not_a_500(app, method, path, who):
    client, tok, _ = app
    body = {"unit_code": "07222", "level": "dat_chuan", "signed": "2023-05-02", "source": "illustrative"}
    r = client.request(method, path, headers=tok[who] if who else {}, json=body if method == "POST" else None)
    assert r.status_code == 422, r.text
    assert "less than or equal to 9223372036854775807" in r.text


@pytest.mark.parametrize("path", ["/api/audit", "/api/audit.csv"])
def test_the_last_day_there_is_is_a_valid_until(app, path):
    client, tok, _ = app
    r = client.get(path, params={"until": "9999-12-31", "since": "0001-01-01"}, headers=tok["admin"])
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        # The parser's name in brackets is openpyxl's: ElementTree's ParseError, or lxml's XMLSyntaxError once
        # lxml is installed (python-docx, for documents, brings it).
        (workbook("<worksheet/>", workbook_xml="<"), "not a readable .xlsx workbook ("),
        (far_row_bomb(), "goes on past row 100,030"),
    ],
)
def test_a_broken_or_bombed_workbook_upload_is_one_clear_4xx(app, content, words):
    client, tok, _ = app
    r = client.post("/api/imports", params={"filename": "x.xlsx", "source": "illustrative"}, content=content,
                    headers={"Content-Type": "application/octet-stream", **tok["editor"]})  # fmt: skip
    assert r.status_code in (413, 422) and words in r.json()["detail"], r.text
    assert "Traceback" not in r.text and "/tmp" not in r.text


@pytest.mark.parametrize(
    "path", ["/healthz", "/api/layers", "/api/decisions", "/api/audit.csv", "/static/site.css", "/nowhere", "/docs"]
)
def test_every_answer_says_nosniff(app, path):
    client, tok, _ = app
    assert client.get(path, headers=tok["admin"]).headers["x-content-type-options"] == "nosniff"
