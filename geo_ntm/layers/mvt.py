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
import numpy as np
import shapely

from geo_ntm.errors import InvalidParameterError

from ._frame import cell, check_layer, property_columns, text
from .grid_cache import GridCache
from .mvt_encode import feature_message, geometries, layer_message, value_message, varint
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
    grid_cache: GridCache | None = None,
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
    grid_cache : GridCache, optional
        Keeps the tile's encoded geometries for the next call with the same shapes (a new
        data version changes the properties, not the outlines).

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
    shapes = list(gdf.geometry.values[rows])
    key = ("mvt", z, x, y, extent, buffer)
    encoded = grid_cache.get(key, shapes) if grid_cache is not None else None
    if encoded is None:
        encoded = geometries(_tile_grid(np.array(shapes, dtype=object), z, x, y, extent, buffer))
        if grid_cache is not None:
            grid_cache.put(key, shapes, encoded, sum(len(g) for g, _ in encoded) + 64 * len(encoded))
    tags = _tags(gdf, rows, columns)
    features = []
    codes = gdf["code"].iloc[rows].tolist()
    for (geometry, kind), code, packed in zip(encoded, codes, tags.rows(), strict=True):
        if geometry:
            digits = isinstance(code, str) and code.isascii() and code.isdigit()
            features.append(feature_message(geometry, kind, packed, int(code) if digits else None))
    if not features:
        return b""
    return layer_message(layer_name, features, tags.keys, tags.values, int(extent))


class _Tags:
    """Each feature's packed tags, with the layer's key and value tables (each value written once)."""

    def __init__(self, n: int, columns: list) -> None:
        self.keys = [str(c) for c in columns]
        self.values: list[bytes] = []
        self._index: dict = {}
        self.cells = np.empty((n, len(columns)), dtype=object)

    def pair(self, key: bytes, value) -> bytes:
        value = _mvt_value(value)
        if value is None:
            return b""
        found = self._index.get((type(value), value))
        if found is None:
            found = self._index[(type(value), value)] = varint(len(self.values))
            self.values.append(value_message(value))
        return key + found

    def rows(self) -> list[bytes]:
        return [b"".join(row) for row in self.cells.tolist()]


def _tags(gdf: gpd.GeoDataFrame, rows: np.ndarray, columns: list) -> _Tags:
    tags = _Tags(len(rows), columns)
    for j, column in enumerate(columns):
        key, memo, out = varint(j), {}, []
        for value in gdf[column].iloc[rows].astype(object).tolist():
            try:
                out.append(memo[(type(value), value)])
            except KeyError:
                out.append(memo.setdefault((type(value), value), tags.pair(key, value)))
            except TypeError:  # a list or dict cell: not hashable
                out.append(tags.pair(key, value))
        tags.cells[:, j] = out
    return tags


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
