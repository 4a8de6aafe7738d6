"""Progress of communes under the criteria set of a period with commune groups (2026-2030).

Decision 51/2025/QĐ-TTg judges a commune per criterion against the thresholds of its group
(nhóm 1, 2 or 3), and the group is itself dated data (:class:`~.model.CommuneGroup`). For
each commune on a day this module gives its group (and where the group comes from) and, per
criterion of the set, "met", "not met" or "unknown", from the latest assessment under that set
on or before the day, or from a decision recognising it under that set (all criteria met).

The thresholds themselves are not in our sources (see the set's ``thresholds_note``): nothing
here compares a figure with a bar; it reports what the competent body's assessment found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .criteria import CriteriaSet, commune_set_on, criteria_sets
from .derive import StatusBook
from .model import Assessment, CommuneGroup, Decision


@dataclass
class Progress:
    """One commune's standing under ``set_id`` on a day."""

    set_id: str
    group: int | None = None
    group_source: str | None = None
    group_basis: str | None = None
    group_from: date | None = None
    verdicts: dict[int, str] = field(default_factory=dict)  # criterion → met / not_met / unknown
    as_of: date | None = None
    source: str | None = None
    found_in: str | None = None  # "assessment" or "decision"
    assessed_group: int | None = None

    def numbers(self, verdict: str) -> list[int]:
        return [n for n, v in sorted(self.verdicts.items()) if v == verdict]

    @property
    def met(self) -> int | None:
        return len(self.numbers("met")) if self.verdicts else None

    @property
    def group_mismatch(self) -> bool:
        """The assessment applied another group's thresholds than the commune's group on the day."""
        return self.assessed_group is not None and self.group is not None and self.assessed_group != self.group


class ProgressBook:
    """Groups and assessments of a period laid over the status chains; built once per data version."""

    def __init__(self, book: StatusBook, groups: list[CommuneGroup], assessments: list[Assessment]):
        self.book = book
        self.groups: dict[str, list[CommuneGroup]] = {}
        for g in groups:
            root = self._root(g.unit_code, g.valid_from)
            if root is not None:
                self.groups.setdefault(root, []).append(g)
        for items in self.groups.values():
            items.sort(key=lambda g: (g.valid_from, g.id or 0))
        self.assessments: dict[tuple[str, str], list[Assessment]] = {}
        for a in assessments:
            root = self._root(a.unit_code, a.as_of) if a.unit_level == "commune" else None
            if root is not None:
                self.assessments.setdefault((root, a.criteria_set), []).append(a)
        for items in self.assessments.values():
            items.sort(key=lambda a: (a.as_of, a.id or 0))

    def _root(self, code: str, day: date) -> str | None:
        uid = self.book.version_at("commune", code, day)
        return self.book.root[uid] if uid else None

    @staticmethod
    def period_set(day: date) -> CriteriaSet | None:
        """The commune set in force on ``day`` if it has commune groups (2026-2030), else None."""
        found = commune_set_on(day)
        return found if found is not None and found.groups else None

    def group_on(self, uid: str, day: date) -> CommuneGroup | None:
        found = None
        for g in self.groups.get(self.book.root[uid], ()):
            if g.valid_from > day:
                break
            found = g
        return found

    def of(self, uid: str, day: date, decision: Decision | None = None, cset: CriteriaSet | None = None) -> Progress:
        """The standing of unit version ``uid`` on ``day`` under ``cset`` (default: the period's set)."""
        cset = cset or self.period_set(day)
        if cset is None:
            return Progress(set_id="")
        out = Progress(set_id=cset.id)
        if (g := self.group_on(uid, day)) is not None:
            out.group, out.group_source, out.group_basis, out.group_from = (
                g.commune_group,
                g.source,
                g.basis,
                g.valid_from,
            )
        latest = None
        for a in self.assessments.get((self.book.root[uid], cset.id), ()):
            if a.as_of > day:
                break
            latest = a
        if decision is not None and decision.criteria_set == cset.id and decision.signed <= day:
            met = set(decision.criteria_met or cset.numbers)
            out.verdicts = {n: "met" if n in met else "not_met" for n in cset.numbers}
            out.as_of, out.source, out.found_in = decision.signed, decision.source, "decision"
        elif latest is not None:
            out.verdicts = {n: latest.verdict(n) for n in cset.numbers}
            out.as_of, out.source, out.found_in = latest.as_of, latest.source, "assessment"
            out.assessed_group = latest.commune_group
        return out


def verdict_names(p: Progress, lang: str = "vi") -> dict[str, list[str]]:
    """Names of the criteria by verdict: ``{"met": [...], "not_met": [...], "unknown": [...]}``."""
    cset = criteria_sets().get(p.set_id)
    if cset is None:
        return {"met": [], "not_met": [], "unknown": []}
    return {v: [cset.name(n, lang) for n in p.numbers(v)] for v in ("met", "not_met", "unknown")}
