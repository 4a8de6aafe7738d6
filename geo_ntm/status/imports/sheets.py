"""Read the spreadsheets provincial offices keep: CSV or .xlsx, as a header and numbered rows.

What arrives is rarely tidy. :func:`read_table` copes with title rows above the header, a
two-row header under merged cells ("Quyết định" over "Số" and "Ngày"), empty rows, trailing
empty columns, CSV in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or
Windows code pages (cp1258 Vietnamese, else cp1252), delimited by ``,`` ``;`` or tab; and
.xlsx read with the values Excel last computed (a formula Excel never computed is flagged).

The file type is read from the content, not the extension. Anything else (an old .xls, an
.ods, binary junk, an empty file, a file over ``max_bytes``) is refused with one clear error.
Which header texts are "known columns" is the caller's business: it passes ``classify``.

The work is bounded by what a sheet *is*, not by what it holds: a tiny file can declare or
reach row 10,000,000 with nothing in between (an .xlsx stores only the rows it has, and a
reader that counts only non-empty rows walks all the empty ones). A sheet is refused when its
declared dimension, or the rows actually read (empty or not), go past ``max_rows`` data rows
plus the header search; the header search reads at most :data:`MAX_COLUMNS` columns and the
data rows only as many columns as the header names. An .xlsx sheet is also scanned for cells
before it is parsed (:mod:`.xlsx`).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from geo_ntm.errors import GeoNtmError, InvalidParameterError, SourceError, TooLargeError
from geo_ntm.names import nfc
from geo_ntm.textfiles import decode_text

from .xlsx import MAX_COLUMNS, MAX_UNZIPPED, Sheet, check_zip, open_workbook, pick_sheet, scan_workbook, unreadable

__all__ = ["MAX_BYTES", "MAX_ROWS", "MAX_UNZIPPED", "Column", "Row", "Table", "column_letter", "read_table"]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
#: Rows searched for the header (title rows, notes and blank rows may come first).
HEADER_SCAN = 30
#: Sheets searched for a header when none is named (a workbook of thousands of sheets is not read whole).
MAX_SHEETS = 50
DELIMITERS = (",", ";", "\t")

Classify = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Column:
    """A column of the table: position (0-based), letter as Excel shows it, header text, field."""

    index: int
    letter: str
    label: str
    field: str | None

    def __str__(self) -> str:
        return f"{self.label} [{self.letter}]"


@dataclass
class Row:
    """A data row: its number as the spreadsheet shows it, and one value per column.

    ``formulas`` holds the indexes of cells that hold a formula with no computed value.
    """

    number: int
    values: list
    formulas: set[int] = field(default_factory=set)


@dataclass
class Table:
    path: str
    kind: str  # "csv" or "xlsx"
    columns: list[Column]
    rows: list[Row]
    header_rows: tuple[int, ...]
    empty_rows: list[int]
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def column_letter(index: int) -> str:
    """Excel's name of a 0-based column index: 0 → A, 26 → AA (openpyxl's, 1-based)."""
    return get_column_letter(index + 1)


def read_table(
    path: str | Path,
    classify: Classify,
    *,
    sheet: str | int | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read a CSV or .xlsx file into a :class:`Table`.

    Parameters
    ----------
    path : str or Path
        The file. Its type is detected from its content.
    classify : callable
        Maps a header text to a field name, or None for an unknown header. The header row
        is the row (or pair of rows) whose texts name the most distinct fields.
    sheet : str or int, optional
        .xlsx only: a sheet name (matched ignoring case and diacritics) or a 1-based
        position. Default: the first sheet in which a header row is found.
    max_bytes, max_rows : int
        Larger files are refused with :class:`~geo_ntm.errors.TooLargeError`.
    """
    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise SourceError(shown, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise SourceError(shown, "the file is empty")
    if size > max_bytes:
        raise TooLargeError(
            f"{shown}: the file is {size / 1048576:.1f} MB, more than the limit of {max_bytes / 1048576:.1f} MB; "
            "split it, or raise the limit"
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, classify, sheet, max_rows)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            shown,
            "this is an old Excel .xls file or a password-protected workbook; "
            "save it (unprotected) as .xlsx or CSV (UTF-8)",
        )
    if sheet is not None:
        raise InvalidParameterError(f"{shown} is a CSV file, which has no sheets; leave out the sheet")
    return _read_csv(path, classify, max_rows)


# -- CSV ---------------------------------------------------------------------------------
def _decode(data: bytes, shown: str) -> tuple[str, str]:
    return decode_text(
        data, shown, not_text="this is not a spreadsheet: it holds binary data; give a .xlsx or CSV file"
    )


def _sniff(text: str) -> str:
    """The delimiter whose split gives the most lines with the same number (>= 2) of fields."""
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        try:
            counts = Counter(len(r) for r in csv.reader(lines, delimiter=delim) if len(r) > 1)
        except csv.Error:
            continue
        if counts:
            width, freq = counts.most_common(1)[0]
            if (freq, width) > best_score:
                best, best_score = delim, (freq, width)
    return best


def _csv_rows(text: str, delimiter: str, shown: str, last: int) -> Iterator[tuple[int, list, set[int]]]:
    """Rows 1 … ``last`` of the text, read one at a time (so a file of blank lines costs no more than its limit)."""
    try:
        for number, rec in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if number > last:
                raise TooLargeError(f"{shown}: more than {last} rows (empty ones count too); split the file")
            yield number, [_clean(v) for v in rec], set()
    except csv.Error as exc:
        raise SourceError(shown, f"not a readable CSV file ({exc})") from None


