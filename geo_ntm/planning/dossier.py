"""One commune for a planner: decisions, lineage, villages, list membership and criteria, on a date."""

from __future__ import annotations

from datetime import date

from geo_ntm.boundaries.atlas import OPEN_END, Atlas, Step
from geo_ntm.boundaries.overlaps import overlaps
from geo_ntm.errors import InvalidParameterError
from geo_ntm.plain import plain
from geo_ntm.status.criteria import criteria_sets
from geo_ntm.status.derive import StatusBook
from geo_ntm.status.levels import LABELS
from geo_ntm.status.model import Decision, DifficultyList
from geo_ntm.when import today

from ._common import chain_of, inputs, parent_name
from .lists import dbkk_targets, in_force, list_record, village_list
from .rows import progress_rows, reference_version


def commune_dossier(source, code: str, day: date | str | None = None) -> dict:
    """Everything a planner asks about one commune, as of ``day`` (default: its latest version, today).

    Parameters
    ----------
    source : StatusService or (StatusBook, Records, list of Assessment)
    code : str
        Five-digit commune code (a code reused by a new commune after a merger names the
        version in force on ``day``).
    day : date or str, optional

    Returns
    -------
    dict
        ``unit``, ``versions`` (its status chain), ``status`` on the day, ``history`` (decisions and
        revocations of the chain with their source labels), ``lineage`` (``formed_from``,
        ``became``, ``now_part_of``, every ``step``), ``villages`` (counts over time),
        ``difficulty`` (membership per list version), ``progress`` (criteria met and missing by
        name, villages, share and gap on the day).
    """
    snap = inputs(source)
    book, records, atlas = snap.book, snap.records, snap.atlas
    day = atlas.check_date(day) if day is not None else None
    unit = atlas.unit(str(code), on=day)
    if unit["level"] != "commune":
        raise InvalidParameterError(f"{code} is a {unit['level']} ({unit['name']}); a dossier is for a commune")
    if day is None:
        day = min(today(), unit["valid_to"])
    uid = unit["uid"]
    chain = chain_of(book, uid)
    status = book.status_of(uid, day)
    commune_list = _list_on(records.difficulty_lists, day)
    entry = _entry(book, commune_list, chain) if commune_list else None
    row = progress_rows(snap, day, {uid: entry}, commune_list, village_list(records, day), dbkk_targets(records))[0]
    return {
        "date": day.isoformat(),
        "unit": _unit(atlas, unit),
        "versions": [_unit(atlas, atlas.units.loc[u]) for u in chain],
        "status": {
            "status": status.status,
            "status_vi": LABELS["vi"][status.status],
            "status_en": LABELS["en"][status.status],
            "decision_no": status.decision.decision_no if status.decision else None,
            "formed_on": plain(status.formed_on),
            "review_vi": status.summary("vi"),
            "review_en": status.summary("en"),
            "constituents": status.constituents,
            "held_before": status.held_before,
            "source": status.source,
        },
        "history": [_record(r) for r in book.records.get(book.root[uid], [])],
        "lineage": _lineage(atlas, chain, uid),
        "villages": _villages(book, records, chain),
        "difficulty": [_membership(book, dl, chain, day) for dl in records.difficulty_lists],
        "progress": {**row, "on_list": entry is not None},
    }


def _list_on(lists: list[DifficultyList], day: date) -> DifficultyList | None:
    live = [d for d in lists if d.kind == "commune" and in_force(d, day)]
    return max(live, key=lambda d: d.valid_from) if live else None


def _entries(book: StatusBook, dl: DifficultyList, chain: list[str]) -> list:
    root = book.root[chain[0]]
    codes = {book.atlas.units.loc[u, "code"] for u in chain}
    out = []
    for e in dl.entries:
        if e.unit_code in codes:
            ref = reference_version(book, e.unit_code, dl)
            if ref and book.root[ref] == root:
                out.append(e)
    return out


def _entry(book: StatusBook, dl: DifficultyList, chain: list[str]):
    found = _entries(book, dl, chain)
    return found[0] if found else None


