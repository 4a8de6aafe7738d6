"""A region of one vintage: a polygon layer taken as the units of one date, with no history.

Used to serve a layer that has no code history behind it, such as the national 2013 commune
layer (``geo-ntm boundaries snapshot``): its units are valid from the vintage date with no
end, districts and provinces are dissolved from them, and there are no events. Codes are the
source's own identifiers (the national 2013 layer has no GSO codes).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd

from geo_ntm.errors import SourceError
from geo_ntm.names import canonical, split_type

from .build import BuildResult
from .geometry import clean_coverage
from .history import Version
from .write import write_atomically


def _code(value) -> str:
    return str(value).removesuffix(".0")


def build_snapshot(
    path: str | Path,
    out: str | Path,
    *,
    day: date,
    name: str,
    code: str = "00",
    fields: dict | None = None,
    gap_width_m: float = 200,
) -> Path:
    """Write a one-vintage region GeoPackage from a commune polygon file.

    ``fields`` names the source columns: ``province_id``, ``province``, ``district_id``,
    ``district``, ``commune_id``, ``commune`` (defaults: those of the vietnam63 national file).
    """
    f = {
        "province_id": "province_id",
        "province": "province_vn",
        "district_id": "district_id",
        "district": "district_vn",
        "commune_id": "commune_id",
        "commune": "commune_vn",
        **(fields or {}),
    }
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several classes for unreadable files
        raise SourceError(str(path), f"cannot be read as a vector file ({exc.__class__.__name__})") from None
    missing = [c for c in f.values() if c not in frame.columns]
    if missing:
        raise SourceError(str(path), f"missing field(s) {missing}; it has {list(frame.columns)}")
    frame = frame.to_crs(4326)
    cleaned, cleaning = clean_coverage(frame.geometry.values, gap_width_m)
    parts = {_code(c): g for c, g in zip(frame[f["commune_id"]], cleaned) if not g.is_empty}
    versions: list[Version] = []
    districts: dict[str, tuple[str, str, set]] = {}
    provinces: dict[str, tuple[str, set]] = {}
    for r in frame.itertuples():
        cid, did, pid = (_code(getattr(r, f[k])) for k in ("commune_id", "district_id", "province_id"))
        if cid not in parts:
            continue
        unit_name = canonical(str(getattr(r, f["commune"])))
        versions.append(Version("commune", cid, unit_name, split_type(unit_name)[0], did, pid, day, frozenset([cid])))
        districts.setdefault(did, (canonical(str(getattr(r, f["district"]))), pid, set()))[2].add(cid)
        provinces.setdefault(pid, (canonical(str(getattr(r, f["province"]))), set()))[1].add(cid)
    for did, (dname, pid, members) in districts.items():
        versions.append(Version("district", did, dname, split_type(dname)[0], pid, pid, day, frozenset(members)))
    for pid, (pname, members) in provinces.items():
        versions.append(Version("province", pid, pname, "Tỉnh", "", pid, day, frozenset(members)))
    info = {
        "province": code,
        "name": name,
        "provinces_before_reform": sorted(provinces),
        "history_starts": {p: day.isoformat() for p in provinces},
        "covered_from": day.isoformat(),
        "reform_date": date.max.isoformat(),
        "polygons_vintage": day.isoformat(),
        "cleaning": cleaning,
        "snapshot": True,
        "sources": {Path(path).name: "snapshot"},
        "list_anomalies": [],
    }
    part_rows = [
        {"part_id": c, "name_2013": v.name, "district_2013": v.parent_code, "source_id": c, "source_row": 0}
        for c, v in ((v.code, v) for v in versions if v.level == "commune")
    ]
    result = BuildResult(
        code,
        name,
        sorted(provinces),
        {p: day for p in provinces},
        date.max,
        versions,
        [],
        [],
        parts,
        part_rows,
        [],
        {},
        info,
    )
    return write_atomically(result, Path(out))
