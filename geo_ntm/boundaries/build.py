"""``geo-ntm boundaries build``: the boundary history of a province or of the whole country.

A region is named by a province code on the reform date (e.g. 24, the new Bắc Ninh) or by
``VN`` for all of Vietnam; the provinces it was made from are read from the reform mapping,
and their histories built from the national sources, read once. Nothing here is specific to
one province: the national build is the same code over all 63 former provinces.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo_ntm.errors import InvalidParameterError
from geo_ntm.names import fold, split_type

from . import baseparts
from . import sources as src
from .aggregate import derive_level
from .codelists import CodeLists, day_before, legal_acts
from .communes import CommuneHistory
from .geometry import area_km2, clean_coverage
from .history import Event, Issue, Version
from .nonadmin import NonAdminAreas
from .reform import apply_reform
from .vintage import match_polygons
from .write import write_atomically

#: The region code of the whole country.
NATIONAL = "VN"
NATIONAL_NAME = "Việt Nam"


@dataclass
class BuildResult:
    """What a build made, in memory, before or after writing."""

    province: str
    name: str
    provinces: list[str]
    starts: dict[str, date]
    reform: date
    versions: list[Version]
    events: list[Event]
    issues: list[Issue]
    parts: dict
    part_rows: list[dict]
    non_admin: list[dict]
    official_area: dict[str, float]
    info: dict

    @property
    def slug(self) -> str:
        return f"{self.province.lower()}-" + fold(split_type(self.name)[1]).replace(" ", "-")


def region_provinces(mapping, region: str) -> tuple[list[str], list[str]]:
    """(new provinces, old provinces) of ``region``: a province code on the reform date, or ``VN``."""
    levels = mapping[mapping["level"] == "province"]
    if region.upper() == NATIONAL:
        return sorted(levels["province_code"].unique()), sorted(levels["old_code"].unique())
    rows = levels[levels["province_code"] == region]
    if rows.empty:
        new = sorted(levels["province_code"].unique())
        olds = levels[levels["old_code"] == region]
        if not olds.empty:
            into = olds["province_code"].iloc[0]
            raise InvalidParameterError(
                f"province {region} ({olds['old_name'].iloc[0]}) ended on the reform date and is "
                f"part of province {into} since; build --province {into}, which includes its history"
            )
        raise InvalidParameterError(f"unknown province code {region!r}; expected {NATIONAL} or one of {new}")
    return [region], sorted(rows["old_code"])


class _Progress:
    """Step messages with elapsed time, for a build that takes minutes."""

    def __init__(self, say: Callable[[str], None] | None):
        self.say, self.t0 = say, time.monotonic()

    def __call__(self, message: str) -> None:
        if self.say:
            self.say(f"[{time.monotonic() - self.t0:6.1f} s] {message}")


def build(region: str, sources_dir: str | Path, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build the boundary history of ``region`` (province code or ``VN``) from ``sources_dir``."""
    say = _Progress(progress)
    m = src.Manifest.load(sources_dir)
    mapping = src.read_reform_mapping(m.reform_mapping)
    news, olds = region_provinces(mapping, region)
    say(f"region {region}: {len(news)} province(s) from {len(olds)} former province(s); reading the lists")
    before = src.read_units_before_reform(m.units_before_reform)
    after = src.read_units_after_reform(m.units_after_reform)
    new_rows = after[after["province_code"].isin(news)]
    if new_rows.empty:
        raise InvalidParameterError(f"province {region} has no units in {m.units_after_reform.name}")
    lists = CodeLists(before, src.read_code_changes(m.code_changes), day_before(m.reform_date))
    vintage = lists.province_on(m.polygons_vintage, set(olds))
    polys = src.read_polygons(m.polygons, m.polygon_fields, sorted({a.province for a in vintage.values()}))
    say(f"matching {len(polys):,} polygons to the lists of each former province")
    matching = match_polygons(polys, lists, set(olds), m.polygons_vintage, m.matched_until)
    starts = {p: max(matching.provinces[p].day, m.lists_begin) for p in olds}
    codes = [matching.code(int(r)) for r in polys["row"]]
    ids = baseparts.part_ids(codes, polys)
    say(f"cleaning {len(polys):,} polygons into a coverage")
    cleaned, cleaning = clean_coverage(polys.geometry.values, m.gap_width_m)
    parts = dict(zip(ids, cleaned))
    issues = baseparts.lost_in_cleaning(parts, codes, ids, polys, starts)
    drawn, shared = baseparts.holdings(matching, codes, ids, polys, parts)
    at_start = {c: a for p in olds for c, a in lists.province_on(starts[p], {p}).items()}
    loose = NonAdminAreas.resolve(
        polys, codes, at_start, src.read_non_admin_areas(m.non_admin_areas), news, str(m.non_admin_areas), matching
    )
    rows = [r for r in baseparts.part_rows(ids, codes, polys, at_start, loose) if r["part_id"] in parts]
    loose.validate(lists, m.reform_date, set(new_rows["code"]), str(m.non_admin_areas))

    say(f"applying {len(lists.change_dates)} dates of list changes")
    aliases = dict(zip(before["code"], before["aliases"]))
    communes = CommuneHistory(lists, set(olds), starts, parts, aliases, drawn, shared)
    communes.apply_changes(annexes=loose)
    say("applying the reform of " + m.reform_date.isoformat())
    cut = apply_reform(communes, m.reform_date, mapping, after, news, parts, loose.annexes(m.reform_date))
    if cut:
        say(f"{len(cut)} base polygons shared out by estimate; re-noding their neighbours")
        rows = baseparts.replace_parts(cut, parts, communes, loose, rows)
    communes.issues[:0] = issues
    part_area = dict(zip(parts, area_km2(list(parts.values()))))
    _fill_shares(communes.events, part_area)
    name = NATIONAL_NAME if region.upper() == NATIONAL else new_rows["province"].iloc[0]
    changes = lists.changes(set(olds), since=min(starts.values()))
    notes = {c.date: c.notes for c in changes}
    province_names = {a.province_code: a.province for a in vintage.values()}
    dates = sorted({v.valid_from for v in communes.versions} | set(notes) | loose.dates | communes.orphan_dates)
    after_names = dict(zip(new_rows["province_code"], new_rows["province"]))
    olds_into = _province_after(mapping, news)
    levels = {}
    for level in ("district", "province"):
        say(f"deriving {level} versions on {len(dates)} dates")
        levels[level] = derive_level(
            level,
            communes.versions,
            lists,
            m.reform_date,
            after_names,
            part_area,
            dates,
            set(starts.values()),
            lambda day: {**loose.loose_on(day), **communes.orphaned_on(day)},
            olds_into,
        )
    versions = communes.versions + levels["district"][0] + levels["province"][0]
    events = communes.events + levels["district"][1] + levels["province"][1]
    for e in levels["district"][1] + levels["province"][1]:
        if e.date in notes:
            places = [split_type(v.name)[1] for v in e.predecessors + e.successors]
            places += [
                split_type(province_names[v.province_code])[1]
                for v in e.predecessors + e.successors
                if v.province_code in province_names
            ]
            e.legal_act, e.legal_act_text = legal_acts(notes[e.date], places)
            e.legal_act_source = "GSO change note" if e.legal_act else None
    say("writing events, acts and notes")
    _apply_supplements(src.read_supplement_events(m.supplement_events), news, versions, events)
    _apply_acts(src.read_legal_acts(m.legal_acts), news, events)
    loose.annotate(events, part_area)
    events.sort(key=lambda e: e.sort_key)
    versions.sort(key=lambda v: (("commune", "district", "province").index(v.level), v.code, v.valid_from))
    info = {
        "province": region.upper() if region.upper() == NATIONAL else region,
        "provinces": news,
        "name": name,
        "provinces_before_reform": olds,
        "history_starts": {p: d.isoformat() for p, d in starts.items()},
        "covered_from": max(starts.values()).isoformat(),
        "reform_date": m.reform_date.isoformat(),
        "polygons_vintage": m.polygons_vintage.isoformat(),
        "cleaning": cleaning,
        "polygons_matched_by_similar_spelling": [s for p in olds for s in matching.provinces[p].spelled],
        "polygons_matched_by_elimination": [s for p in olds for s in matching.provinces[p].eliminated],
        "list_anomalies": [
            {"date": a.date.isoformat(), "code": a.code, "row": a.row, "problem": a.problem}
            for a in lists.anomalies
            if lists.ever_in(a.code, set(olds))
        ],
        "sources": m.hashes(),
    }
    say(f"{len(versions):,} versions, {len(events):,} events, {len(communes.issues)} issues")
    return BuildResult(
        info["province"],
        name,
        olds,
        starts,
        m.reform_date,
        versions,
        events,
        communes.issues,
        parts,
        rows,
        loose.layer_rows(part_area),
        dict(zip(new_rows["code"], new_rows["area_km2"])),
        info,
    )


