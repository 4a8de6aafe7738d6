"""The embedded Bắc Giang status dataset (``geo_ntm/data/demo``), loaded into a store.

Made by ``scripts/make_demo_status.py``: official facts with citations, and illustrative
per-commune detail labelled so in every record (see that script's docstring).
"""

from __future__ import annotations

from pathlib import Path

from . import records as rec
from .store import StatusStore

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"


def load_demo(store: StatusStore, actor: str = "geo-ntm demo loader") -> int:
    """Write the demo records into ``store`` in one transaction; returns how many were written."""
    rows = {
        name: rec.read_rows(DEMO / f"{name}.csv")
        for name in (
            "decisions",
            "assessments",
            "difficulty_lists",
            "difficulty_entries",
            "village_counts",
            "plan_targets",
            "reported_figures",
        )
    }
    with store.write(actor) as w:
        for row in rows["decisions"]:
            w.add_decision(rec.decision(row))
        for row in rows["assessments"]:
            w.add_assessment(rec.assessment(row))
        for dl in rec.difficulty_lists(rows["difficulty_lists"], rows["difficulty_entries"]):
            w.add_difficulty_list(dl)
        for row in rows["village_counts"]:
            w.add_village_count(rec.village_count(row))
        for row in rows["plan_targets"]:
            w.add_plan_target(rec.plan_target(row))
        for row in rows["reported_figures"]:
            w.add_reported_figure(rec.reported_figure(row))
        return w.count
