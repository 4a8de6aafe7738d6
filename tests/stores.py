"""Both store backends for the tests: a SQLite file, or a fresh schema in a throwaway PostgreSQL cluster.

``make test`` starts the cluster itself (``deploy/pgcluster.py``: ``initdb`` on a free loopback
port in a temporary folder, removed at the end); a test of the PostgreSQL backend is skipped,
saying how to get one, where no server can be started. ``GEO_NTM_TEST_POSTGRES`` names an
existing empty database instead.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest

from geo_ntm.status.store import StatusStore, is_url

BACKENDS = ("sqlite", "postgresql")


class Server:
    """The session's PostgreSQL server (started on first use), or why there is none."""

    def __init__(self):
        self.url: str | None = os.environ.get("GEO_NTM_TEST_POSTGRES") or None
        self.cluster = None
        self.problem: str | None = None
        self._tried = self.url is not None

    def database(self) -> str:
        """The URL of the server's database, starting the cluster the first time; skips when it cannot."""
        if not self._tried:
            self._tried = True
            try:
                from deploy.pgcluster import Cluster, Unavailable

                self.cluster = Cluster(durable=False)
                self.url = self.cluster.start()
            except (Unavailable, OSError, Exception) as exc:  # noqa: B014 (any failure means: no server here)
                from deploy.pgcluster import HOW

                self.problem = f"no PostgreSQL server for the tests ({exc}); {HOW}"
                self.cluster = None
        if self.url is None:
            pytest.skip(self.problem or "no PostgreSQL server")
        return self.url

    def schema_url(self, name: str | None = None) -> tuple[str, str]:
        """A new empty schema and a URL whose connections use it (``search_path``)."""
        import psycopg

        url = self.database()
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}options={quote(f'-csearch_path={name}')}", name

    def drop_schema(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.database(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()


def location(server: Server, backend: str, tmp_path: Path, request) -> str:
    """Where a fresh store of ``backend`` lives (its schema is dropped when the fixture ends)."""
    if backend == "sqlite":
        return str(tmp_path / "geo-ntm.sqlite")
    url, name = server.schema_url()
    request.addfinalizer(lambda: server.drop_schema(name))
    return url


def execute(store: StatusStore | str | Path, sql: str, *args) -> list:
    """Run SQL on a store's database (a store, or its location) beside the store, as someone with the database would."""
    where = store.location if isinstance(store, StatusStore) else str(store)
    if not is_url(where):
        with closing(sqlite3.connect(where)) as conn, conn:
            return conn.execute(sql, args).fetchall()
    import psycopg

    from geo_ntm.status.pgconn import to_psycopg

    with psycopg.connect(where, autocommit=True) as conn:
        cur = conn.execute(to_psycopg(sql), args)
        return cur.fetchall() if cur.description else []


def integrity_errors() -> tuple[type[Exception], ...]:
    """What a violated constraint raises, on either backend."""
    import psycopg

    return sqlite3.IntegrityError, psycopg.IntegrityError
