"""The PostgreSQL schema follows SQLite's, migration for migration: a migration added to one only fails here.

Adding a migration is one step in two places (``schema.MIGRATIONS`` and ``pgschema.MIGRATIONS``,
same position); both databases must then end with the same tables, columns and indexes.
"""

from __future__ import annotations

import sqlite3
import threading

from geo_ntm.status import pgschema, schema
from geo_ntm.status.store import SqliteStore, open_store
from tests.stores import execute

#: What only PostgreSQL has: its migration counter, and SQLite's hidden insertion order made a column.
PG_ONLY_TABLES = {"schema_version"}
PG_ONLY_COLUMNS = {("difficulty_entries", "rowid")}


def sqlite_shape(path) -> tuple[dict, set]:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in tables}
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    return columns, indexes


def pg_shape(store) -> tuple[dict, set]:
    columns: dict[str, set] = {}
    for table, column in execute(
        store, "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
    ):
        if table not in PG_ONLY_TABLES and (table, column) not in PG_ONLY_COLUMNS:
            columns.setdefault(table, set()).add(column)
    indexes = {
        r[0]
        for r in execute(store, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        if not r[0].endswith(("_pkey", "_key"))  # PRIMARY KEY and UNIQUE columns: SQLite's autoindexes
    }
    return columns, indexes


def test_every_sqlite_migration_has_its_postgresql_counterpart():
    assert len(pgschema.MIGRATIONS) == len(schema.MIGRATIONS), (
        "a migration was added to geo_ntm/status/schema.py without its PostgreSQL counterpart in "
        "geo_ntm/status/pgschema.py (same position), or the other way round"
    )


def test_both_databases_end_with_the_same_tables_columns_and_indexes(tmp_path, pg_server, request):
    lite = SqliteStore(tmp_path / "s.sqlite")
    url, name = pg_server.schema_url()
    request.addfinalizer(lambda: pg_server.drop_schema(name))
    pg = open_store(url)
    try:
        assert pg.schema_version() == len(schema.MIGRATIONS)
        assert pg_shape(pg) == sqlite_shape(lite.path)
    finally:
        pg.close()


def test_workers_starting_together_migrate_once(pg_server, request):
    url, name = pg_server.schema_url()
    request.addfinalizer(lambda: pg_server.drop_schema(name))
    stores, errors = [], []

    def start():
        try:
            stores.append(open_store(url))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(stores) == 4
    assert execute(stores[0], "SELECT version FROM schema_version") == [(len(schema.MIGRATIONS),)]
    for s in stores:
        s.close()