def _fill_shares(events: list[Event], part_area: dict[str, float]) -> None:
    """Shares of a predecessor's area in each successor, from the parts, where not set yet."""
    for e in events:
        for p in e.predecessors:
            total = sum(part_area.get(q, 0.0) for q in p.parts or ())
            for s in e.successors:
                if e.shares.get((p.uid, s.uid)) is None and total and p.parts and s.parts:
                    e.shares[(p.uid, s.uid)] = sum(part_area.get(q, 0.0) for q in p.parts & s.parts) / total


def _province_after(mapping, news: list[str]) -> dict[str, str]:
    """Old province code → the new province it went into."""
    rows = mapping[(mapping["level"] == "province") & mapping["province_code"].isin(news)]
    return dict(zip(rows["old_code"], rows["province_code"]))


def _apply_supplements(table, provinces: list[str], versions: list[Version], events: list[Event]) -> None:
    """Add events the lists cannot show, splitting the versions they end mid-way.

    When the outlines already show the event (land in no commune that moved, see
    :mod:`.nonadmin`), the derived event is given the act, stated area and note instead.
    """
    for r in table[table["province_code"].isin(provinces)].itertuples():
        preds = [_version_on(versions, r.level, c, day_before(r.date)) for c in r.predecessors.split(";")]
        succs = [_version_on(versions, r.level, c, r.date) for c in r.successors.split(";")]
        shown = _derived(events, r, preds, succs)
        if shown is not None:
            shown.legal_act = r.legal_act or shown.legal_act
            shown.legal_act_source = r.source
            shown.area_km2 = None if r.area_km2 != r.area_km2 else float(r.area_km2)
            shown.note = (shown.note + " " if shown.note else "") + r.note
            continue
        for p in preds:
            if p.valid_to is None or p.valid_to >= r.date:
                cont = Version(
                    p.level, p.code, p.name, p.type, p.parent_code, p.province_code, r.date, p.parts, p.valid_to, p.note
                )
                p.valid_to = day_before(r.date)
                versions.append(cont)
                succs.append(cont)
        event = Event(
            r.date,
            r.level,
            r.kind,
            preds,
            succs,
            ("parts",),
            r.legal_act or None,
            None,
            r.source,
            geometry_reconstructed=False,
            area_km2=None if r.area_km2 != r.area_km2 else float(r.area_km2),
            note=r.note,
        )
        for p in preds:
            for s in succs:
                event.shares[(p.uid, s.uid)] = None
        for v in succs:
            v.note = (
                v.note + " " if v.note else ""
            ) + f"Outline does not show the {r.kind.replace('_', ' ')} of {r.date}."
        events.append(event)