def _membership(book: StatusBook, dl: DifficultyList, chain: list[str], day: date) -> dict:
    found = _entries(book, dl, chain)
    return {
        **list_record(dl),
        "in_force": in_force(dl, day),
        "listed": bool(found),
        "villages": [e.village for e in found if e.village] if dl.kind == "village" else None,
        "entry_source": found[0].source if found else None,
    }


def _unit(atlas: Atlas, row) -> dict:
    last = row["valid_to"] if row["valid_to"] != OPEN_END else max(row["valid_from"], today())
    return {
        "uid": row["uid"],
        "code": row["code"],
        "name": row["name"],
        "type": row["type"],
        "level": row["level"],
        "parent_code": row["parent_code"] or None,
        "parent_name": parent_name(atlas, row["parent_code"], last),
        "valid_from": plain(row["valid_from"]),
        "valid_to": plain(row["valid_to"]),
        "area_km2": plain(row["area_km2"]),
    }


def _record(r) -> dict:
    is_decision = isinstance(r, Decision)
    cset = criteria_sets().get(r.criteria_set) if is_decision and r.criteria_set else None
    met = list(r.criteria_met) if is_decision and r.criteria_met is not None else None
    return {
        "kind": "decision" if is_decision else "revocation",
        "id": r.id,
        "unit_code": r.unit_code,
        "unit_name": r.unit_name,
        "level": r.level,
        "level_vi": LABELS["vi"][r.level],
        "level_en": LABELS["en"][r.level],
        "decision_no": r.decision_no,
        "signed": r.signed.isoformat(),
        "signed_precision": r.signed_precision if is_decision else "day",
        "year_label": r.year_label if is_decision else None,
        "authority": r.authority,
        "criteria_set": r.criteria_set if is_decision else None,
        "criteria_met": met,
        "criteria_met_vi": [cset.name(n, "vi") for n in met] if cset and met is not None else None,
        "reason": None if is_decision else r.reason,
        "note": r.note if is_decision else None,
        "source": r.source,
        "citation": r.citation,
    }


def step_record(atlas: Atlas, s: Step) -> dict:
    units = atlas.units
    return {
        "direction": s.direction,
        "date": s.date.isoformat(),
        "kind": s.kind,
        "legal_act": s.legal_act or None,
        "event_id": s.event_id,
        "from": s.source or None,
        "from_code": units["code"].get(s.source),
        "from_name": units["name"].get(s.source),
        "to": s.target or None,
        "to_code": units["code"].get(s.target),
        "to_name": units["name"].get(s.target),
        "share": s.share,
    }


def _lineage(atlas: Atlas, chain: list[str], uid: str) -> dict:
    last = atlas.units.loc[chain[-1]]
    ended = last["valid_to"] != OPEN_END
    return {
        "formed_from": [step_record(atlas, s) for s in atlas.predecessors(chain[0])],
        "became": [step_record(atlas, s) for s in atlas.successors(chain[-1])] if ended else [],
        "now_part_of": overlaps(atlas, chain[-1], max(today(), atlas.reform_date)) if ended else None,
        "steps": [step_record(atlas, s) for s in atlas.lineage(uid)],
    }


def _villages(book: StatusBook, records, chain: list[str]) -> list[dict]:
    codes = {book.atlas.units.loc[u, "code"] for u in chain}
    out = []
    for v in sorted(records.village_counts, key=lambda v: v.as_of):
        if v.commune_code in codes and book.version_at("commune", v.commune_code, v.as_of) in chain:
            out.append(
                {
                    "as_of": v.as_of.isoformat(),
                    "total": v.total,
                    "ntm": v.ntm,
                    "kieu_mau": v.kieu_mau,
                    "dbkk_total": v.dbkk_total,
                    "dbkk_ntm": v.dbkk_ntm,
                    "dbkk_share": round(v.dbkk_ntm / v.dbkk_total, 4) if v.dbkk_total else None,
                    "source": v.source,
                    "citation": v.citation,
                }
            )
    return out
