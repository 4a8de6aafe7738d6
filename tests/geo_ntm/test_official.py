"""Official VN-2000 boundary files: CRS spellings, datum shift, checks, and the GeoPackage import.

Fixtures are made here: a small polygon in WGS 84 near Bắc Giang (106.2E 21.3N) projected
to VN-2000 TM-3 107° with a pyproj pipeline written out below (not with the module under
test), saved as shapefiles with a full .prj, an ESRI .prj without TOWGS84, or no .prj.
"""

from __future__ import annotations

import os
import sqlite3
import unicodedata
import warnings

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from geo_ntm.boundaries import vn2000
from geo_ntm.boundaries.official import import_official, read_official
from geo_ntm.errors import CRSError, GeometryError, InvalidParameterError, SourceError
from geo_ntm.names import key

# EPSG:6960 written as PROJ +towgs84 (position vector): rotation signs of the Decision flipped.
TM3_107 = (
    "+proj=tmerc +lat_0=0 +lon_0=107 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,"
    "0.00427372,0.252906278 +units=m +no_defs"
)
RING = [(106.190, 21.290), (106.210, 21.291), (106.216, 21.305), (106.201, 21.313), (106.187, 21.301)]
TOLERANCE_M = 0.01  # the round trip must give back every vertex within 1 cm
GEOD = pyproj.Geod(ellps="WGS84")
TM3_ESRI = (
    'PROJCS["VN_2000_TM3_107",GEOGCS["GCS_VN_2000",DATUM["{datum}",SPHEROID['
    '"WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",'
    '0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",'
    '500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.0],'
    'PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)
TM3_GDAL = (
    'PROJCS["VN-2000 / TM-3 107-00",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID['
    '"WGS 84",6378137,298.257223563],TOWGS84[{towgs}]],PRIMEM["Greenwich",0],'
    'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",107],'
    'PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],'
    'PARAMETER["false_northing",0],UNIT["metre",1]]'
)
PV = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
PUBLISHED = "-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278"


def _to_tm3(geom):
    t = pyproj.Transformer.from_crs("EPSG:4326", TM3_107, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def _write(tmp_path, name, geoms, prj=None, **fields):
    """Shapefile (or GeoPackage) without CRS; then the .prj text, if any, written by hand."""
    path = tmp_path / name
    fields = fields or {"MA_XA": [f"0724{i}" for i in range(len(geoms))]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "'crs' was not provided"
        gpd.GeoDataFrame(fields, geometry=list(geoms)).to_file(path)
    if prj is not None:
        path.with_suffix(".prj").write_text(prj)
    return path


def _error_m(gdf) -> float:
    """Largest distance (m) between the read polygon's vertices and RING's."""
    got = shapely.normalize(shapely.force_2d(gdf.geometry.iloc[0]))
    got = next(iter(shapely.get_parts(got)))  # a MultiPolygon of one part after import
    want = shapely.normalize(shapely.Polygon(RING))
    a, b = np.array(got.exterior.coords), np.array(want.exterior.coords)
    assert a.shape == b.shape
    return float(GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])[2].max())


@pytest.fixture
def poly_tm3():
    return _to_tm3(shapely.Polygon(RING))


# --- vn2000: datum shift, CRS spellings, meridians -----------------------------------------


def test_decision_05_2007_is_epsg_6960_coordinate_frame():
    """EPSG:6960 holds the Decision's numbers as coordinate frame; our CRSs reproduce it."""
    op = pyproj.crs.CoordinateOperation.from_epsg(6960)
    assert "Coordinate Frame" in op.method_name
    assert op.towgs84 == pytest.approx(vn2000.DECISION_05_2007, abs=1e-12)
    epsg = pyproj.Transformer.from_pipeline("urn:ogc:def:coordinateOperation:EPSG::6960")
    ref = epsg.transform(21.3, 106.2)[::-1]  # EPSG axis order: lat, lon
    assert 200 < GEOD.inv(106.2, 21.3, *ref)[2] < 250  # the shift a missing TOWGS84 loses

    def moved(crs):
        lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(106.2, 21.3)
        return GEOD.inv(lon, lat, *ref)[2]

    assert moved(vn2000.crs_for("vn2000")) < 0.001
    assert moved(f"+proj=longlat +ellps=WGS84 +towgs84={PV}") < 0.001
    assert 0.4 < moved(f"+proj=longlat +ellps=WGS84 +towgs84={PUBLISHED}") < 1.0


@pytest.mark.parametrize(
    "spec, meridian",
    [
        ("EPSG:9214", 107.0),
        (9214, 107.0),
        ("VN-2000 TM-3 107.0", 107.0),
        ("vn2000:tm3:107.75", 107.75),
        ("vn2000:tm3:107-45", 107.75),
        ("VN2000 TM3 107°45'", 107.75),
        ("vn2000:tm3:109.25", 109.25),
        ("vn2000:province:24", 107.0),
        ("vn2000:province:Bắc Giang", 107.0),
        ("vn2000:province:tinh bac giang", 107.0),
        ("vn2000:province:01", 105.0),
        ("vn2000:province:hcm", 105.75),
        ("vn2000:province2025:56", 108.25),
        ("vn2000:province2025:Huế", 107.0),
    ],
)
def test_crs_for_tm3_spellings(spec, meridian):
    crs = vn2000.crs_for(spec)
    assert crs.is_bound and vn2000.towgs84_of(crs) == pytest.approx(vn2000.TOWGS84)
    p = {q.name: q.value for q in crs.source_crs.coordinate_operation.params}
    assert p["Longitude of natural origin"] == meridian
    assert p["Scale factor at natural origin"] == 0.9999 and p["False easting"] == 500000


def test_crs_for_utm_geographic_and_other_epsg():
    utm = vn2000.crs_for("vn2000:utm:48")
    assert utm.source_crs.to_epsg() == 3405 and utm.is_bound
    assert vn2000.crs_for("VN-2000 UTM zone 49N").source_crs.to_epsg() == 3406
    assert vn2000.crs_for("vn2000").source_crs.to_epsg() == 4756
    assert vn2000.crs_for("EPSG:4326").to_epsg() == 4326  # not VN-2000: left alone


@pytest.mark.parametrize(
    "spec, words",
    [
        ("utm48", ["accepted forms", "vn2000:tm3:", "vn2000:province:", "EPSG:"]),
        ("vn2000:tm3:107.1", ["15′"]),
        ("vn2000:utm:50", ["48 and 49"]),
        ("vn2000:province:99", ["no province"]),
        ("EPSG:99999", ["not a CRS"]),
        ("vn2000:province2025:24", ["Bắc Giang 107°00′", "Bắc Ninh 105°30′"]),
    ],
)
def test_crs_for_refusals(spec, words):
    with pytest.raises(CRSError) as err:
        vn2000.crs_for(spec)
    assert all(w in str(err.value) for w in words)


def test_province_tables():
    assert len(vn2000.PROVINCES) == 63 and len(vn2000.PROVINCES_2025) == 34
    preds = sorted(c for p in vn2000.PROVINCES_2025.values() for c in p.predecessors)
    assert preds == sorted(vn2000.PROVINCES)  # every old province went into exactly one new
    assert sum(p.meridian is not None for p in vn2000.PROVINCES_2025.values()) == 17
    assert vn2000.find_province("2025:24").name == "Bắc Ninh"
    assert vn2000.find_province(24).name == "Bắc Giang"


def test_province_meridians_agree_with_epsg():
    """Each province is named in EPSG's areas of use of the VN-2000 TM-3 CRS on its meridian."""
    db = sqlite3.connect(os.path.join(pyproj.datadir.get_data_dir(), "proj.db"))
    sql = (
        "select e.description from usage u join extent e on e.auth_name = u.extent_auth_name"
        " and e.code = u.extent_code where u.object_table_name = 'projected_crs'"
        " and u.object_auth_name = 'EPSG' and u.object_code = ?"
    )
    for p in vn2000.PROVINCES.values():
        code = str(vn2000.EPSG_TM3[p.meridian])
        text = key(" ".join(r[0] for r in db.execute(sql, (code,))).replace("Noi", "Nội"))
        assert key(p.name) in text, (p.code, p.name, p.meridian, text)


# --- read_official: the three .prj cases ------------------------------------------------


@pytest.mark.parametrize("towgs", [PV, PUBLISHED])
def test_full_prj(tmp_path, poly_tm3, towgs):
    path = _write(tmp_path, "a.shp", [poly_tm3], prj=TM3_GDAL.format(towgs=towgs))
    gdf = read_official(path)
    assert gdf.crs.to_epsg() == 4326 and _error_m(gdf) < TOLERANCE_M
    prov = gdf.attrs["provenance"]
    assert prov["source"] == "a.shp" and prov["source_crs"] == "VN-2000 / TM-3 107-00"
    assert "VN-2000 to WGS 84 (2)" in prov["transformation"]
    assert prov["towgs84"] == pytest.approx(vn2000.TOWGS84)


@pytest.mark.parametrize("datum", ["D_Vietnam_2000", "D_VN_2000", "VN_2000", "D_WGS_1984", "D_VN-2000", "unknown"])
def test_esri_prj_without_towgs84(tmp_path, poly_tm3, datum):
    path = _write(tmp_path, "b.shp", [poly_tm3], prj=TM3_ESRI.format(datum=datum))
    gdf = read_official(path)
    assert _error_m(gdf) < TOLERANCE_M
    prov = gdf.attrs["provenance"]
    assert prov["transformation_attached"] is True and "attached EPSG:6960" in prov["notes"][0]


def test_naive_transform_of_unrecognised_datum_is_far_off(tmp_path, poly_tm3):
    """Why we attach the shift: GDAL/PROJ alone put such a file ~225 m away."""
    path = _write(tmp_path, "b.shp", [poly_tm3], prj=TM3_ESRI.format(datum="D_WGS_1984"))
    naive = gpd.read_file(path).to_crs(4326)
    assert 200 < _error_m(naive) < 250


@pytest.mark.parametrize(
    "kw",
    [
        {"crs": "vn2000:tm3:107.0"},
        {"crs": "EPSG:9214"},
        {"province": "24"},
        {"province": "Bắc Giang"},
        {"crs": "vn2000:tm3:107", "province": 24},
    ],
)
def test_no_prj_with_crs(tmp_path, poly_tm3, kw):
    gdf = read_official(_write(tmp_path, "c.shp", [poly_tm3]), **kw)
    assert _error_m(gdf) < TOLERANCE_M
    assert gdf.attrs["provenance"]["crs_origin"].startswith("given")


def test_no_prj_without_crs_refused_with_hint(tmp_path, poly_tm3):
    with pytest.raises(CRSError) as err:
        read_official(_write(tmp_path, "c.shp", [poly_tm3]))
    msg = str(err.value)
    assert "c.shp" in msg and "--crs vn2000:tm3:107.0" in msg and "--province 24" in msg
    assert "look like VN-2000 TM-3 metres" in msg


def test_degrees_without_crs_hint(tmp_path):
    with pytest.raises(CRSError, match="look like degrees"):
        read_official(_write(tmp_path, "d.shp", [shapely.Polygon(RING)]))
    gdf = read_official(_write(tmp_path, "d.shp", [shapely.Polygon(RING)]), crs="EPSG:4326")
    assert _error_m(gdf) < 1e-6


# --- CRSs that contradict the coordinates -------------------------------------------------


def test_utm49_for_tm3_data_lands_outside_vietnam(tmp_path, poly_tm3):
    with pytest.raises(CRSError, match="outside Vietnam"):
        read_official(_write(tmp_path, "c.shp", [poly_tm3]), crs="vn2000:utm:49")


def test_utm48_for_tm3_data_refused_for_the_province(tmp_path, poly_tm3):
    path = _write(tmp_path, "c.shp", [poly_tm3])
    with pytest.raises(CRSError, match=r"not in Bắc Giang \(24\).*vn2000:tm3:107.0"):
        read_official(path, crs="vn2000:utm:48", province=24)


def test_tm3_for_utm_data_refused(tmp_path):
    """A Lai Châu polygon (102.9E) in UTM 48 read as TM-3 107° lands 2.1° off the meridian."""
    utm = pyproj.Transformer.from_crs(4326, vn2000.crs_for("vn2000:utm:48"), always_xy=True)
    poly = shapely.affinity.translate(shapely.Polygon(RING), -3.3)
    poly = shapely.transform(poly, lambda xy: np.column_stack(utm.transform(xy[:, 0], xy[:, 1])))
    path = _write(tmp_path, "u.shp", [poly])
    with pytest.raises(CRSError, match=r"2\.1° from its central meridian 107"):
        read_official(path, crs="vn2000:tm3:107")
    assert read_official(path, crs="vn2000:utm:48").geometry.iloc[0].centroid.x < 103


def test_province_only_checks_location_when_the_file_has_a_crs(tmp_path):
    """A Bắc Giang file in UTM 48 with its .prj: --province 24 does not impose TM-3 107°."""
    utm = vn2000.crs_for("vn2000:utm:48")
    fwd = pyproj.Transformer.from_crs(4326, utm, always_xy=True)
    poly = shapely.transform(shapely.Polygon(RING), lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    path = _write(tmp_path, "u.shp", [poly], prj=utm.source_crs.to_wkt("WKT1_ESRI"))
    gdf = read_official(path, province=24)
    assert _error_m(gdf) < TOLERANCE_M
    assert gdf.attrs["provenance"]["source_crs"] == "VN-2000 / UTM zone 48N"
    with pytest.raises(CRSError, match=r"not in Cà Mau \(96\)"):
        read_official(path, province="Cà Mau")


def test_degrees_given_as_metres_and_metres_as_degrees(tmp_path, poly_tm3):
    with pytest.raises(CRSError, match="look like degrees"):
        read_official(_write(tmp_path, "d.shp", [shapely.Polygon(RING)]), crs="vn2000:tm3:107")
    with pytest.raises(CRSError, match="not degrees"):
        read_official(_write(tmp_path, "c.shp", [poly_tm3]), crs="EPSG:4326")


def test_given_crs_contradicting_the_prj(tmp_path, poly_tm3):
    path = _write(tmp_path, "a.shp", [poly_tm3], prj=TM3_ESRI.format(datum="D_Vietnam_2000"))
    with pytest.raises(CRSError, match="--ignore-prj"):
        read_official(path, crs="vn2000:tm3:105.5")
    assert _error_m(read_official(path, crs="vn2000:tm3:107.0")) < TOLERANCE_M  # agrees
    gdf = read_official(path, crs="vn2000:tm3:107", ignore_file_crs=True)
    assert gdf.attrs["provenance"]["crs_origin"] == "given: vn2000:tm3:107"


def test_geopackage_with_epsg_crs(tmp_path, poly_tm3):
    path = tmp_path / "g.gpkg"
    gpd.GeoDataFrame({"MA": ["07240"]}, geometry=[poly_tm3], crs=9214).to_file(path)
    gdf = read_official(path)
    assert _error_m(gdf) < TOLERANCE_M and gdf.attrs["provenance"]["transformation_attached"]


# --- geometries and files -------------------------------------------------------------------


def _metres(coords, poly_tm3):
    x0, y0 = poly_tm3.centroid.coords[0]
    return shapely.Polygon([(x0 + 3000 + 100 * x, y0 + 100 * y) for x, y in coords])


def test_bowtie_refused(tmp_path, poly_tm3):
    bowtie = _metres([(0, 0), (10, 10), (10, 0), (0, 10)], poly_tm3)
    path = _write(tmp_path, "e.shp", [poly_tm3, bowtie])
    with pytest.raises(GeometryError, match=r"e\.shp, feature 2: invalid polygon.*bowtie"):
        read_official(path, crs="vn2000:tm3:107")


def test_small_self_intersection_repaired(tmp_path, poly_tm3):
    twisted = _metres([(0, 0), (10, 0), (10, 10), (0, 10), (0.3, -0.3)], poly_tm3)
    fixed = shapely.make_valid(twisted)
    assert not twisted.is_valid and abs(fixed.area / twisted.area - 1) < 0.01
    gdf = read_official(_write(tmp_path, "f.shp", [poly_tm3, twisted]), province=24)
    assert gdf.attrs["provenance"]["repaired"] == [2] and gdf.geometry.is_valid.all()
    assert _error_m(gdf) < TOLERANCE_M


def test_area_changing_repair_refused(tmp_path, poly_tm3):
    lopsided = _metres([(0, 0), (10, 10), (10, 0), (0, 4)], poly_tm3)
    with pytest.raises(GeometryError, match=r"feature 1: .*change its area by .*more than 1%"):
        read_official(_write(tmp_path, "h.shp", [lopsided]), crs="vn2000:tm3:107")


def test_empty_and_non_polygon_refused(tmp_path, poly_tm3):
    path = tmp_path / "m.gpkg"
    gpd.GeoDataFrame({"MA": ["1", "2"]}, geometry=[poly_tm3, shapely.Polygon()], crs=9214).to_file(path)
    with pytest.raises(GeometryError, match=r"m\.gpkg, feature 2: empty"):
        read_official(path)
    line = _write(tmp_path, "l.shp", [shapely.LineString(poly_tm3.exterior.coords)])
    with pytest.raises(GeometryError, match="feature 1: a LineString, not a polygon"):
        read_official(line, crs="vn2000:tm3:107")


def test_bad_files(tmp_path, poly_tm3):
    with pytest.raises(SourceError, match="nope.shp: file not found"):
        read_official(tmp_path / "nope.shp")
    junk = tmp_path / "junk.shp"
    junk.write_bytes(b"not a shapefile at all")
    with pytest.raises(SourceError, match="junk.shp"):
        read_official(junk, crs="vn2000:tm3:107")
    two = tmp_path / "two.gpkg"
    for name in ("xa", "huyen"):
        gpd.GeoDataFrame(geometry=[poly_tm3], crs=9214).to_file(two, layer=name)
    with pytest.raises(SourceError, match=r"2 layers \(.*xa.*huyen|2 layers \(.*huyen.*xa"):
        read_official(two)
    assert len(read_official(two, layer="xa")) == 1


# --- import_official -------------------------------------------------------------------------


def _import(tmp_path, src, **kw):
    args = {"code_field": "MA_XA", "name_field": "TEN", "valid_on": "2024-01-01", "province": 24}
    return import_official(src, tmp_path / "out" / "units.gpkg", **{**args, **kw})


def test_import_writes_units(tmp_path, poly_tm3):
    (tmp_path / "out").mkdir()
    nfd = unicodedata.normalize("NFD", "Xã  Dĩnh Trì")
    src = _write(tmp_path, "c.shp", [poly_tm3], MA_XA=["07240"], TEN=[nfd])
    report = _import(tmp_path, src)
    units = gpd.read_file(tmp_path / "out" / "units.gpkg", layer="units")
    assert list(units.columns) == ["code", "name", "valid_on", "geometry"]
    assert units.code.tolist() == ["07240"] and units.name.tolist() == ["Xã Dĩnh Trì"]
    assert units.valid_on.tolist() == ["2024-01-01"] and units.crs.to_epsg() == 4326
    assert _error_m(units) < TOLERANCE_M
    assert report["features"] == 1 and report["codes"] is None and report["repaired"] == []
    assert report["source_crs"] == "VN-2000 / TM-3 107-00" and report["transformation_attached"]
    assert report["bounds"] == pytest.approx([106.187, 21.29, 106.216, 21.313], abs=1e-6)
    assert os.listdir(tmp_path / "out") == ["units.gpkg"]


def test_import_numeric_codes_zero_padded(tmp_path, poly_tm3):
    (tmp_path / "out").mkdir()
    src = _write(
        tmp_path,
        "n.shp",
        [poly_tm3, _metres([(0, 0), (5, 0), (5, 5)], poly_tm3)],
        MA_XA=[7240, 16012],
        TEN=["Xã Dĩnh Trì", "Xã Tân Mỹ"],
    )
    report = _import(tmp_path, src)
    units = gpd.read_file(tmp_path / "out" / "units.gpkg", layer="units")
    assert units.code.tolist() == ["07240", "16012"]
    assert "zero-padded to 5 digits (1 of 2 changed)" in report["codes"]


@pytest.mark.parametrize(
    "fields, kw, error, words",
    [
        ({"MA": ["07240"], "TEN": ["A"]}, {}, SourceError, ["no field 'MA_XA'", "MA, TEN"]),
        (
            {"MA_XA": ["07240", "07240", "07243"], "TEN": ["A", "B", "C"]},
            {},
            SourceError,
            ["duplicate codes: 07240 (features 1, 2)"],
        ),
        ({"MA_XA": ["7240", "07241", "07243"], "TEN": ["A", "B", "C"]}, {}, SourceError, ["row 1", "leading zeros"]),
        ({"MA_XA": ["07240", "", "07243"], "TEN": ["A", "B", "C"]}, {}, SourceError, ["row 2", "empty code"]),
        ({"MA_XA": ["07240"], "TEN": ["A"]}, {"valid_on": "2024-13-01"}, InvalidParameterError, ["not a date"]),
        ({"MA_XA": ["07240"], "TEN": ["A"]}, {"province": "Cà Mau"}, CRSError, ["not in Cà Mau"]),
    ],
)
def test_import_failures_write_nothing(tmp_path, poly_tm3, fields, kw, error, words):
    (tmp_path / "out").mkdir()
    n = len(next(iter(fields.values())))
    geoms = [shapely.affinity.translate(poly_tm3, 3000 * i) for i in range(n)]
    with pytest.raises(error) as err:
        _import(tmp_path, _write(tmp_path, "x.shp", geoms, **fields), **kw)
    assert all(w in str(err.value) for w in words), str(err.value)
    assert os.listdir(tmp_path / "out") == []


def test_import_keeps_existing_output_unless_asked(tmp_path, poly_tm3):
    (tmp_path / "out").mkdir()
    src = _write(tmp_path, "c.shp", [poly_tm3], MA_XA=["07240"], TEN=["Xã Dĩnh Trì"])
    out = tmp_path / "out" / "units.gpkg"
    out.write_bytes(b"previous")
    with pytest.raises(InvalidParameterError, match="already exists"):
        _import(tmp_path, src)
    bad = _write(tmp_path, "bad.shp", [poly_tm3], MA_XA=["07240"], TEN=[""])
    with pytest.raises(SourceError, match="empty name"):
        _import(tmp_path, bad, overwrite=True)
    assert out.read_bytes() == b"previous" and os.listdir(tmp_path / "out") == ["units.gpkg"]
    _import(tmp_path, src, overwrite=True)
    assert gpd.read_file(out, layer="units").code.tolist() == ["07240"]


def test_import_failing_write_leaves_nothing(tmp_path, poly_tm3, monkeypatch):
    """A write that dies half way leaves neither a partial file nor a temporary one."""
    (tmp_path / "out").mkdir()
    src = _write(tmp_path, "c.shp", [poly_tm3], MA_XA=["07240"], TEN=["Xã Dĩnh Trì"])

    def broken(self, filename, *args, **kwargs):
        open(filename, "wb").write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", broken)
    with pytest.raises(OSError, match="disk full"):
        _import(tmp_path, src)
    assert os.listdir(tmp_path / "out") == []


def test_import_numeric_codes_with_a_null(tmp_path, poly_tm3):
    (tmp_path / "out").mkdir()
    geoms = [poly_tm3, shapely.affinity.translate(poly_tm3, 3000)]
    src = _write(tmp_path, "n.shp", geoms, MA_XA=[7240.0, None], TEN=["A", "B"])
    with pytest.raises(SourceError, match=r"row 2, column 'MA_XA': empty code"):
        _import(tmp_path, src)
    assert os.listdir(tmp_path / "out") == []
