"""The figures of today for leadership: the new province under the 2026-2030 programme.

- ``communes``: the province's xã by status, by review state, by what their constituents held,
  by commune group, and by their standing under the 2026-2030 criteria;
- ``transition``: the old units' final state (their last day, 30/06/2025) and what they became;
- ``goals``: the province's published goals with a deadline still ahead (2030), against today;
- ``followed``: targets of 2021-2025 set on units that no longer exist, judged on their deadline;
- ``history``: the final 2021-2025 figures of each former province, as of its last day;
- ``reported_changes``: changes reported by open datasets and not confirmed (see :mod:`.reported`).
"""

from __future__ import annotations

from datetime import date, timedelta

from geo_ntm.status.review import latest_reorganisation
from geo_ntm.status.service import StatusService
from geo_ntm.status.summary import summary

from .board import review_board
from .reported import reported_changes
from .targets import followed_targets


def present_overview(service: StatusService, day: date | str | None = None, province: str | None = None) -> dict:
    """Everything the dashboard of today shows, for the province in force on ``day`` (default: today)."""
    atlas = service.atlas
    day = atlas.check_date(day or date.today())
    snap = service.snapshot()
    book, records = snap.book, snap.records
    now = summary(book, records, day=day, province=province)
    province = now["province"]
    board = review_board(service, day)
    rows = board.all_rows
    formed = latest_reorganisation(atlas, day)
    overview = {
        "as_of": day.isoformat(),
        "province": province,
        "province_name": now["province_name"],
        "summary": now,
        "communes": {**now["figures"], **_standing(board)},
        "goals": [t for t in now["targets"] if t["deadline"] >= day.isoformat()],
        "followed": followed_targets(service, day),
        "transition": _transition(service, formed, province, rows) if formed else None,
        "history": _history(service, formed, province) if formed else [],
        # a province's own reported change only (a national region shows one province at a time)
        "reported_changes": [
            c for c in reported_changes() if c["event"] == "province_to_city" and c["code"] == province
        ]
        + ([{"event": "commune_to_ward", "count": sum(bool(r["reported_change"]) for r in rows)}] if rows else []),
        "board": {"counts": board.counts(), "notes": board.notes(), "criteria_set": board.set_id},
        "illustrative": now["illustrative"] or any(r["source"] == "illustrative" for r in rows),
    }
    return overview


def _standing(board) -> dict:
    """Review states and 2026-2030 standing of the units formed by the latest reorganisation."""
    counts = board.counts()
    assessed = [r for r in board.all_rows if r["criteria_met_count"] is not None]
    total = max((r["criteria_total"] or 0 for r in board.all_rows), default=0)
    return {
        "review_units": counts["units"],
        "by_review_state": counts["by_state"],
        "by_past": counts["by_past"],
        "by_group": counts["by_group"],
        "assessed_2026_2030": len(assessed),
        "all_criteria_met_2026_2030": counts["all_criteria_met"],
        "not_assessed_2026_2030": counts["units"] - len(assessed),
        "criteria_total": total or None,
        "criteria_met_histogram": {
            n: sum(r["criteria_met_count"] == n for r in assessed) for n in range(total, -1, -1)
        },
    }


def _transition(service: StatusService, formed: date, province: str, rows: list[dict]) -> dict:
    """The old units on their last day, and the new xã they became (by what the old ones held)."""
    atlas, book = service.atlas, service.snapshot().book
    before = formed - timedelta(days=1)
    old_provinces = []
    communes = book.on(before)
    for p in _former_provinces(atlas, formed, province):
        mine = communes[(communes["province_code"] == p.code) & (communes["type"] == "Xã")]
        by = mine["status"].value_counts().to_dict()
        old_provinces.append(
            {
                "code": p.code,
                "name": p.name,
                "last_day": before.isoformat(),
                "communes": int(len(mine)),
                "by_status": {k: int(v) for k, v in by.items()},
                "wards_and_towns": int(((communes["province_code"] == p.code) & (communes["type"] != "Xã")).sum()),
            }
        )
    units = atlas.units_on(formed, "commune")
    units = units[units["province_code"] == province]
    return {
        "formed_on": formed.isoformat(),
        "old": old_provinces,
        "new_communes": int((units["type"] == "Xã").sum()),
        "new_wards": int((units["type"] != "Xã").sum()),
        "rows": [
            {k: r[k] for k in ("code", "name", "constituents", "constituents_past", "status", "review_state")}
            for r in rows
        ],
    }


def _former_provinces(atlas, formed: date, province: str) -> list:
    """The provinces of the day before ``formed`` whose land went into ``province``.

    In the national region the other 60-odd former provinces are not this province's past.
    """
    before = formed - timedelta(days=1)
    new = atlas.parts_of.get(atlas.units_on(formed, "province").set_index("code").loc[province, "uid"], frozenset())
    return [p for p in atlas.units_on(before, "province").itertuples() if atlas.parts_of.get(p.uid, frozenset()) & new]


def _history(service: StatusService, formed: date, province: str) -> list[dict]:
    """The final 2021-2025 figures of each former province of ``province``, on its last day."""
    snap = service.snapshot()
    atlas, book, records = service.atlas, snap.book, snap.records
    before = formed - timedelta(days=1)
    out = []
    for p in _former_provinces(atlas, formed, province):
        s = summary(book, records, day=before, province=p.code)
        out.append({"code": p.code, "name": p.name, "as_of": before.isoformat(), "figures": s["figures"],
                    "by_district": s["by_district"], "illustrative": s["illustrative"]})  # fmt: skip
    return out
