"""Review steps of merged units: record (editor), correct with If-Match (editor), list and read (public).

Written like decisions (:mod:`api.routers.decisions`): one transaction with its audit entries,
``Idempotency-Key`` for safe retries, ``If-Match`` for corrections. A ``recognised`` step comes
with the level it grants: its decision is written in the same transaction and linked to it.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields, replace
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.auth import EditorDep
from api.deps import StatusDep
from api.records import Source, matches
from api.writes import submit
from geo_ntm.errors import InvalidParameterError, NotFoundError, StaleVersionError
from geo_ntm.status.edits import chain_book, chain_codes, check_record, in_chain
from geo_ntm.status.model import Decision, ReviewStep
from geo_ntm.status.review import check_step
from geo_ntm.status.store import Writer

router = APIRouter(prefix="/api", tags=["reviews"])

State = Literal["self_assessed", "verified", "recognised", "not_recognised"]
Granted = Literal["dat_chuan", "nang_cao", "kieu_mau", "hien_dai"]
IfMatch = Annotated[str | None, Header(description="the ETag of the step as you read it (GET /api/reviews/{id})")]
RECOGNISED_NOTE = "Công nhận đơn vị hình thành sau sắp xếp / recognised after the merger review"


class ReviewIn(BaseModel):
    """One step of the review of a merged commune (rà soát, thừa nhận sau sắp xếp)."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(description="five-digit code of the commune formed by the merger", examples=["07246"])
    unit_name: str | None = Field(None, max_length=200, description="checked against the code; filled when left out")
    state: State = Field(description="self_assessed → verified → recognised | not_recognised")
    reviewed_on: date = Field(description="date of the step's document, YYYY-MM-DD")
    source: Source = Field(description="official (with a citation) or illustrative")
    document_no: str | None = Field(None, max_length=100, description="number of the report, record or decision")
    document: str | None = Field(None, max_length=500, description="what the document is")
    authority: str | None = Field(None, max_length=300)
    criteria_set: str | None = Field(None, max_length=60, examples=["xa-ntm-2026-2030"])
    citation: str | None = Field(None, max_length=1000)
    note: str | None = Field(None, max_length=4000)
    level: Granted | None = Field(None, description="for a recognition: the level granted (default dat_chuan)")
    year_label: int | None = Field(None, ge=2000, le=2100, description="for a recognition: the 'năm' recognised")
    criteria_met: list[Annotated[int, Field(ge=0, le=1000)]] | None = Field(None, max_length=200)

    @field_validator("unit_code")
    @classmethod
    def _code(cls, v: str) -> str:
        v = v.strip()
        if not (len(v) == 5 and v.isdigit()):
            raise ValueError("a commune code is 5 digits with its leading zero, e.g. '07246'")
        return v

    def step(self, supersedes: int | None = None) -> ReviewStep:
        return ReviewStep(
            self.unit_code, self.unit_name or "", self.state, self.reviewed_on, self.source,
            document_no=self.document_no, document=self.document, authority=self.authority,
            criteria_set=self.criteria_set, citation=self.citation, note=self.note, supersedes=supersedes,
        )  # fmt: skip

    def decision(self, name: str) -> Decision:
        """The recognition decision a ``recognised`` step comes with."""
        return Decision(
            "commune", self.unit_code, name, self.level or "dat_chuan", self.reviewed_on,
            self.year_label or self.reviewed_on.year, self.source, decision_no=self.document_no,
            authority=self.authority, criteria_set=self.criteria_set,
            criteria_met=tuple(self.criteria_met) if self.criteria_met is not None else None,
            citation=self.citation, note=self.note or RECOGNISED_NOTE,
        )  # fmt: skip


def etag(source, step: ReviewStep) -> str:
    """``"v<id>.<revision>"``: the revision counts the steps of the same unit (corrections too)."""
    return f'"v{step.id}.{source.review_revision(step.unit_level, step.unit_code)}"'


def step_json(source, step: ReviewStep, uid: str | None = None) -> dict:
    out: dict = {"id": step.id, "kind": "review"}
    for f in fields(step):
        if f.name in ("id", "recorded_by"):
            continue
        v = getattr(step, f.name)
        out[f.name] = v.isoformat() if isinstance(v, date) else v
    out["superseded_by"] = source.corrected_by("reviews", step.id)
    out["current"] = out["superseded_by"] is None
    if uid is not None:
        out["uid"] = uid
    out["etag"] = etag(source, step)
    return out


