"""Status joined to the boundaries of a date: the rows every map, table and export is made of.

One row per unit in force, with its geometry and everything a tooltip, popup, table or
download shows: names (Vietnamese and English), status and the decision behind it, criteria
met (from the decision, or from the latest assessment for a unit not yet recognised), the
"awaiting review" detail for merged units, the difficulty flag and village counts, and the
data source label of the row.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from geo_ntm.names import english
from geo_ntm.plain import object_strings

from .criteria import criteria_sets
from .derive import StatusBook
from .levels import RANK
from .model import Assessment
from .progress import ProgressBook
from .review import latest_reorganisation
from .snapshot import Records, latest_assessments, latest_village_counts

COLUMNS = [
    "code",
    "uid",
    "name",
    "name_en",
    "type",
    "parent_code",
    "parent_name",
    "province_code",
    "status",
    "status_vi",
    "status_en",
    "rank",
    "decision_no",
    "decision_signed",
    "decision_precision",
    "year_label",
    "authority",
    "criteria_set",
    "criteria_met",
    "criteria_total",
    "criteria_source",
    "review_vi",
    "review_en",
    "constituents",
    "formed_on",
    "held_before",
    "review_state",
    "review_on",
    "review_document",
    "review_source",
    "constituents_past",
    "known_by",
    "commune_group",
    "group_source",
    "progress_set",
    "progress_met",
    "progress_not_met",
    "progress_unknown",
    "progress_total",
    "progress_as_of",
    "progress_source",
    "source",
    "citation",
    "dbkk",
    "dbkk_list",
    "villages_total",
    "villages_ntm",
    "villages_kieu_mau",
    "dbkk_villages",
    "dbkk_villages_ntm",
    "villages_as_of",
    "area_km2",
]

INTEGERS = [
    "year_label",
    "commune_group",
    "progress_total",
    "criteria_total",
    "villages_total",
    "villages_ntm",
    "villages_kieu_mau",
    "dbkk_villages",
    "dbkk_villages_ntm",
]


def status_frame(
    book: StatusBook,
    records: Records,
    assessments: list[Assessment],
    *,
    level: str = "commune",
    day: date | str | None = None,
    year: int | None = None,
    progress: ProgressBook | None = None,
    only: set[str] | None = None,
) -> gpd.GeoDataFrame:
    """Units of ``level`` on ``day`` (or at the end of ``year``, by "năm" label) with their status.

    From 2026 the rows also carry each commune's group and its standing under the 2026-2030
    criteria (met / not met / unknown per criterion, :mod:`.progress`). ``only``: the rows of
    these unit versions (uids) alone, each the same as in the whole level (every column is
    worked out row by row, from the whole data version).
    """
    atlas = book.atlas
    if year is not None:
        day = date(year, 12, 31)
    else:
        day = atlas.check_date(day)
    units = atlas.units_on(day, level)
    if only is not None:
        units = units[units["uid"].isin(only)]
        status = book.some(units, day, year)
    else:
        status = book.for_year(year, level) if year is not None else book.on(day, level)
    parents = atlas.units_on(day, "district").set_index("code")["name"] if level == "commune" else pd.Series(dtype=str)
    frame = object_strings(units[["uid", "area_km2", "geometry"]].merge(status, on="uid"))
    frame["name_en"] = frame["name"].map(english)
    frame["parent_name"] = frame["parent_code"].map(parents)
    frame["rank"] = frame["status"].map(lambda s: RANK.get(s, -1))
    _criteria(frame, book, assessments, day)
    _period(frame, progress or ProgressBook(book, records.commune_groups, assessments), day)
    _review_round(frame, atlas, day)
    _difficulty(frame, book, records, day)
    _sources(frame, book, records)
    for col in INTEGERS:
        frame[col] = pd.Series([None if pd.isna(v) else int(v) for v in frame[col]], index=frame.index, dtype=object)
    for col in [c for c in COLUMNS if frame[c].dtype == object]:  # missing is None, however the rows were built
        frame[col] = frame[col].where(frame[col].notna(), None)
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    return frame[COLUMNS + ["geometry"]].sort_values("code").reset_index(drop=True)


def _criteria(frame: pd.DataFrame, book: StatusBook, assessments: list[Assessment], day: date) -> None:
    latest = latest_assessments(book, assessments, day)
    sets = criteria_sets()
    met, total, source, cset = [], [], [], []
    for r in frame[["uid", "rank", "criteria_met", "criteria_set"]].itertuples():  # not the geometry: slow to read
        if r.criteria_met is not None and not (isinstance(r.criteria_met, float)):
            found, where, set_id = list(r.criteria_met), "decision", r.criteria_set
        elif r.rank < 1 and (a := latest.get(book.root[r.uid])) is not None:
            found, where, set_id = list(a.criteria_met), f"assessment {a.as_of.isoformat()}", a.criteria_set
        else:
            found, where, set_id = None, None, r.criteria_set
        met.append(found)
        source.append(where)
        cset.append(set_id)
        total.append(len(sets[set_id].numbers) if set_id in sets else None)
    frame["criteria_met"], frame["criteria_total"] = met, total
    frame["criteria_source"], frame["criteria_set"] = source, cset


def _review_round(frame: pd.DataFrame, atlas, day: date) -> None:
    """Review states of the latest reorganisation only: a unit merged in an earlier round is not on the board."""
    latest = latest_reorganisation(atlas, day)
    earlier = frame["formed_on"] != (latest.isoformat() if latest else None)
    for col in ("review_state", "review_on", "review_document", "review_source"):
        frame.loc[earlier, col] = None


def _period(frame: pd.DataFrame, progress: ProgressBook, day: date) -> None:
    """Group and 2026-2030 standing of each commune (empty before the period or for other levels)."""
    cset = progress.period_set(day)
    cols = {c: [] for c in ("commune_group", "group_source", "progress_set", "progress_met", "progress_not_met",
                            "progress_unknown", "progress_total", "progress_as_of", "progress_source")}  # fmt: skip
    decisions = {d.id: d for items in progress.book.records.values() for d in items if getattr(d, "level", None)}
    for r in frame[["uid", "decision_id"]].itertuples():
        p = None
        if cset is not None and r.uid in progress.book.root and progress.book._unit[r.uid][0] == "commune":
            decision = decisions.get(r.decision_id) if isinstance(r.decision_id, (int, float)) else None
            p = progress.of(r.uid, day, decision, cset)
        known = p is not None and bool(p.verdicts)
        cols["commune_group"].append(p.group if p else None)
        cols["group_source"].append(p.group_source if p else None)
        cols["progress_set"].append(p.set_id if p else None)
        cols["progress_met"].append(p.numbers("met") if known else None)
        cols["progress_not_met"].append(p.numbers("not_met") if known else None)
        cols["progress_unknown"].append(p.numbers("unknown") if known else None)
        cols["progress_total"].append(len(cset.numbers) if p else None)
        cols["progress_as_of"].append(p.as_of.isoformat() if known else None)
        cols["progress_source"].append(p.source if known else None)
    for c, values in cols.items():
        frame[c] = pd.Series(values, index=frame.index, dtype=object)


def _difficulty(frame: pd.DataFrame, book: StatusBook, records: Records, day: date) -> None:
    lists = [
        d
        for d in records.difficulty_lists
        if d.kind == "commune" and d.valid_from <= day and (d.valid_to is None or day <= d.valid_to)
    ]
    in_force = max(lists, key=lambda d: d.valid_from) if lists else None
    listed = {e.unit_code for e in in_force.entries} if in_force else set()
    # A listed code names the commune of the list's date: a 2025 unit that reused the code is another unit.
    frame["dbkk"] = [c in listed and _same_unit(book, c, in_force.valid_from, day) for c in frame["code"]]
    frame["dbkk_list"] = [in_force.id if flag else None for flag in frame["dbkk"]]
    latest = latest_village_counts(records, day)
    for col, attr in [
        ("villages_total", "total"),
        ("villages_ntm", "ntm"),
        ("villages_kieu_mau", "kieu_mau"),
        ("dbkk_villages", "dbkk_total"),
        ("dbkk_villages_ntm", "dbkk_ntm"),
    ]:
        frame[col] = [
            getattr(latest[c], attr) if c in latest and _same_unit(book, c, latest[c].as_of, day) else None
            for c in frame["code"]
        ]
    frame["villages_as_of"] = [
        latest[c].as_of.isoformat() if c in latest and _same_unit(book, c, latest[c].as_of, day) else None
        for c in frame["code"]
    ]


def _sources(frame: pd.DataFrame, book: StatusBook, records: Records) -> None:
    """The data-source label of each row: illustrative when any part of what it shows is.

    A row with no decision says "not yet" (or "awaiting review") only as surely as the records
    it is derived from; its difficulty flag and village counts have sources of their own.
    """
    absent = "illustrative" if "illustrative" in book.sources else ("official" if book.sources else None)
    lists = {d.id: d.source for d in records.difficulty_lists}
    village_sources = {v.commune_code: v.source for v in records.village_counts}
    out = []
    used = ["source", "status", "dbkk_list", "villages_as_of", "code"]
    used += ["group_source", "progress_source", "review_source"]
    for r in frame[used].itertuples():
        parts = {r.source} if isinstance(r.source, str) else set()
        if not parts and r.status in ("chua_dat", "cho_ra_soat"):
            parts.add(absent)
        if r.dbkk_list:
            parts.add(lists.get(r.dbkk_list))
        if r.villages_as_of:
            parts.add(village_sources.get(r.code))
        parts |= {v for v in (r.group_source, r.progress_source, r.review_source) if isinstance(v, str)}
        parts.discard(None)
        out.append("illustrative" if "illustrative" in parts else ("official" if parts else None))
    frame["source"] = out


def _same_unit(book: StatusBook, code: str, then: date, now: date) -> bool:
    """Village counts of an old unit do not describe a new unit that reused its code."""
    a, b = book.version_at("commune", code, then), book.version_at("commune", code, now)
    return a is not None and b is not None and book.root[a] == book.root[b]
