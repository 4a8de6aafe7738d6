"""Map layers: catalogue, GeoJSON, vector and PNG tiles, TileJSON, GeoTIFF and downloads."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import BaseUrlDep, CacheDep, CatalogDep, FieldsDep, FiltersDep, LayerDep, SnapshotDep, WhenDep
from api.http import cached, respond
from api.schemas import Catalogue, Layer, TileJSON, documented
from geo_ntm.catalog import FIELDS, LAYERS
from geo_ntm.errors import NotFoundError
from geo_ntm.i18n import text
from geo_ntm.layers import exports, raster
from geo_ntm.layers.geojson import feature_collection, precision_for_zoom
from geo_ntm.layers.mvt import mvt_tile
from geo_ntm.layers.raster import png_tile
from geo_ntm.layers.simplify import zoom_band
from geo_ntm.layers.tiles import check_tile
from geo_ntm.when import level_period, today

router = APIRouter(prefix="/api", tags=["layers"])

TILE_PROPERTIES = [
    "code",
    "name",
    "name_en",
    "type",
    "parent_code",
    "status",
    "status_vi",
    "status_en",
    "rank",
    "decision_no",
    "decision_signed",
    "year_label",
    "source",
    "dbkk",
]


@router.get("/layers", response_model=Catalogue)
def catalogue(catalog: CatalogDep, snap: SnapshotDep, base: BaseUrlDep) -> dict:
    """The layers: titles, date range, bounds, fields and the links to every format."""
    atlas = catalog.atlas
    now = today()
    bounds = [round(float(v), 5) for v in atlas.units_on(now, "province").total_bounds]
    version = snap.version
    out = []
    for layer in LAYERS.values():
        q = f"date={now.isoformat()}"
        level_dates = [d.isoformat() for d in atlas.change_dates(layer.level)]
        first, last = level_period(atlas, layer.level)
        out.append(
            {
                "id": layer.id,
                "level": layer.level,
                "title": {"vi": layer.title_vi, "en": layer.title_en},
                "description": {"vi": layer.description_vi, "en": layer.description_en},
                "dates": {
                    "from": atlas.covered_from.isoformat(),
                    "to": None,
                    "boundary_changes": level_dates,
                    "last_unit_date": last.isoformat() if last else None,
                },
                "bounds": bounds,
                "fields": [{"name": k, "vi": v[0], "en": v[1]} for k, v in FIELDS.items()],
                "links": {
                    "geojson": f"{base}/api/layers/{layer.id}.geojson?{q}",
                    "ogc_items": f"{base}/ogc/collections/{layer.id}/items?datetime={now.isoformat()}",
                    "mvt": f"{base}/api/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.mvt?{q}&v={version}",
                    "png": f"{base}/api/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.png?{q}&v={version}",
                    "tilejson": f"{base}/api/tiles/{layer.id}/tilejson.json?{q}",
                    **{fmt: f"{base}/api/layers/{layer.id}.{fmt}?{q}" for fmt in ("csv", "xlsx", "gpkg", "tif")},
                },
            }
        )
    return {"data_version": version, "layers": out}


@router.get("/layers/{layer_id}.geojson", responses=documented(Layer, "application/geo+json"))
async def geojson(
    request: Request,
    catalog: CatalogDep,
    snap: SnapshotDep,
    cache: CacheDep,
    layer: LayerDep,
    when: WhenDep,
    filters: FiltersDep,
    wanted: FieldsDep,
    zoom: Annotated[int | None, Query(ge=0, le=22, description="simplify for")] = None,
) -> Response:
    """A layer on a date as GeoJSON, filtered; geometry simplified for a zoom (shared edges kept)."""
    version = snap.version
    key = ("geojson", layer.id, when.key, None if zoom is None else zoom_band(zoom), filters.key, wanted)

    def make():
        frame = catalog.select(snap, layer.id, when, zoom=zoom, filters=filters)
        precision = precision_for_zoom(zoom) if zoom is not None else 6
        note = catalog.note(snap, layer.id, when)
        members = {"note": note.as_dict()} if note is not None else None
        body = feature_collection(
            frame, properties=list(wanted), precision=precision, members=members, grid_cache=catalog.tile_grids
        )
        return body, "application/geo+json"

    return respond(request, await cached(cache, version, key, make), version)


@router.get("/layers/{layer_id}.{fmt}")
async def download(
    request: Request,
    catalog: CatalogDep,
    snap: SnapshotDep,
    cache: CacheDep,
    layer: LayerDep,
    fmt: Literal["csv", "xlsx", "gpkg", "tif"],
    when: WhenDep,
    filters: FiltersDep,
    lang: Annotated[Literal["vi", "en"], Query(description="language of the column headers")] = "vi",
    resolution: Annotated[float, Query(ge=10, le=5000, description="GeoTIFF pixel, metres")] = 100,
) -> Response:
    """A layer on a date as CSV, Excel, GeoPackage or a categorical GeoTIFF.

    On a date when the layer has no units (districts from 2025-07-01), CSV, Excel and GeoPackage
    are valid empty files whose ``X-Note`` header says why; a GeoTIFF cannot be empty: 404, saying why.
    """
    version = snap.version
    name = f"{layer.id}-{when.key}.{fmt}"
    key = ("download", layer.id, fmt, when.key, filters.key, lang, resolution)
    note = catalog.note(snap, layer.id, when)
    if note is not None and fmt == "tif":
        raise NotFoundError(f"{note.text('en')} A GeoTIFF of no units cannot be made; ask for another date.")
    headers = [("Content-Disposition", f'attachment; filename="{name}"')]
    if note is not None:
        headers.append(("X-Note", note.header()))

    def make():
        frame = catalog.select(snap, layer.id, when, filters=filters)
        headers = {k: FIELDS[k][0 if lang == "vi" else 1] for k in FIELDS}
        if fmt == "csv":
            return exports.csv_bytes(frame, headers), "text/csv; charset=utf-8"
        if fmt == "xlsx":
            return exports.xlsx_bytes(frame, headers, sheet_name=layer.id), (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        if fmt == "gpkg":
            return exports.gpkg_bytes(frame[list(FIELDS) + ["geometry"]], layer.id), "application/geopackage+sqlite3"
        return raster.geotiff(frame, resolution_m=resolution, tags={"layer": layer.id, "as_of": when.key}), "image/tiff"

    item = await cached(cache, version, key, make, headers=headers)
    return respond(request, item, version)


@router.get("/tiles/{layer_id}/{z}/{x}/{y}.{fmt}")
async def tile(
    request: Request,
    catalog: CatalogDep,
    snap: SnapshotDep,
    cache: CacheDep,
    layer: LayerDep,
    z: int,
    x: int,
    y: int,
    fmt: Literal["mvt", "pbf", "png"],
    when: WhenDep,
) -> Response:
    """A vector (MVT) or PNG tile of a layer on a date, z/x/y in Web Mercator."""
    check_tile(z, x, y)
    version = snap.version
    key = ("tile", layer.id, fmt, when.key, z, x, y)

    def make():
        frame = catalog.select(snap, layer.id, when, zoom=z)
        if fmt == "png":
            districts = None
            if layer.id in ("communes", "dbkk") and when.as_of < catalog.atlas.reform_date:
                districts = catalog.select(snap, "districts", when, zoom=z)
            return png_tile(frame, z, x, y, district_outlines=districts, grid_cache=catalog.tile_grids), "image/png"
        grids = catalog.tile_grids
        return mvt_tile(frame, z, x, y, layer_name=layer.id, properties=TILE_PROPERTIES, grid_cache=grids), (
            "application/vnd.mapbox-vector-tile"
        )

    return respond(request, await cached(cache, version, key, make), version)


@router.get("/tiles/{layer_id}/tilejson.json", response_model=TileJSON)
def tilejson(
    catalog: CatalogDep,
    snap: SnapshotDep,
    base: BaseUrlDep,
    layer: LayerDep,
    when: WhenDep,
    format: Literal["mvt", "png"] = "mvt",
) -> dict:
    """TileJSON 3.0 for a layer on a date (vector or raster tiles)."""
    version = snap.version
    when_q = urlencode(when.params)
    bounds = [round(float(v), 5) for v in catalog.atlas.units_on(when.as_of, "province").total_bounds]
    out = {
        "tilejson": "3.0.0",
        "name": layer.title_vi,
        "description": layer.description_vi,
        "version": str(version),
        "scheme": "xyz",
        "minzoom": 0,
        "maxzoom": 16,
        "bounds": bounds,
        "center": [round((bounds[0] + bounds[2]) / 2, 5), round((bounds[1] + bounds[3]) / 2, 5), 9],
        "attribution": f"geo-ntm; {text('vi', 'sources.boundaries')}; {text('vi', 'sources.records')}",
        "tiles": [f"{base}/api/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.{format}?{when_q}&v={version}"],
    }
    if format == "mvt":
        out["vector_layers"] = [{"id": layer.id, "fields": {f: FIELDS[f][1] for f in TILE_PROPERTIES}}]
    return out
