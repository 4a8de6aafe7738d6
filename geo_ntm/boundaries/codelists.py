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
        self._diffs: dict[int, list[str]] = {}
        self._grouped: dict[int, dict[str, dict[str, Attrs]]] = {}

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
        self.on(day)
        i = bisect.bisect_right(self._dates, day) - 1
        if i not in self._grouped:
            grouped: dict[str, dict[str, Attrs]] = {}
            for c, a in self._lists[i].items():
                grouped.setdefault(a.province_code, {})[c] = a
            self._grouped[i] = grouped
        if len(provinces) == 1:
            return dict(self._grouped[i].get(next(iter(provinces)), {}))
        return {c: a for p in sorted(provinces) for c, a in self._grouped[i].get(p, {}).items()}

    def changes(self, provinces: set[str], since: date) -> list[Change]:
        """Changes touching the provinces, after ``since``, one per effective date."""
        out = []
        for i, eff in enumerate(self._dates[1:], start=1):
            if eff <= since:
                continue
            before, after = self._lists[i - 1], self._lists[i]
            removed, added, changed = {}, {}, {}
            for c in self._diff(i):
                old, new = before.get(c), after.get(c)
                was = old is not None and old.province_code in provinces
                now = new is not None and new.province_code in provinces
                if was and now:
                    changed[c] = (old, new)
                elif was:
                    removed[c] = old
                elif now:
                    added[c] = new
            if removed or added or changed:
                codes = set(removed) | set(added) | set(changed)
                rows = self._changes[(self._changes["effective"] == eff) & self._changes["code"].isin(codes)]
                out.append(Change(eff, removed, added, changed, tuple(dict.fromkeys(rows["note"]))))
        return out

    def _diff(self, i: int) -> list[str]:
        """Codes whose entry differs between list ``i - 1`` and list ``i`` (computed once)."""
        if i not in self._diffs:
            before, after = self._lists[i - 1], self._lists[i]
            self._diffs[i] = sorted(c for c in before.keys() | after.keys() if before.get(c) != after.get(c))
        return self._diffs[i]

    def ever_in(self, code: str, provinces: set[str]) -> bool:
        """Whether ``code`` was a unit of one of the provinces on some date."""
        return any(code in s and s[code].province_code in provinces for s in self._lists)


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
