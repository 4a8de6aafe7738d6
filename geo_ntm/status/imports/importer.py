"""Import decisions (and revocations) from a province's spreadsheet into the status store, all or nothing.

A provincial office keeps its recognitions in a spreadsheet: a title row, a header in its own
words ("Mã xã", "Tên xã", "Mức đạt", "Số QĐ", "Ngày ký"), dates in every style, codes that
lost their leading zero, names typed without diacritics or OCR'd. :func:`import_file` reads
such a file (:mod:`.sheets`), maps its headers onto the canonical fields (:mod:`.vocabulary`),
reads each row and finds its unit on the signing date (:mod:`.rows`, :mod:`.gazetteer`),
checks across rows (duplicates, levels that skip), and writes
the records in one transaction of the store only when every row passed. Otherwise it writes
nothing and the :class:`~.report.ImportReport` names each problem by row (as the spreadsheet numbers
it), column and value, with the candidate units when a name was ambiguous or unknown.

Checks per row: the unit exists on the signing date at that unit level (by code, or by a name
that resolves to one unit); the level can be granted to that unit (no "NTM" for a ward or
town, "hoàn thành nhiệm vụ" only for a town or city); levels do not skip (``nang_cao`` needs
an NTM decision held on the signing date, ``kieu_mau`` needs ``nang_cao``, counting the store
and the file's own rows signed up to that day); criteria numbers belong to their set; the
"năm" label is within one year of the signing year; no duplicate, in the file or the store;
required values present; ``source`` is official (with a citation) or illustrative.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import ConflictError, InvalidParameterError, SourceError

from ..derive import StatusBook
from ..levels import RANK
from ..model import Decision, Revocation
from ..store import StatusStore, is_url, open_store
from . import vocabulary as voc
from .gazetteer import Gazetteer, Version
from .report import ImportReport
from .rows import RowChecker, RowReader
from .sheets import MAX_BYTES, Column, Table, read_table

__all__ = ["DEFAULTS", "ImportReport", "import_file"]

#: What a sheet can hold: decisions (and revocations), plan targets, or review steps of merged communes.
RECORDS = ("decisions", "targets", "reviews")
#: Values used when the sheet has no column for a field (or the cell is empty).
DEFAULTS = {"unit_level": "commune", "kind": "decision"}


class _Import:
    """The rows of one table read into records, then checked across rows, then written."""

    def __init__(self, table: Table, store: StatusStore, atlas: Atlas, defaults: dict, report: ImportReport,
                 accept_fuzzy: bool, today: date):  # fmt: skip
        self.table, self.store, self.atlas, self.defaults, self.report = table, store, atlas, defaults, report
        self.columns = {c.field: c for c in table.columns if c.field and c.field != voc.IGNORE}
        self.checker = RowChecker(atlas, Gazetteer(atlas), self.columns, report, accept_fuzzy, today)
        self.records: list[tuple[RowReader, Decision | Revocation, Version]] = []

    def run(self) -> None:
        for row in self.table.rows:
            r = RowReader(row, self.columns, self.defaults, self.report)
            if found := self.checker.read(r):
                self.records.append((r, *found))
            self.report.rows_read += 1
        self.check_duplicates()
        self.check_nesting()
        self.report.errors.sort(key=lambda e: e["row"] or 0)  # stable: a row's problems keep their order
        self.report.warnings.sort(key=lambda e: e["row"] or 0)
        failed = {e["row"] for e in self.report.errors}
        self.report.rows_ok = sum(1 for row in self.table.rows if row.number not in failed)

    def check_duplicates(self) -> None:
        stored = {("decision", d.key): d.id for d in self.store.decisions()}
        stored |= {("revocation", v.key): v.id for v in self.store.revocations()}
        seen: dict[tuple, int] = {}
        for r, rec, _ in self.records:
            k = ("decision" if isinstance(rec, Decision) else "revocation", rec.key)
            what = f"{k[0]} {rec.decision_no or '(no number)'} of {rec.signed} for {rec.unit_code} ({rec.level})"
            if k in seen:
                r.error("decision_no", f"duplicate: {what} is also in row {seen[k]}", rec.decision_no)
            elif k in stored:
                r.error(
                    "decision_no",
                    f"duplicate: {what} is already in the store as #{stored[k]}; to change it, correct that record",
                    rec.decision_no,
                )
            else:
                seen[k] = r.number

    def check_nesting(self) -> None:
        """Levels do not skip: a level needs the one below held on the signing date."""
        mine = [rec for _, rec, _ in self.records]
        book = StatusBook(
            self.atlas,
            [*self.store.decisions(), *[d for d in mine if isinstance(d, Decision)]],
            [*self.store.revocations(), *[v for v in mine if isinstance(v, Revocation)]],
        )
        for r, rec, unit in self.records:
            held: set[str] = set()
            for other in book.records.get(book.root[unit.uid], ()):
                if other.signed > rec.signed:
                    break
                if other is rec:
                    continue
                if isinstance(other, Decision):
                    held.add(other.level)
                else:
                    held -= {lv for lv in held if RANK[lv] >= RANK[other.level]}
            need = RANK[rec.level] - 1
            if isinstance(rec, Revocation):
                if not any(RANK[lv] >= RANK[rec.level] for lv in held):
                    r.warn(
                        "level",
                        f"{unit.code} ({unit.name}) holds no {rec.level} on {rec.signed.isoformat()} "
                        "in the store or this file; the revocation is recorded anyway",
                        r.raw("level"),
                    )
            elif need >= 1 and not any(RANK[lv] >= need for lv in held):
                below = "NTM (dat_chuan or hoan_thanh)" if need == 1 else "nang_cao"
                r.error(
                    "level",
                    f"{rec.level} skips a level: {unit.code} ({unit.name}) holds no {below} decision on "
                    f"{rec.signed.isoformat()}, in the store or in this file",
                    r.raw("level"),
                )

    def write(self, store: StatusStore, actor: str) -> None:
        written = []
        try:
            with store.write(actor) as w:
                for r, rec, _ in self.records:
                    if isinstance(rec, Decision):
                        written.append({"row": r.number, "kind": "decision", "id": w.add_decision(rec)})
                    else:
                        written.append({"row": r.number, "kind": "revocation", "id": w.add_revocation(rec)})
        except ConflictError as exc:  # written meanwhile by someone else; the transaction rolled back
            self.report.errors.append(
                {"row": None, "column": None, "value": None, "problem": str(exc), "candidates": []}
            )
            return
        self.report.written = written


def _header_check(table: Table, defaults: dict) -> None:
    by_field: dict[str, list[Column]] = {}
    for c in table.columns:
        if c.field and c.field != voc.IGNORE:
            by_field.setdefault(c.field, []).append(c)
    for f, cols in by_field.items():
        if len(cols) > 1:
            names = " and ".join(repr(str(c)) for c in cols)
            raise SourceError(
                table.path,
                f"columns {names} both read as {f}; map one of them to another field or "
                f"to ignore, e.g. --map '{cols[1].label}=ignore'",
            )
    have = set(by_field) | {f for f, v in defaults.items() if v not in (None, "")}
    if "year_label" in have:  # a sheet of years only: signed on 31 December, with "year" precision
        have.add("signed")
    found = ", ".join(f"{c} → {c.field or '?'}" for c in table.columns)
    if not have & {"unit_code", "unit_name"}:
        raise SourceError(
            table.path,
            f"no column names the unit (unit_code or unit_name); columns: {found}; use --map 'HEADER=unit_code'",
        )
    for f, hint in (
        ("level", "--map 'HEADER=level' (or a default level)"),
        ("signed", "--map 'HEADER=signed'"),
        ("source", "--source official --citation '...' or --source illustrative"),
    ):
        if f not in have:
            raise SourceError(table.path, f"no {f} column and no default for it; columns: {found}; use {hint}")
    if "source" not in by_field and defaults.get("source") == "official" and "citation" not in have:
        raise InvalidParameterError("an official import needs a citation: add a citation column or --citation '...'")


@contextmanager
def _opened(store, dry_run: bool) -> Iterator[StatusStore]:
    """A store object for ``store``: a path is opened (a dry run against a missing file uses an empty one)."""
    with ExitStack() as stack:
        if isinstance(store, str | os.PathLike):  # anything else is a store (a StatusStore, or a wrapper of one)
            if dry_run and not is_url(store) and not Path(store).exists():
                store = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "empty.sqlite"
            store = open_store(store)
            stack.callback(store.close)
        yield store


def import_file(
    path: str | Path,
    store: StatusStore | str | Path,
    atlas: Atlas,
    *,
    actor: str,
    mapping: dict[str, str] | str | Path | None = None,
    sheet: str | int | None = None,
    defaults: dict[str, str] | None = None,
    dry_run: bool = False,
    accept_fuzzy: bool = True,
    max_bytes: int = MAX_BYTES,
    today: date | None = None,
    records: str = "decisions",
) -> ImportReport:
    """Import the decisions and revocations of a CSV or .xlsx file into ``store``, all or nothing.

    Parameters
    ----------
    path : str or Path
        The spreadsheet (type detected from its content).
    store : StatusStore, or the path of a SQLite store
        Where the records go, in one ``store.write(actor)`` transaction. A path is opened (and
        the store created) only once the file has been read; a dry run against a store that
        does not exist checks against an empty store and creates nothing.
    atlas : Atlas
        The boundary history the units are found in.
    actor : str
        Who imports (recorded with every record and in the audit table).
    mapping : dict or path, optional
        Header → field for headers the defaults do not know (``{"Mã xã": "unit_code"}``), or a
        JSON/TOML mapping file with ``columns`` and ``defaults`` tables. ``"ignore"`` drops a column.
    sheet : str or int, optional
        Sheet name or 1-based number; default the first sheet with a recognisable header.
    defaults : dict, optional
        Values for fields the sheet lacks or leaves empty, e.g. ``{"source": "official",
        "citation": "QĐ ...", "unit_level": "commune", "authority": "..."}``.
    dry_run : bool
        Check everything, write nothing.
    accept_fuzzy : bool
        Accept names found only by similar spelling (listed in ``report.fuzzy``); when False
        they are errors. Names that differ only by diacritics or case are always accepted.
    max_bytes : int
        Larger files are refused.
    today : date, optional
        Signing dates after it are refused (default: today).
    records : str
        ``"decisions"`` (decisions and revocations), ``"targets"`` (plan targets, read by
        :func:`~.targets.import_targets`) or ``"reviews"`` (review steps of merged communes,
        :func:`~.reviews.import_reviews`); for the last two ``defaults`` apply, the other
        options do not.

    Returns
    -------
    ImportReport
        ``report.ok`` is False when a row failed; then nothing was written.
    """
    if records not in RECORDS:
        raise InvalidParameterError(f"records {records!r} is not one of {list(RECORDS)}")
    if records == "reviews":
        from .reviews import import_reviews

        with _opened(store, dry_run) as opened:
            return import_reviews(path, opened, atlas, actor=actor, defaults=defaults, dry_run=dry_run,
                                  max_bytes=max_bytes, today=today)  # fmt: skip
    if records == "targets":
        from .targets import import_targets

        with _opened(store, dry_run) as opened:
            return import_targets(path, opened, atlas, actor=actor, defaults=defaults, dry_run=dry_run,
                                  max_bytes=max_bytes)  # fmt: skip
    file_defaults: dict[str, str] = {}
    if isinstance(mapping, str | Path):
        mapping, file_defaults = voc.load_mapping(mapping)
    settings = {**DEFAULTS, **file_defaults, **{k: v for k, v in (defaults or {}).items() if v not in (None, "")}}
    settings = {voc.check_field(k, "default"): v for k, v in settings.items()}
    for f, parse in (("source", voc.parse_source), ("unit_level", voc.parse_unit_level), ("kind", voc.parse_kind)):
        if settings.get(f):
            try:
                settings[f] = parse(settings[f])
            except ValueError as exc:
                raise InvalidParameterError(f"default {f}: {exc}") from None
    headers = voc.header_table(settings["unit_level"], mapping)
    table = read_table(path, lambda label: headers.get(voc.key(label)), sheet=sheet, max_bytes=max_bytes)
    _header_check(table, settings)
    report = ImportReport(
        str(path), table.sheet, table.header_rows, dry_run=dry_run, skipped_empty_rows=table.empty_rows
    )
    report.columns = {str(c): c.field or "(not used)" for c in table.columns}
    with _opened(store, dry_run) as store:
        importer = _Import(table, store, atlas, settings, report, accept_fuzzy, today or date.today())
        importer.run()
        if report.errors:
            return report
        report.would_write = len(importer.records)
        if not dry_run and importer.records:
            importer.write(store, actor)
    return report
