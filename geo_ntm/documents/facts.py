"""Status phrases, figures and targets in a document's text, tied to the units they speak of.

- **Status phrases** are runs of status words ("đạt chuẩn", "nông thôn mới", "nâng cao",
  "kiểu mẫu", "hoàn thành nhiệm vụ", "đặc biệt khó khăn") with at most two other words between
  them. "nâng cao" or "kiểu mẫu" alone ("nâng cao năng lực") is not a status. A phrase is
  attached to the unit named just before it in the same sentence ("huyện Lục Nam đạt chuẩn
  NTM"), or further back when the phrase names that unit's level ("huyện Tân Yên … các tiêu
  chí huyện NTM nâng cao"); never across a number ("huyện X có 5 xã đạt chuẩn" is a figure
  about communes) or a noun of another level ("thôn NTM thuộc các xã ĐBKK" in a sentence about
  two districts says nothing of the districts' own status).
- **Figures** are numbers with what they count or measure: "09 xã đạt chuẩn NTM", "2,63%",
  "154/182", "138 triệu đồng". Years, dates, document numbers ("03/KH-UBND"), headings ("1.")
  and names ("Covid 19") are not figures. A figure's *metric* says what it is, when known;
  "new" or "cumulative" comes from the nearest cue before it in the sentence ("công nhận
  thêm", "lũy kế đến nay"); its *year* from the nearest "năm YYYY" before it in the paragraph.
- **Targets** are figures or unit statuses in a sentence with a deadline ("đến hết năm 2025",
  "công nhận vào năm 2025") not before the document's year. A target's scope is the units
  named in its paragraph.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from geo_ntm.matching import similarity
from geo_ntm.status.levels import RANK

from .text import Text
from .units import UnitMention
from .vocab import (
    COMMUNE_OCR,
    COUNTED_FINDER,
    CUE_FINDER,
    DEADLINE_FINDER,
    STATUS,
    SUBJECT_FINDER,
)

#: Other words allowed inside one status phrase ("đạt chuẩn xã nông thôn mới nâng cao").
STATUS_GAP = 2
#: How far after a unit an unqualified status phrase may stand and still be about it.
NEAR = 8
LEVEL_NOUNS = {"commune": "commune", "village": "village", "district": "district", "district_units": "district",
               "commune_units": "commune"}  # fmt: skip
_DOC_NUMBER_AFTER = re.compile(r"\s*/\s*(?:\d{4}/)?[A-ZĐ]")


@dataclass
class StatusPhrase:
    id: str
    first: int
    last: int
    text: str
    level: str | None  # dat_chuan, hoan_thanh, nang_cao, kieu_mau, chua_dat; None for dbkk only
    dbkk: bool
    either: tuple[str, ...] = ()  # "đạt chuẩn/hoàn thành nhiệm vụ": both levels
    subject: str | None = None  # the level noun it qualifies: commune, village, district
    units: list[str] = field(default_factory=list)  # unit mention ids it is about
    confidence: float = 1.0  # how well the OCR'd words spell the status words (1.0: exactly)


@dataclass
class Figure:
    id: str
    first: int
    last: int
    text: str
    value: float
    unit: str  # "%", "commune", "village", "district", "million_vnd", ... or "" for a bare fraction
    of: float | None = None
    metric: str | None = None
    period: str | None = None  # "new" or "cumulative"
    year: int | None = None
    status: StatusPhrase | None = None
    target: bool = False
    confidence: float = 1.0


def status_phrases(text: Text) -> list[StatusPhrase]:
    """Runs of status words, read into a level (and the ĐBKK mark)."""
    atoms = STATUS.find(text)
    out: list[StatusPhrase] = []
    group: list[tuple] = []
    for atom in atoms + [None]:
        if group and (atom is None or atom[1] - group[-1][2] - 1 > STATUS_GAP or _breaks(text, group[-1][2], atom[1])):
            phrase = _phrase(text, group)
            if phrase:
                out.append(phrase)
            group = []
        if atom is not None:
            group.append(atom)
    return out


def _breaks(text: Text, a: int, b: int) -> bool:
    """Whether tokens ``a`` and ``b`` cannot be in one status phrase: another sentence, a number or ";" between."""
    if not text.same_sentence(a, b) or any(text.tokens[j].number for j in range(a + 1, b)):
        return True
    return any(c in text.text[text.tokens[a].end : text.tokens[b].start] for c in ";()")


def _phrase(text: Text, group: list[tuple]) -> StatusPhrase | None:
    """A level from a run of status words; None for the programme's bare name or "nâng cao năng lực"."""
    meanings = {p.meaning for p, _, _ in group}
    reached = "dat_chuan" in meanings or ("dat" in meanings and "ntm" in meanings)
    programme = "ntm" in meanings or reached or "hoan_thanh" in meanings
    level = None
    either: tuple[str, ...] = ()
    if programme and "kieu_mau" in meanings:
        level = "kieu_mau"
    elif programme and "nang_cao" in meanings:
        level = "nang_cao"
    elif "chua_dat" in meanings:
        level = "chua_dat"
    elif reached and "hoan_thanh" in meanings:
        level, either = "dat_chuan", ("dat_chuan", "hoan_thanh")
    elif "hoan_thanh" in meanings:
        level = "hoan_thanh"
    elif reached:
        level = "dat_chuan"
    if level is None and "dbkk" not in meanings:
        return None
    first, last = group[0][1], group[-1][2]
    toks = text.tokens
    words = {j for _, a, b in group for j in range(a, b + 1)}
    gaps = [j for j in range(first, last + 1) if j not in words]
    confidence = min(_spelling(text, p, a, b) for p, a, b in group)
    return StatusPhrase(f"s{toks[first].start}-{toks[last].end}", first, last, text.raw(first, last), level,
                        "dbkk" in meanings, either, _subject(text, first, gaps), confidence=confidence)  # fmt: skip


