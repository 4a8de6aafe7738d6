"""Reading a spreadsheet costs what its limits allow, whatever the file claims or leaves out.

The audit's reproduction: a 1.6 KB .xlsx whose only data row is row 10,000,000 took 26 s of CPU
and 1.3 GB of memory and was accepted, because the empty rows openpyxl makes up did not count.
"""

from __future__ import annotations

import pytest

from geo_ntm.errors import SourceError, TooLargeError
from geo_ntm.status.imports.sheets import HEADER_SCAN, read_table
from geo_ntm.status.imports.xlsx import MAX_CELLS, MAX_COLUMNS, MAX_ROW_TAGS
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


def test_a_cell_far_to_the_right_is_refused_before_parsing(tmp_path):
    """Each cell costs openpyxl microseconds wherever it is: one at XFD per row makes rows 16,384 wide."""
    with pytest.raises(TooLargeError, match=r"has a cell at XFD2, right of column IV \(256\)"):
        read(tmp_path, wide_rows(2000))


def test_a_row_of_too_many_cells_without_references_is_refused(tmp_path):
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c></row><row>' + "<c/>" * 300 + "</row>"
    with pytest.raises(TooLargeError, match="more than 256 cells in row 2"):
        read(tmp_path, workbook(sheet(body)))


@pytest.mark.parametrize(("rows", "cells"), [(MAX_CELLS // 200 + 1, 200), (MAX_ROW_TAGS + 1, 0)])
def test_millions_of_written_out_empty_cells_or_rows_are_refused_before_parsing(tmp_path, rows, cells):
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c></row>'
    body += ("<row>" + "<c/>" * cells + "</row>") * rows  # no r attributes: counted all the same
    with pytest.raises(TooLargeError, match=f"more than {MAX_CELLS:,} cells or {MAX_ROW_TAGS:,} rows"):
        read(tmp_path, workbook(sheet(body)))


def test_columns_up_to_the_limit_are_read(tmp_path):
    header = HEADER + [f"note {i}" for i in range(MAX_COLUMNS - len(HEADER))]
    table = read(tmp_path, workbook(sheet({1: header, 2: GOOD_ROW})))
    assert [c.field for c in table.columns][: len(HEADER)] == HEADER
    assert len(table.columns) == MAX_COLUMNS and table.rows[0].values[: len(GOOD_ROW)] == GOOD_ROW


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
