"""A document's text as tokens with their places, sentences and paragraphs, and a phrase finder.

Official letters reach us OCR'd: "néng thén méi" for nông thôn mới, "x3" for xã, "bi¢t" for
biệt. Every token therefore carries a *key* (no diacritics, OCR letters put back, lower case:
the form :mod:`geo_ntm.matching` compares names in), and phrases are found by comparing keys
with the same OCR-aware distance the name matcher uses (:func:`geo_ntm.matching.similarity`).
Offsets always point into the original text, so a mention can be highlighted where it stands.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from geo_ntm.matching import confusion_class, ocr_letters, similarity
from geo_ntm.names import key

_TOKEN = re.compile(r"(?P<w>[^\W_]*[^\W\d_][^\W_]*)|(?P<n>\d+(?:[.,]\d+)*)")
#: Sentence ends: a full stop, ! or ? (not inside a number such as 2,63 or 1.000). A ";" only
#: separates items of one sentence ("công nhận thêm 09 xã …; 15 xã …; 11 xã …").
_SENTENCE_END = re.compile(r"(?<!\d)[.!?](?=\s|$)|\.(?=\s*\n)")
#: A line that opens a paragraph: a dash or bullet, a numbered heading ("1.", "a)", "II."), or
#: a blank line before it.
_PARAGRAPH_START = re.compile(r"^\s*(?:[-–•+*]\s|\d{1,2}[.)]\s|[a-zđ][.)]\s|[IVX]{1,4}[.)]\s)")
#: Most share of the phrase's letters that may differ (OCR-weighted) for a phrase to be found.
PHRASE_SLACK = 0.26


@dataclass(frozen=True, slots=True)
class Token:
    """A word or a number, where it stands, and its comparison key."""

    i: int
    start: int
    end: int
    raw: str
    key: str
    number: bool
    upper: bool  # starts with a capital
    caps: bool  # all capitals (two or more letters)


@dataclass(frozen=True, slots=True)
class Span:
    """Tokens ``first``..``last`` (inclusive) of a :class:`Text`."""

    first: int
    last: int


class Text:
    """Tokens, lines, sentences and paragraphs of a document's text.

    Parameters
    ----------
    text : str
        Clean text (see :func:`geo_ntm.documents.reading.clean_text`).
    """

    def __init__(self, text: str):
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        letters = ocr_letters(text)
        self.tokens: list[Token] = []
        keys: dict[str, str] = {}  # a document repeats its words: fold each once
        for m in _TOKEN.finditer(letters):
            raw = text[m.start() : m.end()]
            is_number = m.group("n") is not None
            k = m.group() if is_number else keys.get(m.group()) or keys.setdefault(m.group(), key(m.group()))
            self.tokens.append(
                Token(len(self.tokens), m.start(), m.end(), raw, k, is_number, raw[0].isupper(),
                      len(raw) > 1 and raw.isupper())
            )  # fmt: skip
        self._starts = [t.start for t in self.tokens]
        #: Per phrase finder, the phrases found at each token (see :meth:`PhraseFinder.at`).
        self.memo: dict = {}
        self.sentence_of = self._segments(self._sentence_breaks())
        self.paragraph_of = self._segments(self._paragraph_breaks())

    # -- places ---------------------------------------------------------------------------------
    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and 0-based column of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line]

    def place(self, start: int, end: int) -> dict:
        """``start``/``end`` offsets with their lines and columns, for a mention."""
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(end)
        return {"start": start, "end": end, "line": line, "col": col, "end_line": end_line, "end_col": end_col}

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self._starts, offset)

    def between(self, a: int, b: int) -> str:
        """The raw characters between token ``a``'s end and token ``b``'s start."""
        return self.text[self.tokens[a].end : self.tokens[b].start]

    def joined(self, a: int, b: int, allow: str = " \n-") -> bool:
        """Whether tokens ``a`` and ``b`` (a < b, adjacent) are separated only by ``allow`` characters."""
        return all(c in allow for c in self.between(a, b))

    def raw(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    # -- segments -------------------------------------------------------------------------------
    def _sentence_breaks(self) -> list[int]:
        """Offsets where a sentence ends (also at paragraph breaks)."""
        ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        return sorted(set(ends) | set(self._paragraph_breaks()))

    def _paragraph_breaks(self) -> list[int]:
        breaks = []
        lines = self.text.split("\n")
        for n in range(1, len(lines)):
            prev, line = lines[n - 1].rstrip(), lines[n]
            if not line.strip() or not prev.strip() or _PARAGRAPH_START.match(line):
                breaks.append(self._line_starts[n])
            elif prev.endswith((".", ":", "!", "?")) and line.lstrip()[:1].isupper():
                breaks.append(self._line_starts[n])
        return breaks

    def _segments(self, breaks: list[int]) -> list[int]:
        """For each token, the number of the segment it is in."""
        out, seg, b = [], 0, 0
        for t in self.tokens:
            while b < len(breaks) and breaks[b] <= t.start:
                seg, b = seg + 1, b + 1
            out.append(seg)
        return out

    def same_sentence(self, a: int, b: int) -> bool:
        return self.sentence_of[a] == self.sentence_of[b]

    def sentence_tokens(self, i: int) -> range:
        """Indexes of the tokens in token ``i``'s sentence."""
        return self._segment_range(self.sentence_of, i)

    def paragraph_tokens(self, i: int) -> range:
        return self._segment_range(self.paragraph_of, i)

    def _segment_range(self, seg: list[int], i: int) -> range:
        lo = bisect.bisect_left(seg, seg[i])
        hi = bisect.bisect_right(seg, seg[i])
        return range(lo, hi)


