"""Maps work with no internet: every asset comes from api/static/vendor, none from a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest

from geo_ntm.render.offline import (
    DEFAULT_STATIC_URL,
    VENDORED,
    OfflineAssetError,
    external_urls,
    localize,
    render_offline,
)

try:  # pytest's default import mode puts tests/ on sys.path; -m pytest from the root too
    from browser import browse
except ImportError:  # pragma: no cover
    from tests.browser import browse

STATIC = Path(__file__).resolve().parents[1] / "api" / "static"
VENDOR = STATIC / "vendor"
SCREENSHOT = Path("/tmp/offline_map.png")

NAMES = ("Xã An Hà", "Phường Bình Sơn")


def _square(x0: float, y0: float, size: float) -> list[list[list[float]]]:
    return [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]


def two_polygons() -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": NAMES[0], "code": "01", "score": 3},
                "geometry": {"type": "Polygon", "coordinates": _square(106.10, 21.20, 0.08)},
            },
            {
                "type": "Feature",
                "properties": {"name": NAMES[1], "code": "02", "score": 7},
                "geometry": {"type": "Polygon", "coordinates": _square(106.22, 21.20, 0.08)},
            },
        ],
    }


def build_map() -> folium.Map:
    m = folium.Map(tiles=None, location=[21.24, 106.2], zoom_start=11)
    folium.GeoJson(
        two_polygons(),
        name="communes",
        style_function=lambda f: {
            "fillColor": "#2b8cbe" if f["properties"]["score"] > 5 else "#fdae61",
            "color": "#333",
            "weight": 1,
            "fillOpacity": 0.7,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "code"], aliases=["Tên", "Mã"]),
        popup=folium.GeoJsonPopup(fields=["name", "score"]),
    ).add_to(m)
    # awesome-markers: marker sprites, a Font Awesome glyph and a Bootstrap 3 glyphicon
    folium.Marker([21.185, 106.14], icon=folium.Icon(color="green", icon="house", prefix="fa")).add_to(m)
    folium.Marker([21.185, 106.26], icon=folium.Icon(color="red", icon="info-sign")).add_to(m)
    folium.LayerControl().add_to(m)
    m.fit_bounds([[21.17, 106.1], [21.28, 106.3]])
    return m


def build_full_map() -> folium.Map:
    """The map above plus the other parts we use: a Choropleth with its d3 legend."""
    m = build_map()
    folium.Choropleth(
        two_polygons(),
        data={NAMES[0]: 3, NAMES[1]: 7},
        key_on="feature.properties.name",
        fill_color="YlGn",
        legend_name="NTM criteria met",
        name="choropleth",
    ).add_to(m)
    return m


def _local_refs(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)


# ------------------------------------------------------------------ fast, no browser


def test_localized_map_html_has_no_external_urls():
    m = localize(build_full_map())
    html = m.get_root().render()
    assert external_urls(html) == []
    refs = _local_refs(html)
    assert f"{DEFAULT_STATIC_URL}/leaflet/1.9.3/leaflet.js" in refs
    assert f"{DEFAULT_STATIC_URL}/d3/3.5.5/d3.min.js" in refs  # added by branca at render
    for ref in refs:
        assert (STATIC / ref.removeprefix("/static/")).is_file(), ref


def test_render_offline_matches_localize_and_honours_static_url():
    html = render_offline(build_map(), "/assets/v1/")
    assert external_urls(html) == []
    assert '<script src="/assets/v1/leaflet/1.9.3/leaflet.js">' in html


def test_unlocalized_map_is_reported():
    html = build_map().get_root().render()
    urls = external_urls(html)
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in urls
    assert "https://code.jquery.com/jquery-3.7.1.min.js" in urls


def test_localize_leaves_folium_class_defaults_alone():
    before = list(folium.Map.default_js), list(folium.Map.default_css)
    localize(build_map(), "/x")
    assert (list(folium.Map.default_js), list(folium.Map.default_css)) == before


def test_localize_is_idempotent():
    m = build_map()
    localize(m)
    localize(m)
    assert external_urls(m.get_root().render()) == []


def test_tile_server_is_refused():
    with pytest.raises(OfflineAssetError, match="tile.openstreetmap.org"):
        localize(folium.Map())  # default OpenStreetMap tiles


def test_allowed_host_passes():
    m = folium.Map(tiles="http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", attr="local")
    localize(m, allowed_hosts=["127.0.0.1"])


def test_unvendored_plugin_is_refused_at_localize():
    from folium.plugins import Fullscreen

    m = folium.Map(tiles=None)
    Fullscreen().add_to(m)
    with pytest.raises(OfflineAssetError, match="Fullscreen"):
        localize(m)


def test_unvendored_plugin_added_after_localize_is_refused_at_render():
    from folium.plugins import Fullscreen

    m = localize(folium.Map(tiles=None))
    Fullscreen().add_to(m)
    with pytest.raises(OfflineAssetError, match="leaflet.fullscreen"):
        m.get_root().render()


def test_time_slider_choropleth_is_vendored():
    from folium.plugins import TimeSliderChoropleth

    m = folium.Map(tiles=None)
    TimeSliderChoropleth(
        two_polygons(),
        styledict={"0": {"1704067200": {"color": "#ff0000", "opacity": 1}}},
    ).add_to(m)
    html = render_offline(m)
    assert f"{DEFAULT_STATIC_URL}/d3/4.13.0/d3.min.js" in _local_refs(html)


def test_every_vendored_file_exists():
    for url, rel in VENDORED.items():
        assert (VENDOR / rel).is_file(), f"{url} -> {rel} missing"
    for pkg in {rel.split("/")[0] + "/" + rel.split("/")[1] for rel in VENDORED.values()}:
        assert list((VENDOR / pkg).glob("LICENSE*")), f"no LICENSE in {pkg}"
    assert (VENDOR / "README.md").is_file()


def test_vendored_css_references_resolve():
    """Every url() in vendored CSS exists, except font formats Chromium never picks over woff2."""
    for css in VENDOR.rglob("*.css"):
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", css.read_text("utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert "//" not in ref, f"{css}: absolute url {ref}"
            target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
            if target.suffix in {".ttf", ".eot", ".svg"} and target.with_suffix(".woff2").exists():
                continue
            assert target.is_file(), f"{css.relative_to(VENDOR)}: {ref} missing"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example.org/a.js"></script>', ["https://cdn.example.org/a.js"]),
        ('<link href="//cdn.example.org/a.css">', ["//cdn.example.org/a.css"]),
        (
            "<style>@font-face{src:url(//f.example.org/x.woff2)}</style>",
            ["//f.example.org/x.woff2"],
        ),
        ('{"u": "https:\\/\\/tiles.example.org\\/{z}"}', ["https://tiles.example.org/{z}"]),
        ('<script src="/static/vendor/a.js"></script><img src="images/x.png">', []),
        ('<svg xmlns="http://www.w3.org/2000/svg"></svg>', []),
        ("// just a comment //not-a-url\n", []),
        ('<a href="http://127.0.0.1:8000/x">', ["http://127.0.0.1:8000/x"]),
    ],
)
def test_external_urls(html, expected):
    assert external_urls(html) == expected


def test_external_urls_allowed_hosts():
    html = '<a href="http://127.0.0.1:8000/x"></a><a href="https://osm.org/">'
    assert external_urls(html, allowed_hosts=["127.0.0.1"]) == ["https://osm.org/"]


# ------------------------------------------------------------------ in Chromium


def make_app(html: str):
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, Response
    from fastapi.staticfiles import StaticFiles

    app = FastAPI()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return html

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    return app


@pytest.mark.browser
def test_map_renders_offline_in_chromium():
    html = render_offline(build_map())
    with browse(make_app(html), "/") as page:
        page.page.wait_for_selector("path.leaflet-interactive")
        page.page.wait_for_function("document.fonts.status === 'loaded'")

        assert page.errors == []
        assert page.offhost_requests() == []
        assert any(u.endswith("/static/vendor/leaflet/1.9.3/leaflet.js") for u in page.requests)
        assert page.evaluate("L.version") == "1.9.3"
        assert page.evaluate("typeof jQuery === 'function' && typeof bootstrap === 'object'")
        # every stylesheet loaded and came from this host
        sheets = page.evaluate("[...document.styleSheets].map(s => s.href).filter(Boolean)")
        assert sheets and all(s.startswith(page.base_url + "/static/vendor/") for s in sheets)

        assert page.page.locator("path.leaflet-interactive").count() == len(NAMES)
        # icon fonts and marker sprites came from the vendor folder and are in use
        assert page.evaluate("document.fonts.check('900 16px \\'Font Awesome 6 Free\\'')")
        assert page.evaluate("document.fonts.check('16px \\'Glyphicons Halflings\\'')")
        for asset in ("fa-solid-900.woff2", "glyphicons-halflings-regular.woff2", "markers-soft"):
            assert any(asset in u and u.startswith(page.base_url) for u in page.requests), asset

        for i, name in enumerate(NAMES):
            page.hover("path.leaflet-interactive", nth=i)
            tooltip = page.page.locator(".leaflet-tooltip", has_text=name)
            tooltip.wait_for(state="visible")
            assert name in tooltip.inner_text()
        page.screenshot(SCREENSHOT)

        assert page.errors == []
        assert page.offhost_requests() == []
    assert SCREENSHOT.stat().st_size > 5_000


@pytest.mark.browser
def test_browser_helper_records_requests_and_failures():
    """Self-check of tests/browser.py: a request it cannot serve is seen, not lost."""
    html = (
        "<!doctype html><title>t</title>"
        '<img src="http://127.0.0.2:9/missing.png">'
        "<script>console.error('boom')</script>"
    )
    with browse(make_app(html), "/") as page:
        assert page.evaluate("document.title") == "t"
        assert "http://127.0.0.2:9/missing.png" in page.requests
        assert any("boom" in e for e in page.errors)
        assert any("missing.png" in e for e in page.errors)
        assert page.offhost_requests() == []
