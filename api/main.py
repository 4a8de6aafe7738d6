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
from starlette.exceptions import HTTPException

from api import errors
from api.auth import AuthenticateFirstMiddleware, read_guard
from api.context import RequestContextMiddleware
from api.head import HeadAsGetMiddleware
from api.http import ByteCache
from api.memo import AnswerMemo
from api.routers import ROUTERS
from api.security import SecurityHeadersMiddleware
from api.settings import Settings
from geo_ntm import __version__
from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.boundaries.regions import is_national, resolve_region
from geo_ntm.catalog import Catalog
from geo_ntm.documents.service import DocumentService
from geo_ntm.layers.outline_store import OutlineStore
from geo_ntm.status.demo import load_demo
from geo_ntm.status.imports.uploads import recover_interrupted
from geo_ntm.status.public_record import load_public_record
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import open_store

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("geo_ntm.api")


#: What /docs says first: the present as well as the history.
DESCRIPTION = """Maps and figures of the NTM programme over the units of any date, from 2010 to today.

**Today (2026-2030)** — the new Bắc Ninh after the 2025 reorganisation, under Decision 51/2025/QĐ-TTg:
the communes formed by the merger await review unless recognised by a decision of their own;
`/api/review-board` lists them with their review state, their former communes' last 2021-2025
status and share of area, their commune group and what each still needs under the 2026-2030
criteria (met / not met / not assessed; the thresholds per group are not in our sources);
`/api/overview` gives the dashboard of today; `/api/targets/followed` judges targets set on units
that no longer exist on their last day. Editors record review steps with `POST /api/reviews` (a
recognition writes its decision too) or import them (`POST /api/imports?records=reviews`).

Pages: `/dashboard` (today by default), `/maps/status` (`view=progress` for the 2026-2030
criteria), `/planning/reviews` (the review board), `/planning/communes/{code}` (a commune's
dossier). Records marked `illustrative` are not official figures.
"""
TAGS = [
    {
        "name": "present",
        "description": "Today under the 2026-2030 programme: review board, overview, targets followed.",
    },
    {"name": "reviews", "description": "Review steps of communes formed by a merger (editor writes, public reads)."},
]


class PublicStatic(StaticFiles):
    """The app's static files, less the vendored files no page uses (the browser tests' axe-core)."""

    #: Folders under ``api/static`` kept for the tests only (see ``api/static/vendor/README.md``).
    TESTS_ONLY = ("vendor/axe-core/",)

    async def get_response(self, path: str, scope):
        if path.replace("\\", "/").lstrip("/").startswith(self.TESTS_ONLY):
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` default to the environment (``GEO_NTM_*``)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        region = resolve_region(
            settings.region, cache_dir=settings.region_cache, sources_dir=settings.sources, progress=log.warning
        )
        atlas = Atlas.load(region)
        store = open_store(settings.store_path())
        if settings.demo and store.data_version() == 0:
            # Each region its own data: never the illustrative Bắc Giang records in national figures.
            if is_national(settings.region):
                load_public_record(store, atlas)
            else:
                load_demo(store)  # once: of workers starting together, the first writes it, the others see it there
        for upload_id in recover_interrupted(store):  # before any request: no confirmation of ours is running
            log.warning("upload %s was being applied when the service stopped; it can be confirmed again", upload_id)
        app.state.atlas = atlas
        app.state.status = StatusService(atlas, store)
        app.state.catalog = Catalog(app.state.status, outlines=OutlineStore(settings.region_cache / "outlines", region))
        app.state.cache = ByteCache(settings.cache_mb * 1024 * 1024)
        app.state.documents = DocumentService(
            settings.documents_path(), app.state.status, max_bytes=settings.max_upload_bytes
        )
        yield
        app.state.documents.close()
        store.close()

    app = FastAPI(
        title="geo-ntm",
        version=__version__,
        summary="New Rural Development (Nông thôn mới) status over Vietnam's changing administrative units",
        description=DESCRIPTION,
        openapi_tags=TAGS,
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
    # A repeated map request on the same data version is answered here, outside the request id, auth and
    # body layers and the app (api/memo.py); inside the security headers and HEAD, which apply to it too.
    app.add_middleware(
        AnswerMemo,
        version=lambda: app.state.status.version(),
        enabled=lambda: settings.public_reads,
        max_bytes=settings.cache_mb * 1024 * 1024 // 4,
    )
    # outside the rest, so that answers made by the layers inside (401, 413) carry the headers too
    app.add_middleware(SecurityHeadersMiddleware, frame_ancestors=settings.frame_ancestors,
                       base_map_url=settings.base_map_url, public_url=settings.public_url)  # fmt: skip
    app.add_middleware(HeadAsGetMiddleware)  # outermost: every layer inside sees the GET
    app.mount("/static", PublicStatic(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app
