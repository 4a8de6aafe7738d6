""".xlsx workbooks read within bounds: openpyxl in read-only mode, values and formulas side by side.

A workbook is opened twice (the values Excel last computed, and the formulas) and read one row
at a time. Everything that can go wrong in the parser on a hostile or broken file (bad XML,
missing parts, nonsense numbers) becomes one :class:`~geo_ntm.errors.SourceError`; a sheet
that declares or reaches more rows than allowed is a :class:`~geo_ntm.errors.TooLargeError`.

openpyxl parses every cell of a row it reads (some 5 to 25 µs each), wherever the cell is, and
every sheet once when it opens a workbook, so a few MB of zipped XML holding millions of empty
cells would cost minutes. Before openpyxl opens a workbook, :func:`scan_workbook` runs through
its sheets' XML with regular expressions over the unzipped stream (the cells counted in C) and
refuses one with a cell right of column :data:`MAX_COLUMNS`, or more than :data:`MAX_CELLS`
cells or :data:`MAX_ROW_TAGS` rows in all: what openpyxl then parses is bounded by what an
honest workbook of the maximum size holds.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from geo_ntm.errors import GeoNtmError, SourceError, TooLargeError
from geo_ntm.names import fold

#: An .xlsx is a zip; refuse one that would inflate beyond this (a "zip bomb").
MAX_UNZIPPED = 400 * 1024 * 1024
#: Columns a sheet may use: Excel 2003's limit (IV), far more than any decision sheet has.
MAX_COLUMNS = 256
#: Cells a workbook may hold (empty ones written out count): 100,000 rows of 10 columns, or 20,000 of 50.
MAX_CELLS = 1_000_000
#: Row elements a workbook may hold, in all its sheets (a sheet of its own has at most 100,030).
MAX_ROW_TAGS = 400_000
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])")
#: A cell whose reference names a column right of IV: three letters, J…Z then a letter, or IW…IZ.
_FAR = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*["']\s*([A-Za-z]{3,}|[J-Zj-z][A-Za-z]|[Ii][W-Zw-z])(\d+)"""
)
_R = re.compile(rb"""\sr\s*=\s*["']\s*(\d+)""")
_CHUNK = 1 << 20


def open_workbook(path: Path, content: bytes, data_only: bool):
    import openpyxl

    try:  # from bytes: openpyxl refuses a file name without an Excel extension
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception as exc:  # broken XML, missing parts, bad values: whatever the parser trips on
        raise unreadable(path, exc) from None


def unreadable(path: Path, exc: Exception) -> SourceError:
    """A workbook openpyxl cannot parse (the exception's class names the kind of damage, never its text)."""
    return SourceError(
        str(path),
        f"not a readable .xlsx workbook ({exc.__class__.__name__}); "
        "save it again from Excel as .xlsx, or as CSV (UTF-8)",
    )


def check_zip(path: Path) -> None:
    shown = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            unzipped = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise SourceError(shown, "this is not a spreadsheet: a damaged zip file; give a .xlsx or CSV file") from None
    if "content.xml" in names or "mimetype" in names:
        raise SourceError(shown, "this is an OpenDocument (.ods) file; save it as .xlsx or CSV (UTF-8)")
    if "xl/workbook.xml" not in names:
        raise SourceError(shown, "this zip file is not an .xlsx workbook; give a .xlsx or CSV file")
    if unzipped > MAX_UNZIPPED:
        raise TooLargeError(f"{shown}: the workbook unpacks to {unzipped / 1048576:.0f} MB; split it")


def _refuse(path: Path, what: str, fix: str) -> TooLargeError:
    return TooLargeError(f"{path}: {what}; {fix}")