def _spelling(text: Text, phrase, first: int, last: int) -> float:
    """How well tokens ``first``..``last`` spell ``phrase`` (1.0 exactly; "néng thén méi" about 0.92)."""
    written = "".join(t.key for t in text.tokens[first : last + 1])
    return 1.0 if written == "".join(phrase.keys) else similarity(written, "".join(phrase.keys))


def _subject(text: Text, first: int, gaps: list[int]) -> str | None:
    """The level noun the phrase qualifies: between its words ("đạt chuẩn xã NTM") or just before ("09 xã đạt").

    The words of the phrase itself do not count: "thôn" in "nông thôn mới" is no village.
    """
    for j in [*gaps, first - 1, first - 2]:
        if 0 <= j < len(text.tokens) and text.same_sentence(j, first):
            noun = _noun_at(text, j)
            if noun:
                return noun
    return None


def _noun_at(text: Text, j: int) -> str | None:
    tok = text.tokens[j]
    if tok.number:
        return None
    hits = COUNTED_FINDER.at(text, j)
    for p, _ in hits:
        if p.meaning in LEVEL_NOUNS:
            return LEVEL_NOUNS[p.meaning]
    return None


def attach(text: Text, phrases: list[StatusPhrase], units: list[UnitMention]) -> None:
    """Say which unit mentions each status phrase is about (see the module docstring)."""
    by_sentence: dict[int, list[UnitMention]] = {}
    groups: dict[int, list[str]] = {}
    for u in units:
        if u.status == "matched":
            by_sentence.setdefault(text.sentence_of[u.last], []).append(u)
            groups.setdefault(u.group, []).append(u.id)
    for p in phrases:
        before = [u for u in by_sentence.get(text.sentence_of[p.first], ()) if u.last < p.first]
        if not before:
            continue
        u = before[-1]
        between = range(u.last + 1, p.first)
        if p.subject is not None:
            if p.subject != u.level:  # "huyện X … thôn NTM", "huyện X có 5 xã đạt chuẩn": about others
                continue
        elif (p.first - u.last > NEAR or any(text.tokens[j].number for j in between)
              or any(_noun_at(text, j) for j in between)):  # fmt: skip
            continue
        p.units = list(groups[u.group])


