"""The audit trail as a hash chain: each entry's hash covers its content and the hash before it.

An entry of the ``changes`` table is hashed with the request it came from (the ``requests`` row:
endpoint, token, client), so a direct ``UPDATE`` of either table, a ``DELETE`` of an entry or a
reordering breaks the chain at that entry, and :func:`verify` says where. The store keeps the
newest entry's id and hash (the *head*) beside the data version, written in the same
transaction, so cutting entries off the end shows too.

What a chain cannot show is a rewrite of the whole trail by someone who recomputes every hash
(the database is theirs): to catch that, keep the head somewhere else (``geo-ntm audit verify``
prints it) and compare. This module is plain Python over dicts, shared by every store backend;
the backends only read and write the rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: The hash "before" the first entry.
GENESIS = "0" * 64
#: The columns of a ``changes`` row that its hash covers, in order.
ENTRY = ("id", "at", "actor", "request_id", "action", "tbl", "record_id", "detail")
#: The columns of its ``requests`` row (None when the change came from no HTTP request).
CONTEXT = ("client_request_id", "method", "endpoint", "client", "token_id", "token_name", "role", "user_agent")
#: Breaks listed at most (the first one is what matters; the count says how many there were).
MAX_BREAKS = 100


def entry_hash(previous: str, entry: Mapping, context: Mapping | None) -> str:
    """SHA-256 of the previous hash and a canonical JSON of the entry and its request context."""
    body = [[entry[k] for k in ENTRY], None if context is None else [context[k] for k in CONTEXT]]
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def context_of(row: Mapping) -> dict | None:
    """The request context in a joined row (``method`` is never null in a ``requests`` row)."""
    return {k: row[k] for k in CONTEXT} if row.get("method") is not None else None


@dataclass(frozen=True)
class Head:
    """The newest entry: its id and hash (``0`` and :data:`GENESIS` for an empty trail)."""

    id: int = 0
    hash: str = GENESIS

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"

    @classmethod
    def parse(cls, text: str | None) -> Head | None:
        if not text:
            return None
        number, _, digest = text.partition(":")
        return cls(int(number), digest)


@dataclass
class ChainReport:
    """What :func:`verify` found: ``ok`` when no entry was changed, removed or added out of the chain."""

    entries: int = 0
    head: Head = field(default_factory=Head)
    breaks: list[dict] = field(default_factory=list)
    break_count: int = 0

    @property
    def ok(self) -> bool:
        return self.break_count == 0

    @property
    def first_break(self) -> int | None:
        return self.breaks[0]["id"] if self.breaks else None

    def add(self, entry_id: int, problem: str) -> None:
        self.break_count += 1
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append({"id": entry_id, "problem": problem})

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": str(self.head),
            "first_break": self.first_break,
            "break_count": self.break_count,
            "breaks": self.breaks,
        }


def verify(rows: Iterable[Mapping], recorded_head: Head | None) -> ChainReport:
    """Check every entry (oldest first, each joined with its request) against the one before it.

    Parameters
    ----------
    rows : iterable of mappings
        ``changes`` rows in id order with the :data:`CONTEXT` columns of their request (or None).
    recorded_head : Head, optional
        The head the store recorded with its last write (None for a store that never chained).
    """
    report = ChainReport()
    previous = Head()
    for row in rows:
        report.entries += 1
        gap = row["id"] != previous.id + 1
        if gap and row["id"] <= previous.id:
            report.add(row["id"], f"entry {row['id']} is out of order (it comes after entry {previous.id})")
        elif gap:
            first, last = previous.id + 1, row["id"] - 1
            gone = f"entry {first}" if first == last else f"entries {first}–{last}"
            report.add(row["id"], f"{gone} deleted: entry {row['id']} follows entry {previous.id}")
        expected = entry_hash(previous.hash, row, context_of(row))
        if row["hash"] is None:
            report.add(row["id"], f"entry {row['id']} has no hash: it was added outside the store")
        elif row["hash"] != expected and not gap:  # after a gap the mismatch is the gap's doing
            report.add(row["id"], f"entry {row['id']} does not match its hash: it, its request, or the hash of "
                                  f"entry {previous.id} was changed")  # fmt: skip
        previous = Head(row["id"], row["hash"] or expected)
    report.head = previous
    if recorded_head is not None and recorded_head != previous:
        if recorded_head.id > previous.id:
            report.add(previous.id + 1, f"entries {previous.id + 1}–{recorded_head.id} deleted from the end "
                                        f"(the store's last write recorded entry {recorded_head.id})")  # fmt: skip
        else:
            report.add(previous.id, f"entry {previous.id} is not the entry the store's last write recorded "
                                    f"({recorded_head}); entries were added or changed outside the store")  # fmt: skip
    return report
