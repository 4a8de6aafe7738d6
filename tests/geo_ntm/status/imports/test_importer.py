"""Importing decisions from provincial spreadsheets: real communes of Bắc Giang, files built in tmp_path.

Units and dates are real (from the embedded atlas); decision numbers are made up.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import InvalidParameterError, SourceError, TooLargeError
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.status import store as store_module
from geo_ntm.status.imports.importer import import_file
from geo_ntm.status.model import Decision, Revocation
from geo_ntm.status.store import SqliteStore

HEADER = ["Mã xã", "Tên xã", "Mức đạt", "Số QĐ", "Ngày ký", "Năm công nhận"]
ILLUSTRATIVE = {"source": "illustrative"}
TODAY = date(2025, 12, 31)
#: Communes of Sơn Động (district 220) in force on 2023-12-31.
SON_DONG = {
    "07651": "Xã Yên Định",
    "07663": "Xã Tuấn Đạo",
    "07642": "Xã Cẩm Đàn",
    "07645": "Xã An Lạc",
    "07621": "Xã Vân Sơn",
    "07624": "Xã Hữu Sản",
}


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return Atlas.load(DEFAULT_REGION)


@pytest.fixture
def store(tmp_path) -> SqliteStore:
    return SqliteStore(tmp_path / "status.sqlite")


def cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258: ă â ê ô ơ ư đ precomposed, tones as combining marks."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
            base = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out += (base + "".join(tones)).encode("cp1258")
    return out


def write_csv(path, rows, *, delimiter=",", encoding="utf-8"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def run(path, store, atlas, **kwargs):
    kwargs.setdefault("defaults", ILLUSTRATIVE)
    return import_file(path, store, atlas, actor="test importer", today=TODAY, **kwargs)


def problems(report) -> list[tuple]:
    return [(e["row"], e["column"], e["problem"]) for e in report.errors]


# -- clean files ---------------------------------------------------------------------------
def test_a_clean_csv_of_three_decisions_is_stored(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "qd.csv",
        [
            HEADER,
            ["07651", "Xã Yên Định", "Đạt chuẩn NTM", "101/QĐ-UBND", "15/03/2023", "2023"],
            ["07663", "Xã Tuấn Đạo", "Đạt chuẩn NTM", "102/QĐ-UBND", "2023-03-15", "năm 2023"],
            ["07642", "Xã Cẩm Đàn", "Đạt chuẩn NTM", "103/QĐ-UBND", "5/1/2024", "2023"],
        ],
    )
    report = run(path, store, atlas, defaults={"source": "official", "citation": "Công báo tỉnh Bắc Giang"})
    assert report.ok and report.rows_read == report.rows_ok == 3 and report.would_write == 3
    stored = store.decisions()
    assert [(d.unit_code, d.unit_name, d.level, d.signed, d.year_label) for d in stored] == [
        ("07651", "Xã Yên Định", "dat_chuan", date(2023, 3, 15), 2023),
        ("07663", "Xã Tuấn Đạo", "dat_chuan", date(2023, 3, 15), 2023),
        ("07642", "Xã Cẩm Đàn", "dat_chuan", date(2024, 1, 5), 2023),
    ]
    assert {d.source for d in stored} == {"official"} and stored[0].citation == "Công báo tỉnh Bắc Giang"
    assert {d.recorded_by for d in stored} == {"test importer"}
    assert [w["id"] for w in report.written] == [d.id for d in stored]
    assert [w["row"] for w in report.written] == [2, 3, 4]
    assert "wrote 3 records" in report.to_text()
    assert json.loads(report.to_json())["ok"] is True


def _cache_formula_value(path, cell: str, value: str) -> None:
    """Give a formula the value Excel would have saved with it (openpyxl writes none)."""
    with zipfile.ZipFile(path) as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    sheet = items["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(
        rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
        rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v>',
        sheet,
    )
    assert n == 1
    items["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)


def office_workbook(path, rows, *, formula_value=True):
    """A sheet as offices make them: a title, a blank row, a two-row header under merged cells,
    Excel dates, codes typed as numbers (the leading zero lost), an empty row and a formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"] = "DANH SÁCH XÃ ĐẠT CHUẨN NÔNG THÔN MỚI NĂM 2023"
    ws.merge_cells("A1:G1")
    for col, text in zip("ABCFG", ["STT", "Mã xã", "Tên xã", "Mức đạt", "Năm công nhận"]):
        ws[f"{col}3"] = text
        ws.merge_cells(f"{col}3:{col}4")
    ws["D3"] = "Quyết định"
    ws.merge_cells("D3:E3")
    ws["D4"], ws["E4"] = "Số", "Ngày"
    for i, row in enumerate(rows):
        for col, value in zip("ABCDEFG", row):
            ws[f"{col}{5 + i}"] = value
    ws["J2"] = None  # trailing empty columns
    wb.create_sheet("Ghi chú")["A1"] = "ghi chú"
    wb.save(path)
    return path


