"""The status store: append-only records behind an interface, SQLite by default.

Nothing is updated in place: a correction is a new record that ``supersedes`` an old one and
both stay. Every write happens in one transaction (``with store.write(actor) as w: ...``): it
all lands, with an entry per record in the ``changes`` audit table and one step of the data
version, or none of it does. The data version keys the caches of the layers and pages.

The PostgreSQL backend (:mod:`.pgstore`, chosen by :func:`open_store` for a ``postgresql://``
URL) implements :class:`StatusStore` the same way: the reads here, the hash chain of the audit
trail (:mod:`.chain`), the writer's checks (:mod:`.writer`) and the recovery of interrupted
imports (:mod:`.uploads`) are Python above the SQL both databases share; what is SQLite's own is
here (connections, WAL, ``PRAGMA``s, migrations) and in :mod:`.store_errors` (what a failing disk
means), what is PostgreSQL's in :mod:`.pgstore`, :mod:`.pgschema` and :mod:`.pgerrors`.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo_ntm.errors import ConflictError
from geo_ntm.locks import held, holding

from .chain import ChainReport, Head, verify
from .model import (
    Assessment,
    CommuneGroup,
    Decision,
    DifficultyEntry,
    DifficultyList,
    PlanTarget,
    ReportedFigure,
    ReviewStep,
    Revocation,
    VillageCount,
)
from .queries import corrected_by, one, plain, record_of, revision, unit_records, unit_reviews
from .schema import MIGRATIONS, SEAL
from .store_errors import rollback, translated, unavailable
from .writer import CHAIN_ROWS, Writer, seal_existing

__all__ = ["SqliteStore", "StatusStore", "Writer", "is_url", "open_store"]


class StatusStore(ABC):
    """What every backend offers: the reads below are plain SQL over :meth:`_rows`, shared by all.

    A backend supplies connections and transactions (:meth:`_rows`, :meth:`write`), the data
    version, the audit check, and the claim locks of imports (:meth:`claim`, :meth:`claim_held`).
    Its SQL is the subset SQLite and PostgreSQL share, with ``?`` placeholders.
    """

    #: What a backend is called in messages, logs and the health answer.
    kind = "store"
    #: Where it is: a file path, or a database URL (what ``GEO_NTM_STORE`` and ``--store`` take).
    location = ""

    @abstractmethod
    def data_version(self) -> int: ...

    @abstractmethod
    @contextmanager
    def write(self, actor: str, request_id: str | None = None) -> Iterator[Writer]: ...

    @abstractmethod
    def _rows(self, sql: str, args=()) -> list: ...

    @abstractmethod
    def verify_audit(self) -> ChainReport:
        """Check the audit trail's hash chain from its first entry (:func:`.chain.verify`)."""

    @abstractmethod
    @contextmanager
    def claim(self, upload_id: str) -> Iterator[None]:
        """Hold a lock that says "a live process is applying this upload" (released when the process dies)."""

    @abstractmethod
    def claim_held(self, upload_id: str) -> bool:
        """Whether another live process holds :meth:`claim` for this upload."""

    def close(self) -> None:  # noqa: B027 (a backend that keeps no connection has nothing to release)
        """Release the connections the store keeps."""

    def _current(self, table: str, current: bool) -> list:
        where = f" WHERE id NOT IN (SELECT supersedes FROM {table} WHERE supersedes IS NOT NULL)" if current else ""
        return self._rows(f"SELECT * FROM {table}{where} ORDER BY id")

    def decisions(self, *, current: bool = True) -> list[Decision]:
        return [record_of(Decision, r) for r in self._current("decisions", current)]

    def revocations(self, *, current: bool = True) -> list[Revocation]:
        return [record_of(Revocation, r) for r in self._current("revocations", current)]

    def village_counts(self, *, current: bool = True) -> list[VillageCount]:
        return [record_of(VillageCount, r) for r in self._current("village_counts", current)]

    def assessments(self, *, current: bool = True) -> list[Assessment]:
        return [record_of(Assessment, r) for r in self._current("assessments", current)]

    def commune_groups(self, *, current: bool = True) -> list[CommuneGroup]:
        return [record_of(CommuneGroup, r) for r in self._current("commune_groups", current)]

    def reviews(self, *, current: bool = True) -> list[ReviewStep]:
        return [record_of(ReviewStep, r) for r in self._current("reviews", current)]

    def difficulty_lists(self) -> list[DifficultyList]:
        entries: dict[str, list] = {}
        # ``rowid`` is SQLite's insertion order; the PostgreSQL schema has a column of that name for it.
        for r in self._rows("SELECT * FROM difficulty_entries ORDER BY rowid"):
            entries.setdefault(r["list_id"], []).append(
                DifficultyEntry(r["unit_code"], r["unit_name"], r["village"], r["source"], r["note"])
            )
        return [
            DifficultyList(**{**plain(DifficultyList, r), "entries": tuple(entries.get(r["id"], ()))})
            for r in self._rows("SELECT * FROM difficulty_lists ORDER BY valid_from, id")
        ]

    def plan_targets(self) -> list[PlanTarget]:
        return [record_of(PlanTarget, r) for r in self._rows("SELECT * FROM plan_targets ORDER BY deadline, id")]

    def reported_figures(self) -> list[ReportedFigure]:
        return [record_of(ReportedFigure, r) for r in self._rows("SELECT * FROM reported_figures ORDER BY year")]

    def changes(self, limit: int = 1000) -> list[dict]:
        return [dict(r) for r in self._rows("SELECT * FROM changes ORDER BY id DESC LIMIT ?", (limit,))]

    # -- single records and their correction chains (the write API) ---------------------
    def rows(self, sql: str, args=()) -> list:
        """Run a read query (for tables added beside the records: tokens, audit, uploads)."""
        return self._rows(sql, args)

    def record(self, table: str, record_id: int):
        """One decision, revocation, review step or commune group by id, current or superseded."""
        return one(self._rows, table, record_id)

    def corrected_by(self, table: str, record_id: int) -> int | None:
        """Id of the record that supersedes ``record_id``, if any."""
        return corrected_by(self._rows, table, record_id)

    def unit_revision(self, unit_level: str, unit_code: str) -> int:
        """How many decisions and revocations touch a unit (its own, and corrections of them); only grows."""
        return revision(self._rows, unit_level, unit_code)

    def unit_records(self, unit_level: str, codes) -> list[Decision | Revocation]:
        """Current decisions and revocations of the units with these codes at this level."""
        return unit_records(self._rows, unit_level, codes)

    def unit_reviews(self, unit_level: str, codes) -> list[ReviewStep]:
        """Current review steps of the units with these codes."""
        return unit_reviews(self._rows, unit_level, codes)


