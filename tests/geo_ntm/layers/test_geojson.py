from __future__ import annotations

import io
import json

import geopandas as gpd
import jsonschema
import numpy as np
import pandas as pd
import pytest
import shapely

from geo_ntm.errors import CRSError, InvalidParameterError
from geo_ntm.layers.geojson import feature_collection, precision_for_zoom
from geo_ntm.layers.simplify import simplify_for_zoom

POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
RING = {"type": "array", "minItems": 4, "items": POSITION}
SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "bbox": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "properties", "geometry"],
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": "string"},
                    "properties": {"type": "object"},
                    "geometry": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["type", "coordinates"],
                                "properties": {
                                    "type": {"const": "MultiPolygon"},
                                    "coordinates": {
                                        "type": "array",
                                        "minItems": 1,
                                        "items": {"type": "array", "minItems": 1, "items": RING},
                                    },
                                },
                            },
                        ]
                    },
                },
            },
        },
    },
}


@pytest.mark.parametrize(
    ("zoom", "decimals"),
    [(0, 1), (1, 2), (4, 2), (5, 3), (7, 3), (8, 4), (10, 4), (11, 5), (14, 5), (15, 6), (17, 6), (18, 7), (22, 7)],
)
def test_precision_for_zoom(zoom, decimals):
    assert precision_for_zoom(zoom) == decimals
    pixel_degrees = 360 / (256 * 2**zoom)
    assert 10.0**-decimals <= pixel_degrees / 8 < 10.0 ** -(decimals - 1) or decimals == 7


@pytest.mark.parametrize("zoom", [-1, 23, 1.5, None])
def test_precision_for_zoom_rejects(zoom):
    with pytest.raises(InvalidParameterError, match=r"0\.\.22"):
        precision_for_zoom(zoom)


@pytest.mark.parametrize("zoom", [8, 10, 12])
def test_commune_layer_is_valid_geojson_and_round_trips(communes, zoom):
    layer = simplify_for_zoom(communes, zoom)
    precision = precision_for_zoom(zoom)
    body = feature_collection(layer, precision=precision)
    doc = json.loads(body)
    jsonschema.validate(doc, SCHEMA)
    assert [f["id"] for f in doc["features"]] == list(communes["code"])
    coords = np.array(
        [p for f in doc["features"] for part in f["geometry"]["coordinates"] for ring in part for p in ring]
    )
    np.testing.assert_array_equal(coords, np.round(coords, precision))  # no more decimals than asked for
    back = gpd.read_file(io.BytesIO(body))
    assert list(back["code"]) == list(communes["code"])
    assert back["status"].fillna("-").tolist() == communes["status"].fillna("-").tolist()
    moved = shapely.hausdorff_distance(back.geometry.values, layer.geometry.values)
    assert (moved <= 10.0**-precision).all()
    assert shapely.is_valid(back.geometry.values).mean() > 0.99  # a narrow neck may touch itself
    assert shapely.coverage_is_valid(back.geometry.values)  # rounding kept shared edges shared


def test_rounding_never_loses_a_polygon():
    speck = shapely.box(105.00001, 21.00001, 105.00005, 21.00005)  # 4 m wide: nothing at 4 decimals
    layer = gpd.GeoDataFrame({"code": ["1"]}, geometry=[speck], crs=4326)
    back = gpd.read_file(io.BytesIO(feature_collection(layer, precision=4)))
    assert back.geometry.values[0].equals(speck)


