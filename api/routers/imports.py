"""Spreadsheet imports in two steps: upload for a dry run, then confirm (editor)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.auth import EditorDep, request_context
from api.deps import SettingsDep, StatusDep
from api.records import SQL_INT_MAX, Source
from api.uploads import read_upload
from api.writes import WRITE_LOCK
from geo_ntm.auth.audit import note_request
from geo_ntm.auth.tokens import Token
from geo_ntm.errors import InvalidParameterError
from geo_ntm.status.imports.uploads import Upload, Viewer, apply_upload, check_upload, get_upload, list_uploads

router = APIRouter(prefix="/api/imports", tags=["imports"])

UploadId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{8,40}$")]
_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    }
}


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        left, sep, right = item.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise InvalidParameterError(f"{what}: {item!r} is not NAME=VALUE, e.g. {what}=Mã xã=unit_code")
        out[left.strip()] = right.strip()
    return out


def _viewer(token: Token) -> Viewer:
    """An editor sees (and confirms) the uploads it made; an admin sees everyone's."""
    return Viewer(token.name, token.id, sees_all=token.allows("admin"))


def _json(upload: Upload, ttl: timedelta, whole: bool = True) -> dict:
    out = upload.as_dict() if whole else upload.summary()
    out["expires_at"] = (datetime.fromisoformat(upload.created_at) + ttl).isoformat()
    out["confirm"] = f"/api/imports/{upload.id}/confirm" if upload.ready and upload.state == "checked" else None
    out["href"] = f"/api/imports/{upload.id}"
    return out


_UPLOAD_LINKS = {201: {"description": "the upload and its dry-run report", "links": {
    "read_upload": {"operationId": "get_import", "parameters": {"upload_id": "$response.body#/id"}},
    "confirm_upload": {"operationId": "confirm_import", "parameters": {"upload_id": "$response.body#/id"}},
}}}  # fmt: skip


@router.post("", status_code=201, openapi_extra=_UPLOAD_DOC, responses=_UPLOAD_LINKS)
async def upload_for_import(
    request: Request,
    token: EditorDep,
    service: StatusDep,
    settings: SettingsDep,
    filename: Annotated[str | None, Query(max_length=200, description="the file's name (a raw body)")] = None,
    sheet: Annotated[str | None, Query(max_length=100, description="sheet name or 1-based number")] = None,
    source: Source | None = None,
    citation: Annotated[str | None, Query(max_length=1000)] = None,
    authority: Annotated[str | None, Query(max_length=300)] = None,
    criteria_set: Annotated[str | None, Query(max_length=60)] = None,
    unit_level: Literal["commune", "district"] | None = None,
    column: Annotated[list[str], Query(alias="map", description="HEADER=field, as `geo-ntm import --map`")] = [],  # noqa: B006
    default: Annotated[list[str], Query(description="FIELD=VALUE for fields the sheet lacks")] = [],  # noqa: B006
    strict_names: bool = False,
    records: Annotated[
        Literal["decisions", "targets", "reviews"],
        Query(description="what the sheet holds: decisions, plan targets, or review steps of merged communes"),
    ] = "decisions",
) -> JSONResponse:
    """Upload a .csv or .xlsx of decisions, plan targets or review steps for a dry run (editor); see how to confirm."""
    content, name = await read_upload(request, filename, "spreadsheet")
    defaults = _pairs(default, "default")
    named = {"source": source, "citation": citation, "authority": authority, "criteria_set": criteria_set,
             "unit_level": unit_level}  # fmt: skip
    defaults.update({k: v for k, v in named.items() if v})
    options = {"mapping": _pairs(column, "map"), "sheet": sheet, "defaults": defaults, "records": records,
               "accept_fuzzy": not strict_names, "max_bytes": settings.max_upload_bytes}  # fmt: skip
    ctx = request_context(request, token)
    upload = await run_in_threadpool(
        check_upload, service.store, service.atlas, content, name or "upload", options, actor=token.name,
        request_id=ctx.request_id, on_write=lambda w: note_request(w, ctx), owner_token_id=token.id,
    )  # fmt: skip
    ttl = timedelta(hours=settings.import_ttl_hours)
    return JSONResponse(_json(upload, ttl), status_code=201, headers={"Location": f"/api/imports/{upload.id}"})


@router.post("/{upload_id}/confirm", operation_id="confirm_import")
def confirm_import(
    request: Request, upload_id: UploadId, token: EditorDep, service: StatusDep, settings: SettingsDep
) -> dict:
    """Import a checked upload, all or none, if the data has not changed since its dry run (its editor, or admin)."""
    ctx = request_context(request, token)
    ttl = timedelta(hours=settings.import_ttl_hours)
    with WRITE_LOCK:
        upload = apply_upload(service.store, service.atlas, upload_id, actor=token.name, request_id=ctx.request_id,
                              ttl=ttl, on_write=lambda w: note_request(w, ctx), viewer=_viewer(token))  # fmt: skip
    written = upload.result["counts"]["written"]
    return {**_json(upload, ttl), "written": written, "data_version_after": service.version()}


@router.get("")
def list_imports(
    token: EditorDep,
    service: StatusDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=SQL_INT_MAX)] = 0,
) -> dict:
    """Your uploads (all of them for an admin), newest first, a page at a time, without their reports (editor)."""
    ttl = timedelta(hours=settings.import_ttl_hours)
    total, uploads = list_uploads(service.store, _viewer(token), limit=limit, offset=offset)
    items = [_json(u, ttl, whole=False) for u in uploads]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get("/{upload_id}", operation_id="get_import")
def get_import(upload_id: UploadId, token: EditorDep, service: StatusDep, settings: SettingsDep) -> dict:
    """One upload: its dry-run report, state and result (its editor, or admin)."""
    upload = get_upload(service.store, upload_id, _viewer(token))
    return _json(upload, timedelta(hours=settings.import_ttl_hours))
