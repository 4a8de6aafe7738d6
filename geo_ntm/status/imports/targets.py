"""Import plan targets (chỉ tiêu kế hoạch) from a spreadsheet, all or nothing, like decisions.

A target is a metric over a scope to reach by a deadline: "60% of villages of the especially
difficult communes of Sơn Động and Lục Ngạn at NTM standard by the end of 2025". Targets come
from plans and letters, often as drafts made from a document (:mod:`geo_ntm.documents.drafts`),
and go through the same dry run and confirm as decisions (:mod:`.uploads`), never straight
into the records.

Columns (the fields of ``geo_ntm/data/demo/plan_targets.csv``): ``id`` (made from the metric,
scope and deadline when empty), ``title_vi``, ``title_en`` (made from the metric when empty),
``metric`` (one of :data:`~.model.METRICS`), ``target`` (a count, or a share as 0.6 or "60%"),
``deadline`` (a date or a year: the year's end), ``scope`` (district codes separated by ";",
empty for the whole province), ``province_code``, ``source`` and ``citation``.

Checks per row: the metric is known; a share is in (0, 1] and a count a whole number ≥ 0;
the deadline is a date within the data; each scope code was a district of the province at some
time up to the deadline; an official target has a citation; no duplicate id, and no target of
the same metric, scope and deadline already in the file or the store.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import ConflictError, SourceError

from ..model import METRICS, PlanTarget
from ..store import StatusStore
from . import vocabulary as voc
from .report import ImportReport
from .sheets import MAX_BYTES, read_table

FIELDS = ("id", "title_vi", "title_en", "metric", "target", "deadline", "scope", "province_code", "source",
          "citation")  # fmt: skip
HEADERS = {
    "id": ("Mã chỉ tiêu", "Mã"),
    "title_vi": ("Tên chỉ tiêu", "Chỉ tiêu", "Nội dung"),
    "title_en": ("Title", "English title"),
    "metric": ("Chỉ số", "Metric"),
    "target": ("Giá trị", "Mức", "Target", "Value"),
    "deadline": ("Thời hạn", "Hạn", "Deadline"),
    "scope": ("Phạm vi", "Mã huyện", "Scope"),
    "province_code": ("Mã tỉnh", "Province"),
    "source": ("Nguồn", "Source"),
    "citation": ("Trích dẫn", "Căn cứ", "Văn bản", "Citation"),
}
REQUIRED = ("metric", "target", "deadline")
#: Metrics measured as a share (0..1); the others are counts.
SHARES = ("dbkk_villages_ntm_share",)


def _classify(label: str) -> str | None:
    k = voc.key(label)
    for f in FIELDS:
        if k == voc.key(f) or any(k == voc.key(h) for h in HEADERS[f]):
            return f
    return None


def import_targets(
    path: str | Path,
    store: StatusStore,
    atlas: Atlas,
    *,
    actor: str,
    defaults: dict[str, str] | None = None,
    dry_run: bool = False,
    max_bytes: int = MAX_BYTES,
    **_ignored,
) -> ImportReport:
    """Import the plan targets of a CSV or .xlsx file into ``store``, all or nothing.

    Parameters
    ----------
    path, store, atlas, actor, dry_run, max_bytes
        As for :func:`~.importer.import_file`.
    defaults : dict, optional
        Values for fields the sheet lacks or leaves empty (``source``, ``citation``, ``province_code``).
    """
    try:
        table = read_table(path, _classify, max_bytes=max_bytes)
    except SourceError as exc:
        if "no header row" not in str(exc):
            raise
        raise SourceError(str(path), f"no header row found: a targets sheet has the columns {list(FIELDS)}") from None
    have = {c.field for c in table.columns if c.field} | {k for k, v in (defaults or {}).items() if v}
    missing = [f for f in REQUIRED if f not in have]
    if missing:
        found = ", ".join(str(c) for c in table.columns)
        raise SourceError(str(path), f"no {', '.join(missing)} column; columns: {found}; targets need {list(FIELDS)}")
    report = ImportReport(str(path), table.sheet, table.header_rows, dry_run=dry_run,
                          skipped_empty_rows=table.empty_rows)  # fmt: skip
    report.columns = {str(c): c.field or "(not used)" for c in table.columns}
    stored = store.plan_targets()
    seen_ids = {t.id: f"the store ({t.title_vi})" for t in stored}
    seen_keys = {_key(t): f"the store as {t.id!r}" for t in stored}
    targets: list[PlanTarget] = []
    for row in table.rows:
        report.rows_read += 1
        values = {c.field: row.values[c.index] for c in table.columns if c.field and c.index < len(row.values)}
        values = {k: voc.text(v) for k, v in values.items()}
        for k, v in (defaults or {}).items():
            if not values.get(k) and v:
                values[k] = v
        problems: list[tuple[str, str]] = []
        target = _target(values, atlas, problems)
        if target is not None:
            if target.id in seen_ids:
                problems.append(("id", f"duplicate: id {target.id!r} is already in {seen_ids[target.id]}"))
            elif _key(target) in seen_keys:
                problems.append(
                    ("metric", f"duplicate: the same metric, scope and deadline is in {seen_keys[_key(target)]}")
                )
            else:
                seen_ids[target.id] = f"row {row.number}"
                seen_keys[_key(target)] = f"row {row.number}"
                targets.append(target)
        for column, problem in problems:
            report.errors.append({"row": row.number, "column": column, "value": values.get(column), "problem": problem,
                                  "candidates": []})  # fmt: skip
    failed = {e["row"] for e in report.errors}
    report.rows_ok = sum(1 for row in table.rows if row.number not in failed)
    if report.errors:
        return report
    report.would_write = len(targets)
    if dry_run or not targets:
        return report
    try:
        with store.write(actor) as w:
            for t in targets:
                w.add_plan_target(t)
    except ConflictError as exc:
        report.errors.append({"row": None, "column": None, "value": None, "problem": str(exc), "candidates": []})
        return report
    report.written = [{"row": None, "kind": "plan_target", "id": t.id} for t in targets]
    return report


def _key(t: PlanTarget) -> tuple:
    return (t.metric, tuple(sorted(t.scope)), t.deadline, t.province_code)


def _target(v: dict, atlas: Atlas, problems: list) -> PlanTarget | None:
    before = len(problems)
    metric = v.get("metric") or ""
    if metric not in METRICS:
        problems.append(("metric", f"{metric!r} is not a metric; use one of {sorted(METRICS)}"))
    value = _number(v.get("target"), metric in SHARES, problems)
    deadline = None
    try:
        deadline, _ = voc.parse_date(v.get("deadline"))
        atlas.check_date(deadline)
    except ValueError as exc:
        problems.append(("deadline", str(exc)))
    try:
        source = voc.parse_source(v.get("source") or "")
    except ValueError as exc:
        problems.append(("source", str(exc)))
        source = None
    if source == "official" and not v.get("citation"):
        problems.append(("citation", "an official target needs a citation: the plan or letter that sets it"))
    scope = tuple(s for s in re.split(r"[;,\s]+", v.get("scope") or "") if s)
    province = v.get("province_code")
    if deadline is not None:
        province = _check_scope(scope, province, deadline, atlas, problems)
    if len(problems) > before:
        return None
    labels = METRICS[metric]
    where = f" ({', '.join(scope)})" if scope else ""
    return PlanTarget(
        id=v.get("id") or f"{metric}-{'-'.join(scope) or province}-{deadline.isoformat()}",
        title_vi=v.get("title_vi") or f"{labels[0]}{where} đến {deadline:%d/%m/%Y}",
        title_en=v.get("title_en") or f"{labels[1]}{where} by {deadline.isoformat()}",
        metric=metric, target=value, deadline=deadline, source=source, scope=scope, province_code=province,
        citation=v.get("citation"),
    )  # fmt: skip


def _number(raw: str | None, share: bool, problems: list) -> float | None:
    text = (raw or "").strip().replace(" ", "")
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").replace(",", "."))
    except ValueError:
        problems.append(("target", f"{raw!r} is not a number; write e.g. {'0.6 or 60%' if share else '160'}"))
        return None
    if share:
        value = value / 100 if percent or value > 1 else value
        if not 0 < value <= 1:
            problems.append(
                ("target", f"{raw!r} is not a share; write a value from 0 to 1 (0.6) or a percentage (60%)")
            )
    elif percent or value < 0 or not value.is_integer():
        problems.append(("target", f"{raw!r} is not a count; this metric counts units (a whole number ≥ 0)"))
    return value


def _check_scope(scope: tuple, province: str | None, deadline: date, atlas: Atlas, problems: list) -> str | None:
    units = atlas.units
    districts = units[(units["level"] == "district") & (units["valid_from"] <= deadline)]
    provinces = set(units.loc[units["level"] == "province", "code"])
    for code in scope:
        rows = districts[districts["code"] == code]
        if rows.empty:
            problems.append(("scope", f"{code!r} is not the code of a district of this region up to {deadline}"))
            continue
        own = rows["province_code"].iloc[0]
        if province and own != province:
            problems.append(("scope", f"district {code} belongs to province {own}, not {province}"))
        province = province or own
    if province and province not in provinces:
        problems.append(("province_code", f"{province!r} is not a province of this region: {sorted(provinces)}"))
    return province
