"""Documents: upload a letter or plan (text, .docx, PDF) and get the units, figures and targets it names."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import document_reader
from api.deps import CatalogDep, SnapshotDep
from api.uploads import read_upload
from geo_ntm.auth.tokens import Token
from geo_ntm.documents.drafts import (
    DECISION_FIELDS,
    MENTION_FIELDS,
    TARGET_FIELDS,
    draft_decisions,
    draft_targets,
    mention_rows,
    to_csv,
)
from geo_ntm.documents.layer import document_layer
from geo_ntm.documents.service import DocumentService
from geo_ntm.errors import InvalidParameterError

router = APIRouter(prefix="/api/documents", tags=["documents"])

DocumentId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,40}$", description="the id POST /api/documents gave")]
#: Longest a POST waits for the document to be read before answering 202 with its progress.
MAX_WAIT = 25.0
_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
            "text/plain": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    }
}


async def get_documents(request: Request) -> DocumentService:
    return request.app.state.documents


DocumentsDep = Annotated[DocumentService, Depends(get_documents)]


ReaderDep = Annotated[Token | None, Depends(document_reader)]


def _links(doc_id: str) -> dict:
    base = f"/api/documents/{doc_id}"
    return {"self": base, "page": f"/documents/{doc_id}", "geojson": f"{base}/units.geojson",
            "mentions_csv": f"{base}/mentions.csv", "draft_targets_csv": f"{base}/draft-targets.csv",
            "draft_decisions_csv": f"{base}/draft-decisions.csv"}  # fmt: skip


def _answer(doc: dict, status: int = 200, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({**doc, "links": _links(doc["id"])}, status_code=status, headers=headers)


@router.post("", status_code=201, openapi_extra=_UPLOAD_DOC)
async def upload_document(
    request: Request,
    token: ReaderDep,
    documents: DocumentsDep,
    filename: Annotated[str | None, Query(max_length=200, description="the file's name (a raw body)")] = None,
    on: Annotated[
        date | None,
        Query(alias="date", description="the date the document speaks of (YYYY-MM-DD); default its own date"),
    ] = None,  # fmt: skip
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT, description="seconds to wait for the result")] = 20.0,
) -> JSONResponse:
    """Upload a document (.txt, .docx, PDF with text): 201 with what it names, or 202 while it is read."""
    content, name = await read_upload(request, filename, "document")
    actor = token.name if token else "public"
    doc_id = await run_in_threadpool(documents.submit, content, name, actor, on)
    await run_in_threadpool(documents.wait, doc_id, wait)
    doc = await run_in_threadpool(documents.get, doc_id)
    if doc["state"] == "failed":
        raise _failure(doc)
    headers = {"Location": f"/api/documents/{doc_id}"}
    return _answer(doc, 201 if doc["state"] == "done" else 202, headers)


def _failure(doc: dict) -> HTTPException:
    status = {"TooLargeError": 413, "interrupted": 409, "internal": 500}.get(doc["error_kind"], 422)
    return HTTPException(status, doc["error"])


@router.get("/{doc_id}")
def get_document(
    doc_id: DocumentId,
    token: ReaderDep,
    documents: DocumentsDep,
    text: Annotated[bool, Query(description="include the text")] = True,
    checks: Annotated[bool, Query(description="include the checks against the records")] = True,
) -> JSONResponse:
    """A document: its state and progress; once read, its text, what it names and the checks against the records."""
    return _answer(documents.get(doc_id, text=text, checks=checks))


@router.patch("/{doc_id}")
def review_document(
    doc_id: DocumentId,
    token: ReaderDep,
    documents: DocumentsDep,
    review: Annotated[
        dict,
        Body(
            examples=[{"date": "2024-01-30", "corrections": {"u125-134": {"uid": "24@2010-09-28"}, "u42-50": None}}],
            description='"date": the date context (null: the document\'s own); "corrections": mention id → '
            '{"uid": unit version} | {"reject": true} | null (undo)',
        ),
    ],
) -> JSONResponse:
    """Review a document: set its date context, correct or reject unit matches; it is analysed again."""
    unknown = set(review) - {"date", "corrections"}
    if unknown:
        raise InvalidParameterError(f"unknown fields {sorted(unknown)}; a review has 'date' and 'corrections'")
    as_of: date | None | str = "keep"
    if "date" in review:
        raw = review["date"]
        try:
            as_of = date.fromisoformat(raw) if raw is not None else None
        except (TypeError, ValueError):
            raise InvalidParameterError(f"date {raw!r} is not a date; write YYYY-MM-DD or null") from None
    corrections = review.get("corrections") or {}
    if not isinstance(corrections, dict) or len(corrections) > 1000:
        raise InvalidParameterError("corrections: give an object of at most 1000 mention id → correction")
    return _answer(documents.review(doc_id, as_of=as_of, corrections=corrections))


def _read(documents: DocumentService, doc_id: str) -> dict:
    doc = documents.get(doc_id, text=False)
    if doc["state"] != "done":
        raise InvalidParameterError(f"document {doc_id} is {doc['state']}; its exports exist once it is read")
    return doc


def _csv(body: bytes, name: str) -> Response:
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/{doc_id}/units.geojson")
def document_units(
    doc_id: DocumentId, token: ReaderDep, documents: DocumentsDep, catalog: CatalogDep, snap: SnapshotDep
) -> Response:
    """The units the document names, on its date: what the document says and what the records say (GeoJSON)."""
    doc = _read(documents, doc_id)
    return Response(document_layer(doc["analysis"], catalog, snap), media_type="application/geo+json")


@router.get("/{doc_id}/mentions.csv")
def document_mentions(doc_id: DocumentId, token: ReaderDep, documents: DocumentsDep) -> Response:
    """Every mention (units, status phrases, figures, targets) with its line, confidence and check (CSV)."""
    doc = _read(documents, doc_id)
    return _csv(to_csv(mention_rows(doc["analysis"], doc["checks"]), MENTION_FIELDS), f"mentions-{doc_id}.csv")


@router.get("/{doc_id}/draft-targets.csv")
def document_draft_targets(doc_id: DocumentId, token: ReaderDep, documents: DocumentsDep) -> Response:
    """The targets the document sets, as a targets sheet for POST /api/imports?records=targets (dry run first)."""
    doc = _read(documents, doc_id)
    rows = draft_targets(doc["analysis"], doc["checks"]["province"])
    return _csv(to_csv(rows, TARGET_FIELDS), f"draft-targets-{doc_id}.csv")


@router.get("/{doc_id}/draft-decisions.csv")
def document_draft_decisions(
    doc_id: DocumentId,
    token: ReaderDep,
    documents: DocumentsDep,
    all_claims: Annotated[bool, Query(alias="all", description="also claims the records agree with")] = False,
) -> Response:
    """Status claims about units, as a decisions sheet for POST /api/imports (dry run first)."""
    doc = _read(documents, doc_id)
    rows = draft_decisions(doc["analysis"], doc["checks"], include_agreeing=all_claims)
    return _csv(to_csv(rows, DECISION_FIELDS), f"draft-decisions-{doc_id}.csv")
