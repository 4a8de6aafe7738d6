"""The landing page and the API documentation page (served with local assets)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.deps import AtlasDep
from api.i18n import language
from api.templating import templates

router = APIRouter(include_in_schema=False)

TEXT = {
    "vi": {
        "title": "Bản đồ xây dựng nông thôn mới",
        "lead": "Ranh giới hành chính qua các lần sắp xếp, gắn với kết quả xây dựng nông thôn mới của từng đơn vị.",
        "region": "Địa bàn",
        "province": "Tỉnh",
        "formed_from": "Hình thành từ (trước 01/07/2025)",
        "covered": "Thời kỳ có dữ liệu ranh giới",
        "today": "nay",
        "units_today": "Số xã, phường hiện nay",
        "offers": "Dịch vụ",
        "language": "Ngôn ngữ",
        "sources": "Nguồn: danh mục đơn vị hành chính của Tổng cục Thống kê (GSO), ranh giới xã năm 2013, "
        "phương án sắp xếp năm 2025 (xem boundaries/sources/PROVENANCE.md).",
        "links": [
            (
                "/api/boundaries",
                "Lịch sử ranh giới (JSON)",
                "Các tỉnh hợp thành, thời kỳ, ngày thay đổi, vấn đề chưa giải quyết.",
            ),
            (
                "/api/boundaries/units?date=2023-12-31&level=district",
                "Đơn vị theo ngày (GeoJSON)",
                "Các huyện ngày 31/12/2023; đổi date và level.",
            ),
            (
                "/api/boundaries/units/07777/lineage?date=2024-06-01",
                "Nguồn gốc một đơn vị",
                "Các lần sáp nhập, đổi tên, chuyển đổi từ 2010 đến nay.",
            ),
            (
                "/api/boundaries/crosswalk?from=2023-12-31&to=2025-07-01",
                "Bảng chuyển đổi giữa hai ngày",
                "Tỷ lệ diện tích của đơn vị cũ trong đơn vị mới.",
            ),
            (
                "/api/boundaries/events?level=district",
                "Các sự kiện sắp xếp",
                "Ngày, văn bản, loại, đơn vị trước và sau.",
            ),
            (
                "/planning/map",
                "Bản đồ xã đặc biệt khó khăn",
                "Xã ĐBKK theo ngày: tiêu chí còn thiếu, thôn còn thiếu so với mục tiêu 60%, xếp hạng, tải Excel.",
            ),
            (
                "/documents",
                "Đọc văn bản, xem trên bản đồ",
                "Tải lên công văn, kế hoạch: đơn vị, mức đạt, số liệu, chỉ tiêu được nêu, đối chiếu với dữ liệu.",
            ),
            ("/docs", "Tài liệu API (OpenAPI)", "Mọi điểm truy cập, tham số và kiểu dữ liệu."),
            ("/healthz", "Tình trạng dịch vụ", ""),
        ],
    },
    "en": {
        "title": "New Rural Development map",
        "lead": "Administrative boundaries through every reorganisation, joined with each unit's New Rural Development status.",
        "region": "Region",
        "province": "Province",
        "formed_from": "Formed from (before 1 July 2025)",
        "covered": "Boundary history covers",
        "today": "today",
        "units_today": "Communes and wards today",
        "offers": "What this service offers",
        "language": "Language",
        "sources": "Sources: GSO administrative unit lists, 2013 commune polygons, the 2025 reorganisation "
        "mapping (see boundaries/sources/PROVENANCE.md).",
        "links": [
            (
                "/api/boundaries",
                "Boundary history (JSON)",
                "Former provinces, period covered, change dates, unresolved issues.",
            ),
            (
                "/api/boundaries/units?date=2023-12-31&level=district",
                "Units on a date (GeoJSON)",
                "Districts on 2023-12-31; change date and level.",
            ),
            (
                "/api/boundaries/units/07777/lineage?date=2024-06-01",
                "A unit's lineage",
                "Merges, renames and reclassifications from 2010 to today.",
            ),
            (
                "/api/boundaries/crosswalk?from=2023-12-31&to=2025-07-01",
                "Crosswalk between two dates",
                "Share of each old unit's area in each new unit.",
            ),
            (
                "/api/boundaries/events?level=district",
                "Reorganisation events",
                "Date, legal act, kind, units before and after.",
            ),
            (
                "/planning/map?lang=en",
                "Map of especially difficult communes",
                "ĐBKK communes on a date: criteria missing, villages short of the 60% target, ranking, Excel.",
            ),
            (
                "/documents?lang=en",
                "From a document to a map",
                "Upload a letter or plan: the units, status, figures and targets it names, checked against the records.",
            ),
            ("/docs", "API documentation (OpenAPI)", "Every endpoint, parameter and type."),
            ("/healthz", "Service health", ""),
        ],
    },
}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, atlas: AtlasDep) -> HTMLResponse:
    lang = language(request)
    t = TEXT[lang]
    olds = atlas.units[(atlas.units["level"] == "province") & (atlas.units["valid_from"] < atlas.reform_date)]
    region = {
        "name": atlas.name,
        "province": atlas.province,
        "former": sorted(set(olds["name"])),
        "covered_from": atlas.covered_from.isoformat(),
        "units_today": len(atlas.units_on(atlas.reform_date)),
    }
    links = [{"href": h, "label": label, "text": text} for h, label, text in t["links"]]
    return templates.TemplateResponse(request, "home.html", {"lang": lang, "t": t, "region": region, "links": links})


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    base = "/static/vendor/swagger-ui/5.35.0"
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="geo-ntm API",
        swagger_js_url=f"{base}/swagger-ui-bundle.js",
        swagger_css_url=f"{base}/swagger-ui.css",
        swagger_favicon_url=f"{base}/favicon-32x32.png",
    )
