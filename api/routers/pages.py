"""Pages for leadership: status maps, the dashboard, and printable maps (PNG, PDF)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import CatalogDep, LangDep, SettingsDep, SnapshotDep, StatusDep, WhenDep
from api.templating import templates
from geo_ntm.i18n import day_text, section, text
from geo_ntm.palette import COLORS
from geo_ntm.present import present_overview
from geo_ntm.render.printmap import print_map
from geo_ntm.render.statusmap import MapSpec, status_map
from geo_ntm.status.levels import LABELS
from geo_ntm.status.model import METRICS
from geo_ntm.status.review import LABELS as REVIEW_LABELS
from geo_ntm.status.review import PAST_LABELS
from geo_ntm.status.summary import summary
from geo_ntm.when import When, absence, district_on, for_unit, level_period, province_on, today, years

router = APIRouter(include_in_schema=False)

Level = Literal["commune", "district"]
LAYER_OF = {"commune": "communes", "district": "districts"}


def title(lang: str, layer: str) -> str:
    """The title of a status map of ``layer`` (communes, districts, dbkk) or level (commune, district)."""
    key = {"communes": "commune", "districts": "district"}.get(layer, layer)
    return text(lang, f"map_title.{key}")


def sources_line(lang: str, citations, illustrative: bool) -> str:
    """Where what a page shows comes from: the boundaries, then each record's citation, once."""
    parts = [text(lang, "sources.boundaries"), *dict.fromkeys(c for c in citations if c)]
    if illustrative:
        parts.append(text(lang, "sources.illustrative_communes"))
    # A citation may end with its own full stop: strip it so "….;" and "….." do not appear.
    return f"{text(lang, 'sources.label')}: " + "; ".join(p.strip().rstrip(".") for p in parts) + "."


def _spec(catalog, settings, lang: str, level: str, when: When, **extra) -> MapSpec:
    atlas = catalog.atlas
    now = today()
    provinces = atlas.units_on(when.as_of, "province")
    if extra.get("province"):
        provinces = provinces[provinces["code"] == extra["province"]]
    bounds = tuple(float(v) for v in provinces.total_bounds)
    # The year control offers only the years in which the level has units (no districts after 2025-06-30).
    _, last = level_period(atlas, level)
    offered = [y for y in years(atlas, now) if last is None or date(y, 12, 31) <= last]
    note = absence(atlas, level, when.as_of)
    notes = [n.text(lang) for n in (when.note, note) if n is not None]
    return MapSpec(
        title=title(lang, level),
        layer=LAYER_OF[level],
        lang=lang,
        year=when.year,
        date=when.day.isoformat() if when.day else None,
        years=offered,
        today=now.isoformat() if last is None or now <= last else "",
        reform_date=atlas.reform_date.isoformat(),
        bounds=bounds,
        base_map_url=settings.base_map_url,
        base_map_attribution=settings.base_map_attribution,
        unit_page=f"/planning/communes/{{code}}?lang={lang}",
        notes=notes,
        zoom=fit_zoom(bounds),
        **extra,
    )


def fit_zoom(bounds: tuple[float, float, float, float], pixels: int = 1000) -> int:
    """The web-map zoom at which ``bounds`` fill about ``pixels`` (5 to 10): the layer's detail.

    A province is drawn at zoom 10; the whole country at 6, so its 10,000 communes load at the
    detail a screen shows rather than at a province's.
    """
    extent = max(bounds[2] - bounds[0], (bounds[3] - bounds[1]) * 1.1, 1e-6)
    return int(max(5, min(10, math.floor(math.log2(pixels * 360 / (256 * extent))))))


