"""Versions of the difficulty lists and the plan targets a planner measures against.

The lists of especially difficult (ĐBKK) communes and villages change by decision
(861/QĐ-TTg of 2021, amended by 698/QĐ-TTg in 2024; villages 612/QĐ-UBDT, amended by
497/QĐ-UBDT), so every question names a date and is answered with the version in force then.
"""

from __future__ import annotations

from datetime import date, timedelta

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError
from geo_ntm.names import key
from geo_ntm.status.model import DifficultyList, PlanTarget
from geo_ntm.status.snapshot import Records
from geo_ntm.when import today

#: The plan-target metric the village gap is measured against.
TARGET_METRIC = "dbkk_villages_ntm_share"


def in_force(dl: DifficultyList, day: date) -> bool:
    return dl.valid_from <= day and (dl.valid_to is None or day <= dl.valid_to)


def describe(lists: list[DifficultyList]) -> str:
    """ "861/QĐ-TTg (act 861/QĐ-TTg, 2021-06-04 to 2024-06-30); …" for error messages."""
    return "; ".join(
        f"{d.id} (act {d.legal_act}, {d.valid_from.isoformat()} to {d.valid_to.isoformat() if d.valid_to else 'open'})"
        for d in lists
    )


def _named(lists: list[DifficultyList], name: str) -> DifficultyList | None:
    """The list whose id or legal act is ``name``, tolerant of missing diacritics, spaces and '+' read as space."""
    wanted = key(name)
    for field in ("id", "legal_act"):
        found = [d for d in lists if key(getattr(d, field)) == wanted]
        if len(found) == 1:
            return found[0]
    return None


def planning_day(records: Records, atlas: Atlas, wanted: date | None = None) -> date:
    """The day a view of the especially difficult communes opens on.

    ``wanted`` (default: today, but before the reform: the listed communes were merged on
    the reform date, so the last day they existed is the last day the list can be shown on),
    moved into the nearest period in which a commune list was in force.
    """
    wanted = wanted or min(today(), atlas.reform_date - timedelta(days=1))
    lists = [d for d in records.difficulty_lists if d.kind == "commune"]
    if not lists or any(in_force(d, wanted) for d in lists):
        return wanted
    inside = [min(max(wanted, d.valid_from), d.valid_to or max(wanted, d.valid_from)) for d in lists]
    return min(inside, key=lambda d: abs((d - wanted).days))


def commune_list(records: Records, day: date, list_id: str | None = None) -> tuple[DifficultyList, bool]:
    """The commune list in force on ``day``, or the one named; and whether it is in force that day."""
    communes = [d for d in records.difficulty_lists if d.kind == "commune"]
    if list_id is not None:
        found = _named(records.difficulty_lists, list_id)
        if found is None:
            raise InvalidParameterError(
                f"list {list_id!r} is not a known version of the list of especially difficult communes; "
                f"versions: {describe(communes) or 'none recorded'}"
            )
        if found.kind != "commune":
            raise InvalidParameterError(
                f"list {found.id!r} is a list of villages, not communes; commune lists: {describe(communes)}"
            )
        return found, in_force(found, day)
    live = [d for d in communes if in_force(d, day)]
    if not live:
        raise DateOutOfRangeError(
            f"no list of especially difficult communes was in force on {day.isoformat()}; versions: "
            f"{describe(communes) or 'none recorded'}. Pick a date inside one of them, or name a list with list="
        )
    return max(live, key=lambda d: d.valid_from), True


def village_list(records: Records, day: date) -> DifficultyList | None:
    """The list of especially difficult villages in force on ``day``, if any."""
    live = [d for d in records.difficulty_lists if d.kind == "village" and in_force(d, day)]
    return max(live, key=lambda d: d.valid_from) if live else None


def dbkk_targets(records: Records, target_id: str | None = None) -> list[PlanTarget]:
    """Plan targets on the share of NTM villages in ĐBKK communes (the one named, or all of them)."""
    targets = [t for t in records.plan_targets if t.metric == TARGET_METRIC]
    if target_id is None:
        return targets
    found = [t for t in records.plan_targets if t.id == target_id]
    if not found or found[0].metric != TARGET_METRIC:
        known = ", ".join(f"{t.id} ({t.target:g} by {t.deadline.isoformat()})" for t in targets) or "none recorded"
        what = "is not a known plan target" if not found else f"measures {found[0].metric}, not {TARGET_METRIC}"
        raise InvalidParameterError(f"target {target_id!r} {what}; targets on ĐBKK villages: {known}")
    return found


def target_record(t: PlanTarget | None) -> dict | None:
    if t is None:
        return None
    return {
        "id": t.id,
        "title_vi": t.title_vi,
        "title_en": t.title_en,
        "target": t.target,
        "deadline": t.deadline.isoformat(),
        "scope": list(t.scope),
        "source": t.source,
        "citation": t.citation,
    }


def list_record(dl: DifficultyList | None) -> dict | None:
    if dl is None:
        return None
    return {
        "id": dl.id,
        "kind": dl.kind,
        "title": dl.title,
        "legal_act": dl.legal_act,
        "valid_from": dl.valid_from.isoformat(),
        "valid_to": dl.valid_to.isoformat() if dl.valid_to else None,
        "amends": dl.amends,
        "source": dl.source,
        "citation": dl.citation,
    }


def _entry_keys(dl: DifficultyList) -> dict[tuple, dict]:
    out = {}
    for e in dl.entries:
        k = (e.unit_code, e.village or "")
        out[k] = {"code": e.unit_code, "name": e.unit_name, **({"village": e.village} if e.village else {})}
    return out


def list_versions(records: Records, kind: str | None = None) -> list[dict]:
    """Every version of the difficulty lists, oldest first, with its entries and what it changed.

    ``added`` and ``removed`` compare a version with the one it ``amends`` (communes, or
    villages as commune code and village name).
    """
    if kind not in (None, "commune", "village"):
        raise InvalidParameterError(f"kind {kind!r} is not one of ['commune', 'village']")
    by_id = {d.id: d for d in records.difficulty_lists}
    out = []
    for dl in sorted(records.difficulty_lists, key=lambda d: (d.kind, d.valid_from)):
        if kind and dl.kind != kind:
            continue
        mine = _entry_keys(dl)
        base = _entry_keys(by_id[dl.amends]) if dl.amends in by_id else None
        out.append(
            {
                **list_record(dl),
                "communes": len({e.unit_code for e in dl.entries}),
                "villages": sum(1 for e in dl.entries if e.village) if dl.kind == "village" else None,
                "entries": list(mine.values()),
                "added": None if base is None else [v for k, v in mine.items() if k not in base],
                "removed": None if base is None else [v for k, v in base.items() if k not in mine],
                "entry_sources": sorted({e.source for e in dl.entries}),
            }
        )
    return out
