"""What provincial spreadsheets write, read into the canonical fields of a decision record.

Headers and values are compared by :func:`geo_ntm.names.key` (no case, diacritics, spaces or
punctuation), so "Mã xã", "MA XA" and "Mã  xã:" are one header. Each ``parse_*`` function
takes a cell as read (text, number, date) and returns the canonical value or raises
``ValueError`` with a message meant for the person who typed the cell.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

from geo_ntm.errors import InvalidParameterError
from geo_ntm.names import fold, key, nfc

#: Canonical fields: those of ``geo_ntm/data/demo/decisions.csv`` plus ``district`` (a name),
#: ``kind`` (decision or revocation) and ``reason`` (of a revocation).
# fmt: off
FIELDS = (
    "unit_level", "unit_code", "unit_name", "district_code", "district", "level", "field", "decision_no", "signed",
    "signed_precision", "year_label", "authority", "criteria_set", "criteria_met", "source", "citation", "note",
    "kind", "reason",
)
#: Map a column to this to leave it out.
IGNORE = "ignore"

#: Default header synonyms, per field (Vietnamese first, then English). Compared by key().
HEADERS: dict[str, tuple[str, ...]] = {
    "unit_code": ("Mã xã", "Mã ĐVHC", "Mã đơn vị hành chính", "Mã đơn vị", "Mã hành chính", "Mã xã, phường, thị trấn",
                  "Mã", "Code", "Unit code"),
    "unit_name": ("Tên xã", "Xã", "Tên đơn vị", "Đơn vị", "Tên ĐVHC", "Xã, phường, thị trấn",
                  "Tên xã, phường, thị trấn", "Địa phương", "Tên", "Name", "Unit name", "Commune"),
    "district_code": ("Mã huyện", "Mã cấp huyện", "District code"),
    "district": ("Huyện", "Tên huyện", "Huyện, thị xã, thành phố", "Huyện/thị xã/thành phố", "Đơn vị cấp huyện",
                 "Thuộc huyện", "District"),
    "unit_level": ("Cấp", "Cấp đơn vị", "Cấp hành chính", "Unit level"),
    "level": ("Mức đạt", "Kết quả", "Mức độ", "Mức độ đạt", "Mức đạt chuẩn", "Danh hiệu", "Nội dung công nhận",
              "Công nhận", "Đạt chuẩn", "Level", "Status"),
    "kind": ("Loại quyết định", "Hình thức", "Loại", "Công nhận/Thu hồi", "Kind"),
    "field": ("Lĩnh vực", "Lĩnh vực kiểu mẫu", "Field"),
    "decision_no": ("Số QĐ", "Số quyết định", "Quyết định số", "Quyết định", "QĐ số", "Số hiệu", "Số hiệu quyết định",
                    "Số ký hiệu", "Số, ký hiệu", "Quyết định công nhận", "Số QĐ công nhận", "Quyết định / Số",
                    "Decision no", "Decision number", "Decision"),
    "signed": ("Ngày ký", "Ngày QĐ", "Ngày quyết định", "Quyết định ngày", "Quyết định / Ngày", "Quyết định / Ngày ký",
               "Ngày ban hành", "Ngày công nhận", "Ngày ký QĐ", "Ngày ký quyết định", "Ngày, tháng, năm", "Ngày",
               "Signed", "Date", "Signing date"),
    "signed_precision": ("Độ chính xác ngày", "Signed precision"),
    "year_label": ("Năm công nhận", "Năm đạt chuẩn", "Công nhận năm", "Năm đạt", "Năm", "Year", "Year label"),
    "authority": ("Cơ quan ban hành", "Cấp quyết định", "Người ký", "Thẩm quyền", "Authority"),
    "criteria_set": ("Bộ tiêu chí", "Criteria set"),
    "criteria_met": ("Tiêu chí đạt", "Các tiêu chí đạt", "Tiêu chí đã đạt", "Tiêu chí", "Criteria met", "Criteria"),
    "source": ("Nguồn", "Nguồn dữ liệu", "Loại dữ liệu", "Source"),
    "citation": ("Trích dẫn", "Căn cứ", "Văn bản", "Tài liệu", "Citation"),
    "note": ("Ghi chú", "Chú thích", "Note", "Notes"),
    "reason": ("Lý do", "Lý do thu hồi", "Reason"),
    IGNORE: ("STT", "TT", "Số TT", "Số thứ tự", "No", "#"),
}
#: In a sheet of districts, "Huyện" names the unit itself, not its district.
DISTRICT_SHEET = {
    "unit_code": ("Mã huyện", "Mã cấp huyện"),
    "unit_name": ("Huyện", "Tên huyện", "Huyện, thị xã, thành phố", "Huyện/thị xã/thành phố", "Đơn vị cấp huyện"),
}
# fmt: on


def header_table(unit_level: str = "commune", mapping: dict[str, str] | None = None) -> dict[str, str]:
    """key(header) → field: the user's ``mapping`` first, then the defaults."""
    table = {key(h): f for f, heads in HEADERS.items() for h in heads}
    table.update({key(f): f for f in FIELDS})
    if unit_level == "district":
        table.update({key(h): f for f, heads in DISTRICT_SHEET.items() for h in heads})
    for header, target in (mapping or {}).items():
        table[key(header)] = check_field(target, f"the mapping of {header!r}")
    return table


