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
import re
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
        self.june = {
            r["code"]: Listed(r["province_code"], r["district_code"], r["name"])
            for r in _rows(root / manifest["units_before_reform"])
            if r["code"]
        }
        self.july = {r["code"]: r for r in _rows(root / manifest["units_after_reform"])}
        self.mapping = self._mapping(root / manifest["reform_mapping"])
        self._roll_back(_rows(root / manifest["code_changes"]))

    @staticmethod
    def _mapping(path: Path) -> list[dict]:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)["data"]
        return [
            {
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
        ]

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
