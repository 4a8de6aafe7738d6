"""Records from and to the canonical CSV form (the form of ``geo_ntm/data/demo/*.csv``).

The canonical columns are the record fields; lists of criteria are written "1;2;3", empty
cells are None. The spreadsheet importer maps a province's own headers onto these.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from .model import (
    Assessment,
    CommuneGroup,
    Decision,
    DifficultyEntry,
    DifficultyList,
    PlanTarget,
    ReportedFigure,
    ReviewStep,
    VillageCount,
)


def _none(v: str | None):
    return None if v is None or v == "" else v


def _ints(v: str | None) -> tuple[int, ...] | None:
    return None if not v else tuple(int(x) for x in v.replace(",", ";").split(";") if x.strip())


def _date(v: str | None) -> date | None:
    return None if not v else date.fromisoformat(v)


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def decision(row: dict) -> Decision:
    return Decision(
        unit_level=row["unit_level"],
        unit_code=row["unit_code"],
        unit_name=row["unit_name"],
        level=row["level"],
        signed=date.fromisoformat(row["signed"]),
        year_label=int(row["year_label"]),
        source=row["source"],
        decision_no=_none(row.get("decision_no")),
        signed_precision=row.get("signed_precision") or "day",
        authority=_none(row.get("authority")),
        criteria_set=_none(row.get("criteria_set")),
        criteria_met=_ints(row.get("criteria_met")),
        field=_none(row.get("field")),
        citation=_none(row.get("citation")),
        note=_none(row.get("note")),
    )


def assessment(row: dict) -> Assessment:
    return Assessment(
        row["unit_level"],
        row["unit_code"],
        row["unit_name"],
        date.fromisoformat(row["as_of"]),
        row["criteria_set"],
        _ints(row["criteria_met"]) or (),
        row["source"],
        _none(row.get("citation")),
        criteria_not_met=_ints(row.get("criteria_not_met")),
        commune_group=int(row["commune_group"]) if row.get("commune_group") else None,
    )


def commune_group(row: dict) -> CommuneGroup:
    return CommuneGroup(
        row["unit_code"],
        row["unit_name"],
        int(row["commune_group"]),
        date.fromisoformat(row["valid_from"]),
        row["source"],
        criteria_set=row.get("criteria_set") or "xa-ntm-2026-2030",
        basis=_none(row.get("basis")),
        citation=_none(row.get("citation")),
    )


def review_step(row: dict) -> ReviewStep:
    """A review step; a ``recognised`` row names its decision by ``decision_no`` (resolved on loading)."""
    return ReviewStep(
        row["unit_code"],
        row["unit_name"],
        row["state"],
        date.fromisoformat(row["reviewed_on"]),
        row["source"],
        unit_level=row.get("unit_level") or "commune",
        document_no=_none(row.get("document_no")),
        document=_none(row.get("document")),
        authority=_none(row.get("authority")),
        criteria_set=_none(row.get("criteria_set")),
        citation=_none(row.get("citation")),
        note=_none(row.get("note")),
    )


def village_count(row: dict) -> VillageCount:
    return VillageCount(
        row["commune_code"],
        row["commune_name"],
        date.fromisoformat(row["as_of"]),
        int(row["total"]),
        int(row["ntm"]),
        int(row["kieu_mau"]),
        row["source"],
        dbkk_total=int(row["dbkk_total"]) if row.get("dbkk_total") else None,
        dbkk_ntm=int(row["dbkk_ntm"]) if row.get("dbkk_ntm") else None,
        citation=_none(row.get("citation")),
    )


def difficulty_lists(lists: list[dict], entries: list[dict]) -> list[DifficultyList]:
    out = []
    for r in lists:
        mine = tuple(
            DifficultyEntry(e["unit_code"], e["unit_name"], _none(e.get("village")), e["source"], _none(e.get("note")))
            for e in entries
            if e["list_id"] == r["id"]
        )
        out.append(
            DifficultyList(
                r["id"],
                r["kind"],
                r["title"],
                r["legal_act"],
                date.fromisoformat(r["valid_from"]),
                _date(r.get("valid_to")),
                r["source"],
                _none(r.get("citation")),
                _none(r.get("amends")),
                mine,
            )
        )
    return out


def plan_target(row: dict) -> PlanTarget:
    return PlanTarget(
        row["id"],
        row["title_vi"],
        row["title_en"],
        row["metric"],
        float(row["target"]),
        date.fromisoformat(row["deadline"]),
        row["source"],
        tuple(x for x in row.get("scope", "").split(";") if x),
        _none(row.get("province_code")),
        _none(row.get("citation")),
        _date(row.get("set_on")),
    )


def reported_figure(row: dict) -> ReportedFigure:
    return ReportedFigure(
        row["province_code"],
        int(row["year"]),
        row["metric"],
        float(row["value"]),
        row["source"],
        _none(row.get("citation")),
    )
