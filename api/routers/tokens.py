"""API tokens: create (shown once), list, revoke (admin)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import AdminDep, request_context
from api.deps import StatusDep
from api.records import RecordId
from geo_ntm.auth.audit import note_request
from geo_ntm.auth.tokens import create_token, list_tokens, revoke_token

router = APIRouter(prefix="/api/tokens", tags=["tokens"])


class TokenIn(BaseModel):
    """A new token: who holds it and what it may do."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64, examples=["alice"])
    role: Literal["reader", "editor", "admin"]


@router.get("")
def tokens(token: AdminDep, service: StatusDep, include_revoked: bool = True) -> list[dict]:
    """Every token, without its secret (admin)."""
    return [t.as_dict() for t in list_tokens(service.store, include_revoked=include_revoked)]


@router.post("", status_code=201)
def new_token(request: Request, body: TokenIn, token: AdminDep, service: StatusDep) -> JSONResponse:
    """Create a token; its secret is in this answer only (admin)."""
    ctx = request_context(request, token)
    made, secret = create_token(
        service.store, body.name, body.role, actor=token.name, request_id=ctx.request_id,
        on_write=lambda w: note_request(w, ctx),
    )  # fmt: skip
    return JSONResponse(
        {**made.as_dict(), "token": secret, "note": "keep this token now: it is not stored and cannot be shown again"},
        status_code=201,
        headers={"Location": f"/api/tokens/{made.id}", "Cache-Control": "no-store"},
    )


@router.delete("/{token_id}")
def revoke(request: Request, token_id: RecordId, token: AdminDep, service: StatusDep) -> dict:
    """Revoke a token; it stops working at once (admin)."""
    ctx = request_context(request, token)
    revoked = revoke_token(
        service.store, token_id, actor=token.name, request_id=ctx.request_id, on_write=lambda w: note_request(w, ctx)
    )
    return revoked.as_dict()
