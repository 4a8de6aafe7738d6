"""Typed dependencies shared by the routers: the loaded data, and every request parameter read
the same way everywhere.

- :data:`WhenDep`: the date or year a question is asked on (``date=YYYY-MM-DD`` or ``year=YYYY``,
  default: today), checked against the region's range by :func:`geo_ntm.when.resolve`.
- :data:`Day`: any other date parameter (filters such as ``signed_to``): strictly ``YYYY-MM-DD``,
  so ``0`` is not 1 January 1970 and ``2023-12-31junk`` is not 31 December.
- :data:`BaseUrlDep`: the service's public address for links in answers (``GEO_NTM_PUBLIC_URL``,
  else the request's). Links are added to answers *after* the cache, so no request header
  reaches a cached body.

A router that needs a new parameter adds it here, as tipg and titiler do, so that a reader
finds where a parameter is read in one hop.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator

from api.http import ByteCache
from api.settings import Settings
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.catalog import Catalog
from geo_ntm.status.service import StatusService
from geo_ntm.when import When, parse_day, resolve


async def get_atlas(request: Request) -> Atlas:
    return request.app.state.atlas


async def get_status(request: Request) -> StatusService:
    return request.app.state.status


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_catalog(request: Request) -> Catalog:
    return request.app.state.catalog


async def get_cache(request: Request) -> ByteCache:
    return request.app.state.cache


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StatusDep = Annotated[StatusService, Depends(get_status)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
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
