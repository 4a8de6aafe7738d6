from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo_ntm.errors import CRSError, GeometryError, InvalidParameterError
from geo_ntm.layers.simplify import BAND_TOPS, FULL_DETAIL_ZOOM, simplify_for_zoom, tolerance_for_zoom, zoom_band
from geo_ntm.layers.tiles import ground_resolution


@pytest.mark.parametrize(
    ("zoom", "band"),
    [(0, 5), (5, 5), (6, 6), (7, 7), (8, 9), (9, 9), (10, 11), (11, 11), (12, 12), (13, 13), (22, 13)],
)
def test_zoom_band(zoom, band):
    assert zoom_band(zoom) == band


@pytest.mark.parametrize("zoom", [-1, 23, 3.0, "8", True])
def test_zoom_band_rejects(zoom):
    with pytest.raises(InvalidParameterError, match=r"0\.\.22"):
        zoom_band(zoom)


def test_tolerance_is_half_a_pixel_of_the_band_top():
    metres_per_degree = 111_319.49079327357
    assert tolerance_for_zoom(8, 21.6) == pytest.approx(0.5 * ground_resolution(9, 21.6) / metres_per_degree)
    assert tolerance_for_zoom(9, 21.6) == tolerance_for_zoom(8, 21.6)
    assert tolerance_for_zoom(9, 21.6) == pytest.approx(4 * tolerance_for_zoom(10, 21.6))  # 10 is in band 11
    assert tolerance_for_zoom(FULL_DETAIL_ZOOM, 21.6) == 0.0


@pytest.mark.parametrize("zoom", sorted(set(BAND_TOPS) - {FULL_DETAIL_ZOOM}))
def test_simplified_communes_stay_a_clean_coverage(communes, zoom):
    out = simplify_for_zoom(communes, zoom)
    geoms = out.geometry.values
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    assert len(out) == len(communes) and list(out["code"]) == list(communes["code"])
    assert not shapely.is_empty(geoms).any() and (shapely.area(geoms) > 0).all()  # no polygon vanished
    assert shapely.count_coordinates(geoms) < shapely.count_coordinates(communes.geometry.values)
    # the outline of the whole stays within a few pixels of the original
    pixel_deg = 2 * tolerance_for_zoom(zoom, 21.63)
    moved = shapely.hausdorff_distance(
        shapely.coverage_union_all(geoms), shapely.coverage_union_all(communes.geometry.values)
    )
    assert moved < 3 * pixel_deg
    pd.testing.assert_frame_equal(
        pd.DataFrame(out.drop(columns="geometry")), pd.DataFrame(communes.drop(columns="geometry"))
    )


def test_coarser_bands_keep_fewer_vertices(communes):
    counts = [shapely.count_coordinates(simplify_for_zoom(communes, z).geometry.values) for z in (5, 7, 9, 11, 12)]
    assert counts == sorted(counts)


def test_full_detail_is_an_unchanged_copy(communes):
    out = simplify_for_zoom(communes, 15)
    assert out is not communes
    assert_geodataframe_equal(out, communes)


def test_every_zoom_of_a_band_gives_the_same_copy(squares):
    jagged = squares.copy()
    jagged.geometry = shapely.segmentize(jagged.geometry.values, 0.0005)
    for low, high in [(0, 5), (8, 9), (10, 11)]:
        a, b = simplify_for_zoom(jagged, low), simplify_for_zoom(jagged, high)
        assert shapely.equals_exact(a.geometry.values, b.geometry.values).all()


def test_tiny_polygons_become_triangles_not_nothing(squares):
    out = simplify_for_zoom(squares, 0)  # each square is ~1/30 of a pixel wide at zoom 5
    assert shapely.coverage_is_valid(out.geometry.values)
    assert (shapely.area(out.geometry.values) > 0).all()


def test_rows_without_geometry_are_kept(squares):
    squares.loc[1, "geometry"] = None
    out = simplify_for_zoom(squares, 8)
    assert out.geometry.isna().tolist() == [False, True, False, False]


def test_an_overlapping_layer_is_refused_with_the_fix(squares):
    squares.loc[0, "geometry"] = shapely.box(105.0, 21.0, 105.015, 21.01)
    with pytest.raises(GeometryError, match="not a clean coverage.*coverage_clean"):
        simplify_for_zoom(squares, 8)


def test_lines_are_refused(squares):
    squares.loc[0, "geometry"] = shapely.LineString([(105, 21), (105.01, 21.01)])
    with pytest.raises(GeometryError, match="only polygons"):
        simplify_for_zoom(squares, 8)


def test_a_layer_in_another_crs_is_refused(squares):
    with pytest.raises(CRSError, match=r"EPSG:4326.*to_crs\(4326\)"):
        simplify_for_zoom(squares.to_crs(3857), 8)


def test_an_empty_layer_stays_empty():
    empty = gpd.GeoDataFrame({"code": []}, geometry=gpd.GeoSeries([], crs=4326))
    assert simplify_for_zoom(empty, 8).empty


def test_simplified_geometries_are_multipolygons_or_polygons(communes):
    kinds = set(np.unique(simplify_for_zoom(communes, 7).geom_type))
    assert kinds <= {"Polygon", "MultiPolygon"}
