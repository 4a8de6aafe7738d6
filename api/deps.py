"""Typed dependencies shared by the routers: the loaded data, and every request parameter read
the same way everywhere.

- :data:`SnapshotDep`: the status records of one data version, read together; an answer computed
  from it is cached under its version (:mod:`geo_ntm.status.snapshot`).
- :data:`WhenDep`: the date or year a question is asked on (``date=YYYY-MM-DD`` or ``year=YYYY``,
  default: today), checked against the region's range by :func:`geo_ntm.when.resolve`.
- :data:`Day`: any other date parameter (filters such as ``signed_to``): strictly ``YYYY-MM-DD``,
  so ``0`` is not 1 January 1970 and ``2023-12-31junk`` is not 31 December.
- :data:`LayerDep`: the layer named in the path (``/api/layers/{layer_id}…``, ``/ogc/collections/{layer_id}…``);
  an unknown one is a 404 that lists the layers.
- :data:`FiltersDep`, :data:`FieldsDep`: what a layer request keeps (box, district, status, ĐBKK; properties).
- :data:`LangDep`: ``lang=vi|en``, else ``Accept-Language`` by q-values, else Vietnamese.
- :data:`BaseUrlDep`: the service's public address for links in answers (``GEO_NTM_PUBLIC_URL``,
  else the request's). Links are added to answers *after* the cache, so no request header
  reaches a cached body.

A router that needs a new parameter adds it here, as tipg and titiler do, so that a reader
finds where a parameter is read in one hop.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import anyio
from fastapi import Depends, Path, Query, Request
from pydantic import BeforeValidator

from api.http import ByteCache
from api.i18n import language
from api.settings import Settings
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.catalog import FIELDS, LAYERS, Catalog, Filters, Layer
from geo_ntm.errors import InvalidParameterError, NotFoundError
from geo_ntm.layers.tiles import parse_bbox
from geo_ntm.status.service import StatusService
from geo_ntm.status.snapshot import Snapshot
from geo_ntm.when import When, parse_day, resolve


async def get_atlas(request: Request) -> Atlas:
    return request.app.state.atlas


async def get_status(request: Request) -> StatusService:
    return request.app.state.status


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_snapshot(request: Request) -> Snapshot:
    """The records of the current data version, read together; built in a worker thread after a change."""
    service: StatusService = request.app.state.status
    return service.peek() or await anyio.to_thread.run_sync(service.snapshot)


async def get_catalog(request: Request) -> Catalog:
    return request.app.state.catalog


async def get_cache(request: Request) -> ByteCache:
    return request.app.state.cache


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StatusDep = Annotated[StatusService, Depends(get_status)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
CacheDep = Annotated[ByteCache, Depends(get_cache)]

#: A date parameter: exactly ``YYYY-MM-DD`` (the OpenAPI schema says ``string``, ``format: date``).
Day = Annotated[date, BeforeValidator(parse_day)]


def _blank(value):
    """An empty field of a page's form (``year=``) means the parameter was not given."""
    return None if value == "" else value


DateQ = Annotated[
    Day | None,
    BeforeValidator(_blank),
    Query(alias="date", description="YYYY-MM-DD, by signing date (default: today)", examples=["2023-12-31"]),
]
YearQ = Annotated[
    int | None,
    BeforeValidator(_blank),
    Query(description="a year-end, by the decisions' 'năm' label (instead of date)", examples=[2023]),
]


async def get_when(atlas: AtlasDep, on: DateQ = None, year: YearQ = None) -> When:
    """The day or year-end asked about; neither: today. Outside the region's range: 422."""
    return resolve(atlas, on, year)


WhenDep = Annotated[When, Depends(get_when)]


async def get_base_url(request: Request, settings: SettingsDep) -> str:
    """The public base URL (no trailing slash): the setting behind a proxy, else the request's."""
    return (settings.public_url or str(request.base_url)).rstrip("/")


BaseUrlDep = Annotated[str, Depends(get_base_url)]


async def get_layer(
    layer_id: Annotated[str, Path(description=f"one of {', '.join(LAYERS)}", examples=["communes"])],
) -> Layer:
    """The layer named in the path; an unknown one: 404 listing the layers."""
    if layer_id not in LAYERS:
        raise NotFoundError(f"unknown layer {layer_id!r}; layers: {list(LAYERS)}")
    return LAYERS[layer_id]


LayerDep = Annotated[Layer, Depends(get_layer)]


async def get_filters(
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat (WGS84)")] = None,
    district: Annotated[str | None, Query(pattern=r"^\d{3}$", description="district code, e.g. 219")] = None,
    status: Annotated[str | None, Query(description="comma-separated status keys, e.g. chua_dat,cho_ra_soat")] = None,
    dbkk: Annotated[bool | None, Query(description="only (or no) especially difficult communes")] = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$", description="province code in force that day")] = None,
) -> Filters:
    """What a layer request keeps; checked once, when the :class:`Filters` is made."""
    statuses = tuple(s.strip() for s in status.split(",") if s.strip()) if status else ()
    return Filters(parse_bbox(bbox) if bbox else None, district, statuses, dbkk, province)


FiltersDep = Annotated[Filters, Depends(get_filters)]


async def get_fields(
    fields: Annotated[str | None, Query(description="comma-separated properties to include (default: all)")] = None,
) -> tuple[str, ...]:
    """The properties a layer answer carries, in the order asked."""
    if not fields:
        return tuple(FIELDS)
    wanted = tuple(dict.fromkeys(f.strip() for f in fields.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in FIELDS]
    if unknown or not wanted:
        raise InvalidParameterError(f"fields {unknown} are not properties of the layers; allowed: {list(FIELDS)}")
    return wanted


FieldsDep = Annotated[tuple[str, ...], Depends(get_fields)]


async def get_lang(request: Request) -> str:
    """``lang=vi|en``, else the Accept-Language header by q-values, else Vietnamese."""
    return language(request)


LangDep = Annotated[str, Depends(get_lang)]
