"""Find the administrative units a document names, on the date it speaks of.

Three ways a letter names a unit, from most to least certain:

- **after a type word**: "huyện Lục Nam", "UBND xã Tân Sơn", "TINH BAC GIANG", OCR'd "huyén Son
  Pong". The words after the type word (capitalised, up to four, across a line break) are
  matched with :mod:`geo_ntm.matching` against the units of that level in force on the date.
- **in a list after one**: "huyện Sơn Động và Lục Ngạn", "các xã Tân Sơn, Kiên Lao": the same
  level continues over "và" and commas.
- **bare**: a capitalised run that spells a district's or province's name exactly or without
  diacritics ("Bắc Giang, ngày 06 tháng 01"), unless an organisation's word stands before it
  ("Báo Bắc Giang" is a newspaper). Commune names are never taken bare: too many are common
  words.

In all-capital text (letterheads) only exact or diacritic-free matches count, since capitals
carry no cue where a name ends. A name that resolves to two units equally well is kept
"ambiguous" with both candidates; one that names no unit on the date but did on another is
kept with those candidates ("other_date"). Confidence is the matcher's score, lowered for
list and bare mentions; :data:`CONFIDENT` and above is what a reviewer need not check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.matching import ocr_letters, read_type_prefix
from geo_ntm.search import search_units, units_index

from .text import Text
from .vocab import NOT_NAMES, ORGANISATION_FINDER

#: Mentions at or above this confidence are taken as right; below it a reviewer should look.
CONFIDENT = 0.8
MIN_SCORE = 0.7
#: A name after "và" or a comma must look more like a unit than one after a type word.
LIST_MIN_SCORE = 0.8
#: In capitals, only exact and diacritic-free matches.
CAPS_MIN_SCORE = 0.95
MAX_NAME_TOKENS = 4
LIST_FACTOR = 0.97
BARE_CONFIDENCE = {"exact": 0.85, "folded": 0.8}

LEVELS_OF_TYPE = {
    "Tỉnh": ("province",),
    "Thành phố": ("district", "province"),
    "Huyện": ("district",),
    "Quận": ("district",),
    "Thị xã": ("district",),
    "Xã": ("commune",),
    "Phường": ("commune",),
    "Thị trấn": ("commune",),
    "Đặc khu": ("commune",),
}
_ABBREVIATIONS = {"h", "x", "p", "q", "t", "tp", "tx", "tt"}


@dataclass
class UnitMention:
    """A place in the text that names a unit, and which unit it is."""

    id: str
    first: int
    last: int
    text: str
    via: str  # "keyword", "list", "bare"
    unit_type: str  # the type the text gives ("Huyện"), or ""
    status: str  # "matched", "ambiguous", "other_date", "rejected"
    unit: dict | None
    confidence: float
    how: str
    candidates: list[dict] = field(default_factory=list)
    group: int = 0
    corrected: bool = False

    @property
    def level(self) -> str | None:
        return self.unit["level"] if self.unit else None


def find_units(text: Text, atlas: Atlas, day: date) -> list[UnitMention]:
    """Every unit mention in ``text``, in order, matched against the units in force on ``day``."""
    finder = _Finder(text, atlas, day)
    return finder.run()


class _Finder:
    def __init__(self, text: Text, atlas: Atlas, day: date):
        self.text, self.atlas, self.day = text, atlas, day
        self.mentions: list[UnitMention] = []
        self.taken: set[int] = set()
        self.groups = 0
        self.indexes: dict[tuple, tuple] = {}
        self.resolved: dict[tuple, object] = {}

    def run(self) -> list[UnitMention]:
        toks = self.text.tokens
        keys = [t.key for t in toks]  # already folded: lower case, no diacritics
        prefixes: dict[tuple, tuple[str, int]] = {}
        i = 0
        while i < len(toks):
            unit_type, n = "", 0
            if not toks[i].number:
                words = tuple(keys[i : i + 3])
                if words not in prefixes:
                    prefixes[words] = read_type_prefix(list(words))
                unit_type, n = prefixes[words]
            if n and self._keyword_ok(i, n):
                end = self._after_keyword(i, n, unit_type)
                if end is not None:
                    i = end + 1
                    continue
            i += 1
        self._bare()
        return sorted(self.mentions, key=lambda m: m.first)

    def _keyword_ok(self, i: int, n: int) -> bool:
        """Abbreviations ("H.", "TP", "TX") count in running text only with a full stop or capitals."""
        toks = self.text.tokens
        if n == 1 and toks[i].key in _ABBREVIATIONS:
            after = self.text.text[toks[i].end : toks[i].end + 1]
            return after == "." or (toks[i].raw.isupper() and len(toks[i].raw) >= 2)
        if n == 2 and toks[i].key in ("t",):
            return self.text.text[toks[i].end : toks[i].end + 1] == "."
        return all(self.text.joined(j, j + 1, " \n") for j in range(i, i + n - 1))

    def _run(self, start: int) -> list[int]:
        """Tokens that could be a name, from ``start``: capitalised words joined by spaces or a line break."""
        toks = self.text.tokens
        out: list[int] = []
        j = start
        while j < len(toks) and len(out) < MAX_NAME_TOKENS:
            t = toks[j]
            if t.number or not t.upper:
                break
            if out and not self.text.joined(out[-1], j, " \n-"):
                break
            out.append(j)
            j += 1
        return out

    def _after_keyword(self, i: int, n: int, unit_type: str) -> int | None:
        toks = self.text.tokens
        start = i + n
        if start >= len(toks) or not self.text.joined(start - 1, start, " \n.") or start in self.taken:
            return None
        if unit_type == "Xã" and toks[start].key in NOT_NAMES:
            return None
        run = self._run(start)
        if not run:
            return None
        group = self.groups = self.groups + 1
        mention = self._resolve(run, unit_type, "keyword", group)
        if mention is None:
            return None
        last = mention.last
        # "huyện Sơn Động và Lục Ngạn", "các xã A, B và C": the level continues over the list.
        while mention.status in ("matched", "ambiguous", "other_date"):
            nxt = self._list_next(last)
            if nxt is None:
                break
            run = self._run(nxt)
            found = self._resolve(run, unit_type, "list", group) if run else None
            if found is None:
                break
            mention, last = found, found.last
        return last

    def _list_next(self, last: int) -> int | None:
        toks = self.text.tokens
        j = last + 1
        if j >= len(toks):
            return None
        gap = self.text.between(last, j).strip()
        if gap in (",", ";") and toks[j].upper:
            return j
        if gap == "" and toks[j].key == "va" and j + 1 < len(toks) and self.text.joined(j, j + 1, " \n"):
            return j + 1
        return None

    def _resolve(self, run: list[int], unit_type: str, via: str, group: int) -> UnitMention | None:
        levels = LEVELS_OF_TYPE.get(unit_type, ("province", "district"))
        if levels not in self.indexes:
            self.indexes[levels] = units_index(self.atlas, self.day, levels)
        index, rows = self.indexes[levels]
        toks = self.text.tokens
        caps = all(toks[j].caps for j in run)
        floor = CAPS_MIN_SCORE if caps or via == "bare" else LIST_MIN_SCORE if via == "list" else MIN_SCORE
        best = None  # (score, n, resolution)
        for n in range(1, len(run) + 1):
            name = ocr_letters(self.text.raw(run[0], run[n - 1])).replace("\n", " ")
            query = (levels, f"{unit_type} {name}".strip(), floor)
            if query not in self.resolved:  # a long document names the same units again and again
                self.resolved[query] = index.resolve(query[1], min_score=floor)
            res = self.resolved[query]
            if res.candidates and (best is None or res.candidates[0].score >= best[0]):
                best = (res.candidates[0].score, n, res)
        if best is None:
            return self._other_date(run, unit_type, via, group) if via == "keyword" and not caps else None
        score, n, res = best
        last = run[n - 1]
        candidates = [self._candidate(rows[m.id], m.score, m.how) for m in res.candidates]
        if res.status == "matched":
            m = res.match
            confidence = score if via == "keyword" else score * LIST_FACTOR
            if via == "bare":
                confidence = BARE_CONFIDENCE.get(m.how, 0.0)
            status, unit, how = "matched", dict(rows[m.id]), m.how
        else:
            status, unit, how, confidence = "ambiguous", None, res.candidates[0].how, round(score / 2, 4)
        return self._add(run[0], last, via, unit_type, status, unit, round(confidence, 4), how, candidates, group)

    def _other_date(self, run: list[int], unit_type: str, via: str, group: int) -> UnitMention | None:
        """A name that matches no unit on the date: keep it if it named a unit on another date."""
        levels = LEVELS_OF_TYPE.get(unit_type, ())
        name = ocr_letters(self.text.raw(run[0], run[-1])).replace("\n", " ")
        query = ("history", f"{unit_type} {name}".strip())
        if query not in self.resolved:
            try:
                self.resolved[query] = search_units(self.atlas, query[1], limit=5)
            except ValueError:
                self.resolved[query] = []
        hits = [h for h in self.resolved[query] if h["level"] in levels and h["score"] >= 0.85]
        if not hits:
            return None
        candidates = [
            {"uid": h["uid"], "code": h["code"], "name": h["name"], "level": h["level"], "score": h["score"],
             "how": h["how"], "valid_from": h["valid_from"], "valid_to": h["valid_to"]}
            for h in hits
        ]  # fmt: skip
        return self._add(run[0], run[-1], via, unit_type, "other_date", None, 0.0, hits[0]["how"], candidates, group)

    @staticmethod
    def _candidate(row: dict, score: float, how: str) -> dict:
        return {"uid": row["uid"], "code": row["code"], "name": row["name"], "level": row["level"], "score": score,
                "how": how}  # fmt: skip

    def _add(self, first, last, via, unit_type, status, unit, confidence, how, candidates, group) -> UnitMention:
        toks = self.text.tokens
        mention = UnitMention(
            f"u{toks[first].start}-{toks[last].end}", first, last, self.text.raw(first, last), via, unit_type,
            status, unit, confidence, how, candidates, group,
        )  # fmt: skip
        self.mentions.append(mention)
        self.taken.update(range(first, last + 1))
        return mention

    def _bare(self) -> None:
        """Capitalised runs that spell a district or province name, where no type word stands before."""
        toks = self.text.tokens
        i = 0
        while i < len(toks):
            if i in self.taken or not toks[i].upper:
                i += 1
                continue
            run = self._run(i)
            run = run[: next((k for k, j in enumerate(run) if j in self.taken), len(run))]
            found = None
            for k in range(len(run) - 1):  # a name has two words or more; try each start ("Riêng Lục Ngạn")
                if not self._after_organisation(run[k]):
                    self.groups += 1
                    found = self._resolve(run[k:], "", "bare", self.groups)
                    if found is not None:
                        break
            i = (found.last if found is not None else (run[-1] if run else i)) + 1

    def _after_organisation(self, i: int) -> bool:
        """Whether an organisation's word ("Báo", "Sở", "Văn phòng") stands right before token ``i``."""
        for back in (1, 2):
            j = i - back
            if j < 0:
                return False
            for _, last in ORGANISATION_FINDER.at(self.text, j):
                if last == i - 1:
                    return True
        return False
