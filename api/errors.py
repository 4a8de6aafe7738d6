"""One table from domain exceptions to HTTP answers, installed once on the app.

Handlers never catch; a domain error becomes ``{"detail": message}`` with its status, and
anything unexpected becomes a 500 that says nothing of the internals.

Pages are for people: an error on a page path is a page in the reader's language (a domain
error made with ``said()`` and every kind of invalid parameter have their sentence in the
catalogues), echoing at most a few dozen characters of what was sent; an unknown path asked
for by a browser (``Accept: text/html``) is a page with links to the others. Programs keep
FastAPI's JSON answers.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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
PAGE_PREFIXES = ("/maps", "/dashboard", "/embed", "/planning/", "/share", "/documents")


def is_page(request: Request) -> bool:
    return request.url.path.startswith(PAGE_PREFIXES)


def wants_html(request: Request) -> bool:
    """A browser asking for a page: ``text/html`` in Accept, before any JSON."""
    accept = request.headers.get("accept", "").lower()
    html, json = accept.find("text/html"), accept.find("json")
    return html >= 0 and (json < 0 or html < json)


def page_error(request: Request, detail: str, status: int, *, links: bool = False):
    lang = language(request)
    context = {"lang": lang, "t": section(lang, "error_page"), "detail": detail, "back": f"/?lang={lang}"}
    if links:
        pages = [page for page in section(lang, "home")["pages"] if "{" not in page["href"]]  # no dated examples
        context["links"] = [{**page, "href": f"{page['href']}?lang={lang}"} for page in pages]
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


#: Pydantic's error types, grouped under the catalogue's sentences (``invalid.<sentence>``).
_SENTENCES = {
    "int_parsing": "int_parsing", "int_type": "int_parsing", "int_from_float": "int_parsing",
    "bool_parsing": "bool_parsing", "bool_type": "bool_parsing",
    "string_pattern_mismatch": "pattern", "literal_error": "literal", "enum": "literal",
    "string_too_long": "too_long", "too_long": "too_long", "string_too_short": "too_short", "too_short": "too_short",
    "greater_than_equal": "too_small", "greater_than": "too_small", "less_than_equal": "too_large",
    "less_than": "too_large", "missing": "missing",
}  # fmt: skip
#: At most this many characters of a value sent are repeated back on a page.
ECHO = 40


def echo(value) -> str:
    """A value sent, quoted and cut short: a page never repeats a long string back in full."""
    value = str(value)
    return repr(value if len(value) <= ECHO else value[: ECHO - 1] + "…")


def said(error: dict, lang: str) -> str:
    """One invalid parameter, in ``lang``: what was sent (shortened) and what is allowed."""
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, GeoNtmError):  # a parameter read by our own parser (dates, years)
        return cause.text(lang)
    name = ".".join(str(x) for x in error.get("loc", ())[1:] if not isinstance(x, int)) or "?"  # state, not state.0
    sentence = _SENTENCES.get(error.get("type", ""), "other")
    hints = section(lang, "invalid.hints")
    limit = next((ctx[k] for k in ("ge", "gt", "le", "lt", "max_length", "min_length") if k in ctx), "")
    return text(lang, f"invalid.{sentence}", name=name, value=echo(error.get("input", "")),
        expected=str(ctx.get("expected", "")).replace(" or ", ", ")[:200], limit=limit, hint=hints.get(name, hints["default"]),
    )  # fmt: skip


def _validation_text(exc: RequestValidationError, lang: str) -> str:
    return "; ".join(said(e, lang) for e in exc.errors())


async def domain_error(request: Request, exc: GeoNtmError):
    status = status_of(exc)
    if status == 503:
        log.error("store unavailable on %s %s: %s", request.method, request.url.path, exc.__cause__ or exc)
    if is_page(request):
        response = page_error(request, exc.text(language(request)), status)
    else:
        response = JSONResponse({"detail": str(exc)}, status_code=status)
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


async def invalid_request(request: Request, exc: RequestValidationError):
    if is_page(request):
        return page_error(request, _validation_text(exc, language(request)), 422)
    return await request_validation_exception_handler(request, exc)


async def http_error(request: Request, exc: StarletteHTTPException):
    """FastAPI's answer, except an unknown path asked for by a browser: a page with links."""
    if exc.status_code == 404 and wants_html(request):
        lang = language(request)
        return page_error(request, text(lang, "error_page.no_page", path=echo(request.url.path)), 404, links=True)
    return await http_exception_handler(request, exc)


async def unexpected(request: Request, exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    if is_page(request):
        response = page_error(request, text(language(request), "error_page.internal"), 500)
    else:
        response = JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
    # Starlette answers this outside every middleware: the headers they add are set here
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(GeoNtmError, domain_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