def test_an_office_xlsx_with_title_merged_header_blank_row_formula_and_lost_zeros(tmp_path, store, atlas):
    rows = [
        [1, 7651, "Xã Yên Định", "101/QĐ-UBND", datetime(2023, 3, 15), "Đạt chuẩn NTM", 2023],
        [
            2,
            7663,
            '=HYPERLINK("https://example.org/07663","Xã Tuấn Đạo")',
            "102/QĐ-UBND",
            datetime(2023, 3, 16),
            "Đạt chuẩn NTM",
            2023,
        ],
        [None] * 7,
        [3, "7642", "Xã Cẩm Đàn", "103/QĐ-UBND", 45000, "Đạt chuẩn NTM", "năm 2023"],
    ]
    path = office_workbook(tmp_path / "ds.xlsx", rows)
    _cache_formula_value(path, "C6", "Xã Tuấn Đạo")
    report = run(path, store, atlas)
    assert report.ok, report.to_text()
    assert report.sheet == "Danh sách" and report.header_rows == (3, 4)
    assert (
        report.columns["Quyết định / Số [D]"] == "decision_no" and report.columns["Quyết định / Ngày [E]"] == "signed"
    )
    assert report.skipped_empty_rows == [7]
    assert [(p["row"], p["value"], p["code"]) for p in report.padded_codes] == [
        (5, "7651", "07651"),
        (6, "7663", "07663"),
        (8, "7642", "07642"),
    ]
    stored = store.decisions()
    assert [(d.unit_code, d.unit_name, d.signed) for d in stored] == [
        ("07651", "Xã Yên Định", date(2023, 3, 15)),
        ("07663", "Xã Tuấn Đạo", date(2023, 3, 16)),
        ("07642", "Xã Cẩm Đàn", date(2023, 3, 15)),  # Excel serial 45000
    ]


def test_a_formula_excel_never_computed_is_an_error_naming_row_and_column(tmp_path, store, atlas):
    rows = [[1, 7651, "Xã Yên Định", '=CONCATENATE(101,"/QĐ-UBND")', datetime(2023, 3, 15), "Đạt chuẩn NTM", 2023]]
    report = run(office_workbook(tmp_path / "f.xlsx", rows), store, atlas)
    assert problems(report) == [(5, "Quyết định / Số [D]", "formula without a value; save the file in Excel first")]
    assert store.decisions() == []


