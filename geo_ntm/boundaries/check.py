"""``geo-ntm boundaries check``: a built history against the official lists and itself.

The lists are read by :mod:`.reference`, which shares no code with the build, and areas are
measured again from the written geometry, so a check can fail when the build is wrong. Each
check returns a :class:`Check` with a verdict and the figures behind it, so that the command
can print a report and tests can assert on the figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
import shapely

from .atlas import Atlas
from .geometry import area_km2
from .reference import ReferenceLists, fold

#: Relative tolerance for area conservation: parts are shared exactly, so only the
#: floating-point error of dissolving remains.
AREA_TOLERANCE = 1e-4

#: The units of each former province after the reform, and the whole region, must total
#: within 0.5% of the official areas. Generalising the 2013 polygons moves each 2025 unit by
#: at most 2.7% (median 0.5%) against the source's own unthinned areas, and those errors cancel
#: over tens of units (0.08% for the region); what moves a total is territory missing or
#: counted twice (the Cấm Sơn area left out made ex-Bắc Giang 6.0% short).
TOTAL_TOLERANCE = 0.005

#: No unit may differ from its official area by more than a quarter. Below that, differences
#: have measured causes: generalisation (at most 2.7% per unit), borders drawn differently
#: since 2013 (neighbours off by opposite amounts, e.g. Bắc Lũng -8.8% and Cẩm Lý +7.3%) and
#: official areas still provisional (NQ 1658/NQ-UBTVQH15 Điều 3 orders the exact figures);
#: the largest is Phường Chũ at +20.6%, not explained (boundaries/README.md). A unit given or
#: denied a piece of territory is off far more (Xã Biên Sơn without Cấm Sơn: -81%).
UNIT_LIMIT = 0.25

#: And at least this share of the units within 5% (the national goal of issue 16).
WITHIN_5PCT = 0.9


@dataclass
class Check:
    name: str
    passed: bool
    summary: str
    details: dict = field(default_factory=dict)


def _olds(atlas: Atlas) -> set[str]:
    return set(atlas.info["provinces_before_reform"])


def counts(atlas: Atlas, ref: ReferenceLists) -> Check:
    """Commune codes and district counts per former province on every date the lists change."""
    rows, bad = [], []
    olds = _olds(atlas)
    days = sorted(
        {atlas.covered_from}
        | set(ref.change_days(olds, atlas.covered_from))
        | {d for d in atlas.change_dates() if d < atlas.reform_date}
    )
    for day in days:
        units = atlas.units_on(day, "commune")
        districts = atlas.units_on(day, "district")
        listed = ref.on(day)
        for p in sorted(olds):
            ours = set(units.loc[units["province_code"] == p, "code"])
            theirs = {c for c, a in listed.items() if a.province_code == p}
            row = {
                "date": day.isoformat(),
                "province": p,
                "communes": len(ours),
                "listed": len(theirs),
                "districts": int((districts["province_code"] == p).sum()),
                "listed_districts": len({listed[c].district_code for c in theirs}),
            }
            rows.append(row)
            if ours != theirs or row["districts"] != row["listed_districts"]:
                bad.append({**row, "missing": sorted(theirs - ours)[:10], "extra": sorted(ours - theirs)[:10]})
    after = set(atlas.units_on(atlas.reform_date, "commune")["code"])
    listed = {c for c, r in ref.july.items() if r["province_code"] == atlas.province}
    rows.append({"date": atlas.reform_date.isoformat(), "province": atlas.province, "communes": len(after)})
    rows[-1]["listed"] = len(listed)
    if after != listed:
        bad.append({**rows[-1], "missing": sorted(listed - after)[:10], "extra": sorted(after - listed)[:10]})
    first, last = rows[0], rows[-1]
    text = (
        f"{len(days) + 1} dates; e.g. {first['date']} {first['province']}: {first['communes']} of {first['listed']}, "
        f"{last['date']} {last['province']}: {last['communes']} of {last['listed']}"
    )
    if bad:
        text = f"{len(bad)} mismatches, first {bad[0]}"
    return Check(
        "counts and codes on every date equal the official lists", not bad, text, {"rows": rows, "mismatches": bad}
    )


def listed_codes(atlas: Atlas, ref: ReferenceLists) -> Check:
    """Names of the June and July 2025 lists, and the reform mapping's composition of each new unit."""
    olds = _olds(atlas)
    last = atlas.reform_date - timedelta(days=1)
    problems = []
    ours = atlas.units_on(last).set_index("code")["name"]
    for code, a in ref.june.items():
        if a.province_code in olds:
            problems += _compare(ours, code, a.name, last, "June 2025 list")
    new = atlas.units_on(atlas.reform_date).set_index("code")["name"]
    for code, r in ref.july.items():
        if r["province_code"] == atlas.province:
            problems += _compare(new, code, r["name"], atlas.reform_date, "July 2025 list")
    mapped = defaultdict(set)
    for r in (r for r in ref.mapping if r["province"] == atlas.province):
        problems += _compare(new, r["new"], r["new_name"], atlas.reform_date, "reform mapping (new)")
        problems += _compare(ours, r["old"], r["old_name"], last, "reform mapping (old)")
        mapped[r["new"]].add(r["old"])
    for uid, code in atlas.units_on(atlas.reform_date)[["uid", "code"]].itertuples(index=False):
        came = {s.source.split("@")[0] for s in atlas.predecessors(uid)}
        if came != mapped[code] & set(ours.index):
            problems.append({"code": code, "source": "reform mapping", "problem": f"made of {sorted(came)}"})
    known = set(atlas.issues["code"])
    unexplained = [p for p in problems if p["code"] not in known]
    summary = (
        f"{len(problems)} differences, all recorded as build issues"
        if not unexplained
        else f"{len(unexplained)} differences not explained by a build issue, first {unexplained[0]}"
    )
    return Check(
        "listed codes exist with the listed names and the mapped composition",
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


def _non_admin(atlas: Atlas) -> set[str]:
    """Parts that were in no commune in the base vintage (none in files built before they were kept)."""
    if "is_admin_unit" not in atlas.parts.columns:
        return set()
    return set(atlas.parts.loc[~atlas.parts["is_admin_unit"].astype(bool), "part_id"])


def area_conservation(atlas: Atlas) -> Check:
    """Through each day's connected events, area before (plus land in no commune taken in) equals after."""
    area = atlas.units["area_km2"]
    part_area = atlas.parts["area_km2"]
    loose = _non_admin(atlas)
    parts = atlas.parts_of
    worst, skipped, checked, bad = 0.0, [], 0, []
    for (day, level), events in atlas.events.groupby(["date", "level"]):
        for group in _linked(events):
            if not all(e.geometry_reconstructed for e in group):
                skipped += [e.event_id for e in group]
                continue
            preds = {u for e in group for u in e.predecessors.split(";") if u}
            succs = {u for e in group for u in e.successors.split(";") if u}
            if not preds or not succs:
                continue
            if not (preds | succs) <= set(area.index):
                bad.append(f"{day} {level}: events name versions not in the units layer")
                continue
            before = frozenset().union(*(parts.get(u, frozenset()) for u in preds))
            after = frozenset().union(*(parts.get(u, frozenset()) for u in succs))
            if not (after - before) <= loose or not (before - after) <= loose:
                bad.append(
                    f"{day} {level}: {sorted(succs)} hold land that was in no unit of the level, not in no commune"
                )
                continue
            taken = part_area.reindex(list(after - before)).sum() - part_area.reindex(list(before - after)).sum()
            a, b = area[list(preds)].sum() + taken, area[list(succs)].sum()
            worst = max(worst, abs(a - b) / a)
            checked += 1
    ok = worst <= AREA_TOLERANCE and not bad
    return Check(
        "area is conserved through every event",
        ok,
        f"{checked} groups of events checked, worst relative difference {worst:.2e} (tolerance {AREA_TOLERANCE:g}); "
        f"{len(skipped)} not checked (outline not reconstructable)" + (f"; {bad[0]}" if bad else ""),
        {"checked": checked, "worst": worst, "skipped": skipped, "problems": bad},
    )


def _linked(events) -> list[list]:
    """Events of one day and level grouped when they share a version (a split and a transfer into one unit)."""
    groups: list[tuple[set, list]] = []
    for e in events.itertuples():
        uids = {u for u in (e.predecessors + ";" + e.successors).split(";") if u}
        touching = [g for g in groups if g[0] & uids]
        merged = (uids.union(*(g[0] for g in touching)), [x for g in touching for x in g[1]] + [e])
        groups = [g for g in groups if g not in touching] + [merged]
    return [g[1] for g in groups]


def nesting(atlas: Atlas) -> Check:
    """On every date, units form a coverage, communes lie in one district, and the levels fill the province."""
    problems, outside = [], {}
    parts = atlas.parts_of
    loose = _non_admin(atlas)
    for day in [atlas.covered_from, *atlas.change_dates()]:
        communes = atlas.units_on(day, "commune")
        if not shapely.coverage_is_valid(communes.geometry.values):
            problems.append(f"{day}: communes overlap")
        whole = frozenset().union(*(parts[u] for u in atlas.units_on(day, "province")["uid"]))
        held = frozenset().union(*(parts[u] for u in communes["uid"]))
        if not held <= whole or not (whole - held) <= loose:
            problems.append(f"{day}: communes do not fill the province (beyond land in no commune)")
        outside[day.isoformat()] = round(float(atlas.parts["area_km2"].reindex(list(whole - held)).sum()), 2)
        if day >= atlas.reform_date:
            continue
        districts = atlas.units_on(day, "district").set_index("code")
        if frozenset().union(*(parts[u] for u in districts["uid"])) != whole:
            problems.append(f"{day}: districts do not fill the province")
        for c in communes.itertuples():
            d = districts.loc[c.parent_code] if c.parent_code in districts.index else None
            if d is None or not parts[c.uid] <= parts[d["uid"]]:
                problems.append(f"{day}: {c.code} {c.name} is not inside district {c.parent_code}")
    spans = sorted(set(outside.values()))
    return Check(
        "layers nest exactly on every date",
        not problems,
        ("all dates nest" if not problems else f"{len(problems)} problems, first: {problems[0]}")
        + f"; land in no commune: {' / '.join(f'{a} km²' for a in spans)} depending on the date",
        {"problems": problems[:20], "km2_in_no_commune": outside},
    )


def official_areas(atlas: Atlas, ref: ReferenceLists) -> Check:
    """Areas measured from the written outlines since the reform against the official area_km2."""
    new = atlas.units_on(atlas.reform_date).copy()
    new["measured"] = area_km2(new.geometry.values)
    official = {c: r["area_km2"] for c, r in ref.july.items() if r["province_code"] == atlas.province}
    new["official"] = [float(official[c]) if official.get(c) else np.nan for c in new["code"]]
    new = new[new["official"].notna()]
    diff = (new["measured"] - new["official"]) / new["official"]
    origin = _former_province(atlas, ref)
    totals = []
    groups = [(f"former province {p}", new["code"].map(origin) == p) for p in sorted(set(origin.values()))]
    for label, mask in [*groups, (f"province {atlas.province}", new["code"].notna())]:
        ours, theirs = float(new.loc[mask, "measured"].sum()), float(new.loc[mask, "official"].sum())
        totals.append(
            {
                "units": label,
                "km2": round(ours, 1),
                "official_km2": round(theirs, 1),
                "diff_pct": round((ours - theirs) / theirs * 100, 2),
            }
        )
    last = atlas.reform_date - timedelta(days=1)
    for r in atlas.units_on(last, "province").itertuples():
        theirs = float(new.loc[new["code"].map(origin) == r.code, "official"].sum())
        ours = float(area_km2([r.geometry])[0])
        totals.append(
            {
                "units": f"{r.name} on {last}",
                "km2": round(ours, 1),
                "official_km2": round(theirs, 1),
                "diff_pct": round((ours - theirs) / theirs * 100, 2),
            }
        )
    over = [
        {
            "code": r.code,
            "name": r.name,
            "km2": round(r.measured, 2),
            "official_km2": r.official,
            "diff_pct": round(d * 100, 1),
        }
        for r, d in sorted(zip(new.itertuples(), diff), key=lambda t: -abs(t[1]))
    ]
    stats = {
        "units": int(len(new)),
        "median_abs_pct": round(float(np.median(diff.abs()) * 100), 2),
        "p90_abs_pct": round(float(np.percentile(diff.abs(), 90) * 100), 2),
        "max_abs_pct": round(float(diff.abs().max() * 100), 2),
        "within_5pct": int((diff.abs() <= 0.05).sum()),
        "totals": totals,
        "worst": over[:10],
        "limits": {"total_pct": TOTAL_TOLERANCE * 100, "unit_pct": UNIT_LIMIT * 100, "within_5pct": WITHIN_5PCT},
    }
    failures = [f"{t['units']} {t['diff_pct']:+}%" for t in totals if abs(t["diff_pct"]) > TOTAL_TOLERANCE * 100]
    failures += [f"{w['name']} {w['diff_pct']:+}%" for w in over if abs(w["diff_pct"]) > UNIT_LIMIT * 100]
    if stats["within_5pct"] < WITHIN_5PCT * stats["units"]:
        failures.append(f"only {stats['within_5pct']} of {stats['units']} units within 5%")
    summary = (
        f"{stats['units']} units: median |diff| {stats['median_abs_pct']}%, p90 {stats['p90_abs_pct']}%, "
        f"worst {over[0]['name']} {over[0]['diff_pct']:+}%; {stats['within_5pct']} within 5%; totals "
        + ", ".join(f"{t['units']} {t['km2']:,} vs {t['official_km2']:,} km² ({t['diff_pct']:+}%)" for t in totals)
        + (f". FAILS: {'; '.join(failures)}" if failures else "")
        + f" [limits: totals ±{TOTAL_TOLERANCE:.1%}, each unit ±{UNIT_LIMIT:.0%}, {WITHIN_5PCT:.0%} within 5%]"
    )
    stats["failures"] = failures
    return Check("areas against the official area_km2", not failures, summary, stats)


def _former_province(atlas: Atlas, ref: ReferenceLists) -> dict[str, str]:
    """New code → the former province its units came from ("mixed" when several)."""
    olds = defaultdict(set)
    for r in ref.mapping:
        if r["province"] == atlas.province and r["old"] in ref.june:
            olds[r["new"]].add(ref.june[r["old"]].province_code)
    return {c: p.pop() if len(p) == 1 else "mixed" for c, p in olds.items()}


def run_checks(region: str | Path, sources_dir: str | Path) -> list[Check]:
    """Every check, on the region file ``region`` against the sources in ``sources_dir``."""
    atlas = Atlas.load(region)
    ref = ReferenceLists(sources_dir)
    return [
        counts(atlas, ref),
        listed_codes(atlas, ref),
        area_conservation(atlas),
        nesting(atlas),
        official_areas(atlas, ref),
    ]
