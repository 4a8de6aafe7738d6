"""Commune-level history: versions and events worked out from the code lists and mappings.

Before the 2025 reform the GSO lists say which codes were removed, added or changed on each
date, but not which unit absorbed a removed one. :func:`absorber` works that out: the unit
whose ``alias_keys`` (June 2025 list) hold the removed unit's name (when several do, the only
one of them bordering it), or else the unit of the same district with the same name, or a code
added that day in its province with its name; the removed unit must border it or a unit
merging with it on that date (within :data:`NEAR_KM`). Cases that do not resolve are recorded as issues and their land
stays in no commune (but in its district), never guessed. A code listed again with its old
name gets its old land back. The reform itself is in :mod:`.reform`.
"""

from __future__ import annotations

from datetime import date

import shapely

from geo_ntm.names import key, short_key, split_type

from .codelists import Attrs, Change, CodeLists, day_before, legal_acts
from .geometry import dissolve
from .history import Event, Issue, Version, attribute_changes, kind_of

BOUNDARY_ADJUSTMENT = "điều chỉnh địa giới"


class CommuneHistory:
    """Build commune versions and events for a region.

    Parameters
    ----------
    lists : CodeLists
    provinces : set of str
        Province codes (before the reform) the region is made of.
    starts : dict
        Province code → first date the base polygons represent.
    parts : dict
        Base part id → cleaned polygon.
    aliases : dict
        Code → alias keys, from the June 2025 list.
    drawn : dict
        Code → its base part ids (missing: the unit has no polygon of its own).
    shared : dict
        Code → pieces of land it holds jointly with other units (see :mod:`.vintage`).
    """

    def __init__(
        self,
        lists: CodeLists,
        provinces: set[str],
        starts: dict[str, date],
        parts: dict,
        aliases: dict,
        drawn: dict[str, frozenset] | None = None,
        shared: dict[str, frozenset] | None = None,
    ):
        self.lists = lists
        self.provinces = provinces
        self.parts = parts
        self.aliases = aliases
        self.versions: list[Version] = []
        self.events: list[Event] = []
        self.issues: list[Issue] = []
        self.current: dict[str, Version] = {}
        #: Land left in no commune by an unresolved removal: [from, until (exclusive) or None,
        #: parts, district code, province code]
        self.orphans: list[list] = []
        #: The last version of each code that ended, to restore a code listed again
        self._ended: dict[str, Version] = {}
        self._geoms: dict[frozenset, object] = {}
        for pcode, start in sorted(starts.items()):
            for code, a in sorted(lists.province_on(start, {pcode}).items()):
                own = frozenset([code]) if drawn is None else drawn.get(code, frozenset())
                version = _version(code, a, start, own)
                version.shared = (shared or {}).get(code, frozenset())
                if not own:
                    version.note = "No polygon of the base layer draws this unit; its outline is unknown."
                self._open(version)
        self._starts = starts

    # -- pre-reform --------------------------------------------------------------------
    def apply_changes(self, annexes=None) -> None:
        """Apply every listed change after each province's start, up to the reform.

        ``annexes(day)`` gives, for a day, the non-administrative parts each commune takes in
        (see :mod:`.nonadmin`); such a day is a change of the commune even when the lists are silent.
        """
        by_day: dict[date, list[Change]] = {}
        for pcode, start in sorted(self._starts.items()):
            for c in self.lists.changes({pcode}, start):
                by_day.setdefault(c.date, []).append(c)
        first = min(self._starts.values())
        days = set(by_day) | {d for d in (annexes.dates if annexes else ()) if first < d <= self.lists.final_date}
        for day in sorted(days):
            change = _joined(day, by_day.get(day, []))
            self._apply(change, annexes.annexes(day) if annexes else {})

    def _apply(self, change: Change, annex: dict[str, frozenset[str]]) -> None:
        absorbed = self._absorptions(change)
        for code in sorted(change.added):
            if code not in self.current:  # a code re-listed while still in force changes nothing
                self._addition(code, change, absorbed, annex)
        for target in sorted(set(absorbed) | set(change.changed) | set(annex)):
            if target in self.current:
                self._continuation(target, change, absorbed, annex)

    def _absorptions(self, change: Change) -> dict[str, list[str]]:
        """Removed code → the unit that absorbed it; unresolved ones end with their land in no commune."""
        absorbed: dict[str, list[str]] = {}
        for code, attrs in sorted(change.removed.items()):
            if code not in self.current:
                continue
            target, why = self.absorber(code, attrs, change)
            if target is None:
                self._unresolved(code, attrs.name, why, change)
            else:
                absorbed.setdefault(target, []).append(code)
        for target, codes in list(absorbed.items()):
            for code in self._detached(target, codes):
                codes.remove(code)
                why = f"it would join {target}, but borders neither it nor the units merging with it"
                self._unresolved(code, change.removed[code].name, why, change)
        return absorbed

    def _addition(self, code: str, change: Change, absorbed: dict, annex: dict) -> None:
        """A code added: units merged under it, a code listed again, or a unit of unknown land."""
        day, after = change.date, change.added[code]
        preds = [self.current[c] for c in absorbed.pop(code, [])]
        succ = _version(code, after, day, frozenset().union(*(p.parts or () for p in preds)))
        succ.shared = frozenset().union(*(p.shared for p in preds))
        restored = None if preds else self._restored(code, after, change, set(absorbed) | set(annex))
        if restored is not None:
            self._restore(code, after, day, *restored, change)
        elif not preds:
            self.issues.append(
                Issue(day, "commune", code, f"{after.name}: new code; its territory is not in the sources")
            )
            succ.note = "New unit; which units gave it land is not in the sources, so its outline is unknown."
            self._open(succ)
        else:
            changes = attribute_changes(preds[0], succ) + (("code",) if len(preds) == 1 else ())
            self._event(day, preds, [succ], changes, change)

    def _continuation(self, target: str, change: Change, absorbed: dict, annex: dict) -> None:
        """A unit going on under its code: renamed, moved, or with units (or land) merged into it."""
        after = self._after(change, target)
        if after is None:
            return
        preds = [self.current[target]] + [self.current[c] for c in absorbed.get(target, [])]
        extra = annex.get(target, frozenset())
        succ = _version(target, after, change.date, frozenset().union(*(p.parts or () for p in preds)) | extra)
        succ.shared = frozenset().union(*(p.shared for p in preds))
        changes = attribute_changes(preds[0], succ) + (("parts",) if extra else ())
        if len(preds) > 1 or changes:  # else only the district or province was renamed: a district-level event
            self._event(change.date, preds, [succ], changes, change)

    def _restore(self, code, after, day, parts, holders, change) -> None:
        succ = _version(code, after, day, parts)
        succ.note = "Listed again with its name: it has the land it had before it was removed."
        if not holders:
            self._event(day, [], [succ], (), change, note=succ.note + " The land was in no commune meanwhile.")
            return
        holder = holders[0]
        listed = self.lists.on(day).get(holder.code) or _attrs_of(holder)
        rest = _version(holder.code, listed, day, holder.parts - parts)
        rest.shared = holder.shared
        self._event(day, [holder], [rest, succ], ("parts",), change, note=succ.note)

    def _unresolved(self, code: str, name: str, why: str, change: Change) -> None:
        version = self.current[code]
        self.issues.append(Issue(change.date, "commune", code, f"{name}: absorbing unit unresolved ({why})"))
        if version.parts:
            self.orphans.append([change.date, None, version.parts, version.parent_code, version.province_code])
        self._event(change.date, [version], [], (), change, note=f"absorbing unit unresolved: {why}")

    def _detached(self, target: str, codes: list[str]) -> list[str]:
        """Absorbed units not connected to ``target`` through the units merging with it.

        A unit whose outline is unknown cannot be tested and is kept (its event says so).
        """
        members = ([target] if target in self.current else []) + codes
        geoms = {c: self.geometry(self.current[c]) for c in members}
        known = [c for c in members if geoms[c] is not None]
        if len(known) < 2:
            return []
        reached, frontier = {known[0]}, [known[0]]
        while frontier:
            here = frontier.pop()
            for c in known:
                if c not in reached and _near(geoms[here], geoms[c]):
                    reached.add(c)
                    frontier.append(c)
        return [c for c in codes if c in known and c not in reached]

    def _after(self, change: Change, code: str) -> Attrs | None:
        if code in change.changed:
            return change.changed[code][1]
        return self.lists.on(change.date).get(code)

    def absorber(self, code: str, attrs: Attrs, change: Change) -> tuple[str | None, str]:
        """The unit that absorbed removed unit ``code`` on ``change.date``, or (None, why).

        Looked for in its own province: the unit of its district whose ``alias_keys`` hold its name
        (or the only such unit that borders it, in its district or else anywhere), else the
        unit of its district with its name, else a code added that day in its province with
        its name (a unit given a new code, as when its district was divided).
        """
        after = self.lists.province_on(change.date, {attrs.province_code})
        full, short = key(attrs.name), short_key(attrs.name)
        by_alias = [c for c in after if full in self.aliases.get(c, ())]
        by_alias = by_alias or [c for c in after if short in self.aliases.get(c, ())]
        local = [c for c in by_alias if after[c].district_code == attrs.district_code]
        if len(local) == 1:
            return self._present(local[0], "alias_keys", change)
        if by_alias:
            bordering = self._bordering(code, local or by_alias)
            if len(bordering) == 1:
                return self._present(bordering[0], "alias_keys, the only one of them bordering it", change)
            return None, f"alias_keys of {sorted(by_alias)} hold its name, and not one of them alone borders it"
        same = [
            c
            for c, a in after.items()
            if c != code and a.district_code == attrs.district_code and short_key(a.name) == short
        ]
        if len(same) == 1:
            return self._present(same[0], "same name in its district", change)
        if len(same) > 1:
            return None, f"several units of its district share its name: {sorted(same)}"
        recoded = [c for c in change.added if c in after and short_key(after[c].name) == short]
        if len(recoded) == 1:
            return self._present(recoded[0], "new code with its name", change)
        return None, "no unit holds its name in alias_keys and none of its district has its name"

    def _bordering(self, code: str, candidates: list[str]) -> list[str]:
        """Those of ``candidates`` (current units) whose outline touches that of unit ``code``."""
        mine = self.geometry(self.current[code])
        if mine is None:
            return []
        found = []
        for c in candidates:
            theirs = self.geometry(self.current[c]) if c in self.current else None
            if theirs is not None and _near(mine, theirs):
                found.append(c)
        return found

    def _present(self, target: str, how: str, change: Change) -> tuple[str | None, str]:
        if target not in self.current and target not in change.added:
            return None, f"{how} points to {target}, which is not in the region on that date"
        return target, how

    def _event(self, day, preds, succs, changes, change: Change | None, note: str = "") -> Event:
        for p in preds:
            self._close(p, day)
        for s in succs:
            self._open(s)
        for s in succs:
            if s.quality != "exact" and not s.note:
                lacking = [p.name for p in preds if p.quality != "exact"]
                s.note = f"Outline incomplete: the base layer does not draw the land of {', '.join(lacking)}."
        event = Event(day, "commune", kind_of(changes, len(preds), len(succs)), preds, succs, changes, note=note)
        if change is not None:
            places = {split_type(a)[1] for v in preds + succs for a in self._places(v, day)}
            act, text = legal_acts(change.notes, sorted(places))
            event.legal_act, event.legal_act_text = act, text
            event.legal_act_source = "GSO change note" if act else None
            if text and BOUNDARY_ADJUSTMENT in text.lower():
                event.note = (event.note + " " if event.note else "") + (
                    "The act also adjusted boundaries; the base polygons do not show that adjustment."
                )
        for p in preds:
            for s in succs:
                event.shares[(p.uid, s.uid)] = 1.0 if p.parts and s.parts and p.parts <= s.parts else None
        self.events.append(event)
        return event

    def _places(self, version: Version, day: date) -> list[str]:
        listed = self.lists.on(day_before(day)).get(version.code) or self.lists.on(day).get(version.code)
        return [listed.province, listed.district] if listed else []

    @property
    def orphan_dates(self) -> set[date]:
        return {o[0] for o in self.orphans} | {o[1] for o in self.orphans if o[1]}

    def orphaned_on(self, day: date) -> dict[str, tuple[str, str]]:
        """Part → (district, old province) of land left in no commune by an unresolved removal."""
        return {
            p: (district, province)
            for start, until, parts, district, province in self.orphans
            if start <= day and (until is None or day < until)
            for p in parts
        }

    def replace_parts(self, replaced: dict[str, list[str]]) -> None:
        """Parts cut into pieces at the reform (see :mod:`.reform`), in the orphaned land too."""
        for o in self.orphans:
            o[2] = frozenset(q for p in o[2] for q in replaced.get(p, [p]))
        self._geoms.clear()

    def _restored(self, code: str, attrs: Attrs, change: Change, busy: set) -> tuple[frozenset, list[Version]] | None:
        """The land of a code listed again with its old name: (its parts, units that held them since).

        GSO's lists drop and re-list some codes (Sa Pa, 2019-2020; PROVENANCE.md §7 issue 2):
        the unit comes back with the land it had, taken back from the unit that absorbed it,
        or from land in no commune. A code re-listed under another name is a new unit.
        """
        last = self._ended.get(code)
        if last is None or not last.parts or short_key(last.name) != short_key(attrs.name):
            return None
        for o in self.orphans:
            if o[1] is None and o[2] == last.parts:
                o[1] = change.date
                return last.parts, []
        holders = [v for v in self.current.values() if v.parts and last.parts <= v.parts and v.code != code]
        if len(holders) != 1 or holders[0].code in busy or holders[0].code in change.changed:
            return None
        return last.parts, holders

    # -- helpers -----------------------------------------------------------------------
    def _open(self, version: Version) -> None:
        self.versions.append(version)
        self.current[version.code] = version

    def _close(self, version: Version, day: date) -> None:
        version.valid_to = day_before(day)
        self._ended[version.code] = version
        if self.current.get(version.code) is version:
            del self.current[version.code]

    def geometry(self, version: Version):
        if not version.parts:
            return None
        if version.parts not in self._geoms:
            self._geoms[version.parts] = dissolve(self.parts, version.parts)
        return self._geoms[version.parts]