def figures(text: Text, phrases: list[StatusPhrase], skip: set[int], year_marks: list[dict]) -> list[Figure]:
    """Numbers with what they count or measure (see the module docstring).

    ``skip``: tokens of dates and document numbers; ``year_marks``: :func:`~.identity.years`.
    """
    toks = text.tokens
    out: list[Figure] = []
    by_first = {p.first: p for p in phrases}
    after = -1
    for i, t in enumerate(toks):
        if i <= after or not t.number or i in skip or _not_a_figure(text, i):
            continue
        fig = _figure(text, i, by_first, phrases)
        if fig is None:
            continue
        after = fig.last  # "154/182 xã": the 182 is part of this figure
        fig.year = year_before(text, i, year_marks)
        fig.period = _period(text, i)
        out.append(fig)
    _carry_subjects(text, out)
    return out


def _not_a_figure(text: Text, i: int) -> bool:
    toks = text.tokens
    t = toks[i]
    prev = toks[i - 1] if i > 0 else None
    if prev is not None and prev.key in ("covid", "sarscov") and text.joined(i - 1, i, " -"):
        return True
    if _DOC_NUMBER_AFTER.match(text.text, t.end):
        return True
    line, col = text.line_col(t.start)
    if text.line_text(line)[:col].strip() == "" and text.text[t.end : t.end + 2] in (". ", ".\n", ") "):
        return True  # a heading number: "1. UBND các huyện"
    return False


def _figure(text: Text, i: int, by_first: dict, phrases: list[StatusPhrase]) -> Figure | None:
    toks = text.tokens
    t = toks[i]
    value = parse_number(t.raw)
    if value is None:
        return None
    after = text.text[t.end : t.end + 3]
    last, unit, of, spelled = i, "", None, 1.0
    if after.lstrip(" ").startswith("%"):
        unit = "%"
        end = t.end + after.index("%") + 1
    elif re.match(r"/\d", after) and i + 1 < len(toks) and toks[i + 1].number:
        of, last = parse_number(toks[i + 1].raw), i + 1
        end = toks[last].end
        noun = _noun_after(text, last)
        if noun:
            unit, last, spelled = noun
            end = toks[last].end
    else:
        noun = _noun_after(text, i)
        if noun is None:
            return None
        unit, last, spelled = noun
        end = toks[last].end
    status = next((by_first[j] for j in range(last + 1, min(last + 4, len(toks))) if j in by_first), None)
    fig = Figure(f"f{t.start}-{end}", i, last, text.text[t.start : end], value, unit, of, status=status)
    fig.metric = _metric(text, fig, phrases)
    # Sure of the number; less of what it counts when the noun was OCR-damaged, or unknown.
    fig.confidence = round(spelled * (status.confidence if status else 1.0) * (1.0 if fig.metric else 0.6), 4)
    return fig


def _noun_after(text: Text, i: int) -> tuple[str, int, float] | None:
    toks = text.tokens
    j = i + 1
    if j >= len(toks) or not text.joined(i, j, " \n") or toks[j].number:
        return None
    hits = COUNTED_FINDER.at(text, j)
    if hits:
        p, last = hits[0]
        return p.meaning, last, _spelling(text, p, j, last)
    if toks[j].key in COMMUNE_OCR:
        return "commune", j, 0.8  # "15 xi": a two-letter word read after a number, OCR'd
    return None


def parse_number(raw: str) -> float | None:
    """Vietnamese numbers: "2,63" → 2.63, "1.000" → 1000, "07" → 7."""
    s = raw
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def _metric(text: Text, fig: Figure, phrases: list[StatusPhrase]) -> str | None:
    """What the figure is, in the names :data:`geo_ntm.status.model.METRICS` and the records use."""
    st = fig.status
    if fig.unit == "%":
        window = range(fig.last + 1, min(fig.last + 12, len(text.tokens)))
        cues = {p.meaning for j in window for p, _ in CUE_FINDER.at(text, j) if text.same_sentence(j, fig.first)}
        dbkk = any(p.dbkk and p.first > fig.last and text.same_sentence(p.first, fig.first) for p in phrases)
        if "share_of_villages" in cues and dbkk:
            return "dbkk_villages_ntm_share"
        return _subject_before(text, fig.first)
    if fig.unit in ("million_vnd", "billion_vnd"):
        return _subject_before(text, fig.first)
    if st is None or st.level is None:
        return None
    rank = RANK.get(st.level, 0)
    if fig.unit == "commune" and rank >= 1:
        return {1: "communes_ntm", 2: "communes_nang_cao", 3: "communes_kieu_mau"}[rank]
    if fig.unit == "village" and rank >= 1:
        return {1: "villages_ntm", 2: "villages_ntm", 3: "villages_kieu_mau"}[rank]
    if fig.unit in ("district", "unit") and rank >= 1:
        return "districts_nang_cao" if rank >= 2 else "districts_achieved"
    return None


