"""Import the review steps of merged communes from a spreadsheet, all or nothing, like decisions.

A province's office keeps the review of its merged communes in a sheet: one row per step, with
the commune, the step (tự đánh giá, thẩm định, công nhận, không công nhận), its date and its
document. The rows go through the same dry run and confirm as decisions (:mod:`.uploads`) and
the same checks as one step sent to the API (:func:`~geo_ntm.status.review.check_step`): the commune was
formed by a merger, steps are in date order, nothing after a recognition, an official row has
a citation. A "công nhận" row also writes its recognition decision (level ``dat_chuan`` unless
the ``level`` column says otherwise), in the same transaction.

Columns: ``unit_code`` (Mã xã), ``unit_name`` (Tên xã, checked against the code), ``state``
(Bước / Kết quả rà soát), ``reviewed_on`` (Ngày), ``document_no`` (Số văn bản), ``document``
(Trích yếu), ``authority`` (Cơ quan), ``level`` (Mức công nhận), ``criteria_set``, ``source``,
``citation``, ``note``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import InvalidParameterError, SourceError

from ..edits import chain_book, check_record, in_chain
from ..model import Decision, ReviewStep
from ..review import check_step
from ..store import StatusStore
from . import vocabulary as voc
from .report import ImportReport
from .sheets import MAX_BYTES, read_table

FIELDS = ("unit_code", "unit_name", "state", "reviewed_on", "document_no", "document", "authority", "level",
          "criteria_set", "source", "citation", "note")  # fmt: skip
HEADERS = {
    "unit_code": ("Mã xã", "Mã đơn vị", "Code"),
    "unit_name": ("Tên xã", "Tên đơn vị", "Xã", "Name"),
    "state": ("Bước", "Kết quả rà soát", "Trạng thái", "Rà soát", "State", "Step"),
    "reviewed_on": ("Ngày", "Ngày văn bản", "Date"),
    "document_no": ("Số văn bản", "Số hiệu", "Số", "Document number"),
    "document": ("Trích yếu", "Văn bản", "Document"),
    "authority": ("Cơ quan", "Cơ quan ban hành", "Authority"),
    "level": ("Mức công nhận", "Mức đạt", "Level"),
    "criteria_set": ("Bộ tiêu chí", "Criteria set"),
    "source": ("Nguồn", "Source"),
    "citation": ("Trích dẫn", "Căn cứ", "Citation"),
    "note": ("Ghi chú", "Note"),
}
REQUIRED = ("unit_code", "state", "reviewed_on")
#: How a step is written in a sheet (folded, spaces removed) → its key.
_STATES = (("khongcongnhan", "not_recognised"), ("notrecognised", "not_recognised"), ("chuacongnhan", "not_recognised"),
           ("congnhan", "recognised"), ("thuanhan", "recognised"), ("recognised", "recognised"),
           ("thamdinh", "verified"), ("verified", "verified"), ("tudanhgia", "self_assessed"),
           ("selfassessed", "self_assessed"))  # fmt: skip


def _classify(label: str) -> str | None:
    k = voc.key(label)
    for f in FIELDS:
        if k == voc.key(f) or any(k == voc.key(h) for h in HEADERS[f]):
            return f
    return None


def parse_state(value) -> str:
    k = voc.key(value or "")
    for word, state in _STATES:
        if word in k:
            return state
    raise ValueError(f"{value!r} is not a review step; write tự đánh giá, thẩm định, công nhận or không công nhận")


def import_reviews(
    path: str | Path,
    store: StatusStore,
    atlas: Atlas,
    *,
    actor: str,
    defaults: dict[str, str] | None = None,
    dry_run: bool = False,
    max_bytes: int = MAX_BYTES,
    today: date | None = None,
    **_ignored,
) -> ImportReport:
    """Import the review steps of a CSV or .xlsx file into ``store``, all or nothing.

    Parameters
    ----------
    path, store, atlas, actor, dry_run, max_bytes, today
        As for :func:`~.importer.import_file`.
    defaults : dict, optional
        Values for fields the sheet lacks or leaves empty (``source``, ``citation``, ``authority``).
    """
    table = read_table(path, _classify, max_bytes=max_bytes)
    _require(path, table, defaults)
    report = ImportReport(str(path), table.sheet, table.header_rows, dry_run=dry_run,
                          skipped_empty_rows=table.empty_rows)  # fmt: skip
    report.columns = {str(c): c.field or "(not used)" for c in table.columns}
    steps = _check_rows(table, store, chain_book(atlas), defaults or {}, today or date.today(), report)
    report.rows_ok = len(steps)
    if report.errors:
        return report
    report.would_write = len(steps) + sum(d is not None for _, _, d in steps)
    if dry_run or not steps:
        return report
    with store.write(actor) as w:
        for number, step, decision in steps:
            if decision is not None:
                step = replace(step, decision_id=w.add_decision(decision))
                report.written.append({"row": number, "kind": "decision", "id": step.decision_id})
            report.written.append({"row": number, "kind": "review", "id": w.add_review(step)})
    return report


def _require(path, table, defaults: dict | None) -> None:
    have = {c.field for c in table.columns if c.field} | {k for k, v in (defaults or {}).items() if v}
    missing = [f for f in REQUIRED if f not in have]
    if missing:
        found = ", ".join(str(c) for c in table.columns)
        raise SourceError(str(path), f"no {', '.join(missing)} column; columns: {found}; reviews need {list(FIELDS)}")


def _check_rows(table, store: StatusStore, book, defaults: dict, today: date, report: ImportReport) -> list[tuple]:
    """Every row checked against the store and the rows above it; problems go to ``report``."""
    history: dict[str, list[ReviewStep]] = {}
    for s in store.reviews():
        history.setdefault(s.unit_code, []).append(s)
    records: dict[str, list] = {}
    for d in [*store.decisions(), *store.revocations()]:
        records.setdefault(d.unit_code, []).append(d)
    steps: list[tuple[int, ReviewStep, Decision | None]] = []
    for row in table.rows:
        report.rows_read += 1
        values = {
            c.field: voc.text(row.values[c.index]) for c in table.columns if c.field and c.index < len(row.values)
        }
        values |= {k: v for k, v in defaults.items() if v and not values.get(k)}
        try:
            step, decision = _row(values, book, history, records, today)
        except (ValueError, InvalidParameterError) as exc:
            column, _, problem = str(exc).partition(": ")
            column = column if column in FIELDS else None
            report.errors.append({"row": row.number, "column": column, "value": values.get(column) if column else None,
                                  "problem": problem if column else str(exc), "candidates": []})  # fmt: skip
            continue
        history.setdefault(step.unit_code, []).append(replace(step, id=-row.number))
        if decision is not None:
            records.setdefault(step.unit_code, []).append(decision)
        steps.append((row.number, step, decision))
    return steps


def _row(values: dict, book, history: dict, records: dict, today: date) -> tuple[ReviewStep, Decision | None]:
    """One row as a checked step (and its recognition decision); errors are "field: problem"."""
    try:
        state = parse_state(values.get("state"))
    except ValueError as exc:
        raise ValueError(f"state: {exc}") from None
    try:
        day, _ = voc.parse_date(values.get("reviewed_on"))
    except ValueError as exc:
        raise ValueError(f"reviewed_on: {exc}") from None
    try:
        source = voc.parse_source(values.get("source") or "")
    except ValueError as exc:
        raise ValueError(f"source: {exc}") from None
    code = (values.get("unit_code") or "").strip().zfill(5)
    step = ReviewStep(code, values.get("unit_name") or "", state, day, source, document_no=values.get("document_no"),
                      document=values.get("document"), authority=values.get("authority"),
                      criteria_set=values.get("criteria_set"), citation=values.get("citation"),
                      note=values.get("note"))  # fmt: skip
    decision = None
    if state == "recognised":
        level, _ = voc.parse_level(values.get("level") or "đạt chuẩn")
        probe = check_step(book, replace(step, decision_id=0), history=history.get(code, ()), today=today)
        decision = Decision("commune", code, probe.step.unit_name, level or "dat_chuan", day, day.year, source,
                            decision_no=step.document_no, authority=step.authority, criteria_set=step.criteria_set,
                            citation=step.citation, note=step.note)  # fmt: skip
        chain = in_chain(book, decision, records.get(code, ()))  # a reused code's old unit is another history
        decision = check_record(book, decision, today=today, history=chain).record
        step = replace(step, decision_id=0)
    checked = check_step(book, step, history=history.get(code, ()), today=today)
    return replace(checked.step, decision_id=None), decision