def check_field(name: str, what: str = "field") -> str:
    name = str(name).strip()
    if name in FIELDS or name == IGNORE:
        return name
    raise InvalidParameterError(f"{what}: {name!r} is not a field; fields are {', '.join(FIELDS)} (or {IGNORE!r})")


def load_mapping(path: str | Path) -> tuple[dict[str, str], dict[str, str]]:
    """Read a JSON or TOML mapping file: ``{"columns": {header: field}, "defaults": {field: value}}``.

    A flat table is read as ``columns``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidParameterError(f"mapping file {path}: cannot read it as JSON or TOML ({exc})") from None
    if not isinstance(raw, dict):
        raise InvalidParameterError(f"mapping file {path}: expected a table of header = field")
    columns = raw.get("columns", {} if "defaults" in raw else raw)
    defaults = raw.get("defaults", {})
    if not isinstance(columns, dict) or not isinstance(defaults, dict):
        raise InvalidParameterError(f"mapping file {path}: 'columns' and 'defaults' must be tables")
    columns = {str(h): check_field(f, f"mapping file {path}, column {h!r}") for h, f in columns.items()}
    defaults = {check_field(f, f"mapping file {path}, default"): str(v) for f, v in defaults.items()}
    return columns, defaults


# -- values ------------------------------------------------------------------------------
def text(value) -> str | None:
    """A cell as text: NFC, single spaces; integral numbers without ".0"; None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    out = nfc(str(value))
    return out or None


# fmt: off
_LEVELS = (("kieumau", "kieu_mau"), ("model", "kieu_mau"), ("nangcao", "nang_cao"), ("advanced", "nang_cao"),
           ("hoanthanh", "hoan_thanh"), ("htnv", "hoan_thanh"), ("completed", "hoan_thanh"),
           ("datchuan", "dat_chuan"), ("nongthonmoi", "dat_chuan"), ("ntm", "dat_chuan"), ("standard", "dat_chuan"))
# fmt: on
_REVOKE = ("thuhoi", "revoke", "revocation", "revoked", "withdrawn")


def parse_level(value) -> tuple[str | None, str | None]:
    """(kind, level) of a level cell: "NTM nâng cao" → (None, "nang_cao"); "Thu hồi NTM" → ("revocation", "dat_chuan").

    ``kind`` is "revocation" when the cell says so, else None (the kind column or default decides).
    """
    raw = text(value)
    k = key(raw or "")
    if not k:
        raise ValueError("empty")
    kind = "revocation" if any(k.startswith(r) or r in k for r in _REVOKE) else None
    if k.startswith(("chua", "khong", "not")):
        raise ValueError(f"{raw!r} says the level was not reached; only recognitions and revocations are imported")
    for needle, level in _LEVELS:
        if needle in k:
            return kind, level
    if kind:
        raise ValueError(
            f"{raw!r} does not say which level is revoked; write e.g. 'Thu hồi đạt chuẩn NTM' or 'Thu hồi NTM nâng cao'"
        )
    raise ValueError(
        f"{raw!r} is not a level; write one of 'Đạt chuẩn NTM', 'Hoàn thành nhiệm vụ xây dựng NTM', "
        "'NTM nâng cao', 'NTM kiểu mẫu' (or dat_chuan, hoan_thanh, nang_cao, kieu_mau)"
    )


def parse_kind(value) -> str:
    k = key(text(value) or "")
    if k in ("decision", "recognition", "congnhan", "quyetdinhcongnhan", "qdcongnhan"):
        return "decision"
    if any(r in k for r in _REVOKE):
        return "revocation"
    raise ValueError(f"{value!r} is not a kind; write 'Công nhận' (decision) or 'Thu hồi' (revocation)")


def parse_source(value) -> str:
    k = key(text(value) or "")
    if k in ("official", "chinhthuc"):
        return "official"
    if k in ("illustrative", "minhhoa"):
        return "illustrative"
    raise ValueError(
        f"{value!r} is not a source; write 'official' (chính thức, with a citation) or 'illustrative' (minh họa)"
    )


# fmt: off
_UNIT_LEVELS = {"commune": "commune", "xa": "commune", "capxa": "commune", "phuong": "commune", "thitran": "commune",
                "district": "district", "huyen": "district", "caphuyen": "district", "thixa": "district",
                "thanhpho": "district", "province": "province", "tinh": "province", "captinh": "province",
                "village": "village", "thon": "village"}
# fmt: on


def parse_unit_level(value) -> str:
    found = _UNIT_LEVELS.get(key(text(value) or ""))
    if found is None:
        raise ValueError(f"{value!r} is not a unit level; write commune (xã), district (huyện) or province (tỉnh)")
    return found


CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}


