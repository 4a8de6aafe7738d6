"""Simplified copies of a layer for each zoom band, with shared edges kept identical.

Simplification is done on the coverage as a whole (``shapely.coverage_simplify``), so two
neighbours lose the same vertices of their common edge: no slivers, no gaps, and no polygon is
dropped (the simplest a polygon gets is a triangle).

Zooms are grouped in bands; all zooms of a band share one simplified copy, made with the
tolerance of the band's highest zoom, so a caller caches one copy per ``zoom_band(zoom)``:

=========  ===============  =========================================
band       zooms            tolerance (half a pixel at zoom …)
=========  ===============  =========================================
5          0–5              5  (~2.3 km at 21°N)
6          6                6  (~1.1 km): the whole country's communes at a glance
7          7                7  (~570 m)
9          8–9              9  (~140 m)
11         10–11            11 (~36 m)
12         12               12 (~18 m)
13         13–22            none: full detail
=========  ===============  =========================================
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

from geo_ntm.errors import GeometryError, InvalidParameterError

from ._frame import check_layer
from .tiles import EARTH_RADIUS, MAX_LATITUDE, MAX_ZOOM, ground_resolution

#: From this zoom on, layers are drawn at full detail.
FULL_DETAIL_ZOOM = 13
#: Highest zoom of each band; a band runs from the previous one's top + 1.
BAND_TOPS = (5, 6, 7, 9, 11, 12, FULL_DETAIL_ZOOM)
#: Tolerance in pixels of a 256-px tile (the square root of the largest triangle area removed).
TOLERANCE_PX = 0.5
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS / 180


def zoom_band(zoom: int) -> int:
    """The band of ``zoom``: the highest zoom of its band (13 means full detail).

    ``simplify_for_zoom(gdf, z)`` is the same for every ``z`` with the same band, so cache by it.
    """
    if isinstance(zoom, bool) or not isinstance(zoom, (int, np.integer)) or not 0 <= zoom <= MAX_ZOOM:
        raise InvalidParameterError(f"zoom {zoom!r} is not a whole number in 0..{MAX_ZOOM}")
    return next(top for top in BAND_TOPS if min(zoom, FULL_DETAIL_ZOOM) <= top)


def tolerance_for_zoom(zoom: int, latitude: float) -> float:
    """Simplification tolerance in degrees for ``zoom`` (its band's top) at ``latitude``; 0 at full detail.

    Half a pixel of a 256-px Web Mercator tile: ``0.5 * ground_resolution(band, latitude)`` metres,
    divided by the metres in a degree of the Web Mercator sphere. That is half a pixel along a
    meridian (the shorter side of a pixel in degrees), so also at most half a pixel across.
    coverage_simplify (Visvalingam–Whyatt) reads it as the square root of the largest triangle
    area it removes: spikes narrower than a pixel can go, so the largest displacement seen on
    the Bắc Giang communes is about 1.3 px, most vertices move far less.
    """
    band = zoom_band(zoom)
    if band >= FULL_DETAIL_ZOOM:
        return 0.0
    latitude = min(abs(latitude), MAX_LATITUDE)
    return TOLERANCE_PX * ground_resolution(band, latitude) / _METRES_PER_DEGREE


def simplify_for_zoom(gdf: gpd.GeoDataFrame, zoom: int) -> gpd.GeoDataFrame:
    """A copy of the layer simplified for display at ``zoom``, still a clean coverage.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in EPSG:4326 forming a clean coverage (no overlaps; shared edges with the
        same vertices), as ``Atlas.units_on`` returns. Rows without geometry are kept as they are.
    zoom : int
        Web Mercator zoom, 0..22. The tolerance is that of the zoom's band (see
        :func:`tolerance_for_zoom`), at the latitude of the layer's edge farthest from the
        equator, so it is at most half a pixel anywhere in the layer.

    Returns
    -------
    GeoDataFrame
        Same rows, columns and index; every polygon simplified, none dropped. From
        :data:`FULL_DETAIL_ZOOM` on, an unchanged copy.

    Raises
    ------
    GeometryError
        If the polygons do not form a clean coverage: clean them first, e.g. with
        ``shapely.coverage_clean`` (which also closes narrow gaps).
    """
    check_layer(gdf, columns=())
    out = gdf.copy()
    tolerance = tolerance_for_zoom(zoom, _edge_latitude(gdf))
    if tolerance == 0.0 or gdf.empty:
        return out
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kinds = set(shapely.get_type_id(geoms[present]).tolist())
    if not kinds <= {3, 6}:
        raise GeometryError(
            "only polygons can be simplified as a coverage; the layer holds geometry types "
            f"{sorted(shapely.GeometryType(k).name for k in kinds)}"
        )
    if not shapely.coverage_is_valid(geoms[present]):
        bad = int((~shapely.is_empty(shapely.coverage_invalid_edges(geoms[present]))).sum())
        raise GeometryError(
            f"the layer is not a clean coverage ({bad} polygon(s) overlap a neighbour or do "
            "not share its edge vertices); clean it first, e.g. with shapely.coverage_clean"
        )
    simplified = geoms.copy()
    simplified[present] = shapely.coverage_simplify(geoms[present], tolerance)
    out[gdf.geometry.name] = gpd.GeoSeries(simplified, index=gdf.index, crs=gdf.crs)
    return out


def _edge_latitude(gdf: gpd.GeoDataFrame) -> float:
    """Latitude of the layer's edge farthest from the equator (0 for an empty layer)."""
    _, miny, _, maxy = gdf.total_bounds if len(gdf) else (0.0, 0.0, 0.0, 0.0)
    edge = max(abs(miny), abs(maxy))
    return float(edge) if math.isfinite(edge) else 0.0
