from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio.errors import NotGeoreferencedWarning
from rasterio.io import MemoryFile

from geo_ntm import palette
from geo_ntm.errors import CRSError, InvalidParameterError
from geo_ntm.layers.raster import CLASS_CODES, NO_STATUS_CLASS, geotiff, png_tile
from geo_ntm.layers.simplify import simplify_for_zoom
from geo_ntm.layers.tiles import tile_bounds, tiles_covering
from geo_ntm.status.levels import LABELS, STATUSES

from .conftest import BAC_GIANG


def _rgba(png: bytes) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with MemoryFile(png) as memory, memory.open() as dataset:
            assert dataset.driver == "PNG" and dataset.count == 4
            return dataset.read()


def _pixel(z, x, y, lon, lat, size=256) -> tuple[int, int]:
    """Row and column of (lon, lat) in tile z/x/y (which must hold it)."""
    west, south, east, north = tile_bounds(z, x, y)
    mx, my = Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    row, col = int((north - my) / (north - south) * size), int((mx - west) / (east - west) * size)
    assert 0 <= row < size and 0 <= col < size, "the point is not in the tile"
    return row, col


def _deep_inside(geom):
    """A point well inside a polygon: the centre of its largest inscribed circle."""
    return shapely.maximum_inscribed_circle(geom, 1e-5).coords[0]


@pytest.mark.parametrize("zoom", [9, 11, 12])
def test_png_tile_pixels_have_their_status_colour(communes, zoom):
    z, x, y = tiles_covering((*BAC_GIANG, *BAC_GIANG), zoom)[0]
    layer = simplify_for_zoom(communes, zoom)
    bands = _rgba(png_tile(layer, z, x, y))
    assert bands.shape == (4, 256, 256) and bands.dtype == np.uint8
    window = shapely.box(*tile_bounds(z, x, y, "EPSG:4326"))
    checked = 0
    for unit in layer[layer.intersects(window)].itertuples():
        status = unit.status if isinstance(unit.status, str) else None
        if status in palette.HATCHED:
            continue
        inside = shapely.intersection(unit.geometry, window)
        radius = shapely.maximum_inscribed_circle(inside, 1e-5).length
        if radius < 3 * (window.bounds[2] - window.bounds[0]) / 256:
            continue  # too thin here to be sure of a pixel clear of outlines
        row, col = _pixel(z, x, y, *_deep_inside(inside))
        assert tuple(bands[:, row, col]) == (*palette.rgb(palette.color(status)), 255), unit.code
        checked += 1
    assert checked >= 3


def test_png_tile_hatches_awaiting_review_and_is_transparent_outside(squares):
    z, x, y = 14, 12971, 7213  # holds the whole block, 105.007..105.029E 21.002..21.023N
    bands = _rgba(png_tile(squares, z, x, y, outline=False))
    row, col = _pixel(z, x, y, 105.015, 21.005)  # the middle of square 90002, cho_ra_soat
    patch = bands[:3, row - 4 : row + 4, col - 4 : col + 4].reshape(3, -1).T
    colours = {tuple(int(v) for v in p) for p in patch}
    assert colours == {palette.rgb(palette.COLORS["cho_ra_soat"]), palette.rgb(palette.OUTLINE)}
    row, col = _pixel(z, x, y, 105.015, 21.015)  # square 90004, kieu_mau: no hatch
    assert {tuple(int(v) for v in p) for p in bands[:, row - 4 : row + 4, col - 4 : col + 4].reshape(4, -1).T} == {
        (*palette.rgb(palette.COLORS["kieu_mau"]), 255)
    }
    row, col = _pixel(z, x, y, 105.0085, 21.015)  # square 90003 has no status: NO_DATA, opaque
    assert tuple(bands[:, row, col]) == (*palette.rgb(palette.NO_DATA), 255)
    row, col = _pixel(z, x, y, 105.025, 21.015)  # east of the block: no unit, transparent
    assert bands[3, row, col] == 0


def test_png_tile_outlines(squares):
    z, x, y = 14, 12971, 7213
    row, col = _pixel(z, x, y, 105.01, 21.015)  # on the edge between 90003 (no data) and 90004
    plain = _rgba(png_tile(squares, z, x, y, outline=False))
    lined = _rgba(png_tile(squares, z, x, y))
    outline = palette.rgb(palette.OUTLINE)
    assert outline in {tuple(int(v) for v in p) for p in lined[:3, row, col - 1 : col + 2].T}
    assert outline not in {tuple(int(v) for v in p) for p in plain[:3, row, col - 1 : col + 2].T}


def test_png_tile_district_outlines_are_thicker(communes, districts):
    z, x, y = tiles_covering((*BAC_GIANG, *BAC_GIANG), 11)[0]
    layer = simplify_for_zoom(communes, 11)
    bands = _rgba(png_tile(layer, z, x, y, district_outlines=districts))
    dark = np.all(bands[:3].T == palette.rgb(palette.DISTRICT_OUTLINE), axis=-1).T
    assert dark.sum() > 100
    runs = [len(r) for line in dark for r in "".join("1" if v else " " for v in line).split()]
    assert np.median(runs) >= 2  # two pixels wide where the line crosses a row


