"""Areas of a built history against two references: the base layer itself and the official figures.

- **Totals against the base layer.** The 2013 layer carries each polygon's own area before it
  was thinned (:meth:`.reference.ReferenceLists.source_areas`). Every province (the former
  provinces' outlines on the day before the reform; the new ones' communes on the reform day,
  plus their land in no commune, which the issues explain) must hold the area of its polygons
  within :data:`TOTAL_TOLERANCE`: a larger difference is land lost or counted twice by the
  build (the Cấm Sơn training area left out made ex-Bắc Giang 6.0% short).
- **Units against the official ``area_km2``** of the July 2025 list: the distribution (median,
  90th percentile, share within 5%), the worst units with the reason found in the data, and
  the same totals against the official figures. A unit off by more than :data:`UNIT_LIMIT`
  fails unless a reason is found; the share within 5% is counted over the units whose figure
  is not doubtful (a figure of 0, or a province whose figures disagree with the base layer
  by more than :data:`DOUBTFUL_TOTAL`, or a figure another unit of the same name shares).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import numpy as np
import shapely

from .atlas import Atlas
from .check import Check, news_of, olds_of
from .geometry import area_km2
from .reference import ReferenceLists

#: Province outlines must hold their polygons' own area within 0.5%. Generalising and cleaning
#: the polygons changes a province's total by at most 0.39% (Quảng Ninh, whose islands were
#: thinned most; median 0.03%) against the layer's own unthinned areas.
TOTAL_TOLERANCE = 0.005

#: No unit may differ from its official area by more than a quarter without a reason found in
#: the data. Below that, differences have measured causes: generalisation (at most 2.7% per
#: Bắc Ninh unit against the unthinned areas), borders drawn differently since 2013
#: (neighbours off by opposite amounts, e.g. Bắc Lũng -8.8% and Cẩm Lý +7.3%) and official
#: areas still provisional (NQ 1658/NQ-UBTVQH15 Điều 3 orders the exact figures).
UNIT_LIMIT = 0.25

#: And at least this share of the units whose figure is not doubtful within 5% (issue 16).
WITHIN_5PCT = 0.9

#: A province's official figures are doubtful as a set when their total differs from the land
#: of its polygons by more than this (cleaning moves a total by 0.4% at most).
DOUBTFUL_TOTAL = 0.05


def official_areas(atlas: Atlas, ref: ReferenceLists) -> Check:
    """Province totals against the base layer; units since the reform against the official area_km2."""
    new = atlas.units_on(atlas.reform_date).copy()
    new["measured"] = area_km2(new.geometry.values)
    official = {c: r["area_km2"] for c, r in ref.july.items() if r["province_code"] in news_of(atlas)}
    new["official"] = [float(official[c]) if official.get(c) not in (None, "") else np.nan for c in new["code"]]
    source = ref.source_areas()
    totals = _totals(atlas, ref, new, source)
    doubtful = {t["province"] for t in totals if t["kind"] == "province" and t.get("official_vs_source_pct") is not None
                and abs(t["official_vs_source_pct"]) > DOUBTFUL_TOTAL * 100}  # fmt: skip
    rated = new[new["official"].notna()].copy()
    rated["diff"] = (rated["measured"] - rated["official"]) / rated["official"].where(rated["official"] > 0)
    repeated = _repeated(ref)
    rated["doubtful"] = rated["province_code"].isin(doubtful) | (rated["official"] <= 0) | rated["code"].isin(repeated)
    reasons = _reasons(atlas, rated, doubtful, totals, repeated)
    order = rated.assign(key=rated["diff"].abs().fillna(np.inf)).sort_values("key", ascending=False)
    worst = [_row(r, reasons) for r in order.itertuples()]
    trusted = rated[~rated["doubtful"]]
    within = int((trusted["diff"].abs() <= 0.05).sum())
    stats = {
        "units": int(len(rated)),
        "median_abs_pct": round(float(np.nanmedian(rated["diff"].abs()) * 100), 2),
        "p90_abs_pct": round(float(np.nanpercentile(rated["diff"].abs(), 90) * 100), 2),
        "within_5pct_all": int((rated["diff"].abs() <= 0.05).sum()),
        "trusted_units": int(len(trusted)),
        "within_5pct": within,
        "by_quality": {
            q: {"units": int(len(g)), "within_5pct": int((g["diff"].abs() <= 0.05).sum())}
            for q, g in rated.groupby("quality" if "quality" in rated else "level")
        },
        # The same over the trusted figures: what the outlines drawn exactly from whole polygons reach on their own.
        "trusted_by_quality": {
            q: {"units": int(len(g)), "within_5pct": int((g["diff"].abs() <= 0.05).sum())}
            for q, g in trusted.groupby("quality" if "quality" in trusted else "level")
        },
        "reasons_off": _tally(reasons, trusted),
        "doubtful_provinces": sorted(doubtful),
        "totals": totals,
        "worst": worst[:10],
        "limits": {
            "total_pct": TOTAL_TOLERANCE * 100,
            "unit_pct": UNIT_LIMIT * 100,
            "within_5pct": WITHIN_5PCT,
            "doubtful_total_pct": DOUBTFUL_TOTAL * 100,
        },
    }
    failures = [
        f"{t['units']} {t['vs_source_pct']:+}% against its polygons"
        for t in totals
        if t.get("vs_source_pct") is not None and abs(t["vs_source_pct"]) > TOTAL_TOLERANCE * 100
    ]
    failures += [
        f"{w['name']} {w['diff_pct']:+}%"
        for w in worst
        if w["diff_pct"] is not None and abs(w["diff_pct"]) > UNIT_LIMIT * 100 and w["reason"] == UNEXPLAINED
    ]
    if within < WITHIN_5PCT * len(trusted):
        failures.append(f"only {within} of {len(trusted)} units with a trusted figure within 5%")
    stats["failures"] = failures
    top = next((w for w in worst if w["diff_pct"] is not None), {"name": "-", "diff_pct": 0.0})
    summary = (
        f"{stats['units']} units: median |diff| {stats['median_abs_pct']}%, p90 {stats['p90_abs_pct']}%, "
        f"worst {top['name']} {top['diff_pct']:+}%; {within} of {len(trusted)} with a trusted figure within 5% "
        f"({stats['within_5pct_all']} of {stats['units']} in all; "
        + ", ".join(f"{q} {v['within_5pct']} of {v['units']}" for q, v in stats["trusted_by_quality"].items())
        + "); "
        + (f"official figures doubtful in {sorted(doubtful)}; " if doubtful else "")
        + "; ".join(_total_text(t) for t in totals if t["kind"] != "former province" or len(totals) < 12)
        + (f". FAILS: {'; '.join(failures[:10])}" if failures else "")
        + f" [limits: totals ±{TOTAL_TOLERANCE:.1%} of the base layer, each unit ±{UNIT_LIMIT:.0%} unless explained,"
        f" {WITHIN_5PCT:.0%} within 5%]"
    )
    return Check("areas against the official area_km2", not failures, summary, stats)


UNEXPLAINED = "not explained by the data"


def _totals(atlas: Atlas, ref: ReferenceLists, new, source: dict[str, float]) -> list[dict]:
    """Province outlines against the base layer's own areas and the official figures."""
    origin = _former_province(atlas, ref)
    out = []
    last = atlas.reform_date - timedelta(days=1)
    mixed = set(new.loc[new["code"].map(origin) == "mixed", "province_code"])
    into = {r["old"]: r["province"] for r in ref.mapping if r["level"] == "province"}
    for r in atlas.units_on(last, "province").itertuples():
        mask = new["code"].map(origin) == r.code
        official = new.loc[mask, "official"] if into.get(r.code) not in mixed else new["official"].iloc[:0]
        out.append(_total("former province", r.code, f"former province {r.code}", r.geometry, source.get(r.code),
                          official))  # fmt: skip
    olds_into = defaultdict(set)
    for r in ref.mapping:
        if r["level"] == "province" and r["old"] in olds_of(atlas):
            olds_into[r["province"]].add(r["old"])
    for r in atlas.units_on(atlas.reform_date, "province").itertuples():
        olds = olds_into[r.code]
        land = sum(source[p] for p in olds if p in source) if olds and all(p in source for p in olds) else None
        mask = new["province_code"] == r.code
        communes = shapely.union_all(new.loc[mask].geometry.dropna().values)
        held = frozenset().union(*(atlas.parts_of.get(u, frozenset()) for u in new.loc[mask, "uid"]))
        loose = float(atlas.parts["area_km2"].reindex(list(atlas.parts_of.get(r.uid, frozenset()) - held)).sum())
        row = _total("province", r.code, f"province {r.code} (its communes)", communes, land, new.loc[mask, "official"])
        if loose:  # land in no commune (unresolved events, recorded as issues) is land all the same
            row["in_no_commune_km2"] = round(loose, 1)
            if land:
                row["vs_source_pct"] = round((row["km2"] + loose - land) / land * 100, 2)
        out.append(row)
    return out


