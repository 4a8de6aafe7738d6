"""Records of the NTM programme, as the programme keeps them: dated decisions, never a field.

Every record says where it comes from: ``source`` is ``"official"`` (with a ``citation``) or
``"illustrative"`` (made up to show the tool, consistent with the published totals). A
correction is a new record whose ``supersedes`` names the old one; both stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from geo_ntm.i18n import pairs

SOURCES = ("official", "illustrative")
UNIT_LEVELS = ("commune", "district", "village", "province")


@dataclass(frozen=True)
class Decision:
    """A recognition: a unit reached a level by a decision.

    ``unit_code`` is the GSO code (for a village: ``"<commune code>:<village name>"``);
    ``signed`` is the signing date; ``signed_precision`` says how well it is known
    (:data:`~geo_ntm.status.levels.PRECISIONS`): ``"day"``; ``"month"`` or ``"year"`` (then
    ``signed`` is the last day of that month or year); ``"by"`` (recognised on or before
    ``signed``, e.g. the date of the first report) or ``"inferred"`` (deduced from another
    official fact dated ``signed``, which ``citation`` names). ``year_label`` is the "năm" the
    decision recognises, which can differ from the signing year.
    """

    unit_level: str
    unit_code: str
    unit_name: str
    level: str
    signed: date
    year_label: int
    source: str
    decision_no: str | None = None
    signed_precision: str = "day"
    authority: str | None = None
    criteria_set: str | None = None
    criteria_met: tuple[int, ...] | None = None
    field: str | None = None
    citation: str | None = None
    note: str | None = None
    supersedes: int | None = None
    id: int | None = None
    recorded_at: str | None = None
    recorded_by: str | None = None

    @property
    def key(self) -> tuple:
        """What makes two decisions the same decision (used to refuse duplicates)."""
        return (self.unit_level, self.unit_code, self.level, self.decision_no or "", self.signed)


@dataclass(frozen=True)
class Revocation:
    """A decision withdrawing a level (thu hồi); levels at or above ``level`` are lost."""

    unit_level: str
    unit_code: str
    unit_name: str
    level: str
    signed: date
    source: str
    decision_no: str | None = None
    authority: str | None = None
    reason: str | None = None
    citation: str | None = None
    supersedes: int | None = None
    id: int | None = None
    recorded_at: str | None = None
    recorded_by: str | None = None

    @property
    def key(self) -> tuple:
        return (self.unit_level, self.unit_code, self.level, self.decision_no or "", self.signed)


@dataclass(frozen=True)
class Assessment:
    """Criteria a unit met on a date, short of a recognition (self-assessment, district review).

    ``criteria_not_met`` None keeps the 2021-2025 reading (every criterion not listed as met is
    not met); given, the criteria in neither list are "not assessed". ``commune_group`` is the
    group (nhóm 1/2/3 of the 2026-2030 set) whose thresholds the assessment applied.
    """

    unit_level: str
    unit_code: str
    unit_name: str
    as_of: date
    criteria_set: str
    criteria_met: tuple[int, ...]
    source: str
    citation: str | None = None
    supersedes: int | None = None
    id: int | None = None
    criteria_not_met: tuple[int, ...] | None = None
    commune_group: int | None = None

    def verdict(self, number: int) -> str:
        """ "met", "not_met" or "unknown" for one criterion."""
        if number in self.criteria_met:
            return "met"
        if self.criteria_not_met is None or number in self.criteria_not_met:
            return "not_met"
        return "unknown"


@dataclass(frozen=True)
class CommuneGroup:
    """The group (nhóm 1, 2 or 3) a commune belongs to under a criteria set, from a date.

    The group sets the thresholds a commune is assessed against (Decision 51/2025/QĐ-TTg).
    ``basis`` says how it was assigned: the act of the competent authority, or, for a group
    derived by a rule (no official list was found for Bắc Ninh), the rule itself.
    """

    unit_code: str
    unit_name: str
    commune_group: int
    valid_from: date
    source: str
    criteria_set: str = "xa-ntm-2026-2030"
    basis: str | None = None
    citation: str | None = None
    supersedes: int | None = None
    id: int | None = None
    recorded_at: str | None = None
    recorded_by: str | None = None


#: Steps of the review of a unit formed by a merger (Guidance 5424/BNN-VPĐP: the new unit
#: self-assesses, the level above verifies, the province recognises it, or does not).
REVIEW_STATES = ("not_started", "self_assessed", "verified", "recognised", "not_recognised")
#: States a review step can record ("not started" is the absence of any).
REVIEW_STEPS = REVIEW_STATES[1:]


@dataclass(frozen=True)
class ReviewStep:
    """One dated step of the review (rà soát, thừa nhận) of a unit formed by a merger.

    ``document_no`` and ``document`` name the paper the step rests on (a self-assessment
    report, a verification record, a decision). A ``recognised`` step names the decision that
    gives the unit its level (``decision_id``); ``not_recognised`` ends the review without one.
    """

    unit_code: str
    unit_name: str
    state: str
    reviewed_on: date
    source: str
    unit_level: str = "commune"
    document_no: str | None = None
    document: str | None = None
    authority: str | None = None
    criteria_set: str | None = None
    decision_id: int | None = None
    citation: str | None = None
    note: str | None = None
    supersedes: int | None = None
    id: int | None = None
    recorded_at: str | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class DifficultyList:
    """One version of a list of especially difficult communes (or villages), with its act."""

    id: str
    kind: str  # "commune" or "village"
    title: str
    legal_act: str
    valid_from: date
    valid_to: date | None
    source: str
    citation: str | None = None
    amends: str | None = None
    entries: tuple[DifficultyEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DifficultyEntry:
    unit_code: str  # commune code; for a village list, the commune the village belongs to
    unit_name: str
    village: str | None = None
    source: str = "official"
    note: str | None = None


@dataclass(frozen=True)
class VillageCount:
    """Villages of a commune on a date: all, NTM, model; and of them the especially difficult ones."""

    commune_code: str
    commune_name: str
    as_of: date
    total: int
    ntm: int
    kieu_mau: int
    source: str
    dbkk_total: int | None = None
    dbkk_ntm: int | None = None
    citation: str | None = None
    supersedes: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class PlanTarget:
    """A plan target: a metric over a scope to reach by a deadline.

    ``metric`` is one of :data:`METRICS`; ``scope`` names the districts (old codes) it covers,
    empty for the whole province. ``set_on`` is the day it was set or published, when known: a
    target counts only from then (a province code can name another province before it).
    """

    id: str
    title_vi: str
    title_en: str
    metric: str
    target: float
    deadline: date
    source: str
    scope: tuple[str, ...] = ()
    province_code: str | None = None
    citation: str | None = None
    set_on: date | None = None


@dataclass(frozen=True)
class ReportedFigure:
    """A figure the province published (e.g. model villages recognised in a year)."""

    province_code: str
    year: int
    metric: str
    value: float
    source: str
    citation: str | None = None


#: Labels (vi, en), from the message catalogues.
METRICS = pairs("metric")
