"""The bytes of an upload: a multipart field ``file``, or the whole request body.

Shared by spreadsheet imports and documents. Read inside the handler, after the auth
dependencies have run, so an unauthenticated upload is refused before its body is read; the
size limit is :class:`api.context.RequestContextMiddleware`'s.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from geo_ntm.errors import InvalidParameterError


async def read_upload(request: Request, filename: str | None, what: str = "file") -> tuple[bytes, str | None]:
    """(content, filename) of the upload; ``what`` names the expected file in messages."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            form = await request.form(max_files=1, max_fields=20)
        except AssertionError:  # python-multipart is not installed
            raise HTTPException(415, "send the file as the request body with ?filename=") from None
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise InvalidParameterError(f"file: send the {what} in a form field named 'file'")
        content, filename = await part.read(), filename or part.filename
    else:
        content = await request.body()
    if not content:
        raise InvalidParameterError("file: the upload is empty")
    return content, filename
