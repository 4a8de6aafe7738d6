from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from geo_ntm.errors import InvalidParameterError
from geo_ntm.layers.tiles import (
    ORIGIN_SHIFT,
    check_bbox,
    check_tile,
    ground_resolution,
    parse_bbox,
    tile_bounds,
    tiles_covering,
    web_mercator,
)


def test_tile_bounds_of_the_world_and_a_tile_in_bac_giang():
    assert tile_bounds(0, 0, 0) == pytest.approx((-ORIGIN_SHIFT, -ORIGIN_SHIFT, ORIGIN_SHIFT, ORIGIN_SHIFT))
    west, south, east, north = tile_bounds(0, 0, 0, "EPSG:4326")
    assert (west, east) == (-180, 180) and north == pytest.approx(85.0511287798) and south == -north
    west, south, east, north = tile_bounds(10, 814, 449, "EPSG:4326")
    assert west < 106.2 < east and south < 21.3 < north


def test_tile_bounds_agree_between_crs():
    to_merc = Transformer.from_crs(4326, 3857, always_xy=True)
    lonlat = tile_bounds(12, 3256, 1799, "EPSG:4326")
    merc = tile_bounds(12, 3256, 1799, "EPSG:3857")
    assert to_merc.transform(lonlat[0], lonlat[1]) == pytest.approx(merc[:2], abs=1e-6)
    assert to_merc.transform(lonlat[2], lonlat[3]) == pytest.approx(merc[2:], abs=1e-6)


def test_tile_bounds_margin_widens_every_side():
    a, b = tile_bounds(8, 203, 112), tile_bounds(8, 203, 112, margin=64 / 4096)
    width = a[2] - a[0]
    assert b == pytest.approx((a[0] - width / 64, a[1] - width / 64, a[2] + width / 64, a[3] + width / 64))


def test_tile_bounds_rejects_other_crs():
    with pytest.raises(InvalidParameterError, match="EPSG:3857"):
        tile_bounds(1, 0, 0, "EPSG:32648")


@pytest.mark.parametrize(("z", "x", "y"), [(0, 0, 0), (3, 7, 7), (22, 2**22 - 1, 0), (np.int64(5), 3, 4)])
def test_check_tile_accepts(z, x, y):
    check_tile(z, x, y)


@pytest.mark.parametrize(
    ("z", "x", "y", "kwargs", "message"),
    [
        (3, 8, 0, {}, r"tile x=8 is outside 0\.\.7, the allowed range at zoom 3"),
        (3, 0, -1, {}, r"tile y=-1 is outside 0\.\.7, the allowed range at zoom 3"),
        (0, 1, 0, {}, r"outside 0\.\.0"),
        (23, 0, 0, {}, r"zoom 23 is outside the allowed zooms 0\.\.22"),
        (-1, 0, 0, {}, r"zoom -1 is outside"),
        (4, 0, 0, {"min_zoom": 5, "max_zoom": 14}, r"allowed zooms 5\.\.14"),
        (2.0, 0, 0, {}, r"tile z must be a whole number"),
        (2, "1", 0, {}, r"tile x must be a whole number"),
        (2, 0, True, {}, r"tile y must be a whole number"),
    ],
)
def test_check_tile_rejects(z, x, y, kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        check_tile(z, x, y, **kwargs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("105.9,20.9,107.1,21.7", (105.9, 20.9, 107.1, 21.7)),
        (" -180 , -90 , 180 , 90 ", (-180.0, -90.0, 180.0, 90.0)),
        ("106,21,106,21", (106.0, 21.0, 106.0, 21.0)),
        ("1.06e2,+21,.1065e3,21.5", (106.0, 21.0, 106.5, 21.5)),
    ],
)
def test_parse_bbox_accepts(text, expected):
    assert parse_bbox(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"has 1 part\(s\); write four numbers minx,miny,maxx,maxy"),
        ("1,2,3", r"has 3 part\(s\)"),
        ("1,2,3,4,5", r"has 5 part\(s\)"),
        ("a,20,107,21", r"bbox minx 'a' is not a number; write decimal degrees"),
        ("105,20,107,", r"bbox maxy '' is not a number"),
        ("105,20,1_07,21", r"bbox maxx '1_07' is not a number"),
        ("105;20;107;21", r"has 1 part"),
        ("nan,20,107,21", r"bbox minx is 'nan'; it must be a finite number"),
        ("105,20,inf,21", r"bbox maxx is 'inf'; it must be a finite number"),
        ("105,-Infinity,107,21", r"bbox miny is '-Infinity'"),
        ("181,20,182,21", r"bbox minx=181 is outside -180\.\.180, the range of longitude"),
        ("105,20,107,91", r"bbox maxy=91 is outside -90\.\.90, the range of latitude"),
        ("107,20,105,21", r"minx=107 is greater than maxx=105; write west before east"),
        ("105,22,107,21", r"miny=22 is greater than maxy=21; write south before north"),
    ],
)
def test_parse_bbox_rejects(text, message):
    with pytest.raises(InvalidParameterError, match=message):
        parse_bbox(text)


def test_check_bbox_rejects_nan_given_as_a_float():
    with pytest.raises(InvalidParameterError, match="finite"):
        check_bbox([105, float("nan"), 107, 21])


def test_tiles_covering_a_point_an_edge_and_a_box():
    assert tiles_covering((106.2, 21.3, 106.2, 21.3), 10) == [(10, 814, 449)]
    assert tiles_covering((-180, -90, 180, 90), 1) == [(1, 0, 0), (1, 1, 0), (1, 0, 1), (1, 1, 1)]
    west, south, east, north = tile_bounds(9, 407, 224, "EPSG:4326")
    assert tiles_covering((west, south, east, north), 9) == [(9, 407, 224)]  # edges do not pull in neighbours
    region = tiles_covering((105.88, 20.97, 107.04, 21.63), 10)
    assert len(region) == len({t for t in region}) and all(z == 10 for z, _, _ in region)
    for _, x, y in region:
        w, s, e, n = tile_bounds(10, x, y, "EPSG:4326")
        assert w < 107.04 and e > 105.88 and s < 21.63 and n > 20.97


def test_tiles_covering_refuses_too_many_tiles():
    with pytest.raises(InvalidParameterError, match="use a lower zoom or a smaller bbox"):
        tiles_covering((100, 8, 110, 24), 14)


def test_ground_resolution():
    assert ground_resolution(0, 0) == pytest.approx(156543.03392804097)
    assert ground_resolution(12, 21.3) == pytest.approx(156543.034 * math.cos(math.radians(21.3)) / 4096)


def test_web_mercator_matches_pyproj():
    polygon = shapely.Polygon([(105.9, 20.9), (107.1, 20.9), (107.1, 21.7), (105.9, 21.7)])
    ours = shapely.get_coordinates(web_mercator([polygon])[0])
    to_merc = Transformer.from_crs(4326, 3857, always_xy=True)
    theirs = np.column_stack(to_merc.transform(*shapely.get_coordinates(polygon).T))
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
