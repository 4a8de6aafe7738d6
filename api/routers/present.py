"""The present (2026-2030): the review board of merged communes, the overview of today, followed targets."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field

from api.deps import CacheDep, StatusDep, WhenDep
from api.http import cached, respond
from geo_ntm.present import followed_targets, present_overview, review_board
from geo_ntm.when import province_on

router = APIRouter(prefix="/api", tags=["present"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
StateQ = Annotated[
    list[Literal["not_started", "self_assessed", "verified", "recognised", "not_recognised"]] | None,
    Query(description="review states to keep; repeat for several"),
]
GroupQ = Annotated[
    list[Annotated[int, Field(ge=1, le=3)]] | None, Query(description="commune groups (2026-2030) to keep: 1, 2, 3")
]
PastQ = Annotated[
    list[Literal["all_ntm", "some_ntm", "none_ntm", "unknown"]] | None,
    Query(description="what the former communes held: all, some or none NTM, or no data"),
]


@router.get("/review-board")
async def board(
    request: Request, service: StatusDep, cache: CacheDep, when: WhenDep, state: StateQ = None,
    group: GroupQ = None, past: PastQ = None, format: Literal["json", "csv", "xlsx"] = "json",
) -> Response:  # fmt: skip
    """Communes formed by the latest reorganisation: review state, constituents' past, group, what each still needs."""
    day = when.as_of
    version = service.version()

    def make():
        result = review_board(service, day, state=state, group=group, past=past)
        if format == "csv":
            return result.csv(), "text/csv; charset=utf-8"
        if format == "xlsx":
            return result.xlsx(), XLSX
        return orjson.dumps(result.as_dict()), "application/json"

    key = ("review-board", day, tuple(state or ()), tuple(group or ()), tuple(past or ()), format)
    headers = ()
    if format != "json":
        headers = (("Content-Disposition", f'attachment; filename="ra-soat-{day.isoformat()}.{format}"'),)
    return respond(request, await cached(cache, version, key, make, headers), version)


@router.get("/overview")
async def overview(
    request: Request, service: StatusDep, cache: CacheDep, when: WhenDep,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> Response:  # fmt: skip
    """Today's figures: communes by review state and 2026-2030 standing, the transition, 2030 goals, history."""
    day = when.as_of
    province_on(service.atlas, province, day)
    version = service.version()

    def make():
        return orjson.dumps(
            present_overview(service, day, province), default=str, option=orjson.OPT_NON_STR_KEYS
        ), "application/json"

    return respond(request, await cached(cache, version, ("overview", day, province), make), version)


@router.get("/targets/followed")
async def followed(request: Request, service: StatusDep, cache: CacheDep, when: WhenDep) -> Response:
    """Targets set on units that no longer exist, judged on their last day, inside today's units."""
    day = when.as_of
    version = service.version()

    def make():
        return orjson.dumps(
            followed_targets(service, day), default=str, option=orjson.OPT_NON_STR_KEYS
        ), "application/json"

    return respond(request, await cached(cache, version, ("followed", day), make), version)