def _read_csv(path: Path, classify: Classify, max_rows: int) -> Table:
    shown = str(path)
    text, encoding = _decode(path.read_bytes(), shown)
    delimiter = _sniff(text)
    rows = _csv_rows(text, delimiter, shown, max_rows + HEADER_SCAN)
    table = _tabulate(shown, "csv", rows, lambda after, width: rows, classify, max_rows)
    table.encoding, table.delimiter = encoding, delimiter
    return table


# -- XLSX --------------------------------------------------------------------------------
def _read_xlsx(path: Path, classify: Classify, sheet: str | int | None, max_rows: int) -> Table:
    shown = str(path)
    check_zip(path)
    scan_workbook(path)
    content = path.read_bytes()
    wb_values, wb_formulas = open_workbook(path, content, True), open_workbook(path, content, False)
    try:
        names = list(wb_values.sheetnames)
        chosen = [pick_sheet(names, sheet, shown)] if sheet is not None else names[:MAX_SHEETS]
        first_error = None
        for name in chosen:
            try:
                ws = Sheet(path, name, wb_values[name], wb_formulas[name], max_rows + HEADER_SCAN, _clean)
                scan = ws.rows(1, MAX_COLUMNS)
                head = list(itertools.islice(scan, HEADER_SCAN))
                scan.close()
                table = _tabulate(shown, "xlsx", iter(head), ws.rows, classify, max_rows)
            except SourceError as exc:
                if sheet is not None:
                    raise
                first_error = first_error or exc
                continue
            except GeoNtmError:  # too large: no other sheet makes the file smaller
                raise
            except Exception as exc:  # a sheet part missing or broken: the workbook is damaged
                raise unreadable(path, exc) from None
            table.sheet, table.sheets = name, names
            return table
        listing = ", ".join(f"{i}: {n!r}" for i, n in enumerate(names, 1))
        more = f" (only the first {MAX_SHEETS} were searched; name the sheet)" if len(names) > MAX_SHEETS else ""
        raise SourceError(
            shown,
            f"no sheet has a header row with known columns (sheets: {listing}){more}; first problem: {first_error}",
        )
    finally:
        wb_values.close()
        wb_formulas.close()


# -- header and rows ---------------------------------------------------------------------
def _clean(value):
    if isinstance(value, str):
        value = nfc(value)
        return value or None
    return value


def _text(value) -> str:
    return "" if value is None else nfc(str(value))


def _single(row: list) -> list[tuple[str, list[str]]]:
    return [(_text(v), [_text(v)]) for v in row]


def _double(top: list, sub: list) -> list[tuple[str, list[str]]]:
    """Headers of a two-row header; a merged top cell is repeated over the sub-cells it spans."""
    width = max(len(top), len(sub))
    top = [_text(v) for v in top] + [""] * (width - len(top))
    sub = [_text(v) for v in sub] + [""] * (width - len(sub))
    out, group = [], ""
    for t, s in zip(top, sub):
        if t:
            group = t if s else ""
        elif not s:
            group = ""
        t = t or (group if s else "")
        if t and s:
            out.append((f"{t} / {s}", [f"{t} {s}", s, t]))
        else:
            out.append((t or s, [t or s]))
    return out


def _score(headers: list[tuple[str, list[str]]], classify: Classify) -> tuple[int, list[str | None]]:
    fields = []
    for _label, tries in headers:
        fields.append(next((f for f in (classify(x) for x in tries if x) if f), None))
    return len({f for f in fields if f and f != "ignore"}), fields


RowSource = Iterator[tuple[int, list, set[int]]]


def _tabulate(
    shown: str, kind: str, rows: RowSource, rest: Callable[[int, int], RowSource], classify: Classify, max_rows: int
) -> Table:
    """The header found in the first rows of ``rows``; then ``rest(first, width)``: the rows after them."""
    head: list[tuple[int, list, set[int]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SCAN:
            break
    if not any(any(v is not None for v in values) for _, values, _ in head):
        raise SourceError(shown, "no data: the first rows are empty")
    best = None  # (score, -rows used, -position) of the best header found
    for i, (_, values, _) in enumerate(head):
        options = [((i,), _single(values))]
        if i + 1 < len(head):
            options.append(((i, i + 1), _double(values, head[i + 1][1])))
        for used, headers in options:
            score, fields = _score(headers, classify)
            rank = (score, -len(used), -i)
            if score >= 2 and (best is None or rank > best[0]):
                best = (rank, used, headers, fields)
    if best is None:
        raise SourceError(
            shown,
            "no header row found: none of the first rows names two known columns (such as "
            "'Mã xã', 'Tên xã', 'Mức đạt', 'Số QĐ', 'Ngày ký'); map the headers with --map",
        )
    _, used, headers, fields = best
    columns = [
        Column(i, column_letter(i), label, f) for i, ((label, _), f) in enumerate(zip(headers, fields)) if label or f
    ]
    last = used[-1]
    width = max(c.index for c in columns) + 1
    data, empty = [], []

    def take(number: int, values: list, formulas: set[int]) -> None:
        cells = (values + [None] * width)[:width]
        formulas = {i for i in formulas if i < width}
        if all(v is None for v in cells) and not formulas:
            empty.append(number)
            return
        if len(data) >= max_rows:
            raise TooLargeError(f"{shown}: more than {max_rows} data rows; split the file")
        data.append(Row(number, cells, formulas))

    for number, values, formulas in head[last + 1 :]:
        take(number, values, formulas)
    if len(head) == HEADER_SCAN:
        for number, values, formulas in rest(head[-1][0] + 1, width):
            take(number, values, formulas)
    last_data = data[-1].number if data else 0
    empty = [n for n in empty if n < last_data]  # trailing blank rows are not "skipped" rows
    header_rows = tuple(head[i][0] for i in used)
    return Table(shown, kind, columns, data, header_rows, empty)
