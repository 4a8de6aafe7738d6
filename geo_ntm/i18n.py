"""Words in Vietnamese and English, read from one message catalogue per language.

Every sentence a person reads (pages, notes in answers, labels of fields and statuses) lives
in ``geo_ntm/locales/<lang>.toml``, one file per language with the same keys, so a translator
works on one file and a test checks that the languages agree (same keys, same ``{placeholders}``).
Vietnamese is first: it is the language of the users and the fallback.

>>> text("en", "level.district.plural")
'districts'
>>> text("vi", "when.day_after_today", day="01/12/2026", today="30/11/2026")   # doctest: +SKIP

Keys are dotted paths into the TOML tables; :func:`section` returns a whole table (for a page
template or a script's configuration).
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
LOCALES = Path(__file__).parent / "locales"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def lang_of(lang: str | None) -> str:
    """``lang`` if it is one of ours, else Vietnamese."""
    return lang if lang in LANGUAGES else DEFAULT


@cache
def catalogue(lang: str) -> dict[str, Any]:
    """The whole catalogue of ``lang`` (nested tables), read once."""
    with open(LOCALES / f"{lang_of(lang)}.toml", "rb") as f:
        return tomllib.load(f)


def _lookup(lang: str, key: str) -> Any:
    node: Any = catalogue(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no message {key!r} in the {lang_of(lang)} catalogue ({LOCALES})")
        node = node[part]
    return node


def text(lang: str, key: str, **values: Any) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    message = _lookup(lang, key)
    if not isinstance(message, str):
        raise KeyError(f"message {key!r} is a table, not a sentence; use section()")
    return message.format(**values) if values else message


def section(lang: str, key: str) -> dict[str, Any]:
    """The table ``key`` of ``lang`` (e.g. all the words of one page)."""
    table = _lookup(lang, key)
    if not isinstance(table, dict):
        raise KeyError(f"message {key!r} is a sentence, not a table; use text()")
    return table


def both(key: str, **values: Any) -> dict[str, str]:
    """``{"vi": …, "en": …}``: the message in every language, for answers read by programs."""
    return {lang: text(lang, key, **values) for lang in LANGUAGES}


def pairs(key: str) -> dict[str, tuple[str, str]]:
    """``{name: (vi, en)}`` for every sentence of the table ``key`` (labels of fields, metrics)."""
    vi, en = section("vi", key), section("en", key)
    return {name: (vi[name], en[name]) for name in vi}


def day_text(day: date | str | None, lang: str) -> str:
    """A date as people write it: ``01/07/2025`` in Vietnamese, ``1 Jul 2025`` in English."""
    if day is None:
        return ""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    if lang_of(lang) == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d/%m/%Y")
