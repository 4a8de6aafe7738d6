"""Spreadsheet imports through the API: dry run, confirm only if nothing moved, all or nothing, 413."""

from __future__ import annotations

import asyncio
import importlib.util
from datetime import date

import pytest

from geo_ntm.errors import ConflictError
from geo_ntm.status.imports.uploads import PinnedStore, check_upload, get_upload, recover_interrupted
from geo_ntm.status.model import VillageCount
from tests.stores import execute

from .editing import app_client, decision

pytest.importorskip("geo_ntm.status.imports.importer")

SHEET = (
    "Mã xã,Tên xã,Mức đạt,Số QĐ,Ngày ký\n"
    "09196,Xã Dũng Liệt,Đạt chuẩn NTM,12/QĐ-UBND,15/03/2023\n"
    "09199,Xa Tam Da,dat chuan,13/QĐ-UBND,2023-03-16\n"
)
CSV = {"Content-Type": "text/csv"}
PARAMS = {"filename": "qd-2023.csv", "source": "illustrative"}


@pytest.fixture(scope="module")
def atlas():
    from geo_ntm.boundaries.atlas import Atlas
    from geo_ntm.paths import DEFAULT_REGION

    return Atlas.load(DEFAULT_REGION)


@pytest.fixture()
def app(tmp_path, store_location):
    with app_client(tmp_path, store_location, max_upload_bytes=64 * 1024, demo=False) as found:
        yield found


def count(where, code: str) -> int:
    return execute(where, "SELECT COUNT(*) FROM decisions WHERE unit_code = ?", code)[0][0]


def upload(client, tok, text: str = SHEET, **params):
    return client.post("/api/imports", params={**PARAMS, **params}, content=text.encode(), headers={**CSV, **tok})