def is_url(location: str | Path) -> bool:
    """Whether ``location`` names a PostgreSQL database (else it is a SQLite file's path)."""
    return str(location).startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path) -> StatusStore:
    """The store at ``location``: a ``postgresql://`` URL, or a path to a SQLite file (created if missing)."""
    text = str(location)
    if is_url(text):
        from .pgstore import PostgresStore  # psycopg is imported only by those who use it

        return PostgresStore(text)
    return SqliteStore(Path(text))


class SqliteStore(StatusStore):
    """The SQLite backend: one file, WAL journal, full sync (a kill -9 loses no committed write)."""

    kind = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.location = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with translated():
            conn = self._connect()
            try:
                self._migrate(conn)
            finally:
                conn.close()
        self._lock = threading.Lock()
        self._version_conn: sqlite3.Connection | None = None
        self._chain_lock = threading.Lock()
        self._chain_conn: sqlite3.Connection | None = None
        self._chain_seen: tuple[int, ChainReport] | None = None

    def _connect(self, check_same_thread: bool = True) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=check_same_thread)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.row_factory = sqlite3.Row
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(script):
                    conn.execute(statement)
                if number == SEAL:
                    seal_existing(conn)
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            except BaseException:
                rollback(conn)
                raise

    def _close_kept(self) -> None:
        """Close the connections kept open for reads (SQLite reuses a file's open descriptors)."""
        with self._lock:
            if self._version_conn is not None:
                self._version_conn.close()
                self._version_conn = None
        with self._chain_lock:
            if self._chain_conn is not None:
                self._chain_conn.close()
                self._chain_conn, self._chain_seen = None, None

    def close(self) -> None:
        self._close_kept()

    def data_version(self) -> int:
        """The number of committed writes; cheap (one kept connection), so callers may ask per request."""
        with self._lock, translated():
            if self._version_conn is None:
                self._version_conn = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
            row = self._version_conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
            return int(row[0])

    @contextmanager
    def write(self, actor: str, request_id: str | None = None) -> Iterator[Writer]:
        """One transaction; a full, read-only or busy store raises :class:`StoreUnavailableError`."""
        with translated():
            conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            writer = Writer(conn, actor, request_id or uuid.uuid4().hex)
            yield writer
            if writer.count:
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")
            writer.seal()
            conn.execute("COMMIT")
        except BaseException as exc:
            rollback(conn)
            error = unavailable(exc)
            if error is not None:
                if error.cause == "read_only":
                    self._close_kept()  # they hold the file read-only: the next write opens it anew
                raise error from exc
            raise
        finally:
            conn.close()

    def _rows(self, sql: str, args=()) -> list[sqlite3.Row]:
        with translated():
            conn = self._connect()
            try:
                return conn.execute(sql, args).fetchall()
            finally:
                conn.close()

    def verify_audit(self) -> ChainReport:
        """Check the audit trail's hash chain, in one read transaction (a consistent view).

        The answer is kept until anything commits to the file, by this process or any other (a
        direct ``UPDATE`` too): SQLite's ``PRAGMA data_version`` on a kept connection changes then.
        """
        with self._chain_lock, translated():
            if self._chain_conn is None:
                self._chain_conn = self._connect(check_same_thread=False)
            conn = self._chain_conn
            seen = conn.execute("PRAGMA data_version").fetchone()[0]
            if self._chain_seen is not None and self._chain_seen[0] == seen:
                return self._chain_seen[1]
            conn.execute("BEGIN")
            try:
                head = Head.parse(conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()[0])
                report = verify((dict(r) for r in conn.execute(CHAIN_ROWS)), head)
            finally:
                rollback(conn)
            self._chain_seen = (seen, report)
            return report

    def _claim_file(self, upload_id: str) -> Path:
        return self.path.with_name(self.path.name + ".claims") / f"{upload_id}.lock"

    @contextmanager
    def claim(self, upload_id: str) -> Iterator[None]:
        """A :func:`geo_ntm.locks.holding` lock on ``<store>.claims/<upload>.lock`` (gone when the process dies)."""
        with holding(self._claim_file(upload_id)) as got:
            if not got and held(self._claim_file(upload_id)):
                raise ConflictError(f"upload {upload_id} is being applied (another confirmation holds it); "
                                    "read it again in a moment")  # fmt: skip
            yield

    def claim_held(self, upload_id: str) -> bool:
        return held(self._claim_file(upload_id))

    def review_revision(self, unit_level: str, unit_code: str) -> int:
        """How many review steps touch a unit (its own, and corrections of them); only grows."""
        return revision(self._rows, unit_level, unit_code, tables=("reviews",))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]
