"""One Mapbox Vector Tile (MVT 2.1) of a layer.

Geometry is projected to Web Mercator, clipped to the tile plus a buffer (so strokes do not stop
at tile edges) and snapped to the tile's integer grid with ``shapely.set_precision``, which keeps
polygons valid and drops those that collapse below one grid unit. For the best results at low
zooms pass a layer from :func:`geo_ntm.layers.simplify.simplify_for_zoom`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid

from geo_ntm.errors import InvalidParameterError

from ._frame import cell, check_layer, property_columns, text
from .tiles import check_tile, tile_bounds, web_mercator

EXTENT = 4096
BUFFER = 64
_INT64 = (-(2**63), 2**63 - 1)


def mvt_tile(
    gdf: gpd.GeoDataFrame,
    z: int,
    x: int,
    y: int,
    *,
    layer_name: str,
    properties: Sequence[str] | None = None,
    extent: int = EXTENT,
    buffer: int = BUFFER,
) -> bytes:
    """The features of ``gdf`` that touch tile ``z/x/y``, encoded as one MVT layer.

    Parameters
    ----------
    gdf : GeoDataFrame
        Layer in EPSG:4326 with a ``code`` column.
    z, x, y : int
        The tile (XYZ scheme).
    layer_name : str
        Name of the tile layer (what a style's ``source-layer`` names).
    properties : sequence of str, optional
        Columns kept as feature properties; all but the geometry by default. MVT has no null,
        so missing values (None, NaN) are left out of a feature; dates become ISO strings and
        lists/dicts JSON text.
    extent : int
        Grid size of the tile (4096).
    buffer : int
        Grid units kept beyond each edge (64, i.e. 4 pixels of a 256-px tile).

    Returns
    -------
    bytes
        The encoded tile, or ``b""`` when no feature touches it. A feature's ``id`` is its
        code as an integer when the code is all digits (MVT ids are unsigned integers; the
        ``code`` property keeps the leading zeros).
    """
    check_layer(gdf)
    check_tile(z, x, y)
    if not isinstance(layer_name, str) or not layer_name.strip():
        raise InvalidParameterError(f"layer_name must be a non-empty string, not {layer_name!r}")
    for name, value, low in (("extent", extent, 1), ("buffer", buffer, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= 65536:
            raise InvalidParameterError(f"{name} must be a whole number in {low}..65536, not {value!r}")
    columns = property_columns(gdf, properties)
    window = shapely.box(*tile_bounds(z, x, y, "EPSG:4326", margin=buffer / extent))
    rows = np.sort(gdf.sindex.query(window, predicate="intersects"))
    if not len(rows):
        return b""
    geoms = _tile_grid(gdf.geometry.values[rows], z, x, y, extent, buffer)
    codes = gdf["code"].iloc[rows].tolist()
    values = [gdf[c].iloc[rows].astype(object).tolist() for c in columns]
    features = []
    for k, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        props = {}
        for column, column_values in zip(columns, values, strict=True):
            value = _mvt_value(column_values[k])
            if value is not None:
                props[str(column)] = value
        feature = {"geometry": geom, "properties": props}
        code = codes[k]
        if isinstance(code, str) and code.isascii() and code.isdigit():
            feature["id"] = int(code)
        features.append(feature)
    if not features:
        return b""
    options = {"extents": int(extent), "y_coord_down": True, "on_invalid_geometry": on_invalid_geometry_make_valid}
    return mapbox_vector_tile.encode({"name": layer_name, "features": features}, default_options=options)


def _tile_grid(geoms, z: int, x: int, y: int, extent: int, buffer: int) -> np.ndarray:
    """Lon/lat geometries → integer tile grid coordinates (y down), clipped to tile + buffer."""
    minx, miny, maxx, maxy = tile_bounds(z, x, y, "EPSG:3857")
    sx, sy = extent / (maxx - minx), extent / (maxy - miny)
    grid = shapely.transform(
        web_mercator(geoms), lambda c: np.column_stack([(c[:, 0] - minx) * sx, (maxy - c[:, 1]) * sy])
    )
    clipped = shapely.clip_by_rect(grid, -buffer, -buffer, extent + buffer, extent + buffer)
    snapped = shapely.set_precision(clipped, 1.0)
    return np.array([_same_dimension(g, o) for g, o in zip(snapped, geoms, strict=True)], dtype=object)


def _same_dimension(geom, original):
    """Drop the lower-dimension leftovers (points, lines) that clipping a polygon can leave."""
    if geom is None or geom.geom_type != "GeometryCollection":
        return geom
    keep = shapely.get_dimensions(original)
    return shapely.union_all([g for g in geom.geoms if shapely.get_dimensions(g) == keep])


def _mvt_value(value):
    """A property value MVT can hold (str, int, float, bool), or None to leave it out."""
    value = cell(value)
    if value is None or isinstance(value, (str, bool, float)):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value <= _INT64[1] else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return text(value)
