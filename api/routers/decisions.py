"""Decisions and revocations: record (editor), correct with If-Match (editor), list and read (public)."""

from __future__ import annotations

import hashlib
import threading
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from api.auth import EditorDep
from api.deps import Day, StatusDep
from api.records import (
    KINDS,
    SQL_INT_MAX,
    DecisionIn,
    DecisionListIn,
    Level,
    RecordId,
    RevocationIn,
    Source,
    UnitLevel,
    etag,
    matches,
)
from api.records import record_json as _json
from api.writes import submit
from geo_ntm.errors import NotFoundError, StaleVersionError
from geo_ntm.status.edits import chain_book, chain_codes, check_record, in_chain
from geo_ntm.status.model import Decision, Revocation
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import Writer

router = APIRouter(prefix="/api", tags=["decisions"])

IfMatch = Annotated[str | None, Header(description="the ETag of the record as you read it (GET …/{id})")]
_cache_lock = threading.Lock()


def _location(rec) -> str:
    return f"/api/{KINDS['decision' if isinstance(rec, Decision) else 'revocation']}/{rec.id}"


def _history(w: Writer, book, rec) -> list:
    """The unit's current records, read inside the write transaction (no rebuilt book on the write path)."""
    return in_chain(book, rec, w.unit_records(rec.unit_level, chain_codes(book, rec)))


def _add(w: Writer, service: StatusService, body: DecisionIn | RevocationIn, old=None) -> tuple[dict, str]:
    """Check the body as a new record (superseding ``old``) and write it; returns its JSON and location."""
    new = body.record(supersedes=old.id if old is not None else None)
    book = chain_book(service.atlas)
    checked = check_record(book, new, replacing=old, history=_history(w, book, new))
    add = w.add_decision if isinstance(new, Decision) else w.add_revocation
    rec = w.record(KINDS["decision" if isinstance(new, Decision) else "revocation"], add(checked.record))
    return {**_json(w, rec, checked.uid), "warnings": checked.warnings}, _location(rec)


def _with_etag(answer: dict) -> dict:
    return {"ETag": answer["etag"]}


def _correct(request: Request, kind: str, record_id: int, body, token, service, if_match: str | None) -> JSONResponse:
    if if_match is None:
        raise HTTPException(
            428, f"a correction needs If-Match with the ETag of GET /api/{KINDS[kind]}/{record_id}, so that it "
            "cannot overwrite a change made since you read the record"
        )  # fmt: skip

    def change(w: Writer):
        old = w.record(KINDS[kind], record_id)
        if old is None:
            raise NotFoundError(f"no {kind} {record_id}")
        current = etag(w, old)
        if not matches(if_match, current):
            newer = w.corrected_by(KINDS[kind], record_id)
            why = (
                f"{kind} {record_id} was corrected meanwhile by #{newer}; read GET /api/{KINDS[kind]}/{newer}"
                if newer
                else f"unit {old.unit_code} changed since you read {kind} {record_id}; read it again"
            )
            raise StaleVersionError(f"If-Match {if_match} is not the current ETag {current}: {why}")
        return _add(w, service, body, old)

    return submit(request, token, body.model_dump_json(), change, headers=_with_etag)


def _links(kind: str) -> dict:
    """OpenAPI links of a new record: read it, correct it with its ETag (clients and schemathesis follow them)."""
    record = {"record_id": "$response.body#/id"}
    return {201: {"description": "the record, with its ETag", "links": {
        f"read_{kind}": {"operationId": f"get_{kind}", "parameters": record},
        f"correct_{kind}": {"operationId": f"correct_{kind}",
                            "parameters": {**record, "header.If-Match": "$response.body#/etag"}},
    }}}  # fmt: skip


# -- writes ---------------------------------------------------------------------------------
@router.post("/decisions", status_code=201, responses=_links("decision"))
def record_decision(request: Request, body: DecisionIn, token: EditorDep, service: StatusDep) -> JSONResponse:
    """Record a recognition decision (editor). Idempotent with an Idempotency-Key header."""
    return submit(request, token, body.model_dump_json(), lambda w: _add(w, service, body), headers=_with_etag)


@router.post("/decisions/batch", status_code=201)
def record_decisions(request: Request, body: DecisionListIn, token: EditorDep, service: StatusDep) -> JSONResponse:
    """Record several decisions at once, all or none (editor); e.g. one Quyết định for several communes."""

    def change(w: Writer):
        records, book = [d.record() for d in body.decisions], chain_book(service.atlas)
        where = [f"decisions[{i}]." if len(records) > 1 else "" for i in range(len(records))]
        checks = [
            check_record(book, r, others=records, history=_history(w, book, r), where=where[i])
            for i, r in enumerate(records)
        ]
        out = []
        for checked in checks:
            rec = w.record("decisions", w.add_decision(checked.record))
            out.append({**_json(w, rec, checked.uid), "warnings": checked.warnings})
        return {"decisions": out}, None

    return submit(request, token, body.model_dump_json(), change)


