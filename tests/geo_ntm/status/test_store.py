"""The store: append-only, corrections supersede, duplicates refused, all-or-nothing writes (both backends)."""

from __future__ import annotations

import sqlite3
from datetime import date
from urllib.parse import quote

import pytest

from geo_ntm.errors import ConflictError, InvalidParameterError, StoreUnavailableError
from geo_ntm.status.model import Assessment, Revocation, VillageCount
from geo_ntm.status.schema import MIGRATIONS
from geo_ntm.status.store import SqliteStore, open_store
from tests.stores import integrity_errors

from .conftest import decision


@pytest.fixture()
def store(any_store):
    return any_store


def test_schema_is_created_and_versioned(tmp_path):
    store = SqliteStore(tmp_path / "s.sqlite")
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.data_version() == 0
    SqliteStore(store.path)  # opening again migrates nothing and keeps the data
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_records_round_trip_and_version_advances(store):
    d = decision("07222", "dat_chuan", "2019-11-02", no="1/QĐ-UBND")
    with store.write("tester", request_id="req-1") as w:
        first = w.add_decision(d)
        w.add_revocation(Revocation("commune", "07222", "Xã Song Mai", "dat_chuan", date(2023, 5, 1), "illustrative"))
        w.add_village_count(VillageCount("07222", "Xã Song Mai", date(2023, 12, 31), 10, 4, 1, "illustrative"))
        w.add_assessment(
            Assessment(
                "commune", "07222", "Xã Song Mai", date(2024, 1, 1), "xa-ntm-2021-2025", (1, 2, 19), "illustrative"
            )
        )
    assert store.data_version() == 1
    (got,) = store.decisions()
    assert (got.id, got.unit_code, got.signed, got.decision_no, got.recorded_by) == (
        first,
        "07222",
        date(2019, 11, 2),
        "1/QĐ-UBND",
        "tester",
    )
    assert store.assessments()[0].criteria_met == (1, 2, 19)
    audit = store.changes()
    assert len(audit) == 4 and {a["request_id"] for a in audit} == {"req-1"} and audit[0]["actor"] == "tester"


def test_a_correction_supersedes_and_both_stay(store):
    with store.write("a") as w:
        old = w.add_decision(decision("07222", "dat_chuan", "2019-11-02", no="1/QĐ-UBND"))
    fixed = decision("07222", "dat_chuan", "2019-11-20", no="1/QĐ-UBND")
    with store.write("b") as w:
        w.add_decision(fixed.__class__(**{**fixed.__dict__, "supersedes": old}))
    assert [d.signed for d in store.decisions()] == [date(2019, 11, 20)]
    assert len(store.decisions(current=False)) == 2
    with pytest.raises(ConflictError, match="already corrected"), store.write("c") as w:
        w.add_decision(fixed.__class__(**{**fixed.__dict__, "signed": date(2019, 12, 1), "supersedes": old}))
    with pytest.raises(InvalidParameterError, match="does not exist"), store.write("c") as w:
        w.add_decision(fixed.__class__(**{**fixed.__dict__, "supersedes": 999}))


def test_a_duplicate_is_refused(store):
    with store.write("a") as w:
        w.add_decision(decision("07222", "dat_chuan", "2019-11-02", no="1/QĐ-UBND"))
    with pytest.raises(ConflictError, match="already recorded as #1"), store.write("a") as w:
        w.add_decision(decision("07222", "dat_chuan", "2019-11-02", no="1/QĐ-UBND"))


def test_a_failed_write_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.write("a") as w:
        for i in range(50):
            w.add_decision(decision("07222", "dat_chuan", date(2015, 1, 1 + i % 28), no=f"{i}/QĐ"))
        raise RuntimeError("crash in the middle of an import")
    assert store.decisions() == [] and store.data_version() == 0 and store.changes() == []


def test_constraints_refuse_impossible_counts(store):
    with pytest.raises(integrity_errors()), store.write("a") as w:
        w.add_village_count(VillageCount("07222", "Xã Song Mai", date(2023, 12, 31), 5, 7, 0, "illustrative"))


def test_a_write_through_one_store_object_moves_the_version_every_other_sees(store):
    other = open_store(store.location)  # another worker process's store, on the same database
    try:
        assert other.data_version() == store.data_version() == 0
        with store.write("a") as w:
            w.add_decision(decision("07222", "dat_chuan", "2019-11-02", no="1/QĐ-UBND"))
        assert other.data_version() == 1 and [d.decision_no for d in other.decisions()] == ["1/QĐ-UBND"]
    finally:
        other.close()


def test_postgresql_refuses_a_nul_character_with_a_clear_error_and_writes_nothing(pg_server, request):
    url, name = pg_server.schema_url()
    request.addfinalizer(lambda: pg_server.drop_schema(name))
    store = open_store(url)
    with pytest.raises(InvalidParameterError, match="NUL"), store.write("a") as w:
        w.add_decision(decision("07222", "dat_chuan", "2019-11-02", no="1/QĐ\x00"))
    assert store.decisions() == [] and store.data_version() == 0
    store.close()


def test_an_unreachable_or_read_only_postgresql_is_a_store_condition(pg_server, request):
    from deploy.pgcluster import free_port

    with pytest.raises(StoreUnavailableError) as down:
        open_store(f"postgresql://nobody@127.0.0.1:{free_port()}/none?connect_timeout=2")
    assert down.value.cause == "unreachable" and "cannot be reached" in str(down.value)
    url, name = pg_server.schema_url()
    request.addfinalizer(lambda: pg_server.drop_schema(name))
    open_store(url).close()  # migrated while writable
    base = url.split("?")[0]
    read_only = open_store(f"{base}?options=" + quote(f"-csearch_path={name} -cdefault_transaction_read_only=on"))
    with pytest.raises(StoreUnavailableError) as ro, read_only.write("a") as w:
        w.add_decision(decision("07222", "dat_chuan", "2019-11-02"))
    assert ro.value.cause == "read_only" and "nothing was written" in str(ro.value)
    read_only.close()
