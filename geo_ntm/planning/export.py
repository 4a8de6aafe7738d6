"""The ranking of difficult communes as CSV or Excel, headers in Vietnamese and English.

Cells a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``) are
neutralised by :mod:`geo_ntm.layers.exports`.
"""

from __future__ import annotations

import pandas as pd

from geo_ntm.layers.exports import csv_bytes, xlsx_bytes

from .difficult import DifficultCommunes

#: Column → header ("Vietnamese / English"), in the order of the download.
EXPORT_COLUMNS = {
    "position": "STT / Rank",
    "code": "Mã xã / Commune code",
    "name": "Tên xã / Commune",
    "district_code": "Mã huyện / District code",
    "district_name": "Huyện / District",
    "status_vi": "Mức đạt chuẩn / Status (vi)",
    "status_en": "Mức đạt chuẩn (tiếng Anh) / Status (en)",
    "criteria_set": "Bộ tiêu chí / Criteria set",
    "criteria_met_count": "Số tiêu chí đạt / Criteria met",
    "criteria_total": "Tổng số tiêu chí / Criteria in set",
    "criteria_missing_vi": "Tiêu chí chưa đạt / Criteria missing (vi)",
    "criteria_missing_en": "Tiêu chí chưa đạt (tiếng Anh) / Criteria missing (en)",
    "villages_total": "Số thôn / Villages",
    "villages_ntm": "Thôn đạt chuẩn NTM / NTM villages",
    "villages_kieu_mau": "Thôn NTM kiểu mẫu / Model villages",
    "dbkk_villages": "Thôn ĐBKK / Especially difficult villages",
    "dbkk_villages_ntm": "Thôn ĐBKK đạt chuẩn NTM / Especially difficult villages at NTM",
    "dbkk_share": "Tỷ lệ thôn ĐBKK đạt chuẩn / Share at NTM",
    "target": "Mục tiêu / Target",
    "gap": "Số thôn còn thiếu / Villages still needed",
    "villages_as_of": "Số liệu thôn đến ngày / Village counts as of",
    "list_id": "Danh sách ĐBKK / ĐBKK list",
    "source": "Nguồn / Source",
}


def _table(result: DifficultCommunes) -> pd.DataFrame:
    frame = result.frame()
    for col in ("criteria_missing_vi", "criteria_missing_en"):
        frame[col] = [None if v is None else "; ".join(v) for v in frame[col]]
    return frame


def ranking_csv(result: DifficultCommunes) -> bytes:
    """The rows as CSV (UTF-8 with BOM so Excel reads Vietnamese letters), one header row."""
    return csv_bytes(_table(result), EXPORT_COLUMNS)


def ranking_xlsx(result: DifficultCommunes) -> bytes:
    """The rows as an Excel workbook of one sheet named after the date."""
    return xlsx_bytes(_table(result), EXPORT_COLUMNS, sheet_name=f"DBKK {result.day.isoformat()}")
