"""NTM status: every unit's status on a date or year-end, the province summary, checks, criteria."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import CacheDep, StatusDep
from api.http import cached, respond
from geo_ntm.errors import InvalidParameterError
from geo_ntm.status.criteria import criteria_sets
from geo_ntm.status.summary import summary as make_summary

router = APIRouter(prefix="/api", tags=["status"])

Level = Literal["commune", "district", "province"]
YearQ = Annotated[int | None, Query(ge=2010, le=2100, description="year-end, by the decisions' 'năm' label")]
DateQ = Annotated[date | None, Query(alias="date", description="YYYY-MM-DD, by signing date")]


def when(on: date | None, year: int | None) -> tuple[date | None, int | None]:
    if (on is None) == (year is None):
        raise InvalidParameterError("give either date=YYYY-MM-DD or year=YYYY (not both, not neither)")
    return on, year


def _clean(v):
    return None if isinstance(v, float) and math.isnan(v) else v


@router.get("/status")
async def status(request: Request, service: StatusDep, cache: CacheDep, on: DateQ = None, year: YearQ = None,
                 level: Level = "commune") -> Response:
    """Status of every unit of a level on a date or at a year-end, with the decision behind it."""
    on, year = when(on, year)
    version = service.version()

    def make():
        book = service.book()
        frame = book.on(on, level) if on else book.for_year(year, level)
        body = frame.astype(object).where(frame.notna(), None).to_json(orient="records", force_ascii=False)
        return body.encode(), "application/json"

    return respond(request, await cached(cache, version, ("status", on, year, level), make), version)


@router.get("/summary")
async def summary(
    request: Request,
    service: StatusDep,
    cache: CacheDep,
    on: DateQ = None,
    year: YearQ = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> Response:
    """The figures the province reports, with progress against plan targets and published figures."""
    on, year = when(on, year)
    if province is not None:
        day = on or date(year, 12, 31)
        known = set(service.atlas.units_on(day, "province")["code"])
        if province not in known:
            raise InvalidParameterError(f"province {province} did not exist on {day}; provinces then: {sorted(known)}")
    version = service.version()

    def make():
        body = make_summary(service.book(), service.records(), year=year, day=on, province=province)
        return orjson.dumps(body, default=str), "application/json"

    return respond(request, await cached(cache, version, ("summary", on, year, province), make), version)


@router.get("/flags")
def flags(service: StatusDep) -> list[dict]:
    """Consistency checks over the records (flagged, not hidden)."""
    return [f.as_dict() for f in service.flags()]


@router.get("/criteria")
def criteria() -> list[dict]:
    """The criteria sets, versioned (2021-2025 commune, advanced, district; 2026-2030 commune)."""
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
        }
        for c in criteria_sets().values()
    ]
