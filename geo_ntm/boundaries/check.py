"""``geo-ntm boundaries check``: a built history against the official lists and itself.

Each check returns a :class:`Check` with a pass/fail verdict and the figures behind it, so
that the command can print a report and tests can assert on the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from geo_ntm.names import fold

from . import sources as src
from .atlas import Atlas
from .codelists import CodeLists, day_before

#: Relative tolerance for area conservation: parts are shared exactly, so only the
#: floating-point error of dissolving remains.
AREA_TOLERANCE = 1e-4


@dataclass
class Check:
    name: str
    passed: bool
    summary: str
    details: dict = field(default_factory=dict)


def counts(atlas: Atlas, lists: CodeLists) -> Check:
    """Units per province on every change date equal the official list of that date."""
    rows, bad = [], []
    olds = set(atlas.info["provinces_before_reform"])
    days = [atlas.covered_from] + [d for d in atlas.change_dates() if d < atlas.reform_date]
    for day in days:
        units = atlas.units_on(day, "commune")
        listed = lists.province_on(day, olds)
        for p in sorted(olds):
            ours = units[units["province_code"] == p]
            theirs = {c: a for c, a in listed.items() if a.province_code == p}
            n_districts = len(atlas.units_on(day, "district").query("province_code == @p"))
            rows.append(
                {
                    "date": day.isoformat(),
                    "province": p,
                    "communes": len(ours),
                    "listed": len(theirs),
                    "districts": n_districts,
                    "listed_districts": len({a.district_code for a in theirs.values()}),
                }
            )
            if set(ours["code"]) != set(theirs) or rows[-1]["districts"] != rows[-1]["listed_districts"]:
                bad.append(rows[-1])
    after = atlas.units_on(atlas.reform_date, "commune")
    rows.append({"date": atlas.reform_date.isoformat(), "province": atlas.province, "communes": len(after)})
    text = "; ".join(f"{r['date']} {r['province']}: {r['communes']}" for r in rows)
    return Check("counts per vintage equal the official lists", not bad, text, {"rows": rows, "mismatches": bad})


def listed_codes(atlas: Atlas, before, after, mapping) -> Check:
    """Every code of the June 2025 list and of the reform mapping exists, named as listed."""
    olds = set(atlas.info["provinces_before_reform"])
    last = day_before(atlas.reform_date)
    problems = []
    ours = atlas.units_on(last).set_index("code")["name"]
    for r in before[before["province_code"].isin(olds)].itertuples():
        problems += _compare(ours, r.code, r.name, last, "June 2025 list")
    new = atlas.units_on(atlas.reform_date).set_index("code")["name"]
    for r in after[after["province_code"] == atlas.province].itertuples():
        problems += _compare(new, r.code, r.name, atlas.reform_date, "July 2025 list")
    rows = mapping[(mapping["level"] == "commune") & (mapping["province_code"] == atlas.province)]
    for r in rows.itertuples():
        problems += _compare(new, r.new_code, r.new_name, atlas.reform_date, "reform mapping (new)")
        problems += _compare(ours, r.old_code, r.old_name, last, "reform mapping (old)")
    known = {i.code for i in atlas.issues.itertuples()}
    unexplained = [p for p in problems if p["code"] not in known]
    summary = (
        f"{len(problems)} differences, all recorded as build issues"
        if not unexplained
        else (f"{len(unexplained)} differences not explained by a build issue")
    )
    return Check(
        "listed codes exist with the listed names",
        not unexplained,
        summary,
        {"differences": problems, "unexplained": unexplained},
    )


def _compare(ours, code, name, day, source) -> list[dict]:
    if code not in ours.index:
        return [{"code": code, "source": source, "problem": f"no unit {code} ({name}) on {day}"}]
    if fold(ours[code]) != fold(name):
        return [{"code": code, "source": source, "problem": f"named {ours[code]!r}, listed as {name!r}"}]
    return []


def area_conservation(atlas: Atlas) -> Check:
    """For each event with reconstructed geometry, area before equals area after."""
    area = atlas.units["area_km2"]
    worst, skipped, checked = 0.0, [], 0
    for e in atlas.events.itertuples():
        preds = [u for u in e.predecessors.split(";") if u]
        succs = [u for u in e.successors.split(";") if u]
        if not e.geometry_reconstructed:
            skipped.append(e.event_id)
            continue
        if not preds or not succs:
            continue
        a, b = area[preds].sum(), area[succs].sum()
        worst = max(worst, abs(a - b) / a)
        checked += 1
    ok = worst <= AREA_TOLERANCE
    return Check(
        "area is conserved through every event",
        ok,
        f"{checked} events checked, worst relative difference {worst:.2e} (tolerance {AREA_TOLERANCE:g}); "
        f"{len(skipped)} not checked (outline not reconstructable)",
        {"checked": checked, "worst": worst, "skipped": skipped},
    )


def nesting(atlas: Atlas) -> Check:
    """On every date, units form a coverage, and communes lie in one district of their province."""
    problems = []
    parts = atlas.unit_parts.groupby("uid")["part_id"].agg(frozenset)
    for day in [atlas.covered_from, *atlas.change_dates()]:
        communes = atlas.units_on(day, "commune")
        if not shapely.coverage_is_valid(communes.geometry.values):
            problems.append(f"{day}: communes overlap")
        provinces = atlas.units_on(day, "province")
        if frozenset().union(*parts[communes["uid"]]) != frozenset().union(*parts[provinces["uid"]]):
            problems.append(f"{day}: communes do not fill the province")
        if day >= atlas.reform_date:
            continue
        districts = atlas.units_on(day, "district").set_index("code")
        for c in communes.itertuples():
            d = districts.loc[c.parent_code] if c.parent_code in districts.index else None
            if d is None or not parts[c.uid] <= parts[d["uid"]]:
                problems.append(f"{day}: {c.code} {c.name} is not inside district {c.parent_code}")
    return Check(
        "layers nest exactly on every date",
        not problems,
        "all dates nest" if not problems else f"{len(problems)} problems",
        {"problems": problems[:20]},
    )


def official_areas(atlas: Atlas) -> Check:
    """Dissolved areas of the units since the reform against the official area_km2."""
    new = atlas.units_on(atlas.reform_date)
    new = new[new["official_area_km2"].notna()]
    diff = (new["area_km2"] - new["official_area_km2"]) / new["official_area_km2"] * 100
    stats = {
        "units": int(len(new)),
        "median_pct": round(float(np.median(diff)), 2),
        "median_abs_pct": round(float(np.median(diff.abs())), 2),
        "p90_abs_pct": round(float(np.percentile(diff.abs(), 90)), 2),
        "max_abs_pct": round(float(diff.abs().max()), 2),
        "within_5pct": int((diff.abs() <= 5).sum()),
        "within_10pct": int((diff.abs() <= 10).sum()),
        "total_km2": round(float(new["area_km2"].sum()), 1),
        "official_total_km2": round(float(new["official_area_km2"].sum()), 1),
        "worst": [
            {
                "code": r.code,
                "name": r.name,
                "area_km2": round(r.area_km2, 2),
                "official_area_km2": r.official_area_km2,
                "diff_pct": round(d, 1),
            }
            for r, d in sorted(zip(new.itertuples(), diff), key=lambda t: -abs(t[1]))[:5]
        ],
    }
    summary = (
        f"{stats['units']} units: median |diff| {stats['median_abs_pct']}%, p90 {stats['p90_abs_pct']}%, "
        f"max {stats['max_abs_pct']}%; {stats['within_5pct']} within 5%; total "
        f"{stats['total_km2']} km² vs {stats['official_total_km2']} km² official"
    )
    # A report, not a gate: the base polygons are a thinned 2013 vintage.
    return Check("dissolved areas against the official area_km2 (report)", True, summary, stats)


def run_checks(region: str | Path, sources_dir: str | Path) -> list[Check]:
    """Every check, on the region file ``region`` against the sources in ``sources_dir``."""
    atlas = Atlas.load(region)
    m = src.Manifest.load(sources_dir)
    before = src.read_units_before_reform(m.units_before_reform)
    after = src.read_units_after_reform(m.units_after_reform)
    mapping = src.read_reform_mapping(m.reform_mapping)
    lists = CodeLists(before, src.read_code_changes(m.code_changes), day_before(m.reform_date))
    return [
        counts(atlas, lists),
        listed_codes(atlas, before, after, mapping),
        area_conservation(atlas),
        nesting(atlas),
        official_areas(atlas),
    ]
