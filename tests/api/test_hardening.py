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


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/decisions", "application/json"),
        ("/api/decisions/1/corrections", "application/json"),
        ("/api/tokens", "application/json"),
        ("/api/imports", "multipart/form-data; boundary=x"),
    ],
)
def test_a_write_is_authenticated_before_its_body_is_read(app, path, content_type):
    client, tok, _ = app
    broken = {"content": b"{not json", "headers": {"Content-Type": content_type}}
    anonymous = client.post(path, **broken)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer"), anonymous.text
    reader = client.post(path, content=broken["content"], headers={**broken["headers"], **tok["reader"]})
    assert reader.status_code == 403, reader.text
    assert anonymous.headers["x-content-type-options"] == "nosniff"


def test_head_answers_like_get_without_a_body_on_every_get_route(app):
    client, tok, _ = app
    paths = [p for p, ops in client.get("/openapi.json").json()["paths"].items() if "get" in ops and "{" not in p]
    paths += [
        "/api/decisions/1",
        "/api/boundaries/units/07222",
        "/api/tiles/communes/8/203/113.png",
        "/static/site.css",
    ]
    assert len(paths) > 25
    for path in paths:
        get, head = client.get(path, headers=tok["admin"]), client.head(path, headers=tok["admin"])
        assert head.status_code == get.status_code and head.content == b"", path
        for name in ("content-type", "etag", "content-length"):
            assert head.headers.get(name) == get.headers.get(name), (path, name)
    preflight = client.options(
        "/api/layers", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "HEAD"}
    )
    assert "HEAD" in preflight.headers["access-control-allow-methods"]


def test_an_upload_is_seen_and_confirmed_by_its_editor_or_an_admin_and_the_audit_says_who(app):
    client, tok, _ = app
    sheet = "Mã xã,Mức đạt,Số QĐ,Ngày ký\n09196,Đạt chuẩn NTM,O-1/QĐ-UBND,15/03/2023\n"
    made = client.post("/api/imports", params={"filename": "o.csv", "source": "illustrative"}, content=sheet.encode(),
                       headers={"Content-Type": "text/csv", **tok["alice"]}).json()  # fmt: skip
    for attempt in (client.get(made["href"], headers=tok["bob"]), client.post(made["confirm"], headers=tok["bob"])):
        assert attempt.status_code == 404 and "editor who made it, or an admin" in attempt.json()["detail"]
    assert made["id"] not in [u["id"] for u in client.get("/api/imports", headers=tok["bob"]).json()["items"]]
    mine = client.get("/api/imports", params={"limit": 1}, headers=tok["alice"]).json()
    assert mine["items"][0]["id"] == made["id"] and mine["limit"] == 1 and "report" not in mine["items"][0]
    done = client.post(made["confirm"], headers={"X-Request-ID": "by-ada", **tok["admin"]})
    assert done.status_code == 200, done.text
    audit = client.get("/api/audit", params={"request_id": "by-ada", "action": "apply"}, headers=tok["admin"]).json()
    assert audit["items"][0]["detail"] == {"uploaded_by": "alice", "confirmed_by": "ada", "written": 1}


def test_every_write_the_table_covers_needs_the_role_the_table_says(app):
    """The roles checked before the body are those the routes check after it: with that role, the body decides."""
    from api.auth import UNSAFE, write_role

    client, tok, _ = app
    below = {"editor": "reader", "admin": "editor"}
    holder = {"editor": "editor", "admin": "admin"}
    checked = 0
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method in (m.upper() for m in operations if m.upper() in UNSAFE):
            role = write_role(path)
            if role is None:
                continue
            url = path.replace("{record_id}", "1").replace("{token_id}", "1").replace("{upload_id}", "AAAAAAAAAAAA")
            broken = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
            assert client.request(method, url, **broken).status_code == 401, (method, path)
            low = client.request(
                method, url, content=broken["content"], headers={**broken["headers"], **tok[below[role]]}
            )
            assert low.status_code == 403, (method, path, low.text)
            ok = client.request(
                method, url, content=broken["content"], headers={**broken["headers"], **tok[holder[role]]}
            )
            assert ok.status_code not in (401, 403), (method, path, ok.text)
            checked += 1
    assert checked >= 9
