"""The public-record tables: every row cites a public source, and every unit code is a real one.

The files in geo_ntm/data/public_record are hand-transcribed from public pages; this test is their
proof-reading. Codes are checked against the official lists kept in boundaries/sources (June and
July 2025 lists, plus the GSO change history for units that vanished before June 2025), and a
"name_2025_06" must be the name the June 2025 list gives that code, so a mistyped code fails here.
"""

import csv
import datetime as dt
import gzip
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "geo_ntm" / "data" / "public_record"
SOURCES = ROOT / "boundaries" / "sources"
TAIL = ["source_url", "publisher", "published_on", "citation", "precision", "note"]
PRECISIONS = {"exact", "month", "year", "inferred"}
DATE_COLUMNS = {"published_on", "signed", "first_reported", "as_of", "effective", "completed_by", "deadline"}
FILES = sorted(RECORD.glob("*.csv"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def official():
    """Names by code from the official lists: provinces, districts and communes."""
    with gzip.open(SOURCES / "vau_vietnam_units_2025_06.csv.gz", "rt", encoding="utf-8") as f:
        june = list(csv.DictReader(f))
    july = _rows(SOURCES / "vau_vietnam_units_2025_07.csv")
    with gzip.open(SOURCES / "vietnam_gso_code_changes_2008_2025.csv.gz", "rt", encoding="utf-8") as f:
        history = list(csv.DictReader(f))
    return {
        "province": {r["province_code"] for r in june + july},
        "district_june": {r["district_code"]: r["district"] for r in june},
        "district_any": {r["district_code"] for r in june}
        | {code for r in history for code in r["district_code"].split(" -> ")},
        "commune_june": {r["code"]: r["name"] for r in june},
        "commune_july": {r["code"]: r["name"] for r in july},
        "commune_any": {r["code"] for r in june + july + history},
    }


def test_the_folder_has_the_expected_tables():
    names = {p.name for p in FILES}
    expected = {"bac_ninh_old_districts.csv", "national_figures.csv", "province_figures.csv", "targets.csv"}
    assert expected | {"criteria_2026_2030.csv"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_row_is_cited_dated_and_nfc(path):
    rows = _rows(path)
    assert rows, f"{path.name} is empty"
    assert list(rows[0])[-len(TAIL) :] == TAIL, f"{path.name}: the last columns must be {TAIL}"
    for i, row in enumerate(rows, start=2):
        where = f"{path.name} line {i}"
        assert row["source_url"].startswith(("http://", "https://")), where
        assert row["citation"].strip() and row["publisher"].strip(), where
        assert row["precision"] in PRECISIONS, where
        for column, value in row.items():
            assert value == unicodedata.normalize("NFC", value), f"{where}: {column} is not NFC"
            if column in DATE_COLUMNS and value:
                dt.date.fromisoformat(value)  # raises on anything but YYYY-MM-DD


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_codes_exist_in_the_official_lists(path, official):
    for i, row in enumerate(_rows(path), start=2):
        where = f"{path.name} line {i}"
        if row.get("province_code"):
            assert row["province_code"] in official["province"], where
        if row.get("district_code"):
            assert row["district_code"] in official["district_any"], where
            if row.get("name_2025_06") and "commune_code" not in row:
                assert official["district_june"][row["district_code"]] == row["name_2025_06"], where
        if row.get("commune_code"):
            assert row["commune_code"] in official["commune_any"], where
            if row.get("name_2025_06"):
                assert official["commune_june"][row["commune_code"]] == row["name_2025_06"], where
        if row.get("unit_level") == "commune":
            assert official["commune_july"][row["code"]] == row["name_before"], where


def test_province_counts_fit_their_denominators_and_shares_are_percentages():
    """A count above its total or a share above 100 % is a transcription slip (e.g. digits swapped)."""
    for i, row in enumerate(_rows(RECORD / "province_figures.csv"), start=2):
        where = f"province_figures.csv line {i}: {row['province_name']} {row['metric']}"
        value = float(row["value"])
        assert value >= 0, where
        if row["denominator"]:
            assert value <= float(row["denominator"]), where
        if row["metric"].endswith("_share_pct"):
            assert value <= 100, where


def test_a_row_citing_the_same_sentence_shares_its_page_with_the_quoted_row():
    """'same sentence' / 'same report' rows lean on a sibling row's quote: that row must exist on the same page."""
    rows = _rows(RECORD / "province_figures.csv")
    quoted = {r["source_url"] for r in rows if not r["citation"].startswith("same ")}
    for i, row in enumerate(rows, start=2):
        if row["citation"].startswith("same "):
            assert row["source_url"] in quoted, f"province_figures.csv line {i}: no quoted row for {row['source_url']}"