def _subject_before(text: Text, i: int) -> str | None:
    """The nearest subject ("tỷ lệ hộ nghèo", "thu nhập bình quân") before token ``i`` in its sentence."""
    marks = SUBJECT_FINDER.marks(text)
    k = bisect.bisect_left(marks, i, key=lambda m: m[0])
    found, rural = None, False
    while k > 0 and text.same_sentence(marks[k - 1][0], i):
        k -= 1
        meaning = marks[k][1].meaning
        if meaning == "rural":
            rural = rural or found is None
        elif found is None:
            found = meaning
            break
    if found is None:
        return "rural" if rural else None
    return f"{found}_rural" if rural else found


def _carry_subjects(text: Text, figs: list[Figure]) -> None:
    """ "tỷ lệ hộ nghèo 2,63% (trong đó riêng khu vực nông thôn là 2,87%)": the second is rural poverty."""
    for prev, fig in zip(figs, figs[1:], strict=False):
        if fig.metric == "rural" and prev.metric and text.same_sentence(prev.first, fig.first):
            fig.metric = prev.metric.removesuffix("_rural") + "_rural"


def year_before(text: Text, i: int, marks: list[dict]) -> int | None:
    """The nearest "năm YYYY" (not a period) before token ``i`` in its paragraph."""
    tokens = text.memo.setdefault("year_tokens", [m["token"] for m in marks])
    k = bisect.bisect_left(tokens, i)
    while k > 0:
        k -= 1
        m = marks[k]
        if not m["period"]:
            return m["year"] if text.paragraph_of[m["token"]] == text.paragraph_of[i] else None
    return None


def _period(text: Text, i: int) -> str | None:
    """ "new" or "cumulative": the nearest such cue before token ``i`` in its sentence."""
    marks = text.memo.get("periods")
    if marks is None:
        marks = text.memo["periods"] = [(j, p.meaning) for j, p in CUE_FINDER.marks(text)
                                        if p.meaning in ("new", "cumulative")]  # fmt: skip
    k = bisect.bisect_left(marks, (i,))
    if k and text.same_sentence(marks[k - 1][0], i):
        return marks[k - 1][1]
    return None


def cue_words(text: Text, i: int) -> set[str]:
    """Meanings of the cues in token ``i``'s sentence ("target", "recognise", ...)."""
    per_sentence = text.memo.get("cues")
    if per_sentence is None:
        per_sentence = text.memo["cues"] = {}
        for j, p in CUE_FINDER.marks(text):
            per_sentence.setdefault(text.sentence_of[j], set()).add(p.meaning)
    return per_sentence.get(text.sentence_of[i], set())


# -- deadlines and targets ----------------------------------------------------------------------
def deadlines(text: Text, sentence_of_token: int, not_before: int, year_marks: list[dict]) -> list[dict]:
    """Years in the sentence of a token that read as deadlines ("đến hết năm 2025", "vào năm 2025")."""
    out = []
    sentence = text.sentence_tokens(sentence_of_token)
    tokens = text.memo.setdefault("year_tokens", [m["token"] for m in year_marks])
    for m in year_marks[bisect.bisect_left(tokens, sentence.start) : bisect.bisect_left(tokens, sentence.stop)]:
        if m["period"] or m["year"] < not_before:
            continue
        cue = None
        for back in (1, 2):
            j = m["word"] - back
            if j >= sentence.start:
                hit = DEADLINE_FINDER.at(text, j)
                if hit and hit[0][1] == m["word"] - 1:
                    cue = hit[0][0].meaning
                    break
        recognise = any(
            p.meaning in ("recognise", "submit")
            for j in range(max(sentence.start, m["word"] - 4), m["word"])
            for p, _ in CUE_FINDER.at(text, j)
        )
        out.append({"year": m["year"], "token": m["token"], "cue": cue, "recognise": recognise,
                    "date": date(m["year"], 12, 31).isoformat()})  # fmt: skip
    return out
