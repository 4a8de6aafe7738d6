"""For portals: embeddable maps, the share dialog, and oEmbed."""

from __future__ import annotations

import html
import re
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import BaseUrlDep, LangDep, SettingsDep, SnapshotDep, WhenDep
from api.routers.pages import title as map_title
from api.templating import templates
from geo_ntm.catalog import LAYERS
from geo_ntm.errors import InvalidParameterError, NotFoundError
from geo_ntm.i18n import section, text
from geo_ntm.layers.tiles import parse_bbox
from geo_ntm.planning.lists import planning_day
from geo_ntm.render.statusmap import MapSpec, status_map
from geo_ntm.status.snapshot import Snapshot
from geo_ntm.when import Note, When, absence, district_on, for_level, for_unit, today, years

router = APIRouter(include_in_schema=False)

#: Every frame keeps its title and data-source banner, so there is no switch to hide them.
EMBED_PARAMS = {"layer", "year", "date", "district", "bbox", "lang", "legend", "basemap", "controls", "table"}
#: What sites and mail programs add to links they pass on (``utm_source``, ``fbclid``…): an embed
#: opened through such a link shows the same map, and says nothing of them.
TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|gbraid|wbraid|dclid|msclkid|yclid|twclid|ttclid|igshid|mc_[ce]id|_ga|_gl|ref)$"
)


def ignored(params) -> list[str]:
    """Parameters of a public page's URL that it does not read, other than tracking ones (named in a note)."""
    return sorted(k for k in set(params) - EMBED_PARAMS if not TRACKING.match(k))


def _flag(value: str | None, default: bool, name: str) -> bool:
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise InvalidParameterError(f"{name}={value!r}: write 1 or 0")


def _embed_when(snap: Snapshot, when: When, layer: str, district: str | None) -> When:
    """The day an embed opens on when none is asked: today, unless what it shows is gone by then.

    A district's map opens on the district's last day (districts were abolished in 2025), the
    map of especially difficult communes on a day their list was in force; both say so.
    """
    if when.asked:
        return when
    atlas = snap.atlas
    if district is not None:
        return for_unit(atlas, when, "district", district)
    if layer == "districts":
        return for_level(atlas, when, "district")
    if layer == "dbkk":
        day = planning_day(snap.records, atlas)
        if day != when.as_of:
            return When(day=day, asked=False, note=Note("dbkk_moved", {"wanted": when.as_of, "day": day}))
    return when


def embed_spec(request: Request, snap: Snapshot, settings, base: str, when: When, layer: str, lang: str) -> MapSpec:
    """Read and check an embed URL's parameters.

    Portals pass links on with parameters of their own (tracking, a misspelt option): an embed
    ignores what it does not read, so the map still shows; a misspelt option is named in a note
    under the title. The values of the parameters it reads are checked (the API stays strict).
    """
    q = {k: v for k, v in request.query_params.items() if k in EMBED_PARAMS}
    unread = ignored(request.query_params)
    layer = q.get("layer", layer)
    if layer not in LAYERS or layer == "provinces":
        raise InvalidParameterError(f"layer={layer!r}: allowed communes, districts, dbkk")
    if q.get("lang") not in (None, "vi", "en"):
        raise InvalidParameterError(f"lang={q['lang']!r}: allowed vi, en")
    district = q.get("district")
    when = _embed_when(snap, when, layer, district)
    bounds = tuple(float(v) for v in snap.atlas.units_on(when.as_of, "province").total_bounds)
    title_extra = ""
    if district is not None:
        title_extra = f" — {district_on(snap.atlas, district, when.as_of)}"
        districts = snap.atlas.units_on(when.as_of, "district")
        bounds = tuple(float(v) for v in districts[districts["code"] == district].total_bounds)
    bbox = parse_bbox(q["bbox"]) if q.get("bbox") else None
    if bbox:
        bounds = bbox
    level = "district" if layer == "districts" else "commune"
    title = map_title(lang, layer) + title_extra
    basemap = _flag(q.get("basemap"), False, "basemap")
    params = {k: v for k, v in q.items() if k not in ("year", "date")}
    gone = absence(snap.atlas, level, when.as_of)
    here = request.url.path + (f"?{urlencode(q)}" if q else "")  # the map's own URL, without what it ignored
    return MapSpec(
        title=title,
        layer=layer,
        lang=lang,
        year=when.year,
        date=when.day.isoformat() if when.day else None,
        years=years(snap.atlas),
        today=today().isoformat(),
        reform_date=snap.atlas.reform_date.isoformat(),
        district=district,
        bbox=bbox,
        bounds=bounds,
        legend=_flag(q.get("legend"), True, "legend"),
        controls=_flag(q.get("controls"), False, "controls"),
        table=_flag(q.get("table"), True, "table"),
        history=False,
        dbkk=False,
        base_map_url=settings.base_map_url if basemap else None,
        base_map_attribution=settings.base_map_attribution,
        unit_page=None,
        share_url=f"/share?{urlencode({**params, 'layer': layer})}",
        oembed_url=f"{base}/oembed?{urlencode({'url': base + here})}",
        notes=[n.text(lang) for n in (when.note, gone) if n is not None]
        + ([text(lang, "embed.ignored", names=", ".join(n[:30] for n in unread[:5]))] if unread else []),
    )


