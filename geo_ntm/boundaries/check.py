"""``geo-ntm boundaries check``: a built history against the official lists and itself.

The lists are read by :mod:`.reference`, which shares no code with the build, and areas are
measured again from the written geometry, so a check can fail when the build is wrong. Each
check returns a :class:`Check` with a verdict and the figures behind it, so that the command
can print a report and tests can assert on the figures. The same checks run on one province
and on the whole country; :mod:`.check_areas` holds those on areas.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import shapely

from .atlas import Atlas
from .geometry import area_km2
from .reference import ReferenceLists, fold

#: Relative tolerance for area conservation: parts are shared exactly, so only the
#: floating-point error of dissolving remains.
AREA_TOLERANCE = 1e-4


@dataclass
class Check:
    name: str
    passed: bool
    summary: str
    details: dict = field(default_factory=dict)


def olds_of(atlas: Atlas) -> set[str]:
    return set(atlas.info["provinces_before_reform"])


def news_of(atlas: Atlas) -> set[str]:
    """Provinces of the region from the reform date (one, or the 34 of the country)."""
    return set(atlas.provinces)


def counts(atlas: Atlas, ref: ReferenceLists) -> Check:
    """Commune codes and district counts per former province on every date the lists change."""
    rows, bad = [], []
    olds = olds_of(atlas)
    days = sorted(
        {atlas.covered_from}
        | set(ref.change_days(olds, atlas.covered_from))
        | {d for d in atlas.change_dates() if d < atlas.reform_date}
    )
    for day in days:
        units = atlas.units_on(day, "commune")
        districts = atlas.units_on(day, "district")
        ours_by, listed_by = defaultdict(set), defaultdict(set)
        for code, p in zip(units["code"], units["province_code"]):
            ours_by[p].add(code)
        listed = ref.on(day)
        for code, a in listed.items():
            if a.province_code in olds:
                listed_by[a.province_code].add(code)
        district_count = districts["province_code"].value_counts()
        for p in sorted(olds):
            ours, theirs = ours_by[p], listed_by[p]
            row = {
                "date": day.isoformat(),
                "province": p,
                "communes": len(ours),
                "listed": len(theirs),
                "districts": int(district_count.get(p, 0)),
                "listed_districts": len({listed[c].district_code for c in theirs}),
            }
            rows.append(row)
            if ours != theirs or row["districts"] != row["listed_districts"]:
                bad.append({**row, "missing": sorted(theirs - ours)[:10], "extra": sorted(ours - theirs)[:10]})
    after = atlas.units_on(atlas.reform_date, "commune")
    for p in sorted(news_of(atlas)):
        ours = set(after.loc[after["province_code"] == p, "code"])
        listed = {c for c, r in ref.july.items() if r["province_code"] == p}
        rows.append(
            {"date": atlas.reform_date.isoformat(), "province": p, "communes": len(ours), "listed": len(listed)}
        )
        if ours != listed:
            bad.append({**rows[-1], "missing": sorted(listed - ours)[:10], "extra": sorted(ours - listed)[:10]})
    first, last = rows[0], rows[-1]
    text = (
        f"{len(days) + 1} dates × {len(olds)} former province(s); e.g. {first['date']} {first['province']}: "
        f"{first['communes']} of {first['listed']}, {last['date']} {last['province']}: "
        f"{last['communes']} of {last['listed']}; all {len(rows)} rows equal the lists"
    )
    if bad:
        text = f"{len(bad)} of {len(rows)} rows differ, first {bad[0]}"
    return Check(
        "counts and codes on every date equal the official lists", not bad, text, {"rows": rows, "mismatches": bad}
    )


def listed_codes(atlas: Atlas, ref: ReferenceLists) -> Check:
    """Names of the June and July 2025 lists, and the reform mapping's composition of each new unit."""
    olds, news = olds_of(atlas), news_of(atlas)
    last = atlas.reform_date - timedelta(days=1)
    problems = []
    ours = atlas.units_on(last).set_index("code")["name"]
    for code, a in ref.june.items():
        if a.province_code in olds:
            problems += _compare(ours, code, a.name, last, "June 2025 list")
    reformed = atlas.units_on(atlas.reform_date)
    new = reformed.set_index("code")["name"]
    for code, r in ref.july.items():
        if r["province_code"] in news:
            problems += _compare(new, code, r["name"], atlas.reform_date, "July 2025 list")
    mapped = defaultdict(set)
    for r in (r for r in ref.mapping if r["province"] in news and r["level"] == "commune"):
        problems += _compare(new, r["new"], r["new_name"], atlas.reform_date, "reform mapping (new)")
        problems += _compare(ours, r["old"], r["old_name"], last, "reform mapping (old)")
        mapped[r["new"]].add(r["old"])
    came = defaultdict(set)
    links = atlas.links[atlas.links["successor"].isin(set(reformed["uid"]))]
    for pred, succ in zip(links["predecessor"], links["successor"]):
        if pred:
            came[succ].add(pred.split("@")[0])
    for uid, code in reformed[["uid", "code"]].itertuples(index=False):
        if came[uid] != mapped[code] & set(ours.index):
            problems.append({"code": code, "source": "reform mapping", "problem": f"made of {sorted(came[uid])}"})
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
    if _spelling(ours[code]) != _spelling(name):
        return [{"code": code, "source": source, "problem": f"named {ours[code]!r}, listed as {name!r}"}]
    return []


