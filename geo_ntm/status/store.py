"""The status store: append-only records behind an interface, SQLite by default.

Nothing is updated in place: a correction is a new record that ``supersedes`` an old one and
both stay. Every write happens in one transaction (``with store.write(actor) as w: ...``): it
all lands, with an entry per record in the ``changes`` audit table and one step of the data
version, or none of it does. The data version keys the caches of the layers and pages.

A PostgreSQL backend implements :class:`StatusStore` the same way.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, date, datetime
from pathlib import Path

from geo_ntm.errors import ConflictError, InvalidParameterError

from .model import (
    Assessment,
    Decision,
    DifficultyEntry,
    DifficultyList,
    PlanTarget,
    ReportedFigure,
    Revocation,
    VillageCount,
)
from .schema import MIGRATIONS


class StatusStore(ABC):
    """What every backend offers."""

    @abstractmethod
    def data_version(self) -> int: ...

    @abstractmethod
    @contextmanager
    def write(self, actor: str, request_id: str | None = None) -> Iterator[Writer]: ...

    @abstractmethod
    def decisions(self, *, current: bool = True) -> list[Decision]: ...

    @abstractmethod
    def revocations(self, *, current: bool = True) -> list[Revocation]: ...

    @abstractmethod
    def assessments(self, *, current: bool = True) -> list[Assessment]: ...

    @abstractmethod
    def difficulty_lists(self) -> list[DifficultyList]: ...

    @abstractmethod
    def village_counts(self, *, current: bool = True) -> list[VillageCount]: ...

    @abstractmethod
    def plan_targets(self) -> list[PlanTarget]: ...

    @abstractmethod
    def reported_figures(self) -> list[ReportedFigure]: ...

    @abstractmethod
    def changes(self, limit: int = 1000) -> list[dict]: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _value(v):
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple):
        return json.dumps(list(v))
    return v


class Writer:
    """Adds records inside one transaction of a :class:`SqliteStore`."""

    def __init__(self, conn: sqlite3.Connection, actor: str, request_id: str):
        self.conn, self.actor, self.request_id = conn, actor, request_id
        self.count = 0

    def _insert(self, table: str, record, skip: tuple[str, ...] = ("id",)) -> int:
        row = {f.name: _value(getattr(record, f.name)) for f in fields(record) if f.name not in skip}
        if table in ("decisions", "revocations", "village_counts", "assessments"):
            row["recorded_at"], row["recorded_by"], row["request_id"] = _now(), self.actor, self.request_id
        cols = ", ".join(row)
        cur = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values())
        )
        self._audit("add", table, cur.lastrowid, row)
        self.count += 1
        return cur.lastrowid

    def _audit(self, action: str, table: str, record_id, row: dict) -> None:
        self.conn.execute(
            "INSERT INTO changes (at, actor, request_id, action, tbl, record_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_now(), self.actor, self.request_id, action, table, str(record_id), json.dumps(row, ensure_ascii=False)),
        )

    def _check_supersedes(self, table: str, old: int | None) -> None:
        if old is None:
            return
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (old,)).fetchone() is None:
            raise InvalidParameterError(f"record {old} to correct does not exist in {table}")
        if self.conn.execute(f"SELECT id FROM {table} WHERE supersedes = ?", (old,)).fetchone():
            raise ConflictError(f"record {old} in {table} was already corrected; correct the newest record instead")

    def _check_duplicate(self, table: str, record) -> None:
        rows = self.conn.execute(
            f"SELECT id FROM {table} WHERE unit_level = ? AND unit_code = ? AND level = ? "
            f"AND COALESCE(decision_no, '') = ? AND signed = ? "
            f"AND id NOT IN (SELECT supersedes FROM {table} WHERE supersedes IS NOT NULL)",
            (record.unit_level, record.unit_code, record.level, record.decision_no or "", record.signed.isoformat()),
        ).fetchall()
        rows = [r for r in rows if r[0] != record.supersedes]
        if rows:
            raise ConflictError(
                f"{table[:-1]} {record.decision_no or '(no number)'} of {record.signed} for {record.unit_code} "
                f"({record.level}) is already recorded as #{rows[0][0]}; to change it, correct that record"
            )

    def add_decision(self, d: Decision) -> int:
        self._check_supersedes("decisions", d.supersedes)
        self._check_duplicate("decisions", d)
        return self._insert("decisions", d, skip=("id", "recorded_at", "recorded_by"))

    def add_revocation(self, r: Revocation) -> int:
        self._check_supersedes("revocations", r.supersedes)
        self._check_duplicate("revocations", r)
        return self._insert("revocations", r, skip=("id", "recorded_at", "recorded_by"))

    def add_village_count(self, v: VillageCount) -> int:
        self._check_supersedes("village_counts", v.supersedes)
        return self._insert("village_counts", v)

    def add_assessment(self, a: Assessment) -> int:
        self._check_supersedes("assessments", a.supersedes)
        return self._insert("assessments", a)

    def add_difficulty_list(self, dl: DifficultyList) -> None:
        self._insert("difficulty_lists", dl, skip=("entries",))
        for e in dl.entries:
            row = {"list_id": dl.id, **{k: _value(v) for k, v in asdict(e).items()}}
            self.conn.execute(
                f"INSERT INTO difficulty_entries ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )

    def add_plan_target(self, t: PlanTarget) -> None:
        self._insert("plan_targets", t, skip=())

    def add_reported_figure(self, f: ReportedFigure) -> int:
        return self._insert("reported_figures", f, skip=())

    def record_change(self, action: str, table: str, record_id, detail: dict) -> None:
        """An audit entry for a change made on :attr:`conn` outside the ``add_*`` methods (tokens, uploads)."""
        self._audit(action, table, record_id, detail)

    def data_version(self) -> int:
        """The data version as this transaction sees it (before its own step)."""
        return int(self.conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])

    def _query(self, sql: str, args=()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, args).fetchall()

    def record(self, table: str, record_id: int) -> Decision | Revocation | None:
        """As :meth:`SqliteStore.record`, seeing this transaction's own writes."""
        return _one(self._query, table, record_id)

    def corrected_by(self, table: str, record_id: int) -> int | None:
        return _corrected_by(self._query, table, record_id)

    def unit_revision(self, unit_level: str, unit_code: str) -> int:
        return _revision(self._query, unit_level, unit_code)

    def unit_records(self, unit_level: str, codes) -> list[Decision | Revocation]:
        return _unit_records(self._query, unit_level, codes)


