"""The figures the province reports, computed from the records, with progress against plans.

"Communes" here are xã: wards and towns (phường, thị trấn) are outside the commune NTM
programme, as in the province's own counts ("154 of 182 communes"). Cumulative counts nest:
a model commune is also advanced and NTM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from geo_ntm.plain import plain
from geo_ntm.when import absence

from .derive import StatusBook
from .levels import RANK
from .model import METRICS, Decision, PlanTarget, ReportedFigure
from .snapshot import Records, latest_village_counts


def _rank(statuses: pd.Series) -> pd.Series:
    return statuses.map(lambda s: RANK.get(s, -1))


#: Statuses counted by each commune figure (cumulative: a model commune is also advanced and NTM;
#: the 2026-2030 pilot "modern NTM commune" is NTM, and counted apart from 2021-2025's levels).
COUNTED = {
    "communes_ntm": ("dat_chuan", "hoan_thanh", "nang_cao", "kieu_mau", "hien_dai"),
    "communes_nang_cao": ("nang_cao", "kieu_mau"),
    "communes_kieu_mau": ("kieu_mau",),
    "communes_hien_dai": ("hien_dai",),
}


def _count(statuses: pd.Series, figure: str) -> int:
    return int(statuses.isin(COUNTED[figure]).sum())


def summary(
    book: StatusBook, records: Records, *, year: int | None = None, day: date | None = None, province: str | None = None
) -> dict:
    """Figures for the end of ``year`` (by "năm" label) or for ``day`` (by signing date).

    ``province`` is a province code in force then (default: the region's province of that day).
    """
    if (year is None) == (day is None):
        raise ValueError("give year or day")
    as_of = date(year, 12, 31) if year is not None else book.atlas.check_date(day)
    communes = book.for_year(year) if year is not None else book.on(as_of)
    districts = book.for_year(year, "district") if year is not None else book.on(as_of, "district")
    provinces = book.atlas.units_on(as_of, "province")
    province = province or provinces["code"].iloc[0]
    communes, districts = _in_province(communes, province), _in_province(districts, province)
    xa = communes[communes["type"] == "Xã"]
    r = _rank(xa["status"])
    figures = {
        "communes_total": int(len(xa)),
        "communes_ntm": int((r >= 1).sum()),
        "communes_nang_cao": _count(xa["status"], "communes_nang_cao"),
        "communes_kieu_mau": _count(xa["status"], "communes_kieu_mau"),
        "communes_hien_dai": _count(xa["status"], "communes_hien_dai"),
        "communes_not_yet": int((xa["status"] == "chua_dat").sum()),
        "communes_awaiting_review": int((xa["status"] == "cho_ra_soat").sum()),
        "communes_no_data": int((xa["status"] == "khong_du_lieu").sum()),
        "wards_and_towns": int((communes["type"] != "Xã").sum()),
        "districts_total": int(len(districts)),
        "districts_achieved": int((_rank(districts["status"]) >= 1).sum()),
        "districts_nang_cao": int((_rank(districts["status"]) >= 2).sum()),
        "districts_no_data": int((districts["status"] == "khong_du_lieu").sum()),
    }
    figures["communes_ntm_share"] = round(figures["communes_ntm"] / figures["communes_total"], 4) if len(xa) else None
    frames = _Frames(book, year, province, {as_of: (communes, districts)})
    gone = absence(book.atlas, "district", as_of)
    if gone is not None:  # no districts then: their figures are unknown, not zero
        figures.update(districts_total=None, districts_achieved=None, districts_nang_cao=None, districts_no_data=None)
    if year is not None:
        figures.update(_new_in_year(book, year, set(communes["uid"]) | _earlier(book, communes)))
    sources = pd.concat([xa["source"], districts["source"]]).dropna()
    return {
        "as_of": as_of.isoformat(),
        "mode": "year" if year is not None else "date",
        "year": year,
        "province": province,
        "province_name": provinces.set_index("code").loc[province, "name"],
        "figures": figures,
        "by_district": _by_district(communes, districts),
        "targets": [
            _progress(t, book, records, as_of, frames)
            for t in records.plan_targets
            if t.province_code in (None, province) and (t.set_on is None or t.set_on <= as_of)
        ],
        "notes": [gone.as_dict()] if gone is not None else [],
        "reported": _reported(records.reported, province, year, figures),
        "sources": {
            "official": int((sources == "official").sum()),
            "illustrative": int((sources == "illustrative").sum()),
        },
        "illustrative": bool((sources == "illustrative").any()),
    }


def _earlier(book: StatusBook, communes: pd.DataFrame) -> set[str]:
    """Uids of the chains of the communes in force (a decision of the year may be on an older version)."""
    roots = {book.root[u] for u in communes["uid"]}
    return {u for u, root in book.root.items() if root in roots}


def _new_in_year(book: StatusBook, year: int, uids: set[str]) -> dict:
    counts = {"communes_ntm_new": 0, "communes_nang_cao_new": 0, "communes_kieu_mau_new": 0}
    key = {"dat_chuan": "communes_ntm_new", "nang_cao": "communes_nang_cao_new", "kieu_mau": "communes_kieu_mau_new"}
    roots = {book.root[u] for u in uids}
    for root in roots:
        for r in book.records.get(root, ()):
            if isinstance(r, Decision) and r.unit_level == "commune" and r.year_label == year and r.level in key:
                counts[key[r.level]] += 1
    return counts


def _by_district(communes: pd.DataFrame, districts: pd.DataFrame) -> list[dict]:
    rows = []
    for d in districts.sort_values("code").itertuples():
        xa = communes[(communes["parent_code"] == d.code) & (communes["type"] == "Xã")]
        r = _rank(xa["status"])
        rows.append(
            {
                "code": d.code,
                "name": d.name,
                "status": d.status,
                "decision_no": plain(d.decision_no),
                "year_label": None if plain(d.year_label) is None else int(d.year_label),
                "source": plain(d.source),
                "communes": int(len(xa)),
                "ntm": int((r >= 1).sum()),
                "nang_cao": _count(xa["status"], "communes_nang_cao"),
                "kieu_mau": _count(xa["status"], "communes_kieu_mau"),
                "not_yet": int((xa["status"] == "chua_dat").sum()),
                "awaiting_review": int((xa["status"] == "cho_ra_soat").sum()),
            }
        )
    return rows


def _in_districts(book: StatusBook, code: str, since: date, until: date, districts: tuple[str, ...]) -> bool:
    """Whether the listed commune was in one of ``districts`` at some time between the two dates.

    A commune keeps the target it was given when its district changes (the Lục Ngạn communes that
    formed Thị xã Chũ in 2025 stay under the Lục Ngạn target).
    """
    first = book.version_at("commune", code, since)
    if first is None:
        return False
    if not districts:
        return True
    root = book.root[first]
    for uid, r in book.root.items():
        if r != root:
            continue
        unit = book.atlas.units.loc[uid]
        if unit["valid_from"] <= until and unit["valid_to"] >= since and unit["parent_code"] in districts:
            return True
    return False


def dbkk_villages(book: StatusBook, records: Records, as_of: date, districts: tuple[str, ...] = ()) -> dict:
    """Villages of the especially difficult communes (list in force on ``as_of``) and how many are NTM.

    ``villages``/``ntm``/``share`` count the especially difficult villages themselves; ``all_*``
    count all villages of those communes, the target's denominator (the seed letter: "60% số thôn
    thuộc các xã đặc biệt khó khăn").
    """
    lists = [dl for dl in records.difficulty_lists if dl.kind == "commune" and dl.valid_from <= as_of]
    if not lists:
        return {"list": None, "communes": 0, "villages": None, "ntm": None, "share": None, "all_villages": None,
                "all_ntm": None, "all_share": None, "as_of_counts": None}  # fmt: skip
    dl = max(lists, key=lambda d: d.valid_from)
    codes = [e.unit_code for e in dl.entries if _in_districts(book, e.unit_code, dl.valid_from, as_of, districts)]
    latest = latest_village_counts(records, as_of, codes)
    total = sum(v.dbkk_total or 0 for v in latest.values())
    ntm = sum(v.dbkk_ntm or 0 for v in latest.values())
    # All villages of those communes, listed as especially difficult or not: the denominator of
    # "60% số thôn thuộc các xã ĐBKK" as the letters word it.
    all_total = sum(v.total for v in latest.values())
    all_ntm = sum(v.ntm for v in latest.values())
    sources = {e.source for e in dl.entries if e.unit_code in codes} | {v.source for v in latest.values()}
    return {
        "list": dl.id,
        "communes": len(codes),
        "communes_with_counts": len(latest),
        "villages": total if latest else None,
        "ntm": ntm if latest else None,
        "share": round(ntm / total, 4) if total else None,
        "all_villages": all_total,
        "all_ntm": all_ntm,
        "all_share": round(all_ntm / all_total, 4) if all_total else None,
        "sources": sorted(sources),
        "as_of_counts": max((v.as_of for v in latest.values()), default=None),
    }


def _in_province(frame: pd.DataFrame, province: str) -> pd.DataFrame:
    return frame[frame["province_code"] == province]


@dataclass
class _Frames:
    """Communes and districts of the province on a day, each computed once per summary."""

    book: StatusBook
    year: int | None
    province: str
    done: dict

    def __call__(self, on: date) -> tuple[pd.DataFrame, pd.DataFrame]:
        if on not in self.done:
            by_label = self.year is not None and on == date(on.year, 12, 31)
            communes = self.book.for_year(on.year) if by_label else self.book.on(on)
            districts = self.book.for_year(on.year, "district") if by_label else self.book.on(on, "district")
            self.done[on] = _in_province(communes, self.province), _in_province(districts, self.province)
        return self.done[on]


def _progress(t: PlanTarget, book: StatusBook, records: Records, as_of: date, frames: _Frames) -> dict:
    """Progress against ``t`` on ``as_of``, or on its deadline once that has passed.

    A target is judged on its own deadline: after it, the units it was set on may be gone
    (the 2024 targets were set on communes merged in 2025), and counting today's units
    against it would show a zero that is not the record.
    """
    on = min(as_of, t.deadline)
    communes, districts = frames(on)
    if t.metric == "dbkk_villages_ntm_share":
        info = dbkk_villages(book, records, on, t.scope)
        # The target is over all villages of the listed communes; the ĐBKK villages' own share beside it.
        current = info.get("all_share")
        needed = math.ceil(t.target * info["all_villages"] - 1e-9) if current is not None else None
        extra = {
            "villages": info.get("all_villages"),
            "ntm_villages": info.get("all_ntm"),
            # no village counts: the gap is unknown, not zero
            "gap_villages": max(0, needed - info["all_ntm"]) if needed is not None else None,
            "dbkk_villages": info["villages"],
            "dbkk_villages_ntm": info["ntm"],
            "dbkk_share": info["share"],
            "counts_as_of": info["as_of_counts"].isoformat() if info["as_of_counts"] else None,
        }
    elif t.metric.endswith("_share") and t.metric.removesuffix("_share") in COUNTED:
        xa = communes[communes["type"] == "Xã"]
        reached = _count(xa["status"], t.metric.removesuffix("_share"))
        current = round(reached / len(xa), 4) if len(xa) else None
        extra = {
            "communes": int(len(xa)),
            "reached": reached,
            "awaiting_review": int((xa["status"] == "cho_ra_soat").sum()),
            "no_data": int((xa["status"] == "khong_du_lieu").sum()),
        }
    elif t.metric in COUNTED:
        xa = communes[communes["type"] == "Xã"]
        current, extra = _count(xa["status"], t.metric), {}
    elif t.metric.startswith("districts_"):
        d = districts[districts["code"].isin(t.scope)] if t.scope else districts
        current, extra = int((_rank(d["status"]) >= (2 if t.metric == "districts_nang_cao" else 1)).sum()), {}
    else:
        current, extra = None, {}
    return {
        "id": t.id,
        "title_vi": t.title_vi,
        "title_en": t.title_en,
        "metric": t.metric,
        "metric_vi": METRICS.get(t.metric, (t.metric,))[0],
        "target": t.target,
        "deadline": t.deadline.isoformat(),
        "current": current,
        "progress": round(current / t.target, 4) if current is not None and t.target else None,
        "met": current is not None and current >= t.target,
        "due": as_of >= t.deadline,
        "evaluated_on": on.isoformat(),
        "source": t.source,
        "citation": t.citation,
        **extra,
    }


def _reported(reported: list[ReportedFigure], province: str, year: int | None, figures: dict) -> list[dict]:
    """Each published figure beside the one computed from the records.

    ``check`` is ``agrees``, ``differs`` or ``not_computed``: a figure the records cannot give
    (model villages: no village decisions are kept) is not computed, and ``agrees`` is then None,
    never True. A check that passes on nothing is no check.
    """
    out = []
    for f in reported:
        if f.province_code == province and f.year == year:
            computed = figures.get(f.metric)
            agrees = None if computed is None else abs(computed - f.value) < 1e-9
            check = "not_computed" if agrees is None else "agrees" if agrees else "differs"
            out.append(
                {
                    "metric": f.metric,
                    "reported": f.value,
                    "computed": computed,
                    "agrees": agrees,
                    "check": check,
                    "source": f.source,
                    "citation": f.citation,
                }
            )
    return out