@router.get("/embed/status", response_class=HTMLResponse)
def embed_status(
    request: Request, snap: SnapshotDep, settings: SettingsDep, base: BaseUrlDep, when: WhenDep, lang: LangDep
) -> HTMLResponse:
    """An embeddable status map; the view is set in the URL (default: today)."""
    return HTMLResponse(status_map(embed_spec(request, snap, settings, base, when, "communes", lang)))


@router.get("/embed/dbkk", response_class=HTMLResponse)
def embed_dbkk(
    request: Request, snap: SnapshotDep, settings: SettingsDep, base: BaseUrlDep, when: WhenDep, lang: LangDep
) -> HTMLResponse:
    """An embeddable map of the especially difficult communes (default: a day their list was in force)."""
    return HTMLResponse(status_map(embed_spec(request, snap, settings, base, when, "dbkk", lang)))


@router.get("/embed/district/{code}", response_class=HTMLResponse)
def embed_district(
    request: Request,
    snap: SnapshotDep,
    settings: SettingsDep,
    base: BaseUrlDep,
    when: WhenDep,
    lang: LangDep,
    code: str,
) -> HTMLResponse:
    """An embeddable map of one district's communes (default: today, or the district's last day)."""
    request.scope["query_string"] = urlencode([*request.query_params.multi_items(), ("district", code)]).encode()
    return HTMLResponse(status_map(embed_spec(Request(request.scope), snap, settings, base, when, "communes", lang)))


