"""Who is asking: ``Authorization: Bearer <token>`` and roles, as FastAPI dependencies.

Missing or unknown tokens get 401 with ``WWW-Authenticate: Bearer``; a token whose role is too
low gets 403. Reads are public unless ``settings.public_reads`` is false; a token that is sent
is always checked, so a client with a mistyped or revoked token learns it at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer

from api.deps import SettingsDep
from geo_ntm.auth.audit import RequestContext
from geo_ntm.auth.tokens import Token, verify_token
from geo_ntm.status.store import StatusStore

#: Paths that answer without a token even when reads are not public.
OPEN_PATHS = ("/healthz", "/docs", "/openapi.json")

bearer = HTTPBearer(auto_error=False, description="an API token: `geo-ntm tokens create --role editor --name …`")


def _challenge(detail: str, error: str | None = None) -> HTTPException:
    value = 'Bearer realm="geo-ntm"' + (f', error="{error}"' if error else "")
    return HTTPException(401, detail, headers={"WWW-Authenticate": value})


def get_store(request: Request) -> StatusStore:
    return request.app.state.status.store


def identify(store: StatusStore, header: str | None) -> Token | None:
    """The token an ``Authorization`` header carries (None without one); 401 for a bad one."""
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise _challenge("the Authorization header must be 'Bearer <token>'", "invalid_request")
    token = verify_token(store, value.strip())
    if token is None:
        raise _challenge("the token is unknown or revoked", "invalid_token")
    return token


async def current_token(request: Request, _doc: Annotated[object, Security(bearer)] = None) -> Token | None:
    """The token the request carries (None when it carries none); 401 for a bad one."""
    token = request.scope.get("state", {}).get("token")  # checked already, before the body was read
    if token is None:
        token = identify(get_store(request), request.headers.get("authorization"))
    request.state.token = token
    return token


TokenDep = Annotated[Token | None, Depends(current_token)]


async def read_guard(request: Request, settings: SettingsDep, token: TokenDep) -> None:
    """Installed on the whole app: when reads are not public, everything but health needs a token."""
    if token is None and not settings.public_reads and request.url.path not in OPEN_PATHS:
        raise _challenge("reads need a token here: send 'Authorization: Bearer <token>' (role reader or above)")


async def document_reader(settings: SettingsDep, token: TokenDep) -> Token | None:
    """Documents are public (``GEO_NTM_PUBLIC_DOCUMENTS``), or need a token of role reader or above."""
    if token is None and not settings.public_documents:
        raise _challenge("documents need a token here: send 'Authorization: Bearer <token>' (role reader or above)")
    return token


def require(role: str):
    """A dependency that answers with the token when its role is ``role`` or above."""

    async def dependency(token: TokenDep) -> Token:
        if token is None:
            raise _challenge(f"this needs a token of role {role} or above: send 'Authorization: Bearer <token>'")
        if not token.allows(role):
            raise HTTPException(
                403,
                f"token {token.name!r} has role {token.role}; this needs {role} or above",
                headers={"WWW-Authenticate": 'Bearer realm="geo-ntm", error="insufficient_scope"'},
            )
        return token

    return dependency


def request_context(request: Request, token: Token | None = None) -> RequestContext:
    """The HTTP context recorded with a change: request ids, endpoint, client, token."""
    state = request.scope.get("state", {})
    return RequestContext(
        request_id=state.get("request_id") or "",
        client_request_id=state.get("client_request_id"),
        method=request.method,
        endpoint=request.url.path,
        client=request.client.host if request.client else None,
        token_id=token.id if token else None,
        token_name=token.name if token else None,
        role=token.role if token else None,
        user_agent=request.headers.get("user-agent"),
    )


EditorDep = Annotated[Token, Depends(require("editor"))]
AdminDep = Annotated[Token, Depends(require("admin"))]
ReaderDep = Annotated[Token, Depends(require("reader"))]


#: Methods that change something: every one of them needs a token.
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


#: The role each family of changes needs, by path prefix, as the routes' own dependencies say
#: (``tests/api/test_hardening.py`` holds every unsafe operation of the OpenAPI to it). A change
#: under none of them (a public document upload) is left to its route.
WRITE_ROLES = (("/api/tokens", "admin"), ("/api/decisions", "editor"), ("/api/revocations", "editor"),
               ("/api/imports", "editor"))  # fmt: skip


def write_role(path: str) -> str | None:
    return next((role for prefix, role in WRITE_ROLES if path == prefix or path.startswith(prefix + "/")), None)


class AuthenticateFirstMiddleware:
    """A request that would change something is authenticated, and its role checked, before its body is read.

    FastAPI reads and parses a body before it runs the dependencies that check the token, so an
    anonymous POST of broken JSON got 422 (and a large anonymous upload was read whole) instead
    of 401. The role is the one of :data:`WRITE_ROLES`.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        unsafe = scope["type"] == "http" and scope["method"] in UNSAFE  # reads pass at no cost
        role = write_role(scope["path"]) if unsafe else None
        if role is not None:
            request = Request(scope)
            try:
                token = identify(get_store(request), request.headers.get("authorization"))
                await require(role)(token)
            except HTTPException as exc:
                await JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)(scope, receive, send)
                return
            scope.setdefault("state", {})["token"] = token
        await self.app(scope, receive, send)
