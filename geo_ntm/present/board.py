"""The review board: the units formed by the latest reorganisation and where each review stands.

For the province's NTM office. One row per xã formed by the reorganisation in force on the day
(the 2025 one, from 1 July 2025), with:

- its review state (not started → self-assessed → verified → recognised | not recognised), the
  date and the document of the latest step;
- its constituents' past: what each former unit held the day before the merger, with its share
  of the new unit's area (exact, from the boundary parts) and of its population (not in our
  sources: None), and the summary "all / some / none NTM";
- its commune group and what it still needs under the criteria set of the period (2026-2030):
  criteria not met and not assessed, by name;
- the data-source label of all of it, and, where public datasets report that the unit has since
  become a ward (unconfirmed), that note.

>>> board = review_board(service)                       # doctest: +SKIP
>>> board.counts()["by_state"]["verified"], board.rows[0]["needs_vi"]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from geo_ntm.boundaries.overlaps import overlaps
from geo_ntm.errors import InvalidParameterError
from geo_ntm.i18n import both
from geo_ntm.layers.exports import csv_bytes, xlsx_bytes
from geo_ntm.names import english
from geo_ntm.status.derive import past_of
from geo_ntm.status.levels import LABELS
from geo_ntm.status.model import REVIEW_STATES
from geo_ntm.status.progress import ProgressBook, verdict_names
from geo_ntm.status.review import LABELS as STATE_LABELS
from geo_ntm.status.review import PAST_LABELS, latest_reorganisation
from geo_ntm.status.service import StatusService

from .reported import reclassifications

PASTS = ("all_ntm", "some_ntm", "none_ntm", "unknown")
#: Column → header ("Vietnamese / English") of the downloads, in order.
EXPORT_COLUMNS = {
    "code": "Mã xã / Commune code",
    "name": "Tên xã / Commune",
    "formed_on": "Ngày hình thành / Formed on",
    "status_vi": "Mức đạt / Status",
    "review_state_vi": "Rà soát / Review state",
    "review_on": "Ngày của bước rà soát / Date of the step",
    "review_document": "Văn bản / Document",
    "past_vi": "Đơn vị cũ (trước sắp xếp) / Constituents' past",
    "constituents_text": "Đơn vị cũ: mức đạt, tỷ lệ diện tích / Constituents: status, share of area",
    "commune_group": "Nhóm xã / Commune group",
    "group_source": "Nhóm xã: nguồn / Group source",
    "criteria_met_count": "Tiêu chí đạt / Criteria met",
    "criteria_total": "Số tiêu chí / Criteria in set",
    "needs_vi": "Còn phải đạt (chưa đạt hoặc chưa đánh giá) / Still needed",
    "progress_as_of": "Đánh giá ngày / Assessed on",
    "reported_change_vi": "Thay đổi chưa xác nhận / Unconfirmed change",
    "source": "Nguồn / Source",
}


@dataclass
class ReviewBoard:
    day: date
    formed_on: date | None
    set_id: str | None
    rows: list[dict]
    filters: dict = field(default_factory=dict)
    all_rows: list[dict] = field(default_factory=list, repr=False)

    def counts(self) -> dict:
        """Units by review state and by constituents' past (over all rows, before filtering)."""
        rows = self.all_rows
        return {
            "units": len(rows),
            "by_state": {s: sum(r["review_state"] == s for r in rows) for s in REVIEW_STATES},
            "by_past": {p: sum(r["constituents_past"] == p for r in rows) for p in PASTS},
            "by_group": {str(g or "none"): sum(r["commune_group"] == g for r in rows) for g in (1, 2, 3, None)},
            "assessed": sum(r["criteria_met_count"] is not None for r in rows),
            "all_criteria_met": sum(
                r["criteria_met_count"] == r["criteria_total"] for r in rows if r["criteria_total"]
            ),
        }

    def notes(self) -> list[dict]:
        keys = ["population_unknown"]
        if self.set_id:
            keys.append("thresholds_unknown")
        if any(r["reported_change"] for r in self.all_rows):
            keys.append("reported_wards")
        if any(r["source"] == "illustrative" for r in self.all_rows):
            keys.append("illustrative")
        return [both(f"board_note.{key}") for key in keys]

    def as_dict(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "formed_on": self.formed_on.isoformat() if self.formed_on else None,
            "criteria_set": self.set_id,
            "filters": self.filters,
            "count": len(self.rows),
            "counts": self.counts(),
            "notes": self.notes(),
            "rows": self.rows,
        }

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=[*EXPORT_COLUMNS, "uid"])

    def csv(self) -> bytes:
        return csv_bytes(self.table(), EXPORT_COLUMNS)

    def xlsx(self) -> bytes:
        return xlsx_bytes(self.table(), EXPORT_COLUMNS, sheet_name=f"Ra soat {self.day.isoformat()}")


