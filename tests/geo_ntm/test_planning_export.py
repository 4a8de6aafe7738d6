"""The ranking as CSV and Excel: parses back, bilingual headers, formula-like names neutralised; name order."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.names import sort_key
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.planning import EXPORT_COLUMNS, difficult_communes, ranking_csv, ranking_xlsx
from geo_ntm.status.demo import load_demo
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import SqliteStore

HOSTILE = '=HYPERLINK("http://x.example","click")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A service whose atlas (a private copy) has formula-like and HTML-like names."""
    store = SqliteStore(tmp_path_factory.mktemp("export") / "s.sqlite")
    load_demo(store)
    atlas = Atlas.load(DEFAULT_REGION)
    atlas.units.loc["07624@2010-09-28", "name"] = HOSTILE
    atlas.units.loc["07621@2010-09-28", "name"] = "<script>alert(1)</script>"
    atlas.units.loc["220@2025-01-01", "name"] = "@SUM(A1:A9)"
    return StatusService(atlas, store)


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_csv_parses_back_with_bilingual_headers(hostile):
    result = difficult_communes(hostile, "2025-06-30", sort="gap")
    rows = read_csv(ranking_csv(result))
    assert rows[0] == list(EXPORT_COLUMNS.values())
    assert all(" / " in h for h in rows[0])
    assert rows[0][1] == "Mã xã / Commune code" and rows[0][19] == "Số thôn còn thiếu / Villages still needed"
    assert len(rows) == 1 + len(result.rows)
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["07564"][2] == "Xã Kim Sơn" and by_code["07564"][4] == "Huyện Lục Ngạn"
    assert by_code["07564"][10] == "Quy hoạch; Quốc phòng và An ninh"
    ranked = len(rows) - 1 - 3  # three listed units were wards or towns then: listed last, no rank
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, ranked + 1)] + ["", "", ""]
    assert [int(r[19]) for r in rows[1:]] == [r["gap"] for r in result.rows]


def test_csv_neutralises_formula_like_text(hostile):
    rows = read_csv(ranking_csv(difficult_communes(hostile, "2025-06-30")))
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["07624"][2] == "'" + HOSTILE
    assert by_code["07624"][4] == "'@SUM(A1:A9)"  # the district's name too
    assert by_code["07621"][2] == "<script>alert(1)</script>"  # not a formula: kept as data
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_xlsx_parses_back_and_holds_no_formula(hostile):
    result = difficult_communes(hostile, "2025-06-30", sort="name")
    body = ranking_xlsx(result)
    rows = read_xlsx(body)
    assert list(rows[0]) == list(EXPORT_COLUMNS.values())
    assert len(rows) == 1 + len(result.rows)
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["07624"][2] == "'" + HOSTILE and by_code["07624"][4] == "'@SUM(A1:A9)"
    assert by_code["07624"][19] == 4 and by_code["07624"][17] == pytest.approx(3 / 11, abs=1e-4)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert sheet.title == "DBKK 2025-06-30"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_empty_ranking_still_has_its_header(hostile):
    result = difficult_communes(hostile, "2025-06-30", status="nang_cao")
    assert read_csv(ranking_csv(result)) == [list(EXPORT_COLUMNS.values())]
    assert len(read_xlsx(ranking_xlsx(result))) == 1


@pytest.mark.parametrize(
    ("names", "ordered"),
    [
        (["Đèo Gia", "Dương Hưu", "Ân Thi", "An Bá", "Ăn Quả"], ["An Bá", "Ăn Quả", "Ân Thi", "Dương Hưu", "Đèo Gia"]),
        (["Ơn", "Ôn", "On", "Ưu", "Uy"], ["On", "Ôn", "Ơn", "Uy", "Ưu"]),
        (["Bạ", "Bá", "Bã", "Bả", "Bà", "Ba"], ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]),
        (["Hữu Sản", "Hưu", "Huy"], ["Huy", "Hưu", "Hữu Sản"]),
        (["An Lạc", "An", "Anh"], ["An", "An Lạc", "Anh"]),
    ],
)
def test_vietnamese_sort_key(names, ordered):
    assert sorted(names, key=sort_key) == ordered
    assert sorted(ordered, key=sort_key) == ordered