def test_png_tile_without_units_is_transparent(squares):
    bands = _rgba(png_tile(squares, 5, 0, 0, size=512))
    assert bands.shape == (4, 512, 512) and not bands[3].any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"size": 8}, r"size must be a whole number of pixels in 16\.\.4096"), ({"size": 256.0}, "size")],
)
def test_png_tile_bad_size(squares, kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        png_tile(squares, 12, 0, 0, **kwargs)


def test_unknown_status_is_refused(squares):
    squares.loc[0, "status"] = "dat"
    z, x, y = tiles_covering((105.01, 21.01, 105.01, 21.01), 12)[0]
    with pytest.raises(InvalidParameterError, match=r"status \['dat'\] is not one of"):
        png_tile(squares, z, x, y)


def test_geotiff_of_the_communes(communes):
    data = geotiff(communes, resolution_m=200, tags={"date": "2019-12-31", "level": "commune"})
    with MemoryFile(data) as memory, memory.open() as dataset:
        assert dataset.driver == "GTiff" and dataset.count == 1 and dataset.dtypes == ("uint8",)
        assert dataset.crs.to_epsg() == 3857 and dataset.nodata == 0
        assert dataset.res == (200, 200) and dataset.profile["compress"] == "deflate"
        assert dataset.tags()["date"] == "2019-12-31"
        tags = dataset.tags(1)
        colormap = dataset.colormap(1)
        for status in STATUSES:
            code = CLASS_CODES[status]
            assert tags[f"CLASS_{code}"] == status
            assert tags[f"CLASS_{code}_VI"] == LABELS["vi"][status] and tags[f"CLASS_{code}_EN"] == LABELS["en"][status]
            assert colormap[code] == (*palette.rgb(palette.COLORS[status]), 255)
        assert tags[f"CLASS_{NO_STATUS_CLASS}"] == "khong_du_lieu" and colormap[0][3] == 0
        assert colormap[NO_STATUS_CLASS] == (*palette.rgb(palette.NO_DATA), 255)
        assert [row["status"] for row in json.loads(tags["CLASSES"])] == list(STATUSES)
        to_merc = Transformer.from_crs(4326, 3857, always_xy=True)
        for unit in communes.sample(20, random_state=1).itertuples():
            point = to_merc.transform(*_deep_inside(unit.geometry))
            (value,) = next(dataset.sample([point]))
            expected = CLASS_CODES[unit.status] if isinstance(unit.status, str) else NO_STATUS_CLASS
            assert value == expected, unit.code
        (outside,) = next(dataset.sample([to_merc.transform(105.9, 21.6)]))  # north-west corner: no unit
        assert outside == 0


def test_geotiff_in_utm(squares):
    with MemoryFile(geotiff(squares, resolution_m=50, crs="EPSG:32648")) as memory, memory.open() as dataset:
        assert dataset.crs.to_epsg() == 32648
        assert set(np.unique(dataset.read(1))) == {
            0,
            CLASS_CODES["dat_chuan"],
            CLASS_CODES["cho_ra_soat"],
            CLASS_CODES["kieu_mau"],
            NO_STATUS_CLASS,
        }
        assert dataset.transform.a == 50 and dataset.transform.c % 50 == 0  # grid aligned to the resolution


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"crs": "EPSG:4326"}, CRSError, "not projected in metres"),
        ({"crs": "nonsense"}, CRSError, "not a coordinate reference system"),
        ({"resolution_m": 0}, InvalidParameterError, "positive number of metres"),
        ({"resolution_m": float("nan")}, InvalidParameterError, "positive number"),
        ({"resolution_m": 0.01}, InvalidParameterError, "use resolution_m of at least"),
    ],
)
def test_geotiff_bad_arguments(squares, kwargs, error, message):
    with pytest.raises(error, match=message):
        geotiff(squares, **kwargs)


def test_rasterio_reads_the_png_as_rgba(squares):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        z, x, y = tiles_covering((105.01, 21.01, 105.01, 21.01), 12)[0]
        with MemoryFile(png_tile(squares, z, x, y)) as memory, memory.open() as dataset:
            assert dataset.colorinterp[3] == rasterio.enums.ColorInterp.alpha


def test_png_tile_after_a_status_change_is_the_same_with_or_without_the_grid_cache(communes, districts, monkeypatch):
    """The cache keeps who covers each pixel and the outlines; the colours follow the new statuses."""
    import geo_ntm.layers.raster as raster
    from geo_ntm.layers.grid_cache import GridCache

    drawn = []
    real = raster._draw
    monkeypatch.setattr(raster, "_draw", lambda *a: drawn.append(1) or real(*a))
    z, x, y = tiles_covering((*BAC_GIANG, *BAC_GIANG), 10)[0]
    cache = GridCache()
    png_tile(communes, z, x, y, district_outlines=districts, grid_cache=cache)
    changed = communes.assign(status=["kieu_mau" if i % 2 else "chua_dat" for i in range(len(communes))])
    cached = png_tile(changed, z, x, y, district_outlines=districts, grid_cache=cache)
    assert len(drawn) == 1
    assert cached == png_tile(changed, z, x, y, district_outlines=districts)
    assert cached != png_tile(communes, z, x, y, district_outlines=districts)
