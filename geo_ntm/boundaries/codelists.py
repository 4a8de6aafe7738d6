"""The official commune list on any date, rolled back from the June 2025 list.

GSO publishes its code list as snapshots; the change history gives, for each snapshot, the
codes removed, added and renamed or moved. Starting from the last list before the 2025
reform and undoing the changes one date at a time gives the list on every earlier date.
Rows that cannot be undone cleanly (a known upstream glitch re-lists abolished codes) are
kept aside as anomalies with their source row, never silently absorbed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import pandas as pd

from geo_ntm.errors import DateOutOfRangeError
from geo_ntm.names import fold, split_type

_ACT = re.compile(r"(\d+/(?:\d{4}/)?[A-ZĐ]+-[A-ZĐ0-9]+)")


class Attrs(NamedTuple):
    """What the code list says of one commune on one date."""

    name: str
    type: str
    district_code: str
    district: str
    province_code: str
    province: str


@dataclass(frozen=True)
class Anomaly:
    """A source row that could not be applied as written."""

    date: date
    code: str
    row: int
    problem: str


@dataclass(frozen=True)
class Change:
    """What changed in one province's list on one effective date."""

    date: date
    removed: dict[str, Attrs]
    added: dict[str, Attrs]
    changed: dict[str, tuple[Attrs, Attrs]]
    notes: tuple[str, ...]


def _attrs(name: str, district_code: str, district: str, province_code: str, province: str) -> Attrs:
    return Attrs(name, split_type(name)[0], district_code, district, province_code, province)


class CodeLists:
    """Every snapshot of the national list, from the oldest change to the reform.

    Parameters
    ----------
    final : DataFrame
        The list valid up to ``final_date`` (columns of :func:`sources.read_units_before_reform`).
    changes : DataFrame
        The change history (:func:`sources.read_code_changes`).
    final_date : date
        Last day the final list is valid (the day before the reform).
    """

    def __init__(self, final: pd.DataFrame, changes: pd.DataFrame, final_date: date):
        self.final_date = final_date
        self.anomalies: list[Anomaly] = []
        self._changes = changes
        state = {
            r.code: _attrs(r.name, r.district_code, r.district, r.province_code, r.province) for r in final.itertuples()
        }
        snapshots: list[tuple[date, dict[str, Attrs]]] = []
        ordered = changes.sort_values(["effective", "snapshot", "row"], ascending=False)
        for eff, rows in ordered.groupby("effective", sort=False):
            after = dict(state)
            for r in rows.itertuples():
                self._undo(state, r)
            snapshots.append((eff, after))
        snapshots.append((date.min, state))
        snapshots.reverse()
        self._dates = [d for d, _ in snapshots]
        self._lists = [s for _, s in snapshots]

    def _undo(self, state: dict[str, Attrs], r) -> None:
        old = _attrs(r.name_old, r.district_code_old, r.district_old, r.province_code_old, r.province_old)
        new = _attrs(r.name_new, r.district_code_new, r.district_new, r.province_code_new, r.province_new)
        if r.change == "added":
            if state.pop(r.code, None) is None:
                self._flag(r, "added code is not in the later list (code re-listed by mistake?)")
        elif r.change == "removed":
            if r.code in state:
                self._flag(r, "removed code is still in the later list")
            state[r.code] = old
        else:
            current = state.get(r.code)
            if current is None:
                self._flag(r, "renamed code is not in the later list")
            elif fold(current.name) != fold(new.name) or current.district_code != new.district_code:
                self._flag(r, f"later list has {current.name!r} in {current.district_code}, not {new.name!r}")
            state[r.code] = old

    def _flag(self, r, problem: str) -> None:
        self.anomalies.append(Anomaly(r.effective, r.code, int(r.row), problem))

    @property
    def change_dates(self) -> list[date]:
        """Effective dates of all changes, ascending."""
        return self._dates[1:]

    def on(self, day: date) -> dict[str, Attrs]:
        """The national list in force on ``day`` (code → attributes)."""
        if day > self.final_date:
            raise DateOutOfRangeError(f"the code lists end on {self.final_date}; {day} is after")
        return self._lists[bisect.bisect_right(self._dates, day) - 1]

    def province_on(self, day: date, provinces: set[str]) -> dict[str, Attrs]:
        """The list in force on ``day`` restricted to the given province codes."""
        return {c: a for c, a in self.on(day).items() if a.province_code in provinces}

    def changes(self, provinces: set[str], since: date) -> list[Change]:
        """Changes touching the provinces, after ``since``, one per effective date."""
        out = []
        for i, eff in enumerate(self._dates[1:], start=1):
            if eff <= since:
                continue
            before = {c: a for c, a in self._lists[i - 1].items() if a.province_code in provinces}
            after = {c: a for c, a in self._lists[i].items() if a.province_code in provinces}
            changed = {c: (before[c], after[c]) for c in before.keys() & after.keys() if before[c] != after[c]}
            removed = {c: before[c] for c in before.keys() - after.keys()}
            added = {c: after[c] for c in after.keys() - before.keys()}
            if removed or added or changed:
                codes = set(removed) | set(added) | set(changed)
                rows = self._changes[(self._changes["effective"] == eff) & self._changes["code"].isin(codes)]
                out.append(Change(eff, removed, added, changed, tuple(dict.fromkeys(rows["note"]))))
        return out

    def ever_in(self, code: str, provinces: set[str]) -> bool:
        """Whether ``code`` was a unit of one of the provinces on some date."""
        return any(code in s and s[code].province_code in provinces for s in self._lists)

    def last_change_before(self, day: date, provinces: set[str]) -> date:
        """Effective date of the last change at or before ``day`` touching the provinces."""
        last = None
        for i, eff in enumerate(self._dates[1:], start=1):
            if eff > day:
                break
            before = self._lists[i - 1]
            after = self._lists[i]
            codes = {c for c, a in after.items() if a.province_code in provinces}
            codes |= {c for c, a in before.items() if a.province_code in provinces}
            if any(before.get(c) != after.get(c) for c in codes):
                last = eff
        if last is None:
            raise DateOutOfRangeError(f"no change touching provinces {sorted(provinces)} before {day}")
        return last


def legal_acts(notes: tuple[str, ...], places: list[str]) -> tuple[str | None, str | None]:
    """The acts a GSO change note cites for the given places.

    A note lists every act of a national update ("813/NQ-UBTVQH14: Sắp xếp ... tỉnh Bắc Giang;
    827/NQ-UBTVQH14: ..."); the acts that concern a place name it. Returns
    (act numbers joined by "; ", the full text of those items) or (None, None).
    """
    keys = [fold(p) for p in places if p]
    numbers, texts = [], []
    for note in notes:
        for item in note.split(";"):
            item = re.sub(r"^\s*Update [^:]*:\s*", "", item).strip()
            if not item or not any(k in fold(item) for k in keys):
                continue
            found = _ACT.search(item)
            if found and found.group(1) not in numbers:
                numbers.append(found.group(1))
                texts.append(item)
    if not numbers:
        return None, None
    return "; ".join(numbers), " | ".join(texts)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
