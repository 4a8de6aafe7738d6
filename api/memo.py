"""Finished answers replayed by URL, before FastAPI: a repeated map request costs a lookup, not a route.

Measured (``bench/scale_bench.py``, a cached communes layer): geo-ntm answered at about half the
rate of a bare FastAPI route returning the same bytes. A profile of the difference: FastAPI
solving the route's dependencies (about ten: settings, token, catalogue, cache, date, filters,
each with its parameters validated) took most of it, route matching over ~90 routes and seven
middleware layers the rest; the data-version read and the headers were small. The answer
itself was a dictionary lookup (:mod:`api.http`).

So a route whose answer comes from :func:`api.http.respond` (the cache of finished answers,
keyed on the data version) marks its request, and this middleware, the outermost one, keeps
what was sent: status, headers and body. The same request on the same data version is then
answered from here without entering the application. "The same request" is everything the
answer can depend on: method, path and query, today's date (a URL without ``date`` means today),
and the headers routes read (Host and forwarding headers for links, gzip or not, Origin for
CORS, Accept-Language). A request with a token, or any request when reads need one, always goes
through the application (its token must be checked). ``If-None-Match`` gets 304 as
:func:`api.http.respond` would give it, and each answer gets its own ``X-Request-ID``.
"""

from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from datetime import date

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Request headers an answer may depend on (others are ignored by the routes that use respond()).
KEYED = (b"host", b"origin", b"accept-language", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-prefix")
_CLIENT_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,64}$")  # as api.context
_DROPPED = {b"x-request-id", b"content-length"}
#: Headers a 304 keeps (as api.http.respond's, which sends the same set without a body).
_NOT_MODIFIED = {b"etag", b"cache-control", b"vary", b"x-data-version", b"content-location", b"date", b"expires"}


class AnswerMemo:
    """ASGI middleware: replays answers marked ``scope["state"]["memo"]``; ``version()`` is the data version."""

    def __init__(self, app: ASGIApp, version, *, enabled, max_bytes: int = 64 * 1024 * 1024):
        self.app, self.version, self.enabled, self.max_bytes = app, version, enabled, max_bytes
        self._items: OrderedDict[tuple, tuple] = OrderedDict()
        self._bytes = 0
        self._seen_version: int | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not self.enabled():
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])  # a repeated header keeps its last value: only keyed ones matter
        if b"authorization" in headers:
            await self.app(scope, receive, send)
            return
        version = self.version()
        if version != self._seen_version:  # answers of older versions are never asked for again
            self._items.clear()
            self._bytes, self._seen_version = 0, version
        gzip = b"gzip" in headers.get(b"accept-encoding", b"")
        key = (version, date.today(), scope["method"], scope["path"], scope["query_string"], gzip,
               *(headers.get(h) for h in KEYED))  # fmt: skip
        hit = self._items.get(key)
        theirs = headers.get(b"x-request-id")
        request_id = theirs if theirs and _CLIENT_ID.match(theirs) else uuid.uuid4().hex.encode()
        if hit is not None:
            self._items.move_to_end(key)
            await self._replay(hit, headers.get(b"if-none-match"), request_id, send)
            return
        await self._run_and_keep(scope, receive, send, key)

    async def _replay(self, hit: tuple, if_none_match: bytes | None, request_id: bytes, send: Send) -> None:
        status, kept, body, etag = hit
        if if_none_match is not None and etag is not None and _matches(if_none_match, etag):
            out = [(k, v) for k, v in kept if k in _NOT_MODIFIED]
            await send({"type": "http.response.start", "status": 304, "headers": [*out, (b"x-request-id", request_id)]})
            await send({"type": "http.response.body", "body": b""})
            return
        out = [*kept, (b"content-length", str(len(body)).encode()), (b"x-request-id", request_id)]
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": body})

    async def _run_and_keep(self, scope: Scope, receive: Receive, send: Send, key: tuple) -> None:
        state = scope.setdefault("state", {})
        start: dict = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        if not state.get("memo") or start.get("status") != 200 or scope["method"] != "GET":
            return
        body = b"".join(chunks)
        if len(body) > self.max_bytes // 8:
            return
        kept = [(k.lower(), v) for k, v in start.get("headers", []) if k.lower() not in _DROPPED]
        etag = next((v for k, v in kept if k == b"etag"), None)
        self._items[key] = (200, kept, body, etag)
        self._bytes += len(body)
        while self._bytes > self.max_bytes and self._items:
            _, old = self._items.popitem(last=False)
            self._bytes -= len(old[2])


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    """As :func:`api.http.not_modified`."""
    return if_none_match.strip() == b"*" or etag in [t.strip() for t in if_none_match.split(b",")]
