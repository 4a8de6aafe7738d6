"""Reading a date, the default (the present), the region's range, and why a level is empty."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pandas as pd
import pytest

from geo_ntm import i18n
from geo_ntm.boundaries.atlas import OPEN_END, Atlas
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.when import (
    When,
    absence,
    for_level,
    for_unit,
    level_period,
    parse_day,
    parse_instant,
    parse_year,
    resolve,
    years,
)

ATLAS = Atlas.load(DEFAULT_REGION)
ON = date(2026, 11, 30)


def _region(district_last: date):
    """A region whose districts end on ``district_last`` (a table of unit versions, nothing else)."""
    units = pd.DataFrame(
        {
            "level": ["province", "district", "commune"],
            "code": ["99", "991", "99001"],
            "name": ["Tỉnh Thử", "Huyện Thử", "Xã Thử"],
            "valid_from": [date(2015, 1, 1)] * 3,
            "valid_to": [OPEN_END, district_last, OPEN_END],
        }
    )
    return SimpleNamespace(units=units, covered_from=date(2015, 1, 1), name="Tỉnh Thử", province="99")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2023-12-31", date(2023, 12, 31)), (" 2020-01-01 ", date(2020, 1, 1)), (date(2021, 5, 6), date(2021, 5, 6))],
)
def test_parse_day_takes_iso_dates(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["2023-12-31junk", "0", "1700000000", "31/12/2023", "2023-02-30", "2023-1-5", ""])
def test_parse_day_refuses_anything_else(text):
    with pytest.raises(InvalidParameterError, match="write it as YYYY-MM-DD"):
        parse_day(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-12-31", date(2023, 12, 31)),
        ("2023-12-31T00:00:00Z", date(2023, 12, 31)),
        ("2023-12-31T23:59:59.5+07:00", date(2023, 12, 31)),
    ],
)
def test_parse_instant_takes_rfc3339(text, expected):
    assert parse_instant(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2023-12-31junk", "RFC 3339"),
        ("2023-12-31T25:00:00Z", "RFC 3339"),
        ("2023-12-31T10:00:00", "RFC 3339"),  # no offset: not an instant
        ("2020-01-01/2021-01-01", "interval"),
        ("../2021-01-01", "interval"),
    ],
)
def test_parse_instant_refuses_junk_and_intervals(text, says):
    with pytest.raises(InvalidParameterError, match=says):
        parse_instant(text)


def test_parse_year():
    assert parse_year("2023") == 2023
    with pytest.raises(InvalidParameterError, match="four digits"):
        parse_year("2023abc")


def test_no_date_means_today_and_the_range_ends_today():
    assert resolve(ATLAS, on=ON) == When(day=ON, asked=False)
    assert resolve(ATLAS, ON, on=ON).asked
    assert resolve(ATLAS, ATLAS.covered_from, on=ON).day == ATLAS.covered_from
    with pytest.raises(DateOutOfRangeError, match="in the future"):
        resolve(ATLAS, ON + timedelta(days=1), on=ON)
    with pytest.raises(DateOutOfRangeError, match="begins on 2010-09-28"):
        resolve(ATLAS, ATLAS.covered_from - timedelta(days=1), on=ON)
    assert resolve(ATLAS, year=2026, on=ON).as_of == date(2026, 12, 31)  # the year so far
    assert resolve(ATLAS, year=2010, on=ON).year == 2010  # its year-end is inside the range
    for year in (2009, 2027, -5, 0):
        with pytest.raises(DateOutOfRangeError):
            resolve(ATLAS, year=year, on=ON)
    with pytest.raises(InvalidParameterError, match="not both"):
        resolve(ATLAS, ON, 2023, on=ON)


def test_the_default_follows_the_day_the_service_runs():
    later = date(2031, 2, 1)
    assert resolve(ATLAS, on=later).day == later
    assert years(ATLAS, later)[-1] == 2031 and years(ATLAS, ON)[0] == 2011


def test_districts_are_absent_from_the_reform_and_the_date_comes_from_the_data():
    assert absence(ATLAS, "district", date(2025, 6, 30)) is None
    note = absence(ATLAS, "district", date(2025, 7, 1))
    assert note.reason == "level_abolished" and note.values["since"] == date(2025, 7, 1)
    assert "abolished" in note.text("en") and "1 Jul 2025" in note.text("en")
    assert "01/07/2025" in note.text("vi") and "30/06/2025" in note.text("vi")
    assert note.as_dict()["since"] == "2025-07-01" and note.header().isascii()
    assert absence(ATLAS, "commune", ON) is None and absence(ATLAS, "province", ON) is None
    other = _region(date(2021, 3, 31))
    moved = absence(other, "district", date(2022, 1, 1))
    assert moved.values["since"] == date(2021, 4, 1) and "01/04/2021" in moved.text("vi")
    assert level_period(other, "district") == (date(2015, 1, 1), date(2021, 3, 31))
    assert level_period(other, "commune") == (date(2015, 1, 1), None)


def test_a_gone_unit_or_level_opens_on_its_last_day_and_says_so():
    today = resolve(ATLAS, on=ON)
    son_dong = for_unit(ATLAS, today, "district", "220")
    assert son_dong.day == date(2025, 6, 30) and not son_dong.asked
    assert "Huyện Sơn Động" in son_dong.note.text("vi") and "30 Jun 2025" in son_dong.note.text("en")
    asked = resolve(ATLAS, date(2023, 12, 31), on=ON)
    assert for_unit(ATLAS, asked, "district", "220") is asked  # a date asked for is kept
    assert for_unit(ATLAS, today, "commune", "07222").day == date(2025, 6, 30)
    districts = for_level(ATLAS, today, "district")
    assert districts.day == date(2025, 6, 30) and districts.note.reason == "level_gone"
    assert for_level(ATLAS, today, "commune") is today


def _keys(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in table.items():
        if isinstance(v, dict):
            out |= _keys(v, f"{prefix}{k}.")
        elif isinstance(v, list):
            for i, item in enumerate(v):
                out |= _keys(item, f"{prefix}{k}.{i}.")
        else:
            out[prefix + k] = v
    return out


def test_the_catalogues_have_the_same_keys_and_placeholders():
    import string

    vi, en = _keys(i18n.catalogue("vi")), _keys(i18n.catalogue("en"))
    assert set(vi) == set(en), set(vi) ^ set(en)
    for key in vi:
        fields = [{f for _, f, _, _ in string.Formatter().parse(text[key]) if f} for text in (vi, en)]
        assert fields[0] == fields[1], key


def test_no_message_key_is_hidden_by_a_dict_method():
    """Templates write ``t.copy``; Jinja looks attributes up before items, so a key named like a
    dict method (copy, update, items…) would print ``<built-in method copy …>`` on the page."""
    methods = set(dir(dict))
    clashes = [key for key in _keys(i18n.catalogue("vi")) if methods & set(key.split("."))]
    assert clashes == []


def test_catalogue_lookup():
    assert i18n.text("xx", "level.district.plural") == "cấp huyện"  # unknown language: Vietnamese
    assert i18n.both("level.district.one") == {"vi": "huyện", "en": "district"}
    assert i18n.day_text(date(2025, 7, 1), "en") == "1 Jul 2025" and i18n.day_text("2025-07-01", "vi") == "01/07/2025"
    with pytest.raises(KeyError, match="no message"):
        i18n.text("vi", "when.nothing_here")
