"""The audit trail is a hash chain: a direct UPDATE or DELETE on it is reported, with where it breaks.

The audit's reproduction: an ``UPDATE``/``DELETE`` on the audit table was served as if nothing
happened. Each test tampers with the database the way someone with the file or a database login
would (``sqlite3`` or ``psycopg`` on the side, not through the store) and asks the store and the
command line; on both backends.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from geo_ntm.cli import main
from geo_ntm.status.model import Decision
from geo_ntm.status.schema import MIGRATIONS
from geo_ntm.status.store import SqliteStore, StatusStore
from tests.stores import execute


def _decision(n: int) -> Decision:
    return Decision("commune", "07243", "Xã Đồng Tiến", "dat_chuan", date(2019, 5, n + 1), 2019, "illustrative",
                    decision_no=f"C-{n}/QĐ")  # fmt: skip


@pytest.fixture
def store(any_store) -> StatusStore:
    store = any_store
    for n in range(5):  # five transactions of one entry each, then one of three
        with store.write(f"editor-{n}", f"req-{n}") as w:
            w.add_decision(_decision(n))
    with store.write("editor-5", "req-5") as w:
        for n in range(5, 8):
            w.add_decision(_decision(n))
    return store


def tamper(store: StatusStore, sql: str, *args) -> None:
    execute(store, sql, *args)


def verify_cli(store: StatusStore, capsys) -> tuple[int, dict]:
    code = main(["audit", "verify", "--store", store.location, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_an_untouched_trail_is_intact(store, capsys):
    report = store.verify_audit()
    assert report.ok and report.entries == 8 and report.head.id == 8
    assert verify_cli(store, capsys)[0] == 0
    assert main(["audit", "verify", "--store", store.location]) == 0
    assert f"intact: 8 entries; head {report.head}" in capsys.readouterr().out


def test_an_update_of_an_entry_is_reported_at_that_entry(store, capsys):
    tamper(store, "UPDATE changes SET actor = 'someone else' WHERE id = 3")
    code, report = verify_cli(store, capsys)
    assert code == 1 and not report["ok"] and report["first_break"] == 3 and report["break_count"] == 1
    assert "entry 3 does not match its hash" in report["breaks"][0]["problem"]


def test_an_update_that_also_rewrites_the_hash_is_reported_at_the_next_entry(store, capsys):
    tamper(store, "UPDATE changes SET detail = '{}', hash = 'f00d' WHERE id = 4")
    code, report = verify_cli(store, capsys)
    assert code == 1 and [b["id"] for b in report["breaks"]] == [4, 5]


def test_a_delete_in_the_middle_is_reported_where_the_gap_is(store, capsys):
    tamper(store, "DELETE FROM changes WHERE id IN (4, 5)")
    code, report = verify_cli(store, capsys)
    assert code == 1 and report["breaks"] == [{"id": 6, "problem": "entries 4–5 deleted: entry 6 follows entry 3"}]


def test_a_delete_at_the_end_is_reported_against_the_recorded_head(store, capsys):
    tamper(store, "DELETE FROM changes WHERE id >= 7")
    code, report = verify_cli(store, capsys)
    assert (
        code == 1
        and report["first_break"] == 7
        and "entries 7–8 deleted from the end" in report["breaks"][0]["problem"]
    )


def test_an_entry_added_outside_the_store_is_reported(store, capsys):
    tamper(store, "INSERT INTO changes (id, at, actor, action, tbl) VALUES (9, '2026-01-01', 'x', 'add', 'decisions')")
    code, report = verify_cli(store, capsys)
    assert code == 1 and [b["id"] for b in report["breaks"]] == [9, 9]  # no hash, and not the recorded head


def test_a_cached_verdict_sees_a_change_made_by_another_connection(store):
    assert store.verify_audit().ok
    tamper(store, "UPDATE changes SET record_id = '999' WHERE id = 1")
    assert store.verify_audit().first_break == 1


def test_a_store_from_before_the_chain_is_chained_when_it_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        for number, script in enumerate(MIGRATIONS[:2], start=1):
            conn.executescript(script)
            conn.execute(f"PRAGMA user_version = {number}")
        for n in range(1, 4):
            row = ("2025-01-01T00:00:00+00:00", "old", "decisions", str(n), "{}")
            conn.execute(
                "INSERT INTO changes (at, actor, action, tbl, record_id, detail) VALUES (?, ?, 'add', ?, ?, ?)", row
            )
    store = SqliteStore(path)
    with store.write("new", "r") as w:
        w.add_decision(_decision(1))
    report = store.verify_audit()
    assert report.ok and report.entries == 4 and report.head.id == 4
