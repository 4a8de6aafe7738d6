"""Writing a built boundary history as one GeoPackage.

Layers (every date is an ISO string; ``valid_to`` is the last day in force, empty while in
force):

- ``units``: one row per unit version, all levels, with geometry (EPSG:4326);
- ``unit_parts``: which base parts (2013 communes, cleaned) make each version;
- ``parts``: the base parts themselves, with their 2013 name and source feature;
- ``events`` and ``event_links``: reorganisations and the versions they ended and started;
- ``non_admin``: areas of the base vintage that are not administrative units, with the units
  that held them (they are also parts, ``is_admin_unit`` false);
- ``issues``: what the build could not resolve from the sources;
- ``build_info``: region, dates, cleaning report and source hashes (JSON values).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import pyogrio

from .geometry import area_km2, dissolve

if TYPE_CHECKING:
    from .build import BuildResult


def _iso(day) -> str:
    return day.isoformat() if day else ""


def units_frame(result: BuildResult) -> gpd.GeoDataFrame:
    cache: dict = {}
    geoms = []
    for v in result.versions:
        if not v.parts:
            geoms.append(None)
            continue
        if v.parts not in cache:
            cache[v.parts] = dissolve(result.parts, v.parts)
        geoms.append(cache[v.parts])
    frame = gpd.GeoDataFrame(
        {
            "uid": [v.uid for v in result.versions],
            "level": [v.level for v in result.versions],
            "code": [v.code for v in result.versions],
            "name": [v.name for v in result.versions],
            "type": [v.type for v in result.versions],
            "parent_code": [v.parent_code for v in result.versions],
            "province_code": [v.province_code for v in result.versions],
            "valid_from": [_iso(v.valid_from) for v in result.versions],
            "valid_to": [_iso(v.valid_to) for v in result.versions],
            "quality": [v.quality for v in result.versions],
            "note": [v.note for v in result.versions],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    frame["area_km2"] = area_km2(frame.geometry.values).round(4)
    frame["official_area_km2"] = [
        result.official_area.get(v.code) if v.level == "commune" and v.valid_from >= result.reform else None
        for v in result.versions
    ]
    return frame


def events_frames(result: BuildResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, links = [], []
    counters: dict[tuple, int] = {}
    for e in result.events:
        n = counters[(e.date, e.level)] = counters.get((e.date, e.level), 0) + 1
        eid = f"{e.date.isoformat()}/{e.level}/{n:03d}"
        rows.append(
            {
                "event_id": eid,
                "date": e.date.isoformat(),
                "level": e.level,
                "kind": e.kind,
                "changes": ",".join(e.changes),
                "predecessors": ";".join(v.uid for v in e.predecessors),
                "successors": ";".join(v.uid for v in e.successors),
                "legal_act": e.legal_act or "",
                "legal_act_text": e.legal_act_text or "",
                "legal_act_source": e.legal_act_source or "",
                "geometry_reconstructed": bool(e.geometry_reconstructed),
                "approximate": e.approximate,
                "area_km2": e.area_km2,
                "note": e.note,
            }
        )
        for p in e.predecessors or [None]:
            for s in e.successors or [None]:
                share = e.shares.get((p.uid, s.uid)) if p and s else None
                links.append(
                    {
                        "event_id": eid,
                        "predecessor": p.uid if p else "",
                        "successor": s.uid if s else "",
                        "share": None if share is None else round(share, 6),
                    }
                )
    columns = [
        "event_id",
        "date",
        "level",
        "kind",
        "changes",
        "predecessors",
        "successors",
        "legal_act",
        "legal_act_text",
        "legal_act_source",
        "geometry_reconstructed",
        "approximate",
        "area_km2",
        "note",
    ]
    return (
        pd.DataFrame(rows, columns=columns),
        pd.DataFrame(links, columns=["event_id", "predecessor", "successor", "share"]),
    )


def write_atomically(result: BuildResult, target: Path) -> Path:
    """Write ``result`` to ``target`` through a temporary file: the target is whole or untouched."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(suffix=".gpkg", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        write_gpkg(result, Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def write_gpkg(result: BuildResult, path: Path) -> None:
    """Write every layer of ``result`` to a new GeoPackage at ``path``."""
    units = units_frame(result)
    events, links = events_frames(result)
    unit_parts = pd.DataFrame(
        [(v.uid, p) for v in result.versions if v.parts for p in sorted(v.parts)], columns=["uid", "part_id"]
    )
    parts = gpd.GeoDataFrame(
        result.part_rows, geometry=[result.parts[r["part_id"]] for r in result.part_rows], crs="EPSG:4326"
    )
    parts["area_km2"] = area_km2(parts.geometry.values).round(6)
    non_admin = gpd.GeoDataFrame(
        result.non_admin,
        geometry=[dissolve(result.parts, r["parts"].split(";")) for r in result.non_admin],
        crs="EPSG:4326",
    )
    issues = pd.DataFrame(
        [
            {"date": _iso(i.date), "level": i.level, "code": i.code, "problem": i.problem, "source": i.source}
            for i in result.issues
        ],
        columns=["date", "level", "code", "problem", "source"],
    )
    info = pd.DataFrame(
        [{"key": k, "value": json.dumps(v, ensure_ascii=False, sort_keys=True)} for k, v in sorted(result.info.items())]
    )
    opts = {"driver": "GPKG"}
    # A fixed timestamp in gpkg_contents makes the file byte-for-byte reproducible.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{result.reform.isoformat()}T00:00:00.000Z"})
    pyogrio.write_dataframe(units, path, layer="units", promote_to_multi=True, **opts)
    for name, frame in [
        ("unit_parts", unit_parts),
        ("events", events),
        ("event_links", links),
        ("issues", issues),
        ("build_info", info),
    ]:
        pyogrio.write_dataframe(frame, path, layer=name, **opts)
    pyogrio.write_dataframe(parts, path, layer="parts", promote_to_multi=True, **opts)
    if len(non_admin):
        pyogrio.write_dataframe(non_admin, path, layer="non_admin", promote_to_multi=True, **opts)
