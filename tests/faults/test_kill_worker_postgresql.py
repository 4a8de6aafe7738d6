"""kill -9 of the workers during an import with the PostgreSQL store: nothing partial, and it can be confirmed again.

``geo-ntm serve --workers 2`` on a PostgreSQL store. A 5,000-row import is confirmed; once its
transaction is writing (the server shows its ``INSERT``s in ``pg_stat_activity``), every worker
is killed with SIGKILL. The server rolls the transaction back when the connection drops, and the
claim's advisory lock goes with the claiming connection; the arbiter starts new workers, whose
start returns the upload to "checked" (audited). The same upload is then confirmed again and
lands whole.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import psycopg
import pytest

from geo_ntm.auth.tokens import create_token
from geo_ntm.status.store import open_store
from tests.stores import execute

from .service import Service
from .test_kill_during_import import big_sheet

pytestmark = pytest.mark.slow
#: Rows of the import: enough for a transaction of seconds (each row is a few round trips to the server).
ROWS = 5_000


def counts(url: str) -> dict:
    return {
        "imported": execute(url, "SELECT COUNT(*) FROM decisions WHERE decision_no LIKE 'K-%'")[0][0],
        "changes": execute(url, "SELECT COUNT(*) FROM changes WHERE detail LIKE '%K-%/QĐ-UBND%'")[0][0],
        "version": int(execute(url, "SELECT value FROM meta WHERE key = 'data_version'")[0][0]),
        "states": [r[0] for r in execute(url, "SELECT state FROM uploads ORDER BY created_at")],
    }


def importing(url: str) -> bool:
    """Whether a transaction is writing the import's rows now (uncommitted)."""
    with psycopg.connect(url, autocommit=True) as conn:
        return bool(conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL "
            "AND (query LIKE 'INSERT INTO decisions%' OR query LIKE 'INSERT INTO changes%')"
        ).fetchone()[0])  # fmt: skip


def test_killed_workers_leave_nothing_of_an_import_and_it_can_be_confirmed_again(tmp_path, pg_server, request):
    url, name = pg_server.schema_url()
    request.addfinalizer(lambda: pg_server.drop_schema(name))
    store = open_store(url)
    _, secret = create_token(store, "fault-editor", "editor", actor="test")
    _, admin_secret = create_token(store, "fault-admin", "admin", actor="test")
    store.close()
    auth, admin = {"Authorization": f"Bearer {secret}"}, {"Authorization": f"Bearer {admin_secret}"}
    service = Service(tmp_path / "serve.log", workers=2, store=url, demo="false", max_upload_bytes=64 * 1024 * 1024)
    try:
        service.wait_ready(timeout=180)
        with httpx.Client(base_url=service.url, timeout=120) as http:
            staged = http.post("/api/imports", params={"filename": "big.csv", "source": "illustrative"},
                               content=big_sheet(ROWS), headers={"Content-Type": "text/csv", **auth})  # fmt: skip
            assert staged.status_code == 201 and staged.json()["ready"], staged.text[:500]
        before = counts(url)
        answer: list = []

        def confirm() -> None:
            try:
                answer.append(httpx.post(f"{service.url}{staged.json()['confirm']}", headers=auth, timeout=300))
            except httpx.TransportError as exc:
                answer.append(exc)

        thread = threading.Thread(target=confirm)
        thread.start()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not answer and not importing(url):
            time.sleep(0.01)
        time.sleep(0.5)  # well inside the transaction
        killed = service.workers()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        thread.join(timeout=60)
        assert answer and isinstance(answer[0], httpx.TransportError), "the import finished before the kill"

        after = counts(url)
        assert after["imported"] == 0 and after["changes"] == 0 and after["version"] == before["version"]

        deadline = time.monotonic() + 180  # the arbiter starts new workers; their start recovers the upload
        while time.monotonic() < deadline:
            workers = service.workers()
            if len(workers) == 2 and not set(workers) & set(killed) and counts(url)["states"] == ["checked"]:
                break
            time.sleep(0.5)
        assert counts(url)["states"] == ["checked"]
        service.wait_ready(timeout=180)
        with httpx.Client(base_url=service.url, timeout=300) as http:
            [note] = http.get("/api/audit", params={"action": "interrupt"}, headers=admin).json()["items"]
            assert (
                note["detail"]["confirmed_by"] == "fault-editor"
                and "nothing of it was written" in (note["detail"]["outcome"])
            )
            done = http.post(staged.json()["confirm"], headers=auth)
            assert done.status_code == 200 and done.json()["written"] == ROWS, done.text[:500]
            chain = http.get("/api/audit", params={"limit": 1}, headers=admin).json()["chain"]
            assert chain["ok"] and chain["entries"] > ROWS, chain
        final = counts(url)
        assert final["imported"] == final["changes"] == ROWS and final["states"] == ["applied"]
    finally:
        service.stop()
