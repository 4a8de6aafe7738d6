"""Commune-level history: versions and events worked out from the code lists and mappings.

Before the 2025 reform the GSO lists say which codes were removed, added or changed on each
date, but not which unit absorbed a removed one. :func:`absorber` works that out: the unit
whose ``alias_keys`` (June 2025 list) hold the removed unit's name, or else the unit of the
same district with the same name; the removed unit must border it or a unit merging with it on that date. Cases that
do not resolve are recorded as issues, never guessed. The reform itself is read from the
official old → new mapping.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import shapely

from geo_ntm.names import fold, key, short_key, split_type

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
        Base part id (2013 code) → cleaned polygon.
    aliases : dict
        Code → alias keys, from the June 2025 list.
    """

    def __init__(self, lists: CodeLists, provinces: set[str], starts: dict[str, date], parts: dict, aliases: dict):
        self.lists = lists
        self.provinces = provinces
        self.parts = parts
        self.aliases = aliases
        self.versions: list[Version] = []
        self.events: list[Event] = []
        self.issues: list[Issue] = []
        self.current: dict[str, Version] = {}
        self._geoms: dict[frozenset, object] = {}
        for pcode, start in starts.items():
            for code, a in lists.province_on(start, {pcode}).items():
                self._open(_version(code, a, start, frozenset([code])))

    # -- pre-reform --------------------------------------------------------------------
    def apply_changes(self, since: date, annexes=None) -> None:
        """Apply every listed change after ``since`` up to the reform.

        ``annexes(day)`` gives, for a day, the non-administrative parts each commune takes in
        (see :mod:`.nonadmin`); such a day is a change of the commune even when the lists are silent.
        """
        changes = {c.date: c for c in self.lists.changes(self.provinces, since)}
        days = set(changes) | {d for d in (annexes.dates if annexes else ()) if since < d <= self.lists.final_date}
        for day in sorted(days):
            self._apply(changes.get(day) or Change(day, {}, {}, {}, ()), annexes.annexes(day) if annexes else {})

    def _apply(self, change: Change, annex: dict[str, frozenset[str]]) -> None:
        day = change.date
        absorbed: dict[str, list[str]] = {}
        for code, attrs in sorted(change.removed.items()):
            target, why = self.absorber(code, attrs, change)
            if target is None:
                self._unresolved(code, attrs.name, why, change)
            else:
                absorbed.setdefault(target, []).append(code)
        for target, codes in list(absorbed.items()):
            for code in self._detached(target, codes):
                codes.remove(code)
                self._unresolved(
                    code,
                    change.removed[code].name,
                    f"it would join {target}, but borders neither it nor the units merging with it",
                    change,
                )
        for code in sorted(change.added):
            self.issues.append(
                Issue(day, "commune", code, f"{change.added[code].name}: new code; its territory is not in the sources")
            )
        for target in sorted(set(absorbed) | set(change.changed) | set(annex)):
            after = self._after(change, target)
            if after is None:
                continue
            preds = [self.current[target]] + [self.current[c] for c in absorbed.get(target, [])]
            extra = annex.get(target, frozenset())
            succ = _version(target, after, day, frozenset().union(*(p.parts for p in preds)) | extra)
            changes = attribute_changes(preds[0], succ) + (("parts",) if extra else ())
            if len(preds) == 1 and not changes:
                continue  # only the district or province was renamed: a district-level event
            self._event(day, preds, [succ], changes, change)

    def _unresolved(self, code: str, name: str, why: str, change: Change) -> None:
        self.issues.append(Issue(change.date, "commune", code, f"{name}: absorbing unit unresolved ({why})"))
        self._event(change.date, [self.current[code]], [], (), change, note=f"absorbing unit unresolved: {why}")

    def _detached(self, target: str, codes: list[str]) -> list[str]:
        """Absorbed units not connected to ``target`` through the units merging with it."""
        geoms = {c: self.geometry(self.current[c]) for c in [target, *codes]}
        reached, frontier = {target}, [target]
        while frontier:
            here = frontier.pop()
            for c in codes:
                if c not in reached and shapely.intersects(geoms[here], geoms[c]):
                    reached.add(c)
                    frontier.append(c)
        return [c for c in codes if c not in reached]

    def _after(self, change: Change, code: str) -> Attrs | None:
        if code in change.changed:
            return change.changed[code][1]
        return self.lists.on(change.date).get(code)

    def absorber(self, code: str, attrs: Attrs, change: Change) -> tuple[str | None, str]:
        """The unit that absorbed removed unit ``code`` on ``change.date``, or (None, why)."""
        after = self.lists.province_on(change.date, self.provinces)
        full, short = key(attrs.name), short_key(attrs.name)
        by_alias = [c for c in after if full in self.aliases.get(c, ())]
        by_alias = by_alias or [c for c in after if short in self.aliases.get(c, ())]
        if len(by_alias) > 1:
            by_alias = [c for c in by_alias if after[c].district_code == attrs.district_code] or by_alias
        if len(by_alias) == 1:
            return self._present(by_alias[0], "alias_keys")
        if len(by_alias) > 1:
            return None, f"alias_keys of several units {sorted(by_alias)} hold its name"
        same = [
            c
            for c, a in after.items()
            if c != code and a.district_code == attrs.district_code and short_key(a.name) == short
        ]
        if len(same) == 1:
            return self._present(same[0], "same name in its district")
        if len(same) > 1:
            return None, f"several units of its district share its name: {sorted(same)}"
        return None, "no unit holds its name in alias_keys and none of its district has its name"

    def _present(self, target: str, how: str) -> tuple[str | None, str]:
        if target not in self.current:
            return None, f"{how} points to {target}, which is not in the region on that date"
        return target, how

    def _event(self, day, preds, succs, changes, change: Change | None, note: str = "") -> Event:
        for p in preds:
            self._close(p, day)
        for s in succs:
            self._open(s)
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

    # -- reform ------------------------------------------------------------------------
    def apply_reform(
        self, day: date, mapping: pd.DataFrame, after: pd.DataFrame, province: str, annex: dict | None = None
    ) -> None:
        """Apply the reform: every current unit goes into the new units the mapping names.

        ``annex`` maps a new code to the non-administrative parts it takes in that day.
        """
        annex = annex or {}
        rows = mapping[(mapping["level"] == "commune") & (mapping["province_code"] == province)]
        official = after.set_index("code")
        consumed: set[str] = set()
        for new_code, group in rows.groupby("new_code", sort=True):
            preds, whole = [], True
            for r in group.itertuples():
                version = self.current.get(r.old_code)
                if version is None:
                    self.issues.append(
                        Issue(
                            day,
                            "commune",
                            r.old_code,
                            f"mapping puts {r.old_name} into {r.new_name}, but no unit has code {r.old_code} "
                            f"on {day_before(day)}; ignored",
                            "reform mapping",
                        )
                    )
                    continue
                if fold(version.name) != fold(r.old_name):
                    self.issues.append(
                        Issue(
                            day,
                            "commune",
                            r.old_code,
                            f"mapping calls it {r.old_name!r}, the list {version.name!r}",
                            "reform mapping",
                        )
                    )
                preds.append(version)
                whole &= bool(r.whole)
                consumed.add(r.old_code)
            name = official.loc[new_code, "name"] if new_code in official.index else group["new_name"].iloc[0]
            parts = frozenset().union(*(p.parts for p in preds), annex.get(new_code, ())) if whole and preds else None
            succ = Version("commune", new_code, name, split_type(name)[0], province, province, day, parts)
            if parts is None:
                succ.note = "part of a predecessor went elsewhere; its outline is not in the sources"
            changes = attribute_changes(preds[0], succ) if len(preds) == 1 else ()
            event = self._event(day, preds, [succ], changes, None)
            event.geometry_reconstructed = parts is not None
        for code in sorted(set(self.current) - consumed):
            if self.current[code].valid_from < day:
                self.issues.append(
                    Issue(
                        day,
                        "commune",
                        code,
                        f"{self.current[code].name} is in no new unit of the mapping",
                        "reform mapping",
                    )
                )

    # -- helpers -----------------------------------------------------------------------
    def _open(self, version: Version) -> None:
        self.versions.append(version)
        self.current[version.code] = version

    def _close(self, version: Version, day: date) -> None:
        version.valid_to = day_before(day)
        if self.current.get(version.code) is version:
            del self.current[version.code]

    def geometry(self, version: Version):
        if version.parts is None:
            return None
        if version.parts not in self._geoms:
            self._geoms[version.parts] = dissolve(self.parts, version.parts)
        return self._geoms[version.parts]


def _version(code: str, a: Attrs, start: date, parts: frozenset) -> Version:
    return Version("commune", code, a.name, a.type, a.district_code, a.province_code, start, parts)
