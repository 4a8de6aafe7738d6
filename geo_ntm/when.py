"""What a date in a question means: a day or a year-end, the default (the present), the range.

Every question the service answers ("the map on …", "the figures of …") is asked on a
:class:`When`: a day (decisions by signing date, boundaries of that day) or a year-end
(decisions by their "năm" label, boundaries of 31 December), which is how the province
reports a year. This module is the one place that reads such a date from text, checks it
against the region's range and picks the default; the API's ``When`` dependency
(``api/deps.py``) and the command line call it.

- The range is the region's: from the first day of its boundary history to **today**
  (there are no records of the future). Today is read on every call, so the service is
  right on whatever day it runs.
- The default is the present (today), never a fixed year.
- A level can have no units on a day (districts from 1 July 2025): :func:`absence` says why,
  with the dates taken from the region's data, so every answer can be empty *and* explain.
- A unit that no longer exists is shown on the last day it existed (:func:`last_day_of`),
  never as zeros on a day it did not exist.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from geo_ntm import i18n
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError, NotFoundError

if TYPE_CHECKING:
    from geo_ntm.boundaries.atlas import Atlas

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
#: An RFC 3339 date-time (OGC API ``datetime``): date, time, optional fraction, Z or an offset.
_INSTANT = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_FAR = date(9999, 12, 31)


def today() -> date:
    """The service's today (read on every call, never at import)."""
    return date.today()


@dataclass(frozen=True)
class Note:
    """Why an answer is empty or was moved to another date: a message key and its values.

    ``as_dict()`` gives ``{"reason": key, "vi": …, "en": …, **values}`` for answers read by
    programs; :meth:`text` one language for pages.
    """

    reason: str
    values: dict = field(default_factory=dict)

    def _filled(self, lang: str) -> dict:
        out = {}
        for k, v in self.values.items():
            if isinstance(v, date):
                out[k] = i18n.day_text(v, lang)
            elif k == "level":
                out[k] = i18n.text(lang, f"level.{v}.plural")
            else:
                out[k] = v
        return out

    def text(self, lang: str) -> str:
        return i18n.text(lang, f"when.{self.reason}", **self._filled(lang))

    def header(self) -> str:
        """The English sentence in ASCII (an HTTP header such as ``X-Note`` carries no other letters)."""
        text = unicodedata.normalize("NFKD", self.text("en").replace("Đ", "D").replace("đ", "d"))
        return "".join(ch for ch in text if ord(ch) < 128)

    def as_dict(self) -> dict:
        plain = {k: v.isoformat() if isinstance(v, date) else v for k, v in self.values.items()}
        return {"reason": self.reason, **{lang: self.text(lang) for lang in i18n.LANGUAGES}, **plain}


@dataclass(frozen=True)
class When:
    """A day (by signing date) or a year-end (by "năm" label); ``asked`` is False for a default.

    ``note`` says why the service chose this date when it was not the one asked for (a unit
    that no longer exists is shown on its last day).
    """

    day: date | None = None
    year: int | None = None
    asked: bool = True
    note: Note | None = field(default=None, compare=False)

    @property
    def as_of(self) -> date:
        """The day whose boundaries are shown."""
        return self.day if self.day is not None else date(self.year, 12, 31)

    @property
    def key(self) -> str:
        """Stable text naming the question (cache keys, file names): ``2023-12-31`` or ``y2023``."""
        return self.day.isoformat() if self.day is not None else f"y{self.year}"

    @property
    def params(self) -> dict[str, str | int]:
        """The query parameters that ask the same question: ``{"date": …}`` or ``{"year": …}``."""
        return {"date": self.day.isoformat()} if self.day is not None else {"year": self.year}

    def label(self, lang: str) -> str:
        """ "Năm 2023 (tính đến 31/12/2023)" / "On 1 Jul 2025", as titles say it."""
        if self.year is not None:
            return i18n.text(lang, "when.year_end", year=self.year, day=i18n.day_text(self.as_of, lang))
        return i18n.text(lang, "when.on_day", day=i18n.day_text(self.day, lang))


# -- reading text -------------------------------------------------------------------------
def parse_day(value: str | date, what: str = "date") -> date:
    """A day written ``YYYY-MM-DD`` (nothing before or after it, no timestamps)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if _DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidParameterError.said("when.not_a_date", what=what, value=str(value)[:40])


def parse_instant(value: str) -> date:
    """The day of an OGC API ``datetime`` instant: ``2023-12-31`` or ``2023-12-31T00:00:00Z``.

    Intervals (``a/b``, ``../b``) are refused with a message saying so.
    """
    text = value.strip()
    ends = text.split("/")
    if len(ends) == 2 and all(e in ("", "..") or _YEAR.match(e) for e in ends):
        raise InvalidParameterError.said("when.interval", value=text[:60])
    match = _INSTANT.fullmatch(text)
    if match:
        try:
            datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass
    elif _DAY.fullmatch(text):
        return parse_day(text, "datetime")
    raise InvalidParameterError.said("when.not_an_instant", value=text[:60])


def parse_year(value: str | int) -> int:
    """A year written with four digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if _YEAR.fullmatch(text):
        return int(text)
    raise InvalidParameterError.said("when.not_a_year", value=str(value)[:40])


# -- the region's range -----------------------------------------------------------------
def first_year(atlas: Atlas) -> int:
    """The first whole year of the boundary history (the first year a year-end view is complete)."""
    start = atlas.covered_from
    return start.year if (start.month, start.day) == (1, 1) else start.year + 1


