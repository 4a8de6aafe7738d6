"""Vietnamese names: Unicode normalisation and diacritic-free keys.

Every name stored by geo-ntm is NFC. Comparisons between names go through :func:`fold`
(lower case, no diacritics, đ → d, single spaces) or :func:`key` (``fold`` without spaces
or punctuation, the form VAU's ``alias_keys`` use: ``"Xã Dĩnh Trì"`` → ``"xadinhtri"``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Unit-type prefixes as written in GSO lists, longest first so "Thị trấn" wins over "Thị".
UNIT_TYPES = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)

_SPACE = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC with runs of white space collapsed to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@lru_cache(maxsize=1 << 16)  # pure, and called ~10^6 times when a build reads the national lists
def fold(text: str) -> str:
    """Lower-case ASCII form of a Vietnamese string: no diacritics, đ → d, single spaces.

    >>> fold("Thị trấn  Bích Động")
    'thi tran bich dong'
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACE.sub(" ", text.lower()).strip()


def key(text: str) -> str:
    """:func:`fold` without spaces or punctuation (VAU's alias-key form).

    >>> key("Xã Dĩnh Trì")
    'xadinhtri'
    """
    return _NON_ALNUM.sub("", fold(text))


@lru_cache(maxsize=1 << 16)
def split_type(name: str) -> tuple[str, str]:
    """Split an official name into (unit type, short name).

    >>> split_type("Thị trấn Bích Động")
    ('Thị trấn', 'Bích Động')
    >>> split_type("Bích Động")
    ('', 'Bích Động')
    """
    name = nfc(name)
    folded = fold(name)
    for unit_type in UNIT_TYPES:
        prefix = fold(unit_type) + " "
        if folded.startswith(prefix):
            return unit_type, name[len(unit_type) :].strip()
    return "", name


def short_key(name: str) -> str:
    """Key of the name without its unit type: "Thị trấn Bố Hạ" and "Xã Bố Hạ" both give "boha"."""
    return key(split_type(name)[1])


def canonical(name: str) -> str:
    """NFC name with its unit type spelt the standard way ("Thị Xã Việt Yên" → "Thị xã Việt Yên")."""
    unit_type, short = split_type(name)
    return f"{unit_type} {short}" if unit_type else short


ENGLISH_TYPES = {
    "Xã": "Commune",
    "Phường": "Ward",
    "Thị trấn": "Township",
    "Đặc khu": "Special Zone",
    "Huyện": "District",
    "Quận": "Urban District",
    "Thị xã": "Town",
    "Thành phố": "City",
    "Tỉnh": "Province",
}


@lru_cache(maxsize=1 << 16)  # pure; a national layer asks for ~10^4 names
def english(name: str) -> str:
    """An English rendering for readers without Vietnamese: "Xã Sơn Động" → "Son Dong Commune".

    Diacritics are dropped (title case kept) and the type is translated; the Vietnamese name
    stays the official one.
    """
    unit_type, short = split_type(name)
    ascii_short = " ".join(w[:1].upper() + w[1:] for w in fold(short).split())
    kept = unicodedata.normalize("NFD", short.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(ch for ch in kept if unicodedata.category(ch) != "Mn")
    ascii_short = kept if kept.replace(" ", "").isascii() else ascii_short
    if not unit_type:
        return ascii_short
    if ascii_short.isdigit():
        return f"{ENGLISH_TYPES[unit_type]} {ascii_short}"
    return f"{ascii_short} {ENGLISH_TYPES[unit_type]}"


# Vietnamese alphabetical order: ă and â follow a, đ follows d, ê follows e, ô and ơ follow o, ư
# follows u. Letters Vietnamese does not use (f, j, w, z) sit where Latin puts them.
_ALPHABET = " 0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tones in dictionary order: level, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(text: str) -> tuple:
    """A key that orders Vietnamese text the way a Vietnamese dictionary does.

    Letters first (``a < ă < â < b … d < đ < e < ê … o < ô < ơ … u < ư``), then tones
    (level, huyền, hỏi, ngã, sắc, nặng), then case. Use it as ``sorted(names, key=sort_key)``.

    >>> sorted(["Đèo Gia", "Dương Hưu", "Ân Thi", "An Bá", "Ăn Quả"], key=sort_key)
    ['An Bá', 'Ăn Quả', 'Ân Thi', 'Dương Hưu', 'Đèo Gia']
    """
    letters, tones, cases = [], [], []
    for ch in nfc(text):
        parts = unicodedata.normalize("NFD", ch)
        tone = next((_TONE_RANK[m] for m in parts if m in _TONE_RANK), 0)
        letter = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_RANK))
        lower = letter.lower()
        letters.append(_LETTER_RANK.get(lower, len(_ALPHABET) + ord(lower[0])))
        tones.append(tone)
        cases.append(lower != letter)
    return tuple(letters), tuple(tones), tuple(cases)