def review_board(
    service: StatusService,
    day: date | str | None = None,
    *,
    state: list[str] | None = None,
    group: list[int] | None = None,
    past: list[str] | None = None,
) -> ReviewBoard:
    """The units formed by the latest reorganisation on ``day`` (default: today), filtered.

    Parameters
    ----------
    service : StatusService
    day : date or str, optional
    state : list of str, optional
        Review states to keep (:data:`~geo_ntm.status.model.REVIEW_STATES`).
    group : list of int, optional
        Commune groups to keep (1, 2, 3).
    past : list of str, optional
        Constituents' past to keep (:data:`PASTS`).
    """
    atlas = service.atlas
    day = atlas.check_date(day or date.today())
    for name, values, allowed in (("state", state, REVIEW_STATES), ("past", past, PASTS), ("group", group, (1, 2, 3))):
        bad = [v for v in values or () if v not in allowed]
        if bad:
            raise InvalidParameterError(f"{name} {bad} is not one of {list(allowed)}")
    snap = service.snapshot()
    book, progress = snap.book, snap.progress
    formed = latest_reorganisation(atlas, day)
    cset = ProgressBook.period_set(day)
    rows = []
    if formed is not None:
        units = atlas.units_on(day, "commune")
        for u in units[units["type"] == "Xã"].sort_values("code").itertuples():
            s = book.status_of(u.uid, day)
            if s.formed_on != formed:
                continue
            rows.append(_row(book, progress, u, s, day, cset))
    kept = [
        r
        for r in rows
        if (not state or r["review_state"] in state)
        and (not group or r["commune_group"] in group)
        and (not past or r["constituents_past"] in past)
    ]
    filters = {"state": state or None, "group": group or None, "past": past or None}
    return ReviewBoard(day, formed, cset.id if cset else None, kept, filters, rows)


def constituents_of(book, uid: str, formed: date) -> list[dict]:
    """The former units a merged unit was made from, as they stood the day before the merger.

    Each with its status and decision, its share of the new unit's area and the share of its own
    area that went into it (exact, from the boundary parts); population shares are not in our
    sources (None).
    """
    atlas = book.atlas
    before = formed - timedelta(days=1)
    shares = {o["uid"]: o for o in overlaps(atlas, uid, before)}
    out = []
    for step in atlas.predecessors(uid):
        old = atlas.units.loc[step.source]
        held = book.status_of(step.source, before)
        share = shares.get(step.source, {})
        out.append(
            {
                "code": old["code"],
                "uid": step.source,
                "name": old["name"],
                "type": old["type"],
                "status": held.status,
                "status_vi": LABELS["vi"][held.status],
                "status_en": LABELS["en"][held.status],
                "decision_no": held.decision.decision_no if held.decision else None,
                "precision": held.decision.signed_precision if held.decision else None,
                "source": held.source,
                "share_of_area": share.get("share_of_old"),  # of the new unit's area
                "share_of_old": step.share,  # of the former unit's area that went into it
                "share_of_population": None,  # not in our sources
            }
        )
    return out


def _row(book, progress: ProgressBook, u, s, day: date, cset) -> dict:
    constituents = constituents_of(book, u.uid, s.formed_on)
    past = past_of(constituents)
    p = progress.of(u.uid, day, s.decision, cset) if cset is not None else None
    names_vi = verdict_names(p, "vi") if p else {"not_met": [], "unknown": []}
    names_en = verdict_names(p, "en") if p else {"not_met": [], "unknown": []}
    assessed = p is not None and bool(p.verdicts)
    total = len(cset.numbers) if cset else None
    needs_vi = (names_vi["not_met"] + names_vi["unknown"]) if assessed else None
    needs_en = (names_en["not_met"] + names_en["unknown"]) if assessed else None
    change = reclassifications().get(u.code)
    change = change if change and day.isoformat() >= change["reported_on"] else None
    state = s.review_state or "not_started"
    sources = {s.source, s.review.source if s.review else None, p.group_source if p else None, p.source if p else None}
    sources |= {c["source"] for c in constituents}
    sources.discard(None)
    return {
        "code": u.code,
        "uid": u.uid,
        "name": u.name,
        "name_en": english(u.name),
        "formed_on": s.formed_on.isoformat(),
        "status": s.status,
        "status_vi": LABELS["vi"][s.status],
        "status_en": LABELS["en"][s.status],
        "decision_no": s.decision.decision_no if s.decision else None,
        "review_state": state,
        "review_state_vi": STATE_LABELS["vi"][state],
        "review_state_en": STATE_LABELS["en"][state],
        "review_on": s.review.reviewed_on.isoformat() if s.review else None,
        "review_document": " ".join(x for x in (s.review.document_no, s.review.document) if x) if s.review else None,
        "review_id": s.review.id if s.review else None,
        "constituents": constituents,
        "constituents_text": "; ".join(
            f"{c['name']}: {c['status_vi']}" + (f", {c['share_of_area'] * 100:.0f}%" if c["share_of_area"] else "")
            for c in constituents
        ),
        "constituents_past": past,
        "past_vi": PAST_LABELS["vi"].get(past) if past else None,
        "past_en": PAST_LABELS["en"].get(past) if past else None,
        "commune_group": p.group if p else None,
        "group_source": p.group_source if p else None,
        "group_basis": p.group_basis if p else None,
        "criteria_set": cset.id if cset else None,
        "criteria_total": total,
        "criteria_met": p.numbers("met") if assessed else None,
        "criteria_not_met": p.numbers("not_met") if assessed else None,
        "criteria_unknown": p.numbers("unknown") if assessed else None,
        "criteria_met_count": len(p.numbers("met")) if assessed else None,
        "needs_vi": "; ".join(needs_vi) if needs_vi is not None else None,
        "needs_en": "; ".join(needs_en) if needs_en is not None else None,
        "progress_as_of": p.as_of.isoformat() if assessed else None,
        "progress_source": p.source if assessed else None,
        "group_mismatch": bool(p and p.group_mismatch),
        "reported_change": change,
        "reported_change_vi": change["vi"] if change else None,
        "source": "illustrative" if "illustrative" in sources else ("official" if sources else None),
    }
