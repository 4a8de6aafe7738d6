"""``geo-ntm boundaries build``: the boundary history of one province, reproducibly.

The province is named by its code on the reform date (e.g. 24, the new Bắc Ninh); the
provinces it was made from are read from the reform mapping, and their histories built
from the national sources. Nothing here is specific to one province.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo_ntm.errors import InvalidParameterError
from geo_ntm.names import fold, split_type

from . import sources as src
from .aggregate import derive_level
from .codelists import CodeLists, day_before, legal_acts
from .communes import CommuneHistory
from .geometry import area_km2, clean_coverage, match_codes
from .history import Event, Issue, Version
from .nonadmin import NonAdminAreas, part_id
from .write import write_atomically


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
        return f"{self.province}-" + fold(split_type(self.name)[1]).replace(" ", "-")


def region_provinces(mapping, province: str) -> list[str]:
    """Codes of the old provinces the province ``province`` was made from on the reform date."""
    rows = mapping[(mapping["level"] == "province") & (mapping["province_code"] == province)]
    if rows.empty:
        new = sorted(mapping.loc[mapping["level"] == "province", "province_code"].unique())
        olds = mapping[(mapping["level"] == "province") & (mapping["old_code"] == province)]
        if not olds.empty:
            into = olds["province_code"].iloc[0]
            raise InvalidParameterError(
                f"province {province} ({olds['old_name'].iloc[0]}) ended on the reform date and is "
                f"part of province {into} since; build --province {into}, which includes its history"
            )
        raise InvalidParameterError(f"unknown province code {province!r}; expected one of {new}")
    return sorted(rows["old_code"])


def build(province: str, sources_dir: str | Path) -> BuildResult:
    """Build the boundary history of ``province`` from the sources in ``sources_dir``."""
    m = src.Manifest.load(sources_dir)
    mapping = src.read_reform_mapping(m.reform_mapping)
    olds = region_provinces(mapping, province)
    before = src.read_units_before_reform(m.units_before_reform)
    after = src.read_units_after_reform(m.units_after_reform)
    lists = CodeLists(before, src.read_code_changes(m.code_changes), day_before(m.reform_date))
    starts = {p: lists.last_change_before(m.polygons_vintage, {p}) for p in olds}
    vintage = lists.province_on(m.polygons_vintage, set(olds))
    polys = src.read_polygons(m.polygons, m.polygon_fields, sorted({a.province for a in vintage.values()}))
    codes, _, spelled = match_codes(polys, vintage, m.polygons.name)
    cleaned, cleaning = clean_coverage(polys.geometry.values, m.gap_width_m)
    loose = NonAdminAreas.resolve(
        polys, codes, vintage, src.read_non_admin_areas(m.non_admin_areas), province, str(m.non_admin_areas)
    )
    ids = [c or part_id(sid, int(row)) for c, sid, row in zip(codes, polys["source_id"], polys["row"])]
    parts = dict(zip(ids, cleaned))
    part_area = dict(zip(parts, area_km2(list(parts.values()))))
    part_rows = [
        {
            "part_id": pid,
            "name_2013": vintage[c].name if c else name,
            "district_2013": vintage[c].district if c else district,
            "source_id": sid,
            "source_row": int(row),
            "is_admin_unit": bool(c),
        }
        for pid, c, sid, row, name, district in zip(
            ids, codes, polys["source_id"], polys["row"], polys["name"], polys["district"]
        )
    ]
    new_rows = after[after["province_code"] == province]
    loose.validate(lists, m.reform_date, set(new_rows["code"]), str(m.non_admin_areas))

    communes = CommuneHistory(lists, set(olds), starts, parts, dict(zip(before["code"], before["aliases"])))
    communes.apply_changes(since=m.polygons_vintage, annexes=loose)
    communes.apply_reform(m.reform_date, mapping, after, province, loose.annexes(m.reform_date))

    if new_rows.empty:
        raise InvalidParameterError(f"province {province} has no units in {m.units_after_reform.name}")
    name = new_rows["province"].iloc[0]
    changes = lists.changes(set(olds), since=min(starts.values()))
    notes = {c.date: c.notes for c in changes}
    province_names = {a.province_code: a.province for a in vintage.values()}
    dates = sorted({v.valid_from for v in communes.versions} | set(notes) | loose.dates)
    levels = {}
    for level in ("district", "province"):
        levels[level] = derive_level(
            level,
            communes.versions,
            lists,
            m.reform_date,
            {province: name},
            part_area,
            dates,
            set(starts.values()),
            loose.loose_on,
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
    _apply_supplements(src.read_supplement_events(m.supplement_events), province, versions, events)
    _apply_acts(src.read_legal_acts(m.legal_acts), province, events)
    loose.annotate(events, part_area)
    events.sort(key=lambda e: e.sort_key)
    versions.sort(key=lambda v: (("commune", "district", "province").index(v.level), v.code, v.valid_from))
    official = dict(zip(new_rows["code"], new_rows["area_km2"]))
    info = {
        "province": province,
        "name": name,
        "provinces_before_reform": olds,
        "history_starts": {p: d.isoformat() for p, d in starts.items()},
        "covered_from": max(starts.values()).isoformat(),
        "reform_date": m.reform_date.isoformat(),
        "polygons_vintage": m.polygons_vintage.isoformat(),
        "cleaning": cleaning,
        "polygons_matched_by_similar_spelling": spelled,
        "list_anomalies": [
            {"date": a.date.isoformat(), "code": a.code, "row": a.row, "problem": a.problem}
            for a in lists.anomalies
            if lists.ever_in(a.code, set(olds))
        ],
        "sources": _hashes(m),
    }
    return BuildResult(
        province,
        name,
        olds,
        starts,
        m.reform_date,
        versions,
        events,
        communes.issues,
        parts,
        part_rows,
        loose.layer_rows(part_area),
        official,
        info,
    )


def _apply_supplements(table, province, versions: list[Version], events: list[Event]) -> None:
    """Add events the lists cannot show, splitting the versions they end mid-way.

    When the outlines already show the event (land in no commune that moved, see
    :mod:`.nonadmin`), the derived event is given the act, stated area and note instead.
    """
    for r in table[table["province_code"] == province].itertuples():
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


def _apply_acts(table, province, events: list[Event]) -> None:
    for r in table[table["province_code"] == province].itertuples():
        for e in events:
            if e.date == r.date and e.level == r.level and not e.legal_act:
                e.legal_act, e.legal_act_text, e.legal_act_source = r.legal_act, r.text, r.source


def _hashes(m: src.Manifest) -> dict[str, str]:
    files = [
        m.code_changes,
        m.units_before_reform,
        m.units_after_reform,
        m.reform_mapping,
        m.polygons,
        m.supplement_events,
        m.legal_acts,
        *([m.non_admin_areas] if m.non_admin_areas else []),
    ]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def build_to(province: str, sources_dir: str | Path, out_dir: str | Path) -> tuple[Path, BuildResult]:
    """Build and write ``<out_dir>/<code>-<name>.gpkg`` atomically; return its path."""
    result = build(province, sources_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = write_atomically(result, out_dir / f"{result.slug}.gpkg")
    (out_dir / f"{result.slug}.build.json").write_text(
        json.dumps(result.info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return target, result
