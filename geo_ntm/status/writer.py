"""The writer: records, audit entries (hash-chained) and request contexts added in one store transaction."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import UTC, date, datetime

from geo_ntm.errors import ConflictError, InvalidParameterError

from .chain import CONTEXT, Head, context_of, entry_hash
from .model import (
    Assessment,
    CommuneGroup,
    Decision,
    DifficultyList,
    PlanTarget,
    ReportedFigure,
    ReviewStep,
    Revocation,
    VillageCount,
)
from .queries import corrected_by, one, revision, unit_records, unit_reviews


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _value(v):
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple):
        return json.dumps(list(v))
    return v


#: Tables whose rows say when, by whom and in which request they were recorded.
RECORDED = ("decisions", "revocations", "village_counts", "assessments", "commune_groups", "reviews")
#: ``changes`` rows joined with their request, oldest first: what the hash chain covers.
CHAIN_ROWS = (
    "SELECT c.id, c.at, c.actor, c.request_id, c.action, c.tbl, c.record_id, c.detail, c.hash, "
    "r.client_request_id, r.method, r.endpoint, r.client, r.token_id, r.token_name, r.role, r.user_agent "
    "FROM changes c LEFT JOIN requests r ON r.request_id = c.request_id ORDER BY c.id"
)
_NO_CONTEXT = object()


class Writer:
    """Adds records inside one transaction of a store, and their audit entries, chained.

    ``conn`` is the transaction's connection: :class:`sqlite3.Connection`, or the PostgreSQL
    store's :class:`~.pgconn.Connection`, which takes the same SQL (``?`` placeholders, rows read
    by name or position, ``INSERT … RETURNING id``). Every writer of a store holds its write lock
    (``BEGIN IMMEDIATE``, or a row lock on the data version), so reads here see the newest state.
    """

    def __init__(self, conn, actor: str, request_id: str):
        self.conn, self.actor, self.request_id = conn, actor, request_id
        self.count = 0
        self.head: Head | None = None  # the chain's newest entry, once this transaction has read it
        self.chained = False
        self._context = _NO_CONTEXT
        self._entries: list[tuple] = []  # audit entries not yet inserted (see _flush)

    def _insert(self, table: str, record, skip: tuple[str, ...] = ("id",)) -> int:
        row = {f.name: _value(getattr(record, f.name)) for f in fields(record) if f.name not in skip}
        if row.get("id", 0) is None:
            del row["id"]  # the database numbers it (PostgreSQL refuses an explicit NULL)
        if table in RECORDED:
            row["recorded_at"], row["recorded_by"], row["request_id"] = _now(), self.actor, self.request_id
        cols = ", ".join(row)
        record_id = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))}) RETURNING id", list(row.values())
        ).fetchone()[0]
        self._audit("add", table, record_id, row)
        self.count += 1
        return record_id

    def _audit(self, action: str, table: str, record_id, row: dict) -> None:
        """One audit entry, numbered and hashed after the chain's head.

        This transaction holds the store's write lock (SQLite's ``BEGIN IMMEDIATE``), so the head
        it read cannot move under it; a PostgreSQL backend reads the head row ``FOR UPDATE``.
        """
        if self.head is None:
            self.head = Head.parse(self.conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()[0])
            self.head = self.head or Head()
        entry = {"id": self.head.id + 1, "at": _now(), "actor": self.actor, "request_id": self.request_id,
                 "action": action, "tbl": table, "record_id": str(record_id),
                 "detail": json.dumps(row, ensure_ascii=False)}  # fmt: skip
        digest = entry_hash(self.head.hash, entry, self.context())
        self._entries.append((*entry.values(), digest))
        self.head = Head(entry["id"], digest)
        self.chained = True

    def _flush(self) -> None:
        """Insert the audit entries computed so far, together (one batch: a round trip, not one per record)."""
        if self._entries:
            self.conn.executemany(
                "INSERT INTO changes (id, at, actor, request_id, action, tbl, record_id, detail, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._entries,
            )
            self._entries = []

    def context(self) -> dict | None:
        """This request's row in ``requests`` (None for a change made outside HTTP), read once."""
        if self._context is _NO_CONTEXT:
            found = self.conn.execute(
                f"SELECT {', '.join(CONTEXT)} FROM requests WHERE request_id = ?", (self.request_id,)
            ).fetchone()
            self._context = dict(found) if found else None
        return self._context

    def note_request(self, row: dict) -> None:
        """Record the HTTP request this transaction serves (once per request id), before its audit entries.

        A request whose changes are already chained without it keeps none: its entries' hashes
        were computed without a context, and adding one now would break them. (A check, then an
        insert: this transaction holds the store's write lock.)
        """
        rid = row["request_id"]
        self._flush()
        seen = self.conn.execute(
            "SELECT 1 FROM requests WHERE request_id = ? UNION ALL SELECT 1 FROM changes WHERE request_id = ?",
            (rid, rid),
        ).fetchone()
        if seen is None:
            self.conn.execute(
                f"INSERT INTO requests ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
            )
        self._context = _NO_CONTEXT

    def seal(self) -> None:
        """Before COMMIT: the audit entries, and the chain's new head, so that entries cut off the end show."""
        self._flush()
        if self.chained:
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (str(self.head),))

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

    def add_commune_group(self, g: CommuneGroup) -> int:
        self._check_supersedes("commune_groups", g.supersedes)
        return self._insert("commune_groups", g, skip=("id", "recorded_at", "recorded_by"))

    def add_review(self, r: ReviewStep) -> int:
        """A review step of a merged unit (checked by :func:`geo_ntm.status.review.check_step` first)."""
        self._check_supersedes("reviews", r.supersedes)
        return self._insert("reviews", r, skip=("id", "recorded_at", "recorded_by"))

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

    def _query(self, sql: str, args=()) -> list:
        return self.conn.execute(sql, args).fetchall()

    def record(self, table: str, record_id: int) -> Decision | Revocation | None:
        """As :meth:`SqliteStore.record`, seeing this transaction's own writes."""
        return one(self._query, table, record_id)

    def corrected_by(self, table: str, record_id: int) -> int | None:
        return corrected_by(self._query, table, record_id)

    def unit_revision(self, unit_level: str, unit_code: str) -> int:
        return revision(self._query, unit_level, unit_code)

    def unit_records(self, unit_level: str, codes) -> list[Decision | Revocation]:
        return unit_records(self._query, unit_level, codes)

    def unit_reviews(self, unit_level: str, codes) -> list[ReviewStep]:
        return unit_reviews(self._query, unit_level, codes)

    def review_revision(self, unit_level: str, unit_code: str) -> int:
        return revision(self._query, unit_level, unit_code, tables=("reviews",))


def seal_existing(conn) -> None:
    """Chain the entries written before the chain existed, oldest first, and record the head."""
    head = Head()
    for row in map(dict, conn.execute(CHAIN_ROWS).fetchall()):
        digest = entry_hash(head.hash, row, context_of(row))
        conn.execute("UPDATE changes SET hash = ? WHERE id = ?", (digest, row["id"]))
        head = Head(row["id"], digest)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (str(head),))
