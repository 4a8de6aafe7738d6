"""One table from domain exceptions to HTTP answers, installed once on the app.

Handlers never catch; a domain error becomes ``{"detail": message}`` with its status, and
anything unexpected becomes a 500 that says nothing of the internals.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.i18n import language
from api.templating import templates
from geo_ntm.errors import (
    ConflictError,
    CRSError,
    DateOutOfRangeError,
    GeometryError,
    GeoNtmError,
    InvalidParameterError,
    NotFoundError,
    SourceError,
    StaleVersionError,
    StoreUnavailableError,
    TooLargeError,
    UnknownUnitError,
)
from geo_ntm.i18n import section, text

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
    StaleVersionError: 412,
    TooLargeError: 413,
    StoreUnavailableError: 503,
}
#: Seconds a client should wait before trying again after a 503 (the store is full, read-only or busy).
RETRY_AFTER = "30"


def status_of(exc: GeoNtmError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


#: Paths whose answers are pages for people: their errors are pages too.
PAGE_PREFIXES = ("/maps", "/dashboard", "/embed", "/planning/communes", "/planning/map", "/share", "/documents")


def is_page(request: Request) -> bool:
    return request.url.path.startswith(PAGE_PREFIXES)


def page_error(request: Request, detail: str, status: int):
    lang = language(request)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"lang": lang, "t": section(lang, "error_page"), "detail": detail, "back": f"/?lang={lang}"},
        status_code=status,
    )


def _validation_text(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {e.get('msg', 'invalid')} (got {e.get('input')!r})")
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(GeoNtmError)
    async def domain_error(request: Request, exc: GeoNtmError):
        status = status_of(exc)
        if status == 503:
            log.error("store unavailable on %s %s: %s", request.method, request.url.path, exc.__cause__ or exc)
        if is_page(request):
            response = page_error(request, str(exc), status)
        else:
            response = JSONResponse({"detail": str(exc)}, status_code=status)
        if status == 503:
            response.headers["Retry-After"] = RETRY_AFTER
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        if is_page(request):
            return page_error(request, _validation_text(exc), 422)
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        if is_page(request):
            response = page_error(request, text(language(request), "error_page.internal"), 500)
        else:
            response = JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
        # Starlette answers this outside every middleware: the headers they add are set here
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
