"""The national view: provinces by their published share of NTM communes, and the national series."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import CacheDep, CatalogDep, LangDep, SnapshotDep, WhenDep
from api.http import cached, respond
from api.schemas import NationalView, Open, documented
from api.templating import templates
from geo_ntm.i18n import section
from geo_ntm.layers.geojson import feature_collection, precision_for_zoom
from geo_ntm.status import national
from geo_ntm.status.levels import LABELS
from geo_ntm.when import today

router = APIRouter(tags=["national"])

#: Properties of a province on the national map.
PROPERTIES = ["code", "name", *national.SHARE_COLUMNS, "status", "decision_no", "decision_signed"]


@router.get("/api/national", responses=documented(NationalView))
async def national_view(request: Request, catalog: CatalogDep, snap: SnapshotDep, cache: CacheDep, when: WhenDep):
    """Provinces with their published share of NTM communes and status, and the national series, on a date."""

    def make():
        body = national.view(catalog.atlas, snap.book, when.as_of)
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS), "application/json"

    item = await cached(cache, snap.version, ("national", when.key), make)
    return respond(request, item, snap.version)


@router.get("/api/national/provinces.geojson", responses=documented(Open, "application/geo+json", "GeoJSON"))
async def province_shares(
    request: Request,
    catalog: CatalogDep,
    snap: SnapshotDep,
    cache: CacheDep,
    when: WhenDep,
    zoom: Annotated[int | None, Query(ge=0, le=22, description="simplify for this web-map zoom")] = None,
) -> Response:
    """Province outlines with the published share of their communes at NTM standard (GeoJSON)."""

    def make():
        frame = national.provinces_on(catalog.atlas, snap.book, when.as_of)
        if zoom is not None:
            shapes = catalog.select(snap, "provinces", when, zoom=zoom).set_index("uid").geometry
            frame = frame.assign(geometry=frame["uid"].map(shapes))
        precision = precision_for_zoom(zoom) if zoom is not None else 6
        return feature_collection(frame, properties=PROPERTIES, precision=precision), "application/geo+json"

    item = await cached(cache, snap.version, ("national-geojson", when.key, zoom), make)
    return respond(request, item, snap.version)


@router.get("/national", response_class=HTMLResponse, include_in_schema=False)
def national_page(request: Request, lang: LangDep, catalog: CatalogDep, snap: SnapshotDep, when: WhenDep):
    """The national page: map of provinces by share of NTM communes, tables with sources."""
    t = section(lang, "national")
    body = national.view(catalog.atlas, snap.book, when.as_of)
    bounds = [round(float(v), 4) for v in catalog.atlas.units_on(when.as_of, "province").total_bounds]
    config = {
        "lang": lang,
        "date": when.as_of.isoformat(),
        "bounds": bounds,
        "data": f"/api/national/provinces.geojson?date={when.as_of.isoformat()}&zoom=6",
        "words": {k: t[k] for k in ("no_data", "completed", "legend", "share", "as_of", "source", "status")},
        "statuses": LABELS[lang],
    }
    context = {
        "request": request,
        "lang": lang,
        "t": t,
        "v": body,
        "day": when.as_of.isoformat(),
        "today": today().isoformat(),
        "labels": LABELS[lang],
        "config": orjson.dumps(config).decode(),
        "counts": t["counts"].format(**body["counts"]),
        "after_reform": when.as_of >= catalog.atlas.reform_date,
    }
    return templates.TemplateResponse(request, "national.html", context)
