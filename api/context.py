"""Per-request context, as ASGI middleware: a request id on every answer, and a limit on bodies.

Every request gets an id of our own (recorded with any change it makes). A client may send
``X-Request-ID`` (1 to 64 characters of ``A-Z a-z 0-9 . _ : -``) to follow its request through
the logs and the audit trail: its id is echoed back and kept beside ours; otherwise ours is
sent back. A body larger than the limit is refused with 413 before it is read when it declares
its length, and as soon as it passes the limit when it does not (chunked uploads).
"""

from __future__ import annotations

import json
import re
import uuid

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _too_large(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes ({limit / 1024 / 1024:.1f} MB)"


class RequestContextMiddleware:
    """Request ids and the body size limit (``max_body`` bytes)."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        ours = uuid.uuid4().hex
        theirs = headers.get("x-request-id")
        theirs = theirs if theirs and _CLIENT_ID.match(theirs) else None
        state = scope.setdefault("state", {})
        state["request_id"], state["client_request_id"] = ours, theirs
        shown = (theirs or ours).encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", shown)]
            await send(message)

        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            status = 413 if length.isdigit() else 400
            detail = _too_large(self.max_body) if status == 413 else "Content-Length is not a number"
            await _answer(send_with_id, status, detail)
            return
        seen = 0

        async def receive_limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, _too_large(self.max_body))
            return message

        await self.app(scope, receive_limited, send_with_id)


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        }
    )  # fmt: skip
    await send({"type": "http.response.body", "body": body})
