"""Which units of a date hold part of a unit's territory, with exact shares (from the base parts).

Used by the planning answers (where an old especially difficult commune went, what a new commune
was made of) and by name search (today's units holding a former name's territory).
"""

from __future__ import annotations

import threading
import weakref
from datetime import date

from .atlas import Atlas

_AREAS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def part_areas(atlas: Atlas) -> dict:
    """Area (km²) of each base part of ``atlas``, computed once per atlas."""
    with _LOCK:
        found = _AREAS.get(atlas)
        if found is None:
            found = _AREAS[atlas] = {k: float(v) for k, v in atlas.parts["area_km2"].items()}
        return found


def overlaps(atlas: Atlas, uid: str, day: date, level: str = "commune") -> list[dict]:
    """Units of ``level`` in force on ``day`` holding part of ``uid``'s territory, largest share first.

    ``share_of_old`` is the part of ``uid``'s area in the unit, ``share_of_new`` the part of the
    unit's area that came from ``uid`` (both from the base parts, so exact).
    """
    mine = atlas.parts_of.get(uid, frozenset())
    if not mine:
        return []
    area = part_areas(atlas)
    total = sum(area[p] for p in mine)
    out = []
    for r in atlas.units_on(day, level).itertuples():
        theirs = atlas.parts_of.get(r.uid, frozenset())
        common = mine & theirs
        if not common:
            continue
        shared = sum(area[p] for p in common)
        out.append(
            {
                "code": r.code,
                "uid": r.uid,
                "name": r.name,
                "level": r.level,
                "area_km2": round(shared, 3),
                "share_of_old": round(shared / total, 4) if total else None,
                "share_of_new": round(shared / sum(area[p] for p in theirs), 4),
            }
        )
    return sorted(out, key=lambda o: (-o["area_km2"], o["code"]))
