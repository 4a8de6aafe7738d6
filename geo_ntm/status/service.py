"""Status over a region, kept current: derived views rebuilt when the store's data version moves.

One object per running service (or command): ``StatusService(atlas, store)``. Every view
(:meth:`book`, :meth:`records`, :meth:`flags`) is computed once per data version, so a new
decision, written by this process or another (an import from the command line), shows on
the next request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from geo_ntm.boundaries.atlas import Atlas

from .derive import StatusBook
from .flags import consistency_flags
from .progress import ProgressBook
from .store import StatusStore
from .summary import Records


class StatusService:
    def __init__(self, atlas: Atlas, store: StatusStore):
        self.atlas = atlas
        self.store = store
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}
        self._building: dict[str, threading.Lock] = {}

    def version(self) -> int:
        return self.store.data_version()

    def _cached(self, name: str, make: Callable[[], Any]) -> Any:
        version = self.version()
        with self._lock:
            hit = self._cache.get(name)
            if hit and hit[0] == version:
                return hit[1]
            building = self._building.setdefault(name, threading.Lock())
        # One thread builds a view; the others wait for it instead of building it again.
        with building:
            with self._lock:
                hit = self._cache.get(name)
                if hit and hit[0] == version:
                    return hit[1]
            value = make()
            with self._lock:
                self._cache[name] = (version, value)
            return value

    def book(self) -> StatusBook:
        return self._cached(
            "book",
            lambda: StatusBook(self.atlas, self.store.decisions(), self.store.revocations(), self.store.reviews()),
        )

    def records(self) -> Records:
        return self._cached(
            "records",
            lambda: Records(
                self.store.difficulty_lists(),
                self.store.village_counts(),
                self.store.plan_targets(),
                self.store.reported_figures(),
                self.store.commune_groups(),
            ),
        )

    def flags(self) -> list:
        return self._cached("flags", lambda: consistency_flags(self.book(), self.records().difficulty_lists))

    def assessments(self) -> list:
        return self._cached("assessments", self.store.assessments)

    def progress(self) -> ProgressBook:
        """Commune groups and assessments over the status chains (the 2026-2030 standing)."""
        return self._cached(
            "progress", lambda: ProgressBook(self.book(), self.records().commune_groups, self.assessments())
        )
