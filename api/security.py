"""Security headers on every answer: nosniff everywhere, and on pages a Content-Security-Policy.

Every answer says ``X-Content-Type-Options: nosniff`` (a CSV or JSON body is never sniffed into
HTML). Every HTML page gets a policy that allows what our pages load and nothing else:

- ``default-src 'self'``: scripts, styles, fonts, data and frames from this site only (every
  asset is served locally, see ``api/static/vendor``);
- ``script-src 'self'`` plus the SHA-256 of each inline script of *that* page. folium writes its
  map set-up inline and Swagger UI its start-up; hashing them (rather than allowing
  ``'unsafe-inline'``) means an injected ``<script>`` would not run even if escaping failed;
- ``style-src 'self' 'unsafe-inline'``: folium and Leaflet write ``style=`` attributes, which no
  hash can allow; CSS cannot run code;
- ``img-src 'self' data: blob:`` and the base map's origin when one is set;
- ``frame-ancestors``: embed pages (``/embed/...``) may be framed by the sites in
  ``settings.frame_ancestors``, other pages only by this site (also ``X-Frame-Options``).

Pure ASGI. An HTML answer is held until its last byte to hash its scripts (pages are a few KB;
a cached page arrives gzipped and is read through); everything else streams untouched.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

EMBED_PREFIX = "/embed"
#: An inline script: a ``<script>`` without ``src`` whose type is JavaScript (JSON data blocks do not run).
_INLINE = re.compile(rb"<script(?![^>]*\bsrc\s*=)([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(rb"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JS_TYPES = (b"", b"text/javascript", b"application/javascript", b"module")


def origin(url: str | None) -> str | None:
    """The origin of a URL template as a CSP source (``{s}`` subdomains become ``*``)."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def script_hashes(html: bytes) -> list[str]:
    """CSP sources for the inline scripts of a page, in order of appearance."""
    out = []
    for attrs, body in _INLINE.findall(html):
        kind = _TYPE.search(attrs)
        if (kind.group(1).lower() if kind else b"") in _JS_TYPES:
            out.append(f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'")
    return list(dict.fromkeys(out))


class SecurityHeadersMiddleware:
    """nosniff on every answer; CSP, framing and referrer rules on pages."""

    def __init__(self, app: ASGIApp, frame_ancestors: list[str], base_map_url: str | None = None,
                 public_url: str | None = None):  # fmt: skip
        self.app = app
        sites = " ".join(s for s in frame_ancestors if s)
        self.embed_ancestors = f"frame-ancestors 'self' {sites}".strip()
        if "*" in frame_ancestors:
            self.embed_ancestors = "frame-ancestors *"
        extra_img = " ".join(o for o in (origin(base_map_url), origin(public_url)) if o)
        extra_frame = origin(public_url) or ""
        self.common = (
            f"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: {extra_img}".rstrip()
            + f"; font-src 'self' data:; connect-src 'self'; frame-src 'self' {extra_frame}".rstrip()
            + "; object-src 'none'; base-uri 'self'; form-action 'self'"
        )

    def policy(self, html: bytes, embed: bool) -> bytes:
        scripts = " ".join(["'self'", *script_hashes(html)])
        ancestors = self.embed_ancestors if embed else "frame-ancestors 'self'"
        return f"{self.common}; script-src {scripts}; {ancestors}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        embed = scope["path"].startswith(EMBED_PREFIX)
        held: list[Message] = []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-content-type-options"]
                message["headers"] = [*headers, (b"x-content-type-options", b"nosniff")]
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    held.append(message)  # a page: its policy needs its scripts
                    return
                await send(message)
            elif held:
                held.append(message)
                if not message.get("more_body", False):
                    await self._send_page(held, embed, send)
            else:
                await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _send_page(self, held: list[Message], embed: bool, send: Send) -> None:
        start, bodies = held[0], held[1:]
        body = b"".join(m.get("body", b"") for m in bodies)
        zipped = any(k.lower() == b"content-encoding" and v == b"gzip" for k, v in start["headers"])
        extra = [(b"content-security-policy", self.policy(gzip.decompress(body) if zipped and body else body, embed)),
                 (b"referrer-policy", b"strict-origin-when-cross-origin")]  # fmt: skip
        if not embed:
            extra.append((b"x-frame-options", b"SAMEORIGIN"))
        start["headers"] = [*start["headers"], *extra]
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
