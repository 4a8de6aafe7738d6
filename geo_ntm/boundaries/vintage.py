"""Which unit each base polygon draws, and on which date each province's polygons hold.

The 2013 layer is not one vintage: its metadata says "updated 2013-03-06", yet Hà Nội already
has Quận Nam Từ Liêm (GSO list of 2013-12-28), Quảng Bình has Thị xã Ba Đồn (2013-12-21) and
Hà Tĩnh still has Huyện Kỳ Anh undivided (split 2015-04-11). So each province's polygons are
matched to the list state of that province they fit best, and the province's history starts
there. A polygon is paired with a listed unit only when the pairing is unambiguous both ways,
from the strictest key (district, type, name with diacritics) to the loosest (name without
diacritics anywhere in the province), then by near spelling; what is left is reported, never
guessed:

- one listed unit of a district left without a polygon, and polygons of that district left
  without a unit: the unit is the rest of the district (matched by elimination, reported);
- several units left: the polygons are land held jointly by them (a *pool*): no unit gets an
  outline of its own, the land stays in its district, and the reform gives it to the new unit
  its holders went into (or splits it approximately when they went to several);
- a unit with no polygon at all (islands not drawn) has no outline.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

import pandas as pd

from geo_ntm.names import fold, key, nfc, split_type

from .codelists import Attrs, CodeLists

COMMUNE_TYPES = ("Xã", "Phường", "Thị trấn")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def _exact(name: str) -> str:
    return _LEADING_ZEROS.sub("", nfc(name).lower())


def _loose(name: str) -> str:
    return _LEADING_ZEROS.sub("", key(name))


def _place(name: str) -> str:
    return _loose(split_type(str(name))[1])


@dataclass
class ProvinceMatch:
    """Polygons of one province against one list state."""

    day: date
    codes: dict[int, str]  # polygon row -> code
    spelled: list[dict] = field(default_factory=list)
    eliminated: list[dict] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)  # rows of admin polygons with no unit
    undrawn: list[str] = field(default_factory=list)  # listed codes with no polygon
    pools: list[tuple[list[int], list[str]]] = field(default_factory=list)  # (rows, holder codes)

    @property
    def score(self) -> int:
        return len(self.unmatched) + len(self.undrawn) + sum(len(r) + len(h) for r, h in self.pools)


@dataclass
class Matching:
    """The outcome for every province: codes by polygon row and what could not be paired."""

    provinces: dict[str, ProvinceMatch]
    province_of_row: dict[int, str]

    def code(self, row: int) -> str:
        m = self.provinces.get(self.province_of_row.get(row, ""))
        return m.codes.get(row, "") if m else ""


def is_admin_name(name: str) -> bool:
    """Whether a polygon's name is that of a commune-level unit (not e.g. a training area)."""
    return split_type(str(name))[0] in COMMUNE_TYPES


def match_polygons(polygons, lists: CodeLists, provinces: set[str], vintage: date, latest: date) -> Matching:
    """Pair each polygon of ``provinces`` with a listed unit, choosing each province's date.

    Every distinct list state of a province in force between the first list and ``latest`` is
    tried; the one leaving fewest polygons and units unpaired wins, ties going to the state in
    force on the nominal ``vintage``, then to the nearest later one. Polygon rows are the
    ``row`` column; provinces are recognised by name.
    """
    rows_of, province_of_row = _rows_by_province(polygons, lists, provinces)
    at_vintage = _by_province(lists.on(vintage), provinces)
    best: dict[str, tuple] = {}
    seen: dict[str, dict] = {}
    for day in [date.min, *(d for d in lists.change_dates if d <= latest)]:
        for pcode, listed in _by_province(lists.on(day), provinces).items():
            if seen.get(pcode) == listed:
                continue
            seen[pcode] = listed
            found = _match(rows_of.get(pcode, []), listed, day)
            rank = (found.score, _distance(day, vintage, listed == at_vintage.get(pcode)))
            if pcode not in best or rank < best[pcode][0]:
                best[pcode] = (rank, found, listed)
    out = {p: _eliminate(rows_of.get(p, []), listed, found) for p, (_, found, listed) in sorted(best.items())}
    return Matching(out, province_of_row)


def _rows_by_province(polygons, lists: CodeLists, provinces: set[str]) -> tuple[dict[str, list], dict[int, str]]:
    """Admin-named polygon rows of each province (recognised by any name it had), and row → province."""
    names = {}
    for day in [date.min, *lists.change_dates]:
        for a in lists.on(day).values():
            if a.province_code in provinces:
                names.setdefault(_place(a.province), a.province_code)
    rows_of: dict[str, list] = defaultdict(list)
    province_of_row = {}
    for r in polygons.itertuples():
        code = names.get(_place(r.province))
        if code is not None:
            province_of_row[int(r.row)] = code
            if is_admin_name(r.name):
                rows_of[code].append(r)
    return rows_of, province_of_row