def test_a_dry_run_writes_nothing_and_confirm_writes_everything_once(app):
    client, tok, path = app
    r = upload(client, tok["editor"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ready"] and body["report"]["would_write"] == 2 and body["report"]["path"] == "qd-2023.csv"
    assert body["confirm"] == f"/api/imports/{body['id']}/confirm" and r.headers["Location"].endswith(body["id"])
    assert count(path, "09196") == 0
    done = client.post(body["confirm"], headers={"X-Request-ID": "import-1", **tok["editor"]})
    assert done.status_code == 200 and done.json()["state"] == "applied" and done.json()["written"] == 2
    assert count(path, "09196") == count(path, "09199") == 1
    again = client.post(body["confirm"], headers=tok["editor"])
    assert again.status_code == 409 and "was applied" in again.json()["detail"]
    assert count(path, "09196") == 1
    audit = client.get("/api/audit", params={"request_id": "import-1"}, headers=tok["admin"]).json()["items"]
    assert [(a["action"], a["table"]) for a in audit] == [
        ("apply", "uploads"), ("add", "decisions"), ("add", "decisions"), ("claim", "uploads")
    ]  # fmt: skip
    assert {a["endpoint"] for a in audit} == {f"/api/imports/{body['id']}/confirm"}
    assert audit[0]["detail"] == {"uploaded_by": "alice", "confirmed_by": "alice", "written": 2}
    assert client.get(f"/api/imports/{body['id']}", headers=tok["editor"]).json()["state"] == "applied"


def test_a_multipart_upload_works_the_same(app):
    if not any(importlib.util.find_spec(m) for m in ("python_multipart", "multipart")):
        pytest.skip("python-multipart is not installed (the raw-body upload still works)")
    client, tok, _ = app
    r = client.post("/api/imports", params={"source": "illustrative"}, files={"file": ("qd.csv", SHEET.encode())},
                    headers=tok["editor"])  # fmt: skip
    assert r.status_code == 201 and r.json()["filename"] == "qd.csv" and r.json()["ready"]


def test_confirm_is_refused_when_the_data_moved_since_the_dry_run(app):
    client, tok, path = app
    body = upload(client, tok["editor"]).json()
    client.post("/api/decisions", json=decision("09202"), headers=tok["bob"])
    r = client.post(body["confirm"], headers=tok["editor"])
    assert r.status_code == 409 and "run the dry run again" in r.json()["detail"]
    assert count(path, "09196") == 0
    fresh = upload(client, tok["editor"]).json()
    assert client.post(fresh["confirm"], headers=tok["editor"]).status_code == 200


def test_a_report_with_errors_cannot_be_confirmed(app):
    client, tok, path = app
    bad = SHEET + "99999,Xã Không Có,Đạt chuẩn NTM,14/QĐ-UBND,2023-03-17\n"
    body = upload(client, tok["editor"], bad).json()
    assert body["ready"] is False and body["confirm"] is None
    assert any(e["row"] == 4 for e in body["report"]["errors"])
    r = client.post(f"/api/imports/{body['id']}/confirm", headers=tok["editor"])
    assert r.status_code == 422 and count(path, "09196") == 0


def test_an_upload_over_the_limit_is_413_declared_or_streamed(app):
    client, tok, path = app
    big = SHEET + "x" * (70 * 1024)
    r = upload(client, tok["editor"], big)
    assert r.status_code == 413 and "limit" in r.json()["detail"]

    def chunks():
        for _ in range(100):
            yield b"y" * 1024

    r = client.post("/api/imports", params=PARAMS, content=chunks(), headers={**CSV, **tok["editor"]})
    assert r.status_code == 413
    big_json = client.post("/api/decisions", json=decision("09196", note="z" * (70 * 1024)), headers=tok["editor"])
    assert big_json.status_code == 413
    assert execute(path, "SELECT COUNT(*) FROM uploads")[0][0] == 0


def test_errors_about_the_file_name_the_upload_not_a_server_path(app):
    client, tok, _ = app
    r = client.post("/api/imports", params={"filename": "../../etc/passwd.csv"}, content=b"\x00\x01\x02binary",
                    headers={**CSV, **tok["editor"]})  # fmt: skip
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail.startswith("passwd.csv") and "/tmp" not in detail and "geo-ntm-upload" not in detail
    empty = client.post("/api/imports", params=PARAMS, content=b"", headers={**CSV, **tok["editor"]})
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]


def test_only_editors_upload(app):
    client, tok, _ = app
    assert upload(client, tok["reader"]).status_code == 403
    assert client.post("/api/imports", params=PARAMS, content=SHEET.encode(), headers=CSV).status_code == 401


def test_an_import_writes_only_at_the_version_its_dry_run_saw(any_store, atlas):
    """The check is inside the import's own transaction: a write from another process in between is caught."""
    store = any_store

    def claimed(request_id: str):
        up = check_upload(store, atlas, SHEET.encode(), "qd.csv", {"defaults": {"source": "illustrative"}}, actor="a")
        with store.write("a") as w:  # as the confirmation's claim leaves it
            w.conn.execute(
                "UPDATE uploads SET state = 'applying', claim_request_id = ? WHERE id = ?", (request_id, up.id)
            )
        return up

    pinned = PinnedStore(store, claimed("req-1"), "req-1", "importer", None)
    with store.write("the command line") as w:
        w.add_village_count(VillageCount("07243", "Xã Đồng Tiến", date(2023, 1, 1), 5, 1, 0, "illustrative"))
    with pytest.raises(ConflictError, match="changed since the dry run"):
        with pinned.write("importer"):
            pass
    up = claimed("req-2")
    with PinnedStore(store, up, "req-2", "importer", None).write("importer") as w:
        assert w.request_id == "req-2"
    assert get_upload(store, up.id).state == "applied"
    with pytest.raises(ConflictError, match="taken over"):  # a claim that is no longer its own writes nothing
        with PinnedStore(store, claimed("req-3"), "req-4", "importer", None).write("importer"):
            pass


def test_two_starts_at_once_return_an_upload_once(any_store, atlas, monkeypatch):
    """Both workers of a restart see the upload ``applying``; one returns it and writes the audit entry.

    The second start read its rows before the first one wrote: it must neither audit the
    interruption again nor reset a confirmation that claimed the upload in between.
    """
    store = any_store
    up = check_upload(store, atlas, SHEET.encode(), "qd.csv", {"defaults": {"source": "illustrative"}}, actor="a")

    def claim(request_id: str) -> None:
        with store.write("a") as w:
            w.conn.execute(
                "UPDATE uploads SET state = 'applying', claimed_by = 'a', claim_request_id = ? WHERE id = ?",
                (request_id, up.id),
            )

    claim("killed")
    stale = store.rows("SELECT id, created_by, claimed_by, claimed_at, claim_request_id FROM uploads")
    assert recover_interrupted(store) == [up.id]
    monkeypatch.setattr(store, "rows", lambda *a, **k: stale)  # the second worker read before the first wrote
    assert recover_interrupted(store) == []
    claim("new-confirmation")
    assert recover_interrupted(store) == []  # its stale row names the killed claim, not this one
    monkeypatch.undo()
    interrupts = execute(store.location, "SELECT COUNT(*) FROM changes WHERE action = 'interrupt'")[0][0]
    assert interrupts == 1 and get_upload(store, up.id).state == "applying"


def _drive(headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[int, int, dict]:
    """Send ``chunks`` through the middleware to an app that reads the whole body: (status, chunks read, headers)."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from api.context import RequestContextMiddleware

    async def echo(request):
        return PlainTextResponse(str(len(await request.body())))

    app = RequestContextMiddleware(Starlette(routes=[Route("/", echo, methods=["POST"])]), max_body=10)
    scope = {"type": "http", "method": "POST", "path": "/", "raw_path": b"/", "query_string": b"",
             "headers": headers, "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 1)}  # fmt: skip
    read, sent = 0, []

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    return start["status"], read, {k.decode(): v.decode() for k, v in start["headers"]}


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    status, read, headers = _drive([(b"content-length", b"1000")], [b"x" * 1000])
    assert (status, read) == (413, 0) and "x-request-id" in headers


def test_a_streamed_body_is_cut_off_as_soon_as_it_passes_the_limit():
    status, read, _ = _drive([], [b"abcd"] * 10)
    assert (status, read) == (413, 3)
    assert _drive([], [b"abcd", b"ef"])[:2] == (200, 2)
