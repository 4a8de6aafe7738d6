"""Pages for documents: upload one, then read it beside the map of its units."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StatusDep
from api.i18n import language
from api.routers.documents import DocumentId, DocumentsDep, ReaderDep
from api.templating import templates
from geo_ntm.errors import InvalidParameterError, NotFoundError
from geo_ntm.i18n import section
from geo_ntm.palette import COLORS, NO_DATA, OUTLINE
from geo_ntm.paths import ROOT
from geo_ntm.status.levels import LABELS

router = APIRouter(include_in_schema=False)

#: The example letter (in the repository; the button is hidden when it is not there).
EXAMPLE = ROOT / "examples" / "documents" / "cong-van-687-UBND-NN-2024.txt"
#: Seconds the upload form waits before showing the document page (which shows progress after that).
FORM_WAIT = 3.0


@router.get("/documents", response_class=HTMLResponse)
def upload_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The upload form."""
    lang = language(request)
    t = section(lang, "documents_page")
    context = {"lang": lang, "t": t, "limit": t["limits"].format(mb=f"{settings.max_upload_bytes / 1048576:g}"),
               "example": EXAMPLE.is_file(), "public": settings.public_documents}  # fmt: skip
    return templates.TemplateResponse(request, "documents.html", context)


@router.post("/documents")
async def upload_form(request: Request, token: ReaderDep, documents: DocumentsDep) -> RedirectResponse:
    """The form's upload (or the example): read it, then show its page."""
    lang = language(request)
    form = await request.form(max_files=1, max_fields=10)
    on = _form_date(form.get("date"))
    if form.get("example"):
        if not EXAMPLE.is_file():
            raise NotFoundError("the example document is not installed here")
        content, name = EXAMPLE.read_bytes(), EXAMPLE.name
    else:
        part = form.get("file")
        if part is None or isinstance(part, str) or not part.filename:
            raise InvalidParameterError("choose a file to upload (.txt, .docx or PDF)")
        content, name = await part.read(), part.filename
    doc_id = await run_in_threadpool(documents.submit, content, name, token.name if token else "public", on)
    await run_in_threadpool(documents.wait, doc_id, FORM_WAIT)
    return RedirectResponse(f"/documents/{doc_id}?lang={lang}", status_code=303)


def _form_date(raw) -> date | None:
    if not raw or not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameterError(f"date {raw!r} is not a date; write YYYY-MM-DD") from None


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request, doc_id: DocumentId, documents: DocumentsDep, settings: SettingsDep, service: StatusDep
) -> HTMLResponse:
    """A document's text with what it names highlighted, beside the map of those units.

    When documents need a token, the page itself is a shell: its script reads the document
    with the token the upload form kept (a browser cannot send one on a plain navigation).
    """
    lang = language(request)
    t = section(lang, "documents_page")
    if settings.public_documents:
        doc = documents.get(doc_id, text=False, checks=False)
    else:
        doc = {"filename": "", "state": "queued", "pages_done": 0, "pages_total": 0, "error": None}
    atlas = service.atlas
    bounds = [float(v) for v in atlas.units_on(date.today(), "province").total_bounds]
    config = {
        "id": doc_id, "lang": lang, "text": t, "api": f"/api/documents/{doc_id}", "search": "/api/search",
        "palette": COLORS, "noData": NO_DATA, "outline": OUTLINE, "labels": LABELS[lang], "bounds": bounds,
        "reformDate": atlas.reform_date.isoformat(), "baseMap": settings.base_map_url,
        "baseMapAttribution": settings.base_map_attribution, "communePage": "/planning/communes/{code}",
        "imports": "/api/imports",
    }  # fmt: skip
    context = {"lang": lang, "t": t, "doc": doc, "config": config}
    return templates.TemplateResponse(request, "document.html", context)
