"""HTTP the way map clients expect: ETag keyed on the data version, 304, gzip, cache lifetimes.

Answers are computed once per (data version, request) and kept in memory already compressed,
so a repeated request costs a lookup and a write of bytes. A URL that names the current data
version (``v=<version>``) can be cached for a year: a new decision changes the version, and
so the URL clients are given.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from fastapi import Request
from fastapi.responses import Response

COMPRESSIBLE = ("json", "geo+json", "csv", "mvt", "vnd.mapbox-vector-tile", "html", "xml", "javascript")
SHORT = "public, max-age=60, stale-while-revalidate=600"
LONG = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Cached:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str
    headers: tuple[tuple[str, str], ...] = ()
    #: Facts about the body kept beside it (e.g. the number of features matched), for what is added per request.
    meta: dict | None = None


def etag_for(version: int, key: tuple) -> str:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()
    return f'"v{version}-{digest}"'


class ByteCache:
    """An LRU of finished answers, bounded in total bytes."""

    def __init__(self, max_bytes: int = 256 * 1024 * 1024):
        self._items: OrderedDict[tuple, Cached] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes
        self._lock = threading.Lock()
        #: One lock per answer being made: concurrent misses of one key wait for a single make().
        self._making: dict[tuple, threading.Lock] = {}

    def peek(self, version: int, key: tuple) -> Cached | None:
        full = (version, *key)
        with self._lock:
            hit = self._items.get(full)
            if hit is not None:
                self._items.move_to_end(full)
            return hit

    def get(self, version: int, key: tuple, make: Callable[[], tuple], headers=()) -> Cached:
        """The answer for ``key``; on a miss ``make()`` gives ``(body, media_type[, meta])``.

        Misses of one key are made once: after a data change, eight clients asking for the
        national layer (seconds to make) would otherwise make it eight times over, on two cores.
        """
        hit = self.peek(version, key)
        if hit is not None:
            return hit
        full = (version, *key)
        with self._lock:
            making = self._making.setdefault(full, threading.Lock())
        try:
            with making:
                hit = self.peek(version, key)
                return hit if hit is not None else self._make(full, version, key, make, headers)
        finally:
            with self._lock:
                if self._making.get(full) is making:
                    del self._making[full]

    def _make(self, full: tuple, version: int, key: tuple, make: Callable[[], tuple], headers) -> Cached:
        body, media_type, *meta = make()
        zipped = None
        if any(m in media_type for m in COMPRESSIBLE) and len(body) > 512:
            zipped = gzip.compress(body, compresslevel=6, mtime=0)
        item = Cached(body, zipped, media_type, etag_for(version, key), tuple(headers), meta[0] if meta else None)
        with self._lock:
            self._items[full] = item
            self._bytes += len(body) + len(zipped or b"")
            while self._bytes > self._max and len(self._items) > 1:
                _, old = self._items.popitem(last=False)
                self._bytes -= len(old.body) + len(old.gzipped or b"")
        return item


async def cached(cache: ByteCache, version: int, key: tuple, make, headers=()) -> Cached:
    """The cached answer, computed in a worker thread on a miss so the event loop stays free.

    A hit costs a dictionary lookup on the event loop: no thread hand-off per request.
    """
    hit = cache.peek(version, key)
    if hit is not None:
        return hit
    return await anyio.to_thread.run_sync(lambda: cache.get(version, key, make, headers))


def not_modified(request: Request, etag: str) -> bool:
    asked = request.headers.get("if-none-match", "")
    return asked == "*" or etag in [t.strip() for t in asked.split(",")]


def cache_control(request: Request, version: int) -> str:
    return LONG if request.query_params.get("v") == str(version) else SHORT


def respond(request: Request, item: Cached, version: int) -> Response:
    """The cached answer: 304 when the client has it, gzip when it accepts it.

    The request is marked so that :class:`api.memo.AnswerMemo` keeps what is sent, for the next
    identical request on this data version.
    """
    request.scope.setdefault("state", {})["memo"] = True
    headers = {
        "ETag": item.etag,
        "Cache-Control": cache_control(request, version),
        "Vary": "Accept-Encoding",
        "X-Data-Version": str(version),
        **dict(item.headers),
    }
    if not_modified(request, item.etag):
        return Response(status_code=304, headers=headers)
    if item.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(item.gzipped, media_type=item.media_type, headers=headers)
    return Response(item.body, media_type=item.media_type, headers=headers)
