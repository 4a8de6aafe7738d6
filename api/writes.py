"""How every change through the API is made: one at a time, in one transaction, idempotent on request.

:func:`submit` runs a change inside ``store.write`` with the request's context recorded in the
same transaction (so the audit trail can never miss a change or list one that did not
happen), one change at a time in this process (a queue is fairer than SQLite's busy
retries), and with ``Idempotency-Key`` support: the first answer to a key is kept in that
transaction, and a repeat of the same request gets it back without writing again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from api.auth import request_context
from geo_ntm.auth.audit import note_request
from geo_ntm.auth.submissions import Submission, check_key, fingerprint, recall, remember
from geo_ntm.auth.tokens import Token
from geo_ntm.errors import InvalidParameterError
from geo_ntm.status.store import Writer

#: One write at a time per process (SQLite has one writer anyway).
WRITE_LOCK = threading.Lock()


def _replay(hit: Submission, fp: str, key: str) -> JSONResponse:
    if hit.fingerprint != fp:
        raise InvalidParameterError(
            f"Idempotency-Key {key!r} was already used for a different request; use a new key for a new request"
        )
    headers = {"Idempotent-Replayed": "true", **({"Location": hit.location} if hit.location else {})}
    return JSONResponse(hit.body, status_code=hit.status, headers=headers)


def submit(
    request: Request,
    token: Token,
    body: str,
    change: Callable[[Writer], tuple[Any, str | None]],
    *,
    status: int = 201,
    headers: Callable[[Any], dict] | None = None,
) -> JSONResponse:
    """Make ``change(writer) -> (answer, location)`` once, and answer with it.

    Parameters
    ----------
    request : Request
        The request (its ``Idempotency-Key`` header, context and store).
    token : Token
        Who asks (an editor or above).
    body : str
        The request body as parsed and re-serialised: with the method and path, what makes two
        submissions the same.
    change : callable
        Checks and writes inside the transaction; returns the JSON answer and its location.
    status : int
        Status of a successful answer.
    headers : callable, optional
        Extra headers from the answer (e.g. its ETag).
    """
    store = request.app.state.status.store
    key = request.headers.get("idempotency-key")
    fp = fingerprint(request.method, request.url.path, body)
    if key is not None:
        check_key(key)
        if hit := recall(store, token.id, key):
            return _replay(hit, fp, key)
    ctx = request_context(request, token)
    with WRITE_LOCK, store.write(token.name, ctx.request_id) as w:
        if key is not None and (hit := recall(w, token.id, key)):  # the same key, sent twice at once
            replay = hit
        else:
            replay = None
            note_request(w, ctx)
            answer, location = change(w)
            if key is not None:
                remember(w, token.id, key, fp, status, answer, location)
    if replay is not None:
        return _replay(replay, fp, key)
    extra = {**({"Location": location} if location else {}), **(headers(answer) if headers else {})}
    return JSONResponse(answer, status_code=status, headers=extra)