# -- names -----------------------------------------------------------------------------------
def test_names_without_diacritics_with_prefixes_or_ocr_damage_resolve(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "ocr.csv",
        [
            ["Tên xã", "Huyện", "Mức đạt", "Số QĐ", "Ngày ký"],
            ["Xa Yen Dinh", "Son Dong", "Dat chuan NTM", "1/QD", "01/06/2023"],
            ["X. Tuan Pao", "H. Son Pong", "dat chuan ntm", "2/QD", "01/06/2023"],
            ["xã  cẩm   đàn", "Huyện Sơn Động", "Đạt chuẩn NTM", "3/QD", "01/06/2023"],
            ["Hửu Sản", "", "Đạt chuẩn NTM", "4/QD", "01/06/2023"],
        ],
        delimiter=";",
    )
    report = run(path, store, atlas)
    assert report.ok, report.to_text()
    assert [d.unit_code for d in store.decisions()] == ["07651", "07663", "07642", "07624"]
    fuzzy = {(f["row"], f["column"]): (f["code"], f["how"]) for f in report.fuzzy}
    assert fuzzy[(2, "Tên xã [A]")] == ("07651", "folded")
    assert fuzzy[(3, "Tên xã [A]")] == ("07663", "fuzzy") and fuzzy[(3, "Huyện [B]")] == ("220", "fuzzy")
    assert (4, "Tên xã [A]") not in fuzzy  # case, spacing and prefix are exact
    assert "matched by similar spelling" in report.to_text()
    assert "tên trong bảng / name in the sheet: «X. Tuan Pao»" in store.decisions()[1].note


def test_an_ambiguous_name_is_reported_with_candidates_and_nothing_is_written(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "amb.csv",
        [
            ["Tên xã", "Mức đạt", "Số QĐ", "Ngày ký"],
            ["Xã Yên Định", "Đạt chuẩn NTM", "1/QD", "01/06/2023"],
            ["Xã Phúc Sơn", "Đạt chuẩn NTM", "2/QD", "01/06/2023"],
        ],
    )
    report = run(path, store, atlas)
    [error] = report.errors
    assert (error["row"], error["column"]) == (3, "Tên xã [A]") and "named like" in error["problem"]
    assert {(c["code"], c["district"], c["score"]) for c in error["candidates"]} == {
        ("07318", "Huyện Tân Yên", 1.0),
        ("07630", "Huyện Sơn Động", 1.0),
    }
    assert store.decisions() == [] and report.written == [] and report.would_write == 0
    assert "07318 Xã Phúc Sơn, Huyện Tân Yên" in report.to_text()


def test_a_district_column_settles_the_ambiguity(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "d.csv",
        [
            ["Tên xã", "Huyện", "Mức đạt", "Số QĐ", "Ngày ký"],
            ["Phúc Sơn", "Tân Yên", "Đạt chuẩn NTM", "1/QD", "01/06/2023"],
        ],
    )
    assert run(path, store, atlas).ok
    assert [d.unit_code for d in store.decisions()] == ["07318"]


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '=HYPERLINK("http://evil","Yên Định")'])
def test_hostile_names_are_data_that_match_nothing(tmp_path, store, atlas, name):
    path = write_csv(tmp_path / "h.csv", [["Tên xã", "Mức đạt", "Ngày ký"], [name, "Đạt chuẩn NTM", "01/06/2023"]])
    report = run(path, store, atlas)
    [error] = report.errors
    assert error["value"] == name and error["problem"].startswith("no commune named")
    assert store.decisions() == []


