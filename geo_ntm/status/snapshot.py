"""One data version of the status records, read together: what every answer is computed from.

A :class:`Snapshot` holds the data version, the :class:`~geo_ntm.status.derive.StatusBook`
(decisions and revocations over the boundary history), the other :class:`Records` (difficulty
lists, village counts, targets, published figures) and the criteria assessments, all of the
same version (:meth:`geo_ntm.status.service.StatusService.snapshot`). An answer computed from
one snapshot cannot mix two versions, and its cache key is the snapshot's version.

"Status on a date" is :meth:`Snapshot.status_frame` (one row per unit, with everything a map
shows), built on :meth:`StatusBook.on` / :meth:`StatusBook.for_year`. The rules that pick the
latest assessment of a status chain and the latest village count of a commune live here too
(:func:`latest_assessments`, :func:`latest_village_counts`), so the map, the planning table and
the summary pick the same ones.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .model import Assessment, CommuneGroup, DifficultyList, PlanTarget, ReportedFigure, VillageCount

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_ntm.boundaries.atlas import Atlas

    from .derive import StatusBook
    from .progress import ProgressBook


@dataclass
class Records:
    """What a summary reads besides decisions: lists, village counts, targets, reported figures."""

    difficulty_lists: list[DifficultyList] = field(default_factory=list)
    village_counts: list[VillageCount] = field(default_factory=list)
    plan_targets: list[PlanTarget] = field(default_factory=list)
    reported: list[ReportedFigure] = field(default_factory=list)
    commune_groups: list[CommuneGroup] = field(default_factory=list)


def latest_assessments(book: StatusBook, assessments: Iterable[Assessment], day: date) -> dict[str, Assessment]:
    """The latest assessment on or before ``day`` of each status chain (by the chain's root uid).

    An assessment names a unit by code on its own date; it counts for the chain of the version
    in force then, so a commune keeps its assessment through a rename but a merged unit does not
    inherit one.
    """
    latest: dict[str, Assessment] = {}
    for a in assessments:
        if a.as_of <= day:
            uid = book.version_at(a.unit_level, a.unit_code, a.as_of)
            root = book.root.get(uid) if uid else None
            if root and (root not in latest or a.as_of > latest[root].as_of):
                latest[root] = a
    return latest


def latest_village_counts(records: Records, day: date, codes: Iterable[str] | None = None) -> dict[str, VillageCount]:
    """The latest village count on or before ``day`` of each commune code (of ``codes``, if given).

    Counts are kept by code: whether a count still describes the unit holding that code on
    ``day`` (and not a new unit that reused it) is the caller's question (see ``layer._same_unit``).
    """
    wanted = None if codes is None else set(codes)
    latest: dict[str, VillageCount] = {}
    for v in records.village_counts:
        if wanted is not None and v.commune_code not in wanted:
            continue
        if v.as_of <= day and (v.commune_code not in latest or v.as_of > latest[v.commune_code].as_of):
            latest[v.commune_code] = v
    return latest


@dataclass(eq=False)
class Snapshot:
    """The records of one data version; views of it are computed once and shared."""

    version: int
    book: StatusBook
    records: Records
    assessments: list[Assessment]
    _frames: dict = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _progress: ProgressBook | None = field(default=None, init=False, repr=False)
    _inherited: dict = field(default_factory=dict, init=False, repr=False)
    _changed: tuple | None = field(default=None, init=False, repr=False)

    @property
    def atlas(self) -> Atlas:
        return self.book.atlas

    @property
    def progress(self) -> ProgressBook:
        """Commune groups and assessments over the status chains (the 2026-2030 standing), built once."""
        with self._lock:
            if self._progress is None:
                from .progress import ProgressBook

                self._progress = ProgressBook(self.book, self.records.commune_groups, self.assessments)
            return self._progress

    def status_frame(self, level: str, day: date | None = None, year: int | None = None) -> gpd.GeoDataFrame:
        """Every unit of ``level`` on ``day`` (or at the end of ``year``) with its status: the rows of every map.

        Computed once per snapshot and question; a copy is returned, so callers may change it.
        """
        from .layer import status_frame

        key = (level, day, year)
        with self._lock:
            hit = self._frames.get(key)
        if hit is None:
            hit = self._patched(key)
            if hit is None:
                progress = self.progress
                hit = status_frame(
                    self.book, self.records, self.assessments, level=level, day=day, year=year, progress=progress
                )
            with self._lock:
                self._frames[key] = hit
                while len(self._frames) > 32:
                    self._frames.pop(next(iter(self._frames)))
        return hit.copy()

    def follow(self, previous: Snapshot | None) -> None:
        """Take over the status frames of the version before, to patch instead of rebuilding them.

        A write usually touches a few units; the frames of the version before are kept (by
        reference, until this snapshot patches or drops them) and :meth:`status_frame` redoes the
        rows of the units whose records changed.
        """
        if previous is not None and previous.book.atlas is self.book.atlas:
            with previous._lock:
                self._inherited = {"book": previous.book, "records": previous.records,
                                   "assessments": previous.assessments, "frames": dict(previous._frames)}  # fmt: skip

    def changed_chains(self) -> frozenset[str] | None:
        """Status chains whose decisions, revocations or review steps differ from the version followed.

        None when something else changed (lists, village counts, groups, assessments, the sources
        or the land covered by records), which can reach any row: then frames are rebuilt whole.
        """
        with self._lock:
            if self._changed is not None:
                return self._changed[0]
        old = self._inherited
        found = None
        if old and old["records"] == self.records and old["assessments"] == self.assessments:
            before, now = old["book"], self.book
            if before.sources == now.sources and before.covered == now.covered:
                found = frozenset(
                    root
                    for mine, theirs in ((before.records, now.records), (before.reviews, now.reviews))
                    for root in mine.keys() | theirs.keys()
                    if mine.get(root) != theirs.get(root)
                )
        with self._lock:
            self._changed = (found,)
            self._inherited = {"frames": self._inherited.get("frames", {})} if found is not None else {}
        return found

    def _patched(self, key: tuple):
        """The frame of the version followed with the rows of changed units redone, or None."""
        from .layer import status_frame

        changed = self.changed_chains()
        with self._lock:
            old = self._inherited.get("frames", {}).pop(key, None)
        if old is None:
            return None
        if changed is None:
            return None
        stale = {uid for uid in old["uid"] if self.book.depends_on(uid) & changed}
        if len(stale) > len(old) // 4:
            return None  # as quick to build it whole
        if not stale:
            return old
        level, day, year = key
        fresh = status_frame(self.book, self.records, self.assessments, level=level, day=day, year=year,
                             progress=self.progress, only=stale)  # fmt: skip
        if len(fresh) != len(stale) or not fresh["uid"].is_unique:
            return None  # a row would be lost or doubled in place: build it whole
        return _replace_rows(old, fresh)


def _replace_rows(old, fresh):
    """``old`` with the rows of ``fresh`` (same units, same columns) in their places; ``old`` is left as it was."""
    at = np.flatnonzero(old["uid"].isin(fresh["uid"]).to_numpy())
    fresh = fresh.set_index("uid", drop=False).loc[old["uid"].to_numpy()[at]]
    out = old.copy(deep=False)  # each column is copied below, once
    for col in out.columns:
        kind = out[col].dtype
        values = out[col].array.copy()  # the geometry's own array, or numpy's with the column's dtype
        values[at] = fresh[col].array if fresh[col].dtype == kind else fresh[col].astype(kind).array
        out[col] = pd.Series(values, index=out.index, dtype=kind, copy=False)
    return out
