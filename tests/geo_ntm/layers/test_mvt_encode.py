"""Our MVT writer against the reference one (``mapbox_vector_tile``) and the specification's rules.

The reference encoder reads the same grid geometries and properties; both tiles are decoded and
compared feature by feature. The raw messages are then parsed with the specification's own
protobuf schema (shipped with ``mapbox_vector_tile``) to check what a decoder forgives:
winding order, no zero-length moves, command counts, version and extent.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pandas as pd
import pytest
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid
from mapbox_vector_tile.Mapbox import vector_tile_pb2

from geo_ntm.layers.grid_cache import GridCache
from geo_ntm.layers.mvt import EXTENT, _tile_grid, mvt_tile
from geo_ntm.layers.mvt_encode import varints, zigzag
from geo_ntm.layers.simplify import simplify_for_zoom
from geo_ntm.layers.tiles import tile_bounds, tiles_covering

from .conftest import BAC_GIANG


def reference(gdf: gpd.GeoDataFrame, z: int, x: int, y: int, columns: list[str]) -> bytes:
    """The tile as ``mapbox_vector_tile.encode`` writes it from the same grid geometries."""
    window = shapely.box(*tile_bounds(z, x, y, "EPSG:4326", margin=64 / EXTENT))
    rows = np.sort(gdf.sindex.query(window, predicate="intersects"))
    geoms = _tile_grid(gdf.geometry.values[rows], z, x, y, EXTENT, 64)
    features = []
    for k, geom in zip(rows, geoms, strict=True):
        if geom is None or geom.is_empty:
            continue
        props = {c: gdf[c].iloc[k] for c in columns if not pd.isna(gdf[c].iloc[k])}  # MVT has no null
        props = {c: v.item() if isinstance(v, np.generic) else v for c, v in props.items()}
        props = {c: v.isoformat() if isinstance(v, date) else v for c, v in props.items()}
        features.append({"geometry": geom, "properties": props, "id": int(gdf["code"].iloc[k])})
    options = {"extents": EXTENT, "y_coord_down": True, "on_invalid_geometry": on_invalid_geometry_make_valid}
    return mapbox_vector_tile.encode({"name": "t", "features": features}, default_options=options)


def decoded(tile: bytes) -> dict:
    layer = mapbox_vector_tile.decode(tile, default_options={"y_coord_down": True})["t"]
    return {f["id"]: (shapely.geometry.shape(f["geometry"]), f["properties"]) for f in layer["features"]}


def raw_rings(geometry: list[int]) -> list[tuple[int, np.ndarray]]:
    """Decode a polygon's command stream by the specification: (command counts checked) rings of points."""
    rings, at, cursor = [], 0, np.zeros(2, dtype=np.int64)
    while at < len(geometry):
        command, count = geometry[at] & 7, geometry[at] >> 3
        assert (command, count) == (1, 1), "a ring starts with MoveTo(1)"
        move = np.array(geometry[at + 1 : at + 3], dtype=np.int64)
        cursor = cursor + ((move >> 1) ^ -(move & 1))
        points = [cursor]
        command, count = geometry[at + 3] & 7, geometry[at + 3] >> 3
        assert command == 2 and count >= 2, "then LineTo with at least two points"
        deltas = np.array(geometry[at + 4 : at + 4 + 2 * count], dtype=np.int64).reshape(-1, 2)
        deltas = (deltas >> 1) ^ -(deltas & 1)
        assert (deltas != 0).any(axis=1).all(), "no zero-length LineTo (spec 4.3.3.2)"
        points.extend(cursor + np.cumsum(deltas, axis=0))
        cursor = points[-1]
        assert geometry[at + 4 + 2 * count] == (7 | 1 << 3), "each ring ends with ClosePath(1)"
        at += 5 + 2 * count
        ring = np.array(points)
        x, y = ring[:, 0], ring[:, 1]
        rings.append((int(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)), ring))
    return rings


@pytest.fixture(scope="module")
def layer(communes):
    frame = communes[["code", "name", "status", "geometry"]].copy()
    frame["rank"] = [len(c) % 3 - 1 for c in frame["name"]]  # negative, zero and positive integers
    frame["share"] = [int(c) % 7 / 7 for c in frame["code"]]
    frame["dbkk"] = [int(c) % 2 == 0 for c in frame["code"]]
    frame["signed"] = [date(2020, 1, 1 + int(c) % 28) for c in frame["code"]]
    return frame


COLUMNS = ["code", "name", "status", "rank", "share", "dbkk", "signed"]


@pytest.mark.parametrize("zoom", [7, 9, 11, 13])
def test_same_features_as_the_reference_encoder(layer, zoom):
    shapes = layer if zoom > 10 else layer.assign(geometry=simplify_for_zoom(layer, zoom).geometry.values)
    z, x, y = tiles_covering((*BAC_GIANG, *BAC_GIANG), zoom)[0]
    ours, theirs = (
        decoded(mvt_tile(shapes, z, x, y, layer_name="t", properties=COLUMNS)),
        decoded(reference(shapes, z, x, y, COLUMNS)),
    )
    assert ours.keys() == theirs.keys() and len(ours) > 3
    for fid, (geom, props) in ours.items():
        assert geom.equals(theirs[fid][0]), fid
        assert props == theirs[fid][1], fid