@router.get("/maps/status", response_class=HTMLResponse)
def status_page(
    lang: LangDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    when: WhenDep,
    level: Level = "commune",
    district: Annotated[str | None, Query(pattern=r"^\d{3}$")] = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$", description="only this province's units")] = None,
    view: Annotated[Literal["status", "progress"], Query(description="status levels, or 2026-2030 criteria met")] = (
        "status"
    ),
    history: bool = True,
) -> HTMLResponse:
    """The status choropleth of communes or districts on a date or year-end (default: today)."""
    province_on(catalog.atlas, province, when.as_of)
    if district is not None:  # a district that is gone opens on its last day; an unknown one is a 404
        when = for_unit(catalog.atlas, when, "district", district)
        district_on(catalog.atlas, district, when.as_of)
    spec = _spec(catalog, settings, lang, level, when, district=district, history=history, province=province,
                 view=view)  # fmt: skip
    return HTMLResponse(status_map(spec))


@router.get("/maps/status.{fmt}")
def print_page(
    lang: LangDep,
    catalog: CatalogDep,
    snap: SnapshotDep,
    service: StatusDep,
    fmt: Literal["png", "pdf"],
    when: WhenDep,
    level: Level = "commune",
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> Response:
    """A printable map (A4 landscape) with title, legend, date, scale and source line (default: today)."""
    frame = catalog.select(snap, LAYER_OF[level], when)
    provinces = catalog.atlas.units_on(when.as_of, "province")
    province_on(catalog.atlas, province, when.as_of)
    province = province or provinces["code"].iloc[0]
    frame = frame[frame["province_code"] == province]
    districts = None
    if level == "commune" and when.as_of < catalog.atlas.reform_date:
        districts = catalog.select(snap, "districts", when)
        districts = districts[districts["province_code"] == province]
    name = provinces.set_index("code").loc[province, "name"]
    note = absence(catalog.atlas, level, when.as_of)
    body = print_map(
        frame,
        title=f"{title(lang, level)} — {name}",
        as_of=when.label(lang) if when.year is not None else day_text(when.as_of, lang),  # the year says its day
        lang=lang,
        districts=districts,
        illustrative=bool((frame["source"] == "illustrative").any()),
        fmt=fmt,
        source_line=sources_line(lang, [], bool((frame["source"] == "illustrative").any())),
        note=note.text(lang) if note is not None else None,
        outline=provinces[provinces["code"] == province],
        facts=_facts(service, when, province, lang) if level == "commune" else None,
    )
    media = "image/png" if fmt == "png" else "application/pdf"
    filename = f"ntm-{level}-{province}-{when.key}.{fmt}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    lang: LangDep,
    catalog: CatalogDep,
    snap: SnapshotDep,
    service: StatusDep,
    when: WhenDep,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> HTMLResponse:
    """The present (2026-2030) by default; on a past date or year, the figures the province reported then.

    A province that no longer exists (old Bắc Ninh, 27) opens on its last day, and says so.
    """
    atlas = catalog.atlas
    if province is not None:
        when = for_unit(atlas, when, "province", province)
    provinces = atlas.units_on(when.as_of, "province")
    province_on(atlas, province, when.as_of)
    if when.year is None and when.as_of >= atlas.reform_date:
        return _present_dashboard(request, lang, service, when, province, provinces)
    s = summary(snap.book, snap.records, year=when.year, day=when.day, province=province)
    villages_new = next((r["reported"] for r in s["reported"] if r["metric"] == "villages_kieu_mau_new"), None)
    t = section(lang, "dashboard")
    query = {**when.params, "lang": lang, "province": s["province"]}
    context = {
        **_head(lang, when, catalog.atlas, provinces),
        "t": t,
        "s": s,
        "year": when.year,
        "palette": COLORS,
        "villages_new": int(villages_new) if villages_new else None,
        "metrics": {k: v[0 if lang == "vi" else 1] for k, v in METRICS.items()} | t["new_metrics"],
        "sources": sources_line(
            lang, [r["citation"] for r in s["reported"]] + [g["citation"] for g in s["targets"]], s["illustrative"]
        ),
        "notes": ([when.note.text(lang)] if when.note else []) + [n[lang] for n in s["notes"]],
        "print_query": urlencode(query),
        "map_query": urlencode({**when.params, "lang": lang, "history": "false", "province": s["province"]}),
        "pct": lambda v: _pct(v, lang),
        "date_text": lambda iso: day_text(date.fromisoformat(iso), lang) if iso else "",
    }
    return templates.TemplateResponse(request, "dashboard.html", context)


def _head(lang: str, when: When, atlas, provinces) -> dict:
    """What both dashboards' head (``_dashboard_head.html``) reads: language, date, controls, labels."""
    return {
        "lang": lang,
        "day": when.day.isoformat() if when.day else "",
        "today": today().isoformat(),
        "label": when.label(lang),
        "years": years(atlas),
        "provinces": list(zip(provinces["code"], provinces["name"])),
        "labels": LABELS[lang],
    }


def _facts(service, when: When, province: str, lang: str) -> list[str] | None:
    """The dashboard's key figures of the present, printed beside the map (None before the reform)."""
    if when.year is not None or when.as_of < service.atlas.reform_date:
        return None
    o = present_overview(service, when.as_of, province)
    c, t = o["communes"], section(lang, "printmap")
    lines = [
        t["facts_communes"].format(total=c["communes_total"], wards=c["wards_and_towns"], ntm=c["communes_ntm"],
                                   awaiting=c["communes_awaiting_review"],
                                   not_recognised=c["by_review_state"]["not_recognised"]),
    ]  # fmt: skip
    if o["transition"] and c["review_units"]:
        states = " · ".join(f"{n} {REVIEW_LABELS[lang][s].lower()}" for s, n in c["by_review_state"].items() if n)
        lines.append(t["facts_review"].format(formed=day_text(o["transition"]["formed_on"], lang), states=states))
    if c.get("criteria_total"):
        lines.append(t["facts_progress"].format(assessed=c["assessed_2026_2030"], total=c["criteria_total"],
                                                all_met=c["all_criteria_met_2026_2030"]))  # fmt: skip
    for g in o["goals"]:
        title = g["title_en"] if lang == "en" else g["title_vi"]
        lines.append(
            t["facts_goal"].format(deadline=day_text(g["deadline"], lang), goal=title, now=_pct(g["current"], lang))
        )
    return lines


def _pct(v: float | None, lang: str) -> str:
    return "—" if v is None else f"{v * 100:.1f}%".replace(".", "," if lang == "vi" else ".")


def _present_dashboard(request: Request, lang: str, service, when: When, province, provinces) -> HTMLResponse:
    """Today's dashboard: review states, 2026-2030 standing, 2030 goals, the transition, 2021-2025 as history."""
    o = present_overview(service, when.as_of, province)
    formed = o["transition"]["formed_on"] if o["transition"] else None
    query = {**when.params, "lang": lang, "province": o["province"]}
    citations = [g["citation"] for g in o["goals"]] + [f["citation"] for f in o["followed"]]
    context = {
        **_head(lang, when, service.atlas, provinces),
        "t": {**section(lang, "dashboard"), **section(lang, "dashboard_present")},
        "o": o,
        "c": o["communes"],
        "state_labels": REVIEW_LABELS[lang],
        "past_labels": PAST_LABELS[lang],
        "palette": COLORS,
        "formed": day_text(formed, lang) if formed else "",
        "before": day_text(date.fromisoformat(formed) - timedelta(days=1), lang) if formed else "",
        "dtext": lambda d: day_text(d, lang),
        "notes": [when.note.text(lang)] if when.note else [],
        "sources": sources_line(lang, citations, o["illustrative"]),
        "print_query": urlencode(query),
        "map_query": urlencode({**when.params, "lang": lang, "history": "false", "province": o["province"]}),
        "board_href": "/planning/reviews?" + urlencode({**when.params, "lang": lang}),
        "page_of": lambda code: f"/planning/communes/{code}?" + urlencode({**when.params, "lang": lang}),
        "pct": lambda v: _pct(v, lang),
    }
    return templates.TemplateResponse(request, "dashboard_present.html", context)
