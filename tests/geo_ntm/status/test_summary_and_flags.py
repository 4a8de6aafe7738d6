"""The embedded dataset: the province's published figures, targets, labels, and the flags."""

from __future__ import annotations

from datetime import date

import pytest

from geo_ntm.status.demo import load_demo
from geo_ntm.status.derive import StatusBook
from geo_ntm.status.flags import consistency_flags
from geo_ntm.status.model import DifficultyEntry, DifficultyList, ReportedFigure
from geo_ntm.status.snapshot import Records
from geo_ntm.status.store import SqliteStore
from geo_ntm.status.summary import summary

from .conftest import decision


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("demo") / "s.sqlite")
    load_demo(store)
    return store


@pytest.fixture(scope="module")
def book(atlas, demo):
    return StatusBook(atlas, demo.decisions(), demo.revocations())


@pytest.fixture(scope="module")
def records(demo):
    return Records(demo.difficulty_lists(), demo.village_counts(), demo.plan_targets(), demo.reported_figures())


def test_end_of_2023_matches_the_published_totals(book, records):
    s = summary(book, records, year=2023)
    f = s["figures"]
    assert s["province_name"] == "Tỉnh Bắc Giang"
    assert (f["communes_total"], f["communes_ntm"], f["communes_nang_cao"], f["communes_kieu_mau"]) == (
        182,
        154,
        58,
        12,
    )
    assert (f["communes_ntm_new"], f["communes_nang_cao_new"], f["communes_kieu_mau_new"]) == (9, 15, 11)
    assert f["districts_achieved"] == 7
    checks = {r["metric"]: r["check"] for r in s["reported"]}
    assert len(checks) == 8 and [m for m, c in checks.items() if c != "agrees"] == ["villages_kieu_mau_new"]
    assert s["illustrative"] is True


def test_a_published_figure_the_records_cannot_give_is_not_computed_never_agreeing(book, records):
    """The audit's reproduction: 119 model villages were marked as agreeing with a computed null."""
    [villages] = [r for r in summary(book, records, year=2023)["reported"] if r["metric"] == "villages_kieu_mau_new"]
    assert villages["reported"] == 119 and villages["computed"] is None
    assert villages["check"] == "not_computed" and villages["agrees"] is None
    off = ReportedFigure("24", 2023, "communes_ntm", 155, "illustrative")
    [wrong] = summary(book, Records(reported=[off]), year=2023)["reported"]
    assert (wrong["check"], wrong["agrees"], wrong["computed"]) == ("differs", False, 154)


def test_a_village_target_without_village_counts_has_no_gap(book, records):
    bare = Records(records.difficulty_lists, [], records.plan_targets, records.reported)
    t = {x["id"]: x for x in summary(book, bare, year=2023)["targets"]}["dbkk-villages-60pct-2025"]
    assert t["current"] is None and t["progress"] is None and t["gap_villages"] is None and not t["met"]


def test_not_yet_ntm_communes_lie_in_the_three_mountain_districts(book):
    frame = book.for_year(2023)
    behind = frame[
        (frame["province_code"] == "24")
        & (frame["type"] == "Xã")
        & ~frame["status"].isin(["dat_chuan", "nang_cao", "kieu_mau"])
    ]
    assert len(behind) == 28 and set(behind["parent_code"]) == {"215", "219", "220"}


def test_dbkk_village_target_shows_progress_and_gap(book, records):
    t = {x["id"]: x for x in summary(book, records, year=2024)["targets"]}["dbkk-villages-60pct-2025"]
    assert t["source"] == "official" and t["target"] == 0.6 and not t["met"]
    assert 0 < t["current"] < 0.6
    assert t["gap_villages"] == -(-6 * t["villages"] // 10) - t["ntm_villages"]


def test_every_record_says_where_it_comes_from(demo):
    for d in demo.decisions():
        assert d.source in ("official", "illustrative") and d.citation
        if d.unit_level == "commune" and d.source == "illustrative":
            assert d.decision_no.startswith("MH-")
        elif d.unit_level == "commune":
            # Old Bắc Ninh's communes: named in public reports or implied by their district's decision,
            # never with an invented number or an exact day, always with the page they were read on.
            assert d.decision_no is None and d.signed_precision in ("year", "inferred", "by"), d
            assert d.unit_code.startswith("09") and "http" in d.citation
    assert {v.source for v in demo.village_counts()} == {"illustrative"}
    official = {d.unit_code for d in demo.decisions() if d.source == "official" and d.unit_level == "district"}
    # Yên Dũng (221): only "recognised before 10/01/2022" is public, so its dated record is illustrative.
    # Old Bắc Ninh's district-level units, except TP Bắc Ninh (256): no decision was found for it.
    assert official == {"216", "217", "218", "222", "223", "258", "259", "260", "261", "262", "263", "264"}


def test_official_records_cite_a_public_page_never_the_team_notes(demo):
    official = [d for d in demo.decisions() if d.source == "official"]
    official += [f for f in demo.reported_figures() if f.source == "official"]
    old_bac_ninh = [r for r in official if getattr(r, "unit_code", getattr(r, "province_code", "")).startswith(
        ("09", "25", "26", "27")
    )]  # fmt: skip
    assert len(official) - len(old_bac_ninh) == 13  # Bắc Giang's
    for record in official:
        assert "DOMAIN" not in record.citation and ("http" in record.citation or "687/UBND-NN" in record.citation)
    every = [*demo.decisions(), *demo.reported_figures(), *demo.plan_targets()]
    assert not [r for r in every if "DOMAIN" in r.citation]


def test_the_embedded_data_raises_no_flag(book, demo):
    assert consistency_flags(book, demo.difficulty_lists()) == []


def test_flags_name_each_inconsistency(atlas):
    decisions = [
        decision("07222", "nang_cao", "2021-06-01", no="skip"),  # advanced without NTM
        decision("217", "dat_chuan", "2019-12-25", unit_level="district", no="1892/QĐ-TTg"),  # communes not NTM
        decision("07204", "dat_chuan", "2025-03-01", no="late"),  # unit gone
        decision("07477", "dat_chuan", "2023-03-01", no="ward"),  # thị trấn by then
        decision("07663", "dat_chuan", "2022-03-01", no="dbkk"),  # listed below
    ]
    dbkk = DifficultyList(
        "861/QĐ-TTg",
        "commune",
        "t",
        "861/QĐ-TTg",
        date(2021, 6, 4),
        date(2024, 6, 30),
        "illustrative",
        entries=(DifficultyEntry("07663", "Xã Tuấn Đạo"),),
    )
    flags = {f.kind: f for f in consistency_flags(StatusBook(atlas, decisions, []), [dbkk])}
    assert set(flags) == {"skipped_level", "district_before_communes", "outside_validity", "urban_unit", "dbkk_and_ntm"}
    assert "without NTM" in flags["skipped_level"].message_en
    assert flags["district_before_communes"].message_en.startswith("District recognised while 2")
    assert flags["dbkk_and_ntm"].date == date(2022, 3, 1)
