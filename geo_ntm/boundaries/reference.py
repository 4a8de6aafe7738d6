"""The shipped official lists, read on their own, to check a built history against them.

``geo-ntm boundaries check`` must not compare the build with tables the build itself derived:
a bug in :mod:`.sources` or :mod:`.codelists` would then pass unseen. This module reads the
same files (the GSO code history, the VAU lists of June and July 2025, the 2025 mapping) with
the standard library only, by its own short rules, and imports nothing from the build.

The GSO history holds changes, not lists, so the list on a date is the June 2025 list with
the later changes undone; that is the definition of the list, not a choice of the build.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import json
import math
import re
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path
from typing import NamedTuple

_UPDATE = re.compile(r"Update (\d{2})/(\d{2})/(\d{4})")


class Listed(NamedTuple):
    province_code: str
    district_code: str
    name: str


def fold(text: str) -> str:
    """Lower-case name without diacritics or repeated spaces, to compare spellings."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").lower().split())


def _place(name: str) -> str:
    """A province's name without its type, folded ("Tỉnh Thừa Thiên Huế" → "thua thien hue")."""
    folded = fold(name)
    for prefix in ("thanh pho ", "tinh "):
        folded = folded.removeprefix(prefix)
    return folded.replace("-", " ").replace("  ", " ")


def _km2_per_square_degree(latitude: float) -> float:
    """Area of one degree of latitude by one of longitude at ``latitude`` on the WGS84 ellipsoid."""
    a, e2 = 6378.137, 0.00669437999014
    s = math.sin(math.radians(latitude)) ** 2
    meridian = a * (1 - e2) / (1 - e2 * s) ** 1.5
    parallel = a / math.sqrt(1 - e2 * s) * math.cos(math.radians(latitude))
    return meridian * parallel * (math.pi / 180) ** 2


def _rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sides(value: str) -> tuple[str, str]:
    old, _, new = value.partition(" -> ")
    return old.strip(), (new or old).strip()


class ReferenceLists:
    """Official commune lists on every date, the July 2025 list and the reform mapping."""

    def __init__(self, sources: str | Path):
        root = Path(sources)
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        self.reform = date.fromisoformat(manifest["reform_date"])
        june = _rows(root / manifest["units_before_reform"])
        self.june = {r["code"]: Listed(r["province_code"], r["district_code"], r["name"]) for r in june if r["code"]}
        self.july = {r["code"]: r for r in _rows(root / manifest["units_after_reform"])}
        self.mapping = self._mapping(root / manifest["reform_mapping"])
        history = _rows(root / manifest["code_changes"])
        self._roll_back(history)
        #: folded province name (any spelling the lists used) → province code before the reform
        self.province_codes = {_place(r["province"]): r["province_code"] for r in june}
        for r in history:
            for name, code in zip(_sides(r["province"]), _sides(r["province_code"])):
                self.province_codes.setdefault(_place(name), code)
        self._polygons = root / manifest["polygons"]["file"], manifest["polygons"]

    @staticmethod
    def _mapping(path: Path) -> list[dict]:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)["data"]
        return [
            {
                "level": "commune",
                "province": p["level1_id"],
                "new": u["level2_id"],
                "new_name": u["name"],
                "old": o["old_id"],
                "old_name": o.get("name", ""),
                "whole": o["type"] == "full",
            }
            for p in data
            for u in p["level2s"]
            for o in u["merges"]
        ] + [
            {"level": "province", "province": p["level1_id"], "new": p["level1_id"], "new_name": p["name"],
             "old": o["old_id"], "old_name": o.get("name", ""), "whole": o["type"] == "full"}
            for p in data
            for o in p.get("merges", [])
        ]  # fmt: skip

    def _roll_back(self, history: list[dict]) -> None:
        by_day: dict[date, list[tuple[str, int, dict]]] = {}
        for i, r in enumerate(history):
            found = _UPDATE.search(r["note"])
            day = date(*map(int, reversed(found.groups()))) if found else date.fromisoformat(r["snapshot_date"])
            by_day.setdefault(day, []).append((r["snapshot_date"], i, r))
        state = dict(self.june)
        states = []
        for day in sorted(by_day, reverse=True):
            states.append((day, dict(state)))
            for _, _, r in sorted(by_day[day], key=lambda t: t[:2], reverse=True):
                old = Listed(_sides(r["province_code"])[0], _sides(r["district_code"])[0], _sides(r["name"])[0])
                if r["change"] == "added":
                    state.pop(r["code"], None)
                else:
                    state[r["code"]] = old
        states.append((date.min, state))
        states.reverse()
        self._days = [d for d, _ in states]
        self._states = [s for _, s in states]

    def source_areas(self) -> dict[str, float]:
        """Old province code → area (km²) its polygons have in the base layer itself, unthinned.

        The 2013 layer carries each polygon's area before the packager thinned it (``area_field``
        of the manifest, in square degrees). Converted at the polygon's middle latitude with the
        WGS84 lengths of a degree, it gives each province's land independently of the build
        (cleaning, matching, history), to the hundredth of a percent. Empty when the manifest
        names no ``area_field`` and ``table``.
        """
        path, fields = self._polygons
        if "area_field" not in fields or "table" not in fields:
            return {}
        table = fields["table"]
        area, province = fields["area_field"], fields["province_field"]
        query = (
            f'SELECT c."{province}", c."{area}", r.miny, r.maxy FROM "{table}" c '
            f'JOIN "rtree_{table}_{fields.get("geometry_column", "geom")}" r ON r.id = c.fid'
        )
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute(query).fetchall()
        out: dict[str, float] = {}
        for name, degrees, south, north in rows:
            code = self.province_codes.get(_place(name or ""))
            if code is not None and degrees:
                out[code] = out.get(code, 0.0) + degrees * _km2_per_square_degree((south + north) / 2)
        return out

    def on(self, day: date) -> dict[str, Listed]:
        """The list in force on ``day`` (before the reform), code → (province, district, name)."""
        return self._states[bisect.bisect_right(self._days, day) - 1]

    def change_days(self, provinces: set[str], since: date) -> list[date]:
        """Days after ``since`` and before the reform on which the provinces' lists changed."""
        out = []
        for i in range(1, len(self._days)):
            day = self._days[i]
            if since < day < self.reform:
                before = {c: v for c, v in self._states[i - 1].items() if v.province_code in provinces}
                after = {c: v for c, v in self._states[i].items() if v.province_code in provinces}
                if before != after:
                    out.append(day)
        return out
