"""``create_app(settings)``: the FastAPI application.

Data is loaded once, in the lifespan; routers are thin and share one exception table.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from api import errors
from api.auth import AuthenticateFirstMiddleware, read_guard
from api.context import RequestContextMiddleware
from api.head import HeadAsGetMiddleware
from api.http import ByteCache
from api.routers import ROUTERS
from api.security import SecurityHeadersMiddleware
from api.settings import Settings
from geo_ntm import __version__
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.catalog import Catalog
from geo_ntm.documents.service import DocumentService
from geo_ntm.status.demo import load_demo
from geo_ntm.status.imports.uploads import recover_interrupted
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import SqliteStore

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("geo_ntm.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` default to the environment (``GEO_NTM_*``)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        atlas = Atlas.load(settings.region)
        store = SqliteStore(settings.store)
        if settings.demo and store.data_version() == 0:
            load_demo(store)
        for upload_id in recover_interrupted(store):  # before any request: no confirmation of ours is running
            log.warning("upload %s was being applied when the service stopped; it can be confirmed again", upload_id)
        app.state.atlas = atlas
        app.state.status = StatusService(atlas, store)
        app.state.catalog = Catalog(app.state.status)
        app.state.cache = ByteCache(settings.cache_mb * 1024 * 1024)
        app.state.documents = DocumentService(
            settings.documents_path(), app.state.status, max_bytes=settings.max_upload_bytes
        )
        yield
        app.state.documents.close()

    app = FastAPI(
        title="geo-ntm",
        version=__version__,
        summary="New Rural Development (Nông thôn mới) status over Vietnam's changing administrative units",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(read_guard)],
    )
    app.state.settings = settings
    errors.install(app)
    # Pages, scripts and JSON are compressed on the fly; cached map answers arrive compressed already.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1024,
        compresslevel=6,
        exclude_content_types=("image/png", "image/tiff", "application/pdf", "application/geopackage+sqlite3"),
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD"],
            allow_headers=["If-None-Match", "Accept-Language"],
            expose_headers=["ETag", "X-Data-Version", "Content-Disposition", "X-Request-ID"],
        )
    app.add_middleware(AuthenticateFirstMiddleware)  # inside the request id and body limit, before any body
    app.add_middleware(RequestContextMiddleware, max_body=settings.max_upload_bytes)
    # outside the rest, so that answers made by the layers inside (401, 413) carry the headers too
    app.add_middleware(SecurityHeadersMiddleware, frame_ancestors=settings.frame_ancestors,
                       base_map_url=settings.base_map_url, public_url=settings.public_url)  # fmt: skip
    app.add_middleware(HeadAsGetMiddleware)  # outermost: every layer inside sees the GET
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app