def _add(w: Writer, service, body: ReviewIn, old: ReviewStep | None = None) -> tuple[dict, str]:
    book = chain_book(service.atlas)
    step = body.step(supersedes=old.id if old is not None else None)
    if body.state != "recognised" and (body.level or body.year_label or body.criteria_met is not None):
        raise InvalidParameterError("level: level, year_label and criteria_met are only for a recognised step")
    history = w.unit_reviews("commune", [body.unit_code])
    decision, warnings = None, []
    if old is not None and old.state == "recognised":
        if body.state != "recognised":
            raise InvalidParameterError(
                f"state: step {old.id} recognised the unit by decision #{old.decision_id}; to undo a recognition, "
                f"correct or revoke that decision (POST /api/decisions/{old.decision_id}/corrections, "
                "or /api/revocations)"
            )
        step = replace(step, decision_id=old.decision_id)  # the decision stays the one already recorded
    elif body.state == "recognised":
        probe = check_step(book, replace(step, decision_id=0), history=history, replacing=old)
        new = body.decision(probe.step.unit_name)
        chain = in_chain(book, new, w.unit_records("commune", chain_codes(book, new)))
        checked = check_record(book, new, history=chain)
        decision_id = w.add_decision(checked.record)
        decision, warnings = {"id": decision_id, "location": f"/api/decisions/{decision_id}"}, checked.warnings
        step = replace(step, decision_id=decision_id)
    checked_step = check_step(book, step, history=history, replacing=old)
    made = w.record("reviews", w.add_review(checked_step.step))
    answer = {**step_json(w, made, checked_step.uid), "warnings": warnings + checked_step.warnings}
    if decision is not None:
        answer["decision"] = decision
    return answer, f"/api/reviews/{made.id}"


def _with_etag(answer: dict) -> dict:
    return {"ETag": answer["etag"]}


@router.post("/reviews", status_code=201)
def record_review(request: Request, body: ReviewIn, token: EditorDep, service: StatusDep) -> JSONResponse:
    """Record a review step of a merged commune (editor); a recognition also records its decision."""
    return submit(request, token, body.model_dump_json(), lambda w: _add(w, service, body), headers=_with_etag)


@router.post("/reviews/{record_id}/corrections", status_code=201)
def correct_review(
    request: Request, record_id: int, body: ReviewIn, token: EditorDep, service: StatusDep, if_match: IfMatch = None
) -> JSONResponse:
    """Correct a review step by a new one that supersedes it (editor); needs If-Match with its ETag."""
    if if_match is None:
        raise HTTPException(
            428, f"a correction needs If-Match with the ETag of GET /api/reviews/{record_id}, so that it cannot "
            "overwrite a change made since you read the step"
        )  # fmt: skip

    def change(w: Writer):
        old = w.record("reviews", record_id)
        if old is None:
            raise NotFoundError(f"no review step {record_id}")
        current = etag(w, old)
        if not matches(if_match, current):
            raise StaleVersionError(
                f"If-Match {if_match} is not the current ETag {current}: the review of {old.unit_code} changed "
                f"since you read step {record_id}; read it again"
            )
        if old.unit_code != body.unit_code:
            raise InvalidParameterError(f"unit_code: step {record_id} is about {old.unit_code}, not {body.unit_code}")
        return _add(w, service, body, old)

    return submit(request, token, body.model_dump_json(), change, headers=_with_etag)


UnitQ = Annotated[str | None, Query(max_length=200, description="commune code, e.g. 07246")]


@router.get("/reviews")
def list_reviews(
    request: Request, service: StatusDep, unit: UnitQ = None, state: State | None = None,
    source: Source | None = None, current: Annotated[bool, Query(description="false: also corrected steps")] = True,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:  # fmt: skip
    """Review steps of merged communes, filtered by unit, state or source (public)."""
    version = service.version()
    tag = f'W/"v{version}-{hashlib.blake2b(str(request.url.query).encode(), digest_size=6).hexdigest()}"'
    headers = {"ETag": tag, "Cache-Control": "no-cache", "X-Data-Version": str(version)}
    asked = request.headers.get("if-none-match")
    if asked is not None and (asked.strip() == "*" or tag in [t.strip() for t in asked.split(",")]):
        return Response(status_code=304, headers=headers)
    steps = service.store.reviews(current=False)
    by = {s.supersedes: s.id for s in steps if s.supersedes is not None}
    found = [
        s
        for s in steps
        if (unit is None or s.unit_code == unit)
        and (state is None or s.state == state)
        and (source is None or s.source == source)
        and not (current and s.id in by)
    ]
    items = []
    for s in found[offset : offset + limit]:
        item = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in s.__dict__.items() if k != "recorded_by"}
        items.append({**item, "superseded_by": by.get(s.id), "current": s.id not in by})
    body = {"data_version": version, "total": len(found), "limit": limit, "offset": offset, "items": items}
    return JSONResponse(body, headers=headers)


@router.get("/reviews/{record_id}")
def get_review(request: Request, record_id: int, service: StatusDep) -> Response:
    """One review step with its correction state and ETag (public)."""
    if record_id > 2**62:
        raise InvalidParameterError(f"no review step {record_id}: ids are below 2^62")
    step = service.store.record("reviews", record_id)
    if step is None:
        raise NotFoundError(f"no review step {record_id}")
    body = step_json(service.store, step)
    headers = {"ETag": body["etag"], "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == body["etag"]:
        return Response(status_code=304, headers=headers)
    return JSONResponse(body, headers=headers)
