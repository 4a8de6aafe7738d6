"""The landing page and the API documentation page (served with local assets)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import AtlasDep, LangDep
from api.templating import templates
from geo_ntm.i18n import day_text, section, text
from geo_ntm.when import today

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parents[1] / "static"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, atlas: AtlasDep, lang: LangDep) -> HTMLResponse:
    t = section(lang, "home")
    reform = atlas.reform_date
    olds = atlas.units[(atlas.units["level"] == "province") & (atlas.units["valid_from"] < reform)]
    region = {
        "name": atlas.name,
        "province": atlas.province,
        "former": sorted(set(olds["name"])),
        "covered_from": atlas.covered_from.isoformat(),
        "units_today": len(atlas.units_on(today())),
    }
    # Example links name the region's own dates (the day before its reform, the reform).
    before = reform - timedelta(days=1)
    dates = {"reform": reform.isoformat(), "before": before.isoformat(), "before_text": day_text(before, lang)}
    links = [{**link, "href": link["href"].format(**dates)} for link in t["links"]]
    pages = [{k: v.format(**dates) for k, v in page.items()} for page in t["pages"]]
    pages = [{**page, "href": page["href"] + ("&" if "?" in page["href"] else "?") + f"lang={lang}"} for page in pages]
    context = {
        "lang": lang,
        "t": {**t, "formed_from": t["formed_from"].format(reform=day_text(reform, lang))},
        "region": region,
        "links": links,
        "pages": pages,
        "sources": f"{text(lang, 'sources.label')}: {text(lang, 'sources.boundaries')}.",
    }
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The icon browsers ask for by this name (pages name ``/static/favicon.svg``)."""
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon", headers={"Cache-Control": "max-age=604800"})


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    base = "/static/vendor/swagger-ui/5.35.0"
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="geo-ntm API",
        swagger_js_url=f"{base}/swagger-ui-bundle.js",
        swagger_css_url=f"{base}/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
    # The API is described in English; say so, for screen readers and translation tools.
    return HTMLResponse(page.body.decode().replace("<html>", '<html lang="en">', 1))
