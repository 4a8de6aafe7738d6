"""Tile math of the XYZ scheme (Web Mercator, EPSG:3857; ``y`` counted from the north; morecantile) and checks.

>>> tile_bounds(0, 0, 0, crs="EPSG:4326")          # doctest: +ELLIPSIS
(-180.0, -85.0511287798..., 180.0, 85.0511287798...)
>>> parse_bbox("105.9,20.9,107.1,21.7")
(105.9, 20.9, 107.1, 21.7)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import morecantile
import numpy as np
import shapely

from geo_ntm.errors import InvalidParameterError

EARTH_RADIUS = 6378137.0
#: Half the width of the Web Mercator square, in metres.
ORIGIN_SHIFT = math.pi * EARTH_RADIUS
#: Latitude of the top and bottom edges of zoom 0 (the square's edge).
MAX_LATITUDE = math.degrees(math.atan(math.sinh(math.pi)))
MAX_ZOOM = 22
#: The XYZ grid of web maps (OGC TileMatrixSet WebMercatorQuad), from morecantile.
GRID = morecantile.tms.get("WebMercatorQuad")
TILE_SIZE = 256
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def check_tile(z: int, x: int, y: int, *, min_zoom: int = 0, max_zoom: int = MAX_ZOOM) -> None:
    """Raise :class:`InvalidParameterError` unless ``z/x/y`` names a tile between the zooms.

    ``x`` and ``y`` must be in ``0 .. 2**z - 1``; the message names that range for ``z``.
    """
    for name, value in (("z", z), ("x", x), ("y", y)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise InvalidParameterError(f"tile {name} must be a whole number, not {value!r}")
    if not min_zoom <= z <= max_zoom:
        raise InvalidParameterError(f"zoom {z} is outside the allowed zooms {min_zoom}..{max_zoom}")
    top = 2**z - 1
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value <= top:
            raise InvalidParameterError(f"tile {name}={value} is outside 0..{top}, the allowed range at zoom {z}")


def tile_bounds(
    z: int, x: int, y: int, crs: str = "EPSG:3857", *, margin: float = 0.0
) -> tuple[float, float, float, float]:
    """Bounds ``(minx, miny, maxx, maxy)`` of tile ``z/x/y`` (morecantile's WebMercatorQuad grid).

    Parameters
    ----------
    z, x, y : int
        The tile (XYZ scheme: ``y = 0`` is the northernmost row).
    crs : {"EPSG:3857", "EPSG:4326"}
        Web Mercator metres, or longitude/latitude degrees.
    margin : float
        Fraction of the tile's width added on every side (``64 / 4096`` for an MVT buffer).
    """
    check_tile(z, x, y)
    if crs not in ("EPSG:3857", "EPSG:4326"):
        raise InvalidParameterError(f"crs {crs!r} is not one of ['EPSG:3857', 'EPSG:4326']")
    west, south, east, north = GRID.xy_bounds(x, y, z)
    pad = (east - west) * margin
    west, south, east, north = west - pad, south - pad, east + pad, north + pad
    if crs == "EPSG:3857":
        return west, south, east, north
    (lon0, lat0), (lon1, lat1) = GRID.lnglat(west, south, truncate=False), GRID.lnglat(east, north, truncate=False)
    return lon0, lat0, lon1, lat1


def ground_resolution(zoom: float, latitude: float, tile_size: int = TILE_SIZE) -> float:
    """Metres on the ground per pixel of a Web Mercator tile at ``zoom`` and ``latitude``."""
    return 2 * ORIGIN_SHIFT * math.cos(math.radians(latitude)) / (tile_size * 2**zoom)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"minx,miny,maxx,maxy"`` in degrees → four floats, or a clear :class:`InvalidParameterError`.

    Longitudes must lie in -180..180 and latitudes in -90..90, with min ≤ max (boxes across the
    antimeridian are not supported); every part must be a finite decimal number.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise InvalidParameterError(
            f"bbox {text!r} has {len(parts)} part(s); write four numbers minx,miny,maxx,maxy "
            "(degrees of longitude and latitude), e.g. 105.9,20.9,107.1,21.7"
        )
    values = []
    for name, part in zip(("minx", "miny", "maxx", "maxy"), parts, strict=True):
        if part.lower() in _NON_FINITE:
            raise InvalidParameterError(f"bbox {name} is {part!r}; it must be a finite number of degrees")
        if not _NUMBER.fullmatch(part):
            raise InvalidParameterError(
                f"bbox {name} {part!r} is not a number; write decimal degrees with a point, e.g. 106.2"
            )
        values.append(float(part))
    return check_bbox(values)


def check_bbox(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    """The four bounds as floats, after checking ranges and order (see :func:`parse_bbox`)."""
    if len(bounds) != 4:
        raise InvalidParameterError(f"bounds must be four numbers minx, miny, maxx, maxy, not {bounds!r}")
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    for name, value, limit in (("minx", minx, 180), ("miny", miny, 90), ("maxx", maxx, 180), ("maxy", maxy, 90)):
        if not math.isfinite(value):
            raise InvalidParameterError(f"bbox {name} is {value}; it must be a finite number of degrees")
        if not -limit <= value <= limit:
            what = "longitude" if limit == 180 else "latitude"
            raise InvalidParameterError(f"bbox {name}={value:g} is outside -{limit}..{limit}, the range of {what}")
    if minx > maxx:
        raise InvalidParameterError(
            f"bbox minx={minx:g} is greater than maxx={maxx:g}; write west before east "
            "(boxes across the antimeridian are not supported)"
        )
    if miny > maxy:
        raise InvalidParameterError(f"bbox miny={miny:g} is greater than maxy={maxy:g}; write south before north")
    return minx, miny, maxx, maxy


def tiles_covering(bounds: Sequence[float], z: int, *, max_tiles: int = 65536) -> list[tuple[int, int, int]]:
    """Tiles ``(z, x, y)`` of zoom ``z`` that cover ``bounds`` (lon/lat degrees), row by row.

    A bound on a tile edge does not pull in the neighbouring tile. Latitudes are clamped to the
    Web Mercator square (±85.0511°). More than ``max_tiles`` tiles raise InvalidParameterError.
    """
    minx, miny, maxx, maxy = check_bbox(bounds)
    check_tile(z, 0, 0)
    n = 2**z
    fx0, fx1 = (minx + 180) / 360 * n, (maxx + 180) / 360 * n
    fy0, fy1 = _tile_row(maxy, n), _tile_row(miny, n)
    xs = _span(fx0, fx1, n)
    ys = _span(fy0, fy1, n)
    count = len(xs) * len(ys)
    if count > max_tiles:
        raise InvalidParameterError(
            f"bbox covers {count} tiles at zoom {z}; at most {max_tiles} are allowed: "
            "use a lower zoom or a smaller bbox"
        )
    return [(z, tx, ty) for ty in ys for tx in xs]


def _tile_row(lat: float, n: int) -> float:
    lat = math.radians(max(-MAX_LATITUDE, min(MAX_LATITUDE, lat)))
    return (1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * n


def _span(lo: float, hi: float, n: int) -> range:
    first = min(max(math.floor(lo), 0), n - 1)
    last = min(max(math.ceil(hi) - 1, first), n - 1)
    return range(first, last + 1)


def web_mercator(geometries) -> np.ndarray:
    """Geometries in lon/lat degrees → EPSG:3857 metres (spherical formulas, latitudes clamped)."""

    def forward(coords: np.ndarray) -> np.ndarray:
        lon, lat = coords[:, 0], np.clip(coords[:, 1], -MAX_LATITUDE, MAX_LATITUDE)
        x = np.radians(lon) * EARTH_RADIUS
        y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geometries, dtype=object), forward)
