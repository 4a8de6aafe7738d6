"""Planning: especially difficult communes on a date, a commune's dossier, the lists, the 2025 reform."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import SnapshotDep, WhenDep
from api.schemas import DifficultCommunes, Dossier, ListVersion, documented
from geo_ntm.planning import commune_dossier, difficult_communes, list_versions, ranking_csv, ranking_xlsx, reform_view
from geo_ntm.planning.lists import planning_day
from geo_ntm.present import present_standing
from geo_ntm.status.levels import STATUSES

router = APIRouter(prefix="/api/planning", tags=["planning"])

Sort = Literal["closest", "gap", "share", "name"]
Format = Literal["json", "csv", "xlsx", "geojson"]
StatusKey = Literal[STATUSES]  # the status keys of geo_ntm.status.levels, one list
CodeP = Annotated[str, Path(pattern=r"^\d{5}$", description="five-digit commune code, e.g. 07624")]
TextQ = Annotated[str | None, Query(min_length=1, max_length=100)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/difficult-communes", responses=documented(DifficultCommunes))
def difficult(
    snap: SnapshotDep,
    when: WhenDep,
    list_id: Annotated[str | None, Query(alias="list", min_length=1, max_length=100)] = None,
    target: TextQ = None,
    district: TextQ = None,
    status: Annotated[list[StatusKey] | None, Query()] = None,
    missing: Annotated[list[str] | None, Query(description="criterion number or name; repeat for several")] = None,
    below_target: bool | None = None,
    min_gap: Annotated[int | None, Query(ge=0, le=10000)] = None,
    sort: Sort = "closest",
    reverse: bool = False,
    format: Format = "json",
) -> Response:
    """Especially difficult communes on a date: status, criteria missing, villages, gap to the target.

    Default date: the last day the listed communes existed (before the 2025 reform), inside a list's period.
    """
    on = when.as_of if when.asked else planning_day(snap.records, snap.atlas)
    result = difficult_communes(
        snap, on, list_id=list_id, target_id=target, district=district, status=status, missing=missing,
        below_target=below_target, min_gap=min_gap, sort=sort, reverse=reverse,
    )  # fmt: skip
    name = f"xa-dbkk-{result.day.isoformat()}"
    if format == "csv":
        return _download(ranking_csv(result), "text/csv; charset=utf-8", f"{name}.csv")
    if format == "xlsx":
        return _download(ranking_xlsx(result), XLSX, f"{name}.xlsx")
    if format == "geojson":
        frame = result.frame(geometry=True)
        return Response(frame.to_json(ensure_ascii=False, drop_id=True), media_type="application/geo+json")
    return Response(orjson.dumps(result.as_dict()), media_type="application/json")


@router.get("/communes/{code}", response_model=Dossier)
def dossier(snap: SnapshotDep, code: CodeP, when: WhenDep) -> dict:
    """One commune: decisions, lineage, villages, list membership, criteria (default: its latest version);
    from 2026 (or for a commune formed by the 2025 reform), ``present``: its group, the 2026-2030 criteria
    met / not met / not assessed, its review steps and its former communes."""
    d = commune_dossier(snap, code, when.as_of if when.asked else None)
    d["present"] = present_standing(snap.book, snap.progress, d["unit"]["uid"], date.fromisoformat(d["date"]))
    return d


@router.get("/lists", response_model=list[ListVersion])
def lists(snap: SnapshotDep, kind: Literal["commune", "village"] | None = None) -> list[dict]:
    """Versions of the lists of especially difficult communes and villages, with acts, validity and changes."""
    return list_versions(snap.records, kind)


@router.get("/reform/{code}")
def reform(snap: SnapshotDep, code: CodeP, when: WhenDep) -> dict:
    """Across the 2025 reorganisation: old difficult communes in a new commune, or where an old one went."""
    return reform_view(snap, code, when.as_of if when.asked else None)
