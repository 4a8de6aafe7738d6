"""Make folium maps load every script, stylesheet, font and image from this app, never a CDN.

folium writes ``<script src=...>`` / ``<link href=...>`` tags for the CDN URLs listed in each
element's ``default_js`` / ``default_css`` (``folium.Map`` alone pulls Leaflet, jQuery,
Bootstrap 5, Leaflet.awesome-markers, Font Awesome, Glyphicons and a folium CSS file), and
a few elements add links while rendering (a branca colormap legend adds d3 v3). This module
maps each of those CDN URLs to a copy vendored under ``api/static/vendor/`` (see its
``README.md``), which the API serves at ``/static/vendor``.

Use::

    m = folium.Map(tiles=None, ...)          # no tile server: tiles would leave the host
    ...add layers...
    html = render_offline(m)                 # localize() + render + final check
    # or: localize(m); html = m.get_root().render()

- :func:`localize` rewrites the asset URLs of the map and of every element in it to
  ``static_url``, and installs a guard in the page ``<head>`` that rewrites links added later
  (at render time) the same way. Any asset that would still be fetched from another host
  raises :class:`OfflineAssetError` naming the element and the URL: at ``localize()`` time
  for what the map holds then, at render time for what was added afterwards.
- :func:`external_urls` lists the absolute URLs in rendered HTML whose host is not allowed;
  tests assert it is empty.

An unmapped CDN URL (a folium plugin not vendored yet, or a folium upgrade that changed a
URL) is an error on purpose: vendor the file, add it to :data:`VENDORED`, and the error goes.
This module imports folium/branca only; it knows nothing of HTTP frameworks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure, Link

from geo_ntm.errors import GeoNtmError

__all__ = [
    "DEFAULT_STATIC_URL",
    "VENDORED",
    "OfflineAssetError",
    "external_urls",
    "localize",
    "render_offline",
]

DEFAULT_STATIC_URL = "/static/vendor"

#: CDN URL that folium/branca write -> path of the vendored copy, relative to the vendor root.
VENDORED: dict[str, str] = {
    # folium.Map.default_js / default_css (folium 0.20)
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/1.9.3/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/1.9.3/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/3.7.1/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap/5.2.2/js/bootstrap.bundle.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap/5.2.2/css/bootstrap.min.css"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "bootstrap-glyphicons/3.4.1/css/bootstrap-glyphicons.css"
    ),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "fontawesome-free/6.2.0/css/all.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (  # noqa: E501
        "leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (  # noqa: E501
        "leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": (  # noqa: E501
        "leaflet.awesome.rotate/folium-0.20.0/leaflet.awesome.rotate.min.css"
    ),
    # branca.colormap legends (folium.Choropleth, StepColormap/LinearColormap.add_to(map))
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3/3.5.5/d3.min.js",
    # folium.plugins.TimeSliderChoropleth
    "https://d3js.org/d3.v4.min.js": "d3/4.13.0/d3.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js": ("moment/2.18.1/moment.min.js"),
    # same jQuery, other CDN (folium.plugins.TimestampedGeoJson)
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": ("jquery/3.7.1/jquery.min.js"),
}

# XML namespace names are identifiers that no browser fetches.
_NAMESPACE_URIS = frozenset(
    {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/2000/xmlns/",
        "http://www.w3.org/XML/1998/namespace",
        "http://www.w3.org/1998/Math/MathML",
    }
)

# http(s)://... anywhere (markup, inline JS/CSS, JSON; also JSON-escaped "https:\/\/").
_ABSOLUTE = re.compile(r"""\bhttps?:(?:\\?/){2}(?:\\/|[^\s"'<>`\\)])+""", re.IGNORECASE)
# Protocol-relative //host/... where a browser would load it: attributes, CSS url(), @import.
_PROTOCOL_RELATIVE = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|data|action|background)\s*=\s*["']?"""
    r"""|url\(\s*["']?|@import\s+["'])(//(?:\\/|[^\s"'<>`\\)])+)""",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\""
# Element attributes that hold a URL the page will fetch (tiles, overlays, icons, GeoJSON).
_URL_ATTRS = ("tiles", "url", "embed_link")


class OfflineAssetError(GeoNtmError, RuntimeError):
    """A map would load an asset from another host (a CDN, a tile server...).

    ``offending`` lists ``(where, url)`` pairs; the message names each and how to fix it.
    """

    def __init__(self, offending: Iterable[tuple[str, str]]):
        self.offending = list(offending)
        lines = "\n".join(f"  - {where}: {url}" for where, url in self.offending)
        super().__init__(
            "map would load assets from other hosts (no internet when served offline):\n"
            f"{lines}\n"
            "Fix: vendor the file under api/static/vendor/ and add its URL to "
            "geo_ntm.render.offline.VENDORED; for tile layers build the map with tiles=None "
            "or serve tiles from this app."
        )


def _host_allowed(url: str, allowed_hosts: Iterable[str]) -> bool:
    """True for relative URLs and absolute ones whose host is in ``allowed_hosts``."""
    url = url.strip()
    if url.lower().startswith(("data:", "blob:", "about:", "javascript:")):
        return True
    if not re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*:)?//", url):
        return True  # relative: same host as the page
    host = urlsplit(url.replace("\\/", "/")).hostname
    return host is not None and host.lower() in {h.lower() for h in allowed_hosts}


