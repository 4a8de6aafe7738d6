"""OGC API - Features (Part 1: Core, GeoJSON), so QGIS and other clients connect without custom code.

Collections are the map layers; ``datetime`` picks the date (an instant, ``2023-12-31`` or
``2023-12-31T00:00:00Z``; default today). Features are identified by their unit code. A
collection whose level has no units on that date (districts from 2025-07-01) answers an empty
page with a ``note`` saying why; its temporal extent ends on the level's last day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from geojson_pydantic import Feature

from api.deps import BaseUrlDep, CacheDep, CatalogDep, LayerDep, SnapshotDep
from api.http import cache_control, cached, etag_for, not_modified
from api.schemas import OgcCollection, OgcCollections, OgcConformance, OgcItems, OgcLanding, documented
from geo_ntm.catalog import FIELDS, LAYERS, Filters
from geo_ntm.errors import NotFoundError
from geo_ntm.i18n import text
from geo_ntm.layers.geojson import feature_collection
from geo_ntm.layers.tiles import parse_bbox
from geo_ntm.when import When, level_period, parse_instant, resolve, today

router = APIRouter(prefix="/ogc", tags=["OGC API - Features"])

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
GEOJSON = "application/geo+json"
DatetimeQ = Annotated[str | None, Query(alias="datetime", description="an instant: 2023-12-31 (default: today)")]


def _json(body: dict, media_type: str = "application/json") -> Response:
    return Response(orjson.dumps(body), media_type=media_type)


def _when(atlas, text: str | None) -> When:
    """The ``datetime`` instant (a date or an RFC 3339 date-time); none: today."""
    return resolve(atlas, parse_instant(text) if text else None)


def _instant(day: date | None, end: bool = False) -> str | None:
    return None if day is None else f"{day.isoformat()}T{'23:59:59' if end else '00:00:00'}Z"


def _collection(base: str, catalog, layer) -> dict:
    first, last = level_period(catalog.atlas, layer.level)
    bounds = [float(v) for v in catalog.atlas.units_on(last or today(), "province").total_bounds]
    return {
        "id": layer.id,
        "title": layer.title_vi,
        "description": f"{layer.description_vi} / {layer.description_en}",
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": {
            "spatial": {"bbox": [bounds], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
            # Districts end on their last day (2025-06-30): items of a later datetime are an empty page with a note.
            "temporal": {"interval": [[_instant(first), _instant(last, end=True)]]},
        },
        "links": [
            {"href": f"{base}/ogc/collections/{layer.id}", "rel": "self", "type": "application/json"},
            {"href": f"{base}/ogc/collections/{layer.id}/items", "rel": "items", "type": GEOJSON},
            {
                "href": f"{base}/api/layers/{layer.id}.gpkg",
                "rel": "enclosure",
                "type": "application/geopackage+sqlite3",
            },
        ],
    }


@router.get("", responses=documented(OgcLanding))
def landing(base: BaseUrlDep) -> Response:
    """OGC API landing page."""
    return _json(
        {
            "title": "geo-ntm",
            "description": f"{text('vi', 'home.lead')} / {text('en', 'home.lead')}",
            "links": [
                {"href": f"{base}/ogc", "rel": "self", "type": "application/json"},
                {
                    "href": f"{base}/openapi.json",
                    "rel": "service-desc",
                    "type": "application/vnd.oai.openapi+json;version=3.0",
                },
                {"href": f"{base}/docs", "rel": "service-doc", "type": "text/html"},
                {"href": f"{base}/ogc/conformance", "rel": "conformance", "type": "application/json"},
                {"href": f"{base}/ogc/collections", "rel": "data", "type": "application/json"},
            ],
        }
    )


@router.get("/conformance", responses=documented(OgcConformance))
def conformance() -> Response:
    """Conformance classes implemented."""
    return _json({"conformsTo": CONFORMANCE})


@router.get("/collections", responses=documented(OgcCollections))
def collections(catalog: CatalogDep, base: BaseUrlDep) -> Response:
    """The collections (one per map layer)."""
    return _json(
        {
            "links": [{"href": f"{base}/ogc/collections", "rel": "self", "type": "application/json"}],
            "collections": [_collection(base, catalog, layer) for layer in LAYERS.values()],
        }
    )


@router.get("/collections/{layer_id}", responses=documented(OgcCollection))
def collection(catalog: CatalogDep, base: BaseUrlDep, layer: LayerDep) -> Response:
    """One collection."""
    return _json(_collection(base, catalog, layer))


@router.get("/collections/{layer_id}/items", responses=documented(OgcItems, GEOJSON))
async def items(
    request: Request,
    catalog: CatalogDep,
    snap: SnapshotDep,
    cache: CacheDep,
    base: BaseUrlDep,
    layer: LayerDep,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    datetime_: DatetimeQ = None,
    province_code: Annotated[
        str | None, Query(pattern=r"^\d{2}$", description="a province's units only (a queryable property)")
    ] = None,
) -> Response:
    """Features of a collection, with bbox, limit, offset, datetime (one instant) and province_code.

    The page of features is cached per data version; its links are written per request from
    the public base URL, outside the cache, so no request header reaches a cached body.
    """
    when = _when(catalog.atlas, datetime_)
    filters = Filters(parse_bbox(bbox) if bbox else None, province=province_code)
    version = snap.version
    key = ("ogc", layer.id, when.key, filters.key, limit, offset)

    def make():
        frame = catalog.select(snap, layer.id, when, filters=filters)
        page = frame.iloc[offset : offset + limit]
        note = catalog.note(snap, layer.id, when)
        members = {
            "numberMatched": len(frame),
            "numberReturned": len(page),
            "timeStamp": datetime.now(UTC).isoformat(timespec="seconds"),
            **({"note": note.as_dict()} if note is not None else {}),
        }
        body = feature_collection(page, properties=list(FIELDS), members=members)
        return body, GEOJSON, {"matched": len(frame)}

    item = await cached(cache, version, key, make)
    matched = item.meta["matched"]
    query = {k: v for k, v in (("bbox", bbox), ("datetime", datetime_), ("province_code", province_code)) if v}
    here = f"{base}/ogc/collections/{layer.id}/items?"
    pages = [("self", offset)] + ([("next", offset + limit)] if offset + limit < matched else [])
    pages += [("prev", max(0, offset - limit))] if offset > 0 else []
    links = [
        {"href": here + urlencode({**query, "limit": limit, "offset": at}), "rel": rel, "type": GEOJSON}
        for rel, at in pages
    ]
    body = item.body[:-1] + b',"links":' + orjson.dumps(links) + b"}"
    etag = etag_for(version, (*key, base))
    headers = {"ETag": etag, "Cache-Control": cache_control(request, version), "X-Data-Version": str(version)}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=GEOJSON, headers=headers)


@router.get("/collections/{layer_id}/items/{feature_id}", responses=documented(Feature, GEOJSON, "One unit"))
def item(
    catalog: CatalogDep,
    snap: SnapshotDep,
    base: BaseUrlDep,
    layer: LayerDep,
    feature_id: str,
    datetime_: DatetimeQ = None,
) -> Response:
    """One feature, by unit code."""
    frame = catalog.select(snap, layer.id, _when(catalog.atlas, datetime_))
    row = frame[frame["code"] == feature_id]
    if row.empty:
        raise NotFoundError(f"no feature {feature_id!r} in {layer.id} on that date; feature ids are unit codes")
    body = orjson.loads(feature_collection(row, properties=list(FIELDS)))["features"][0]
    body["links"] = [
        {"href": f"{base}/ogc/collections/{layer.id}/items/{feature_id}", "rel": "self", "type": GEOJSON},
        {"href": f"{base}/ogc/collections/{layer.id}", "rel": "collection", "type": "application/json"},
    ]
    return _json(body, GEOJSON)
