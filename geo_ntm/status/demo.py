"""The embedded Bắc Giang status dataset (``geo_ntm/data/demo``), loaded into a store.

Made by ``scripts/make_demo_status.py``: official facts with citations, and illustrative
per-commune detail labelled so in every record (see that script's docstring).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import records as rec
from .store import StatusStore

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"


#: What each file holds and how a row becomes a record; ``<kind>.csv`` and ``<kind>_*.csv`` are read
#: (e.g. ``decisions_bac_ninh_old.csv``), in name order.
KINDS = {
    "decisions": rec.decision,
    "assessments": rec.assessment,
    "village_counts": rec.village_count,
    "plan_targets": rec.plan_target,
    "reported_figures": rec.reported_figure,
    "commune_groups": rec.commune_group,
    "reviews": rec.review_step,
}


def _rows(kind: str) -> list[dict]:
    files = sorted(DEMO.glob(f"{kind}.csv")) + sorted(DEMO.glob(f"{kind}_*.csv"))
    return [row for path in files for row in rec.read_rows(path)]


def load_demo(store: StatusStore, actor: str = "geo-ntm demo loader") -> int:
    """Write the demo records into an empty ``store`` in one transaction; returns how many were written.

    A store that holds anything already (another worker process starting at the same moment
    loaded it first) is left alone: the check is inside the write transaction, under its lock.
    A review step that recognises a unit names its decision by number: it is linked to the
    decision of the same unit and number written in the same transaction.
    """
    rows = {kind: [KINDS[kind](r) for r in _rows(kind)] for kind in KINDS}
    lists = rec.difficulty_lists(
        rec.read_rows(DEMO / "difficulty_lists.csv"), rec.read_rows(DEMO / "difficulty_entries.csv")
    )
    with store.write(actor) as w:
        if w.data_version() != 0:
            return 0
        numbers = {}
        for d in rows["decisions"]:
            numbers[(d.unit_code, d.decision_no)] = w.add_decision(d)
        for a in rows["assessments"]:
            w.add_assessment(a)
        for dl in lists:
            w.add_difficulty_list(dl)
        for v in rows["village_counts"]:
            w.add_village_count(v)
        for t in rows["plan_targets"]:
            w.add_plan_target(t)
        for f in rows["reported_figures"]:
            w.add_reported_figure(f)
        for g in rows["commune_groups"]:
            w.add_commune_group(g)
        for r in rows["reviews"]:
            linked = numbers.get((r.unit_code, r.document_no)) if r.state == "recognised" else None
            w.add_review(replace(r, decision_id=linked))
        return w.count