def _spelling(name: str) -> str:
    """Names compared without diacritics, spaces or punctuation ("Xã EaBar" = "Xã Ea Bar")."""
    return "".join(ch for ch in fold(name) if ch.isalnum())


def non_admin(atlas: Atlas) -> set[str]:
    """Parts that are in no commune on some date (land of no unit in the base layer)."""
    if "is_admin_unit" not in atlas.parts.columns:
        return set()
    return set(atlas.parts.loc[~atlas.parts["is_admin_unit"].astype(bool), "part_id"])


def area_conservation(atlas: Atlas) -> Check:
    """Through each day's connected events, area before (plus land in no commune taken in) equals after.

    Areas are measured again from the written outlines, not read from the ``area_km2`` column.
    """
    measured = dict(zip(atlas.units["uid"], area_km2(atlas.units.geometry.values)))
    part_area = dict(zip(atlas.parts["part_id"], atlas.parts["area_km2"]))
    loose = non_admin(atlas) | _orphaned(atlas)
    parts = atlas.parts_of
    worst, skipped, checked, bad, estimated = 0.0, [], 0, [], 0
    for (day, level), events in atlas.events.groupby(["date", "level"]):
        for group in _linked(events):
            if not all(e.geometry_reconstructed for e in group):
                skipped += [e.event_id for e in group]
                continue
            preds = {u for e in group for u in e.predecessors.split(";") if u}
            succs = {u for e in group for u in e.successors.split(";") if u}
            if not preds or not succs:
                continue
            if not (preds | succs) <= measured.keys():
                bad.append(f"{day} {level}: events name versions not in the units layer")
                continue
            before = frozenset().union(*(parts.get(u, frozenset()) for u in preds))
            after = frozenset().union(*(parts.get(u, frozenset()) for u in succs))
            if not (after - before) <= loose or not (before - after) <= loose:
                bad.append(f"{day} {level}: {sorted(succs)[:5]} hold land that was in no unit of the level")
                continue
            taken = sum(part_area.get(p, 0.0) for p in after - before) - sum(
                part_area.get(p, 0.0) for p in before - after
            )
            a, b = sum(measured[u] for u in preds) + taken, sum(measured[u] for u in succs)
            if a:
                worst = max(worst, abs(a - b) / a)
            checked += 1
            estimated += any(isinstance(e.approximate, str) and bool(e.approximate) for e in group)
    ok = worst <= AREA_TOLERANCE and not bad
    return Check(
        "area is conserved through every event",
        ok,
        f"{checked} groups of events checked ({estimated} with outlines drawn by estimate), worst relative "
        f"difference {worst:.2e} (tolerance {AREA_TOLERANCE:g}); {len(skipped)} not checked (outline not "
        "reconstructable)" + (f"; {bad[0]}" if bad else ""),
        {"checked": checked, "estimated": estimated, "worst": worst, "skipped": skipped, "problems": bad},
    )


def _orphaned(atlas: Atlas) -> set[str]:
    """Parts of units whose absorbing unit is unresolved: in no commune from their removal on."""
    ended = atlas.events[(atlas.events["kind"] == "abolition") & (atlas.events["level"] == "commune")]
    uids = {u for p in ended["predecessors"] for u in p.split(";") if u}
    return set().union(*(atlas.parts_of.get(u, frozenset()) for u in uids)) if uids else set()


def _linked(events) -> list[list]:
    """Events of one day and level grouped when they share a version (a split and a transfer into one unit)."""
    rows = list(events.itertuples())
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, e in enumerate(rows):
        for u in (e.predecessors + ";" + e.successors).split(";"):
            if not u:
                continue
            if u in owner:
                parent[find(i)] = find(owner[u])
            else:
                owner[u] = i
    groups: dict[int, list] = defaultdict(list)
    for i, e in enumerate(rows):
        groups[find(i)].append(e)
    return list(groups.values())


