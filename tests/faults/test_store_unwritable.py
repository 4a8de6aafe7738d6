"""A full disk and a read-only store, for real: writes get a 503 that names the cause, reads go on, nothing is lost.

The audit's reproduction: a full or read-only store answered "internal error", because the
ROLLBACK after SQLite had already ended the transaction ("cannot rollback - no transaction is
active") replaced the first error. Here the service runs as its own process on a store that
really cannot be written:

- full: the store lives on an 8 MB tmpfs mounted in the service's own mount namespace
  (``unshare -m``); the test fills that file system through ``/proc/<pid>/root`` and frees it.
- read-only: the store file is read-only (``chmod 0444``) and the service runs as root without
  the capabilities that bypass file permissions (``setpriv``); then the file is made writable.

Both need root (mount namespaces, capabilities); they skip otherwise.
"""

from __future__ import annotations

import os
import shutil
import sqlite3

import httpx
import pytest

from geo_ntm.auth.tokens import create_token
from geo_ntm.status.store import SqliteStore

from .service import Service

pytestmark = pytest.mark.slow
DECISION = {"unit_code": "07243", "level": "dat_chuan", "signed": "2019-05-02", "source": "illustrative"}
SHEET = "unit_code,level,decision_no,signed\n09196,dat_chuan,F-1/QĐ,2023-03-15\n"
CAPS = "-dac_override,-dac_read_search,-fowner"


def _need_root(tool: str) -> None:
    if os.geteuid() != 0 or shutil.which(tool) is None:
        pytest.skip(f"needs root and {tool} (util-linux) to make a store that really cannot be written")


def _tokens(path) -> tuple[dict, dict]:
    store = SqliteStore(path)
    editor = {"Authorization": f"Bearer {create_token(store, 'disk-editor', 'editor', actor='test')[1]}"}
    admin = {"Authorization": f"Bearer {create_token(store, 'disk-admin', 'admin', actor='test')[1]}"}
    return editor, admin


def _stage(http: httpx.Client, editor: dict) -> dict:
    staged = http.post("/api/imports", params={"filename": "f.csv", "source": "illustrative"}, content=SHEET.encode(),
                       headers={"Content-Type": "text/csv", **editor})  # fmt: skip
    assert staged.status_code == 201 and staged.json()["ready"], staged.text
    return staged.json()


def _refused(r: httpx.Response, words: str) -> None:
    assert r.status_code == 503, r.text
    assert words in r.json()["detail"] and "nothing was written" in r.json()["detail"]
    assert r.headers["retry-after"].isdigit() and "rollback" not in r.text and "internal" not in r.text


def _fill(directory: str) -> None:
    """Write zeros until the file system says it is full."""
    with open(os.path.join(directory, "filler"), "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass


def test_a_full_disk_refuses_writes_with_503_and_they_work_again_once_there_is_room(tmp_path):
    _need_root("unshare")
    disk = tmp_path / "disk"
    disk.mkdir()
    seed = tmp_path / "seed.sqlite"
    editor, admin = _tokens(seed)
    mount = f'mount -t tmpfs -o size=8m geo-ntm-test {disk} && cp {seed} {disk}/store.sqlite && exec "$@"'
    service = Service(tmp_path / "service.log", wrap=("unshare", "-m", "sh", "-c", mount, "sh"),
                      store=disk / "store.sqlite", demo="true")  # fmt: skip
    try:
        service.wait_ready()
        inside = f"/proc/{service.pid}/root{disk}"  # the tmpfs, as the service sees it
        with httpx.Client(base_url=service.url, timeout=60) as http:
            staged = _stage(http, editor)
            _fill(inside)
            _refused(
                http.post("/api/decisions", json=DECISION, headers=editor), "disk that holds the status store is full"
            )
            _refused(http.post(staged["confirm"], headers=editor), "is full")
            assert http.get("/api/status", params={"year": 2023}).status_code == 200  # reads go on
            assert http.get("/api/decisions", params={"unit": "07243"}).json()["total"] == 0
            os.remove(f"{inside}/filler")
            done = http.post(staged["confirm"], headers=editor)  # confirmable again (a claim left behind is taken over)
            assert done.status_code == 200 and done.json()["written"] == 1, done.text
            assert http.post("/api/decisions", json=DECISION, headers=editor).status_code == 201
            assert http.get("/api/audit", headers=admin).json()["chain"]["ok"]
        with sqlite3.connect(f"{inside}/store.sqlite") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        service.stop()


def test_a_read_only_store_refuses_writes_with_503_and_reads_go_on(tmp_path):
    _need_root("setpriv")
    path = tmp_path / "store.sqlite"
    editor, _ = _tokens(path)
    path.chmod(0o444)  # as a store copied from read-only media, or whose owner changed
    drop = ("setpriv", f"--inh-caps={CAPS}", f"--bounding-set={CAPS}")
    service = Service(tmp_path / "service.log", wrap=drop, store=path, demo="false")
    try:
        service.wait_ready()
        with httpx.Client(base_url=service.url, timeout=60) as http:
            assert http.get("/api/status", params={"year": 2023}).status_code == 200  # reads go on
            _refused(http.post("/api/decisions", json=DECISION, headers=editor), "the status store is read-only")
            upload = http.post("/api/imports", params={"filename": "f.csv", "source": "illustrative"},
                               content=SHEET.encode(), headers={"Content-Type": "text/csv", **editor})  # fmt: skip
            _refused(upload, "read-only")
            for made in tmp_path.glob("store.sqlite*"):  # SQLite made its -wal and -shm read-only like the file
                made.chmod(0o644)
            assert http.post("/api/decisions", json=DECISION, headers=editor).status_code == 201
    finally:
        path.chmod(0o644)
        service.stop()
