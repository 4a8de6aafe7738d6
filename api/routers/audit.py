"""The audit trail: every change, who made it and from which request (admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth import AdminDep
from api.deps import Day, StatusDep
from api.records import SQL_INT_MAX
from geo_ntm.auth.audit import audit_csv, audit_entries, chain_header, mark_breaks

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/audit")
def audit(
    token: AdminDep,
    service: StatusDep,
    since: Annotated[Day | None, Query(description="first day (UTC), YYYY-MM-DD")] = None,
    until: Annotated[Day | None, Query(description="last day (UTC), YYYY-MM-DD")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="token name or command actor")] = None,
    table: Annotated[str | None, Query(max_length=40, description="decisions, revocations, tokens, uploads …")] = None,
    action: Annotated[str | None, Query(max_length=20, description="add, revoke, stage")] = None,
    request_id: Annotated[str | None, Query(max_length=64, description="ours or the client's X-Request-ID")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0, le=SQL_INT_MAX)] = 0,
) -> dict:
    """Changes, newest first, with who made them and the request they came from (admin).

    ``chain`` says whether the trail is intact: every entry is chained to the one before by a hash,
    so an entry changed, deleted or added outside the service shows, with where the chain breaks.
    """
    entries = audit_entries(
        service.store, since=since, until=until, actor=actor, table=table, action=action, request_id=request_id,
        limit=limit, offset=offset,
    )  # fmt: skip
    chain = service.store.verify_audit()
    return {"limit": limit, "offset": offset, "chain": chain.as_dict(), "items": mark_breaks(entries, chain)}


@router.get("/audit.csv")
def audit_export(
    token: AdminDep,
    service: StatusDep,
    since: Annotated[Day | None, Query()] = None,
    until: Annotated[Day | None, Query()] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    table: Annotated[str | None, Query(max_length=40)] = None,
    action: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=1_000_000)] = 100_000,
) -> Response:
    """The audit trail as CSV for a spreadsheet, formulas neutralised (admin)."""
    entries = audit_entries(
        service.store, since=since, until=until, actor=actor, table=table, action=action, limit=limit
    )
    name = f"geo-ntm-audit-{date.today().isoformat()}.csv"
    chain = service.store.verify_audit()
    return Response(
        audit_csv(mark_breaks(entries, chain)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Audit-Chain": chain_header(chain)},
    )