def nesting(atlas: Atlas) -> Check:
    """On every date, units are disjoint unions of parts, lie in one district and fill the province.

    Disjointness and nesting are checked on every date from the parts each version is made of;
    that the written outlines form a clean coverage is checked geometrically on the first day,
    the last day before the reform and the reform day (every other day's communes are unions of
    the same parts).
    """
    problems, outside = [], {}
    parts = atlas.parts_of
    loose = non_admin(atlas) | _orphaned(atlas)
    part_area = dict(zip(atlas.parts["part_id"], atlas.parts["area_km2"]))
    last = atlas.reform_date - timedelta(days=1)
    for day in [atlas.covered_from, *atlas.change_dates()]:
        communes = atlas.units_on(day, "commune")
        if day in (atlas.covered_from, last, atlas.reform_date) and not shapely.coverage_is_valid(
            communes.geometry.dropna().values
        ):
            problems.append(f"{day}: the outlines of the communes overlap or do not share their edges")
        held: set[str] = set()
        for uid in communes["uid"]:
            mine = parts.get(uid, frozenset())
            if held & mine:
                problems.append(f"{day}: {uid} shares land with another commune")
            held |= mine
        whole = frozenset().union(*(parts.get(u, frozenset()) for u in atlas.units_on(day, "province")["uid"]))
        if not held <= whole or not (whole - held) <= loose:
            problems.append(f"{day}: communes do not fill the provinces (beyond land in no commune)")
        outside[day.isoformat()] = round(sum(part_area.get(p, 0.0) for p in whole - held), 2)
        if day >= atlas.reform_date:
            continue
        districts = atlas.units_on(day, "district")
        district_parts = {c: parts.get(u, frozenset()) for c, u in zip(districts["code"], districts["uid"])}
        in_districts = frozenset().union(*district_parts.values())
        if not in_districts <= whole or not (whole - in_districts) <= loose:
            problems.append(f"{day}: districts do not fill the provinces (beyond land in no district)")
        for uid, code, name, parent in communes[["uid", "code", "name", "parent_code"]].itertuples(index=False):
            if parent not in district_parts or not parts.get(uid, frozenset()) <= district_parts[parent]:
                problems.append(f"{day}: {code} {name} is not inside district {parent}")
    spans = sorted(set(outside.values()))
    shown = spans if len(spans) <= 6 else [spans[0], "…", spans[-1]]
    return Check(
        "layers nest exactly on every date",
        not problems,
        ("all dates nest" if not problems else f"{len(problems)} problems, first: {problems[0]}")
        + f"; land in no commune: {' / '.join(f'{a} km²' if a != '…' else a for a in shown)} depending on the date",
        {"problems": problems[:20], "km2_in_no_commune": outside},
    )


def approximate(atlas: Atlas) -> Check:
    """How many units, and how much area, are drawn by estimate or have no outline, on key dates.

    Fails when such a unit does not say why (its ``note``): nothing is estimated silently.
    """
    if "quality" not in atlas.units.columns:
        return Check("approximate outlines are counted and explained", True, "built before outlines were graded")
    last = atlas.reform_date - timedelta(days=1)
    rows = []
    for day in sorted({atlas.covered_from, last, atlas.reform_date, max(date.today(), atlas.reform_date)}):
        for level in ("commune", "district", "province"):
            units = atlas.units_on(day, level)
            if units.empty:
                continue
            row = {
                "date": day.isoformat(),
                "level": level,
                "units": len(units),
                "km2": round(units["area_km2"].sum(), 1),
            }
            for quality in ("approximate", "unknown"):
                these = units[units["quality"] == quality]
                row[quality] = len(these)
                row[f"{quality}_km2"] = round(float(these["area_km2"].sum()), 1)
            rows.append(row)
    graded = atlas.units[atlas.units["quality"] != "exact"]
    silent = sorted(graded.loc[graded["note"].fillna("").str.strip() == "", "uid"])
    communes = [r for r in rows if r["level"] == "commune"]
    summary = "; ".join(
        f"{r['date']}: {r['approximate']} of {r['units']} communes approximate ({r['approximate_km2']:,} km²), "
        f"{r['unknown']} without outline"
        for r in communes
    )
    if silent:
        summary += f"; {len(silent)} without a reason, first {silent[0]}"
    return Check(
        "approximate outlines are counted and explained", not silent, summary, {"rows": rows, "silent": silent[:20]}
    )


def run_checks(region: str | Path, sources_dir: str | Path) -> list[Check]:
    """Every check, on the region file ``region`` against the sources in ``sources_dir``."""
    from .check_areas import official_areas

    atlas = Atlas.load(region)
    ref = ReferenceLists(sources_dir)
    return [
        counts(atlas, ref),
        listed_codes(atlas, ref),
        area_conservation(atlas),
        nesting(atlas),
        approximate(atlas),
        official_areas(atlas, ref),
    ]
