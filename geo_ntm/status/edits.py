"""Checks for a decision or revocation recorded one at a time (through the API) before it is written.

The rules are those of the spreadsheet importer (:mod:`.importer`), applied to one record or
a short list of them: the unit existed at that unit level on the signing date (an error names
the dates it did exist), the level can be granted to that kind of unit, levels do not skip
(``nang_cao`` needs NTM held on the signing date, ``kieu_mau`` needs ``nang_cao``, counting
the store and the other records of the same request), criteria numbers belong to their set,
the "năm" label is within a year of the signing date, and an official record has a citation.

Errors are :class:`~geo_ntm.errors.InvalidParameterError` whose message begins with the field
(``"unit_code: unit 07222 did not exist on 2009-05-01 (it existed: …)"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

import pandas as pd

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError, UnknownUnitError
from geo_ntm.names import short_key

from .criteria import criteria_set
from .derive import StatusBook
from .levels import RANK, grant_problem
from .model import Decision, Revocation

Record = Decision | Revocation


@dataclass
class Checked:
    """A record ready to write: its unit filled in from the boundary history, and any warnings."""

    record: Record
    uid: str | None
    warnings: list[str] = field(default_factory=list)


def _fail(where: str, message: str):
    raise InvalidParameterError(f"{where}: {message}")


def unit_on(book: StatusBook, unit_level: str, code: str, day: date, where: str = "") -> pd.Series:
    """The version of unit ``code`` in force on ``day`` at ``unit_level``; a 422-style error otherwise."""
    atlas = book.atlas
    look = code.split(":", 1)[0] if unit_level == "village" else code
    try:
        atlas.check_date(day)
        unit = atlas.unit(look, on=day)
    except (UnknownUnitError, DateOutOfRangeError) as exc:
        _fail(f"{where}unit_code", str(exc))
    expected = "commune" if unit_level == "village" else unit_level
    if unit["level"] != expected:
        _fail(f"{where}unit_level", f"unit {look} ({unit['name']}) is a {unit['level']}, not a {expected}")
    return unit


def held_levels(records: Iterable[Record], day: date) -> set[str]:
    """Levels held on ``day`` after the decisions and revocations signed up to it."""
    held: set[str] = set()
    for r in sorted(records, key=lambda r: (r.signed, isinstance(r, Revocation))):
        if r.signed > day:
            break
        if isinstance(r, Decision):
            held.add(r.level)
        else:
            held -= {lv for lv in held if RANK[lv] >= RANK[r.level]}
    return held


def _history(book: StatusBook, rec: Record, uid: str | None, village: Sequence[Record]) -> list[Record]:
    if rec.unit_level == "village":
        return [r for r in village if r.unit_code == rec.unit_code]
    return list(book.records.get(book.root[uid], ())) if uid else []


@cache
def chain_book(atlas: Atlas) -> StatusBook:
    """A book with no records: which unit versions share a status history, computed once per atlas."""
    return StatusBook(atlas, [], [])


def chain_codes(book: StatusBook, rec: Record) -> list[str]:
    """Codes of the unit versions whose status history ``rec`` belongs to (a rename keeps the history).

    With :func:`in_chain`, the records to pass as ``history`` to :func:`check_record`, read from
    the store inside the write transaction instead of from a whole rebuilt book.
    """
    if rec.unit_level == "village":
        return [rec.unit_code]
    root = _root(book, rec)
    return sorted({uid.split("@")[0] for uid, r in book.root.items() if r == root}) if root else []


def in_chain(book: StatusBook, rec: Record, candidates: Iterable[Record]) -> list[Record]:
    """The records among ``candidates`` that belong to the same status history as ``rec``."""
    root = _root(book, rec)
    return [c for c in candidates if c.unit_level == rec.unit_level and _root(book, c) == root]


def _same(a: Record, b: Record) -> bool:
    return type(a) is type(b) and a.id is not None and a.id == b.id


def check_record(
    book: StatusBook,
    rec: Record,
    *,
    today: date | None = None,
    others: Sequence[Record] = (),
    replacing: Record | None = None,
    village: Sequence[Record] = (),
    history: Sequence[Record] | None = None,
    where: str = "",
) -> Checked:
    """Check one decision or revocation against the boundary history and the levels held.

    Parameters
    ----------
    book : StatusBook
        The current records laid over the boundary history (``StatusService.snapshot().book``).
    rec : Decision or Revocation
        The record to check; ``unit_name`` may be empty (it is filled from the boundary history).
    today : date, optional
        Signing dates after it are refused (default: today).
    others : sequence of records
        Other records of the same request (a list of decisions), counted for the nesting rule.
    replacing : record, optional
        The record a correction supersedes; it no longer counts as held.
    village : sequence of records
        Current village decisions and revocations (villages are not in ``book``).
    history : sequence of records, optional
        The current records of the unit's status history (see :func:`chain_codes`); by default
        those in ``book``.
    where : str
        Prefix for error messages, e.g. ``"decisions[3]."``.

    Returns
    -------
    Checked
        The record with its unit name set, the unit version's uid, and warnings.

    Raises
    ------
    InvalidParameterError
        The record breaks a rule; the message begins with the field.
    """
    today = today or date.today()
    atlas, original = book.atlas, rec
    if not atlas.covered_from <= rec.signed <= today:
        limit = "after today" if rec.signed > today else f"before {atlas.covered_from}, where the map begins"
        _fail(f"{where}signed", f"the signing date {rec.signed.isoformat()} is {limit}")
    unit = unit_on(book, rec.unit_level, rec.unit_code, rec.signed, where)
    name = unit["name"]
    if rec.unit_level == "village":
        village_name = rec.unit_code.split(":", 1)[1].strip() if ":" in rec.unit_code else ""
        if not village_name:
            _fail(f"{where}unit_code", "a village is written '<commune code>:<village name>', e.g. '07222:Thôn Đồng'")
        name = village_name
    if rec.unit_name and short_key(rec.unit_name) != short_key(name):
        _fail(
            f"{where}unit_name",
            f"{rec.unit_name!r} is not the name of unit {rec.unit_code} on {rec.signed.isoformat()} "
            f"({name}); check the code, or leave unit_name out",
        )
    if problem := grant_problem(rec.unit_level, unit["type"], unit["name"], rec.level):
        _fail(f"{where}level", problem)
    if rec.source == "official" and not rec.citation:
        _fail(f"{where}citation", "an official record needs a citation (the decision, its date, where published)")
    rec = replace(rec, unit_name=name)
    if isinstance(rec, Decision):
        rec = _check_decision_fields(rec, where)
    uid = None if rec.unit_level == "village" else unit["uid"]
    known = _history(book, rec, uid, village) if history is None else list(history)
    history = [r for r in known if not (replacing is not None and _same(r, replacing))]
    for o in others:
        if o is not original and o.unit_level == rec.unit_level and _root(book, o) == _root(book, rec):
            history.append(o)
    held = held_levels(history, rec.signed)
    warnings = []
    if isinstance(rec, Revocation):
        if not any(RANK[lv] >= RANK[rec.level] for lv in held):
            warnings.append(
                f"{rec.unit_code} ({name}) holds no {rec.level} on {rec.signed.isoformat()}; the revocation is "
                "recorded anyway"
            )
    elif rec.level == "hien_dai" and not any(RANK[lv] >= 1 for lv in held):
        warnings.append(
            f"{rec.unit_code} ({name}) holds no NTM decision on {rec.signed.isoformat()}; the pilot's eligibility "
            "(Decision 51/2025/QĐ-TTg, Annex II) is not in our sources, so the decision is recorded anyway"
        )
    elif rec.level != "hien_dai" and (need := _needs(rec)) >= 1 and not any(RANK[lv] >= need for lv in held):
        below = "NTM (dat_chuan or hoan_thanh)" if need == 1 else "nang_cao"
        _fail(
            f"{where}level",
            f"{rec.level} skips a level: {rec.unit_code} ({name}) holds no {below} decision on "
            f"{rec.signed.isoformat()}; record that decision first",
        )
    return Checked(rec, uid, warnings)


def _needs(rec: Decision) -> int:
    """Rank that must be held before ``rec``: a model village (thôn kiểu mẫu) needs an NTM village only."""
    if rec.unit_level == "village" and rec.level == "kieu_mau":
        return 1
    return RANK[rec.level] - 1


def _root(book: StatusBook, rec: Record) -> str | None:
    if rec.unit_level == "village":
        return rec.unit_code
    uid = book.version_at(rec.unit_level, rec.unit_code, rec.signed)
    return book.root.get(uid) if uid else None


def _check_decision_fields(d: Decision, where: str) -> Decision:
    if abs(d.year_label - d.signed.year) > 1:
        _fail(f"{where}year_label", f"the year label {d.year_label} is more than one year from the signing date")
    if d.signed_precision == "year" and (d.signed.month, d.signed.day) != (12, 31):
        _fail(f"{where}signed", "with signed_precision 'year', write the date as 31 December of that year")
    if d.signed_precision == "month" and (d.signed + timedelta(days=1)).day != 1:
        _fail(f"{where}signed", "with signed_precision 'month', write the date as the last day of that month")
    if d.signed_precision in ("by", "inferred") and not d.citation:
        _fail(f"{where}citation", f"a date known as '{d.signed_precision}' needs the citation it is bounded by")
    if d.criteria_met is None:
        return d
    if not d.criteria_set:
        _fail(f"{where}criteria_set", "criteria_met needs the criteria_set they belong to, e.g. 'xa-ntm-2021-2025'")
    try:
        cset = criteria_set(d.criteria_set)
    except InvalidParameterError as exc:
        _fail(f"{where}criteria_set", str(exc))
    level = "commune" if d.unit_level == "village" else d.unit_level
    if cset.unit_level != level:
        _fail(f"{where}criteria_set", f"set {cset.id} is for a {cset.unit_level}, not a {d.unit_level}")
    try:
        met = cset.check(d.criteria_met)
    except InvalidParameterError as exc:
        _fail(f"{where}criteria_met", str(exc))
    return replace(d, criteria_met=met)
