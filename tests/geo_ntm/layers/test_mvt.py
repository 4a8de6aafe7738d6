from __future__ import annotations

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pytest
import shapely

from geo_ntm.errors import CRSError, InvalidParameterError
from geo_ntm.layers.mvt import mvt_tile
from geo_ntm.layers.simplify import simplify_for_zoom
from geo_ntm.layers.tiles import tile_bounds, tiles_covering

from .conftest import BAC_GIANG


def _decode(tile: bytes) -> dict:
    return mapbox_vector_tile.decode(tile, default_options={"y_coord_down": True})


def _grid_coords(feature) -> np.ndarray:
    return shapely.get_coordinates(shapely.geometry.shape(feature["geometry"]))


def _tile_over(point, zoom):
    return tiles_covering((*point, *point), zoom)[0]


@pytest.mark.parametrize("zoom", [8, 10, 12])
def test_commune_tile_over_bac_giang(communes, zoom):
    z, x, y = _tile_over(BAC_GIANG, zoom)
    layer = simplify_for_zoom(communes, zoom)
    tile = mvt_tile(layer, z, x, y, layer_name="communes", properties=["code", "name", "status"])
    decoded = _decode(tile)
    assert list(decoded) == ["communes"]
    features = decoded["communes"]["features"]
    assert decoded["communes"]["extent"] == 4096 and features
    by_code = communes.set_index("code")
    for feature in features:
        props = feature["properties"]
        code = props["code"]
        assert feature["id"] == int(code)
        assert props["name"] == by_code.loc[code, "name"]
        status = by_code.loc[code, "status"]
        assert props.get("status") == (None if not isinstance(status, str) else status)
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        coords = _grid_coords(feature)
        assert coords.min() >= -64 and coords.max() <= 4096 + 64
    # the unit under the point is in the tile
    here = communes[communes.contains(shapely.Point(BAC_GIANG))]["code"].item()
    assert here in {f["properties"]["code"] for f in features}


def test_tile_geometry_lies_where_the_unit_is(squares):
    # the tile (2.4 km wide at zoom 14) holding the corner that all four squares share
    z, x, y = _tile_over((105.01, 21.01), 14)
    decoded = _decode(mvt_tile(squares, z, x, y, layer_name="units"))
    features = {f["properties"]["code"]: f for f in decoded["units"]["features"]}
    assert set(features) == {"90001", "90002", "90003", "90004"}
    # the point (105.01, 21.01) is a corner shared by all four: each square has a vertex there
    corners = [set(map(tuple, _grid_coords(f).astype(int).tolist())) for f in features.values()]
    assert set.intersection(*corners)


def test_properties_are_kept_and_missing_ones_left_out(squares):
    z, x, y = _tile_over((105.01, 21.01), 12)
    features = _decode(mvt_tile(squares, z, x, y, layer_name="units"))["units"]["features"]
    props = {f["properties"]["code"]: f["properties"] for f in features}
    assert props["90001"] == {
        "code": "90001",
        "name": "Xã An",
        "status": "dat_chuan",
        "villages": 7,
        "share": 0.5,
        "valid_from": "2020-01-01",
        "tags": '["a","b"]',
        "flag": True,
    }
    assert props["90002"]["name"] == "<script>alert(1)</script>"
    assert "share" not in props["90002"] and props["90002"]["tags"] == '{"k":1}'
    assert "status" not in props["90003"] and "valid_from" not in props["90003"]
    assert props["90003"]["villages"] == -3 and props["90003"]["share"] == -1.25
    assert props["90004"]["flag"] is False


def test_equal_values_of_other_kinds_stay_apart(squares):
    """True == 1 == 1.0 in Python: each keeps its kind, and a text "1" in another column is text."""
    layer = squares.assign(mixed=[True, 1, 1.0, None], text=["1", "1", "True", "x"])
    z, x, y = _tile_over((105.01, 21.01), 12)
    features = _decode(mvt_tile(layer, z, x, y, layer_name="units"))["units"]["features"]
    props = {f["properties"]["code"]: f["properties"] for f in features}
    got = [props[c].get("mixed", "left out") for c in ("90001", "90002", "90003", "90004")]
    assert got == [True, 1, 1.0, "left out"]
    assert [type(v) for v in got[:3]] == [bool, int, float]
    assert [props[c]["text"] for c in ("90001", "90002", "90003")] == ["1", "1", "True"]


def test_tile_without_features_is_empty_bytes(squares, communes):
    assert mvt_tile(squares, 10, 0, 0, layer_name="units") == b""
    assert mvt_tile(communes, 12, 3000, 1700, layer_name="communes") == b""


def test_buffer_keeps_features_just_outside_the_tile():
    z, x, y = 14, 13000, 7000
    west, south, east, north = tile_bounds(z, x, y, "EPSG:4326")
    width = east - west  # a square 0.2 %..1 % of a tile east of the tile: inside a 64/4096 buffer
    square = shapely.box(east + 0.002 * width, south + 0.4 * width, east + 0.01 * width, south + 0.5 * width)
    layer = gpd.GeoDataFrame({"code": ["1"]}, geometry=[square], crs=4326)
    assert mvt_tile(layer, z, x, y, layer_name="u", buffer=0) == b""
    (feature,) = _decode(mvt_tile(layer, z, x, y, layer_name="u"))["u"]["features"]
    xs = _grid_coords(feature)[:, 0]
    assert 4096 < xs.min() and xs.max() <= 4096 + 64


def test_non_digit_codes_get_no_id(squares):
    squares["code"] = ["A1", "A2", "A3", "A4"]
    z, x, y = _tile_over((105.01, 21.01), 12)
    features = _decode(mvt_tile(squares, z, x, y, layer_name="u"))["u"]["features"]
    assert all("id" not in f or f["id"] == 0 for f in features)
    assert {f["properties"]["code"] for f in features} == {"A1", "A2", "A3", "A4"}


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((12, 0, 4096), {"layer_name": "u"}, InvalidParameterError, r"tile y=4096 is outside 0\.\.4095"),
        ((12, 0, 0), {"layer_name": ""}, InvalidParameterError, "layer_name must be a non-empty string"),
        ((12, 0, 0), {"layer_name": "u", "properties": ["nope"]}, InvalidParameterError, "not columns"),
        ((12, 0, 0), {"layer_name": "u", "buffer": -1}, InvalidParameterError, r"buffer must be .* 0\.\.65536"),
    ],
)
def test_bad_arguments(squares, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        mvt_tile(squares, *args, **kwargs)


def test_layer_in_another_crs_is_refused(squares):
    with pytest.raises(CRSError):
        mvt_tile(squares.to_crs(3857), 12, 0, 0, layer_name="u")