def external_urls(html: str, allowed_hosts: Iterable[str] = ()) -> list[str]:
    """Absolute URLs in ``html`` that point to a host other than the page's own.

    A relative URL (``/static/...``, ``images/x.png``) is same-host by construction, so it
    is never listed. An absolute one (``https://...``, ``//host/...`` in ``src``/``href``/
    CSS ``url()``) is listed unless its host is in ``allowed_hosts`` (empty by default:
    pages should link their own assets with relative URLs). XML namespace names such as
    ``http://www.w3.org/2000/svg`` are not fetched and are ignored. Order of first
    appearance, without duplicates.
    """
    allowed = [h.lower() for h in allowed_hosts]
    found: dict[str, None] = {}
    candidates = [m.group(0) for m in _ABSOLUTE.finditer(html)]
    candidates += [m.group(1) for m in _PROTOCOL_RELATIVE.finditer(html)]
    for raw in candidates:
        url = raw.replace("\\/", "/").rstrip(_TRAILING)
        if url in _NAMESPACE_URIS or urlsplit(url).hostname is None:
            continue
        if not _host_allowed(url, allowed):
            found.setdefault(url, None)
    return list(found)


def _walk(element: Element) -> Iterator[Element]:
    stack = [element]
    while stack:
        el = stack.pop()
        yield el
        stack.extend(reversed(list(el._children.values())))


def _describe(el: Element) -> str:
    return f"{type(el).__name__} {el.get_name()!r}"


class _Resolver:
    def __init__(self, static_url: str, allowed_hosts: Iterable[str]):
        self.static_url = static_url.rstrip("/")
        self.allowed_hosts = tuple(allowed_hosts)

    def __call__(self, url: str) -> str | None:
        """The local URL for ``url``, ``url`` itself if already on-host, None if off-host."""
        if url in VENDORED:
            return f"{self.static_url}/{VENDORED[url]}"
        if _host_allowed(url, self.allowed_hosts):
            return url
        return None


class _OfflineHead(Element):
    """Stands in for ``Figure.header``: rewrites links added at render time, then checks."""

    def __init__(self, original: Element, resolve: Callable[[str], str | None]):
        super().__init__()
        self._children = original._children
        self._parent = original._parent
        self._resolve = resolve

    def render(self, **kwargs) -> str:
        bad = []
        for name, child in self._children.items():
            if isinstance(child, Link):
                local = self._resolve(child.url)
                if local is None:
                    bad.append((f"<head> link {name!r} ({type(child).__name__})", child.url))
                else:
                    child.url = local
        if bad:
            raise OfflineAssetError(bad)
        html = super().render(**kwargs)
        leftover = external_urls(html, self._resolve.allowed_hosts)  # inline <style>/<script>
        if leftover:
            raise OfflineAssetError(("<head> inline markup", u) for u in leftover)
        return html


