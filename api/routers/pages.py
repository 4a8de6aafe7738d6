"""Pages for leadership: status maps, the dashboard, and printable maps (PNG, PDF)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import CatalogDep, SettingsDep, SnapshotDep, WhenDep
from api.i18n import language
from api.templating import templates
from geo_ntm.errors import InvalidParameterError
from geo_ntm.i18n import day_text
from geo_ntm.palette import COLORS
from geo_ntm.render.printmap import print_map
from geo_ntm.render.statusmap import MapSpec, status_map
from geo_ntm.status.levels import LABELS
from geo_ntm.status.model import METRICS
from geo_ntm.status.summary import summary
from geo_ntm.when import When, absence, level_period, today, years

router = APIRouter(include_in_schema=False)

Level = Literal["commune", "district"]
LAYER_OF = {"commune": "communes", "district": "districts"}
TITLES = {
    ("vi", "commune"): "Kết quả xây dựng nông thôn mới cấp xã",
    ("vi", "district"): "Kết quả xây dựng nông thôn mới cấp huyện",
    ("en", "commune"): "New Rural Development status of communes",
    ("en", "district"): "New Rural Development status of districts",
}
DASH = {
    "vi": {
        "title": "Kết quả xây dựng nông thôn mới",
        "year": "Năm",
        "province": "Tỉnh",
        "show": "Xem",
        "choose": "Chọn năm",
        "pdf": "Bản in PDF",
        "png": "Ảnh PNG",
        "figures": "Số liệu chính",
        "districts_achieved": "đơn vị cấp huyện đạt chuẩn/hoàn thành nhiệm vụ",
        "communes_ntm": "xã đạt chuẩn NTM",
        "communes_nang_cao": "xã NTM nâng cao",
        "communes_kieu_mau": "xã NTM kiểu mẫu",
        "new_in_year": "xã mới đạt chuẩn / nâng cao / kiểu mẫu trong năm",
        "villages_new": "thôn NTM kiểu mẫu công nhận năm",
        "awaiting": "xã chờ rà soát sau sắp xếp",
        "targets": "Tiến độ so với kế hoạch",
        "target": "Chỉ tiêu",
        "deadline": "Thời hạn",
        "current": "Hiện đạt",
        "progress": "Tiến độ",
        "source": "Nguồn",
        "gap": "còn thiếu",
        "villages": "thôn",
        "official": "Chính thức",
        "illustrative_short": "Minh họa",
        "reported": "Đối chiếu với số liệu đã công bố",
        "metric": "Chỉ số",
        "reported_value": "Đã công bố",
        "computed": "Tính từ dữ liệu",
        "not_computed": "chưa tính được từ dữ liệu",
        "by_district": "Theo huyện",
        "district": "Đơn vị cấp huyện",
        "status": "Mức đạt",
        "decision": "Quyết định (năm)",
        "communes": "Số xã",
        "nang_cao": "Nâng cao",
        "kieu_mau": "Kiểu mẫu",
        "not_yet": "Chưa đạt / chờ rà soát",
        "map": "Bản đồ",
        "map_title": "Bản đồ kết quả NTM cấp xã",
        "illustrative_title": "Dữ liệu minh họa.",
        "illustrative_text": "Kết quả từng xã là minh họa, khớp với tổng số đã công bố; không dùng làm số liệu chính thức.",
        "sources": "Nguồn: ranh giới GSO/vietnam63 (2013) và phương án sắp xếp 2025; kết quả cấp huyện và tổng số: "
        "báo cáo của tỉnh (Công văn 687/UBND-NN năm 2024); kết quả cấp xã: minh họa.",
        "today": "Hôm nay",
        "date": "hoặc ngày",
        "at_deadline": "tại thời hạn",
        "language": "Ngôn ngữ",
    },
    "en": {
        "title": "New Rural Development results",
        "year": "Year",
        "province": "Province",
        "show": "Show",
        "choose": "Choose a year",
        "pdf": "Print (PDF)",
        "png": "Image (PNG)",
        "figures": "Key figures",
        "districts_achieved": "district-level units achieved",
        "communes_ntm": "communes at NTM standard",
        "communes_nang_cao": "advanced NTM communes",
        "communes_kieu_mau": "model NTM communes",
        "new_in_year": "communes newly NTM / advanced / model in",
        "villages_new": "model villages recognised in",
        "awaiting": "merged communes awaiting review",
        "targets": "Progress against plan targets",
        "target": "Target",
        "deadline": "Deadline",
        "current": "Now",
        "progress": "Progress",
        "source": "Source",
        "gap": "short by",
        "villages": "villages",
        "official": "Official",
        "illustrative_short": "Illustrative",
        "reported": "Against published figures",
        "metric": "Figure",
        "reported_value": "Published",
        "computed": "From the records",
        "not_computed": "not computed from the records",
        "by_district": "By district",
        "district": "District-level unit",
        "status": "Status",
        "decision": "Decision (year)",
        "communes": "Communes",
        "nang_cao": "Advanced",
        "kieu_mau": "Model",
        "not_yet": "Not yet / awaiting review",
        "map": "Map",
        "map_title": "Map of commune NTM status",
        "illustrative_title": "Illustrative data.",
        "illustrative_text": "Per-commune results are illustrative, consistent with the published totals; do not use "
        "them as official figures.",
        "sources": "Sources: GSO/vietnam63 boundaries (2013) and the 2025 reorganisation; district results and "
        "totals: provincial reports (letter 687/UBND-NN, 2024); commune results: illustrative.",
        "today": "Today",
        "date": "or a date",
        "at_deadline": "at the deadline",
        "language": "Language",
    },
}


NEW_METRICS = {
    "vi": {
        "communes_ntm_new": "Số xã mới đạt chuẩn NTM trong năm",
        "communes_nang_cao_new": "Số xã mới đạt NTM nâng cao trong năm",
        "communes_kieu_mau_new": "Số xã mới đạt NTM kiểu mẫu trong năm",
    },
    "en": {
        "communes_ntm_new": "Communes newly NTM in the year",
        "communes_nang_cao_new": "Communes newly advanced in the year",
        "communes_kieu_mau_new": "Communes newly model in the year",
    },
}


def _spec(catalog, settings, lang: str, level: str, when: When, **extra) -> MapSpec:
    atlas = catalog.atlas
    now = today()
    bounds = tuple(float(v) for v in atlas.units_on(when.as_of, "province").total_bounds)
    # The year control offers only the years in which the level has units (no districts after 2025-06-30).
    _, last = level_period(atlas, level)
    offered = [y for y in years(atlas, now) if last is None or date(y, 12, 31) <= last]
    note = absence(atlas, level, when.as_of)
    notes = [n.text(lang) for n in (when.note, note) if n is not None]
    return MapSpec(
        title=TITLES[(lang, level)],
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
        **extra,
    )


@router.get("/maps/status", response_class=HTMLResponse)
def status_page(
    request: Request,
    catalog: CatalogDep,
    settings: SettingsDep,
    when: WhenDep,
    level: Level = "commune",
    district: Annotated[str | None, Query(pattern=r"^\d{3}$")] = None,
    history: bool = True,
) -> HTMLResponse:
    """The status choropleth of communes or districts on a date or year-end (default: today)."""
    lang = language(request)
    spec = _spec(catalog, settings, lang, level, when, district=district, history=history)
    return HTMLResponse(status_map(spec))


@router.get("/maps/status.{fmt}")
def print_page(
    request: Request,
    catalog: CatalogDep,
    snap: SnapshotDep,
    fmt: Literal["png", "pdf"],
    when: WhenDep,
    level: Level = "commune",
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> Response:
    """A printable map (A4 landscape) with title, legend, date, scale and source line (default: today)."""
    lang = language(request)
    frame = catalog.select(snap, LAYER_OF[level], when)
    provinces = catalog.atlas.units_on(when.as_of, "province")
    province = province or provinces["code"].iloc[0]
    if province not in set(provinces["code"]):
        raise InvalidParameterError(
            f"province {province} did not exist on {when.as_of}; then: {sorted(provinces['code'])}"
        )
    frame = frame[frame["province_code"] == province]
    districts = None
    if level == "commune" and when.as_of < catalog.atlas.reform_date:
        districts = catalog.select(snap, "districts", when)
        districts = districts[districts["province_code"] == province]
    name = provinces.set_index("code").loc[province, "name"]
    note = absence(catalog.atlas, level, when.as_of)
    body = print_map(
        frame,
        title=f"{TITLES[(lang, level)]} — {name}",
        as_of=day_text(when.as_of, lang) + (f" ({when.label(lang)})" if when.year is not None else ""),
        lang=lang,
        districts=districts,
        illustrative=bool((frame["source"] == "illustrative").any()),
        fmt=fmt,
        source_line=DASH[lang]["sources"],
        note=note.text(lang) if note is not None else None,
        outline=provinces[provinces["code"] == province],
    )
    media = "image/png" if fmt == "png" else "application/pdf"
    filename = f"ntm-{level}-{province}-{when.key}.{fmt}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    catalog: CatalogDep,
    snap: SnapshotDep,
    when: WhenDep,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> HTMLResponse:
    """The figures the province reports, by district, against the plan, with the map (default: today)."""
    lang = language(request)
    provinces = catalog.atlas.units_on(when.as_of, "province")
    if province is not None and province not in set(provinces["code"]):
        raise InvalidParameterError(
            f"province {province} did not exist on {when.as_of}; then: {sorted(provinces['code'])}"
        )
    s = summary(snap.book, snap.records, year=when.year, day=when.day, province=province)
    villages_new = next((r["reported"] for r in s["reported"] if r["metric"] == "villages_kieu_mau_new"), None)
    t = DASH[lang]
    query = {**when.params, "lang": lang, "province": s["province"]}
    context = {
        "lang": lang,
        "t": t,
        "s": s,
        "year": when.year,
        "day": when.day.isoformat() if when.day else "",
        "today": today().isoformat(),
        "label": when.label(lang),
        "years": years(catalog.atlas),
        "provinces": list(zip(provinces["code"], provinces["name"])),
        "labels": LABELS[lang],
        "palette": COLORS,
        "villages_new": int(villages_new) if villages_new else None,
        "metrics": {k: v[0 if lang == "vi" else 1] for k, v in METRICS.items()} | NEW_METRICS[lang],
        "notes": [n[lang] for n in s["notes"]],
        "print_query": urlencode(query),
        "map_query": urlencode({**when.params, "lang": lang, "history": "false"}),
        "pct": lambda v: "—" if v is None else f"{v * 100:.1f}%".replace(".", "," if lang == "vi" else "."),
    }
    return templates.TemplateResponse(request, "dashboard.html", context)
