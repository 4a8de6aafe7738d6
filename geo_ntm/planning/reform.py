"""Across the 2025 reorganisation: old ĐBKK communes inside a new commune, or where an old one went.

Every 2025 merger in the region joined whole communes, so the villages of an old commune all
went into one new commune; a share below 1 (a split elsewhere) is reported and left out of the
sums, since villages cannot be apportioned by area.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from geo_ntm.boundaries.overlaps import overlaps
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError
from geo_ntm.plain import plain
from geo_ntm.status.levels import LABELS
from geo_ntm.when import today

from ._common import chain_of, inputs, parent_name
from .difficult import difficult_communes
from .rows import EPSILON

#: Fields of a planning row repeated for each old commune.
PROGRESS_FIELDS = [
    "status", "status_vi", "status_en", "criteria_met_count", "criteria_missing_count", "criteria_missing_vi",
    "criteria_missing_en", "villages_total", "villages_ntm", "villages_kieu_mau", "dbkk_villages",
    "dbkk_villages_ntm", "dbkk_share", "target", "needed", "gap", "below_target", "villages_as_of", "list_id",
    "source",
]  # fmt: skip
_WHOLE = 0.999


def reform_view(source, code: str, day: date | str | None = None) -> dict:
    """For a new commune, the old ĐBKK communes it holds and their progress the day before the reform;
    for an old commune, the new commune(s) it became part of, with shares of area.

    Parameters
    ----------
    source : StatusService or (StatusBook, Records, list of Assessment)
    code : str
        Commune code; with a code used before and after the reform, ``day`` picks the version
        (default: the latest, i.e. the new commune).
    day : date or str, optional

    Returns
    -------
    dict
        ``direction`` (``"new"`` or ``"old"``), ``unit``, ``reform_date``, ``as_of`` (the day before
        the reform), and ``constituents`` with ``totals`` (new) or ``now_part_of`` and ``progress`` (old).
    """
    snap = inputs(source)
    book, atlas = snap.book, snap.atlas
    day = atlas.check_date(day) if day is not None else None
    unit = atlas.unit(str(code), on=day)
    if unit["level"] != "commune":
        raise InvalidParameterError(
            f"{code} is a {unit['level']} ({unit['name']}); the reform view is for communes. For a district, "
            "see /api/boundaries/crosswalk?level=district&to_level=commune"
        )
    reform = atlas.reform_date
    before = reform - timedelta(days=1)
    now = max(today(), reform)
    try:
        rows = {r["uid"]: r for r in difficult_communes(snap, before).rows}
    except DateOutOfRangeError:
        rows = {}
    head = {
        "unit": {
            "uid": unit["uid"],
            "code": unit["code"],
            "name": unit["name"],
            "type": unit["type"],
            "valid_from": plain(unit["valid_from"]),
            "valid_to": plain(unit["valid_to"]),
        },
        "reform_date": reform.isoformat(),
        "as_of": before.isoformat(),
    }
    if unit["valid_from"] >= reform:
        return {"direction": "new", **head, **_new(book, unit["uid"], before, rows, now)}
    chain = [u for u in chain_of(book, unit["uid"]) if atlas.units.loc[u, "valid_from"] < reform]
    last = chain[-1]
    targets = []
    for o in overlaps(atlas, last, now):
        s = book.status_of(o["uid"], now)
        targets.append(
            {
                **o,
                "status": s.status,
                "status_vi": LABELS["vi"][s.status],
                "status_en": LABELS["en"][s.status],
                "review_vi": s.summary("vi"),
                "review_en": s.summary("en"),
            }
        )
    progress = rows.get(last)
    return {
        "direction": "old",
        **head,
        "last_version": last,
        "dbkk": progress is not None,
        "progress": {k: progress[k] for k in PROGRESS_FIELDS} if progress else None,
        "now_part_of": targets,
    }


def _new(book, uid: str, before: date, rows: dict, now: date) -> dict:
    atlas = book.atlas
    s = book.status_of(uid, now)
    constituents = []
    for o in overlaps(atlas, uid, before):
        row = rows.get(o["uid"])
        old = atlas.units.loc[o["uid"]]
        status = book.status_of(o["uid"], before)
        constituents.append(
            {
                "code": o["code"],
                "uid": o["uid"],
                "name": o["name"],
                "district_code": old["parent_code"],
                "district_name": parent_name(atlas, old["parent_code"], before),
                "share_of_old": o["share_of_new"],
                "share_of_new": o["share_of_old"],
                "status": status.status,
                "status_vi": LABELS["vi"][status.status],
                "status_en": LABELS["en"][status.status],
                "dbkk": row is not None,
                "progress": {k: row[k] for k in PROGRESS_FIELDS} if row else None,
            }
        )
    whole = [c["progress"] for c in constituents if c["progress"] and c["share_of_old"] >= _WHOLE]
    counted = [p for p in whole if p["dbkk_villages"] is not None]
    total = sum(p["dbkk_villages"] for p in counted)
    ntm = sum(p["dbkk_villages_ntm"] for p in counted)
    values = {p["target"] for p in counted if p["target"] is not None}
    target = values.pop() if len(values) == 1 else None
    needed = math.ceil(target * total - EPSILON) if target is not None else None
    return {
        "status": {
            "status": s.status,
            "status_vi": LABELS["vi"][s.status],
            "status_en": LABELS["en"][s.status],
            "review_vi": s.summary("vi"),
            "review_en": s.summary("en"),
            "on": now.isoformat(),
        },
        "constituents": constituents,
        "totals": {
            "constituents": len(constituents),
            "dbkk_constituents": sum(c["dbkk"] for c in constituents),
            "dbkk_villages": total,
            "dbkk_villages_ntm": ntm,
            "dbkk_share": round(ntm / total, 4) if total else None,
            "target": target,
            "needed": needed,
            "gap": max(0, needed - ntm) if needed is not None else None,
            "gap_sum": sum(p["gap"] for p in whole if p["gap"] is not None),
            "partial": [c["code"] for c in constituents if c["dbkk"] and c["share_of_old"] < _WHOLE],
        },
    }
