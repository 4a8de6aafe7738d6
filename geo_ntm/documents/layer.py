"""The units a document names, as GeoJSON: boundaries of the document's date, with what the
document says about each and what the records say, side by side.

Outlines and record statuses come from the status layers of :class:`geo_ntm.catalog.Catalog`
(the same frames, simplified for a zoom, as every map of the service), so the records side of
a document's map is the status map of that date.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from geo_ntm.catalog import Catalog, When
from geo_ntm.layers.geojson import feature_collection
from geo_ntm.status.snapshot import Snapshot

LAYER_OF_LEVEL = {"province": "provinces", "district": "districts", "commune": "communes"}
#: Drawn first to last: the province beneath, communes on top.
ORDER = ("province", "district", "commune")
PROPERTIES = ("code", "uid", "name", "name_en", "level", "type", "parent_name", "mentions", "first_mention",
              "document", "document_year", "target", "status", "status_vi", "status_en", "decision_no",
              "decision_signed", "year_label", "source")  # fmt: skip


def what_document_says(analysis: dict) -> dict[str, dict]:
    """Per unit uid: mentions, the level the document claims (or "mentioned"), and the id of a target on it."""
    out: dict[str, dict] = {}
    for u in analysis["units"]:
        if u["status"] == "matched":
            entry = out.setdefault(u["unit"]["uid"], {"mentions": 0, "first_mention": u["id"], "document": "mentioned",
                                                      "document_year": None, "target": None})  # fmt: skip
            entry["mentions"] += 1
    by_mention = {u["id"]: u["unit"]["uid"] for u in analysis["units"] if u["status"] == "matched"}
    for c in analysis["claims"]:
        for m in c["units"]:
            if m in by_mention:
                out[by_mention[m]].update(document=c["level"], document_year=c.get("year"))
    for t in analysis["targets"]:
        for m in t.get("units", []):
            if m in by_mention and not out[by_mention[m]]["target"]:
                out[by_mention[m]]["target"] = t["id"]
    return out


def document_layer(analysis: dict, catalog: Catalog, snap: Snapshot, zoom: int = 9) -> bytes:
    """GeoJSON of the units ``analysis`` names, on its date (see the module docstring)."""
    says = what_document_says(analysis)
    when = When(day=date.fromisoformat(analysis["as_of"]))
    levels = {catalog.atlas.units.loc[uid, "level"] for uid in says}
    frames = []
    for level in ORDER:
        if level not in levels:
            continue
        frame = catalog.select(snap, LAYER_OF_LEVEL[level], when, zoom=zoom)
        frame = frame[frame["uid"].isin(says)].copy()
        frame["level"] = level
        for field in ("mentions", "first_mention", "document", "document_year", "target"):
            frame[field] = frame["uid"].map(lambda u, f=field: says[u][f])
        frames.append(frame)
    if not frames:
        empty = gpd.GeoDataFrame({"code": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
        return feature_collection(empty, properties=[])
    layer = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    return feature_collection(layer, properties=[p for p in PROPERTIES if p in layer.columns], precision=5, bbox=True)