def _by_province(listed: dict[str, Attrs], provinces: set[str]) -> dict[str, dict[str, Attrs]]:
    out: dict[str, dict[str, Attrs]] = defaultdict(dict)
    for c, a in listed.items():
        if a.province_code in provinces:
            out[a.province_code][c] = a
    return out


def _distance(day: date, vintage: date, as_on_vintage: bool) -> tuple[int, int]:
    """Preference among equally good states: the one in force on the vintage, then later ones."""
    if as_on_vintage:
        return (0, 0)
    if day > vintage:
        return (1, (day - vintage).days)
    return (2, (vintage - day).days)


_PASSES = (
    (True, True, True),
    (True, True, False),
    (True, False, True),
    (True, False, False),
    (False, True, True),
    (False, True, False),
    (False, False, True),
    (False, False, False),
)


def _keys(district: str, name: str, with_district: bool, with_type: bool, exact: bool) -> tuple:
    unit_type, short = split_type(name)
    return (
        _place(district) if with_district else "",
        fold(unit_type) if with_type else "",
        _exact(short) if exact else _loose(short),
    )


def _match(rows, listed: dict[str, Attrs], day: date) -> ProvinceMatch:
    """Pair polygons and units of one province, strictest key first, then by near spelling."""
    codes: dict[int, str] = {}
    free_units = set(listed)
    free_rows = {int(r.row): r for r in rows}
    progress = True
    while progress and free_rows and free_units:
        progress = False
        for flags in _PASSES:
            by_unit = defaultdict(list)
            for c in free_units:
                by_unit[_keys(listed[c].district, listed[c].name, *flags)].append(c)
            by_row = defaultdict(list)
            for row, r in free_rows.items():
                by_row[_keys(r.district, r.name, *flags)].append(row)
            for k, units in by_unit.items():
                found = by_row.get(k, [])
                if len(units) == 1 and len(found) == 1:
                    codes[found[0]] = units[0]
                    free_units.discard(units[0])
                    del free_rows[found[0]]
                    progress = True
    spelled = []
    for row, code in _near_spellings(free_rows, {c: listed[c] for c in free_units}):
        codes[row] = code
        free_units.discard(code)
        r = free_rows.pop(row)
        spelled.append({"row": row, "name": r.name, "code": code, "listed": listed[code].name})
    return ProvinceMatch(day, codes, spelled, [], sorted(free_rows), sorted(free_units))


def _near_spellings(free_rows: dict, free_units: dict[str, Attrs]) -> list[tuple[int, str]]:
    """Pairs whose names differ by a letter or two ("Xa Lý" in 2013, "Sa Lý" in 2025).

    Within the same district and type; a pair is taken when each is the other's clear best
    (ratio at least 0.75, the runner-up 0.1 behind).
    """
    best_for_row, best_for_unit = {}, defaultdict(list)
    for row, r in free_rows.items():
        t, short = split_type(r.name)
        scored = sorted(
            (SequenceMatcher(None, fold(short), fold(split_type(a.name)[1])).ratio(), c)
            for c, a in free_units.items()
            if _place(a.district) == _place(r.district) and a.type == t
        )
        if scored and scored[-1][0] >= 0.75 and (len(scored) == 1 or scored[-2][0] < scored[-1][0] - 0.1):
            best_for_row[row] = scored[-1][1]
            best_for_unit[scored[-1][1]].append(row)
    return sorted((row, c) for row, c in best_for_row.items() if best_for_unit[c] == [row])


def _eliminate(rows, listed: dict[str, Attrs], found: ProvinceMatch) -> ProvinceMatch:
    """Pair the rest of each district: one unit left takes the district's unpaired polygons."""
    by_row = {int(r.row): r for r in rows}
    rows_in = defaultdict(list)
    for row in found.unmatched:
        rows_in[_place(by_row[row].district)].append(row)
    units_in = defaultdict(list)
    for c in found.undrawn:
        units_in[_place(listed[c].district)].append(c)
    unmatched, undrawn = [], []
    for district in sorted(set(rows_in) | set(units_in)):
        left_rows, left_units = rows_in.get(district, []), units_in.get(district, [])
        if len(left_units) == 1 and left_rows:
            for row in left_rows:
                found.codes[row] = left_units[0]
            found.eliminated.append(
                {
                    "rows": left_rows,
                    "names": [by_row[r].name for r in left_rows],
                    "code": left_units[0],
                    "listed": listed[left_units[0]].name,
                }
            )
        elif left_units and left_rows:
            found.pools.append((left_rows, left_units))
        else:
            unmatched += left_rows
            undrawn += left_units
    found.unmatched, found.undrawn = sorted(unmatched), sorted(undrawn)
    return found


def codes_of(polygons, matching: Matching) -> pd.Series:
    """The code each polygon draws ("" for land in no unit, or held jointly by a pool)."""
    return pd.Series([matching.code(int(r)) for r in polygons["row"]], index=polygons.index)