def _total(kind, code, label, geometry, source_km2, official) -> dict:
    ours = float(area_km2([geometry])[0])
    stated = float(official.sum()) if official.notna().any() else None
    row = {"kind": kind, "province": code, "units": label, "km2": round(ours, 1)}
    if source_km2:
        row["source_km2"] = round(source_km2, 1)
        row["vs_source_pct"] = round((ours - source_km2) / source_km2 * 100, 2)
    if stated:
        row["official_km2"] = round(stated, 1)
        row["diff_pct"] = round((ours - stated) / stated * 100, 2)
        if source_km2:
            row["official_vs_source_pct"] = round((stated - source_km2) / source_km2 * 100, 2)
    return row


def _total_text(t: dict) -> str:
    text = f"{t['units']} {t['km2']:,} km²"
    if t.get("in_no_commune_km2"):
        text += f" + {t['in_no_commune_km2']:,} km² in no commune"
    if "source_km2" in t:
        text += f" ({t['vs_source_pct']:+}% vs its polygons"
        text += f", {t['diff_pct']:+}% vs official)" if "diff_pct" in t else ")"
    elif "diff_pct" in t:
        text += f" ({t['diff_pct']:+}% vs official {t['official_km2']:,})"
    return text


def _former_province(atlas: Atlas, ref: ReferenceLists) -> dict[str, str]:
    """New code → the former province its units came from ("mixed" when several)."""
    olds = defaultdict(set)
    for r in ref.mapping:
        if r["level"] == "commune" and r["province"] in news_of(atlas) and r["old"] in ref.june:
            olds[r["new"]].add(ref.june[r["old"]].province_code)
    return {c: p.pop() if len(p) == 1 else "mixed" for c, p in olds.items()}