# -- phrases ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Phrase:
    """A phrase to find: its name, its words (as written, with diacritics), and what it means."""

    name: str
    words: tuple[str, ...]
    meaning: str = ""
    #: An abbreviation ("NTM", "ĐBKK"): matched letter for letter, never fuzzily.
    abbreviation: bool = False
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "keys", tuple(key(w) for w in self.words))


@lru_cache(maxsize=65536)
def word_like(token_key: str, word_key: str) -> bool:
    """Whether a token could be an OCR'd spelling of one word (first letters agree, small distance)."""
    if token_key == word_key:
        return True
    if not token_key or confusion_class(token_key[0]) != confusion_class(word_key[0]):
        return False
    if confusion_class(token_key) == confusion_class(word_key):
        return True
    if len(word_key) < 3:
        return False
    # Four letters or more: one letter wrong is fine ("thdng" for tháng). Three: only an OCR confusion.
    return similarity(token_key, word_key) >= (0.74 if len(word_key) >= 4 else 0.75)


class PhraseFinder:
    """Finds phrases in a :class:`Text`, tolerant of OCR damage, a phrase at a time or all at once."""

    def __init__(self, phrases: Iterable[Phrase]):
        self.phrases = list(phrases)
        self._first: dict[str, list[Phrase]] = {}
        self._by_first: dict[str, list[Phrase]] = {}
        for p in self.phrases:
            self._by_first.setdefault(confusion_class(p.keys[0][0]), []).append(p)

    def at(self, text: Text, i: int, *, names: set[str] | None = None) -> list[tuple[Phrase, int]]:
        """Phrases starting at token ``i`` (with the index of their last token), longest first.

        Answers are kept on ``text``: finders ask about the same tokens many times.
        """
        memo = text.memo.setdefault(id(self), {})
        found = memo.get(i)
        if found is None:
            found = memo[i] = self._at(text, i)
        return found if names is None else [f for f in found if f[0].name in names]

    def _at(self, text: Text, i: int) -> list[tuple[Phrase, int]]:
        toks = text.tokens
        first = toks[i]
        if first.number or not first.key:
            return []
        candidates = self._first.get(first.key)
        if candidates is None:
            candidates = self._first[first.key] = self._could_start(first.key)
        found = []
        for p in candidates:
            n = len(p.keys)
            if i + n > len(toks):
                continue
            keys = tuple(toks[j].key for j in range(i, i + n))  # numbers' keys are digits: they never match
            if not (keys == p.keys if p.abbreviation else _phrase_like(keys, p.keys)):
                continue
            if all(text.joined(j, j + 1, " \n-/") for j in range(i, i + n - 1)):
                found.append((p, i + n - 1))
        return sorted(found, key=lambda f: -len(f[0].keys))

    def _could_start(self, first: str) -> list[Phrase]:
        """Phrases whose first word this token could be (a loose test; :func:`_phrase_like` decides)."""
        out = []
        for p in self._by_first.get(confusion_class(first[0]), ()):
            if p.abbreviation:
                ok = first == p.keys[0]
            elif len(p.keys) == 1:
                ok = word_like(first, p.keys[0])
            else:
                ok = confusion_class(first) == confusion_class(p.keys[0]) or similarity(first, p.keys[0]) >= 0.5
            if ok:
                out.append(p)
        return out

    def marks(self, text: Text) -> list[tuple[int, Phrase]]:
        """(token, phrase) of every phrase starting anywhere in ``text``, overlaps kept, in order (kept on ``text``)."""
        key = ("marks", id(self))
        found = text.memo.get(key)
        if found is None:
            found = text.memo[key] = [(j, p) for j in range(len(text.tokens)) for p, _ in self.at(text, j)]
        return found

    def find(self, text: Text, names: set[str] | None = None) -> list[tuple[Phrase, int, int]]:
        """Every phrase found, as (phrase, first token, last token); overlapping ones keep the longest."""
        out = []
        i = 0
        while i < len(text.tokens):
            hits = self.at(text, i, names=names)
            if hits:
                p, last = hits[0]
                out.append((p, i, last))
                i = last + 1
            else:
                i += 1
        return out


@lru_cache(maxsize=65536)
def _phrase_like(tokens: tuple[str, ...], words: tuple[str, ...]) -> bool:
    if tokens == words:
        return True
    if not all(t and w and confusion_class(t[0]) == confusion_class(w[0]) for t, w in zip(tokens, words, strict=True)):
        return False
    if len(words) == 1:
        return word_like(tokens[0], words[0])
    return similarity("".join(tokens), "".join(words)) >= 1.0 - PHRASE_SLACK
