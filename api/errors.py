"""One table from domain exceptions to HTTP answers, installed once on the app.

Handlers never catch; a domain error becomes ``{"detail": message}`` with its status, and
anything unexpected becomes a 500 that says nothing of the internals.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from geo_ntm.errors import (
    ConflictError,
    CRSError,
    DateOutOfRangeError,
    GeometryError,
    GeoNtmError,
    InvalidParameterError,
    NotFoundError,
    SourceError,
    TooLargeError,
    UnknownUnitError,
)

log = logging.getLogger("geo_ntm.api")

STATUS: dict[type[GeoNtmError], int] = {
    UnknownUnitError: 404,
    NotFoundError: 404,
    DateOutOfRangeError: 422,
    InvalidParameterError: 422,
    SourceError: 422,
    CRSError: 422,
    GeometryError: 422,
    ConflictError: 409,
    TooLargeError: 413,
}


def status_of(exc: GeoNtmError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def install(app: FastAPI) -> None:
    @app.exception_handler(GeoNtmError)
    async def domain_error(request: Request, exc: GeoNtmError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_of(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
