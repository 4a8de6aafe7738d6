"""Idempotency keys: a submission sent twice with the same key is answered twice, written once.

A client that does not know whether its request arrived (a timeout, a dropped connection)
sends it again with the same ``key``. The first answer is kept, in the transaction that made
the change, under (token, key) with a fingerprint of the request; a repeat with the same
fingerprint gets that answer back, and a repeat with another fingerprint is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from geo_ntm.errors import InvalidParameterError
from geo_ntm.status.store import StatusStore, Writer

_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclass(frozen=True)
class Submission:
    """The answer given to the first request with a key."""

    fingerprint: str
    status: int
    body: dict | list
    location: str | None
    created_at: str


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise InvalidParameterError("Idempotency-Key: 1 to 200 printable ASCII characters, e.g. a UUID")
    return key


def fingerprint(method: str, path: str, body: str) -> str:
    """What makes two submissions the same: method, path and the (parsed, re-serialised) body."""
    return hashlib.sha256(f"{method}\n{path}\n{body}".encode()).hexdigest()


def _submission(row) -> Submission:
    body = json.loads(row["response"])
    return Submission(row["fingerprint"], row["status"], body, row["location"], row["created_at"])


def recall(source: StatusStore | Writer, token_id: int, key: str) -> Submission | None:
    """The kept answer for (token, key), read from the store or inside a writer's transaction."""
    sql = "SELECT * FROM submissions WHERE token_id = ? AND key = ?"
    if isinstance(source, Writer):
        row = source.conn.execute(sql, (token_id, key)).fetchone()
    else:
        rows = source.rows(sql, (token_id, key))
        row = rows[0] if rows else None
    return _submission(row) if row else None


def remember(writer: Writer, token_id: int, key: str, fp: str, status: int, body, location: str | None = None) -> None:
    """Keep the answer in the writer's transaction (so it exists exactly when the change does)."""
    writer.conn.execute(
        "INSERT INTO submissions (token_id, key, fingerprint, status, response, location, created_at, request_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            token_id,
            key,
            fp,
            status,
            json.dumps(body, ensure_ascii=False),
            location,
            datetime.now(UTC).isoformat(timespec="seconds"),
            writer.request_id,
        ),
    )
