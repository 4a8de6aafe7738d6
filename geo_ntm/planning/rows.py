"""One planning row per commune on a difficulty list: status, criteria by name, villages, target gap.

Built on :meth:`geo_ntm.status.snapshot.Snapshot.status_frame` (status, criteria met, village counts of the
date), so the planning table and the status map never disagree.
"""

from __future__ import annotations

import math
from datetime import date

from geo_ntm.boundaries.overlaps import overlaps
from geo_ntm.names import english
from geo_ntm.plain import plain
from geo_ntm.status.criteria import CriteriaSet, criteria_sets
from geo_ntm.status.derive import StatusBook
from geo_ntm.status.model import DifficultyEntry, DifficultyList, PlanTarget
from geo_ntm.status.snapshot import Snapshot, latest_assessments, latest_village_counts

from ._common import chain_of, count

#: Keeps ceil(0.55 * 100) == 55 although 0.55 * 100 is 55.00000000000001 in floating point.
EPSILON = 1e-9


def reference_set(day: date) -> CriteriaSet:
    """The commune NTM criteria set in force on ``day`` (names of criteria asked for by a user)."""
    sets = [s for s in criteria_sets().values() if s.unit_level == "commune" and "dat_chuan" in s.levels]
    live = [s for s in sets if s.period[0] <= day <= s.period[1]]
    started = [s for s in sets if s.period[0] <= day]
    if live or started:
        return max(live or started, key=lambda s: s.period[0])
    return min(sets, key=lambda s: s.period[0])


def reference_version(book: StatusBook, code: str, dl: DifficultyList) -> str | None:
    """The version of ``code`` the list meant: in force when the list took effect, else the first after."""
    uid = book.version_at("commune", code, dl.valid_from)
    if uid:
        return uid
    u = book.atlas.units
    later = u[(u["level"] == "commune") & (u["code"] == code) & (u["valid_from"] > dl.valid_from)]
    return later.sort_values("valid_from")["uid"].iloc[0] if len(later) else None


def place_entries(book: StatusBook, dl: DifficultyList, day: date) -> tuple[dict[str, DifficultyEntry], list[dict]]:
    """Entries of ``dl`` as unit versions of ``day``; and those whose commune no longer (or not yet) exists.

    An entry names a commune by code; it is placed only on a version of the same commune (the
    same status chain). A new commune that reused the code after a merger is another unit: the
    entry is then reported as reorganised, with the units of ``day`` that now hold its territory.
    """
    placed: dict[str, DifficultyEntry] = {}
    gone: list[dict] = []
    for e in dl.entries:
        ref = reference_version(book, e.unit_code, dl)
        if ref is None:
            gone.append({"code": e.unit_code, "name": e.unit_name, "reason": "unknown_code", "now": []})
            continue
        uid = book.version_at("commune", e.unit_code, day)
        if uid and book.root[uid] == book.root[ref]:
            placed[uid] = e
            continue
        chain = chain_of(book, ref)
        units = book.atlas.units
        if day < units.loc[chain[0], "valid_from"]:
            gone.append(
                {
                    "code": e.unit_code,
                    "name": e.unit_name,
                    "reason": "not_yet_formed",
                    "formed_on": plain(units.loc[chain[0], "valid_from"]),
                    "now": [],
                }
            )
            continue
        last = max((u for u in chain if units.loc[u, "valid_to"] < day), key=lambda u: units.loc[u, "valid_to"])
        gone.append(
            {
                "code": e.unit_code,
                "name": e.unit_name,
                "uid": last,
                "reason": "reorganised",
                "ceased_after": plain(units.loc[last, "valid_to"]),
                "now": overlaps(book.atlas, last, day),
            }
        )
    return placed, gone


def _applies(t: PlanTarget, parents: set[str], provinces: set[str]) -> bool:
    return (t.province_code is None or t.province_code in provinces) and (not t.scope or bool(parents & set(t.scope)))


