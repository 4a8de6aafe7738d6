"""Criteria sets as versioned data (``geo_ntm/data/criteria/*.json``), never constants in code.

Each set has an id (e.g. ``xa-ntm-2021-2025``), the unit level and status levels it is for,
its period, the legal act, and numbered criteria with Vietnamese and English names (``None``
where the names are not yet transcribed; ``verified`` says whether the names were checked
against the act).

The 2026-2030 commune set (Decision 51/2025/QĐ-TTg) also has commune groups: every criterion
has a threshold per group (nhóm 1/2/3), and a commune's group is itself dated data
(:mod:`.groups`). Where a set's thresholds are not in our sources, ``thresholds`` is None and
``thresholds_note`` says so: an assessment then records met / not met per criterion as the
competent body found it, and nothing here pretends to know the bar. A set may list no criteria
at all (Annex II's pilot "modern NTM commune" and Annex III's province conditions, whose content
is not in our sources): it still names the act a decision cites.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from geo_ntm.errors import InvalidParameterError

DATA = Path(__file__).resolve().parent.parent / "data" / "criteria"


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    unit_level: str
    levels: tuple[str, ...]
    period: tuple[date, date]
    legal_act: str
    title: dict
    verified: bool
    source: str
    names: dict[int, dict]
    groups: dict[int, dict] = field(default_factory=dict)
    groups_source: str | None = None
    indicators: int | None = None
    thresholds_note: dict | None = None
    in_force: date | None = None

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(sorted(self.names))

    def name(self, number: int, lang: str = "vi") -> str:
        """The criterion's name, or "Tiêu chí N" / "Criterion N" when not transcribed."""
        found = self.names[number].get(lang)
        return found or (f"Tiêu chí {number}" if lang == "vi" else f"Criterion {number}")

    def check(self, numbers) -> tuple[int, ...]:
        """Validate criterion numbers; an error names the bad ones and the allowed range."""
        numbers = tuple(sorted({int(n) for n in numbers}))
        bad = [n for n in numbers if n not in self.names]
        if bad and not self.names:
            raise InvalidParameterError(
                f"set {self.id} lists no criteria (its content is not in our sources); leave criteria_met out"
            )
        if bad:
            raise InvalidParameterError(
                f"criteria {bad} are not in set {self.id} (it has {self.numbers[0]}–{self.numbers[-1]})"
            )
        return numbers

    def missing(self, met, lang: str = "vi") -> list[str]:
        """Names of the criteria not in ``met``."""
        met = set(met or ())
        return [self.name(n, lang) for n in self.numbers if n not in met]

    def group_name(self, number: int | None, lang: str = "vi") -> str | None:
        """ "Xã nhóm 2" / "Group 2 commune"; None for no group (or a set without groups)."""
        if number is None or number not in self.groups:
            return None
        return self.groups[number]["en" if lang == "en" else "vi"]

    def check_group(self, number: int) -> int:
        """Validate a commune group number for this set; an error names the groups it has."""
        if not self.groups:
            raise InvalidParameterError(f"set {self.id} has no commune groups")
        if number not in self.groups:
            raise InvalidParameterError(
                f"commune group {number} is not in set {self.id}; groups: {sorted(self.groups)}"
            )
        return number


@cache
def criteria_sets() -> dict[str, CriteriaSet]:
    """Every criteria set shipped with geo-ntm, by id."""
    out = {}
    for path in sorted(DATA.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        out[raw["id"]] = CriteriaSet(
            id=raw["id"],
            unit_level=raw["unit_level"],
            levels=tuple(raw["levels"]),
            period=(date.fromisoformat(raw["period"][0]), date.fromisoformat(raw["period"][1])),
            legal_act=raw["legal_act"],
            title=raw["title"],
            verified=bool(raw["verified"]),
            source=raw["source"],
            names={c["number"]: {"vi": c["vi"], "en": c["en"]} for c in raw["criteria"]},
            groups={g["number"]: g for g in raw.get("groups", ())},
            groups_source=raw.get("groups_source"),
            indicators=raw.get("indicators"),
            thresholds_note=raw.get("thresholds_note"),
            in_force=date.fromisoformat(raw["in_force"]) if raw.get("in_force") else None,
        )
    return out


def criteria_set(set_id: str) -> CriteriaSet:
    sets = criteria_sets()
    if set_id not in sets:
        raise InvalidParameterError(f"unknown criteria set {set_id!r}; known sets: {sorted(sets)}")
    return sets[set_id]


def commune_set_on(day: date, level: str = "dat_chuan") -> CriteriaSet | None:
    """The commune criteria set for ``level`` whose period holds ``day`` (None before the first)."""
    sets = [s for s in criteria_sets().values() if s.unit_level == "commune" and level in s.levels]
    live = [s for s in sets if s.period[0] <= day <= s.period[1]]
    return max(live, key=lambda s: s.period[0]) if live else None
