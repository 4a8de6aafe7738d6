"""Status over a region, kept current: one :class:`~geo_ntm.status.snapshot.Snapshot` per data version.

One object per running service (or command): ``StatusService(atlas, store)``. :meth:`snapshot`
reads the store's records of one data version together (decisions, revocations, lists, counts,
targets, figures, assessments) and builds the status book once per version, so a new decision,
written by this process or another (an import from the command line), shows on the next request,
and no answer mixes two versions.
"""

from __future__ import annotations

import threading

from geo_ntm.boundaries.atlas import Atlas

from .derive import StatusBook
from .flags import consistency_flags
from .snapshot import Records, Snapshot
from .store import StatusStore


class StatusService:
    def __init__(self, atlas: Atlas, store: StatusStore):
        self.atlas = atlas
        self.store = store
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._flags: tuple[int, list] | None = None

    def version(self) -> int:
        return self.store.data_version()

    def peek(self) -> Snapshot | None:
        """The snapshot of the current version if it is built already (no work: for the event loop)."""
        snap = self._snapshot
        return snap if snap is not None and snap.version == self.version() else None

    def snapshot(self) -> Snapshot:
        """The records of the current data version, read together (built once per version)."""
        hit = self.peek()
        if hit is not None:
            return hit
        with self._building:  # one thread builds it; the others wait for it instead of building it again
            hit = self.peek()
            if hit is not None:
                return hit
            snap = self._read()
            snap.follow(self._snapshot)
            with self._lock:
                self._snapshot = snap
            return snap

    def _read(self) -> Snapshot:
        # Every write moves the data version in its own transaction: if the version is the same
        # before and after the reads, they all saw that version; if not, read again.
        while True:
            before = self.version()
            decisions, revocations, reviews = self.store.decisions(), self.store.revocations(), self.store.reviews()
            records = Records(
                self.store.difficulty_lists(),
                self.store.village_counts(),
                self.store.plan_targets(),
                self.store.reported_figures(),
                self.store.commune_groups(),
            )
            assessments = self.store.assessments()
            if self.version() == before:
                book = StatusBook(self.atlas, decisions, revocations, reviews)
                return Snapshot(before, book, records, assessments)

    def flags(self) -> list:
        snap = self.snapshot()
        done = self._flags
        if done is None or done[0] != snap.version:
            done = (snap.version, consistency_flags(snap.book, snap.records.difficulty_lists))
            self._flags = done
        return done[1]
