"""Readers for the boundary source files.

Each reader checks what it reads and raises :class:`~geo_ntm.errors.SourceError` naming the
file, the 1-based data row and the column when something is wrong, so that a broken source
never turns into a wrong map. Names are returned in NFC with the unit type spelt the standard
way; codes stay strings with their leading zeros.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo_ntm.errors import SourceError
from geo_ntm.names import canonical, fold, nfc, split_type

_CODE = re.compile(r"^\d{2,5}$")
_UPDATE = re.compile(r"Update (\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class Manifest:
    """Where each source file is, read from ``manifest.json`` in the sources folder."""

    root: Path
    code_changes: Path
    units_before_reform: Path
    units_after_reform: Path
    reform_mapping: Path
    reform_date: date
    polygons: Path
    polygons_vintage: date
    polygon_fields: dict
    supplement_events: Path
    legal_acts: Path
    gap_width_m: float
    non_admin_areas: Path | None = None
    #: Latest list state the polygons may be matched to (their layer's last known update).
    matched_until: date = date(2016, 12, 31)
    #: Date of the oldest list, the state before the first change of the history.
    lists_begin: date = date(2008, 6, 24)

    @classmethod
    def load(cls, root: str | Path) -> Manifest:
        root = Path(root)
        path = root / "manifest.json"
        if not path.is_file():
            raise SourceError(str(path), "no manifest.json: the sources folder must hold one")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            poly = raw["polygons"]
            return cls(
                root=root,
                code_changes=root / raw["code_changes"],
                units_before_reform=root / raw["units_before_reform"],
                units_after_reform=root / raw["units_after_reform"],
                reform_mapping=root / raw["reform_mapping"],
                reform_date=date.fromisoformat(raw["reform_date"]),
                polygons=root / poly["file"],
                polygons_vintage=date.fromisoformat(poly["vintage_date"]),
                polygon_fields={k: poly[k] for k in poly if k.endswith("_field")},
                supplement_events=root / raw.get("supplement_events", "supplement_events.csv"),
                legal_acts=root / raw.get("legal_acts", "legal_acts.csv"),
                gap_width_m=float(raw.get("gap_width_m", 200)),
                non_admin_areas=root / raw["non_admin_areas"] if raw.get("non_admin_areas") else None,
                matched_until=date.fromisoformat(poly.get("matched_until", "2016-12-31")),
                lists_begin=date.fromisoformat(raw.get("code_lists_begin", "2008-06-24")),
            )
        except (KeyError, ValueError, json.JSONDecodeError) as exc:
            raise SourceError(str(path), f"malformed manifest ({exc!s})") from None

    def hashes(self) -> dict[str, str]:
        """SHA-256 of the manifest and of every file a build reads, by file name."""
        files = [self.root / "manifest.json", self.code_changes, self.units_before_reform, self.units_after_reform]
        files += [self.reform_mapping, self.polygons, self.supplement_events, self.legal_acts]
        files += [self.non_admin_areas] if self.non_admin_areas else []
        return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def _read_csv(path: Path, required: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise SourceError(str(path), "file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, EOFError, OSError) as exc:
        raise SourceError(str(path), f"cannot be read as UTF-8 CSV ({exc.__class__.__name__})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceError(str(path), f"missing column(s) {missing}; the file has {list(frame.columns)}")
    return frame


def _check_code(path: Path, frame: pd.DataFrame, column: str, *, allow_empty: bool = False) -> None:
    for i, value in enumerate(frame[column], start=1):
        if value == "" and allow_empty:
            continue
        if not _CODE.match(value):
            raise SourceError(
                str(path),
                f"code {value!r} is not a 2-5 digit GSO code (keep leading zeros, e.g. '07201')",
                row=i,
                column=column,
            )


def _split_arrow(value: str) -> tuple[str, str]:
    if " -> " in value:
        old, new = value.split(" -> ", 1)
        return old.strip(), new.strip()
    return value.strip(), value.strip()


def effective_date(snapshot_date: str, note: str) -> date:
    """The date a GSO change took effect.

    The 2021-2025 part of the history was committed some days before the list it records;
    its note says which list ("Update 01/01/2025"), and that list's date is the effective one.
    """
    found = _UPDATE.search(note)
    if found:
        day, month, year = (int(x) for x in found.groups())
        return date(year, month, day)
    return date.fromisoformat(snapshot_date)


def read_code_changes(path: Path) -> pd.DataFrame:
    """GSO code-list changes, one row per code and snapshot, with old and new attributes split.

    Columns: ``row`` (1-based source row), ``effective``, ``snapshot``, ``change``, ``code``,
    and ``{name,province_code,province,district_code,district}_{old,new}``, ``note``.
    """
    cols = ["snapshot_date", "change", "code", "name", "province_code", "province"]
    cols += ["district_code", "district", "note"]
    raw = _read_csv(path, cols)
    _check_code(path, raw, "code")
    bad = ~raw["change"].isin(["removed", "added", "renamed_or_moved"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError(
            str(path),
            f"change {raw['change'].iloc[i]!r} is not one of removed, added, renamed_or_moved",
            row=i + 1,
            column="change",
        )
    out = pd.DataFrame({"row": range(1, len(raw) + 1), "code": raw["code"], "change": raw["change"]})
    for col in ["name", "province_code", "province", "district_code", "district"]:
        pairs = raw[col].map(_split_arrow)
        out[f"{col}_old"] = [nfc(p[0]) for p in pairs]
        out[f"{col}_new"] = [nfc(p[1]) for p in pairs]
    for col in ["name_old", "name_new", "district_old", "district_new"]:
        out[col] = out[col].map(canonical)
    try:
        out["snapshot"] = [date.fromisoformat(d) for d in raw["snapshot_date"]]
    except ValueError:
        bad_rows = [i for i, d in enumerate(raw["snapshot_date"], 1) if not _is_date(d)]
        raise SourceError(str(path), "not an ISO date", row=bad_rows[0], column="snapshot_date") from None
    out["note"] = raw["note"].map(nfc)
    out["effective"] = [effective_date(s, n) for s, n in zip(raw["snapshot_date"], raw["note"])]
    return out


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_units_before_reform(path: Path) -> pd.DataFrame:
    """The commune list just before the 2025 reform (VAU ``admin_units_legacy``).

    Rows without a code and without a name are districts that have no communes (island
    districts) and are dropped; a row with a name but no code is an error.
    """
    cols = ["province_code", "province", "district_code", "district", "code", "name", "type"]
    frame = _read_csv(path, cols + ["alias_keys"])
    no_code = frame["code"] == ""
    named = no_code & (frame["name"] != "")
    if named.any():
        i = int(named.to_numpy().nonzero()[0][0]) + 1
        raise SourceError(str(path), "unit has a name but no code", row=i, column="code")
    frame = frame.assign(row=range(1, len(frame) + 1))[~no_code].copy()
    _check_code(path, frame, "code")
    dupes = frame["code"][frame["code"].duplicated()]
    if len(dupes):
        raise SourceError(str(path), f"duplicate code(s) {sorted(set(dupes))[:5]}", column="code")
    for col in ["province", "district", "name"]:
        frame[col] = frame[col].map(nfc).map(canonical)
    frame["aliases"] = [_aliases(path, row, text) for row, text in zip(frame["row"], frame["alias_keys"])]
    return frame.drop(columns=["alias_keys"]).reset_index(drop=True)


def _aliases(path: Path, row: int, text: str) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        values = json.loads(text)
    except json.JSONDecodeError:
        raise SourceError(str(path), "alias_keys is not a JSON list", row=row, column="alias_keys") from None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SourceError(str(path), "alias_keys is not a list of strings", row=row, column="alias_keys")
    return tuple(values)


def read_units_after_reform(path: Path) -> pd.DataFrame:
    """The commune list from the reform date (VAU ``admin_units``), with official areas."""
    frame = _read_csv(path, ["province_code", "province", "code", "name", "type", "area_km2"])
    frame = frame.assign(row=range(1, len(frame) + 1))
    _check_code(path, frame, "code")
    for col in ["province", "name"]:
        frame[col] = frame[col].map(nfc).map(canonical)
    frame["area_km2"] = pd.to_numeric(frame["area_km2"].replace("", None), errors="coerce")
    return frame


def read_reform_mapping(path: Path) -> pd.DataFrame:
    """The 2025 old → new mapping (dvhcvn ``merges.json``), one row per (new unit, old unit).

    Columns: ``province_code``, ``new_code``, ``new_name``, ``old_code``, ``old_name``,
    ``whole`` (True for a whole-unit merge, False when only part of the old unit went in).
    Old provinces of each new province are returned with ``new_code`` = the new province code
    and ``level`` = "province".
    """
    if not path.is_file():
        raise SourceError(str(path), "file not found")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)["data"]
    except (OSError, json.JSONDecodeError, KeyError, UnicodeDecodeError) as exc:
        raise SourceError(str(path), f"not a dvhcvn merges.json ({exc.__class__.__name__})") from None
    rows = []
    for p_index, prov in enumerate(data, start=1):
        try:
            pcode = prov["level1_id"]
            for old in prov["merges"]:
                rows.append(_mapping_row("province", pcode, pcode, prov["name"], old))
            for unit in prov["level2s"]:
                for old in unit["merges"]:
                    rows.append(_mapping_row("commune", pcode, unit["level2_id"], unit["name"], old))
        except (KeyError, TypeError):
            raise SourceError(str(path), "entry lacks level1_id/level2_id/merges", row=p_index) from None
        except ValueError as exc:
            raise SourceError(str(path), str(exc), row=p_index) from None
    return pd.DataFrame(rows)


def _mapping_row(level: str, pcode: str, new_code: str, new_name: str, old: dict) -> dict:
    if old.get("type") not in ("full", "partial"):
        raise ValueError(f"merge type {old.get('type')!r} of {old.get('old_id')!r} is not full/partial")
    if not _CODE.match(str(old.get("old_id", ""))) or not _CODE.match(new_code):
        raise ValueError(f"bad code in mapping: {new_code!r} <- {old.get('old_id')!r}")
    return {
        "level": level,
        "province_code": pcode,
        "new_code": new_code,
        "new_name": canonical(new_name),
        "old_code": old["old_id"],
        "old_name": canonical(old.get("name", "")),
        "whole": old["type"] == "full",
    }


def read_polygons(path: Path, fields: dict, province_names: list[str]) -> gpd.GeoDataFrame:
    """Commune polygons of the named provinces (names compared without diacritics).

    Returns columns ``source_id``, ``province``, ``district``, ``name``, ``geometry`` (EPSG:4326);
    a missing district or name (an unnamed area, such as two of the national layer's) is "".
    A missing, empty or invalid geometry is an error naming the feature.
    """
    if not path.is_file():
        raise SourceError(str(path), "file not found")
    wanted = {fold(split_type(p)[1]) for p in province_names}
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several classes for unreadable files
        raise SourceError(str(path), f"cannot be read as a vector file ({exc.__class__.__name__})") from None
    missing = [f for f in fields.values() if f not in frame.columns]
    if missing:
        raise SourceError(str(path), f"missing field(s) {missing}; it has {list(frame.columns)}")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise SourceError(str(path), f"expected EPSG:4326 polygons, found {frame.crs}; reproject first")
    frame = frame.assign(row=range(1, len(frame) + 1))
    keep = frame[fields["province_field"]].map(lambda p: fold(split_type(str(p))[1]) in wanted)
    frame = frame[keep]
    for row, geom in zip(frame["row"], frame.geometry):
        if geom is None or geom.is_empty:
            raise SourceError(str(path), "empty geometry", row=row)
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise SourceError(str(path), f"{geom.geom_type} where a polygon was expected", row=row)
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            raise SourceError(str(path), f"invalid geometry ({reason}); repair it in a GIS first", row=row)
    return gpd.GeoDataFrame(
        {
            "row": frame["row"].to_numpy(),
            "source_id": frame[fields["id_field"]].astype(str).str.replace(r"\.0$", "", regex=True).to_numpy(),
            "province": frame[fields["province_field"]].map(nfc).to_numpy(),
            "district": frame[fields["district_field"]].fillna("").map(nfc).map(canonical).to_numpy(),
            "name": frame[fields["name_field"]].fillna("").map(nfc).map(canonical).to_numpy(),
        },
        geometry=frame.geometry.to_numpy(),
        crs="EPSG:4326",
    )


def read_supplement_events(path: Path) -> pd.DataFrame:
    """Events the code lists cannot show (e.g. a partial transfer between districts)."""
    cols = ["date", "province_code", "level", "kind", "predecessors", "successors", "area_km2"]
    cols += ["legal_act", "note", "source"]
    frame = _read_csv(path, cols)
    for i, value in enumerate(frame["date"], start=1):
        if not _is_date(value):
            raise SourceError(str(path), f"{value!r} is not an ISO date", row=i, column="date")
    frame["date"] = frame["date"].map(date.fromisoformat)
    frame["area_km2"] = pd.to_numeric(frame["area_km2"].replace("", None), errors="coerce")
    return frame


def read_legal_acts(path: Path) -> pd.DataFrame:
    """Legal acts for changes whose GSO note does not cite one (e.g. the 2025 reform)."""
    frame = _read_csv(path, ["date", "province_code", "level", "legal_act", "text", "source"])
    for i, value in enumerate(frame["date"], start=1):
        if not _is_date(value):
            raise SourceError(str(path), f"{value!r} is not an ISO date", row=i, column="date")
    frame["date"] = frame["date"].map(date.fromisoformat)
    return frame


def read_non_admin_areas(path: Path | None) -> pd.DataFrame:
    """Which unit holds each non-administrative polygon of the base vintage, from which date.

    One row per (piece, date, level): ``source_id`` names the polygon (its id field), ``level``
    is ``district`` or ``commune`` and ``code`` the unit that holds it from ``date``. A piece
    with no row stays in the district it is drawn in and in no commune. No file (the manifest
    names none) means no rows.
    """
    cols = ["province_code", "source_id", "district_2013", "name_2013", "date", "level", "code"]
    cols += ["legal_act", "source", "note"]
    if path is None:
        return pd.DataFrame(columns=cols)
    frame = _read_csv(path, cols)
    for i, value in enumerate(frame["date"], start=1):
        if not _is_date(value):
            raise SourceError(str(path), f"{value!r} is not an ISO date", row=i, column="date")
    bad = ~frame["level"].isin(["district", "commune"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise SourceError(str(path), f"level {frame['level'].iloc[i - 1]!r} is not district or commune", row=i)
    _check_code(path, frame, "code")
    for i, value in enumerate(frame["source"], start=1):
        if not value.strip():
            raise SourceError(str(path), "every assignment must name its public source", row=i, column="source")
    frame["date"] = frame["date"].map(date.fromisoformat)
    for col in ["district_2013", "name_2013"]:
        frame[col] = frame[col].map(nfc)
    return frame.assign(row=range(1, len(frame) + 1))
