"""The built boundary history of a region, loaded once and queried in memory.

>>> atlas = Atlas.load("boundaries/24-bac-ninh.gpkg")          # doctest: +SKIP
>>> atlas.units_on("2023-12-31", "district")                   # doctest: +SKIP
>>> atlas.lineage("07777@2024-02-01")                          # doctest: +SKIP
>>> atlas.crosswalk("2023-12-31", "2025-07-01")                # doctest: +SKIP
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError, SourceError, UnknownUnitError
from geo_ntm.plain import object_strings

from .history import LEVELS

OPEN_END = date.max


def as_date(value: date | str, what: str = "date") -> date:
    """A ``date`` from a date or an ISO string; a clear error otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidParameterError(
            f"{what} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2023-12-31"
        ) from None


def _level(level: str) -> str:
    if level not in LEVELS:
        raise InvalidParameterError(f"level {level!r} is not one of {list(LEVELS)}")
    return level


@dataclass(frozen=True)
class Step:
    """One link of a lineage: ``source`` became (part of) ``target`` by ``event``."""

    direction: str
    event_id: str
    date: date
    kind: str
    legal_act: str
    source: str
    target: str
    share: float | None


class Atlas:
    """Units, events and parts of one region, with the questions asked of them."""

    def __init__(
        self,
        units: gpd.GeoDataFrame,
        events: pd.DataFrame,
        links: pd.DataFrame,
        unit_parts: pd.DataFrame,
        parts: gpd.GeoDataFrame,
        info: dict,
        issues: pd.DataFrame,
    ):
        units, events, links, unit_parts, parts = (object_strings(f) for f in (units, events, links, unit_parts, parts))
        units["valid_from"] = units["valid_from"].map(date.fromisoformat)
        units["valid_to"] = units["valid_to"].map(lambda s: date.fromisoformat(s) if s else OPEN_END)
        self._rows_lock = threading.Lock()  # units_on is asked from several threads
        self.units = units.set_index("uid", drop=False)
        self.events = events.set_index("event_id", drop=False)
        self.links = links
        self.unit_parts = unit_parts
        self.parts = parts.set_index("part_id", drop=False)
        self.info = info
        self.issues = issues
        self.name: str = info["name"]
        self.province: str = info["province"]
        #: Provinces of the region from the reform date (one, or the 34 of ``VN``)
        self.provinces: list[str] = list(info.get("provinces") or [info["province"]])
        self.covered_from = date.fromisoformat(info["covered_from"])
        self.reform_date = date.fromisoformat(info["reform_date"])
        self._by_succ = links.groupby("successor")
        self._by_pred = links.groupby("predecessor")
        #: uid → frozenset of base part ids (empty when the outline is unknown)
        self.parts_of: dict[str, frozenset] = {
            uid: frozenset(group) for uid, group in unit_parts.groupby("uid")["part_id"]
        }

    @property
    def units(self) -> gpd.GeoDataFrame:
        """Every version of every unit, by uid. An atlas does not change; setting a new frame forgets
        which rows :meth:`units_on` found in force (editing validity or codes in place is not seen)."""
        return self._units

    @units.setter
    def units(self, frame: gpd.GeoDataFrame) -> None:
        self._units = frame
        #: (level, day) -> positions in ``units`` of the units in force, by code (see :meth:`units_on`)
        self._rows_on = {}

    @classmethod
    def load(cls, path: str | Path) -> Atlas:
        """Read a GeoPackage written by ``geo-ntm boundaries build``."""
        path = Path(path)
        if not path.is_file():
            raise SourceError(str(path), "no such region file; build it with `geo-ntm boundaries build`")
        try:
            read = lambda layer: pyogrio.read_dataframe(path, layer=layer)  # noqa: E731
            units = read("units")
            text = {c: str for c in ["valid_to", "note", "parent_code"]}
            for col in text:
                units[col] = units[col].fillna("")
            if "quality" not in units.columns:  # written before outlines were graded
                units["quality"] = ["exact" if g is not None else "unknown" for g in units.geometry]
            info = {r.key: json.loads(r.value) for r in read("build_info").itertuples()}
            links = read("event_links")
            for col in ["predecessor", "successor"]:
                links[col] = links[col].fillna("")
            return cls(
                units,
                read("events").fillna({"legal_act": "", "note": ""}),
                links,
                read("unit_parts"),
                read("parts"),
                info,
                read("issues"),
            )
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, KeyError) as exc:
            raise SourceError(str(path), f"not a geo-ntm region file ({exc.__class__.__name__})") from None

    # -- units on a date ---------------------------------------------------------------
    def check_date(self, day: date | str) -> date:
        day = as_date(day)
        if day < self.covered_from:
            raise DateOutOfRangeError(
                f"the boundary history of {self.name} ({self.province}) begins on "
                f"{self.covered_from.isoformat()}; {day.isoformat()} is before it"
            )
        return day

    def units_on(self, day: date | str, level: str = "commune") -> gpd.GeoDataFrame:
        """Units of ``level`` in force on ``day``, one row each, sorted by code (a new frame: callers may change it)."""
        day = self.check_date(day)
        key = (_level(level), day)
        units = self.units
        with self._rows_lock:
            rows = self._rows_on.get(key)
        if rows is None:  # which rows is worked out once per day and level (the atlas never changes)
            live = (units["level"] == key[0]) & (units["valid_from"] <= day) & (units["valid_to"] >= day)
            rows = np.flatnonzero(live.to_numpy())
            rows = rows[np.argsort(units["code"].to_numpy()[rows], kind="stable")]
            with self._rows_lock:
                if units is not self._units:  # a frame set meanwhile (tests): keep nothing of the old one
                    return units.take(rows).reset_index(drop=True)
                while len(self._rows_on) >= 256:
                    self._rows_on.pop(next(iter(self._rows_on)))
                self._rows_on[key] = rows
        return units.take(rows).reset_index(drop=True)

    def change_dates(self, level: str | None = None) -> list[date]:
        """Days on which the map of ``level`` (or of any level) changed, ascending."""
        u = self.units if level is None else self.units[self.units["level"] == _level(level)]
        return sorted(d for d in set(u["valid_from"]) if d > self.covered_from)

    # -- one unit ----------------------------------------------------------------------
    def versions(self, code: str) -> gpd.GeoDataFrame:
        """Every version of the unit(s) with this code, oldest first."""
        found = self.units[self.units["code"] == code]
        if found.empty:
            raise UnknownUnitError(
                code,
                f"no unit has code {code!r} in {self.name}; codes are 2 (province), 3 (district) "
                "or 5 (commune) digits with leading zeros, e.g. '07210'",
            )
        return found.sort_values("valid_from")

    def unit(self, ref: str, on: date | str | None = None) -> pd.Series:
        """One version, by uid (``"07210@2025-07-01"``) or by code on a date (default: the latest)."""
        if "@" in ref:
            if ref not in self.units.index:
                raise UnknownUnitError(ref, f"no unit version {ref!r}; a uid is code@valid_from")
            return self.units.loc[ref]
        found = self.versions(ref)
        if on is None:
            return found.iloc[-1]
        day = self.check_date(on)
        live = found[(found["valid_from"] <= day) & (found["valid_to"] >= day)]
        if live.empty:
            spans = "; ".join(
                f"{r.name} {r.valid_from}…{'' if r.valid_to == OPEN_END else r.valid_to}" for r in found.itertuples()
            )
            raise UnknownUnitError(ref, f"unit {ref} did not exist on {day.isoformat()} (it existed: {spans})")
        return live.iloc[0]

    def predecessors(self, uid: str) -> list[Step]:
        """The versions ``uid`` was made from, with the share of each that went into it."""
        return self._steps(self.unit(uid)["uid"], back=True)

    def successors(self, uid: str) -> list[Step]:
        """The versions ``uid`` became (part of), with the share of it that went into each."""
        return self._steps(self.unit(uid)["uid"], back=False)

    def _steps(self, uid: str, back: bool) -> list[Step]:
        groups = self._by_succ if back else self._by_pred
        if uid not in groups.groups:
            return []
        out = []
        for r in groups.get_group(uid).itertuples():
            e = self.events.loc[r.event_id]
            out.append(
                Step(
                    "back" if back else "forward",
                    r.event_id,
                    date.fromisoformat(e["date"]),
                    e["kind"],
                    e["legal_act"],
                    r.predecessor,
                    r.successor,
                    None if pd.isna(r.share) else float(r.share),
                )
            )
        return out

    def lineage(self, ref: str, on: date | str | None = None) -> list[Step]:
        """Every step back to the start of the history and forward to today, nearest first."""
        start = self.unit(ref, on)["uid"]
        steps: list[Step] = []
        for back in (True, False):
            seen, frontier = {start}, [start]
            while frontier:
                nxt = []
                for uid in frontier:
                    for s in self._steps(uid, back):
                        steps.append(s)
                        other = s.source if back else s.target
                        if other and other not in seen:
                            seen.add(other)
                            nxt.append(other)
                frontier = nxt
        return steps

    # -- crosswalk ---------------------------------------------------------------------
    def crosswalk(
        self, day_a: date | str, day_b: date | str, level_a: str = "commune", level_b: str | None = None
    ) -> pd.DataFrame:
        """For each unit on ``day_a``, the units on ``day_b`` that hold its area.

        Returns one row per overlapping pair: ``uid_a``, ``code_a``, ``name_a``, ``uid_b``,
        ``code_b``, ``name_b``, ``area_km2`` (of the overlap), ``share_of_a`` and ``share_of_b``.
        Areas come from the base parts, so shares are exact and sum to 1 for each unit (to
        within the parts that a unit of unknown outline lacks, which are reported as NaN).
        Land of a unit that no unit of the other date holds (land in no commune, such as the
        Cấm Sơn training area before 2025-07-01) is a row with an empty ``uid_b`` and
        ``code_b`` and the land's own name in ``name_b``.
        """
        a = self.units_on(day_a, level_a)
        b = self.units_on(day_b, level_b or level_a)
        area = self.parts["area_km2"]
        pa = self.unit_parts[self.unit_parts["uid"].isin(a["uid"])].rename(columns={"uid": "uid_a"})
        pb = self.unit_parts[self.unit_parts["uid"].isin(b["uid"])].rename(columns={"uid": "uid_b"})
        pairs = pa.merge(pb, on="part_id")
        pairs["area_km2"] = pairs["part_id"].map(area)
        out = pairs.groupby(["uid_a", "uid_b"], as_index=False)["area_km2"].sum()
        both = self.unit_parts[self.unit_parts["uid"].isin(set(a["uid"]) | set(b["uid"]))]
        totals = both.assign(area=both["part_id"].map(area)).groupby("uid")["area"].sum()
        out["share_of_a"] = (out["area_km2"] / out["uid_a"].map(totals)).round(6)
        out["share_of_b"] = (out["area_km2"] / out["uid_b"].map(totals)).round(6)
        names = self.units[["code", "name"]]
        for side in ("a", "b"):
            out[f"code_{side}"] = out[f"uid_{side}"].map(names["code"])
            out[f"name_{side}"] = out[f"uid_{side}"].map(names["name"])
        loose = pa[~pa["part_id"].isin(pb["part_id"])]
        if len(loose):
            nowhere = loose.assign(
                area_km2=loose["part_id"].map(area), name_b=loose["part_id"].map(self.parts["name_2013"])
            )
            nowhere = nowhere.groupby(["uid_a", "name_b"], as_index=False)["area_km2"].sum()
            nowhere["share_of_a"] = (nowhere["area_km2"] / nowhere["uid_a"].map(totals)).round(6)
            nowhere["code_a"] = nowhere["uid_a"].map(names["code"])
            nowhere["name_a"] = nowhere["uid_a"].map(names["name"])
            out = pd.concat([out, nowhere.assign(uid_b="", code_b="")], ignore_index=True)
        unknown = a[~a["uid"].isin(pa["uid_a"])]
        if len(unknown):
            extra = pd.DataFrame(
                {"uid_a": unknown["uid"], "code_a": unknown["code"], "name_a": unknown["name"], "share_of_a": np.nan}
            )
            out = pd.concat([out, extra], ignore_index=True)
        cols = ["uid_a", "code_a", "name_a", "uid_b", "code_b", "name_b", "area_km2", "share_of_a", "share_of_b"]
        return out[cols].sort_values(["code_a", "code_b"]).reset_index(drop=True)
