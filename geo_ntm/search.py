"""Find units by name, tolerant of missing or damaged diacritics, on a date or across the history.

>>> search_units(atlas, "son dong", day="2023-12-31")     # doctest: +SKIP
>>> search_units(atlas, "Hoàng Văn Thụ")                  # doctest: +SKIP  (an old name: says where it went)

Names are matched with :mod:`geo_ntm.matching` (exact, folded, fuzzy with OCR confusions). The
index of every unit version's name is built once per atlas and reused.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date

from geo_ntm.boundaries.atlas import OPEN_END, Atlas
from geo_ntm.boundaries.history import LEVELS
from geo_ntm.boundaries.overlaps import overlaps
from geo_ntm.errors import InvalidParameterError
from geo_ntm.matching import NameIndex
from geo_ntm.names import key
from geo_ntm.when import today

#: Most results one search returns.
MAX_LIMIT = 50
#: Lowest score kept: folded and exact matches, and fuzzy ones within about 2 edits in 10 letters.
MIN_SCORE = 0.7
MAX_QUERY = 100

_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_DATE_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def name_index(atlas: Atlas) -> NameIndex:
    """The :class:`NameIndex` of every unit version of ``atlas`` (id = uid), built once."""
    with _LOCK:
        index = _INDEXES.get(atlas)
        if index is None:
            index = NameIndex(zip(atlas.units["uid"], atlas.units["name"], strict=True))
            _INDEXES[atlas] = index
        return index


def units_index(atlas: Atlas, day: date, levels: tuple[str, ...]) -> tuple[NameIndex, dict]:
    """The :class:`NameIndex` of the units of ``levels`` in force on ``day`` (id = uid), and their rows by uid.

    Built once per set of units (the set changes only on reorganisation dates), so a document
    that names many units on one date costs one index.
    """
    units = atlas.units
    live = units[(units["valid_from"] <= day) & (units["valid_to"] >= day) & units["level"].isin(levels)]
    cache_key = (levels, tuple(live["uid"]))
    with _LOCK:
        per_atlas = _DATE_INDEXES.setdefault(atlas, {})
        found = per_atlas.get(cache_key)
        if found is None:
            fields = ["uid", "code", "name", "level", "type", "parent_code", "province_code"]
            rows = dict(zip(live["uid"], live[fields].to_dict("records"), strict=True))
            found = (NameIndex(zip(live["uid"], live["name"], strict=True)), rows)
            if len(per_atlas) > 64:
                per_atlas.clear()
            per_atlas[cache_key] = found
        return found


def search_units(atlas: Atlas, query: str, day: date | str | None = None, level: str | None = None,
                 limit: int = 10) -> list[dict]:  # fmt: skip
    """Units whose name matches ``query``, best first.

    Parameters
    ----------
    atlas : Atlas
    query : str
        A name as typed or OCR'd, with or without a type ("son dong", "Son Pong", "TT Tây Yên Tử").
    day : date or str, optional
        Only units in force that day. Without it: the units in force today, and also the names
        units had on other dates (``current`` False), each saying which units of today hold it.
    level : str, optional
        ``"commune"``, ``"district"`` or ``"province"``; all levels when omitted.
    limit : int
        1 to :data:`MAX_LIMIT`.

    Returns
    -------
    list of dict
        ``code``, ``uid``, ``name``, ``level``, ``type``, ``district`` (code and name, or None),
        ``parent``, ``valid_from``, ``valid_to``, ``score``, ``how`` (exact/folded/fuzzy),
        ``current`` and, for a former name, ``now_part_of`` (units of today with area shares).
    """
    text = _query(query)
    if level is not None and level not in LEVELS:
        raise InvalidParameterError(f"level {level!r} is not one of {list(LEVELS)}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameterError(f"limit {limit!r} must be a whole number from 1 to {MAX_LIMIT}")
    history = day is None
    day = today() if day is None else atlas.check_date(day)
    units = atlas.units
    live = (units["valid_from"] <= day) & (units["valid_to"] >= day)
    if level is not None:
        live &= units["level"] == level
    live_uids = set(units.index[live])
    found = []
    for m in name_index(atlas).match(text, limit=None, min_score=MIN_SCORE):
        row = units.loc[m.id]
        if m.id in live_uids or (history and (level is None or row["level"] == level)):
            found.append((m, row, m.id in live_uids))
    return _results(atlas, found, day, limit)


def _query(query) -> str:
    if not isinstance(query, str) or not key(query):
        raise InvalidParameterError(f"query {query!r} has no letters or digits; type part of a unit's name")
    if len(query) > MAX_QUERY:
        raise InvalidParameterError(f"query is {len(query)} characters long; at most {MAX_QUERY} are allowed")
    return query


def _results(atlas: Atlas, found: list, day: date, limit: int) -> list[dict]:
    """Results best first; versions of one unit with the same name become one result spanning them."""
    groups: dict[tuple, dict] = {}
    for m, row, current in found:
        k = (row["level"], row["code"], row["name"], current)
        hit = groups.get(k)
        if hit is None:
            groups[k] = hit = _hit(atlas, m, row, current, day)
        else:
            hit["valid_from"] = min(hit["valid_from"], row["valid_from"].isoformat())
            if row["valid_to"] != OPEN_END and hit["valid_to"] is not None:
                hit["valid_to"] = max(hit["valid_to"], row["valid_to"].isoformat())
            if row["valid_to"] > hit["_to"]:
                hit["_to"], hit["uid"] = row["valid_to"], row["uid"]
    ranked = sorted(
        groups.values(), key=lambda h: (-h["score"], not h["current"], -LEVELS.index(h["level"]), h["name"], h["code"])
    )[:limit]
    for hit in ranked:
        last = hit.pop("_to")
        if not hit["current"]:
            hit["now_part_of"] = _now(atlas, hit["uid"], last)
    return ranked


def _hit(atlas: Atlas, m, row, current: bool, day: date) -> dict:
    when = day if current else row["valid_to"]
    parent = _unit_on(atlas, row["parent_code"], when) if row["parent_code"] else None
    return {
        "code": row["code"],
        "uid": row["uid"],
        "name": row["name"],
        "level": row["level"],
        "type": row["type"],
        "parent": parent,
        "district": parent if parent and parent["level"] == "district" else None,
        "valid_from": row["valid_from"].isoformat(),
        "valid_to": None if row["valid_to"] == OPEN_END else row["valid_to"].isoformat(),
        "score": m.score,
        "how": m.how,
        "current": current,
        "_to": row["valid_to"],
    }


def _unit_on(atlas: Atlas, code: str, day: date) -> dict | None:
    u = atlas.units
    found = u[(u["code"] == code) & (u["valid_from"] <= day) & (u["valid_to"] >= day)]
    if found.empty:
        return None
    r = found.iloc[0]
    return {"code": r["code"], "name": r["name"], "level": r["level"]}


def _now(atlas: Atlas, uid: str, last: date) -> list[dict]:
    """Units in force today holding the territory of ``uid`` (a former name), with shares of its area."""
    level = atlas.units.loc[uid, "level"]
    now = max(today(), last)
    if atlas.units_on(now, level).empty:
        level = "commune"  # districts were abolished: say which communes hold the land now
    fields = ("code", "uid", "name", "level", "share_of_old")
    return [{k: o[k] for k in fields} for o in overlaps(atlas, uid, now, level)]
