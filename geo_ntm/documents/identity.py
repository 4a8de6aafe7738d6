"""A letter's own identity (number, kind, date, issuer), the documents it cites, and its years.

Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP) carry their number and symbol
("Số: 687/UBND-NN"), the place and date ("Bắc Giang, ngày 06 tháng 01 năm 2024") and the
issuer ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG") in the first lines. OCR damages all three ("S6: 687
/UBND-NN", "ngay 06 thdng 01 nam 2024"), so words are compared by key with OCR tolerance.

The date found is *what the text says*; when a document cites another dated later than
itself, the date was probably misread, and :func:`read_identity` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .text import Text
from .vocab import DATE_WORDS, ISSUER_FINDER, KIND_BY_SUFFIX, YEAR_FINDER

#: Lines from the top searched for the number, date and issuer.
HEADER_LINES = 12
_NUMBER = re.compile(r"\bS\w{0,2}\s*:\s*(\d{1,6})\s*/\s*([0-9A-Za-zĐđ][0-9A-Za-zĐđ&.\-]*[0-9A-Za-zĐđ])")
_REFERENCE = re.compile(r"(?<![\w/])(\d{1,6})\s*/\s*((?:\d{4}/)?[A-ZĐ][0-9A-Za-zĐđ&.\-]*[0-9A-Za-zĐđ])")
_DMY = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d{2})(?![\d/])")
YEARS = range(1990, 2101)


@dataclass
class Identity:
    """What the document says about itself."""

    number: str | None = None
    kind: str | None = None
    date: date | None = None
    date_place: dict | None = None
    issuer_place: dict | None = None
    references: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)

    def citation(self, issuer: str | None) -> str | None:
        """ "Công văn 687/UBND-NN ngày 06/01/2024 của UBND tỉnh Bắc Giang", from what was found."""
        if not self.number:
            return None
        out = f"{self.kind or 'Văn bản'} {self.number}"
        if self.date:
            out += f" ngày {self.date:%d/%m/%Y}"
        if issuer:
            out += f" của {issuer}"
        return out


def read_identity(text: Text) -> Identity:
    """Number, kind, date and cited documents of ``text``."""
    ident = Identity()
    header_end = _line_offset(text, HEADER_LINES)
    m = _NUMBER.search(text.text, 0, header_end)
    if m:
        ident.number = f"{m.group(1)}/{m.group(2)}"
        ident.kind = _kind(m.group(2), text.text[:header_end])
    ident.dates = _dates(text)
    header_dates = [d for d in ident.dates if d["how"] == "words" and d["start"] < header_end]
    if header_dates:
        ident.date = date.fromisoformat(header_dates[0]["date"])
        ident.date_place = {k: header_dates[0][k] for k in ("start", "end", "line")}
    for hit in ISSUER_FINDER.find(text):
        phrase, first, last = hit
        if text.tokens[first].start < header_end:
            ident.issuer_place = text.place(text.tokens[first].start, text.tokens[last].end)
            break
    ident.references = _references(text, ident, m.start() if m else None)
    later = [r for r in ident.references if ident.date and r.get("date") and r["date"] > ident.date.isoformat()]
    if later:  # the latest cited date is the earliest the document can really be dated
        first = max(later, key=lambda r: r["date"])
        ident.notes.append(
            {"code": "cites_later_date", "own": ident.date.isoformat(), "cited": first["number"],
             "cited_date": first["date"], "line": first["line"]}
        )  # fmt: skip
    if ident.date is None:
        ident.notes.append({"code": "no_own_date"})
    return ident


def _line_offset(text: Text, lines: int) -> int:
    n = min(lines, text.line_count)
    return len(text.text) if n == text.line_count else text._line_starts[n]


def _kind(symbol: str, header: str) -> str:
    for part in re.split(r"[-/]", symbol):
        if part in KIND_BY_SUFFIX:
            return KIND_BY_SUFFIX[part]
    # A letter (công văn) has "V/v" (về việc) under its number and no title of its own.
    if re.search(r"\bV\s*[/I|l1]\s*[vV]\b", header):  # OCR reads the slash as I, l or 1
        return "Công văn"
    return "Văn bản"


def _dates(text: Text) -> list[dict]:
    """Dates written "ngày 06 tháng 01 năm 2024" (OCR tolerated) or "11/01/2024", in order."""
    out = []
    toks = text.tokens
    for _, first, _ in DATE_WORDS.find(text, names={"ngay"}):
        parts = toks[first + 1 : first + 6]
        if len(parts) < 5 or not (parts[0].number and parts[2].number and parts[4].number):
            continue
        if not (DATE_WORDS.at(text, first + 2, names={"thang"}) and DATE_WORDS.at(text, first + 4, names={"nam"})):
            continue
        day = _valid(parts[4].raw, parts[2].raw, parts[0].raw)
        if day:
            out.append({"date": day.isoformat(), "how": "words", "line": text.line_col(toks[first].start)[0],
                        "start": toks[first].start, "end": parts[4].end})  # fmt: skip
    for m in _DMY.finditer(text.text):
        day = _valid(m.group(3), m.group(2), m.group(1))
        if day:
            out.append({"date": day.isoformat(), "how": "numeric", "line": text.line_col(m.start())[0],
                        "start": m.start(), "end": m.end()})  # fmt: skip
    return sorted(out, key=lambda d: d["start"])


def _valid(y: str, m: str, d: str) -> date | None:
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return day if day.year in YEARS else None


def _references(text: Text, ident: Identity, own_start: int | None) -> list[dict]:
    """Documents the text cites ("Kế hoạch số 03/KH-UBND ngày 11/01/2024"), with the date after them."""
    out = []
    dates = [d for d in ident.dates]
    for m in _REFERENCE.finditer(text.text):
        if own_start is not None and own_start <= m.start() <= own_start + 12:
            continue
        symbol = m.group(2)
        if not re.search(r"[A-ZĐ]{2}", symbol):
            continue
        ref = {"number": f"{m.group(1)}/{symbol}", "start": m.start(), "end": m.end(),
               "line": text.line_col(m.start())[0], "date": None}  # fmt: skip
        after = next((d for d in dates if 0 <= d["start"] - m.end() <= 12), None)
        if after:
            ref["date"] = after["date"]
        out.append(ref)
    return out


def years(text: Text) -> list[dict]:
    """Every "năm 2024" (and "giai đoạn 2021-2025") with its token index, in order."""
    out = []
    toks = text.tokens
    for phrase, first, last in YEAR_FINDER.find(text):
        j = last + 1
        if j < len(toks) and toks[j].number and toks[j].raw.isdigit() and int(toks[j].raw) in YEARS:
            if not text.joined(last, j, " \n"):
                continue
            out.append({"year": int(toks[j].raw), "word": first, "token": j, "period": phrase.meaning == "period"})
    return out