def localize(
    m: folium.Map,
    static_url: str = DEFAULT_STATIC_URL,
    *,
    allowed_hosts: Iterable[str] = (),
) -> folium.Map:
    """Point every asset of ``m`` at the vendored copies under ``static_url``; return ``m``.

    Rewrites ``default_js``/``default_css`` of ``m`` and of every element under it (as
    instance attributes: folium's class-level lists are left alone), and replaces the root
    figure's ``<head>`` with a guard that also rewrites links added while rendering (branca
    colormaps, elements added after this call) and raises :class:`OfflineAssetError` for any
    that stays off-host. Raises :class:`OfflineAssetError` now for every asset of the map
    that cannot be served locally: an unvendored CDN URL, or a tile layer, image overlay,
    icon or GeoJSON link on another host. Hosts in ``allowed_hosts`` count as local.
    Calling it again (e.g. with another ``static_url``) is harmless.
    """
    resolve = _Resolver(static_url, allowed_hosts)
    bad: list[tuple[str, str]] = []
    for el in _walk(m):
        bad += _localize_assets(el, resolve) + _offhost_links(el, resolve.allowed_hosts)
    figure = m.get_root()
    if isinstance(figure, Figure):
        bad += _guard_head(figure, resolve)
    if bad:
        raise OfflineAssetError(bad)
    return m


def _localize_assets(el, resolve: _Resolver) -> list[tuple[str, str]]:
    """Point ``el``'s scripts and styles at the vendored copies; the ones that cannot be, listed."""
    bad = []
    for attr in ("default_js", "default_css"):
        links = el.__dict__.get(attr, getattr(type(el), attr, None))
        if not links:
            continue
        new = []
        for name, url in links:
            local = resolve(url)
            if local is None:
                bad.append((f"{_describe(el)} {attr} {name!r}", url))
                local = url
            new.append((name, local))
        setattr(el, attr, new)  # instance attribute: never mutate the class's list
    return bad


def _offhost_links(el, allowed_hosts) -> list[tuple[str, str]]:
    """URLs of tiles, overlays, icons and GeoJSON of ``el`` that point to another host."""
    bad = []
    for attr in _URL_ATTRS:
        value = el.__dict__.get(attr)
        if isinstance(value, str) and not _host_allowed(value, allowed_hosts):
            bad.append((f"{_describe(el)} .{attr}", value))
    options = el.__dict__.get("options")
    for key, value in options.items() if isinstance(options, dict) else ():
        is_url = key.lower().replace("_", "").endswith("url") and isinstance(value, str)
        if is_url and not _host_allowed(value, allowed_hosts):
            bad.append((f"{_describe(el)} option {key!r}", value))
    return bad


def _guard_head(figure: Figure, resolve: _Resolver) -> list[tuple[str, str]]:
    """Rewrite links already in ``<head>`` and guard it against links added while rendering."""
    bad = []
    head = figure.header
    for name, child in head._children.items():  # links left by an earlier render
        if isinstance(child, Link):
            local = resolve(child.url)
            if local is None:
                bad.append((f"<head> link {name!r}", child.url))
            else:
                child.url = local
    if isinstance(head, _OfflineHead):
        head._resolve = resolve
    else:
        figure.header = _OfflineHead(head, resolve)
    return bad


def render_offline(
    m: folium.Map,
    static_url: str = DEFAULT_STATIC_URL,
    *,
    allowed_hosts: Iterable[str] = (),
) -> str:
    """``localize(m)``, render the whole page, and check it holds no off-host URL at all.

    Stricter than :func:`localize`: any absolute URL to another host anywhere in the page
    (a link in a tooltip or popup, an attribution link, a URL built into inline script)
    raises :class:`OfflineAssetError`.
    """
    localize(m, static_url, allowed_hosts=allowed_hosts)
    html = m.get_root().render()
    leftover = external_urls(html, allowed_hosts)
    if leftover:
        raise OfflineAssetError(("rendered page", u) for u in leftover)
    return html
