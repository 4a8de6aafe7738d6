"""A layer as GeoJSON bytes (RFC 7946), fast enough to answer a request without caching.

Coordinates are rounded to a number of decimals chosen for the zoom (:func:`precision_for_zoom`).
Rounding maps equal coordinates to equal coordinates, so shared edges of a coverage stay shared.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import orjson
import shapely

from geo_ntm.errors import InvalidParameterError

from ._frame import check_layer, json_default, property_columns
from .grid_cache import GridCache
from .tiles import MAX_ZOOM, TILE_SIZE

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
MAX_PRECISION = 7


def precision_for_zoom(zoom: int) -> int:
    """Decimals of a degree to keep at ``zoom``: the fewest whose step is ≤ ⅛ pixel (256-px tiles).

    A pixel spans ``360 / (256 * 2**zoom)`` degrees of longitude (a little less of latitude in
    Vietnam), so zooms 1–4 keep 2 decimals, 5–7 → 3 (~100 m), 8–10 → 4, 11–14 → 5 (~1 m),
    15–17 → 6, 18+ → 7 (~1 cm). A ¼-pixel step made 6 of the 356 communes of 2019 cross
    themselves or a neighbour at zoom 8; at ⅛ pixel one touches itself, none its neighbours.
    """
    if isinstance(zoom, bool) or not isinstance(zoom, (int, np.integer)) or not 0 <= zoom <= MAX_ZOOM:
        raise InvalidParameterError(f"zoom {zoom!r} is not a whole number in 0..{MAX_ZOOM}")
    pixel = 360 / (TILE_SIZE * 2**zoom)
    return min(MAX_PRECISION, max(0, math.ceil(-math.log10(pixel / 8))))


def feature_collection(
    gdf: gpd.GeoDataFrame,
    *,
    properties: Sequence[str] | None = None,
    precision: int = 6,
    bbox: bool = False,
    members: dict | None = None,
    grid_cache: GridCache | None = None,
) -> bytes:
    """A GeoJSON FeatureCollection of the layer, as UTF-8 bytes.

    Parameters
    ----------
    gdf : GeoDataFrame
        Layer in EPSG:4326 with a ``code`` column (the feature ``id``, as a string).
    properties : sequence of str, optional
        Columns to write as properties, in this order; all but the geometry by default.
        NaN, NaT and None become ``null``; dates and times ISO 8601 strings; numpy scalars
        and arrays plain numbers and lists.
    precision : int
        Decimals kept in coordinates (0..7); see :func:`precision_for_zoom`.
    bbox : bool
        Add the layer's ``bbox`` (``[minx, miny, maxx, maxy]``, rounded outwards).
    members : dict, optional
        Foreign members written before ``features`` (RFC 7946 §6.1), e.g. a ``note`` saying
        why the collection is empty.
    grid_cache : GridCache, optional
        Keeps the written geometries for the next call with the same shapes (a new data
        version changes the properties, not the outlines); only the properties are written then.

    Returns
    -------
    bytes
        Polygons as ``MultiPolygon`` with exterior rings anticlockwise (the right-hand rule of
        RFC 7946); features without geometry have ``"geometry": null``.
    """
    check_layer(gdf)
    if (
        isinstance(precision, bool)
        or not isinstance(precision, (int, np.integer))
        or not 0 <= precision <= MAX_PRECISION
    ):
        raise InvalidParameterError(f"precision {precision!r} is not a whole number in 0..{MAX_PRECISION}")
    columns = property_columns(gdf, properties)
    ids = [None if c is None or c != c else str(c) for c in gdf["code"].tolist()]
    values = [gdf[c].astype(object).tolist() for c in columns]
    rows = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)] if columns else [{} for _ in ids]
    geometries = _written(gdf, int(precision), grid_cache)
    features = [
        {"type": "Feature", "id": i, "properties": p, "geometry": g}
        for i, p, g in zip(ids, rows, geometries, strict=True)
    ]
    collection: dict = {"type": "FeatureCollection"}
    if bbox and len(gdf) and np.isfinite(gdf.total_bounds).all():
        step = 10.0**-precision
        lo, hi = np.floor(gdf.total_bounds / step) * step, np.ceil(gdf.total_bounds / step) * step
        collection["bbox"] = np.round([lo[0], lo[1], hi[2], hi[3]], precision).tolist()
    collection.update(members or {})
    collection["features"] = features
    return orjson.dumps(collection, default=json_default, option=_OPTIONS)


def _written(gdf: gpd.GeoDataFrame, precision: int, grid_cache: GridCache | None) -> list:
    """Each feature's geometry: a dict to write, or (with a cache) the JSON already written."""
    shapes = np.asarray(gdf.geometry.values, dtype=object)
    if grid_cache is None:
        return _geometries(shapes, precision)
    listed = list(shapes)
    key = ("geojson", precision, len(listed), id(listed[0]) if listed else None)
    found = grid_cache.get(key, listed)
    if found is None:
        written = [None if g is None else orjson.dumps(g, option=_OPTIONS) for g in _geometries(shapes, precision)]
        found = [None if w is None else orjson.Fragment(w) for w in written]
        grid_cache.put(key, listed, found, sum(len(w) for w in written if w is not None) + 64 * len(written))
    return found


def _geometries(geoms: np.ndarray, precision: int) -> list:
    """GeoJSON geometry objects (dicts whose coordinates are numpy arrays) or None."""
    out: list = [None] * len(geoms)
    present = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    if not len(present):
        return out
    rounded = _rounded(geoms[present], precision)
    kinds = set(shapely.get_type_id(rounded).tolist())
    if kinds <= {3, 6}:  # Polygon, MultiPolygon: one vectorised pass
        kind, coords, offsets = shapely.to_ragged_array(rounded)
        if kind == shapely.GeometryType.POLYGON:  # all single polygons: one part each
            offsets = (*offsets, np.arange(len(present) + 1))
        ring_ends, polygon_ends, part_ends = offsets
        rings = np.split(coords, ring_ends[1:-1])
        polygons = [rings[a:b] for a, b in zip(polygon_ends[:-1], polygon_ends[1:], strict=True)]
        for i, a, b in zip(present, part_ends[:-1], part_ends[1:], strict=True):
            out[i] = {"type": "MultiPolygon", "coordinates": polygons[a:b]}
        return out
    for i, geom in zip(present, rounded, strict=True):
        out[i] = geom.__geo_interface__
    return out


def _rounded(geoms: np.ndarray, precision: int) -> np.ndarray:
    """Coordinates rounded; polygons anticlockwise.

    Rounding moves a vertex shared by neighbours to the same place in each, so shared edges
    stay shared: no gaps, no overlaps. It is not snap-rounding: where a neck is narrower than
    the step, a ring can touch or cross itself (about 1 commune in 350 at the zoom's precision,
    well under a pixel; renderers fill it right). Making such a polygon valid would move its
    edges off its neighbours', so it is left as it is. A polygon that rounding would shrink to
    nothing is written unrounded, so that no unit disappears.
    """
    rounded = shapely.transform(geoms, lambda c: np.round(c, precision))
    polygonal = np.isin(shapely.get_type_id(rounded), [3, 6])
    if polygonal.any():
        vanished = polygonal & (shapely.area(rounded) == 0)
        rounded[vanished] = geoms[vanished]
        rounded[polygonal] = shapely.orient_polygons(rounded[polygonal], exterior_cw=False)
    return rounded