def _repeated(ref: ReferenceLists) -> dict[str, list[str]]:
    """Units whose official figure another unit of the same name also has (the table copies by name).

    VAU's ``area_km2`` gives Xã Kim Sơn 29.4 km² in Ninh Bình, Gia Lai and Đồng Tháp alike: a
    figure shared by units of one name in different places is doubtful for each of them.
    """
    by: dict[tuple, list] = defaultdict(list)
    for code, r in ref.july.items():
        if r.get("area_km2"):
            by[(r.get("short_name") or r["name"], r["area_km2"])].append(code)
    return {c: [o for o in codes if o != c] for codes in by.values() if len(codes) > 1 for c in codes}


def _reasons(atlas: Atlas, rated, doubtful: set[str], totals: list[dict], repeated) -> dict[str, str]:
    """Why each unit off by more than 5% is off, as far as the data say."""
    off = rated[rated["diff"].abs().fillna(np.inf) > 0.05]
    km2 = dict(zip(rated["code"], rated["measured"] - rated["official"]))
    names = dict(zip(rated["code"], rated["name"]))
    geoms = np.array(list(rated.geometry.values), dtype=object)
    tree = shapely.STRtree(geoms)
    codes = list(rated["code"])
    by_province = {t["province"]: t for t in totals if t["kind"] == "province"}
    out = {}
    for r in off.itertuples():
        if r.official <= 0:
            out[r.code] = f"the official figure is {r.official} km²"
        elif r.code in repeated:
            others = ", ".join(f"{names.get(o, o)} ({o})" for o in repeated[r.code][:3])
            out[r.code] = f"the official figure {r.official} km² is also that of {others}: copied between namesakes"
        elif r.province_code in doubtful:
            t = by_province.get(r.province_code, {})
            out[r.code] = (
                f"the official figures of province {r.province_code} total {t.get('official_km2')} km², "
                f"{t.get('official_vs_source_pct')}% from the land of its polygons: doubtful as a set"
            )
        elif getattr(r, "quality", "exact") == "approximate":
            out[r.code] = "outline drawn by estimate: " + (r.note or "")[:160]
        elif getattr(r, "quality", "exact") == "unknown":
            out[r.code] = "no outline: " + (r.note or "")[:160]
        else:
            out[r.code] = _neighbours(r, km2, names, codes, tree, geoms) or _lacking(atlas, r.uid) or UNEXPLAINED
    return out


def _neighbours(r, km2, names, codes, tree, geoms) -> str:
    """Border drawn differently: neighbours off by about the opposite amount of land."""
    mine = km2[r.code]
    near = [codes[i] for i in tree.query(r.geometry, predicate="intersects") if codes[i] != r.code]
    opposite = [c for c in near if km2.get(c, 0) * mine < 0]
    if opposite and abs(sum(km2[c] for c in opposite)) >= 0.5 * abs(mine):
        shown = ", ".join(f"{names[c]} {km2[c]:+.1f} km²" for c in sorted(opposite, key=lambda c: -abs(km2[c]))[:3])
        return f"border drawn differently since the base layer: {r.measured - r.official:+.1f} km² here, {shown}"
    return ""


def _lacking(atlas: Atlas, uid: str) -> str:
    """A predecessor, back through the history, with no outline of its own."""
    for step in atlas.lineage(uid):
        if step.direction == "back" and step.source in atlas.units.index:
            if atlas.units.loc[step.source].get("quality") == "unknown":
                return f"a predecessor ({atlas.units.loc[step.source, 'name']}) has no outline in the base layer"
    return ""


def _tally(reasons: dict[str, str], trusted) -> dict[str, int]:
    """How many trusted units off by more than 5% have each kind of reason (the text before its colon)."""
    kinds: dict[str, int] = defaultdict(int)
    for code in trusted.loc[trusted["diff"].abs().fillna(np.inf) > 0.05, "code"]:
        kinds[reasons.get(code, UNEXPLAINED).split(":")[0]] += 1
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))


def _row(r, reasons) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "km2": round(r.measured, 2),
        "official_km2": r.official,
        "diff_pct": None if np.isnan(r.diff) else round(r.diff * 100, 1),
        "quality": getattr(r, "quality", "exact"),
        "reason": reasons.get(r.code, "within 5%"),
    }
