"""Reading a spreadsheet costs what its limits allow, whatever the file claims or leaves out.

The audit's reproduction: a 1.6 KB .xlsx whose only data row is row 10,000,000 took 26 s of CPU
and 1.3 GB of memory and was accepted, because the empty rows openpyxl makes up did not count.
"""

from __future__ import annotations

import pytest

from geo_ntm.errors import SourceError, TooLargeError
from geo_ntm.status.imports.sheets import HEADER_SCAN, MAX_COLUMNS, read_table
from tests.hostile_files import GOOD_ROW, HEADER, blank_csv, far_row_bomb, sheet, wide_rows, workbook


def classify(label: str) -> str | None:
    return label if label in HEADER else None


def read(tmp_path, content: bytes, **kwargs):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    return read_table(path, classify, **kwargs)


def test_the_audits_bomb_is_refused_naming_the_row_limit(tmp_path):
    content = far_row_bomb(10_000_000)
    assert len(content) < 2000
    with pytest.raises(TooLargeError, match=r"goes on past row 100,030 \(empty rows count too\)"):
        read(tmp_path, content)


def test_a_sheet_that_declares_too_many_rows_is_refused_before_reading(tmp_path):
    with pytest.raises(TooLargeError, match=r"declares 10,000,000 rows \(dimension A1:E10000000\)"):
        read(tmp_path, far_row_bomb(10_000_000, dimension="A1:E10000000"))


def test_the_row_limit_counts_empty_rows_within_a_small_limit_too(tmp_path):
    rows = {1: HEADER, 2: GOOD_ROW, 60: GOOD_ROW}
    assert [r.number for r in read(tmp_path, workbook(sheet(rows)), max_rows=40).rows] == [2, 60]
    with pytest.raises(TooLargeError, match="goes on past row 39"):
        read(tmp_path, workbook(sheet(rows)), max_rows=9)


def test_a_dimension_that_says_too_little_does_not_cut_rows(tmp_path):
    rows = {1: HEADER, **{n: GOOD_ROW[:-1] + [f"{n}/QĐ"] for n in range(2, 80)}}
    table = read(tmp_path, workbook(sheet(rows, dimension="A1:B2")))
    assert len(table.rows) == 78 and table.rows[-1].values[-1] == "79/QĐ"


def test_cells_far_to_the_right_are_not_read(tmp_path):
    table = read(tmp_path, wide_rows(2000))
    assert len(table.rows) == 2000
    assert all(len(r.values) == len(HEADER) for r in table.rows)


def test_a_header_beyond_the_columns_searched_is_not_found(tmp_path):
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>' \
           '<c r="JA1" t="inlineStr"><is><t>level</t></is></c></row>'  # fmt: skip
    assert MAX_COLUMNS < 261  # JA is column 261
    with pytest.raises(SourceError, match="no sheet has a header row"):
        read(tmp_path, workbook(sheet(body)))


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (workbook(sheet({1: HEADER}), workbook_xml="<"), "workbook part is one '<'"),
        (workbook(sheet({1: HEADER, 2: GOOD_ROW})[:-1]), "sheet cut short"),  # the zip is cut: not a zip
        (workbook(sheet({1: HEADER, 2: GOOD_ROW}).replace("</sheetData>", "<row r='3'><c")), "sheet XML broken"),
        (workbook(sheet({1: HEADER}).replace('<row r="1">', '<row r="nan">')), "row number not a number"),
    ],
)
def test_a_broken_workbook_is_one_clear_error(tmp_path, content, what):
    with pytest.raises(SourceError, match=r"not a (readable \.xlsx workbook|spreadsheet)") as caught:
        read(tmp_path, content)
    assert "Traceback" not in str(caught.value) and "line 1, column" not in str(caught.value), what


def test_xml_broken_after_the_header_search_is_one_clear_error(tmp_path):
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>07222</t></is></c></row>' for n in range(2, 80))
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>' \
           '<c r="B1" t="inlineStr"><is><t>level</t></is></c></row>' + rows + '<row r="81"><c r="A81" t='  # fmt: skip
    with pytest.raises(SourceError, match=r"not a readable \.xlsx workbook \(ParseError\)"):
        read(tmp_path, workbook(sheet(body)))


def test_a_csv_of_blank_lines_is_refused_at_the_limit(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(blank_csv(200))
    with pytest.raises(TooLargeError, match=f"more than {100 + HEADER_SCAN} rows"):
        read_table(path, classify, max_rows=100)
    assert [r.number for r in read_table(path, classify, max_rows=200).rows] == [202]
