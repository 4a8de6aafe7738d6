"""HEAD is GET without the body, on every route that answers GET (RFC 9110 §9.3.2).

FastAPI's routes answer only the methods they declare, so HEAD got 405 everywhere although CORS
advertises it; declaring HEAD on each route would double the OpenAPI operations. This ASGI
middleware runs a HEAD request as the GET it stands for and sends the GET's status and headers
(``Content-Length`` included) with an empty body: the same ETag, the same 304, the same 404.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the body is dropped; only its end is passed on
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
