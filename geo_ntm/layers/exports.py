"""Tables and layers as downloadable files: CSV, XLSX and GeoPackage bytes.

Unit names and other text are data and may hold anything. A spreadsheet would run text that
starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) as a formula, so in CSV and
XLSX such text is prefixed with a single quote, as OWASP recommends ("CSV injection").
Numbers are never touched: a negative number stays a number (and text that is just a plain
number, such as ``"-12.5"``, is left alone too, since a spreadsheet reads it as a number).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from geo_ntm.errors import InvalidParameterError

from ._frame import cell, text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Longest text Excel keeps in a cell.
XLSX_MAX_TEXT = 32767


def neutralised(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame, columns: Sequence[str] | Mapping[str, str], *, bom: bool = True) -> bytes:
    """The ``columns`` of ``frame`` as CSV (RFC 4180, UTF-8).

    Parameters
    ----------
    frame : DataFrame
        The table (a GeoDataFrame's geometry column may not be listed).
    columns : sequence of str, or mapping of column → header
        Columns to write, in order; a mapping also renames them in the header row.
    bom : bool
        Start with a UTF-8 byte order mark, so Excel reads Vietnamese letters right.

    Returns
    -------
    bytes
        Header row, then one row per record. Missing values are empty; yes/no values 1 and 0
        (the words the service's query parameters take, not Python's ``True``); dates ISO 8601;
        lists and dicts JSON; formula-like text neutralised (see the module docstring).
    """
    names, headers = _columns(frame, columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralised(h) for h in headers])
    for row in zip(*(frame[c].astype(object).tolist() for c in names), strict=True):
        writer.writerow([_csv_value(v) for v in map(_cell, row)])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return int(v)
    return v if isinstance(v, (int, float)) else neutralised(text(v))


def xlsx_bytes(frame: pd.DataFrame, columns: Sequence[str] | Mapping[str, str], sheet_name: str = "data") -> bytes:
    """The ``columns`` of ``frame`` as an Excel workbook of one sheet.

    The header row is bold and frozen, column widths fit their contents (up to 60 characters),
    numbers and booleans are number and boolean cells, dates are date cells, missing values
    are empty, other values text (formula-like text neutralised; characters XML cannot hold
    dropped; text cut at Excel's 32,767 characters).

    Parameters
    ----------
    frame : DataFrame
        The table.
    columns : sequence of str, or mapping of column → header
        Columns to write, in order; a mapping also renames them in the header row.
    sheet_name : str
        1 to 31 characters, none of ``[ ] : * ? / \\``, not starting or ending with ``'``.
    """
    names, headers = _columns(frame, columns)
    if (
        not isinstance(sheet_name, str)
        or not 1 <= len(sheet_name) <= 31
        or _SHEET_FORBIDDEN.search(sheet_name)
        or sheet_name.startswith("'")
        or sheet_name.endswith("'")
    ):
        raise InvalidParameterError(
            f"sheet_name {sheet_name!r} is not allowed: use 1 to 31 characters, none of "
            "[ ] : * ? / \\, not starting or ending with an apostrophe"
        )
    rows = [
        [_xlsx_value(_cell(v)) for v in row]
        for row in zip(*(frame[c].astype(object).tolist() for c in names), strict=True)
    ]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    for i, header in enumerate(headers):
        longest = max([len(str(header))] + [len(_shown(r[i])) for r in rows])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gpkg_bytes(gdf: gpd.GeoDataFrame, layer: str) -> bytes:
    """The layer as a GeoPackage file of one layer named ``layer``, in the layer's CRS.

    Dates are written as ISO 8601 text, lists and dicts as JSON text (GeoPackage columns hold
    neither). Text is kept as it is: a GeoPackage is data, not a spreadsheet.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InvalidParameterError(f"gpkg_bytes needs a GeoDataFrame, not {type(gdf).__name__}")
    if not isinstance(layer, str) or not layer.strip():
        raise InvalidParameterError(f"layer must be a non-empty name, not {layer!r}")
    out = gdf.copy()
    for column in out.columns:
        if column != out.geometry.name and out[column].dtype == object:
            out[column] = [_gpkg_value(v) for v in out[column]]
    with tempfile.TemporaryDirectory(prefix="geo-ntm-") as folder:
        path = Path(folder) / "layer.gpkg"
        out.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def _columns(frame, columns) -> tuple[list, list[str]]:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError(f"frame must be a DataFrame, not {type(frame).__name__}")
    if isinstance(columns, str):
        raise InvalidParameterError(f"columns must be a list of column names, not the string {columns!r}")
    names = list(columns)
    headers = [str(columns[c]) for c in names] if isinstance(columns, Mapping) else [str(c) for c in names]
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    wrong = [c for c in names if c not in frame.columns or c == geometry]
    if wrong or not names:
        allowed = [c for c in frame.columns if c != geometry]
        raise InvalidParameterError(f"columns {wrong or '[]'} are not columns of the table; choose from {allowed}")
    return names, headers


def _cell(value):
    """A plain value; non-finite floats become None (neither CSV readers nor Excel keep them)."""
    value = cell(value)
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    return value


def _xlsx_value(value):
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, date) and getattr(value, "tzinfo", None) is None:  # Excel has no time zones
        return value
    return neutralised(ILLEGAL_CHARACTERS_RE.sub("", text(value))[:XLSX_MAX_TEXT])


def _shown(value) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, date) else str(value)


def _gpkg_value(value):
    value = cell(value)
    return text(value) if isinstance(value, (date, list, dict)) else value
