"""The status choropleth as rasters: PNG map tiles and a categorical GeoTIFF for GIS users.

Colours come from :mod:`geo_ntm.palette`. A unit whose status is None is treated as
``khong_du_lieu`` (no data): filled with ``palette.NO_DATA`` (white), as on every other map and
legend, so that it still reads as a unit. Only where there is no unit at all is the tile
transparent (and the GeoTIFF nodata, 0).
Statuses in ``palette.HATCHED`` also get a diagonal hatch, a second cue besides colour.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from numbers import Real

import geopandas as gpd
import numpy as np
import orjson
import rasterio
import shapely
from PIL import Image
from rasterio.features import rasterize
from rasterio.io import MemoryFile
from rasterio.transform import from_bounds, from_origin

from geo_ntm import palette
from geo_ntm.errors import CRSError, InvalidParameterError

from ._frame import CLASS_CODES, NO_STATUS_CLASS, check_layer, class_table, status_classes
from .grid_cache import GridCache
from .tiles import check_tile, tile_bounds, web_mercator

__all__ = ["CLASS_CODES", "NO_STATUS_CLASS", "class_table", "geotiff", "png_tile"]

#: Largest GeoTIFF written (pixels); a finer resolution over a wider layer raises instead.
MAX_GEOTIFF_PIXELS = 100_000_000
#: Hatch: one line every HATCH_SPACING pixels, HATCH_WIDTH wide, of a 256-px tile (scaled with size).
HATCH_SPACING, HATCH_WIDTH = 8, 2
_HATCHED_CODES = [CLASS_CODES[s] for s in palette.HATCHED]


def png_tile(
    gdf: gpd.GeoDataFrame,
    z: int,
    x: int,
    y: int,
    *,
    size: int = 256,
    outline: bool = True,
    district_outlines: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    grid_cache: GridCache | None = None,
) -> bytes:
    """Tile ``z/x/y`` of the status choropleth as an RGBA PNG.

    Parameters
    ----------
    gdf : GeoDataFrame
        Status layer in EPSG:4326 with a ``status`` column.
    z, x, y : int
        The tile (XYZ scheme, Web Mercator).
    size : int
        Width and height in pixels (256; 512 for high-density screens: lines and hatch scale).
    outline : bool
        Draw each unit's outline, one pixel wide, in ``palette.OUTLINE``.
    district_outlines : GeoDataFrame or GeoSeries, optional
        Polygons or lines in EPSG:4326 (e.g. the districts on the same date) whose outlines are
        drawn two pixels wide in ``palette.DISTRICT_OUTLINE``, over everything else.
    grid_cache : GridCache, optional
        Keeps which unit covers each pixel and where the outlines are, for the next call with the
        same shapes: after a data change only the colours are redone.

    Returns
    -------
    bytes
        A PNG, ``size`` × ``size``, RGBA. Transparent where no unit is (all of it when none
        touches the tile).
    """
    check_layer(gdf, ("status",))
    check_tile(z, x, y)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 16 <= size <= 4096:
        raise InvalidParameterError(f"size must be a whole number of pixels in 16..4096, not {size!r}")
    window = shapely.box(*tile_bounds(z, x, y, "EPSG:4326", margin=2 / size))
    rows = np.sort(gdf.sindex.query(window, predicate="intersects"))
    shapes = list(gdf.geometry.values[rows])
    districts = None
    if district_outlines is not None:
        frame = district_outlines
        if not isinstance(frame, gpd.GeoDataFrame):
            frame = gpd.GeoDataFrame(geometry=district_outlines)
        check_layer(frame, columns=(), what="district_outlines")
        districts = list(frame.geometry.values[np.sort(frame.sindex.query(window, predicate="intersects"))])
    key, every = ("png", z, x, y, size, outline), [*shapes, None, *(districts or [])]
    drawn = grid_cache.get(key, every) if grid_cache is not None else None
    if drawn is None:
        drawn = _draw(shapes, districts, z, x, y, size, outline)
        if grid_cache is not None:
            grid_cache.put(key, every, drawn, sum(a.nbytes for a in drawn))
    units, lines, district_lines = drawn
    classes = np.r_[0, status_classes(gdf["status"].iloc[rows])].astype(np.uint8)[units]
    rgba = _colour_table()[classes]
    hatched = np.isin(classes, _HATCHED_CODES)
    if hatched.any():
        scale = size / 256
        gy, gx = np.ogrid[y * size : (y + 1) * size, x * size : (x + 1) * size]
        stripes = (gx + gy) % max(3, round(HATCH_SPACING * scale)) < max(1, round(HATCH_WIDTH * scale))
        rgba[hatched & stripes] = (*palette.rgb(palette.OUTLINE), 255)
    rgba[lines] = (*palette.rgb(palette.OUTLINE), 255)
    rgba[district_lines] = (*palette.rgb(palette.DISTRICT_OUTLINE), 255)
    return _png(rgba)


def _draw(shapes: list, districts: list | None, z: int, x: int, y: int, size: int, outline: bool) -> tuple:
    """What the shapes alone decide: which unit covers each pixel (1-based, 0 none), outlines, district lines."""
    transform = from_bounds(*tile_bounds(z, x, y, "EPSG:3857"), size, size)
    units = np.zeros((size, size), dtype=np.int32)
    lines = np.zeros((size, size), dtype=bool)
    if shapes:
        geoms = web_mercator(np.array(shapes, dtype=object))
        numbers = range(1, len(geoms) + 1)
        units = rasterize(zip(geoms, numbers), out_shape=(size, size), transform=transform, fill=0, dtype=np.int32)
        if outline:
            lines = _mask(shapely.boundary(geoms), transform, size)
    district_lines = np.zeros((size, size), dtype=bool)
    if districts:
        geoms = web_mercator(np.array(districts, dtype=object))
        polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
        geoms[polygonal] = shapely.boundary(geoms[polygonal])
        district_lines = _mask(geoms, transform, size, width=2 * size / 256 * transform.a)
    return units, lines, district_lines


def _mask(lines, transform, size: int, width: float | None = None) -> np.ndarray:
    """Where ``lines`` (EPSG:3857) fall on the tile: one pixel wide, or ``width`` metres when given."""
    pad = 4 * abs(transform.a)
    west, north = transform.c, transform.f
    east, south = west + size * transform.a, north + size * transform.e
    lines = shapely.clip_by_rect(np.asarray(lines, dtype=object), west - pad, south - pad, east + pad, north + pad)
    lines = lines[~(shapely.is_missing(lines) | shapely.is_empty(lines))]
    if not len(lines):
        return np.zeros((size, size), dtype=bool)
    if width:
        lines = shapely.buffer(lines, width / 2, quad_segs=2)
    return rasterize(((g, 1) for g in lines), out_shape=(size, size), transform=transform, fill=0, dtype=np.uint8) > 0


@lru_cache(maxsize=1)
def _colour_table() -> np.ndarray:
    """RGBA of each class code: 0 transparent, statuses their colours, no status NO_DATA."""
    table = np.zeros((256, 4), dtype=np.uint8)
    for row in class_table():
        table[row["code"]] = (*palette.rgb(row["color"]), 255)
    return table


def _png(rgba: np.ndarray) -> bytes:
    # Pillow (a dependency of matplotlib) writes in half the time of GDAL's PNG driver.
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def geotiff(
    gdf: gpd.GeoDataFrame, *, resolution_m: float = 100, crs: str = "EPSG:3857", tags: dict[str, str] | None = None
) -> bytes:
    """The status layer as a categorical single-band GeoTIFF.

    Parameters
    ----------
    gdf : GeoDataFrame
        Status layer in EPSG:4326 with a ``status`` column.
    resolution_m : float
        Pixel size in the units of ``crs``, which must be metres. For Web Mercator these are
        projected metres: on the ground a pixel is ``resolution_m * cos(latitude)`` (~93 m at 21°N).
    crs : str
        A projected CRS in metres: EPSG:3857, a UTM zone (EPSG:32648), a VN-2000 projection…
    tags : dict, optional
        Extra dataset tags (e.g. ``{"date": "2019-12-31", "level": "commune"}``).

    Returns
    -------
    bytes
        A deflate-compressed, tiled GeoTIFF: uint8 class codes (a pixel takes the unit that
        holds its centre), 0 = nodata (no unit); a colour map from the palette; band tags
        ``CLASS_<code>`` (status key), ``CLASS_<code>_VI`` and ``CLASS_<code>_EN`` (labels) and
        ``CLASSES`` (all of it as JSON). Class codes: 1, 2, … the statuses in the order of
        ``geo_ntm.status.levels.STATUSES`` (:data:`CLASS_CODES`); a status of None gets the
        class of ``khong_du_lieu`` (:data:`NO_STATUS_CLASS`).
    """
    check_layer(gdf, ("status",))
    target = _metric_crs(crs)
    if isinstance(resolution_m, bool) or not isinstance(resolution_m, Real) or not 0 < resolution_m < math.inf:
        raise InvalidParameterError(f"resolution_m must be a positive number of metres, not {resolution_m!r}")
    projected = gdf.to_crs(target)
    present = ~(projected.geometry.is_empty | projected.geometry.isna())
    if not present.any():
        raise InvalidParameterError("the layer has no geometry to rasterize")
    bounds = projected[present].total_bounds
    west, south = (math.floor(v / resolution_m) * resolution_m for v in bounds[:2])
    east, north = (math.ceil(v / resolution_m) * resolution_m for v in bounds[2:])
    width, height = max(1, round((east - west) / resolution_m)), max(1, round((north - south) / resolution_m))
    if width * height > MAX_GEOTIFF_PIXELS:
        coarsest = math.sqrt((east - west) * (north - south) / MAX_GEOTIFF_PIXELS)
        raise InvalidParameterError(
            f"resolution_m={resolution_m:g} makes {width}×{height} pixels, more than "
            f"{MAX_GEOTIFF_PIXELS}; use resolution_m of at least {math.ceil(coarsest)}"
        )
    transform = from_origin(west, north, resolution_m, resolution_m)
    codes = status_classes(projected["status"][present])
    classes = rasterize(
        zip(projected.geometry[present], codes, strict=True),
        out_shape=(height, width),
        transform=transform,
        fill=0,
        dtype=np.uint8,
    )
    table = class_table()
    band_tags = {"CLASSES": orjson.dumps(table).decode()}
    for row in table:
        band_tags |= {
            f"CLASS_{row['code']}": row["status"],
            f"CLASS_{row['code']}_VI": row["vi"],
            f"CLASS_{row['code']}_EN": row["en"],
        }
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "uint8",
        "nodata": 0,
        "crs": target,
        "transform": transform,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with MemoryFile() as memory:
        with memory.open(**profile) as dataset:
            dataset.write(classes, 1)
            dataset.write_colormap(
                1, {0: (0, 0, 0, 0)} | {row["code"]: (*palette.rgb(row["color"]), 255) for row in table}
            )
            dataset.set_band_description(1, "NTM status class")
            dataset.update_tags(1, **band_tags)
            dataset.update_tags(**{str(k): str(v) for k, v in (tags or {}).items()})
        return memory.read()


def _metric_crs(crs) -> rasterio.crs.CRS:
    try:
        target = rasterio.crs.CRS.from_user_input(crs)
    except rasterio.errors.CRSError:
        raise CRSError(f"crs {crs!r} is not a coordinate reference system; write e.g. 'EPSG:3857'") from None
    if not target.is_projected or target.linear_units_factor[1] != 1.0:
        raise CRSError(
            f"crs {crs!r} is not projected in metres; use e.g. EPSG:3857 (Web Mercator), "
            "EPSG:32648 (UTM 48N) or a VN-2000 projection"
        )
    return target