#: Units closer than this count as bordering: thinning the 2013 layer opened gaps wider than the
#: 200 m that cleaning closes between some neighbours, and an island merged with the commune
#: facing it (Hòn Thơm with An Thới, 0.55 km) borders it across the water.
NEAR_KM = 1.0


def _near(a, b) -> bool:
    return bool(shapely.dwithin(a, b, NEAR_KM / 111.32))


def _joined(day: date, changes: list[Change]) -> Change:
    """One change of the region on ``day`` from the changes of its provinces."""
    out = Change(day, {}, {}, {}, ())
    for c in changes:
        out.removed.update(c.removed)
        out.added.update(c.added)
        out.changed.update(c.changed)
    for code in out.removed.keys() & out.added.keys():  # moved between two provinces of the region
        out.changed[code] = (out.removed.pop(code), out.added.pop(code))
    notes = tuple(dict.fromkeys(n for c in changes for n in c.notes))
    return Change(day, out.removed, out.added, out.changed, notes)


def _attrs_of(v: Version) -> Attrs:
    return Attrs(v.name, v.type, v.parent_code, "", v.province_code, "")


def _version(code: str, a: Attrs, start: date, parts: frozenset) -> Version:
    return Version("commune", code, a.name, a.type, a.district_code, a.province_code, start, parts)
