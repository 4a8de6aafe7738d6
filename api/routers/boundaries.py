"""The boundary history: units on a date, one unit and its lineage, crosswalks, events."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import AtlasDep, Day, WhenDep
from api.schemas import Layer, Lineage, Region, UnitDetail, documented
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.plain import plain

router = APIRouter(prefix="/api/boundaries", tags=["boundaries"])

Level = Literal["commune", "district", "province"]
UNIT_FIELDS = [
    "uid",
    "level",
    "code",
    "name",
    "type",
    "parent_code",
    "province_code",
    "valid_from",
    "valid_to",
    "area_km2",
    "official_area_km2",
    "note",
]


def unit_record(row) -> dict:
    return {f: plain(row[f]) for f in UNIT_FIELDS}


def _step(atlas: Atlas, s) -> dict:
    names = atlas.units["name"]
    return {
        "direction": s.direction,
        "event_id": s.event_id,
        "date": s.date.isoformat(),
        "kind": s.kind,
        "legal_act": s.legal_act or None,
        "from": s.source or None,
        "from_name": names.get(s.source),
        "to": s.target or None,
        "to_name": names.get(s.target),
        "share": s.share,
    }


@router.get("", response_model=Region)
def region(atlas: AtlasDep) -> dict:
    """The region: its provinces, the period covered, and the dates its map changed."""
    return {
        "province": atlas.province,
        "name": atlas.name,
        "provinces_before_reform": atlas.info["provinces_before_reform"],
        "covered_from": atlas.covered_from.isoformat(),
        "reform_date": atlas.reform_date.isoformat(),
        "change_dates": {
            lvl: [d.isoformat() for d in atlas.change_dates(lvl)] for lvl in ("commune", "district", "province")
        },
        "issues": atlas.issues.fillna("").to_dict(orient="records"),
        "sources": atlas.info["sources"],
    }


@router.get("/units", responses=documented(Layer, "application/geo+json", "Units on a date (GeoJSON)"))
def units(
    atlas: AtlasDep,
    when: WhenDep,
    level: Level = "commune",
    geometry: bool = True,
) -> Response:
    """Units of a level in force on a date (default: today), as GeoJSON (or JSON records with geometry=false)."""
    frame = atlas.units_on(when.as_of, level)
    if not geometry:
        body = json.dumps([unit_record(r) for _, r in frame.iterrows()], ensure_ascii=False)
        return Response(body, media_type="application/json")
    out = frame[UNIT_FIELDS + ["geometry"]].copy()
    out["valid_from"] = out["valid_from"].map(plain)
    out["valid_to"] = out["valid_to"].map(plain)
    return Response(out.to_json(ensure_ascii=False, drop_id=True), media_type="application/geo+json")


@router.get("/units/{ref}", response_model=UnitDetail)
def unit(atlas: AtlasDep, ref: str, on: Annotated[Day | None, Query(alias="date")] = None) -> dict:
    """One unit version (by code and date, or by uid code@valid_from) with its neighbours in time."""
    row = atlas.unit(ref, on)
    return {
        **unit_record(row),
        "predecessors": [_step(atlas, s) for s in atlas.predecessors(row["uid"])],
        "successors": [_step(atlas, s) for s in atlas.successors(row["uid"])],
        "versions": [unit_record(r) for _, r in atlas.versions(row["code"]).iterrows()],
    }


@router.get("/units/{ref}/lineage", response_model=Lineage)
def lineage(atlas: AtlasDep, ref: str, on: Annotated[Day | None, Query(alias="date")] = None) -> dict:
    """Every step of a unit's lineage back to the start of the history and forward to today."""
    row = atlas.unit(ref, on)
    return {"unit": unit_record(row), "steps": [_step(atlas, s) for s in atlas.lineage(row["uid"])]}


@router.get("/crosswalk")
def crosswalk(
    atlas: AtlasDep,
    day_a: Annotated[Day, Query(alias="from")],
    day_b: Annotated[Day, Query(alias="to")],
    level: Level = "commune",
    to_level: Level | None = None,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """For each unit on one date, the units on another that hold its area, with area shares."""
    frame = atlas.crosswalk(day_a, day_b, level, to_level)
    if format == "csv":
        return Response(frame.to_csv(index=False), media_type="text/csv; charset=utf-8")
    return Response(frame.to_json(orient="records", force_ascii=False), media_type="application/json")


@router.get("/events")
def events(
    atlas: AtlasDep,
    since: Annotated[Day | None, Query(alias="from")] = None,
    until: Annotated[Day | None, Query(alias="to")] = None,
    level: Level | None = None,
) -> list[dict]:
    """Reorganisation events, oldest first, optionally between two dates and for one level."""
    e = atlas.events
    if since:
        e = e[e["date"] >= since.isoformat()]
    if until:
        e = e[e["date"] <= until.isoformat()]
    if level:
        e = e[e["level"] == level]
    return [{k: plain(v) for k, v in r.items()} for r in e.to_dict(orient="records")]
