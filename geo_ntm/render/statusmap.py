"""Choropleth pages of NTM status, built with folium, served with every asset from the app.

The page holds no geometry: it loads the layer from the GeoJSON endpoint (simplified for the
zoom, cached, gzipped), so the same outlines are never inlined twice and moving through the
years fetches only the new year's layer. ``api/static/js/statusmap.js`` draws it: colours from
:mod:`geo_ntm.palette`, hatching for "awaiting review", tooltips and popups built as text
(names are data), a legend with counts, district outlines, and a year control.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import folium
from branca.element import Element, JavascriptLink, MacroElement
from jinja2 import Template
from markupsafe import escape

from geo_ntm.i18n import section, text
from geo_ntm.palette import COLORS, DISTRICT_OUTLINE, HATCHED, LEGEND_ORDER, NO_DATA, OUTLINE, PATTERN_INK, PATTERNS
from geo_ntm.status.levels import LABELS
from geo_ntm.status.review import LABELS as REVIEW_LABELS
from geo_ntm.status.review import PAST_LABELS

from .offline import render_offline


@dataclass
class MapSpec:
    """What one status map shows; URLs are relative to the app (same host)."""

    title: str
    layer: str = "communes"
    lang: str = "vi"
    year: int | None = None
    date: str | None = None
    years: list[int] = field(default_factory=list)
    today: str = ""
    #: The region's reform date (district outlines are drawn before it), from the region's data.
    reform_date: str | None = None
    zoom: int = 10
    district: str | None = None
    dbkk: bool = False
    bbox: tuple[float, float, float, float] | None = None
    outlines: bool = True
    legend: bool = True
    controls: bool = True
    history: bool = True
    base_map_url: str | None = None
    base_map_attribution: str = ""
    bounds: tuple[float, float, float, float] | None = None
    static_url: str = "/static"
    data_url: str = "/api/layers/{layer}.geojson"
    unit_page: str | None = "/planning/communes/{code}?lang=vi"
    share_url: str | None = None
    table: bool = True
    title_box: bool = True
    oembed_url: str | None = None
    extra_js: str = ""
    #: Sentences shown under the title: why the map is empty, or why it shows another date than today.
    notes: list[str] = field(default_factory=list)
    #: "status" (levels) or "progress" (criteria met under the 2026-2030 set, offered when the layer has them).
    view: str = "status"
    #: Only the units of this province (a province code in force on the map's date).
    province: str | None = None


def config(spec: MapSpec) -> dict:
    lang = "en" if spec.lang == "en" else "vi"
    when = {"year": spec.year} if spec.year is not None else {"date": spec.date}
    return {
        "title": spec.title,
        "layer": spec.layer,
        "lang": lang,
        "when": when,
        "years": spec.years if spec.controls else [],
        "today": spec.today,
        "reformDate": spec.reform_date,
        "zoom": spec.zoom,
        "district": spec.district,
        "dbkk": spec.dbkk,
        "bbox": ",".join(str(v) for v in spec.bbox) if spec.bbox else None,
        "outlines": spec.outlines,
        "legend": spec.legend,
        "history": spec.history,
        "dataUrl": spec.data_url,
        "unitPage": spec.unit_page,
        "palette": COLORS,
        "noData": NO_DATA,
        "outline": OUTLINE,
        "districtOutline": DISTRICT_OUTLINE,
        "hatched": list(HATCHED),
        "order": list(LEGEND_ORDER),
        "labels": LABELS[lang],
        "text": {**section(lang, "statusmap"), "keysHint": text(lang, "map_keys.hint")},
        "patterns": PATTERNS,
        "patternInk": PATTERN_INK,
        "shareUrl": spec.share_url,
        "table": spec.table,
        "notes": spec.notes,
        "view": spec.view,
        "province": spec.province,
        "pasts": list(PAST_LABELS[lang]),
        "pastLabels": PAST_LABELS[lang],
        "reviewLabels": REVIEW_LABELS[lang],
        "progressClasses": progress_classes(lang),
    }


#: Fills of the 2026-2030 view, from all criteria met down (ColorBrewer Greens), then "not assessed".
PROGRESS_FILLS = ("#238b45", "#74c476", "#bae4b3", "#edf8e9")


def progress_classes(lang: str, total: int = 10) -> list[dict]:
    """Classes of criteria met out of ``total``: all, two steps of two, the rest; then not assessed."""
    t = section(lang, "statusmap")
    bounds = [(total, total), (total - 2, total - 1), (total - 4, total - 3), (0, total - 5)]
    out = []
    for (low, high), fill in zip(bounds, PROGRESS_FILLS, strict=True):
        label = t["classAll"].format(total=total) if low == total else t["classRange"].format(low=low, high=high)
        out.append({"key": f"{low}-{high}", "min": low, "fill": fill, "label": label})
    out.append({"key": "none", "min": None, "fill": NO_DATA, "label": t["classNone"]})
    return out


def status_map(spec: MapSpec) -> str:
    """The HTML page of a status map (every asset same-host, except an optional base map)."""
    m = folium.Map(
        location=_centre(spec.bounds),
        zoom_start=9,
        tiles=None,
        control_scale=True,
        min_zoom=5,  # the whole country fits a screen at 5
        max_zoom=16,
        zoom_control=True,
    )
    # Only Leaflet is needed: no jQuery, Bootstrap or icon fonts (keeps the page light).
    m.default_js = [js for js in m.default_js if js[0] == "leaflet"]
    m.default_css = [css for css in m.default_css if css[0] == "leaflet_css"]
    allowed: list[str] = []
    if spec.base_map_url:
        folium.TileLayer(
            spec.base_map_url,
            attr=spec.base_map_attribution or "base map",
            name="base",
            overlay=False,
            control=False,
            opacity=0.6,
        ).add_to(m)
        host = urlsplit(spec.base_map_url.replace("{s}", "a")).hostname
        allowed = [host] if host else []
    if spec.bounds:
        west, south, east, north = spec.bounds
        m.fit_bounds([[south, west], [north, east]])
    root = m.get_root()
    root.header.add_child(Element(f'<link rel="icon" href="{spec.static_url}/favicon.svg" type="image/svg+xml">'))
    root.header.add_child(Element(f'<link rel="stylesheet" href="{spec.static_url}/css/statusmap.css">'))
    root.header.add_child(Element(f'<meta name="description" content="{_attr(spec.title)}">'))
    if spec.oembed_url:
        allowed.append(urlsplit(spec.oembed_url).hostname or "")  # our own host: oEmbed discovery needs a full URL
        root.header.add_child(
            Element(
                f'<link rel="alternate" type="application/json+oembed" href="{_attr(spec.oembed_url)}" '
                f'title="{_attr(spec.title)}">'
            )
        )
    root.html.add_child(
        Element(f'<h1 class="visually-hidden" style="position:absolute;left:-9999px">{_text(spec.title)}</h1>')
    )
    root.header.add_child(JavascriptLink(f"{spec.static_url}/js/map-keys.js"), name="ntm_map_keys_js")
    root.header.add_child(JavascriptLink(f"{spec.static_url}/js/statusmap.js"), name="ntm_statusmap_js")
    m.add_child(_Starter(config(spec), spec.extra_js))
    html = render_offline(m, static_url=f"{spec.static_url}/vendor", allowed_hosts=allowed)
    return html.replace("<html>", f'<html lang="{"en" if spec.lang == "en" else "vi"}">', 1).replace(
        "<head>", f"<head>\n<title>{_text(spec.title)}</title>", 1
    )


class _Starter(MacroElement):
    """Starts the status map once folium has created the Leaflet map (its script runs after the map's)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () { var cfg = {{ this.payload }};\n{{ this.extra_js }}\n"
        "window.ntmMap = new NtmStatusMap({{ this._parent.get_name() }}, cfg); })();"
        "{% endmacro %}"
    )

    def __init__(self, cfg: dict, extra_js: str = ""):
        super().__init__()
        # JSON inside <script>: "<", ">" and "&" only occur in strings, where \\u003c-style escapes mean the
        # same; written that way no string in the data can close the element or open a comment.
        self.payload = (
            json.dumps(cfg, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        )
        self.extra_js = extra_js


def _centre(bounds) -> list[float] | None:
    """The middle of the map's bounds (the map is then fitted to them); None: Leaflet's own view."""
    if not bounds:
        return None
    return [(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2]


def _text(value: str) -> str:
    return str(escape(value))


def _attr(value: str) -> str:
    return str(escape(value))  # markupsafe escapes quotes too: safe inside an attribute
