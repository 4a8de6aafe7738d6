"""NTM status: every unit's status on a date or year-end, the province summary, checks, criteria."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import CacheDep, SnapshotDep, StatusDep, WhenDep
from api.http import cached, respond
from api.schemas import CriteriaSet, Flag, StatusRow, Summary, documented
from geo_ntm.errors import InvalidParameterError
from geo_ntm.status.criteria import criteria_sets
from geo_ntm.status.summary import summary as make_summary
from geo_ntm.when import absence

router = APIRouter(prefix="/api", tags=["status"])

Level = Literal["commune", "district", "province"]


@router.get("/status", responses=documented(list[StatusRow], description="One row per unit"))
async def status(
    request: Request, snap: SnapshotDep, cache: CacheDep, when: WhenDep, level: Level = "commune"
) -> Response:
    """Status of every unit of a level on a date or at a year-end (default: today), with the decision behind it.

    A level with no units that day (districts from 2025-07-01) answers ``[]`` with an ``X-Note`` header saying why.
    """
    version = snap.version
    note = absence(snap.atlas, level, when.as_of)

    def make():
        book = snap.book
        frame = book.on(when.day, level) if when.day else book.for_year(when.year, level)
        body = frame.astype(object).where(frame.notna(), None).to_json(orient="records", force_ascii=False)
        return body.encode(), "application/json"

    headers = [("X-Note", note.header())] if note is not None else []
    return respond(request, await cached(cache, version, ("status", when.key, level), make, headers), version)


@router.get("/summary", responses=documented(Summary))
async def summary(
    request: Request,
    snap: SnapshotDep,
    cache: CacheDep,
    when: WhenDep,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> Response:
    """The figures the province reports (default: today), with progress against plan targets and published figures."""
    if province is not None:
        known = set(snap.atlas.units_on(when.as_of, "province")["code"])
        if province not in known:
            raise InvalidParameterError(
                f"province {province} did not exist on {when.as_of}; provinces then: {sorted(known)}"
            )
    version = snap.version

    def make():
        body = make_summary(snap.book, snap.records, year=when.year, day=when.day, province=province)
        return orjson.dumps(body, default=str), "application/json"

    return respond(request, await cached(cache, version, ("summary", when.key, province), make), version)


@router.get("/flags", response_model=list[Flag])
def flags(service: StatusDep) -> list[dict]:
    """Consistency checks over the records (flagged, not hidden)."""
    return [f.as_dict() for f in service.flags()]


@router.get("/criteria", response_model=list[CriteriaSet])
def criteria() -> list[dict]:
    """The criteria sets, versioned: 2021-2025 (commune, advanced, district) and 2026-2030 (commune with its
    three commune groups, the modern-NTM pilot, the province's completion); thresholds where our sources have them."""
    return [
        {
            "id": c.id,
            "unit_level": c.unit_level,
            "levels": list(c.levels),
            "period": [d.isoformat() for d in c.period],
            "legal_act": c.legal_act,
            "title": c.title,
            "verified": c.verified,
            "source": c.source,
            "criteria": [{"number": n, "vi": c.names[n]["vi"], "en": c.names[n]["en"]} for n in c.numbers],
            "in_force": c.in_force.isoformat() if c.in_force else None,
            "indicators": c.indicators,
            "groups": list(c.groups.values()),
            "groups_source": c.groups_source,
            "thresholds_note": c.thresholds_note,
        }
        for c in criteria_sets().values()
    ]
