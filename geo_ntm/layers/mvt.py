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
import pandas as pd
import shapely

from geo_ntm.errors import InvalidParameterError

from ._frame import cell, check_layer, property_columns, text
from .grid_cache import GridCache
from .mvt_encode import feature_message, geometries, layer_message, packed_rows, value_message
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
        #: Index into ``values`` of each feature's value of each column; -1 where it is left out.
        self.cells = np.full((n, len(columns)), -1, dtype=np.int64)

    def value_index(self, value) -> int:
        """Where ``value`` is in the value table (added on first sight), or -1 if MVT leaves it out."""
        if type(value) is not str:  # text, most of the values, is what MVT holds already
            value = _mvt_value(value)
            if value is None:
                return -1
        found = self._index.get((type(value), value))
        if found is None:
            found = self._index[(type(value), value)] = len(self.values)
            self.values.append(_value_message(value))
        return found

    def rows(self) -> list[bytes]:
        return packed_rows(self.cells)


def _tags(gdf: gpd.GeoDataFrame, rows: np.ndarray, columns: list) -> _Tags:
    """The tags of the features ``rows``: a column's values are looked at once each, not once per feature.

    Values enter the table in the order they are first met, column by column (as a loop over the
    cells would add them); equal values of two columns share an entry.
    """
    tags = _Tags(len(rows), columns)
    for j, column in enumerate(columns):
        values = gdf[column].iloc[rows].astype(object).to_numpy()
        try:
            if len(set(map(type, values)) - {type(None)}) > 1:
                raise TypeError("True == 1 == 1.0: factorize would take values of other kinds for one")
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # lists or dicts (unhashable), or mixed kinds: each cell on its own
            codes, uniques = np.arange(len(values)), values
        table = np.array([tags.value_index(u) for u in uniques] + [-1], dtype=np.int64)
        tags.cells[:, j] = table[codes]  # code -1 (missing) takes the last entry, -1
    return tags


#: Encoded ``Tile.Value`` of the values met so far (names and codes recur in every tile of a region).
_VALUE_MESSAGES: dict = {}
_VALUE_MESSAGES_MAX = 400_000


def _value_message(value) -> bytes:
    key = (type(value), value)
    found = _VALUE_MESSAGES.get(key)
    if found is None:
        if len(_VALUE_MESSAGES) >= _VALUE_MESSAGES_MAX:
            _VALUE_MESSAGES.clear()
        found = _VALUE_MESSAGES[key] = value_message(value)
    return found


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
