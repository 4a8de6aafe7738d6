"""API tokens with roles, kept in the status store as hashes only.

A token reads ``gntm_<key id>_<secret>``. The key id (8 hex digits) is not secret: it finds the
token's row and names the token in lists and logs. The secret (32 random bytes, url-safe) is
shown once, when the token is created, and never stored: the store keeps the SHA-256 of the
whole token. A slow password hash (bcrypt, argon2) is for passwords people choose, which can
be guessed; a token of 256 random bits cannot be, so a fast hash is as safe against a stolen
database and lets every request be checked in microseconds. The hash of the token presented
is compared with the stored one by :func:`hmac.compare_digest` (constant time), and a token
with an unknown key id costs the same comparison.

Roles nest: ``reader`` reads (needed only when reads are not public), ``editor`` also records
decisions and imports spreadsheets, ``admin`` also manages tokens and reads the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from geo_ntm.errors import ConflictError, InvalidParameterError, NotFoundError
from geo_ntm.status.store import StatusStore

ROLES = ("reader", "editor", "admin")
PREFIX = "gntm"
_TOKEN = re.compile(r"^gntm_([0-9a-f]{8})_([A-Za-z0-9_-]{20,})$")
_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")
_DUMMY = hashlib.sha256(b"no such token").hexdigest()


@dataclass(frozen=True)
class Token:
    """A token as stored (never its secret)."""

    id: int
    key_id: str
    name: str
    role: str
    created_at: str
    created_by: str
    revoked_at: str | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, role: str) -> bool:
        """Whether this token's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def as_dict(self) -> dict:
        return {**asdict(self), "active": self.active}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    """SHA-256 of the whole token, hex (what the store keeps)."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidParameterError(f"role {role!r} is not one of {list(ROLES)}")
    return role


def _token(row) -> Token:
    return Token(**{k: row[k] for k in Token.__dataclass_fields__})


def create_token(
    store: StatusStore, name: str, role: str, *, actor: str, request_id: str | None = None, on_write=None
) -> tuple[Token, str]:
    """Create a token; returns it and its secret form, which is shown once and never stored.

    Parameters
    ----------
    store : StatusStore
        The status store (the token table lives in the same file).
    name : str
        Who or what holds the token (``"alice"``, ``"phong-nn-ptnt"``); unique among active tokens.
    role : str
        One of :data:`ROLES`.
    actor : str
        Who creates it (recorded in the audit trail).
    request_id : str, optional
        The request that asked for it, for the audit trail.
    on_write : callable, optional
        Called with the writer first in the transaction (to record the request's context).
    """
    check_role(role)
    name = name.strip()
    if not _NAME.match(name):
        raise InvalidParameterError("a token name is 1 to 64 characters, without control characters")
    with store.write(actor, request_id) as w:
        if on_write is not None:
            on_write(w)
        if w.conn.execute("SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL", (name,)).fetchone():
            raise ConflictError(f"an active token is already named {name!r}; revoke it first or pick another name")
        while True:
            key_id = secrets.token_hex(4)
            if not w.conn.execute("SELECT 1 FROM tokens WHERE key_id = ?", (key_id,)).fetchone():
                break
        secret = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        at = _now()
        token_id = w.conn.execute(
            "INSERT INTO tokens (key_id, name, role, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (key_id, name, role, hash_token(secret), at, actor),
        ).fetchone()[0]
        w.record_change("add", "tokens", token_id, {"key_id": key_id, "name": name, "role": role})
    return Token(token_id, key_id, name, role, at, actor), secret


def list_tokens(store: StatusStore, *, include_revoked: bool = True) -> list[Token]:
    """Every token, oldest first (without secrets or hashes)."""
    where = "" if include_revoked else " WHERE revoked_at IS NULL"
    return [_token(r) for r in store.rows(f"SELECT * FROM tokens{where} ORDER BY id")]


def find_token(store: StatusStore, ref: str | int) -> Token:
    """A token by id, key id, or the name of an active token."""
    ref = str(ref).strip()
    if ref.isascii() and ref.isdigit():  # an id; one beyond 64 bits cannot be stored, so it names no token
        rows = store.rows("SELECT * FROM tokens WHERE id = ?", (int(ref),)) if int(ref) < 2**63 else []
    else:
        rows = store.rows(
            "SELECT * FROM tokens WHERE key_id = ? OR (name = ? AND revoked_at IS NULL) ORDER BY id", (ref, ref)
        )
    if not rows:
        raise NotFoundError(f"no token {ref!r}; give its id, key id, or the name of an active token")
    return _token(rows[0])


def revoke_token(
    store: StatusStore, ref: str | int, *, actor: str, request_id: str | None = None, on_write=None
) -> Token:
    """Revoke a token (by id, key id or active name); it stops working at once."""
    token = find_token(store, ref)
    if not token.active:
        raise ConflictError(f"token {token.id} ({token.name}) was already revoked at {token.revoked_at}")
    at = _now()
    with store.write(actor, request_id) as w:
        if on_write is not None:
            on_write(w)
        cur = w.conn.execute(
            "UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
            (at, actor, token.id),
        )
        if cur.rowcount != 1:
            raise ConflictError(f"token {token.id} ({token.name}) was revoked meanwhile")
        w.record_change("revoke", "tokens", token.id, {"key_id": token.key_id, "name": token.name})
    return Token(**{**asdict(token), "revoked_at": at, "revoked_by": actor})


def verify_token(store: StatusStore, presented: str) -> Token | None:
    """The active token ``presented`` is, or None (malformed, unknown, wrong secret, or revoked)."""
    m = _TOKEN.match(presented or "")
    rows = store.rows("SELECT * FROM tokens WHERE key_id = ?", (m.group(1),)) if m else []
    stored = rows[0]["hash"] if rows else _DUMMY
    same = hmac.compare_digest(hash_token(presented or ""), stored)
    if not (rows and same):
        return None
    token = _token(rows[0])
    return token if token.active else None