def parse_code(value, unit_level: str) -> tuple[str, bool]:
    """(code, padded): a GSO code as text; ``padded`` when leading zeros had to be put back."""
    width = CODE_WIDTH.get(unit_level, 5)
    raw = text(value) or ""
    code = re.sub(r"\s+", "", raw).lstrip("'")
    if re.fullmatch(r"\d+\.0+", code):
        code = code.split(".")[0]
    if not code.isdigit() or not code.isascii():
        raise ValueError(f"{raw!r} is not a unit code; codes are digits, {width} for a {unit_level}")
    if len(code) > width:
        raise ValueError(f"{raw!r} has {len(code)} digits; a {unit_level} code has {width}")
    return code.zfill(width), len(code) < width


EXCEL_EPOCH = date(1899, 12, 30)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2,4})")
_WORDS = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam|,)?\s*(\d{4})")
_YEAR = re.compile(r"(?:nam\s*)?((?:19|20)\d{2})(?:\.0+)?")


def _ymd(y: int, m: int, d: int, raw) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        hint = " (dates are read day/month/year)" if m > 12 else ""
        raise ValueError(f"{raw!r} is not a date{hint}") from None


def parse_date(value) -> tuple[date, str]:
    """(date, precision) of a date cell; precision "year" for "2020" or "năm 2020" (then 31 December).

    Reads Excel dates and serial numbers, "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "dd.mm.yyyy",
    "yyyy-mm-dd" and "ngày 25 tháng 12 năm 2019". Day comes before month, as in Vietnam.
    """
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return date(int(value), 12, 31), "year"
        if 20000 <= value <= 80000:
            return EXCEL_EPOCH + timedelta(days=int(value)), "day"
        raise ValueError(f"{value!r} is not a date; write dd/mm/yyyy")
    raw = text(value) or ""
    folded = fold(raw)
    if m := _ISO.fullmatch(folded):
        return _ymd(int(m[1]), int(m[2]), int(m[3]), raw), "day"
    if m := _DMY.fullmatch(folded):
        if len(m[4]) != 4:
            raise ValueError(f"{raw!r} has a two-digit year; write the year in full (dd/mm/yyyy)")
        return _ymd(int(m[4]), int(m[3]), int(m[1]), raw), "day"
    if m := _WORDS.fullmatch(folded):
        return _ymd(int(m[3]), int(m[2]), int(m[1]), raw), "day"
    if m := _YEAR.fullmatch(folded):
        return date(int(m[1]), 12, 31), "year"
    if re.fullmatch(r"\d{5}", folded) and 20000 <= int(folded) <= 80000:
        return EXCEL_EPOCH + timedelta(days=int(folded)), "day"
    raise ValueError(f"{raw!r} is not a date; write dd/mm/yyyy (e.g. 25/12/2019) or yyyy-mm-dd")


def parse_year(value) -> int:
    """A "năm" label: 2023, "2023", "năm 2023", or the year of a date."""
    if isinstance(value, date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        if 1900 <= value <= 2100:
            return int(value)
    elif m := _YEAR.fullmatch(fold(text(value) or "")):
        return int(m[1])
    raise ValueError(f"{value!r} is not a year; write e.g. 2023 or 'năm 2023'")


_CRITERIA_WORDS = re.compile(r"(?<![a-z])(?:tieu chi|tc|va|den|and|to|so)(?![a-z])")


def parse_criteria(value, numbers: tuple[int, ...] | None) -> tuple[int, ...]:
    """Criterion numbers: "1;2;3", "1, 2, 3", "1-19", "TC1, TC5", or "19/19" (all of a set of 19).

    ``numbers`` are the set's criteria, used to read "19/19" and "tất cả" (all).
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return (int(value),)
    raw = text(value) or ""
    folded = fold(raw)
    if folded in ("tat ca", "all", "du", "dat tat ca"):
        if numbers is None:
            raise ValueError(f"{raw!r}: name the criteria set to say which criteria 'all' means")
        return numbers
    if m := re.fullmatch(r"(?:dat\s*)?(\d+)\s*/\s*(\d+)(?:\s*tieu chi)?", folded):
        n, total = int(m[1]), int(m[2])
        if numbers is not None and n == total == len(numbers):
            return numbers
        raise ValueError(
            f"{raw!r} is a count of criteria, not their numbers; list them (e.g. 1;2;3) "
            "or write the full count of the set (19/19)"
        )
    out: list[int] = []
    rest = folded
    for m in re.finditer(r"(\d+)\s*(?:-|–|—|den|to)\s*(\d+)|(\d+)", folded):
        if m[3]:
            out.append(int(m[3]))
        else:
            a, b = int(m[1]), int(m[2])
            if b < a or b - a > 100:
                raise ValueError(f"{raw!r}: range {a}-{b} is not a range of criteria")
            out.extend(range(a, b + 1))
        rest = rest.replace(m[0], " ", 1)
    if re.search(r"[a-z]", _CRITERIA_WORDS.sub(" ", rest)) or not out:
        raise ValueError(f"{raw!r} is not a list of criterion numbers; write e.g. 1;2;3 or 1-19")
    return tuple(out)
