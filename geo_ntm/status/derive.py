"""Status of every unit on any date, derived from the decisions and the boundary history.

A decision is about the unit version in force on its signing date. Status follows that unit
through renames, reclassifications and district changes (same territory), and stays with a
unit that lost part of its land, but it does not pass to a unit formed by a merger (Guidance
5424/BNN-VPĐP): such a unit, with no decision of its own yet, is "awaiting review"
(``cho_ra_soat``) and carries what its constituents held, never silently the best or worst.

A merged unit's review is a workflow (:mod:`.review`): its dated steps (self-assessed,
verified, recognised, not recognised) are laid over the same chains. A unit not recognised
after review is "not yet" (``chua_dat``), no longer "awaiting review"; a recognised one holds
the level of its own decision.

What "no decision" means depends on what the records cover. A unit with no decision is
"not yet" (``chua_dat``) only inside the district-level units whose records exist (their own
or their communes'); elsewhere, and before the date of a decision known only as a bound
(``signed_precision`` ``by`` or ``inferred``: recognised on or before that date), it is
"no data" (``khong_du_lieu``). A province is covered when all of its territory is.

Two ways to ask:

- :meth:`StatusBook.on` (``mode="date"``): decisions signed on or before the date;
- :meth:`StatusBook.for_year` (``mode="year"``): decisions whose "năm" label is at most the
  year, on the boundaries of 31 December, which is how the province reports a year
  (Lục Nam, signed 11/01/2024, counts for 2023).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from geo_ntm.boundaries.atlas import Atlas

from .levels import BOUNDS, LABELS, RANK
from .model import Decision, ReviewStep, Revocation

_CHAINS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
CONTINUING = {"rename", "reclassification", "district_change", "partial_transfer", "code_change"}
NEW_UNIT = {"merge", "split", "reorganisation", "creation"}
URBAN = {"Phường", "Thị trấn"}


def past_of(constituents: list[dict]) -> str | None:
    """What the constituents held the day before the merger: "all_ntm", "some_ntm", "none_ntm",
    "unknown" (none NTM but some without data); None when there are none (wards and towns aside).

    This is the constituents' past, never the unit's status: a second reading of the map.
    """
    counted = [c for c in constituents if c["status"] != "khong_ap_dung"]
    if not counted:
        return None
    ntm = sum(RANK.get(c["status"], -1) >= 1 for c in counted)
    if ntm == len(counted):
        return "all_ntm"
    if ntm:
        return "some_ntm"
    return "unknown" if any(c["status"] == "khong_du_lieu" for c in counted) else "none_ntm"


@dataclass
class Status:
    """The status of one unit version on one date, and why."""

    uid: str
    status: str
    decision: Decision | None = None
    constituents: list[dict] = field(default_factory=list)
    formed_on: date | None = None
    held_before: str | None = None
    review: ReviewStep | None = None
    #: For "no data" before a bound: the decision known only as "on or before" a later date.
    bound: Decision | None = None

    @property
    def review_state(self) -> str | None:
        """Where the review of a merged unit stands (None for a unit that needs none).

        A unit holding a decision of its own after its merger is recognised, whether or not a
        review step was recorded for it; otherwise its latest step, or "not_started".
        """
        if self.formed_on is None and self.review is None:
            return None
        if self.decision is not None and self.formed_on is not None and self.decision.signed >= self.formed_on:
            return "recognised"
        return self.review.state if self.review is not None else "not_started"

    @property
    def past(self) -> str | None:
        """What the constituents held the day before the merger (see :func:`past_of`)."""
        return past_of(self.constituents)

    @property
    def source(self) -> str | None:
        if self.decision is not None:
            return self.decision.source
        sources = {c["source"] for c in self.constituents if c.get("source")}
        sources |= {self.review.source} if self.review is not None else set()
        return "illustrative" if "illustrative" in sources else (sources.pop() if sources else None)

    def summary(self, lang: str = "vi") -> str | None:
        """ "3 of 3 constituents NTM; 1 advanced" for a unit awaiting review, else None."""
        if self.status != "cho_ra_soat":
            return None
        ranks = [RANK.get(c["status"], -1) for c in self.constituents]
        n, ntm = len(ranks), sum(r >= 1 for r in ranks)
        adv, model = sum(r >= 2 for r in ranks), sum(r >= 3 for r in ranks)
        waiting = sum(c["status"] == "cho_ra_soat" for c in self.constituents)
        na = sum(c["status"] == "khong_ap_dung" for c in self.constituents)
        if lang == "en":
            parts = [f"{ntm} of {n} constituents NTM"]
            parts += [f"{adv} advanced"] if adv else []
            parts += [f"{model} model"] if model else []
            parts += [f"{waiting} awaiting review"] if waiting else []
            parts += [f"{na} wards/towns"] if na else []
        else:
            parts = [f"{ntm}/{n} đơn vị cũ đạt chuẩn NTM"]
            parts += [f"{adv} nâng cao"] if adv else []
            parts += [f"{model} kiểu mẫu"] if model else []
            parts += [f"{waiting} chờ rà soát"] if waiting else []
            parts += [f"{na} phường, thị trấn"] if na else []
        return "; ".join(parts)


class StatusBook:
    """Decisions and revocations laid over a boundary history; built once per data version."""

    def __init__(
        self,
        atlas: Atlas,
        decisions: list[Decision],
        revocations: list[Revocation],
        reviews: list[ReviewStep] = (),
    ):
        self.atlas = atlas
        # What depends only on the boundaries is worked out once per atlas, not per data version.
        if atlas not in _CHAINS:
            _CHAINS[atlas] = _Chains(atlas)
        chains = _CHAINS[atlas]
        self._spans, self._unit, self.root, self.origin = chains.spans, chains.unit, chains.root, chains.origin
        self._depends = chains.depends
        #: Sources of all records: when some are illustrative, "no decision" is only as sure as they are.
        self.sources = {r.source for r in [*decisions, *revocations]}
        self.unplaced: list[Decision | Revocation] = []
        self.records: dict[str, list] = {}
        for record in [*decisions, *revocations]:
            if record.unit_level == "village":
                continue
            uid = self.version_at(record.unit_level, record.unit_code, record.signed)
            if uid is None:
                self.unplaced.append(record)
            else:
                self.records.setdefault(self.root[uid], []).append(record)
        for items in self.records.values():
            # Same day: decisions before revocations, and a level before the one it leads to.
            items.sort(key=lambda r: (r.signed, isinstance(r, Revocation), RANK[r.level]))
        self.reviews: dict[str, list[ReviewStep]] = {}
        for step in reviews:
            uid = self.version_at(step.unit_level, step.unit_code, step.reviewed_on)
            if uid is None:
                self.unplaced.append(step)
            else:
                self.reviews.setdefault(self.root[uid], []).append(step)
        for steps in self.reviews.values():
            steps.sort(key=lambda r: (r.reviewed_on, r.id or 0))
        self.covered = self._covered_parts()
        self._levels: dict[tuple, pd.DataFrame] = {}
        self._lock = threading.Lock()

    def _covered_parts(self) -> frozenset:
        """Parts of the district-level units (before the reform) whose records exist: their own or
        their communes'. Elsewhere "no decision" means "no data", not "not yet".

        A unit formed after the reform covers its own land once it has a record.
        """
        atlas, u = self.atlas, self.atlas.units
        olds = [
            atlas.parts_of.get(uid, frozenset())
            for uid in u[(u["level"] == "district") & (u["valid_from"] < atlas.reform_date)]["uid"]
        ]
        covered: set = set()
        for root in self.records:
            parts = atlas.parts_of.get(root, frozenset())
            if u.loc[root, "valid_from"] >= atlas.reform_date or u.loc[root, "level"] == "province":
                covered |= parts if u.loc[root, "level"] != "province" else frozenset()
                continue
            for district in olds:
                if parts & district:
                    covered |= district
        return frozenset(covered)

    def is_covered(self, uid: str) -> bool:
        """Whether "no decision" means "not yet" for this unit version (see the module docstring)."""
        parts = self.atlas.parts_of.get(uid, frozenset())
        if self._unit[uid][0] == "province":
            return bool(parts) and parts <= self.covered
        return bool(parts & self.covered)

    def version_at(self, level: str, code: str, day: date) -> str | None:
        """Uid of the version of unit ``code`` in force on ``day``, or None."""
        for start, end, uid in self._spans.get((level, code), ()):
            if start <= day <= end:
                return uid
        return None

    # -- one unit ----------------------------------------------------------------------
    def status_of(self, uid: str, day: date, year: int | None = None) -> Status:
        """Status of version ``uid`` on ``day`` (``year`` set: decisions labelled up to it)."""
        level, unit_type, _, _ = self._unit[uid]
        root = self.root[uid]
        held = self._held(root, day, year)
        if level == "commune" and unit_type in URBAN:
            return Status(uid, "khong_ap_dung", held_before=held[0] if held else None)
        origin = self.origin.get(root)
        formed = date.fromisoformat(origin["date"]) if origin is not None and origin["kind"] in NEW_UNIT else None
        step = self._step(root, day)
        if held:
            return Status(uid, held[0], held[1], formed_on=formed, review=step)
        if (bound := self._bound(root, day, year)) is not None:
            return Status(uid, "khong_du_lieu", bound=bound)
        if not self.is_covered(uid):
            return Status(uid, "khong_du_lieu")
        if formed is not None:
            before = formed - timedelta(days=1)
            constituents = []
            for pred in [p for p in origin["predecessors"].split(";") if p]:
                s = self.status_of(pred, before, year)
                pu = self.atlas.units.loc[pred]
                constituents.append(
                    {
                        "uid": pred,
                        "code": pu["code"],
                        "name": pu["name"],
                        "status": s.status,
                        "decision_no": s.decision.decision_no if s.decision else None,
                        "source": s.source,
                    }
                )
            status = "chua_dat" if step is not None and step.state == "not_recognised" else "cho_ra_soat"
            return Status(uid, status, constituents=constituents, formed_on=formed, review=step)
        return Status(uid, "chua_dat")

    def _step(self, root: str, day: date) -> ReviewStep | None:
        """The latest review step of a chain on or before ``day``."""
        found = None
        for step in self.reviews.get(root, ()):
            if step.reviewed_on > day:
                break
            found = step
        return found

    def _bound(self, root: str, day: date, year: int | None) -> Decision | None:
        """A later decision known only as "on or before" its date: the status before it is unknown."""
        for r in self.records.get(root, ()):
            if not isinstance(r, Decision) or r.signed_precision not in BOUNDS:
                continue
            later = r.year_label > year if year is not None else r.signed > day
            if later:
                return r
        return None

    def _held(self, root: str, day: date, year: int | None) -> tuple[str, Decision] | None:
        held: dict[str, Decision] = {}
        for r in self.records.get(root, ()):
            if r.signed > day and year is None:
                break
            if year is not None and isinstance(r, Decision) and r.year_label > year:
                continue
            if year is not None and isinstance(r, Revocation) and r.signed.year > year:
                continue
            if isinstance(r, Decision):
                held[r.level] = r
            else:
                for level in [lv for lv in held if RANK[lv] >= RANK[r.level]]:
                    del held[level]
        if not held:
            return None
        level = max(held, key=lambda lv: (RANK[lv], held[lv].signed))
        return level, held[level]

    # -- a whole level -----------------------------------------------------------------
    def on(self, day: date | str, level: str = "commune") -> pd.DataFrame:
        """Status of every unit of ``level`` in force on ``day``."""
        day = self.atlas.check_date(day)
        return self._level(day, level, None)

    def for_year(self, year: int, level: str = "commune") -> pd.DataFrame:
        """Status at the end of ``year`` as the province reports it (by the "năm" label)."""
        return self._level(date(year, 12, 31), level, year)

    def some(self, units: pd.DataFrame, day: date, year: int | None) -> pd.DataFrame:
        """As :meth:`on` (``year`` None) or :meth:`for_year`, for these ``units`` of a day only (not kept)."""
        return self._frame(units, [self.status_of(uid, day, year) for uid in units["uid"]])

    def depends_on(self, uid: str) -> frozenset[str]:
        """The status chains whose records can change the status of ``uid``: its own, and those of
        the units it was formed from (their past is shown with it), back through every merger.

        It depends on the boundaries only, so it is kept per atlas, across data versions.
        """
        memo = self._depends
        found = memo.get(uid)
        if found is None:
            root = self.root[uid]
            origin = self.origin.get(root)
            found = frozenset({root})
            if origin is not None and origin["kind"] in NEW_UNIT:
                for pred in (p for p in origin["predecessors"].split(";") if p):
                    found |= self.depends_on(pred)
            memo[uid] = found
        return found

    def _level(self, day: date, level: str, year: int | None) -> pd.DataFrame:
        # A book is one data version: a level's statuses on a day never change, so they are worked
        # out once (a map, its summary, its table and its downloads ask for the same ones) and copied out.
        key = (day, level, year)
        with self._lock:
            hit = self._levels.get(key)
        if hit is None:
            units = self.atlas.units_on(day, level)
            hit = self._frame(units, [self.status_of(uid, day, year) for uid in units["uid"]])
            with self._lock:
                self._levels[key] = hit
                while len(self._levels) > 64:
                    self._levels.pop(next(iter(self._levels)))
        return hit.copy()

    @staticmethod
    def _frame(units: pd.DataFrame, statuses: list[Status]) -> pd.DataFrame:
        rows = [_row(s) for s in statuses]
        # Named columns: a level with no units on the day (districts from 2025) is an empty frame, not an error.
        out = pd.DataFrame(rows, columns=frame_columns())
        return units[["uid", "code", "name", "type", "parent_code", "province_code"]].merge(out, on="uid")


def _document(step: ReviewStep | None) -> str | None:
    if step is None:
        return None
    return " ".join(x for x in (step.document_no, f"({step.document})" if step.document else None) if x) or None


class _Chains:
    """Per atlas: version spans by code, unit facts by uid, and the chains of status history."""

    def __init__(self, atlas: Atlas):
        self.atlas = atlas
        #: uid → the chains its status depends on (:meth:`StatusBook.depends_on`), filled as asked.
        self.depends: dict[str, frozenset[str]] = {}
        self.spans: dict[tuple[str, str], list[tuple[date, date, str]]] = {}
        self.unit: dict[str, tuple[str, str, str, str]] = {}
        cols = ["level", "code", "valid_from", "valid_to", "uid", "type", "name"]
        for r in atlas.units[cols].itertuples(index=False):
            self.spans.setdefault((r.level, r.code), []).append((r.valid_from, r.valid_to, r.uid))
            self.unit[r.uid] = (r.level, r.type, r.code, r.name)
        self.root: dict[str, str] = {}
        self.origin: dict[str, dict | None] = {}
        self._link()

    def _link(self) -> None:
        """Which versions share a status history (a chain), and what event started each chain.

        A version continues its predecessor's chain through a rename, reclassification or
        district change, and keeps its own chain when it loses land (the same-code successor
        of a split or a partial transfer). A merger, or a new unit carved out by a split,
        starts a new chain: its status is its own to earn.
        """
        atlas = self.atlas
        incoming: dict[str, list[tuple[str, str]]] = {}
        for event_id, pred, succ in atlas.links[["event_id", "predecessor", "successor"]].itertuples(index=False):
            if succ:
                incoming.setdefault(succ, []).append((event_id, pred))
        kind = dict(zip(atlas.events["event_id"], atlas.events["kind"]))
        rows = atlas.events.to_dict("index")  # event id → its fields (a dict reads like the row)
        for uid in atlas.units.sort_values("valid_from")["uid"]:
            links = incoming.get(uid)
            root, origin = uid, None
            if links:
                events = list(dict.fromkeys(e for e, _ in links))
                kinds = {kind[e] for e in events}
                code = uid.split("@")[0]
                same = [p for _, p in links if p.split("@")[0] == code]
                if len(links) == 1 and kinds <= CONTINUING - {"partial_transfer"}:
                    root = self.root[links[0][1]]
                elif len(same) == 1 and not kinds & {"merge", "reorganisation"} and kinds <= CONTINUING | {"split"}:
                    root = self.root[same[0]]
                else:
                    first = next((e for e in events if kind[e] in NEW_UNIT), events[0])
                    origin = rows[first]
            self.root[uid] = root
            if root == uid:
                self.origin[uid] = origin


def _row(s: Status) -> dict:
    """One unit's status as a row of :meth:`StatusBook.on` (after the unit's own columns)."""
    d = s.decision
    return {
        "uid": s.uid,
        "status": s.status,
        "status_vi": LABELS["vi"][s.status],
        "status_en": LABELS["en"][s.status],
        "decision_id": d.id if d else None,
        "decision_no": d.decision_no if d else None,
        "decision_signed": d.signed.isoformat() if d else None,
        "decision_precision": d.signed_precision if d else None,
        "year_label": d.year_label if d else None,
        "authority": d.authority if d else None,
        "criteria_set": d.criteria_set if d else None,
        "criteria_met": list(d.criteria_met) if d and d.criteria_met is not None else None,
        "field": d.field if d else None,
        "source": s.source,
        "citation": d.citation if d else None,
        "formed_on": s.formed_on.isoformat() if s.formed_on else None,
        "constituents": s.constituents or None,
        "review_vi": s.summary("vi"),
        "review_en": s.summary("en"),
        "held_before": s.held_before,
        "review_state": s.review_state,
        "review_on": s.review.reviewed_on.isoformat() if s.review else None,
        "review_document": _document(s.review),
        "review_source": s.review.source if s.review else None,
        "constituents_past": s.past,
        "known_by": s.bound.signed.isoformat() if s.bound else None,
    }


def frame_columns() -> list[str]:
    """Columns of :func:`_row` (named even when a level has no units on a day: districts from 2025)."""
    return list(_row(Status("", "khong_du_lieu")).keys())
