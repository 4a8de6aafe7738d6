"""Spreadsheets written by hand, part by part, the way an attacker (or a broken exporter) writes them.

openpyxl only writes well-formed workbooks; these are the other kind: a sheet whose only data row
is row 10,000,000, a ``<dimension>`` that lies either way, cells at column XFD, XML cut short.
Used by the importer tests and by ``bench/import_bomb_bench.py``.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

#: Headers and one good row the importer accepts (a commune that exists on that day).
HEADER = ["unit_code", "level", "signed", "source", "decision_no"]
GOOD_ROW = ["07222", "dat_chuan", "2023-05-02", "illustrative", "B-1/QĐ"]


def workbook(sheet_xml: str, workbook_xml: str | None = None) -> bytes:
    """An .xlsx holding one sheet part as given (and a workbook part as given, or a correct one)."""
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_RELS[:-13]}content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": workbook_xml
        or f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_DOC}">'
        '<sheets><sheet name="QĐ" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def column(index: int) -> str:
    """Excel's letters of a 1-based column number (1 → A, 16384 → XFD)."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def row_xml(number: int, values: list[str], first_column: int = 1) -> str:
    cells = "".join(
        f'<c r="{column(first_column + i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def sheet(rows: dict[int, list[str]] | str, dimension: str | None = None) -> str:
    """A sheet part with these rows (number → texts), or with this ``<sheetData>`` body already written."""
    body = rows if isinstance(rows, str) else "".join(row_xml(n, v) for n, v in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
    return f"{head}{dim}<sheetData>{body}</sheetData></worksheet>"


def far_row_bomb(row: int = 10_000_000, dimension: str | None = None) -> bytes:
    """The audit's bomb: a header, and the only data row at ``row``; 1.6 KB."""
    return workbook(sheet({1: HEADER, row: GOOD_ROW}, dimension))


def wide_rows(rows: int, last_column: int = 16384) -> bytes:
    """A header, then ``rows`` good rows that each also hold a cell at column ``last_column`` (XFD)."""
    body = row_xml(1, HEADER) + "".join(
        row_xml(n, GOOD_ROW[:-1] + [f"W-{n}/QĐ"])[: -len("</row>")]
        + f'<c r="{column(last_column)}{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(2, rows + 2)
    )
    return workbook(sheet(body))


def blank_csv(lines: int) -> bytes:
    """A CSV header, then ``lines`` empty lines and one data line."""
    return (",".join(HEADER) + "\n" + "\n" * lines + ",".join(GOOD_ROW) + "\n").encode()
