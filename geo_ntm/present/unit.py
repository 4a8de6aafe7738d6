"""One commune under the 2026-2030 programme: its group, the criteria by name, its review, its past.

What a commune's dossier shows about the present (:func:`present_standing`): the group it is
assessed in, each criterion of the period's set with "met", "not met" or "unknown" (never a
threshold we do not have), the review of a unit formed by a merger step by step, and what its
former units held the day before the merger, with their shares of its area.
"""

from __future__ import annotations

from datetime import date

from geo_ntm.status.derive import past_of
from geo_ntm.status.levels import LABELS
from geo_ntm.status.progress import ProgressBook
from geo_ntm.status.review import LABELS as STATE_LABELS
from geo_ntm.status.review import PAST_LABELS, latest_reorganisation

from .board import constituents_of
from .reported import reclassifications


def present_standing(book, progress: ProgressBook, uid: str, day: date) -> dict | None:
    """The present of unit version ``uid`` on ``day``; None for a ward or town, or a day before 2025's reform."""
    atlas = book.atlas
    unit = atlas.units.loc[uid]
    if unit["level"] != "commune" or unit["type"] != "Xã":
        return None
    s = book.status_of(uid, day)
    cset = ProgressBook.period_set(day)
    formed = latest_reorganisation(atlas, day)
    merged = s.formed_on is not None and s.formed_on == formed
    if cset is None and not merged:
        return None
    out: dict = {"date": day.isoformat(), "criteria_set": cset.id if cset else None}
    if cset is not None:
        p = progress.of(uid, day, s.decision, cset)
        verdicts = p.verdicts or {n: "unknown" for n in cset.numbers}
        out["group"] = {
            "number": p.group,
            "vi": cset.group_name(p.group, "vi"),
            "en": cset.group_name(p.group, "en"),
            "definition_vi": cset.groups[p.group]["definition_vi"] if p.group else None,
            "definition_en": cset.groups[p.group]["definition_en"] if p.group else None,
            "valid_from": p.group_from.isoformat() if p.group_from else None,
            "source": p.group_source,
            "basis": p.group_basis,
        }
        out["criteria"] = [
            {"number": n, "vi": cset.name(n, "vi"), "en": cset.name(n, "en"), "verdict": verdicts[n]}
            for n in cset.numbers
        ]
        out["assessed"] = bool(p.verdicts)
        out["assessed_on"] = p.as_of.isoformat() if p.as_of else None
        out["assessed_in"] = p.found_in
        out["assessment_source"] = p.source
        out["assessed_group"] = p.assessed_group
        out["group_mismatch"] = p.group_mismatch
        out["counts"] = {v: sum(x == v for x in verdicts.values()) for v in ("met", "not_met", "unknown")}
        out["thresholds_note"] = cset.thresholds_note
        out["title"] = cset.title
        out["legal_act"] = cset.legal_act
    if merged:
        state = s.review_state or "not_started"
        steps = [r for r in book.reviews.get(book.root[uid], ()) if r.reviewed_on <= day]
        constituents = constituents_of(book, uid, s.formed_on)
        past = past_of(constituents)
        out["review"] = {
            "state": state,
            "state_vi": STATE_LABELS["vi"][state],
            "state_en": STATE_LABELS["en"][state],
            "formed_on": s.formed_on.isoformat(),
            "steps": [
                {
                    "id": r.id,
                    "state": r.state,
                    "state_vi": STATE_LABELS["vi"][r.state],
                    "state_en": STATE_LABELS["en"][r.state],
                    "reviewed_on": r.reviewed_on.isoformat(),
                    "document_no": r.document_no,
                    "document": r.document,
                    "authority": r.authority,
                    "decision_id": r.decision_id,
                    "source": r.source,
                    "citation": r.citation,
                }
                for r in steps
            ],
            "status": s.status,
            "status_vi": LABELS["vi"][s.status],
            "status_en": LABELS["en"][s.status],
        }
        out["constituents"] = constituents
        out["past"] = past
        out["past_vi"] = PAST_LABELS["vi"].get(past) if past else None
        out["past_en"] = PAST_LABELS["en"].get(past) if past else None
    change = reclassifications().get(unit["code"])
    out["reported_change"] = change if change and day.isoformat() >= change["reported_on"] else None
    sources = {out.get("assessment_source"), (out.get("group") or {}).get("source")}
    sources |= {r["source"] for r in (out.get("review") or {}).get("steps", [])}
    sources |= {c["source"] for c in out.get("constituents", [])}
    sources.discard(None)
    out["source"] = "illustrative" if "illustrative" in sources else ("official" if sources else None)
    return out
