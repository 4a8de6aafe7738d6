"""Targets that outlive the units they were set on, followed through the lineage.

The 2024 targets of Bắc Giang (60% of the villages of the especially difficult communes of
Sơn Động and Lục Ngạn NTM by the end of 2025; Tân Yên an advanced district in 2025) were set on
districts and communes abolished on 1 July 2025. On any later day a target is judged on what
its units were when they ceased (their last day, with the latest counts recorded by the
deadline), and shown inside the units of the day that hold them now, saying plainly that the
target's own units no longer exist. A zero is shown only when zero is the record.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from geo_ntm.boundaries.overlaps import overlaps
from geo_ntm.errors import DateOutOfRangeError
from geo_ntm.planning import difficult_communes
from geo_ntm.status.levels import LABELS, RANK
from geo_ntm.status.model import PlanTarget
from geo_ntm.status.service import StatusService

_EPSILON = 1e-9


def _last_version(atlas, code: str, level: str):
    versions = atlas.versions(code)
    versions = versions[versions["level"] == level]
    return versions.iloc[-1] if len(versions) else None


def followed_targets(service: StatusService, day: date | str | None = None) -> list[dict]:
    """Every plan target whose units (scope districts, or province) no longer exist on ``day``.

    Each answer says which units are gone and since when, the day the target is judged on, the
    figure then against the target, and where its units are now (with shares of area).
    """
    atlas = service.atlas
    day = atlas.check_date(day or date.today())
    out = []
    for t in service.snapshot().records.plan_targets:
        gone = _gone(atlas, t, day)
        if not gone:
            continue
        last = min(g["last_day"] for g in gone)
        judged = min(date.fromisoformat(last), t.deadline)
        base = {
            "id": t.id,
            "title_vi": t.title_vi,
            "title_en": t.title_en,
            "metric": t.metric,
            "target": t.target,
            "deadline": t.deadline.isoformat(),
            "source": t.source,
            "citation": t.citation,
            "gone": gone,
            "judged_on": judged.isoformat(),
            "due": day >= t.deadline,
        }
        if t.metric == "dbkk_villages_ntm_share":
            base.update(_villages(service, t, min(t.deadline, day)))
        elif t.metric.startswith("districts_"):
            base.update(_districts(service, t, gone, day))
        else:
            continue  # a province-wide count: its own summary answers it
        base["note"] = _note(base)
        out.append(base)
    return out


def _gone(atlas, t: PlanTarget, day: date) -> list[dict]:
    """The target's scope units that did not exist on ``day`` (with their last day)."""
    out = []
    for code in t.scope:
        last = _last_version(atlas, code, "district")
        if last is not None and last["valid_to"] < day:
            out.append(
                {"code": code, "name": last["name"], "uid": last["uid"], "last_day": last["valid_to"].isoformat()}
            )
    return out


def _villages(service: StatusService, t: PlanTarget, on: date) -> dict:
    """The listed communes of the scope on their last day, grouped by the units of today holding them."""
    try:
        result = difficult_communes(service, on, target_id=t.id)
    except DateOutOfRangeError:  # no list then: nothing to count, which is not a zero
        return {"current": None, "met": None, "communes": [], "now_in": [], "villages": None}
    rows = [r for r in result.rows if r["target_id"] == t.id]
    counted = [r for r in rows if r["dbkk_villages"] is not None]
    total = sum(r["dbkk_villages"] for r in counted)
    ntm = sum(r["dbkk_villages_ntm"] for r in counted)
    all_villages = sum(r["villages_total"] or 0 for r in rows if r["villages_total"] is not None)
    all_ntm = sum(r["villages_ntm"] or 0 for r in rows if r["villages_ntm"] is not None)
    share = round(all_ntm / all_villages, 4) if all_villages else None
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(r["now_in"] or r["name"], []).append(r)
    needed = math.ceil(t.target * all_villages - _EPSILON) if all_villages else None
    counts_as_of = max((r["villages_as_of"] for r in rows if r["villages_as_of"]), default=None)
    return {
        # The target's denominator: all villages of the especially difficult communes (the seed letter).
        "current": share,
        "met": share is not None and share >= t.target - _EPSILON,
        "villages": all_villages if counted else None,
        "ntm_villages": all_ntm if counted else None,
        "needed": needed,
        "gap_villages": max(0, needed - all_ntm) if needed is not None else None,
        "dbkk_villages": total if counted else None,
        "dbkk_villages_ntm": ntm if counted else None,
        "dbkk_share": round(ntm / total, 4) if total else None,
        "counts_as_of": counts_as_of,
        "communes": [
            {
                k: r[k]
                for k in (
                    "code",
                    "name",
                    "as_of",
                    "now_in",
                    "villages_total",
                    "villages_ntm",
                    "dbkk_villages",
                    "dbkk_villages_ntm",
                    "status",
                    "status_vi",
                    "status_en",
                    "source",
                )
            }
            for r in rows
        ],  # fmt: skip
        "now_in": [
            {
                "name": name,
                "communes": [r["name"] for r in items],
                "villages": sum(r["villages_total"] or 0 for r in items),
                "ntm_villages": sum(r["villages_ntm"] or 0 for r in items),
            }
            for name, items in sorted(groups.items())
        ],
        "list": result.commune_list.id,
    }


def _districts(service: StatusService, t: PlanTarget, gone: list[dict], day: date) -> dict:
    """The scope districts' status on their last day, against the level the target asks for."""
    book, atlas = service.snapshot().book, service.atlas
    need = 2 if t.metric == "districts_nang_cao" else 1
    units = []
    for g in gone:
        last = date.fromisoformat(g["last_day"])
        s = book.status_of(g["uid"], last)
        units.append(
            {
                **g,
                "status": s.status,
                "status_vi": LABELS["vi"][s.status],
                "status_en": LABELS["en"][s.status],
                "decision_no": s.decision.decision_no if s.decision else None,
                "reached": RANK.get(s.status, -1) >= need,
                "now_in": [
                    {k: o[k] for k in ("code", "name", "share_of_old")}
                    for o in overlaps(atlas, g["uid"], max(day, last + timedelta(days=1)))
                ],
            }
        )
    current = sum(u["reached"] for u in units)
    return {"current": current, "met": current >= t.target, "units": units}


def _note(t: dict) -> dict:
    names = ", ".join(g["name"] for g in t["gone"])
    last = t["gone"][0]["last_day"]
    return {
        "vi": f"Mục tiêu đặt cho {names}; các đơn vị này không còn tồn tại sau ngày {_vi(last)} "
        f"(sắp xếp đơn vị hành chính). Kết quả tính đến ngày {_vi(t['judged_on'])}, trong các đơn vị hiện nay.",
        "en": f"Set on {names}; these units no longer exist after {last} (reorganisation). Judged on "
        f"{t['judged_on']}, shown inside today's units.",
    }


def _vi(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
