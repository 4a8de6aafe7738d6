"""The PostgreSQL backend of the status store: many worker processes (or machines), one database.

``GEO_NTM_STORE=postgresql://user@host:5432/db`` chooses it (:func:`.store.open_store`). It keeps
every guarantee of :class:`~.store.SqliteStore` with the same Python above the same SQL
(:class:`~.pgconn.Connection` takes SQLite's dialect):

- **One writer at a time.** A write transaction starts by locking the ``data_version`` row of
  ``meta`` (``SELECT … FOR UPDATE``), as SQLite's ``BEGIN IMMEDIATE`` takes the file's write
  lock: the writer's checks (duplicates, corrections, If-Match, idempotency keys, an upload's
  claim) and the audit chain's next number read a state no other writer can change before the
  commit. Readers never wait (MVCC). A write is all or nothing; a killed client's transaction
  is rolled back by the server.
- **A data version every worker sees move.** Each write that adds records steps ``meta``'s
  ``data_version`` in its own transaction, and :meth:`PostgresStore.data_version` reads it on a
  kept connection (one indexed row; the statement is prepared): the caches of every worker key
  on it, so a write through one worker is seen by all on their next request.
- **Claims of imports** are session advisory locks (:meth:`PostgresStore.claim`): the server
  drops them when the claiming process's connection closes, killed or not.

Connections come from a ``psycopg_pool`` pool (reads and writes), plus one kept connection for
the data version. Tests give each case its own schema with ``?options=-csearch_path%3D<name>``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from geo_ntm.errors import ConflictError, StoreUnavailableError

from .chain import ChainReport, Head, verify
from .pgconn import UNREACHABLE, Connection, row_factory, to_psycopg, translated, unavailable
from .pgschema import MIGRATIONS
from .schema import SEAL
from .store import StatusStore, _statements
from .writer import CHAIN_ROWS, Writer, seal_existing

#: Advisory lock key of migrations (several workers starting at once migrate one after another).
_MIGRATION_LOCK = 0x67656F6E746D  # "geontm"
_VERSION_SQL = "SELECT value FROM meta WHERE key = 'data_version'"


class PostgresStore(StatusStore):
    """The status store in a PostgreSQL database (created empty by its owner; tables by migrations here)."""

    kind = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 8):
        self.url = self.location = url
        self._kwargs = {"autocommit": True, "row_factory": row_factory}
        with translated():
            psycopg.connect(url, connect_timeout=10).close()  # a server that cannot be reached says so now
            self._pool = ConnectionPool(
                url, min_size=1, max_size=pool_size, kwargs=self._kwargs, timeout=10,
                check=ConnectionPool.check_connection, open=False, name="geo-ntm store",
            )  # fmt: skip
            self._pool.open(wait=True, timeout=15)
            self._migrate()
        self._lock = threading.Lock()
        self._version_conn: psycopg.Connection | None = None

    def close(self) -> None:
        with self._lock:
            if self._version_conn is not None:
                self._version_conn.close()
                self._version_conn = None
        self._pool.close()

    def _migrate(self) -> None:
        """Apply the migrations this database lacks (none: no DDL, so a read-only standby starts too)."""
        if self._applied() >= len(MIGRATIONS):
            return
        with self._pool.connection() as raw, raw.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))  # workers starting together
            raw.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = raw.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                raw.execute("INSERT INTO schema_version (version) VALUES (0)")
            version = row[0] if row else 0
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    raw.execute(statement)
                if number == SEAL:
                    seal_existing(Connection(raw))
                raw.execute("UPDATE schema_version SET version = %s", (number,))

    def _applied(self) -> int:
        with self._pool.connection() as raw:
            if raw.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
                return 0
            row = raw.execute("SELECT version FROM schema_version").fetchone()
            return row[0] if row else 0

    def schema_version(self) -> int:
        return self._rows("SELECT version FROM schema_version")[0][0]

    def data_version(self) -> int:
        """The number of committed writes: one prepared read on a kept connection, so asked per request."""
        with self._lock, translated():
            for attempt in (1, 2):
                try:
                    if self._version_conn is None or self._version_conn.closed:
                        self._version_conn = psycopg.connect(self.url, autocommit=True, prepare_threshold=0)
                    return int(self._version_conn.execute(_VERSION_SQL).fetchone()[0])
                except psycopg.OperationalError:
                    if self._version_conn is not None:
                        self._version_conn.close()
                    self._version_conn = None
                    if attempt == 2:  # the server went away and did not come back: say so
                        raise
        raise AssertionError("unreachable")

    @contextmanager
    def write(self, actor: str, request_id: str | None = None) -> Iterator[Writer]:
        """One transaction holding the write lock; a full, read-only or unreachable store raises 503's error."""
        try:
            with self._pool.connection() as raw, raw.transaction():
                conn = Connection(raw)
                conn.execute(_VERSION_SQL + " FOR UPDATE")  # the write lock: writers queue here
                writer = Writer(conn, actor, request_id or uuid.uuid4().hex)
                yield writer
                if writer.count:
                    conn.execute("UPDATE meta SET value = (CAST(value AS BIGINT) + 1)::text WHERE key = 'data_version'")
                writer.seal()
        except BaseException as exc:
            error = unavailable(exc)
            if isinstance(exc, PoolTimeout) and not self._reachable():
                error = StoreUnavailableError(*UNREACHABLE)
            if error is not None:
                raise error from exc
            raise

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        """As :func:`.pgconn.translated`; a pool that gives no connection because the server is down says so."""
        try:
            with translated():
                yield
        except StoreUnavailableError as exc:
            if isinstance(exc.__cause__, PoolTimeout) and not self._reachable():
                raise StoreUnavailableError(*UNREACHABLE) from exc.__cause__
            raise

    def _reachable(self) -> bool:
        try:
            psycopg.connect(self.url, connect_timeout=3).close()
            return True
        except psycopg.Error:
            return False

    def _rows(self, sql: str, args=()) -> list:
        with self._guarded(), self._pool.connection() as raw:
            return Connection(raw).execute(sql, args).fetchall()

    def verify_audit(self) -> ChainReport:
        """Check the audit trail's hash chain in one snapshot (``REPEATABLE READ``)."""
        with self._guarded(), self._pool.connection() as raw, raw.transaction():
            raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            head = Head.parse(raw.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()[0])
            rows = raw.execute(to_psycopg(CHAIN_ROWS)).fetchall()
        return verify((dict(r) for r in rows), head)

    @contextmanager
    def claim(self, upload_id: str) -> Iterator[None]:
        """A session advisory lock on its own connection: the server drops it when that connection closes."""
        with translated():
            conn = psycopg.connect(self.url, autocommit=True)
        try:
            with translated():
                got = conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (upload_id,)).fetchone()
            if not got[0]:
                raise ConflictError(f"upload {upload_id} is being applied (another confirmation holds it); "
                                    "read it again in a moment")  # fmt: skip
            yield
        finally:
            conn.close()  # ends the session, and with it the lock

    def claim_held(self, upload_id: str) -> bool:
        sql = (
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(?, 0))"
        )
        return bool(self._rows(sql, (upload_id,))[0][0])