def years(atlas: Atlas, on: date | None = None) -> list[int]:
    """Years a year control offers: the first whole year of the history to the current year."""
    return list(range(first_year(atlas), (on or today()).year + 1))


def resolve(atlas: Atlas, day: date | None = None, year: int | None = None, *, on: date | None = None) -> When:
    """Check a day or a year against the region's range; neither means the present.

    Parameters
    ----------
    atlas : Atlas
        The region (its boundary history gives the first day).
    day, year : date or int, optional
        At most one of them. A day may not be in the future; a year may be the current one
        (the year so far).
    on : date, optional
        Today (default: :func:`today`), for tests and for the command line.
    """
    now = on or today()
    if day is not None and year is not None:
        raise InvalidParameterError.said("when.both", day=day.isoformat(), year=year)
    region = f"{atlas.name} ({atlas.province})"
    if year is not None:
        first = atlas.covered_from.year
        if year > now.year:
            raise DateOutOfRangeError.said(
                "when.year_after_today", year=year, today=now.isoformat(), first=first, last=now.year
            )
        if year < first:  # the year-end of ``first`` is inside the range: the history begins during it
            raise DateOutOfRangeError.said(
                "when.year_before_start", year=year, region=region, first=first, last=now.year
            )
        return When(year=year)
    if day is None:
        return When(day=now, asked=False)
    if day < atlas.covered_from:
        raise DateOutOfRangeError.said(
            "when.before_start", region=region, start=atlas.covered_from.isoformat(), day=day.isoformat()
        )
    if day > now:
        raise DateOutOfRangeError.said("when.day_after_today", day=day.isoformat(), today=now.isoformat())
    return When(day=day)


# -- levels and units that come and go ---------------------------------------------------
def level_period(atlas: Atlas, level: str) -> tuple[date, date | None]:
    """First and last day on which ``level`` has units (last None: it still has)."""
    u = atlas.units[atlas.units["level"] == level]
    if u.empty:
        return atlas.covered_from, atlas.covered_from - timedelta(days=1)
    last = max(u["valid_to"])
    return max(min(u["valid_from"]), atlas.covered_from), None if last >= _FAR else last


def absence(atlas: Atlas, level: str, day: date) -> Note | None:
    """Why ``level`` has no units on ``day`` (None when it has some).

    Districts were abolished on 1 July 2025 in the two-tier reform: the date comes from the
    region's data (the day after the last district's last day), never from a constant.
    """
    u = atlas.units
    live = u[(u["level"] == level) & (u["valid_from"] <= day) & (u["valid_to"] >= day)]
    if len(live):
        return None
    first, last = level_period(atlas, level)
    if last is not None and day > last:
        return Note("level_abolished", {"level": level, "since": last + timedelta(days=1), "last_day": last})
    if day < first:
        return Note("level_not_yet", {"level": level, "day": day, "first_day": first})
    return Note("level_empty", {"level": level, "day": day})


def last_day_of(atlas: Atlas, level: str, code: str) -> date | None:
    """The last day unit ``code`` of ``level`` existed (None: it still exists)."""
    u = atlas.units
    versions = u[(u["level"] == level) & (u["code"] == code)]
    if versions.empty:
        return None
    last = max(versions["valid_to"])
    return None if last >= _FAR else last


def district_on(atlas: Atlas, code: str, day: date) -> str:
    """The name of district ``code`` on ``day``.

    An unknown one is a :class:`NotFoundError` that lists the districts of that day (or says why
    there were none), so that a page asked for ``district=999`` answers 404, not an empty map.
    """
    districts = atlas.units_on(day, "district")
    found = districts[districts["code"] == code]
    if len(found):
        return str(found["name"].iloc[0])
    gone = absence(atlas, "district", day)
    if gone is not None:
        raise NotFoundError.said("not_found.no_districts", code=code[:10], day=day, why=gone)
    valid = ", ".join(f"{c} {n}" for c, n in sorted(zip(districts["code"], districts["name"])))
    raise NotFoundError.said("not_found.district", code=code[:10], day=day, valid=valid)


def province_on(atlas: Atlas, code: str | None, day: date) -> None:
    """Check that province ``code`` existed on ``day`` (None: any province); else an error that lists
    the provinces of that day, in the reader's language on a page."""
    if code is None:
        return
    provinces = atlas.units_on(day, "province")
    if code not in set(provinces["code"]):
        valid = ", ".join(f"{c} {n}" for c, n in sorted(zip(provinces["code"], provinces["name"])))
        raise InvalidParameterError.said("invalid.province_on", code=code[:10], day=day, valid=valid)


def for_unit(atlas: Atlas, when: When, level: str, code: str) -> When:
    """``when``, or — when it is the default and the unit no longer exists — the unit's last day.

    An embed of a district that was abolished opens on the last day it existed, and says so
    (:attr:`When.note`), instead of an empty map of today.
    """
    if when.asked:
        return when
    last = last_day_of(atlas, level, code)
    if last is None or last >= when.as_of:
        return when
    u = atlas.units
    name = u[(u["level"] == level) & (u["code"] == code)].sort_values("valid_from")["name"].iloc[-1]
    note = Note("unit_gone", {"name": name, "since": last + timedelta(days=1), "last_day": last})
    return When(day=last, asked=False, note=note)


def for_level(atlas: Atlas, when: When, level: str) -> When:
    """``when``, or — when it is the default and ``level`` has no units then — the level's last day."""
    if when.asked:
        return when
    _, last = level_period(atlas, level)
    if last is None or last >= when.as_of:
        return when
    note = Note("level_gone", {"level": level, "since": last + timedelta(days=1), "last_day": last})
    return When(day=last, asked=False, note=note)