# -- every check of a row names its row and column ---------------------------------------------
ROW_ERRORS = [
    # (cells of one row under HEADER + "Nguồn", column of the error, words of the problem)
    (["99999", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"], "Mã xã [A]", "no unit has code '99999'"),
    (["7209", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"], "Mã xã [A]", "read as 07209 (leading zeros"),
    (["072010", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"], "Mã xã [A]", "has 6 digits"),
    (
        ["220", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"],
        "Mã xã [A]",
        "220 is a district code (Huyện Sơn Động), not a commune code",
    ),
    (["07423", "", "Đạt chuẩn NTM", "1/QD", "01/06/2021", "2021"], "Mã xã [A]", "did not exist on 2021-06-01"),
    (["", "Xã Phi Mô", "Đạt chuẩn NTM", "1/QD", "01/06/2021", "2021"], "Tên xã [B]", "in force: 07423 Xã Phi Mô"),
    (
        # merged into the thị trấn of the same name (another code) in 2020
        ["", "Xã An Châu", "Đạt chuẩn NTM", "1/QD", "01/06/2021", "2021"],
        "Tên xã [B]",
        "07657 Xã An Châu 2010-09-28…2019-12-31; Thị trấn An Châu was in force",
    ),
    (
        # the xã became a thị trấn under the same code in 2020: found, and not in the programme
        ["", "Xã Phồn Xương", "Đạt chuẩn NTM", "1/QD", "01/06/2021", "2021"],
        "Mức đạt [C]",
        "Thị trấn Phồn Xương is a thị trấn: wards and towns are not in the NTM programme",
    ),
    (["07651", "Xã An Lạc", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"], "Tên xã [B]", "does not match unit 07651"),
    (["07651", "", "Hoàn thành nhiệm vụ", "1/QD", "01/06/2023", "2023"], "Mức đạt [C]", "not granted to a commune"),
    (["07615", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"], "Mức đạt [C]", "wards and towns"),
    (["07651", "", "NTM nâng cao", "1/QD", "01/06/2023", "2023"], "Mức đạt [C]", "nang_cao skips a level"),
    (["07651", "", "Chưa đạt", "1/QD", "01/06/2023", "2023"], "Mức đạt [C]", "not reached"),
    (["07651", "", "", "1/QD", "01/06/2023", "2023"], "Mức đạt [C]", "missing"),
    (["07651", "", "Đạt chuẩn NTM", "1/QD", "", "2023"], "Ngày ký [E]", "missing"),
    (["07651", "", "Đạt chuẩn NTM", "1/QD", "31/02/2023", "2023"], "Ngày ký [E]", "not a date"),
    (["07651", "", "Đạt chuẩn NTM", "1/QD", "02/25/2023", "2023"], "Ngày ký [E]", "read day/month/year"),
    (["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2026", "2026"], "Ngày ký [E]", "after today"),
    (["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2021"], "Năm công nhận [F]", "more than one year"),
    (["", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"], "Tên xã [B]", "missing: a unit code or name"),
]


@pytest.mark.parametrize(("cells", "column", "words"), ROW_ERRORS)
def test_a_bad_row_is_named_by_row_and_column(tmp_path, store, atlas, cells, column, words):
    good = ["07663", "", "Đạt chuẩn NTM", "9/QD", "01/06/2023", "2023"]
    path = write_csv(tmp_path / "bad.csv", [HEADER, good, cells])
    report = run(path, store, atlas)
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, column)], report.to_text()
    assert words in report.errors[0]["problem"]
    assert report.rows_read == 2 and report.rows_ok == 1
    assert store.decisions() == []


@pytest.mark.parametrize(
    ("header", "value", "words"),
    [
        ("Tiêu chí đạt", "1;2;25", "criteria [25] are not in set xa-ntm-2021-2025"),
        ("Tiêu chí đạt", "15/19 tiêu chí", "a count of criteria"),
        ("Bộ tiêu chí", "xa-ntm-2099", "unknown criteria set"),
        ("Nguồn", "demo", "is not a source"),
        ("Nguồn", "official", "needs a citation"),
    ],
)
def test_a_bad_value_in_an_optional_column_is_named(tmp_path, store, atlas, header, value, words):
    path = write_csv(
        tmp_path / "v.csv", [[*HEADER, header], ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023", value]]
    )
    report = run(path, store, atlas)
    [error] = report.errors
    column = "(no citation column)" if words == "needs a citation" else header
    assert error["row"] == 2 and error["column"].startswith(column) and words in error["problem"], report.to_text()


def test_criteria_are_checked_and_stored_against_the_inferred_set(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "c.csv",
        [[*HEADER, "Tiêu chí đạt"], ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023", "1-19"]],
    )
    assert run(path, store, atlas).ok
    [d] = store.decisions()
    assert d.criteria_set == "xa-ntm-2021-2025" and d.criteria_met == tuple(range(1, 20))


def test_levels_nest_counting_the_store_and_earlier_rows_of_the_file(tmp_path, store, atlas):
    with store.write("seed") as w:
        w.add_decision(Decision("commune", "07651", "Xã Yên Định", "dat_chuan", date(2021, 5, 1), 2021, "illustrative"))
    path = write_csv(
        tmp_path / "n.csv",
        [
            HEADER,
            ["07651", "", "NTM nâng cao", "2/QD", "01/06/2023", "2023"],  # NTM in the store
            ["07663", "", "NTM kiểu mẫu", "3/QD", "01/06/2024", "2024"],  # needs nang_cao: row 5
            ["07663", "", "Đạt chuẩn NTM", "4/QD", "01/06/2022", "2022"],
            ["07663", "", "NTM nâng cao", "5/QD", "01/06/2023", "2023"],
            ["07642", "", "NTM kiểu mẫu", "6/QD", "01/06/2024", "2024"],  # holds nothing
        ],
    )
    report = run(path, store, atlas)
    assert [(e["row"], e["column"]) for e in report.errors] == [(6, "Mức đạt [C]")]
    assert (
        "kieu_mau skips a level" in report.errors[0]["problem"] and "holds no nang_cao" in report.errors[0]["problem"]
    )


def test_a_revocation_removes_what_the_next_level_needs(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "r.csv",
        [
            HEADER,
            ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2021", "2021"],
            ["07651", "", "Thu hồi đạt chuẩn NTM", "2/QD", "01/06/2022", ""],
            ["07651", "", "NTM nâng cao", "3/QD", "01/06/2023", "2023"],
        ],
    )
    report = run(path, store, atlas)
    assert [(e["row"], "skips a level" in e["problem"]) for e in report.errors] == [(4, True)]
    path = write_csv(
        tmp_path / "r2.csv",
        [
            [*HEADER, "Lý do"],
            ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2021", "2021", ""],
            ["07651", "", "Thu hồi NTM", "2/QD", "01/06/2022", "", "50% tiêu chí không đạt"],
        ],
    )
    assert run(path, store, atlas).ok
    [r] = store.revocations()
    assert isinstance(r, Revocation) and (r.unit_code, r.level, r.reason) == (
        "07651",
        "dat_chuan",
        "50% tiêu chí không đạt",
    )


def test_duplicates_in_the_file_and_in_the_store_are_all_listed_before_writing(tmp_path, store, atlas):
    rows = [
        HEADER,
        ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"],
        ["07663", "", "Đạt chuẩn NTM", "2/QD", "01/06/2023", "2023"],
    ]
    assert run(write_csv(tmp_path / "a.csv", rows), store, atlas).ok
    rows.append(["07642", "", "Đạt chuẩn NTM", "3/QD", "01/06/2023", "2023"])
    rows.append(["7642", "", "Đạt chuẩn NTM", "3/QD", "01/06/2023", "2023"])
    report = run(write_csv(tmp_path / "b.csv", rows), store, atlas)
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "Số QĐ [D]"), (3, "Số QĐ [D]"), (5, "Số QĐ [D]")]
    assert "already in the store as #1" in report.errors[0]["problem"]
    assert "also in row 4" in report.errors[2]["problem"]
    assert len(store.decisions()) == 2


def test_a_district_sheet(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "huyen.csv",
        [
            ["Mã huyện", "Huyện", "Kết quả", "Số QĐ", "Ngày ký", "Năm công nhận"],
            ["218", "Huyện Lục Nam", "Đạt chuẩn NTM", "37/QĐ-TTg", "11/01/2024", "2023"],
            ["213", "Thành phố Bắc Giang", "Đạt chuẩn NTM", "1/QĐ-TTg", "11/01/2024", "2023"],
        ],
    )
    report = run(path, store, atlas, defaults={"source": "illustrative", "unit_level": "district"})
    assert problems(report) == [
        (
            3,
            "Kết quả [C]",
            "Thành phố Bắc Giang is a thành phố, recognised 'hoàn thành "
            "nhiệm vụ xây dựng NTM' (hoan_thanh), not dat_chuan",
        )
    ]


# -- all or nothing ---------------------------------------------------------------------------
def _fifty_good_rows(atlas) -> list[list]:
    communes = atlas.units_on("2023-06-01", "commune")
    communes = communes[communes["type"] == "Xã"].head(50)
    return [
        [c, n, "Đạt chuẩn NTM", f"{i}/QĐ-UBND", "01/06/2023", "2023"]
        for i, (c, n) in enumerate(zip(communes["code"], communes["name"]))
    ]


def test_dry_run_writes_nothing(tmp_path, store, atlas):
    path = write_csv(tmp_path / "dry.csv", [HEADER, *_fifty_good_rows(atlas)[:3]])
    version = store.data_version()
    report = run(path, store, atlas, dry_run=True)
    assert report.ok and report.would_write == 3 and report.written == []
    assert store.decisions() == [] and store.data_version() == version and store.changes() == []
    assert "dry run" in report.to_text()


def test_a_failing_row_after_fifty_good_rows_writes_nothing(tmp_path, store, atlas):
    rows = [HEADER, *_fifty_good_rows(atlas), ["07651", "", "NTM kiểu mẫu", "99/QĐ", "01/06/2023", "2023"]]
    report = run(write_csv(tmp_path / "many.csv", rows), store, atlas)
    assert report.rows_read == 51 and report.rows_ok == 50
    assert [e["row"] for e in report.errors] == [52]
    assert store.decisions() == [] and store.data_version() == 0


def test_a_crash_in_the_middle_of_writing_leaves_nothing(tmp_path, store, atlas, monkeypatch):
    calls = []
    add = store_module.Writer.add_decision

    def failing(self, d):
        calls.append(d)
        if len(calls) == 30:
            raise RuntimeError("disk gone")
        return add(self, d)

    monkeypatch.setattr(store_module.Writer, "add_decision", failing)
    with pytest.raises(RuntimeError):
        run(write_csv(tmp_path / "many.csv", [HEADER, *_fifty_good_rows(atlas)]), store, atlas)
    assert len(calls) == 30 and store.decisions() == [] and store.changes() == []


# -- reading files ----------------------------------------------------------------------------
def test_a_wrong_sheet_name_lists_the_sheets(tmp_path, store, atlas):
    path = office_workbook(tmp_path / "s.xlsx", [[1, 7651, "Xã Yên Định", "1/QD", datetime(2023, 3, 15), "NTM", 2023]])
    with pytest.raises(SourceError, match=r"no sheet 'Sheet1'.*1: 'Danh sách', 2: 'Ghi chú'"):
        run(path, store, atlas, sheet="Sheet1")
    assert run(path, store, atlas, sheet="danh sach").ok  # without diacritics
    with pytest.raises(SourceError, match="no header row"):
        run(path, store, atlas, sheet=2)


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ";"), ("cp1258", ","), ("utf-16", "\t"), ("utf-8", "\t")]
)
def test_csv_encodings_and_delimiters(tmp_path, store, atlas, encoding, delimiter):
    path = write_csv(
        tmp_path / "e.csv",
        [
            ["Danh sách các xã đạt chuẩn"],
            [],
            HEADER,
            ["07651", "Xã Yên Định", "Đạt chuẩn NTM", "1/QĐ", "01/06/2023", "2023"],
        ],
        delimiter=delimiter,
        encoding=encoding,
    )
    report = run(path, store, atlas)
    assert report.ok and report.header_rows == (3,), report.to_text()
    assert [(d.unit_name, d.decision_no) for d in store.decisions()] == [("Xã Yên Định", "1/QĐ")]
    assert not report.fuzzy  # the names were decoded with their diacritics


def test_an_xlsx_named_csv_is_read_as_xlsx(tmp_path, store, atlas):
    xlsx = office_workbook(tmp_path / "s.xlsx", [[1, 7651, "Xã Yên Định", "1/QD", datetime(2023, 3, 15), "NTM", 2023]])
    path = tmp_path / "really.csv"
    path.write_bytes(xlsx.read_bytes())
    assert run(path, store, atlas).ok


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", SourceError, "empty"),
        (bytes(range(256)) * 20, SourceError, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, SourceError, ".xls"),
        (b"PK\x03\x04 not really a zip", SourceError, "not a spreadsheet"),
        (b"a,b\n1,2\n" * 2000, TooLargeError, "limit"),
        (b"just one line of text\n", SourceError, "no header row"),
    ],
)
def test_hostile_files_are_refused_with_one_clear_error(tmp_path, store, atlas, content, error, words):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(error, match=re.escape(words)):
        run(path, store, atlas, max_bytes=10_000)


# -- mapping and defaults ---------------------------------------------------------------------
def test_headers_the_defaults_do_not_know_are_mapped_by_the_user(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["Đơn vị được công nhận", "Mã số", "Danh hiệu đạt", "QĐ", "Thời điểm"],
            ["Xã Yên Định", "7651", "Đạt chuẩn NTM", "1/QĐ", "01/06/2023"],
        ],
    )
    mapping = {
        "Đơn vị được công nhận": "unit_name",
        "Mã số": "unit_code",
        "Danh hiệu đạt": "level",
        "QĐ": "decision_no",
        "thoi diem": "signed",
    }
    assert run(path, store, atlas, mapping=mapping).ok
    toml = tmp_path / "map.toml"
    toml.write_text(
        '[columns]\n"Đơn vị được công nhận" = "unit_name"\n"Danh hiệu đạt" = "level"\n'
        '"Thời điểm" = "signed"\n"Mã số" = "ignore"\n"QĐ" = "decision_no"\n'
        '[defaults]\nsource = "illustrative"\n',
        encoding="utf-8",
    )
    report = import_file(path, SqliteStore(tmp_path / "other.sqlite"), atlas, actor="t", mapping=toml)
    assert report.ok and report.columns["Mã số [B]"] == "ignore"
    with pytest.raises(InvalidParameterError, match="'unit_nam' is not a field"):
        run(path, store, atlas, mapping={"Mã số": "unit_nam"})


def test_missing_columns_and_defaults_are_usage_errors(tmp_path, store, atlas):
    path = write_csv(tmp_path / "u.csv", [HEADER, ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"]])
    with pytest.raises(SourceError, match="no source column and no default"):
        run(path, store, atlas, defaults={})
    with pytest.raises(InvalidParameterError, match="needs a citation"):
        run(path, store, atlas, defaults={"source": "official"})
    two = write_csv(tmp_path / "two.csv", [["Xã", "Tên xã", "Mức đạt", "Ngày ký"], ["a", "b", "c", "d"]])
    with pytest.raises(SourceError, match="both read as unit_name"):
        run(two, store, atlas)


def test_strict_names_refuse_what_only_similar_spelling_found(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "s.csv",
        [["Tên xã", "Huyện", "Mức đạt", "Ngày ký"], ["Tuan Pao", "Sơn Động", "NTM", "01/06/2023"],
         ["Xa Yen Dinh", "Sơn Động", "NTM", "01/06/2023"]],
    )  # fmt: skip
    report = run(path, store, atlas, accept_fuzzy=False)
    [error] = report.errors
    assert error["row"] == 2 and "similar spelling" in error["problem"]
    assert error["candidates"][0]["code"] == "07663"


def test_excel_error_values_and_decomposed_unicode(tmp_path, store, atlas):
    import unicodedata as ud

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["07651", ud.normalize("NFD", "Xã Yên Định"), "Đạt chuẩn NTM", "1/QD", datetime(2023, 6, 1), 2023])
    ws.append(["07663", "Xã Tuấn Đạo", "Đạt chuẩn NTM", "#REF!", datetime(2023, 6, 1), 2023])
    wb.save(tmp_path / "e.xlsx")
    report = run(tmp_path / "e.xlsx", store, atlas)
    assert problems(report) == [(3, "Số QĐ [D]", "Excel shows the error #REF! here: fix the formula or type the value")]
    assert not report.fuzzy  # NFD was normalised to NFC: an exact match


def test_a_district_code_column_checks_the_commune(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "d.csv",
        [["Mã huyện", "Mã xã", "Mức đạt", "Ngày ký"], ["220", "07651", "NTM", "01/06/2023"],
         ["216", "07663", "NTM", "01/06/2023"], ["216", "", "NTM", "01/06/2023"]],
    )  # fmt: skip
    report = run(path, store, atlas)
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "Mã huyện [A]"), (4, "Mã xã [B]")]
    assert "was in Huyện Sơn Động on 2023-06-01, not in Huyện Tân Yên" in report.errors[0]["problem"]


def test_after_the_2025_reform_a_district_column_is_a_warning(tmp_path, store, atlas):
    communes = atlas.units_on("2025-09-01", "commune")
    code, name = communes.iloc[0]["code"], communes.iloc[0]["name"]
    path = write_csv(
        tmp_path / "r.csv", [["Mã xã", "Huyện", "Mức đạt", "Ngày ký"], [code, "Sơn Động", "NTM", "01/09/2025"]]
    )
    report = run(path, store, atlas)
    assert not report.errors or report.errors[0]["column"] == "Mức đạt [C]"  # a ward is not in the programme
    assert [w["row"] for w in report.warnings] == [2] and "abolished" in report.warnings[0]["problem"], name


def test_a_store_path_is_opened_only_once_the_file_was_read(tmp_path, atlas):
    path = write_csv(tmp_path / "p.csv", [HEADER, ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"]])
    target = tmp_path / "var" / "s.sqlite"
    with pytest.raises(SourceError):
        run(path, target, atlas, defaults={})  # no source: a usage error
    assert not target.parent.exists()
    assert run(path, target, atlas, dry_run=True).would_write == 1 and not target.parent.exists()
    assert run(path, str(target), atlas).ok and len(SqliteStore(target).decisions()) == 1


def test_a_wrapped_store_is_used_as_a_store(tmp_path, store, atlas):
    class Wrapped:  # what a caller pins or decorates: not a StatusStore subclass
        def __getattr__(self, name):
            return getattr(store, name)

    path = write_csv(tmp_path / "w.csv", [HEADER, ["07651", "", "Đạt chuẩn NTM", "1/QD", "01/06/2023", "2023"]])
    assert run(path, Wrapped(), atlas).ok and len(store.decisions()) == 1


def test_a_sheet_of_years_only_records_the_year_precision(tmp_path, store, atlas):
    path = write_csv(
        tmp_path / "y.csv",
        [["Huyện", "Kết quả", "Năm đạt chuẩn"], ["Việt Yên", "Huyện đạt chuẩn NTM", "2018"],
         ["Lạng Giang", "Đạt chuẩn NTM", "năm 2019"], ["Tân Yên", "Đạt chuẩn NTM", "20"]],
    )  # fmt: skip
    report = run(path, store, atlas, defaults={"source": "illustrative", "unit_level": "district"})
    assert problems(report) == [
        (4, "Năm đạt chuẩn [C]", "'20' is not a date; write dd/mm/yyyy (e.g. 25/12/2019) or yyyy-mm-dd")
    ]
    report = run(write_csv(tmp_path / "y2.csv", [["Huyện", "Kết quả", "Năm đạt chuẩn"], ["Việt Yên", "NTM", "2018"]]),
                 store, atlas, defaults={"source": "illustrative", "unit_level": "district"})  # fmt: skip
    assert report.ok
    [d] = store.decisions()
    assert (d.unit_code, d.signed, d.signed_precision, d.year_label) == ("222", date(2018, 12, 31), "year", 2018)
