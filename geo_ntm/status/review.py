"""The review of units formed by a merger: a workflow with dated steps, checked like a decision.

Status does not pass to a unit formed by a merger (Guidance 5424/BNN-VPĐP): the new unit
self-assesses, the level above verifies, and the province recognises it (thừa nhận) by a
decision, or does not. Each step is a :class:`~.model.ReviewStep` with its date and the
document it rests on, written through the same paths as a decision (API, import) and audited
the same way. A ``recognised`` step comes with the decision that grants the level, written in
the same transaction; a decision recorded on its own for such a unit counts as its
recognition too (:attr:`~.derive.Status.review_state`).

:func:`check_step` applies the rules to one step before it is written; errors begin with the
field, as :mod:`.edits` does for decisions.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from weakref import WeakKeyDictionary

from geo_ntm.errors import InvalidParameterError
from geo_ntm.i18n import LANGUAGES, section
from geo_ntm.names import short_key

from .derive import StatusBook
from .edits import unit_on
from .model import REVIEW_STEPS, ReviewStep

#: Order of the steps within one round of review; a round ends with recognised or not_recognised.
ORDER = {"self_assessed": 1, "verified": 2, "recognised": 3, "not_recognised": 3}
LABELS = {lang: section(lang, "review_state") for lang in LANGUAGES}
#: What the constituents held the day before the merger (a second reading, never the unit's status).
PAST_LABELS = {lang: section(lang, "review_past") for lang in LANGUAGES}


def latest_reorganisation(atlas, day: date) -> date | None:
    """The last day on or before ``day`` on which communes were merged (the review round in force)."""
    dates = _MERGE_DAYS.get(atlas)
    if dates is None:  # once per atlas: every status frame asks
        e = atlas.events
        merges = e[(e["level"] == "commune") & (e["kind"].isin(("merge", "reorganisation")))]
        dates = _MERGE_DAYS[atlas] = sorted({date.fromisoformat(d) for d in merges["date"]})
    found = bisect.bisect_right(dates, day)
    return dates[found - 1] if found else None


_MERGE_DAYS: WeakKeyDictionary = WeakKeyDictionary()


def _fail(where: str, message: str):
    raise InvalidParameterError(f"{where}: {message}")


@dataclass
class CheckedStep:
    step: ReviewStep
    uid: str
    formed_on: date
    warnings: list[str] = field(default_factory=list)


def check_step(
    book: StatusBook,
    step: ReviewStep,
    *,
    history: Sequence[ReviewStep] = (),
    replacing: ReviewStep | None = None,
    today: date | None = None,
    where: str = "",
) -> CheckedStep:
    """Check one review step against the boundary history and the unit's earlier steps.

    Parameters
    ----------
    book : StatusBook
        A book over the boundary history (records are not needed: ``chain_book(atlas)``).
    step : ReviewStep
        The step to write; ``unit_name`` may be empty (it is filled from the boundary history).
    history : sequence of ReviewStep
        The unit's current steps (read inside the write transaction).
    replacing : ReviewStep, optional
        The step a correction supersedes; it no longer counts.
    today : date, optional
        Steps dated after it are refused (default: today).
    where : str
        Prefix for error messages (e.g. ``"rows[3]."``).

    Returns
    -------
    CheckedStep
        The step with its unit name set, the unit version's uid, its formation date and warnings.

    Raises
    ------
    InvalidParameterError
        The step breaks a rule; the message begins with the field.
    """
    today = today or date.today()
    if step.state not in REVIEW_STEPS:
        _fail(f"{where}state", f"{step.state!r} is not a review step; steps: {', '.join(REVIEW_STEPS)}")
    if step.reviewed_on > today:
        _fail(f"{where}reviewed_on", f"{step.reviewed_on.isoformat()} is after today")
    unit = unit_on(book, step.unit_level, step.unit_code, step.reviewed_on, where)
    uid = unit["uid"]
    origin = book.origin.get(book.root[uid])
    if origin is None or origin["kind"] not in ("merge", "split", "reorganisation", "creation"):
        _fail(
            f"{where}unit_code",
            f"{unit['name']} ({step.unit_code}) was not formed by a merger: its status comes from its own decisions, "
            "record a decision instead (POST /api/decisions)",
        )
    formed = date.fromisoformat(origin["date"])
    if step.reviewed_on < formed:
        _fail(
            f"{where}reviewed_on", f"{unit['name']} was formed on {formed.isoformat()}; a review step cannot precede it"
        )
    if unit["type"] in ("Phường", "Thị trấn"):
        _fail(
            f"{where}unit_code",
            f"{unit['name']} is a {unit['type'].lower()}: wards and towns are not in the NTM programme",
        )
    if step.unit_name and short_key(step.unit_name) != short_key(unit["name"]):
        _fail(
            f"{where}unit_name",
            f"{step.unit_name!r} is not the name of unit {step.unit_code} on {step.reviewed_on.isoformat()} "
            f"({unit['name']}); check the code, or leave unit_name out",
        )
    if step.source == "official" and not step.citation:
        _fail(f"{where}citation", "an official record needs a citation (the document, its date, where published)")
    if step.state == "recognised" and step.decision_id is None:
        _fail(f"{where}state", "a recognition comes with its decision: give level (and decision_no) with the step")
    steps = sorted(
        (s for s in history if not (replacing is not None and s.id == replacing.id)),
        key=lambda s: (s.reviewed_on, s.id or 0),
    )
    warnings = []
    if steps:
        last = steps[-1]
        if last.state == "recognised":
            _fail(
                f"{where}state",
                f"{unit['name']} was recognised on {last.reviewed_on.isoformat()} (step #{last.id}); correct that "
                "step if it is wrong (POST /api/reviews/{id}/corrections)",
            )
        if step.reviewed_on < last.reviewed_on:
            _fail(
                f"{where}reviewed_on",
                f"the latest step of {unit['name']} is dated {last.reviewed_on.isoformat()} ({last.state}); record "
                "steps in date order, or correct the later step",
            )
        if last.state != "not_recognised" and ORDER[step.state] < ORDER[last.state]:
            warnings.append(f"{step.state} after {last.state}: the review of {unit['name']} goes back a step")
        elif last.state == "not_recognised" and step.state != "self_assessed":
            warnings.append(f"{step.state} after not_recognised: a new round usually starts with a self-assessment")
    elif step.state != "self_assessed":
        warnings.append(f"{step.state} with no earlier step recorded for {unit['name']}")
    return CheckedStep(replace(step, unit_name=unit["name"]), uid, formed, warnings)
