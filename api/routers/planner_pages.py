"""Pages for planners: the map and ranking of especially difficult communes, and one commune's page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import LangDep, SettingsDep, SnapshotDep, WhenDep
from api.routers.planning import Sort, StatusKey
from api.templating import templates
from geo_ntm.i18n import section, text
from geo_ntm.palette import COLORS, NO_DATA, OUTLINE, PATTERN_INK, PATTERNS
from geo_ntm.planning import commune_dossier, difficult_communes, list_versions, reform_view
from geo_ntm.planning.lists import planning_day
from geo_ntm.planning.rows import reference_set
from geo_ntm.present import present_standing
from geo_ntm.status.levels import LABELS
from geo_ntm.when import today

router = APIRouter(include_in_schema=False)

#: Statuses a commune on the list can have (the filter's checkboxes and the legend); one that became a ward or
#: town is "not applicable", drawn striped, and not ranked.
COMMUNE_STATUSES = ("chua_dat", "dat_chuan", "nang_cao", "kieu_mau", "cho_ra_soat", "khong_ap_dung", "khong_du_lieu")
#: Share of ĐBKK villages at NTM, as fractions of the target: PuOr steps, darker the further below;
#: the class at or above the target is also dotted (a second cue besides colour).
SHARE_STEPS = ((0.5, "#b35806"), (0.75, "#f1a340"), (1.0, "#fee0b6"), (None, "#542788"))
DEFAULT_TARGET = 0.6
#: Row fields the page script does not show (it gets the rest inline, so the first view needs no request).
UNUSED = {"criteria_met", "criteria_met_vi", "criteria_met_en", "sources", "uid", "name_en"}

TextQ = Annotated[str | None, Query(min_length=1, max_length=100)]


def _day(d: str | None, lang: str) -> str:
    if not d:
        return ""
    return d if lang == "en" else f"{d[8:10]}/{d[5:7]}/{d[0:4]}"


def _pct(v: float | None, lang: str) -> str:
    if v is None:
        return "—"
    text = f"{v * 100:.1f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if lang == "vi" else text) + "%"


def _share_classes(target: float, lang: str) -> list[dict]:
    out, low = [], 0.0
    for step, colour in SHARE_STEPS:
        high = None if step is None else target * step
        if high is None:
            label = f"≥ {_pct(target, lang)} — {text(lang, 'planning_script.reached')}"
        elif low == 0:
            label = f"< {_pct(high, lang)}"
        else:
            label = f"{_pct(low, lang)} – {_pct(high, lang)}"
        out.append({"below": high, "fill": colour, "label": label, "pattern": "dots" if high is None else None})
        low = high or low
    return out


def _common(lang: str) -> dict:
    return {
        "lang": lang,
        "t": section(lang, "planning"),
        "labels": LABELS[lang],
        "palette": COLORS,
        "patterns": PATTERNS,
        "pattern_ink": PATTERN_INK,
        "day": lambda d: _day(d, lang),
        "pct": lambda v: _pct(v, lang),
    }


def _script_config(lang: str, settings, **extra) -> dict:
    return {
        "lang": lang,
        "text": {**section(lang, "planning"), **section(lang, "planning_script")},
        "labels": LABELS[lang],
        "palette": COLORS,
        "patterns": PATTERNS,
        "noData": NO_DATA,
        "outline": OUTLINE,
        "baseMap": settings.base_map_url,
        "baseMapAttribution": settings.base_map_attribution,
        "keysHint": text(lang, "map_keys.hint"),
        **extra,
    }


@router.get("/planning/map", response_class=HTMLResponse)
def planning_map(
    request: Request,
    lang: LangDep,
    snap: SnapshotDep,
    settings: SettingsDep,
    when: WhenDep,
    list_id: Annotated[str | None, Query(alias="list", min_length=1, max_length=100)] = None,
    district: TextQ = None,
    status: Annotated[list[StatusKey] | None, Query()] = None,
    missing: Annotated[list[str] | None, Query()] = None,
    below_target: bool | None = None,
    sort: Sort = "closest",
) -> HTMLResponse:
    """The map and ranking of the especially difficult communes on a date, with filters and downloads.

    Default: the last day the listed communes existed (before the 2025 reform), inside a list's period.
    """
    atlas, records = snap.atlas, snap.records
    day = when.as_of if when.asked else planning_day(records, atlas)
    result = difficult_communes(snap, day, list_id=list_id, district=district, status=status, missing=missing,
        below_target=below_target, sort=sort,
    )  # fmt: skip
    data = result.as_dict()
    f = result.filters
    list_id = data["list"]["id"] if list_id else None  # as named in the select, whichever way it was asked
    query = [("date", day.isoformat())] + ([("list", list_id)] if list_id else [])
    query += [("district", f["district"])] if f["district"] else []
    query += [("status", s) for s in f["status"] or []] + [("missing", str(n)) for n in f["missing"] or []]
    query += [("below_target", str(below_target).lower())] if below_target is not None else []
    query += [("sort", sort)]
    target = data["totals"]["target"] or next((t["target"] for t in data["targets"]), None) or DEFAULT_TARGET
    before_reform = day < atlas.reform_date
    districts = atlas.units_on(day, "district") if before_reform else None
    cset = reference_set(day)
    context = {
        **_common(lang),
        "r": data,
        "query": urlencode(query),
        "lists": list_versions(records, "commune"),
        "list_id": list_id,
        "districts": [] if districts is None else sorted(zip(districts["code"], districts["name"]), key=lambda x: x[1]),
        "reform_date": atlas.reform_date.isoformat(),
        "criteria": [(n, cset.name(n, lang)) for n in cset.numbers],
        "statuses": COMMUNE_STATUSES,
        "sorts": section(lang, "planning")["sorts"],
        "share_classes": _share_classes(target, lang),
        "min_date": atlas.covered_from.isoformat(),
        "page_of": lambda code: f"/planning/communes/{code}?" + urlencode({"lang": lang, "date": day.isoformat()}),
    }
    bounds = [float(v) for v in atlas.units_on(day, "province").total_bounds]
    base = urlencode([("date", day.isoformat())] + ([("list", list_id)] if list_id else []))
    context["config"] = _script_config(
        lang, settings, date=day.isoformat(), list=list_id, bounds=bounds, target=target,
        shareClasses=context["share_classes"],
        geometryUrl=f"/api/planning/difficult-communes?{base}&format=geojson",
        rowsUrl="/api/planning/difficult-communes",
        districtsUrl=f"/api/layers/districts.geojson?date={day.isoformat()}&zoom=10&fields=code,name"
        if before_reform else None,
        communePage="/planning/communes/{code}?" + urlencode({"lang": lang, "date": day.isoformat()}),
        rows=[{k: v for k, v in row.items() if k not in UNUSED} for row in data["rows"]],
    )  # fmt: skip
    return templates.TemplateResponse(request, "planning_map.html", context)


def _link(code: str | None, day: date | str | None, lang: str) -> str | None:
    if not code:
        return None
    params = {"lang": lang, **({"date": str(day)} if day else {})}
    return f"/planning/communes/{code}?{urlencode(params)}"


def _sources(d: dict) -> set:
    """Source labels of everything the commune page shows."""
    found = {d["status"]["source"], d["progress"]["source"]}
    found |= {h["source"] for h in d["history"]} | {v["source"] for v in d["villages"]}
    found |= {m["entry_source"] for m in d["difficulty"]} | {c.get("source") for c in d["status"]["constituents"]}
    return found


def _lineage_links(lineage: dict, lang: str) -> dict:
    """Each step and overlap with the page of the unit at the other end, on a day it existed."""
    out = dict(lineage)
    out["formed_from"] = [
        {**s, "href": _link(s["from_code"], date.fromisoformat(s["date"]) - timedelta(days=1), lang)}
        for s in lineage["formed_from"]
    ]
    out["became"] = [{**s, "href": _link(s["to_code"], s["date"], lang)} for s in lineage["became"]]
    out["now_part_of"] = [{**o, "href": _link(o["code"], None, lang)} for o in lineage["now_part_of"] or []]
    out["steps"] = [
        {
            **s,
            "from_href": _link(s["from_code"], date.fromisoformat(s["date"]) - timedelta(days=1), lang),
            "to_href": _link(s["to_code"], s["date"], lang),
        }
        for s in lineage["steps"]
    ]
    return out


@router.get("/planning/communes/{code}", response_class=HTMLResponse)
def commune_page(
    request: Request,
    lang: LangDep,
    snap: SnapshotDep,
    settings: SettingsDep,
    code: Annotated[str, Path(pattern=r"^(\d{3}|\d{5})$", description="commune code (a district code redirects)")],
    when: WhenDep,
) -> HTMLResponse:
    """One commune: status, decisions, lineage, villages over time, ĐBKK lists, criteria, gap to the target."""
    day = when.as_of if when.asked else None  # default: the code's latest version (on its last day if it is gone)
    atlas = snap.atlas
    if len(code) == 3:  # the status map's district popups link here: show that district's communes
        unit = atlas.unit(code, on=day)
        where = planning_day(snap.records, atlas, day or min(unit["valid_to"], today()))
        params = {"district": code, "date": where.isoformat(), "lang": lang}
        return RedirectResponse(f"/planning/map?{urlencode(params)}", status_code=303)
    d = commune_dossier(snap, code, day)
    unit = atlas.units.loc[d["unit"]["uid"]]
    reform = None
    if unit["valid_from"] >= atlas.reform_date:
        reform = reform_view(snap, code, d["date"])
    d["lineage"] = _lineage_links(d["lineage"], lang)
    d["present"] = present_standing(snap.book, snap.progress, d["unit"]["uid"], date.fromisoformat(d["date"]))
    before_reform = min(date.fromisoformat(d["date"]), atlas.reform_date - timedelta(days=1))
    map_day = planning_day(snap.records, atlas, before_reform)
    west, south, east, north = (float(v) for v in unit["geometry"].bounds)
    pad = max(east - west, north - south) * 0.6
    context = {
        **_common(lang),
        "t": {**section(lang, "planning"), **section(lang, "commune_page")},
        "d": d,
        "p": d["progress"],
        "reform": reform,
        "link": lambda c, when=None: _link(c, when, lang),
        "day_before": lambda iso: (date.fromisoformat(iso) - timedelta(days=1)).isoformat(),
        "min_date": atlas.covered_from.isoformat(),
        "max_total": max([v["total"] or 0 for v in d["villages"]] + [1]),
        "target": d["progress"]["target"] or DEFAULT_TARGET,
        "illustrative": "illustrative" in _sources(d) | {(d["present"] or {}).get("source")},
        "present": d["present"],
        "map_href": "/planning/map?" + urlencode({"lang": lang, "date": map_day.isoformat()}),
    }
    context["config"] = _script_config(
        lang, settings, date=d["date"], code=code, bounds=[west, south, east, north],
        layerUrl=f"/api/layers/communes.geojson?date={d['date']}&zoom=12&fields=code,name,status,status_vi,status_en"
        f"&bbox={west - pad:.5f},{south - pad:.5f},{east + pad:.5f},{north + pad:.5f}",
        communePage="/planning/communes/{code}?" + urlencode({"lang": lang, "date": d["date"]}),
    )  # fmt: skip
    return templates.TemplateResponse(request, "planning_commune.html", context)
