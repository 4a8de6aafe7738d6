"""kill -9 in the middle of a large import: the store opens, is intact, holds all of it or none, and recovers.

The import is real: a CSV of 20,000 decisions uploaded to ``POST /api/imports`` and confirmed
through ``POST /api/imports/{id}/confirm`` on the service running as its own process. The test
empties the WAL first, then watches it grow while the confirmation runs: SQLite writes a large
transaction's pages to the WAL before its commit, so a WAL several MB long with no answer yet
means the import is being written. The process is killed with SIGKILL at that moment. On
restart the service returns the interrupted upload to "checked" (its transaction rolled back),
the audit trail says whose confirmation stopped, and the same upload is confirmed again.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx
import pytest

from geo_ntm.auth.tokens import create_token
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.status.store import SqliteStore

from .service import Service

pytest.importorskip("geo_ntm.status.imports.importer")
pytestmark = pytest.mark.slow

ROWS = 20_000
KILL_AT_WAL_BYTES = 4 * 1024 * 1024


def big_sheet(rows: int = ROWS) -> bytes:
    atlas = Atlas.load(DEFAULT_REGION)
    units = atlas.units_on("2023-03-15", "commune")
    codes = units[units["type"] == "Xã"]["code"].tolist()
    note = "Ghi chú kiểm thử: quyết định công nhận xã đạt chuẩn nông thôn mới. " * 6
    lines = ["unit_code,level,decision_no,signed,note"]
    lines += [f"{codes[i % len(codes)]},dat_chuan,K-{i}/QĐ-UBND,2023-03-15,{note}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def counts(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "imported": conn.execute("SELECT COUNT(*) FROM decisions WHERE decision_no LIKE 'K-%'").fetchone()[0],
            "changes": conn.execute("SELECT COUNT(*) FROM changes WHERE detail LIKE '%K-%/QĐ-UBND%'").fetchone()[0],
            "version": int(conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]),
            "states": [r[0] for r in conn.execute("SELECT state FROM uploads ORDER BY created_at")],
        }
    finally:
        conn.close()


def test_a_kill_during_an_import_leaves_all_or_nothing_and_the_service_restarts(tmp_path):
    path = tmp_path / "store.sqlite"
    _, secret = create_token(SqliteStore(path), "fault-editor", "editor", actor="test")
    _, admin_secret = create_token(SqliteStore(path), "fault-admin", "admin", actor="test")
    auth, admin = {"Authorization": f"Bearer {secret}"}, {"Authorization": f"Bearer {admin_secret}"}
    env = {"store": path, "demo": "false", "max_upload_bytes": 64 * 1024 * 1024}
    sheet = big_sheet()

    first = Service(tmp_path / "service-1.log", **env)
    try:
        first.wait_ready()
        with httpx.Client(base_url=first.url, timeout=120) as http:
            kept = http.post("/api/decisions", json={"unit_code": "07243", "level": "dat_chuan", "signed": "2019-05-02",
                             "source": "illustrative", "decision_no": "kept-1"}, headers=auth)  # fmt: skip
            assert kept.status_code == 201, kept.text
            staged = http.post("/api/imports", params={"filename": "big.csv", "source": "illustrative"},
                               content=sheet, headers={"Content-Type": "text/csv", **auth})  # fmt: skip
            assert staged.status_code == 201 and staged.json()["ready"], staged.text[:500]
        before = counts(path)
        with sqlite3.connect(path) as conn:  # an empty WAL, so that its growth shows the import being written
            assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        wal = path.with_name(path.name + "-wal")
        answer: list = []

        def confirm() -> None:
            try:
                answer.append(httpx.post(f"{first.url}{staged.json()['confirm']}", headers=auth, timeout=120))
            except httpx.TransportError as exc:
                answer.append(exc)

        thread = threading.Thread(target=confirm)
        thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not answer:
            if wal.exists() and wal.stat().st_size > KILL_AT_WAL_BYTES:
                break
            time.sleep(0.002)
        grown = wal.stat().st_size
        first.kill()
        thread.join(timeout=30)
    finally:
        first.stop()

    assert answer and isinstance(answer[0], httpx.TransportError), "the import finished before the kill"
    after = counts(path)
    assert after["integrity"] == "ok"
    assert after["imported"] in (0, ROWS) and after["changes"] == after["imported"]
    assert after["version"] == before["version"] + (1 if after["imported"] else 0)
    assert after["states"] == ["applied" if after["imported"] else "applying"]  # the state lands with the records
    print(f"killed with a {grown / 1e6:.1f} MB WAL; records of the import after restart: {after['imported']}")

    second = Service(tmp_path / "service-2.log", **env)
    try:
        second.wait_ready()
        with httpx.Client(base_url=second.url, timeout=120) as http:
            assert http.get("/healthz").json()["status"] == "ok"
            assert http.get("/api/status", params={"year": 2023}).status_code == 200
            assert [d["decision_no"] for d in http.get("/api/decisions", params={"unit": "07243"}).json()["items"]] == [
                "kept-1"
            ]
            upload = http.get(f"/api/imports/{staged.json()['id']}", headers=auth).json()
            if after["imported"] == 0:  # interrupted: confirmable again, and the audit trail says what happened
                assert upload["state"] == "checked" and upload["confirm"] == staged.json()["confirm"]
                [note] = http.get("/api/audit", params={"action": "interrupt"}, headers=admin).json()["items"]
                assert (note["actor"], note["record_id"]) == ("geo-ntm (start)", upload["id"])
                assert note["detail"]["confirmed_by"] == "fault-editor" and "service stopped" in note["detail"]["why"]
                assert "nothing of it was written" in note["detail"]["outcome"]
                done = http.post(staged.json()["confirm"], headers=auth)
                assert done.status_code == 200 and done.json()["written"] == ROWS
            else:
                assert upload["state"] == "applied"
                assert http.post(staged.json()["confirm"], headers=auth).status_code == 409
            chain = http.get("/api/audit", params={"limit": 1}, headers=admin).json()["chain"]
            assert chain["ok"] and chain["entries"] > ROWS, chain
        assert counts(path)["imported"] == ROWS
    finally:
        second.stop()
    assert counts(path)["integrity"] == "ok"
