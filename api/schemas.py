"""What the JSON answers look like, as pydantic models, so ``/docs`` shows every schema.

Answers built as dictionaries are validated against these (``response_model``). Answers served
from the byte cache (layers, status, summary, OGC pages) keep their fast path: their model is
declared for the documentation only (:func:`documented`), and a test checks real answers against
the published schema. GeoJSON uses geojson-pydantic. Models allow extra members, so a field added
to an answer shows up without breaking its clients; what is listed is what clients can rely on.
"""

from __future__ import annotations

from typing import Any

from geojson_pydantic import Feature, FeatureCollection
from geojson_pydantic.geometries import Geometry
from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Text(Open):
    vi: str
    en: str


class Note(Text):
    """Why an answer is empty (or moved to another date), in both languages, with the dates."""

    reason: str = Field(description="e.g. level_abolished, no_list")


class Health(Open):
    status: str
    region: str
    name: str


class Region(Open):
    province: str
    name: str
    provinces_before_reform: list[str]
    covered_from: str
    reform_date: str
    change_dates: dict[str, list[str]]
    issues: list[dict[str, Any]]
    sources: dict[str, Any]


class UnitRecord(Open):
    uid: str = Field(description="code@valid_from")
    level: str
    code: str
    name: str
    type: str | None
    parent_code: str | None
    province_code: str | None
    valid_from: str
    valid_to: str | None = Field(description="last day; null while it exists")
    area_km2: float | None
    official_area_km2: float | None = None
    note: str | None = None


class Step(Open):
    direction: str
    event_id: str
    date: str
    kind: str
    legal_act: str | None
    to: str | None
    to_name: str | None
    share: float | None


class UnitDetail(UnitRecord):
    predecessors: list[Step]
    successors: list[Step]
    versions: list[UnitRecord]


class Lineage(Open):
    unit: UnitRecord
    steps: list[Step]


class LayerDates(Open):
    from_: str = Field(alias="from")
    to: str | None
    boundary_changes: list[str]
    last_unit_date: str | None = Field(description="the level's last day (districts: 2025-06-30); null: still in use")


class LayerField(Open):
    name: str
    vi: str
    en: str


class LayerEntry(Open):
    id: str
    level: str
    title: Text
    description: Text
    dates: LayerDates
    bounds: list[float]
    fields: list[LayerField]
    links: dict[str, str]


class Catalogue(Open):
    data_version: int
    layers: list[LayerEntry]


class TileJSON(Open):
    tilejson: str
    name: str
    version: str
    scheme: str
    minzoom: int
    maxzoom: int
    bounds: list[float]
    center: list[float]
    attribution: str
    tiles: list[str]
    vector_layers: list[dict[str, Any]] | None = None


class UnitProperties(Open):
    """A unit's row on a map (every layer format carries the same fields; ``fields=`` picks some)."""

    code: str | None = None
    uid: str | None = None
    name: str | None = None
    status: str | None = Field(None, description="chua_dat, dat_chuan, hoan_thanh, nang_cao, kieu_mau, …")
    status_vi: str | None = None
    status_en: str | None = None
    decision_no: str | None = None
    decision_signed: str | None = None
    source: str | None = Field(None, description="official or illustrative")


class Layer(FeatureCollection[Feature[Geometry | None, UnitProperties]]):
    """A layer on a date; ``note`` says why it is empty when its level has no units that day."""

    model_config = ConfigDict(extra="allow")
    note: Note | None = None


class OgcItems(Layer):
    numberMatched: int
    numberReturned: int
    timeStamp: str
    links: list[dict[str, str]]


class StatusRow(Open):
    uid: str
    code: str
    name: str
    type: str | None
    parent_code: str | None
    province_code: str | None
    status: str
    status_vi: str
    status_en: str
    decision_no: str | None
    decision_signed: str | None
    year_label: int | None
    source: str | None
    review_vi: str | None
    constituents: list[dict[str, Any]] | None


class Target(Open):
    id: str
    metric: str
    target: float
    deadline: str
    current: float | None
    progress: float | None
    met: bool
    evaluated_on: str = Field(description="the deadline once it has passed: a target is judged on its own date")
    source: str
    citation: str | None


class Summary(Open):
    as_of: str
    mode: str = Field(description="date or year")
    year: int | None
    province: str
    province_name: str
    figures: dict[str, float | int | None] = Field(description="district figures are null when there are none")
    by_district: list[dict[str, Any]]
    targets: list[Target]
    reported: list[dict[str, Any]]
    notes: list[Note]
    illustrative: bool


class Flag(Open):
    kind: str
    unit_code: str
    unit_name: str
    date: str
    message_vi: str
    message_en: str


class Criterion(Open):
    number: int
    vi: str
    en: str


class CriteriaSet(Open):
    id: str
    unit_level: str
    levels: list[str]
    period: list[str]
    legal_act: str | None
    title: str | dict[str, str] | None  # some sets are titled in both languages
    criteria: list[Criterion]
    in_force: str | None = None
    indicators: int | None = None
    groups: list[dict[str, Any]] = []
    groups_source: str | None = None
    thresholds_note: dict[str, str] | None = None


class SearchAnswer(Open):
    query: str
    date: str | None
    level: str | None
    count: int
    results: list[dict[str, Any]]


class DifficultCommunes(Open):
    date: str
    list: dict[str, Any]
    targets: list[dict[str, Any]]
    count: int
    totals: dict[str, Any]
    notes: list[Text]
    rows: list[dict[str, Any]]


class Dossier(Open):
    date: str
    unit: dict[str, Any]
    status: dict[str, Any]
    progress: dict[str, Any]
    history: list[dict[str, Any]]
    lineage: dict[str, Any]
    present: dict[str, Any] | None = None


class ListVersion(Open):
    id: str
    kind: str
    legal_act: str | None
    valid_from: str
    valid_to: str | None
    entries: list[dict[str, Any]]


class OgcLanding(Open):
    title: str
    description: str
    links: list[dict[str, str]]


class OgcConformance(Open):
    conformsTo: list[str]


class OgcCollection(Open):
    id: str
    title: str
    extent: dict[str, Any]
    links: list[dict[str, str]]


class OgcCollections(Open):
    links: list[dict[str, str]]
    collections: list[OgcCollection]


def documented(model: Any, media_type: str = "application/json", description: str | None = None) -> dict:
    """``responses=`` for a route that answers bytes: its schema shows in /docs, its body is not re-validated."""
    text = description or getattr(model, "__doc__", None) or "the answer"
    return {200: {"model": model, "content": {media_type: {}}, "description": text.strip().splitlines()[0]}}


class PublishedFigure(Open):
    """A figure of the programme's public record, with its date, precision and source."""

    metric: str
    value: float
    denominator: float | None
    share_pct: float | None
    as_of: str | None
    precision: str = Field(description="exact, month, year or inferred")
    citation: str
    source_url: str
    publisher: str


class ProvinceShare(Open):
    code: str
    name: str
    share_pct: float | None = Field(description="published share of its communes at NTM standard; null: no data")
    as_of: str | None
    precision: str | None
    basis: str = Field(description='"published", "sum of its former provinces …" or "no data"')
    citation: str | None
    source_url: str | None
    status: str | None


class NationalView(Open):
    """Provinces with their published share of NTM communes and status, and the national series."""

    date: str
    region: str
    provinces: list[ProvinceShare]
    counts: dict[str, int]
    latest: dict[str, PublishedFigure]
    series: list[PublishedFigure]
