"""Reads of single records and correction chains, shared by the store and its writer (inside a transaction).

Each takes ``query(sql, args) -> rows``: a fresh connection's for the store, the transaction's own
for a writer, so a writer sees what it has just written.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

from .model import CommuneGroup, Decision, ReviewStep, Revocation

#: Record classes by table, for the reads of one record.
CLASSES = {"decisions": Decision, "revocations": Revocation, "reviews": ReviewStep, "commune_groups": CommuneGroup}


def unit_records(query, unit_level: str, codes) -> list:
    codes = list(codes)
    if not codes:
        return []
    out: list = []
    for table, cls in (("decisions", Decision), ("revocations", Revocation)):
        sql = (
            f"SELECT * FROM {table} WHERE unit_level = ? AND unit_code IN ({', '.join('?' * len(codes))}) "
            f"AND id NOT IN (SELECT supersedes FROM {table} WHERE supersedes IS NOT NULL) ORDER BY id"
        )
        out += [record_of(cls, r) for r in query(sql, (unit_level, *codes))]
    return out


def unit_reviews(query, unit_level: str, codes) -> list[ReviewStep]:
    """Current review steps of the units with these codes."""
    codes = list(codes)
    if not codes:
        return []
    sql = (
        f"SELECT * FROM reviews WHERE unit_level = ? AND unit_code IN ({', '.join('?' * len(codes))}) "
        "AND id NOT IN (SELECT supersedes FROM reviews WHERE supersedes IS NOT NULL) ORDER BY id"
    )
    return [record_of(ReviewStep, r) for r in query(sql, (unit_level, *codes))]


def one(query, table: str, record_id: int):
    cls = CLASSES[table]
    found = query(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
    return record_of(cls, found[0]) if found else None


def corrected_by(query, table: str, record_id: int) -> int | None:
    found = query(f"SELECT id FROM {table} WHERE supersedes = ?", (record_id,))
    return found[0][0] if found else None


def revision(query, unit_level: str, unit_code: str, tables=("decisions", "revocations")) -> int:
    total = 0
    for table in tables:
        mine = f"SELECT id FROM {table} WHERE unit_level = ? AND unit_code = ?"
        sql = f"SELECT COUNT(*) FROM {table} WHERE (unit_level = ? AND unit_code = ?) OR supersedes IN ({mine})"
        total += query(sql, (unit_level, unit_code, unit_level, unit_code))[0][0]
    return total


_DATES = {"signed", "as_of", "valid_from", "valid_to", "deadline", "reviewed_on", "set_on"}
_TUPLES = {"criteria_met", "criteria_not_met", "scope"}


def plain(cls, row) -> dict:
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


def record_of(cls, row):
    return cls(**plain(cls, row))