def _embed_url_of(url: str) -> str | None:
    """The embed page showing the map at ``url`` (a map page or an embed page of ours), or None."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.path in ("/embed/status", "/embed/dbkk") or parts.path.startswith("/embed/district/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.path == "/maps/status":
        keep = {k: v for k, v in query.items() if k in ("year", "date", "district", "lang")}
        keep["layer"] = "districts" if query.get("level") == "district" else "communes"
        return "/embed/status?" + urlencode(keep)
    if parts.path == "/planning/map":
        keep = {k: v for k, v in query.items() if k in ("date", "district", "lang")}
        return "/embed/dbkk?" + urlencode(keep)
    return None


@router.get("/oembed")
def oembed(
    request: Request,
    base: BaseUrlDep,
    url: Annotated[str, Query(max_length=2000)],
    maxwidth: Annotated[int | None, Query(ge=100, le=4000)] = None,
    maxheight: Annotated[int | None, Query(ge=100, le=4000)] = None,
    format: Literal["json", "xml"] = "json",
) -> Response:
    """oEmbed (JSON) for our map URLs, so content systems can embed by pasting a link."""
    # Ours: under the public base URL (which may have a path, behind a proxy) or the address asked.
    bases = (base, str(request.base_url).rstrip("/"))
    here = next((url[len(b) :] for b in bases if url.startswith(b + "/")), None)
    embed = _embed_url_of(here) if here is not None else None
    if embed is None:
        raise NotFoundError(f"not a map of this service: {url[:200]!r}")
    if format == "xml":
        return JSONResponse({"detail": "only format=json is implemented"}, status_code=501)
    width, height = min(maxwidth or 800, 800), min(maxheight or 600, 600)
    query = dict(parse_qsl(urlsplit(embed).query))
    lang = "en" if query.get("lang") == "en" else "vi"
    layer = query.get("layer", "dbkk" if embed.startswith("/embed/dbkk") else "communes")
    title = map_title(lang, layer)
    src = html.escape(base + embed, quote=True)
    snippet = (
        f'<iframe src="{src}" width="{width}" height="{height}" title="{html.escape(title, quote=True)}" '
        f'style="border:0" loading="lazy" allowfullscreen></iframe>'
    )
    return JSONResponse(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": "geo-ntm",
            "provider_url": base,
            "title": title,
            "html": snippet,
            "width": width,
            "height": height,
            "cache_age": 3600,
        }
    )


@router.get("/share", response_class=HTMLResponse)
def share(
    request: Request,
    lang: LangDep,
    snap: SnapshotDep,
    base: BaseUrlDep,
    when: WhenDep,
    layer: Literal["communes", "districts", "dbkk"] = "communes",
    district: Annotated[str | None, Query(pattern=r"^\d{3}$")] = None,
    legend: bool = True,
    basemap: bool = False,
    controls: bool = False,
    width: Annotated[int, Query(ge=200, le=2000)] = 800,
    height: Annotated[int, Query(ge=200, le=2000)] = 600,
) -> HTMLResponse:
    """The share dialog: the iframe snippet and the tile, GeoJSON and OGC URLs of a map (default: today)."""
    when = _embed_when(snap, when, layer, district)
    when_q = when.params
    params = {
        "layer": layer,
        **when_q,
        "lang": lang,
        "legend": int(legend),
        "basemap": int(basemap),
        "controls": int(controls),
    }
    if district:
        params["district"] = district
    embed_url = f"{base}/embed/status?{urlencode(params)}"
    title = map_title(lang, layer)
    version = snap.version
    data_q = urlencode({**when_q, **({"district": district} if district else {})})
    links = {
        "geojson": f"{base}/api/layers/{layer}.geojson?{data_q}&zoom=10",
        "mvt": f"{base}/api/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt?{urlencode(when_q)}&v={version}",
        "png": f"{base}/api/tiles/{layer}/{{z}}/{{x}}/{{y}}.png?{urlencode(when_q)}&v={version}",
        "tilejson": f"{base}/api/tiles/{layer}/tilejson.json?{urlencode(when_q)}",
        "ogc": f"{base}/ogc/collections/{layer}/items?datetime={when.as_of.isoformat()}",
        "csv": f"{base}/api/layers/{layer}.csv?{data_q}",
        "xlsx": f"{base}/api/layers/{layer}.xlsx?{data_q}",
        "oembed": f"{base}/oembed?{urlencode({'url': embed_url})}",
    }
    snippet = (
        f'<iframe src="{embed_url}" width="{width}" height="{height}" title="{title}" '
        f'style="border:0" loading="lazy" allowfullscreen></iframe>'
    )
    context = {
        "lang": lang,
        "t": section(lang, "share"),
        "layer": layer,
        "when": when,
        "year": when.year,
        "date": when.day.isoformat() if when.day else "",
        "legend": legend,
        "basemap": basemap,
        "controls": controls,
        "width": width,
        "height": height,
        "district": district or "",
        "embed_url": embed_url,
        "snippet": snippet,
        "links": links,
        "title": title,
        "years": years(snap.atlas),
        "layers": [(k, v.title_vi if lang == "vi" else v.title_en) for k, v in LAYERS.items() if k != "provinces"],
    }
    return templates.TemplateResponse(request, "share.html", context)
