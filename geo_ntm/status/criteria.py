"""Criteria sets as versioned data (``geo_ntm/data/criteria/*.json``), never constants in code.

Each set has an id (e.g. ``xa-ntm-2021-2025``), the unit level and status levels it is for,
its period, the legal act, and numbered criteria with Vietnamese and English names (``None``
where the names are not yet transcribed; ``verified`` says whether the names were checked
against the act).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
        if bad:
            raise InvalidParameterError(
                f"criteria {bad} are not in set {self.id} (it has {self.numbers[0]}–{self.numbers[-1]})"
            )
        return numbers

    def missing(self, met, lang: str = "vi") -> list[str]:
        """Names of the criteria not in ``met``."""
        met = set(met or ())
        return [self.name(n, lang) for n in self.numbers if n not in met]


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
        )
    return out


def criteria_set(set_id: str) -> CriteriaSet:
    sets = criteria_sets()
    if set_id not in sets:
        raise InvalidParameterError(f"unknown criteria set {set_id!r}; known sets: {sorted(sets)}")
    return sets[set_id]