def _chunks(stream) -> Iterator[bytes]:
    """The stream a MB at a time, each piece ending between two tags."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        text = tail + chunk
        cut = text.rfind(b"<")
        text, tail = (text[:cut], text[cut:]) if cut >= 0 and b">" not in text[cut:] else (text, b"")
        yield text
    yield tail


class _Count:
    """What a scan has seen so far, in every sheet part of one workbook."""

    def __init__(self, path: Path):
        self.path, self.cells, self.rows = path, 0, 0

    def part(self, stream, part: str) -> None:
        row = in_row = 0
        for text in _chunks(stream):
            if far := _FAR.search(text):
                at = (far.group(1) + far.group(2)).decode().upper()
                raise _refuse(self.path, f"a sheet ({part}) has a cell at {at}, right of column IV ({MAX_COLUMNS})",
                              "delete the columns right of the table")  # fmt: skip
            pos = 0
            for m in _ROW.finditer(text):  # one Python step per row; the cells are counted in C
                in_row = self.add(part, row, in_row, len(_CELL.findall(text, pos, m.start())))
                r = _R.search(m.group(1))
                row, in_row, pos = (int(r.group(1)) if r else row + 1), 0, m.end()
                self.rows += 1
            in_row = self.add(part, row, in_row, len(_CELL.findall(text, pos)))
            if self.cells > MAX_CELLS or self.rows > MAX_ROW_TAGS:
                raise _refuse(self.path, f"the workbook holds more than {MAX_CELLS:,} cells or {MAX_ROW_TAGS:,} rows "
                              "(empty ones written out count too)", "delete unused rows, columns and sheets, or "
                              "save the sheet to import as its own file or as CSV")  # fmt: skip

    def add(self, part: str, row: int, in_row: int, cells: int) -> int:
        """Count ``cells`` more in ``row``; returns how many the row has now."""
        self.cells += cells
        if in_row + cells > MAX_COLUMNS:
            raise _refuse(self.path, f"a sheet ({part}) has more than {MAX_COLUMNS} cells in row {row:,}",
                          "delete the columns right of the table")  # fmt: skip
        return in_row + cells


def scan_workbook(path: Path) -> None:
    """Refuse a workbook whose sheets hold more cells, rows or columns than allowed, before openpyxl parses it.

    openpyxl reads every sheet's data once just to open the workbook (when a sheet does not
    declare its dimension), then every cell of each row it reads, at some microseconds a cell.
    """
    count = _Count(path)
    with zipfile.ZipFile(path) as zf:
        for part in zf.namelist():
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                with zf.open(part) as stream:
                    count.part(stream, part)


class Sheet:
    """One sheet of the workbook read twice, values and formulas, within the row and column bounds."""

    def __init__(self, path: Path, name: str, ws_values, ws_formulas, last_row: int, clean=lambda v: v):
        self.path, self.name, self.last_row, self.clean = path, name, last_row, clean
        self.values, self.formulas = ws_values, ws_formulas
        declared = ws_values.max_row  # the <dimension> tag, before it is set aside below
        if declared is not None and declared > last_row:
            raise TooLargeError(
                f"{path}: sheet {name!r} declares {declared:,} rows (dimension "
                f"{ws_values.calculate_dimension()}), more than the limit of {last_row:,}; delete the empty "
                "rows below the data, or split the file"
            )
        ws_values.reset_dimensions()  # a wrong (too small) <dimension> tag would otherwise cut rows short
        ws_formulas.reset_dimensions()

    def rows(self, first: int, width: int) -> Iterator[tuple[int, list, set[int]]]:
        """Rows ``first`` … ``last_row`` cut to ``width`` columns, with the cells holding a formula
        Excel never computed; a row beyond ``last_row`` is refused.

        openpyxl makes up the rows an .xlsx leaves out, so a bound on non-empty rows bounds nothing:
        this one counts every row, and asks for one more than allowed to see whether the sheet goes on.
        """
        bounds = {"min_row": first, "max_row": self.last_row + 1, "max_col": width, "values_only": True}
        try:
            pairs = zip(self.values.iter_rows(**bounds), self.formulas.iter_rows(**bounds))
            for number, (values, raw) in enumerate(pairs, first):
                if number > self.last_row:
                    raise TooLargeError(
                        f"{self.path}: sheet {self.name!r} goes on past row {self.last_row:,} (empty rows count "
                        "too); delete the rows below the data, or split the file"
                    )
                missing = {i for i, f in enumerate(raw) if _is_formula(f) and (i >= len(values) or values[i] is None)}
                yield number, [self.clean(v) for v in values], missing
        except GeoNtmError:
            raise
        except Exception as exc:  # the sheet's XML is broken further down
            raise unreadable(self.path, exc) from None


def _is_formula(value) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
        "ArrayFormula",
        "DataTableFormula",
    )


def pick_sheet(names: list[str], sheet: str | int, shown: str) -> str:
    listing = ", ".join(f"{i}: {n!r}" for i, n in enumerate(names, 1))
    if isinstance(sheet, str):
        if sheet in names:
            return sheet
        folded = [n for n in names if fold(n) == fold(sheet)]
        if len(folded) == 1:
            return folded[0]
        if sheet.strip().isdigit():
            sheet = int(sheet)
    if isinstance(sheet, int) and 1 <= sheet <= len(names):
        return names[sheet - 1]
    raise SourceError(shown, f"no sheet {sheet!r}; the workbook has {listing} (give a name or a 1-based number)")