def progress_rows(snap: Snapshot, day: date,
                  placed: dict[str, DifficultyEntry | None], dl: DifficultyList | None,
                  village_list: DifficultyList | None, targets: list[PlanTarget]) -> list[dict]:  # fmt: skip
    """A row per placed entry, in code order (see :data:`ROW_FIELDS` in :mod:`.difficult`).

    An entry of None asks for the row of a commune that is not on the list (a dossier): it gets
    no target, since the target is about the communes on the list.
    """
    book, records = snap.book, snap.records
    frame = snap.status_frame("commune", day=day)
    frame = frame[frame["uid"].isin(placed)]
    assessed = latest_assessments(book, snap.assessments, day)
    counts = latest_village_counts(records, day)
    listed_villages: dict[str, int] = {}
    for e in village_list.entries if village_list else ():
        listed_villages[e.unit_code] = listed_villages.get(e.unit_code, 0) + 1
    sets = criteria_sets()
    units = book.atlas.units
    rows = []
    for r in frame.to_dict(orient="records"):
        entry, root = placed[r["uid"]], book.root[r["uid"]]
        chain = [u for u in chain_of(book, r["uid"]) if units.loc[u, "valid_from"] <= day]
        parents = {units.loc[u, "parent_code"] for u in chain}
        provinces = {units.loc[u, "province_code"] for u in chain}
        target = next((t for t in targets if entry and _applies(t, parents, provinces)), None)
        cset = sets.get(plain(r["criteria_set"]))
        met = plain(r["criteria_met"])
        missing = [n for n in cset.numbers if n not in set(met)] if cset and met is not None else None
        crit_src = plain(r["criteria_source"])
        village = counts.get(r["code"])
        sources = {
            "list_entry": entry.source if entry else None,
            "status": plain(r["source"]),
            "criteria": (
                plain(r["source"])
                if crit_src == "decision"
                else assessed[root].source
                if crit_src and root in assessed
                else None
            ),
            "villages": village.source if village is not None and plain(r["villages_as_of"]) else None,
        }
        labels = {s for s in sources.values() if s}
        total, ntm = count(r["dbkk_villages"]), count(r["dbkk_villages_ntm"])
        share = round(ntm / total, 4) if total else None
        needed = math.ceil(target.target * total - EPSILON) if target and total is not None else None
        all_total, all_ntm = count(r["villages_total"]), count(r["villages_ntm"])
        rows.append(
            {
                "code": r["code"],
                "uid": r["uid"],
                "name": r["name"],
                "name_en": english(r["name"]),
                "type": r["type"],
                "district_code": r["parent_code"],
                "district_name": plain(r["parent_name"]),
                "province_code": r["province_code"],
                "status": r["status"],
                "status_vi": r["status_vi"],
                "status_en": r["status_en"],
                "decision_no": plain(r["decision_no"]),
                "review_vi": plain(r["review_vi"]),
                "review_en": plain(r["review_en"]),
                "criteria_set": cset.id if cset else None,
                "criteria_source": crit_src,
                "criteria_total": len(cset.numbers) if cset else None,
                "criteria_met": met,
                "criteria_met_count": len(met) if met is not None else None,
                "criteria_met_vi": [cset.name(n, "vi") for n in met] if cset and met is not None else None,
                "criteria_met_en": [cset.name(n, "en") for n in met] if cset and met is not None else None,
                "criteria_missing": missing,
                "criteria_missing_count": len(missing) if missing is not None else None,
                "criteria_missing_vi": [cset.name(n, "vi") for n in missing] if missing is not None else None,
                "criteria_missing_en": [cset.name(n, "en") for n in missing] if missing is not None else None,
                "villages_total": all_total,
                "villages_ntm": all_ntm,
                "villages_kieu_mau": count(r["villages_kieu_mau"]),
                "villages_ntm_share": round(all_ntm / all_total, 4) if all_total else None,
                "dbkk_villages": total,
                "dbkk_villages_ntm": ntm,
                "dbkk_villages_listed": listed_villages.get(r["code"]) if village_list else None,
                "dbkk_share": share,
                "target_id": target.id if target else None,
                "target": target.target if target else None,
                "needed": needed,
                "gap": max(0, needed - ntm) if needed is not None and ntm is not None else None,
                "below_target": (share < target.target) if target and share is not None else None,
                "villages_as_of": plain(r["villages_as_of"]),
                "list_id": dl.id if dl and entry else None,
                "village_list_id": village_list.id if village_list else None,
                "source": "illustrative" if "illustrative" in labels else ("official" if labels else None),
                "sources": sources,
            }
        )
    return rows