class SqliteStore(StatusStore):
    """The SQLite backend: one file, WAL journal, full sync (a kill -9 loses no committed write)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            self._migrate(conn)
        finally:
            conn.close()
        self._lock = threading.Lock()
        self._version_conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
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
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def data_version(self) -> int:
        """The number of committed writes; cheap (one kept connection), so callers may ask per request."""
        with self._lock:
            if self._version_conn is None:
                self._version_conn = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
            row = self._version_conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
            return int(row[0])

    @contextmanager
    def write(self, actor: str, request_id: str | None = None) -> Iterator[Writer]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            writer = Writer(conn, actor, request_id or uuid.uuid4().hex)
            yield writer
            if writer.count:
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def _rows(self, sql: str, args=()) -> list[sqlite3.Row]:
        conn = self._connect()
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    def _current(self, table: str, current: bool) -> list[sqlite3.Row]:
        where = f" WHERE id NOT IN (SELECT supersedes FROM {table} WHERE supersedes IS NOT NULL)" if current else ""
        return self._rows(f"SELECT * FROM {table}{where} ORDER BY id")

    def decisions(self, *, current: bool = True) -> list[Decision]:
        return [_record(Decision, r) for r in self._current("decisions", current)]

    def revocations(self, *, current: bool = True) -> list[Revocation]:
        return [_record(Revocation, r) for r in self._current("revocations", current)]

    def village_counts(self, *, current: bool = True) -> list[VillageCount]:
        return [_record(VillageCount, r) for r in self._current("village_counts", current)]

    def assessments(self, *, current: bool = True) -> list[Assessment]:
        return [_record(Assessment, r) for r in self._current("assessments", current)]

    def difficulty_lists(self) -> list[DifficultyList]:
        entries: dict[str, list] = {}
        for r in self._rows("SELECT * FROM difficulty_entries ORDER BY rowid"):
            entries.setdefault(r["list_id"], []).append(
                DifficultyEntry(r["unit_code"], r["unit_name"], r["village"], r["source"], r["note"])
            )
        return [
            DifficultyList(**{**_plain(DifficultyList, r), "entries": tuple(entries.get(r["id"], ()))})
            for r in self._rows("SELECT * FROM difficulty_lists ORDER BY valid_from, id")
        ]

    def plan_targets(self) -> list[PlanTarget]:
        return [_record(PlanTarget, r) for r in self._rows("SELECT * FROM plan_targets ORDER BY deadline, id")]

    def reported_figures(self) -> list[ReportedFigure]:
        return [_record(ReportedFigure, r) for r in self._rows("SELECT * FROM reported_figures ORDER BY year")]

    def changes(self, limit: int = 1000) -> list[dict]:
        return [dict(r) for r in self._rows("SELECT * FROM changes ORDER BY id DESC LIMIT ?", (limit,))]

    # -- single records and their correction chains (the write API) ---------------------
    def rows(self, sql: str, args=()) -> list[sqlite3.Row]:
        """Run a read query on a fresh connection (for tables added beside the records: tokens, audit)."""
        return self._rows(sql, args)

    def record(self, table: str, record_id: int) -> Decision | Revocation | None:
        """One decision or revocation by id, current or superseded."""
        return _one(self._rows, table, record_id)

    def corrected_by(self, table: str, record_id: int) -> int | None:
        """Id of the record that supersedes ``record_id``, if any."""
        return _corrected_by(self._rows, table, record_id)

    def unit_revision(self, unit_level: str, unit_code: str) -> int:
        """How many decisions and revocations touch a unit (its own, and corrections of them); only grows."""
        return _revision(self._rows, unit_level, unit_code)

    def unit_records(self, unit_level: str, codes) -> list[Decision | Revocation]:
        """Current decisions and revocations of the units with these codes at this level."""
        return _unit_records(self._rows, unit_level, codes)


def _unit_records(query, unit_level: str, codes) -> list:
    codes = list(codes)
    if not codes:
        return []
    out: list = []
    for table, cls in (("decisions", Decision), ("revocations", Revocation)):
        sql = (
            f"SELECT * FROM {table} WHERE unit_level = ? AND unit_code IN ({', '.join('?' * len(codes))}) "
            f"AND id NOT IN (SELECT supersedes FROM {table} WHERE supersedes IS NOT NULL) ORDER BY id"
        )
        out += [_record(cls, r) for r in query(sql, (unit_level, *codes))]
    return out


def _one(query, table: str, record_id: int):
    cls = {"decisions": Decision, "revocations": Revocation}[table]
    found = query(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
    return _record(cls, found[0]) if found else None


def _corrected_by(query, table: str, record_id: int) -> int | None:
    found = query(f"SELECT id FROM {table} WHERE supersedes = ?", (record_id,))
    return found[0][0] if found else None


def _revision(query, unit_level: str, unit_code: str) -> int:
    total = 0
    for table in ("decisions", "revocations"):
        mine = f"SELECT id FROM {table} WHERE unit_level = ? AND unit_code = ?"
        sql = f"SELECT COUNT(*) FROM {table} WHERE (unit_level = ? AND unit_code = ?) OR supersedes IN ({mine})"
        total += query(sql, (unit_level, unit_code, unit_level, unit_code))[0][0]
    return total


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


_DATES = {"signed", "as_of", "valid_from", "valid_to", "deadline"}
_TUPLES = {"criteria_met", "scope"}


def _plain(cls, row: sqlite3.Row) -> dict:
    names = {f.name for f in fields(cls)} - {"entries"}
    out = {}
    for k in row.keys():
        if k not in names:
            continue
        v = row[k]
        if k in _DATES and v:
            v = date.fromisoformat(v)
        elif k in _TUPLES and v is not None:
            v = tuple(json.loads(v))
        out[k] = v
    return out


def _record(cls, row: sqlite3.Row):
    return cls(**_plain(cls, row))