def test_raw_messages_follow_the_specification(layer):
    z, x, y = tiles_covering((*BAC_GIANG, *BAC_GIANG), 10)[0]
    tile = vector_tile_pb2.tile()
    tile.ParseFromString(mvt_tile(layer, z, x, y, layer_name="t", properties=COLUMNS))
    [parsed] = tile.layers
    assert (parsed.version, parsed.extent, parsed.name) == (2, 4096, "t")
    assert len(set(parsed.keys)) == len(parsed.keys) == len(COLUMNS)
    assert len({v.SerializeToString() for v in parsed.values}) == len(parsed.values), "each value written once"
    for feature in parsed.features:
        assert feature.type == vector_tile_pb2.tile.GeomType.Value("Polygon") and len(feature.tags) % 2 == 0
        rings = raw_rings(list(feature.geometry))
        assert rings[0][0] > 0, "the first ring is an exterior ring: positive area in tile coordinates"
        assert all(area != 0 for area, _ in rings)


def test_holes_and_wrong_winding_are_written_as_the_specification_says():
    """A square with a hole given with both rings wound the wrong way, and a two-part polygon."""
    lon, lat = 106.0, 21.0
    outer = [(lon, lat), (lon, lat + 0.1), (lon + 0.1, lat + 0.1), (lon + 0.1, lat)]  # clockwise on the map
    hole = [(lon + 0.03, lat + 0.03), (lon + 0.07, lat + 0.03), (lon + 0.07, lat + 0.07), (lon + 0.03, lat + 0.07)]
    far = shapely.box(lon + 0.12, lat, lon + 0.14, lat + 0.02)
    gdf = gpd.GeoDataFrame(
        {"code": ["1", "2"], "name": ["a", "b"]},
        geometry=[
            shapely.Polygon(outer, [hole]),
            shapely.MultiPolygon([shapely.box(lon, lat - 0.05, lon + 0.02, lat - 0.03), far]),
        ],
        crs=4326,
    )
    z, x, y = tiles_covering((lon + 0.05, lat + 0.05, lon + 0.05, lat + 0.05), 9)[0]
    tile = vector_tile_pb2.tile()
    tile.ParseFromString(mvt_tile(gdf, z, x, y, layer_name="t"))
    areas = {f.id: [a for a, _ in raw_rings(list(f.geometry))] for f in tile.layers[0].features}
    assert [a > 0 for a in areas[1]] == [True, False], "exterior positive, hole negative"
    assert [a > 0 for a in areas[2]] == [True, True], "two exteriors"
    assert decoded(mvt_tile(gdf, z, x, y, layer_name="t"))[1][0].equals(
        decoded(reference(gdf, z, x, y, ["code", "name"]))[1][0]
    )


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 16_383, 16_384, 2**31, 2**62])
def test_varints_are_protobuf_varints(value):
    message = vector_tile_pb2.tile.value()
    message.uint_value = value
    assert b"\x28" + varints(np.array([value])) == message.SerializeToString()


def test_zigzag():
    assert zigzag(np.array([0, -1, 1, -2, 2, -(2**31)])).tolist() == [0, 1, 2, 3, 4, 2**32 - 1]


def test_the_grid_cache_keeps_outlines_across_data_versions_and_only_for_the_same_shapes(layer, monkeypatch):
    """A new status on the same shapes reuses the outlines and shows the new status; new shapes are redone."""
    import geo_ntm.layers.mvt as mvt

    made = []
    real = mvt._tile_grid
    monkeypatch.setattr(mvt, "_tile_grid", lambda *a: made.append(1) or real(*a))
    z, x, y = tiles_covering((*BAC_GIANG, *BAC_GIANG), 10)[0]
    cache = GridCache()
    first = decoded(mvt_tile(layer, z, x, y, layer_name="t", properties=COLUMNS, grid_cache=cache))
    changed = layer.assign(status="kieu_mau")  # a new data version: same shape objects, new properties
    second = decoded(mvt_tile(changed, z, x, y, layer_name="t", properties=COLUMNS, grid_cache=cache))
    assert len(made) == 1 and {p["status"] for _, p in second.values()} == {"kieu_mau"}
    assert all(second[k][0].equals(first[k][0]) for k in first)
    moved = layer.assign(geometry=layer.geometry.translate(0.001, 0))  # other shapes: never the old outlines
    third = decoded(mvt_tile(moved, z, x, y, layer_name="t", properties=COLUMNS, grid_cache=cache))
    assert len(made) == 2 and any(not third[k][0].equals(first[k][0]) for k in first if k in third)
    tiny = GridCache(max_bytes=1)
    several = tiles_covering((106.1, 21.2, 106.3, 21.4), 11)[:3]
    for zz, xx, yy in several:
        mvt_tile(layer, zz, xx, yy, layer_name="t", grid_cache=tiny)
    assert len(several) == 3 and list(tiny._entries) == [
        ("mvt", *several[-1], 4096, 64)
    ]  # bounded: the oldest go first, the newest stays
