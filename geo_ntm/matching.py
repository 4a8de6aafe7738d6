"""Match typed or OCR'd Vietnamese unit names against a list of official names.

A query such as ``"H. Luc Ngan"``, ``"TT Tây Yên Tử"`` or the OCR'd ``"Son Pong"`` is split
into a unit-type hint and a short name (:func:`normalize_query`), then compared with each
candidate's short name in three tiers:

======== ====================================================== ==============
how      rule                                                   score
======== ====================================================== ==============
exact    same letters and diacritics (NFC, any case/spacing)    1.0
folded   same :func:`~geo_ntm.names.key` (no diacritics)        0.95
fuzzy    confusion-aware edit distance *d* on keys, length *L*  0.9 * (1 - d/L)
======== ====================================================== ==============

Substitutions among characters OCR confuses (đ read as p/b, ô/ơ read as é, ư as w, ă/â
as 3/4, ị as 1/l) cost :data:`CONFUSABLE_COST` instead of 1. A unit-type hint that
disagrees with the candidate's type subtracts :data:`TYPE_PENALTY`: the type breaks ties, it
does not filter. A query whose first word looks like a type ("Xa Lý", "Tịnh Biên") is also
read without a type. Build a :class:`NameIndex` once and query it many times; ``min_score``
below 0.45 disables the bigram pre-filter and scans every name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from geo_ntm.names import fold, key, nfc, split_type

EXACT_SCORE = 1.0
FOLDED_SCORE = 0.95
FUZZY_MAX = 0.9
#: Subtracted when the query names a unit type and the candidate has another one.
TYPE_PENALTY = 0.1
#: Default lowest score :func:`match` returns (fuzzy: d/L <= about 0.28).
DEFAULT_MIN_SCORE = 0.65
#: :func:`best` refuses to choose when the top two scores differ by less than this. Exact
#: beats folded (1.0 vs 0.95) and a matching type beats a wrong one (0.1), so those decide.
AMBIGUITY_MARGIN = 0.05
CONFUSABLE_COST = 0.3

# Groups of characters OCR confuses once text is folded; every pair inside a group is cheap.
_CONFUSABLE_GROUPS = ("dpb", "oe0", "uwv", "a34", "il1j")
_SUB = {a + b: CONFUSABLE_COST for g in _CONFUSABLE_GROUPS for a in g for b in g if a != b}
_CLASS = str.maketrans({ch: g[0] for g in _CONFUSABLE_GROUPS for ch in g})
# Letters NFD does not decompose that OCR emits for đ/Đ and friends, and signs OCR reads for a
# vowel with two marks ("bi¢t" for biệt, "1€" for lệ). Same length, so offsets in a text hold.
_OCR_LETTERS = str.maketrans("ðÐɖƉłŁøØ¢€", "dDdDlLoOee")
_TOKEN = re.compile(r"[^\W_]+")

# Unit-type prefixes as folded token patterns (full words tolerate light OCR damage).
_THI, _XA = "th[i1lj]", "x[a34]"
_PREFIX_SPECS = [
    ("Thành phố", ("thanh", "pho")), ("Thị trấn", (_THI, "tr[a34]n")), ("Thị xã", (_THI, _XA)),
    ("Đặc khu", ("d[a34]c", "khu")), ("Thành phố", ("t", "p")), ("Thị trấn", ("t", "t")),
    ("Thị xã", ("t", "x")), ("Thành phố", ("tp",)), ("Thị trấn", ("tt",)), ("Thị xã", ("tx",)),
    ("Phường", ("ph[uw][o0e]ng",)), ("Huyện", ("huy[eo]n",)), ("Quận", ("qu[a34]n",)),
    ("Tỉnh", ("t[i1l]nh",)), ("Xã", (_XA,)), ("Phường", ("p",)), ("Huyện", ("h",)),
    ("Quận", ("q",)), ("Xã", ("x",)),
]  # fmt: skip
_PREFIXES = [(t, tuple(re.compile(p) for p in pats)) for t, pats in _PREFIX_SPECS]


@dataclass(frozen=True, slots=True)
class Match:
    """One candidate matched by a query.

    Attributes
    ----------
    id : hashable
        The candidate's id as given, or its 0-based position when candidates were plain names.
    name : str
        The candidate's name (NFC).
    score : float
        0..1; see the module docstring for the scale.
    how : str
        ``"exact"``, ``"folded"`` or ``"fuzzy"``.
    """

    id: Hashable
    name: str
    score: float
    how: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """Outcome of :func:`resolve`.

    Attributes
    ----------
    status : str
        ``"matched"``, ``"ambiguous"`` (top two within :data:`AMBIGUITY_MARGIN`) or
        ``"unmatched"`` (nothing scored at least ``min_score``).
    match : Match or None
        The chosen candidate when ``status == "matched"``.
    candidates : tuple of Match
        The shortlist, best first: ``limit`` matches, or more when more are tied with the top.
    """

    status: str
    match: Match | None
    candidates: tuple[Match, ...]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(nfc(text.translate(_OCR_LETTERS)))


def _exact(tokens: list[str]) -> str:
    return "".join(tokens).lower()


def _split_query(text: str) -> tuple[str, list[str], list[str]]:
    """Return (unit type hint, short-name tokens, all tokens) of a query."""
    tokens = _tokens(text)
    folded = [fold(t) for t in tokens]
    for unit_type, pats in _PREFIXES:
        n = len(pats)
        if len(tokens) > n and all(p.fullmatch(f) for p, f in zip(pats, folded, strict=False)):
            return unit_type, tokens[n:], tokens
    return "", tokens, tokens


def ocr_letters(text: str) -> str:
    """``text`` with letters OCR emits in place of Vietnamese ones put back (same length).

    >>> ocr_letters("bi¢t kho khăn")
    'biet kho khăn'
    """
    return text.translate(_OCR_LETTERS)


def read_type_prefix(folded: list[str]) -> tuple[str, int]:
    """The unit type that the first folded tokens spell, and how many tokens it takes.

    Full words ("huyen", "thi xa", OCR'd "huyén" folded to "huyen", "x3") come before the
    abbreviations ("h", "tp", "tx"); the caller decides whether an abbreviation counts
    where it stands (in running text it needs a full stop or capitals).

    >>> read_type_prefix(["thi", "x3", "viet", "yen"])
    ('Thị xã', 2)
    >>> read_type_prefix(["nong", "thon"])
    ('', 0)
    """
    for unit_type, pats in _PREFIXES:
        n = len(pats)
        if len(folded) >= n and all(p.fullmatch(f) for p, f in zip(pats, folded[:n], strict=True)):
            return unit_type, n
    return "", 0


def similarity(a: str, b: str) -> float:
    """How alike two keys are, 0..1: ``1 - d / L`` with the OCR-aware edit distance *d*.

    >>> similarity("nongthonmoi", "nengthenmei")   # néng thén méi
    0.9182
    """
    length = max(len(a), len(b))
    if not length:
        return 1.0
    return round(max(0.0, 1.0 - _distance(a, b, float(length)) / length), 4)


def confusion_class(text: str) -> str:
    """A folded ``text`` with each OCR-confusable letter replaced by its group's first letter.

    >>> confusion_class("nengthenmei")
    'nongthonmoi'
    """
    return text.translate(_CLASS)


def normalize_query(text: str) -> tuple[str, str]:
    """Split a query into a unit-type hint and its folded short name.

    Parameters
    ----------
    text : str
        A name as typed or OCR'd, with or without a type prefix or abbreviation
        (``Xã``, ``X.``, ``TT``, ``T.T``, ``P.``, ``TX``, ``H.``, ``TP.``, ``Q.``, ...).

    Returns
    -------
    tuple of str
        (canonical type from :data:`geo_ntm.names.UNIT_TYPES` or ``""``, folded short name).

    Examples
    --------
    >>> normalize_query("T.T Tây Yên Tử")
    ('Thị trấn', 'tay yen tu')
    >>> normalize_query("P.Đa Mai")
    ('Phường', 'da mai')
    """
    hint, short, _ = _split_query(text)
    return hint, fold(" ".join(short))


def _distance(a: str, b: str, cutoff: float) -> float:
    """Levenshtein distance with cheap confusable substitutions; > cutoff once it exceeds it."""
    prev = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        cur = [float(i)]
        for j, cb in enumerate(b, 1):
            sub = prev[j - 1] + (0.0 if ca == cb else _SUB.get(ca + cb, 1.0))
            cur.append(min(prev[j] + 1.0, cur[j - 1] + 1.0, sub))
        if min(cur) > cutoff:
            return cutoff + 1.0
        prev = cur
    return prev[-1]


def _bigrams(text: str) -> list[tuple[str, int]]:
    """Padded bigrams of ``text``, numbered by occurrence so counts behave as multisets."""
    seen: Counter[str] = Counter()
    out = []
    padded = "^" + text + "$"
    for i in range(len(padded) - 1):
        gram = padded[i : i + 2]
        seen[gram] += 1
        out.append((gram, seen[gram]))
    return out


class NameIndex:
    """Candidate names prepared once for repeated matching.

    Parameters
    ----------
    candidates : iterable
        Names, or ``(id, name)`` pairs. Plain names get their position as id.
    """

    def __init__(self, candidates: Iterable[str | tuple[Hashable, str]]):
        self._entries: list[tuple[Hashable, str, str]] = []  # (id, name, type)
        self._exact: dict[str, list[int]] = {}
        self._by_key: dict[str, list[int]] = {}
        for pos, cand in enumerate(candidates):
            cid, name = (pos, cand) if isinstance(cand, str) else cand
            name = nfc(name)
            unit_type, short = split_type(name)
            self._entries.append((cid, name, unit_type))
            self._exact.setdefault(_exact(_tokens(short)), []).append(pos)
            self._by_key.setdefault(key(short.translate(_OCR_LETTERS)), []).append(pos)
        self._keys = list(self._by_key)
        self._postings: dict[tuple[str, int], list[int]] = {}
        for kid, k in enumerate(self._keys):
            for gram in _bigrams(k.translate(_CLASS)):
                self._postings.setdefault(gram, []).append(kid)

    def __len__(self) -> int:
        return len(self._entries)

    def _fuzzy(self, qkey: str, min_score: float) -> dict[int, float]:
        """Fuzzy scores (before type penalty) of keys within reach of ``min_score``."""
        slack = max(0.0, 1.0 - min_score / FUZZY_MAX)  # allowed d / L
        counts: Counter[int] = Counter()
        for gram in _bigrams(qkey.translate(_CLASS)):
            counts.update(self._postings.get(gram, ()))
        # q-gram lemma: d confusable-class edits leave >= L + 1 - 2d shared padded bigrams.
        pool = range(len(self._keys)) if slack >= 0.5 else counts
        out = {}
        for kid in pool:
            k = self._keys[kid]
            length = max(len(qkey), len(k))
            cutoff = length * slack + 1e-9  # float slack at the boundary
            if counts.get(kid, 0) < length + 1 - 2 * int(cutoff):
                continue
            d = _distance(qkey, k, cutoff)
            if d <= cutoff:
                out[kid] = FUZZY_MAX * (1.0 - d / length)
        return out

    def match(self, query: str, *, limit: int | None = 5, min_score: float = DEFAULT_MIN_SCORE) -> list[Match]:
        """Candidates scoring at least ``min_score``, best first (score desc, then name).

        ``limit=None`` returns them all. See :func:`match`.
        """
        hint, short, tokens = _split_query(query)
        readings = [(hint, short)] + ([("", tokens)] if hint else [])  # prefix may be a name
        scored: dict[int, tuple[float, str]] = {}  # position -> (score, how)

        def offer(pos: int, score: float, how: str, h: str) -> None:
            ctype = self._entries[pos][2]
            if h and ctype and ctype != h:
                score -= TYPE_PENALTY
            score = round(score, 4)
            if score >= min_score and score > scored.get(pos, (-1.0, ""))[0]:
                scored[pos] = (score, how)

        for h, toks in readings:
            if not toks:
                continue
            qkey = key(" ".join(toks))
            for pos in self._exact.get(_exact(toks), ()):
                offer(pos, EXACT_SCORE, "exact", h)
            for pos in self._by_key.get(qkey, ()):
                offer(pos, FOLDED_SCORE, "folded", h)
            if qkey:
                for kid, score in self._fuzzy(qkey, min_score).items():
                    for pos in self._by_key[self._keys[kid]]:
                        offer(pos, score, "fuzzy", h)
        order = sorted(scored, key=lambda p: (-scored[p][0], self._entries[p][1], p))
        return [Match(*self._entries[p][:2], *scored[p]) for p in order][:limit]

    def resolve(self, query: str, *, limit: int = 5, min_score: float = DEFAULT_MIN_SCORE,
                margin: float = AMBIGUITY_MARGIN) -> Resolution:  # fmt: skip
        """Decide between matched, ambiguous and unmatched. See :func:`resolve`."""
        found = self.match(query, limit=None, min_score=min_score)
        if not found:
            return Resolution("unmatched", None, ())
        tied = sum(1 for m in found if found[0].score - m.score < margin - 1e-9)
        shortlist = tuple(found[: max(limit, tied)])
        if tied > 1:
            return Resolution("ambiguous", None, shortlist)
        return Resolution("matched", found[0], shortlist)

    def best(self, query: str, **kwargs) -> Match | None:
        """The single unambiguous best match, or None. See :func:`best`."""
        return self.resolve(query, **kwargs).match


def _index(candidates) -> NameIndex:
    return candidates if isinstance(candidates, NameIndex) else NameIndex(candidates)


def match(query: str, candidates, *, limit: int | None = 5,
          min_score: float = DEFAULT_MIN_SCORE) -> list[Match]:  # fmt: skip
    """Rank candidates against a query.

    Parameters
    ----------
    query : str
        Name as typed or OCR'd, with or without a unit-type prefix.
    candidates : NameIndex or iterable
        A prepared :class:`NameIndex` (reuse it for many queries), names, or (id, name) pairs.
    limit : int or None
        Most matches to return; None for all.
    min_score : float
        Lowest score returned.

    Returns
    -------
    list of Match
        Best first: score descending, then name, then candidate order.
    """
    return _index(candidates).match(query, limit=limit, min_score=min_score)


def resolve(query: str, candidates, *, limit: int = 5, min_score: float = DEFAULT_MIN_SCORE,
            margin: float = AMBIGUITY_MARGIN) -> Resolution:  # fmt: skip
    """Match a query and say whether one candidate clearly wins.

    Parameters
    ----------
    query, candidates, limit, min_score
        As for :func:`match`.
    margin : float
        The best match is chosen only if it beats the runner-up by at least this much.

    Returns
    -------
    Resolution
        ``status`` "matched" (``match`` set), "ambiguous" (``match`` None, every candidate
        within ``margin`` of the top in ``candidates``) or "unmatched".
    """
    return _index(candidates).resolve(query, limit=limit, min_score=min_score, margin=margin)


def best(query: str, candidates, **kwargs) -> Match | None:
    """The unambiguous best match, or None when nothing is close or the top two tie.

    Takes the keyword arguments of :func:`resolve`; use that to see why None was returned.
    """
    return _index(candidates).best(query, **kwargs)