def test_exterior_rings_follow_the_right_hand_rule(communes):
    doc = json.loads(feature_collection(communes.head(20)))
    for feature in doc["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            assert shapely.LinearRing(polygon[0]).is_ccw
            assert all(not shapely.LinearRing(hole).is_ccw for hole in polygon[1:])


def test_properties_are_converted(squares):
    squares["count64"] = np.array([1, 2, 3, 4], dtype=np.int64)
    squares["ratio32"] = np.array([0.5, 1.5, np.nan, 2.0], dtype=np.float32)
    squares["seen"] = pd.to_datetime(["2020-01-01", None, "2021-02-01 10:30", "2022-03-04"], format="ISO8601")
    doc = json.loads(feature_collection(squares))
    first, second, third, _ = (f["properties"] for f in doc["features"])
    assert first == {
        "code": "90001",
        "name": "Xã An",
        "status": "dat_chuan",
        "villages": 7,
        "share": 0.5,
        "valid_from": "2020-01-01",
        "tags": ["a", "b"],
        "flag": True,
        "count64": 1,
        "ratio32": 0.5,
        "seen": "2020-01-01T00:00:00",
    }
    assert second["name"] == "<script>alert(1)</script>" and second["share"] is None
    assert second["tags"] == {"k": 1} and second["seen"] is None
    assert third["status"] is None and third["valid_from"] is None and third["ratio32"] is None
    assert third["name"].startswith("=HYPERLINK(")  # GeoJSON is data: nothing to neutralise
    assert [f["id"] for f in doc["features"]] == ["90001", "90002", "90003", "90004"]


def test_chosen_properties_in_order_and_bbox(squares):
    doc = json.loads(feature_collection(squares, properties=["status", "name"], precision=3, bbox=True))
    assert list(doc["features"][0]["properties"]) == ["status", "name"]
    assert doc["bbox"] == [105.0, 21.0, 105.02, 21.02]
    assert list(doc) == ["type", "bbox", "features"]


def test_no_properties(squares):
    doc = json.loads(feature_collection(squares, properties=[]))
    assert all(f["properties"] == {} for f in doc["features"])


def test_missing_and_empty_geometry_is_null(squares):
    squares.loc[0, "geometry"] = None
    squares.loc[1, "geometry"] = shapely.Polygon()
    doc = json.loads(feature_collection(squares))
    assert [f["geometry"] is None for f in doc["features"]] == [True, True, False, False]
    jsonschema.validate(doc, SCHEMA)


def test_lines_and_points_are_written_too(squares):
    squares.loc[0, "geometry"] = shapely.LineString([(105.0000004, 21), (105.01, 21.01)])
    squares.loc[1, "geometry"] = shapely.Point(105.005, 21.005)
    doc = json.loads(feature_collection(squares, precision=6))
    assert doc["features"][0]["geometry"] == {"type": "LineString", "coordinates": [[105.0, 21.0], [105.01, 21.01]]}
    assert doc["features"][1]["geometry"]["type"] == "Point"
    assert doc["features"][2]["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"properties": ["nope"]}, r"properties \['nope'\] are not columns of the layer; choose from"),
        ({"properties": "name"}, r"a list of column names"),
        ({"properties": ["geometry"]}, r"not columns"),
        ({"precision": 9}, r"precision 9 is not a whole number in 0\.\.7"),
        ({"precision": 2.5}, r"precision"),
    ],
)
def test_bad_arguments(squares, kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        feature_collection(squares, **kwargs)


def test_layer_contract(squares):
    with pytest.raises(InvalidParameterError, match=r"no column\(s\) \['code'\]"):
        feature_collection(squares.drop(columns="code"))
    with pytest.raises(CRSError, match="to_crs"):
        feature_collection(squares.to_crs(32648))
    with pytest.raises(InvalidParameterError, match="must be a GeoDataFrame"):
        feature_collection(pd.DataFrame(squares))


def test_written_geometries_are_reused_for_new_properties_on_the_same_shapes(communes, monkeypatch):
    """Byte for byte what a collection without the cache is; the geometries are written once."""
    import geo_ntm.layers.geojson as geojson
    from geo_ntm.layers.grid_cache import GridCache

    written = []
    real = geojson._geometries
    monkeypatch.setattr(geojson, "_geometries", lambda *a: written.append(1) or real(*a))
    cache = GridCache()
    first = feature_collection(communes, precision=4, grid_cache=cache)
    changed = communes.assign(status="kieu_mau")
    assert feature_collection(changed, precision=4, grid_cache=cache) == feature_collection(changed, precision=4)
    assert len(written) == 2  # once with the cache, once without it
    assert first == feature_collection(communes, precision=4)
    assert feature_collection(changed, precision=5, grid_cache=cache) == feature_collection(changed, precision=5)