@router.post(
    "/decisions/{record_id}/corrections", status_code=201, operation_id="correct_decision", responses=_links("decision")
)
def correct_decision(
    request: Request,
    record_id: RecordId,
    body: DecisionIn,
    token: EditorDep,
    service: StatusDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Correct a decision by a new record that supersedes it (editor); needs If-Match with its ETag."""
    return _correct(request, "decision", record_id, body, token, service, if_match)


@router.post("/revocations", status_code=201, responses=_links("revocation"))
def record_revocation(request: Request, body: RevocationIn, token: EditorDep, service: StatusDep) -> JSONResponse:
    """Record a revocation (thu hồi) of a level (editor). Idempotent with an Idempotency-Key header."""
    return submit(request, token, body.model_dump_json(), lambda w: _add(w, service, body), headers=_with_etag)


@router.post(
    "/revocations/{record_id}/corrections",
    status_code=201,
    operation_id="correct_revocation",
    responses=_links("revocation"),
)
def correct_revocation(
    request: Request,
    record_id: RecordId,
    body: RevocationIn,
    token: EditorDep,
    service: StatusDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Correct a revocation by a new record that supersedes it (editor); needs If-Match with its ETag."""
    return _correct(request, "revocation", record_id, body, token, service, if_match)


# -- reads ----------------------------------------------------------------------------------
def _all(request: Request, service: StatusService, table: str, version: int) -> tuple[list, dict]:
    """Every record of ``table`` and who supersedes whom, computed once per data version."""
    cache = getattr(request.app.state, "records_cache", None)
    if cache is None:
        cache = request.app.state.records_cache = {}
    with _cache_lock:
        hit = cache.get(table)
    if hit and hit[0] == version:
        return hit[1], hit[2]
    records = (
        service.store.decisions(current=False) if table == "decisions" else service.store.revocations(current=False)
    )
    by = {r.supersedes: r.id for r in records if r.supersedes is not None}
    with _cache_lock:
        cache[table] = (version, records, by)
    return records, by


def _item(rec, superseded_by: int | None) -> dict:
    out = {"id": rec.id, "kind": "decision" if isinstance(rec, Decision) else "revocation"}
    for k, v in rec.__dict__.items():
        if k not in ("id", "recorded_by"):
            out[k] = v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v
    return {**out, "superseded_by": superseded_by, "current": superseded_by is None}


def _not_modified(request: Request, tag: str) -> bool:
    asked = request.headers.get("if-none-match")
    return asked is not None and (asked.strip() == "*" or tag in [t.strip() for t in asked.split(",")])


def _list(request: Request, service: StatusService, table: str, keep, current: bool, limit: int, offset: int):
    version = service.version()
    tag = f'W/"v{version}-{hashlib.blake2b(str(request.url.query).encode(), digest_size=6).hexdigest()}"'
    headers = {"ETag": tag, "Cache-Control": "no-cache", "X-Data-Version": str(version)}
    if _not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    records, by = _all(request, service, table, version)
    found = [r for r in records if keep(r) and not (current and r.id in by)]
    items = [_item(r, by.get(r.id)) for r in found[offset : offset + limit]]
    body = {"data_version": version, "total": len(found), "limit": limit, "offset": offset, "items": items}
    return JSONResponse(body, headers=headers)


def _one(request: Request, service: StatusService, table: str, record_id: int) -> Response:
    rec = service.store.record(table, record_id)
    if rec is None:
        raise NotFoundError(f"no {table[:-1]} {record_id}")
    body = _json(service.store, rec)
    headers = {"ETag": body["etag"], "Cache-Control": "no-cache"}
    if _not_modified(request, body["etag"]):
        return Response(status_code=304, headers=headers)
    return JSONResponse(body, headers=headers)


UnitQ = Annotated[str | None, Query(max_length=200, description="unit code, e.g. 07222")]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=SQL_INT_MAX)]
CurrentQ = Annotated[bool, Query(description="false: also the records corrected since")]


@router.get("/decisions")
def list_decisions(
    request: Request, service: StatusDep, unit: UnitQ = None, unit_level: UnitLevel | None = None,
    level: Level | None = None, year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    signed_from: Day | None = None, signed_to: Day | None = None, source: Source | None = None,
    current: CurrentQ = True, limit: Limit = 100, offset: Offset = 0,
) -> Response:  # fmt: skip
    """Decisions, filtered by unit, unit level, level, 'năm' label, signing dates or source (public)."""

    def keep(d: Decision) -> bool:
        return (
            (unit is None or d.unit_code == unit)
            and (unit_level is None or d.unit_level == unit_level)
            and (level is None or d.level == level)
            and (year is None or d.year_label == year)
            and (signed_from is None or d.signed >= signed_from)
            and (signed_to is None or d.signed <= signed_to)
            and (source is None or d.source == source)
        )

    return _list(request, service, "decisions", keep, current, limit, offset)


@router.get("/decisions/{record_id}", operation_id="get_decision")
def get_decision(request: Request, record_id: RecordId, service: StatusDep) -> Response:
    """One decision with its correction state and ETag (public)."""
    return _one(request, service, "decisions", record_id)


@router.get("/revocations")
def list_revocations(
    request: Request, service: StatusDep, unit: UnitQ = None, level: Level | None = None,
    current: CurrentQ = True, limit: Limit = 100, offset: Offset = 0,
) -> Response:  # fmt: skip
    """Revocations, filtered by unit or level (public)."""

    def keep(r: Revocation) -> bool:
        return (unit is None or r.unit_code == unit) and (level is None or r.level == level)

    return _list(request, service, "revocations", keep, current, limit, offset)


@router.get("/revocations/{record_id}", operation_id="get_revocation")
def get_revocation(request: Request, record_id: RecordId, service: StatusDep) -> Response:
    """One revocation with its correction state and ETag (public)."""
    return _one(request, service, "revocations", record_id)
