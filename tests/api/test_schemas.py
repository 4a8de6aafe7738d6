"""/docs shows what each endpoint returns, and real answers match what it shows."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from api.schemas import Catalogue, Layer, OgcCollections, OgcItems, StatusRow, Summary


def test_openapi_names_a_schema_for_every_json_answer(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"Layer", "OgcItems", "Summary", "StatusRow", "Catalogue", "TileJSON", "Region", "Dossier"} <= set(schemas)
    untyped = []
    for path, methods in spec["paths"].items():
        answer = methods.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        if path.startswith(("/api/layers", "/api/status", "/api/summary", "/ogc", "/api/boundaries", "/api/planning")):
            if not any(media.get("schema") for media in answer.values()) and not path.endswith(("csv}", ".{fmt}")):
                untyped.append(path)
    assert [p for p in untyped if "{fmt}" not in p and "crosswalk" not in p and "events" not in p] == []


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/api/layers/communes.geojson?year=2023&zoom=8", Layer),
        ("/api/layers/districts.geojson", Layer),  # today: empty, with a note
        ("/ogc/collections/districts/items?datetime=2024-06-30&limit=3", OgcItems),
        ("/ogc/collections/districts/items", OgcItems),
        ("/ogc/collections", OgcCollections),
        ("/api/summary?year=2023", Summary),
        ("/api/summary", Summary),
        ("/api/layers", Catalogue),
        ("/api/status?date=2025-07-01", TypeAdapter(list[StatusRow])),
    ],
)
def test_answers_match_their_published_schema(client, url, model):
    body = client.get(url).json()
    (model.validate_python if isinstance(model, TypeAdapter) else model.model_validate)(body)
