"""Filters and orders of the ranking of difficult communes, and the user's words they accept.

District by code or name, status keys, criteria by number or name (Vietnamese or English,
tolerant of missing diacritics) in the criteria set in force on the date.
"""

from __future__ import annotations

import math
from datetime import date

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import InvalidParameterError
from geo_ntm.matching import resolve
from geo_ntm.names import fold, sort_key, split_type
from geo_ntm.status.levels import STATUSES

from .rows import reference_set

#: Orders of the ranking: closest to the standard (fewest criteria missing, then smallest
#: village gap), largest village gap first, lowest share of NTM ĐBKK villages first, or by name.
SORTS = ("closest", "gap", "share", "name")


def statuses_filter(status) -> set[str] | None:
    if status is None:
        return None
    wanted = {status} if isinstance(status, str) else set(status)
    wrong = sorted(wanted - set(STATUSES))
    if wrong:
        raise InvalidParameterError(f"status {wrong} is not one of {list(STATUSES)}")
    return wanted or None


def criteria_filter(day: date, missing) -> tuple[str, list[tuple[int, str]]]:
    """Criteria asked for by number or name: the id of the set in force on ``day`` and (number, Vietnamese name)."""
    cset = reference_set(day)
    if missing is None:
        return cset.id, []
    values = [missing] if isinstance(missing, (int, str)) else list(missing)
    listing = "; ".join(f"{n} {cset.name(n, 'vi')} ({cset.name(n, 'en')})" for n in cset.numbers)
    out = []
    for value in values:
        text = str(value).strip()
        if text.isdigit():
            number = int(text)
            if number not in cset.names:
                raise InvalidParameterError(f"criterion {number} is not in set {cset.id}; its criteria: {listing}")
        else:
            number = _criterion(cset, text, listing)
        out.append((number, cset.name(number, "vi")))
    return cset.id, out


def _criterion(cset, text: str, listing: str) -> int:
    """The number of the criterion named ``text`` (Vietnamese or English name, diacritics optional)."""
    if len(text) > 100:
        raise InvalidParameterError(
            f"criterion name is {len(text)} characters long; give a number or a name: {listing}"
        )
    names = [(n, cset.name(n, lang)) for n in cset.numbers for lang in ("vi", "en")]
    found = resolve(text, names, min_score=0.8)
    if found.status == "matched":
        return found.match.id
    tied = {m.id for m in found.candidates}  # ambiguous: fine if the tie is a criterion's vi and en names
    if not tied:  # the first words of a long name: "Môi trường" for "Môi trường và an toàn thực phẩm"
        start = fold(text)
        tied = {n for n, name in names if start and (fold(name) + " ").startswith(start + " ")}
    if len(tied) == 1:
        return tied.pop()
    why = f"matches several criteria ({sorted(tied)})" if tied else "is not known"
    raise InvalidParameterError(f"criterion {text!r} {why} in set {cset.id}; give a number or a name: {listing}")


def resolve_district(atlas: Atlas, day: date, value: str) -> str:
    """A district's code on ``day`` from its code or name (tolerant of missing diacritics)."""
    districts = atlas.units_on(day, "district")
    listing = ", ".join(f"{r.code} {r.name}" for r in districts.itertuples())
    if districts.empty:
        raise InvalidParameterError(
            f"there are no districts on {day.isoformat()} (districts were abolished on "
            f"{atlas.reform_date.isoformat()}); ask about an earlier date"
        )
    text = str(value).strip()
    if text in set(districts["code"]):
        return text
    found = resolve(text, list(zip(districts["code"], districts["name"], strict=True)), min_score=0.8)
    if found.status != "matched":
        why = "matches several districts" if found.status == "ambiguous" else "is not a district"
        raise InvalidParameterError(f"district {text!r} {why} on {day.isoformat()}; districts then: {listing}")
    return found.match.id


def keep(r: dict, district, statuses, criteria, below_target, min_gap) -> bool:
    if district is not None and r["district_code"] != district:
        return False
    if statuses is not None and r["status"] not in statuses:
        return False
    set_id, wanted = criteria
    for number, name_vi in wanted:
        if r["criteria_missing"] is None:
            return False
        same_set = r["criteria_set"] == set_id
        if not (number in r["criteria_missing"] if same_set else name_vi in r["criteria_missing_vi"]):
            return False
    if below_target is not None and (r["below_target"] is None or r["below_target"] != below_target):
        return False
    return min_gap is None or (r["gap"] is not None and r["gap"] >= min_gap)


def _name_key(r: dict) -> tuple:
    return sort_key(split_type(r["name"])[1]), r["code"]


_SORT_VALUE = {
    # fewest criteria missing, then fewest villages short; a commune not assessed on criteria comes after
    # the assessed ones, by villages short (what is known), and only a commune of which nothing is known
    # goes to the end, by name
    "closest": lambda r: (
        (0, r["criteria_missing_count"], math.inf if r["gap"] is None else r["gap"])
        if r["criteria_missing_count"] is not None
        else None
        if r["gap"] is None
        else (1, r["gap"])
    ),
    "gap": lambda r: None if r["gap"] is None else -r["gap"],
    "share": lambda r: r["dbkk_share"],
    "name": lambda r: 0,
}


#: A listed commune that became a ward or town: the NTM commune criteria no longer apply to it.
NOT_RANKED = "khong_ap_dung"


def order(rows: list[dict], sort: str, reverse: bool = False) -> list[dict]:
    """Rows in the order ``sort`` asks, unknown values last (ties by Vietnamese name), numbered from 1.

    Wards and towns (status "not applicable") are listed after the communes, by name, with no
    position: a commune's criteria they no longer have to meet would rank them among communes.
    """
    value = _SORT_VALUE[sort]
    ranked = [r for r in rows if r["status"] != NOT_RANKED]
    known = sorted((r for r in ranked if value(r) is not None), key=_name_key)
    known.sort(key=value, reverse=reverse)
    if sort == "name" and reverse:
        known = sorted(known, key=_name_key, reverse=True)
    unknown = sorted((r for r in ranked if value(r) is None), key=_name_key)
    apart = sorted((r for r in rows if r["status"] == NOT_RANKED), key=_name_key)
    numbered = [{**r, "position": i} for i, r in enumerate(known + unknown, start=1)]
    return numbered + [{**r, "position": None} for r in apart]
