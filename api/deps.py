"""Typed dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.http import ByteCache
from api.settings import Settings
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.catalog import Catalog
from geo_ntm.status.service import StatusService


async def get_atlas(request: Request) -> Atlas:
    return request.app.state.atlas


async def get_status(request: Request) -> StatusService:
    return request.app.state.status


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StatusDep = Annotated[StatusService, Depends(get_status)]


async def get_catalog(request: Request) -> Catalog:
    return request.app.state.catalog


async def get_cache(request: Request) -> ByteCache:
    return request.app.state.cache


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
CacheDep = Annotated[ByteCache, Depends(get_cache)]
