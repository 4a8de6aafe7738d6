"""Who may show our pages in a frame: the portals named in settings, for embed pages only.

Embed pages (``/embed/...``) answer ``Content-Security-Policy: frame-ancestors 'self' <sites>``
with the sites of ``settings.frame_ancestors``; every other HTML page may only be framed by
this site (``frame-ancestors 'self'`` and ``X-Frame-Options: SAMEORIGIN``). Pure ASGI, so it
costs a header check per response.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

EMBED_PREFIX = "/embed"


class FrameAncestorsMiddleware:
    def __init__(self, app: ASGIApp, frame_ancestors: list[str]):
        self.app = app
        sites = " ".join(s for s in frame_ancestors if s)
        self.embed_policy = (
            f"frame-ancestors 'self' {sites}".strip().encode() if "*" not in frame_ancestors else (b"frame-ancestors *")
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        embed = scope["path"].startswith(EMBED_PREFIX)

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                html = any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                if html:
                    extra = (
                        [(b"content-security-policy", self.embed_policy)]
                        if embed
                        else [
                            (b"content-security-policy", b"frame-ancestors 'self'"),
                            (b"x-frame-options", b"SAMEORIGIN"),
                        ]
                    )
                    message["headers"] = [
                        *headers,
                        *extra,
                        (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    ]
                # every answer, not only pages: a CSV or JSON body must never be sniffed into HTML
                current = message.get("headers", [])
                if not any(k.lower() == b"x-content-type-options" for k, _ in current):
                    message["headers"] = [*current, (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_policy)