def _derived(events: list[Event], r, preds: list[Version], succs: list[Version]) -> Event | None:
    """The event derived from the outlines that already is supplement row ``r``, if any."""
    for e in events:
        if (e.date, e.level, e.kind) == (r.date, r.level, r.kind) and all(p in e.predecessors for p in preds):
            if all(s in e.successors for s in succs):
                return e
    return None


def _version_on(versions: list[Version], level: str, code: str, day: date) -> Version:
    for v in versions:
        if v.level == level and v.code == code and v.valid_from <= day and (v.valid_to is None or day <= v.valid_to):
            return v
    raise InvalidParameterError(f"supplement names {level} {code}, which does not exist on {day}")


def _apply_acts(table, provinces: list[str], events: list[Event]) -> None:
    for r in table[table["province_code"].isin(provinces)].itertuples():
        for e in events:
            if e.date == r.date and e.level == r.level and not e.legal_act:
                e.legal_act, e.legal_act_text, e.legal_act_source = r.legal_act, r.text, r.source


def build_to(
    region: str, sources_dir: str | Path, out_dir: str | Path, progress: Callable[[str], None] | None = None
) -> tuple[Path, BuildResult]:
    """Build and write ``<out_dir>/<code>-<name>.gpkg`` atomically; return its path."""
    result = build(region, sources_dir, progress)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = write_atomically(result, out_dir / f"{result.slug}.gpkg")
    (out_dir / f"{result.slug}.build.json").write_text(
        json.dumps(result.info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return target, result
