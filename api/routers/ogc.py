"""OGC API - Features (Part 1: Core, GeoJSON), so QGIS and other clients connect without custom code.

Collections are the map layers; ``datetime`` picks the date (an instant, ``2023-12-31`` or
``2023-12-31T00:00:00Z``; default today). Features are identified by their unit code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import CacheDep, CatalogDep
from api.http import cached, respond
from geo_ntm.catalog import FIELDS, LAYERS, Filters, When
from geo_ntm.errors import InvalidParameterError, NotFoundError
from geo_ntm.layers.geojson import feature_collection
from geo_ntm.layers.tiles import parse_bbox

router = APIRouter(prefix="/ogc", tags=["OGC API - Features"])

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
GEOJSON = "application/geo+json"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _json(body: dict, media_type: str = "application/json") -> Response:
    return Response(orjson.dumps(body), media_type=media_type)


def _datetime(catalog, text: str | None) -> When:
    if not text:
        return catalog.when()
    if "/" in text:
        raise InvalidParameterError("datetime intervals are not supported; give one instant, e.g. 2023-12-31")
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidParameterError(f"datetime {text!r} is not a date; write e.g. 2023-12-31") from None
    return catalog.when(day)


def _collection(request: Request, catalog, layer) -> dict:
    base = _base(request)
    bounds = [float(v) for v in catalog.atlas.units_on(date.today(), "province").total_bounds]
    return {
        "id": layer.id,
        "title": layer.title_vi,
        "description": f"{layer.description_vi} / {layer.description_en}",
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": {
            "spatial": {"bbox": [bounds], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
            "temporal": {"interval": [[f"{catalog.atlas.covered_from.isoformat()}T00:00:00Z", None]]},
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


@router.get("")
def landing(request: Request) -> Response:
    """OGC API landing page."""
    base = _base(request)
    return _json(
        {
            "title": "geo-ntm",
            "description": "Kết quả xây dựng nông thôn mới theo đơn vị hành chính qua các thời kỳ",
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


@router.get("/conformance")
def conformance() -> Response:
    """Conformance classes implemented."""
    return _json({"conformsTo": CONFORMANCE})


@router.get("/collections")
def collections(request: Request, catalog: CatalogDep) -> Response:
    """The collections (one per map layer)."""
    base = _base(request)
    return _json(
        {
            "links": [{"href": f"{base}/ogc/collections", "rel": "self", "type": "application/json"}],
            "collections": [_collection(request, catalog, layer) for layer in LAYERS.values()],
        }
    )


@router.get("/collections/{collection_id}")
def collection(request: Request, catalog: CatalogDep, collection_id: str) -> Response:
    """One collection."""
    return _json(_collection(request, catalog, catalog.layer(collection_id)))


@router.get("/collections/{collection_id}/items")
async def items(
    request: Request,
    catalog: CatalogDep,
    cache: CacheDep,
    collection_id: str,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    datetime_: Annotated[str | None, Query(alias="datetime")] = None,
) -> Response:
    """Features of a collection, with bbox, limit, offset and datetime (one date)."""
    layer = catalog.layer(collection_id)
    when = _datetime(catalog, datetime_)
    filters = Filters(parse_bbox(bbox) if bbox else None).check()
    version = catalog.service.version()
    key = ("ogc", layer.id, when.key, filters.bbox, limit, offset)

    def make():
        frame = catalog.select(layer.id, when, filters=filters)
        page = frame.iloc[offset : offset + limit]
        body = orjson.loads(feature_collection(page, properties=list(FIELDS)))
        params = {k: v for k, v in request.query_params.items() if k not in ("offset", "limit")}
        link = f"{_base(request)}/ogc/collections/{layer.id}/items?"
        links = [
            {"href": link + urlencode({**params, "limit": limit, "offset": offset}), "rel": "self", "type": GEOJSON}
        ]
        if offset + limit < len(frame):
            links.append(
                {
                    "href": link + urlencode({**params, "limit": limit, "offset": offset + limit}),
                    "rel": "next",
                    "type": GEOJSON,
                }
            )
        if offset > 0:
            links.append(
                {
                    "href": link + urlencode({**params, "limit": limit, "offset": max(0, offset - limit)}),
                    "rel": "prev",
                    "type": GEOJSON,
                }
            )
        body.update(
            {
                "numberMatched": len(frame),
                "numberReturned": len(page),
                "links": links,
                "timeStamp": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        return orjson.dumps(body), GEOJSON

    return respond(request, await cached(cache, version, key, make), version)


@router.get("/collections/{collection_id}/items/{feature_id}")
def item(
    request: Request,
    catalog: CatalogDep,
    collection_id: str,
    feature_id: str,
    datetime_: Annotated[str | None, Query(alias="datetime")] = None,
) -> Response:
    """One feature, by unit code."""
    layer = catalog.layer(collection_id)
    frame = catalog.select(layer.id, _datetime(catalog, datetime_))
    row = frame[frame["code"] == feature_id]
    if row.empty:
        raise NotFoundError(f"no feature {feature_id!r} in {layer.id} on that date; feature ids are unit codes")
    body = orjson.loads(feature_collection(row, properties=list(FIELDS)))["features"][0]
    body["links"] = [
        {"href": f"{_base(request)}/ogc/collections/{layer.id}/items/{feature_id}", "rel": "self", "type": GEOJSON},
        {"href": f"{_base(request)}/ogc/collections/{layer.id}", "rel": "collection", "type": "application/json"},
    ]
    return _json(body, GEOJSON)
