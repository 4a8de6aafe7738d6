"""Difficult communes on a date, on the embedded Bắc Giang data: lists by date, criteria, gaps, filters, sorts."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError
from geo_ntm.names import sort_key, split_type
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.planning import ROW_FIELDS, difficult_communes, list_versions
from geo_ntm.status.criteria import criteria_set
from geo_ntm.status.demo import load_demo
from geo_ntm.status.service import StatusService
from geo_ntm.status.snapshot import Records
from geo_ntm.status.store import SqliteStore

DROPPED = {"07531", "07660"}  # Tân Sơn and An Bá: on 861/QĐ-TTg, not on its 2024 amendment


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("planning") / "s.sqlite")
    load_demo(store)
    return StatusService(Atlas.load(DEFAULT_REGION), store)


@pytest.fixture(scope="module")
def june(service):
    return difficult_communes(service, "2025-06-30")


def codes(result) -> set[str]:
    return {r["code"] for r in result.rows}


def test_the_list_in_force_changes_with_the_date(service):
    old = difficult_communes(service, "2023-12-31")
    new = difficult_communes(service, "2025-06-30")
    assert old.commune_list.id == "861/QĐ-TTg" and new.commune_list.id == "861/QĐ-TTg+698/QĐ-TTg"
    assert DROPPED <= codes(old) and not DROPPED & codes(new)
    assert len(old.rows) == 16 and len(new.rows) == 14
    assert difficult_communes(service, "2024-06-30").commune_list.id == "861/QĐ-TTg"
    assert difficult_communes(service, "2024-07-01").commune_list.id == "861/QĐ-TTg+698/QĐ-TTg"
    versions = {v["id"]: v for v in list_versions(service.snapshot().records, "commune")}
    assert {e["code"] for e in versions["861/QĐ-TTg+698/QĐ-TTg"]["removed"]} == DROPPED
    assert versions["861/QĐ-TTg+698/QĐ-TTg"]["added"] == []


def test_a_named_list_is_used_and_said_not_to_be_in_force(service):
    r = difficult_communes(service, "2025-06-30", list_id="861/QD-TTg")  # no diacritics
    assert r.commune_list.id == "861/QĐ-TTg" and not r.list_in_force
    assert DROPPED <= codes(r)
    assert any("not in force" in n["en"] for n in r.notes())
    # '+' in a URL arrives as a space
    assert difficult_communes(service, "2025-06-30", list_id="861/QĐ-TTg 698/QĐ-TTg").list_in_force


def test_districts_are_those_of_the_date(service, june):
    old = {r["code"]: r for r in difficult_communes(service, "2023-12-31").rows}
    new = {r["code"]: r for r in june.rows}
    assert (old["07552"]["district_code"], old["07552"]["district_name"]) == ("219", "Huyện Lục Ngạn")
    assert (new["07552"]["district_code"], new["07552"]["district_name"]) == ("224", "Thị xã Chũ")
    assert new["07573"]["name"] == "Thị trấn Biển Động" and old["07573"]["name"] == "Xã Biển Động"


def test_missing_criteria_are_names_consistent_with_those_met(june):
    cset = criteria_set("xa-ntm-2021-2025")
    checked = 0
    for r in june.rows:
        if r["criteria_met"] is None:
            continue
        checked += 1
        met, missing = set(r["criteria_met"]), set(r["criteria_missing"])
        assert not met & missing and met | missing == set(cset.numbers)
        assert r["criteria_missing_vi"] == [cset.name(n, "vi") for n in sorted(missing)]
        assert r["criteria_missing_en"] == [cset.name(n, "en") for n in sorted(missing)]
        assert all(not name.startswith(("Tiêu chí", "Criterion")) for name in r["criteria_missing_vi"])
        assert r["criteria_met_count"] + r["criteria_missing_count"] == r["criteria_total"] == 19
    assert checked == len(june.rows)
    huu_san = next(r for r in june.rows if r["code"] == "07624")
    assert huu_san["criteria_missing_vi"] == ["Quy hoạch", "Trường học", "Cơ sở vật chất văn hóa", "Nghèo đa chiều"]


def test_criteria_unknown_before_any_assessment_are_not_all_missing(service):
    r = difficult_communes(service, "2023-12-31")
    assert all(row["criteria_met"] is None and row["criteria_missing_vi"] is None for row in r.rows)


def test_gap_arithmetic(june):
    for r in june.rows:
        assert r["target"] == 0.6 and r["target_id"] == "dbkk-villages-60pct-2025"
        assert r["dbkk_share"] == round(r["dbkk_villages_ntm"] / r["dbkk_villages"], 4)
        assert r["needed"] == math.ceil(0.6 * r["dbkk_villages"] - 1e-9)
        assert r["gap"] == max(0, r["needed"] - r["dbkk_villages_ntm"])
        assert r["below_target"] == (r["dbkk_share"] < 0.6)
    rows = {r["code"]: r for r in june.rows}
    assert (rows["07624"]["dbkk_villages"], rows["07624"]["dbkk_villages_ntm"], rows["07624"]["gap"]) == (11, 3, 4)
    assert (rows["07609"]["needed"], rows["07609"]["gap"]) == (3, 2)  # 60% of 5 is exactly 3
    assert rows["07678"]["gap"] == 0  # 5 of 6 already
    t = june.totals()
    assert (t["dbkk_villages"], t["dbkk_villages_ntm"], t["needed_overall"], t["gap_overall"]) == (81, 39, 49, 10)
    assert t["gap_sum"] == sum(r["gap"] for r in june.rows) == 20


def test_the_target_comes_from_the_plan_not_a_constant(service):
    snap = service.snapshot()
    records = snap.records
    targets = [replace(t, target=0.5) if t.id == "dbkk-villages-60pct-2025" else t for t in records.plan_targets]
    half = Records(records.difficulty_lists, records.village_counts, targets, records.reported)
    rows = {r["code"]: r for r in difficult_communes(replace(snap, records=half), "2025-06-30").rows}
    assert rows["07624"]["target"] == 0.5 and rows["07624"]["needed"] == 6 and rows["07624"]["gap"] == 3
    none = Records(records.difficulty_lists, records.village_counts, [], records.reported)
    row = difficult_communes(replace(snap, records=none), "2025-06-30").rows[0]
    assert row["target"] is None and row["gap"] is None and row["dbkk_share"] is not None


def test_communes_moved_to_thi_xa_chu_keep_the_target_of_luc_ngan(june):
    chu = [r for r in june.rows if r["district_code"] == "224"]
    assert len(chu) == 4 and all(r["target_id"] == "dbkk-villages-60pct-2025" for r in chu)


def test_rows_say_where_their_data_comes_from(june):
    assert set(ROW_FIELDS) == set(june.rows[0])
    assert all(r["source"] == "illustrative" for r in june.rows)
    assert all(r["sources"]["villages"] == "illustrative" and r["sources"]["list_entry"] for r in june.rows)
    assert any("illustrative" in n["en"] for n in june.notes())


def test_after_the_reform_listed_communes_are_reported_as_reorganised(service):
    r = difficult_communes(service, "2025-08-01")
    assert len(r.reorganised) == 14
    # The rows follow the listed communes: each as on its last day, inside the unit that holds it now.
    assert len(r.rows) == 14 and {row["as_of"] for row in r.rows} == {"2025-06-30"}
    assert next(row for row in r.rows if row["code"] == "07564")["now_in"] == "Xã Biển Động"
    kim_son = next(g for g in r.reorganised if g["code"] == "07564")
    assert kim_son["ceased_after"] == "2025-06-30"
    assert [(n["code"], n["name"], n["share_of_old"]) for n in kim_son["now"]] == [("07573", "Xã Biển Động", 1.0)]


@pytest.mark.parametrize(
    ("district", "expected"),
    [("220", {"07621", "07624", "07678"}), ("Sơn Động", {"07621", "07624", "07678"}),
     ("huyen son dong", {"07621", "07624", "07678"}), ("Chũ", {"07552", "07600", "07603", "07612"})],
)  # fmt: skip
def test_filter_by_district(service, district, expected):
    assert codes(difficult_communes(service, "2025-06-30", district=district)) == expected


def test_filter_by_status(service, june):
    wards = difficult_communes(service, "2025-06-30", status="khong_ap_dung")
    assert codes(wards) == {"07573", "07582", "07612"}
    both = difficult_communes(service, "2025-06-30", status=["khong_ap_dung", "chua_dat"])
    assert codes(both) == codes(june)
    assert difficult_communes(service, "2025-06-30", status=["nang_cao"]).rows == []


@pytest.mark.parametrize("criterion", [10, "10", "Thu nhập", "thu nhap", "Income", "income"])
def test_filter_by_missing_criterion(service, june, criterion):
    got = codes(difficult_communes(service, "2025-06-30", missing=criterion))
    assert got == {r["code"] for r in june.rows if "Thu nhập" in r["criteria_missing_vi"]}
    assert got == {"07597", "07609"}


def test_several_missing_criteria_must_all_be_missing(service):
    got = difficult_communes(service, "2025-06-30", missing=["Quy hoạch", "Giao thông"])
    assert codes(got) == {"07591", "07621"}
    assert all({1, 2} <= set(r["criteria_missing"]) for r in got.rows)


def test_filter_below_target_and_min_gap(service, june):
    below = difficult_communes(service, "2025-06-30", below_target=True)
    above = difficult_communes(service, "2025-06-30", below_target=False)
    assert codes(below) | codes(above) == codes(june) and not codes(below) & codes(above)
    assert all(r["dbkk_share"] < 0.6 for r in below.rows) and all(r["dbkk_share"] >= 0.6 for r in above.rows)
    big = difficult_communes(service, "2025-06-30", min_gap=3)
    assert codes(big) == {"07624", "07564", "07582", "07612"}
    assert difficult_communes(service, "2025-06-30", min_gap=0).rows == june.rows


def ranked(rows):
    return [r for r in rows if r["position"] is not None]


def test_sort_closest(june):
    keys = [(r["criteria_missing_count"], r["gap"]) for r in ranked(june.rows)]
    assert keys == sorted(keys)
    assert june.rows[0]["code"] == "07552"  # 1 criterion missing, gap 0, "Kiên Lao" before "Tân Hoa"


def test_wards_and_towns_are_listed_after_the_ranking_without_a_position(june):
    # three listed communes had become wards or towns by 2025-06-30: the commune criteria no longer apply
    apart = [r for r in june.rows if r["status"] == "khong_ap_dung"]
    assert len(apart) == 3 and {r["type"] for r in apart} <= {"Phường", "Thị trấn"}
    assert june.rows[-3:] == apart and all(r["position"] is None for r in apart)
    assert [r["position"] for r in june.rows[:-3]] == list(range(1, len(june.rows) - 2))
    assert any("not ranked" in n["en"] and n["en"].startswith("3 ") for n in june.notes())


def test_sort_gap_share_name_and_reverse(service):
    gap = ranked(difficult_communes(service, "2025-06-30", sort="gap").rows)
    assert [r["gap"] for r in gap] == sorted((r["gap"] for r in gap), reverse=True)
    assert gap[0]["code"] in {"07624", "07564"}
    share = ranked(difficult_communes(service, "2025-06-30", sort="share").rows)
    assert [r["dbkk_share"] for r in share] == sorted(r["dbkk_share"] for r in share)
    assert share[0]["code"] == "07600"  # Mỹ An: 0 of 3
    name = difficult_communes(service, "2025-06-30", sort="name").rows
    shorts = [split_type(r["name"])[1] for r in ranked(name)]
    assert shorts == sorted(shorts, key=sort_key)
    assert shorts.index("Kim Sơn") > shorts.index("Đồng Cốc") > shorts.index("Đèo Gia")
    backwards = difficult_communes(service, "2025-06-30", sort="name", reverse=True).rows
    assert [r["code"] for r in ranked(backwards)] == [r["code"] for r in reversed(ranked(name))]
    farthest = ranked(difficult_communes(service, "2025-06-30", sort="closest", reverse=True).rows)
    assert farthest[0]["criteria_missing_count"] == max(r["criteria_missing_count"] for r in farthest)


def test_closest_first_ranks_by_what_is_known_and_says_how(service):
    result = difficult_communes(service, "2023-12-31", sort="closest")  # criteria not yet assessed
    rows = result.rows
    assert all(r["criteria_missing_count"] is None for r in rows)
    gaps = [r["gap"] for r in rows if r["gap"] is not None]
    assert gaps == sorted(gaps) and len(set(gaps)) > 1  # by villages still needed, not by name
    unknown = [split_type(r["name"])[1] for r in rows if r["gap"] is None]
    assert unknown == sorted(unknown, key=sort_key)
    assert [r["gap"] is None for r in rows] == sorted(r["gap"] is None for r in rows)  # unknown gaps last
    assert any("No commune had been assessed" in n["en"] and "chưa xã nào" in n["vi"].lower() for n in result.notes())
    assured = difficult_communes(service, "2025-06-30", sort="closest").notes()
    assert not any("assessed" in n["en"] for n in assured)  # every ranked commune was assessed then


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"list_id": "123/QĐ-TTg"}, InvalidParameterError, "861/QĐ-TTg (act 861/QĐ-TTg, 2021-06-04 to 2024-06-30)"),
        ({"list_id": "612/QĐ-UBDT"}, InvalidParameterError, "list of villages"),
        ({"sort": "best"}, InvalidParameterError, "['closest', 'gap', 'share', 'name']"),
        ({"status": "dat"}, InvalidParameterError, "chua_dat"),
        ({"missing": "Bầu trời"}, InvalidParameterError, "10 Thu nhập (Income)"),
        ({"missing": 20}, InvalidParameterError, "not in set xa-ntm-2021-2025"),
        ({"missing": 0}, InvalidParameterError, "not in set"),
        ({"district": "Hà Nội"}, InvalidParameterError, "220 Huyện Sơn Động"),
        ({"district": "999"}, InvalidParameterError, "districts then"),
        ({"min_gap": -1}, InvalidParameterError, "0 or more"),
        ({"min_gap": 1.5}, InvalidParameterError, "whole number"),
        ({"target_id": "nope"}, InvalidParameterError, "dbkk-villages-60pct-2025"),
        ({"target_id": "communes-ntm-2024"}, InvalidParameterError, "measures communes_ntm"),
    ],
)
def test_bad_input_says_what_is_allowed(service, kwargs, error, says):
    with pytest.raises(error) as info:
        difficult_communes(service, "2025-06-30", **kwargs)
    assert says in str(info.value)


def test_a_date_without_a_list_in_force(service):
    with pytest.raises(DateOutOfRangeError, match="no list of especially difficult communes was in force on 2020"):
        difficult_communes(service, date(2020, 6, 30))
    with pytest.raises(DateOutOfRangeError, match="2025-12-31"):
        difficult_communes(service, "2026-03-01")
    with pytest.raises(InvalidParameterError, match="districts were abolished"):
        difficult_communes(service, "2025-08-01", district="Sơn Động")
    with pytest.raises(InvalidParameterError, match="YYYY-MM-DD"):
        difficult_communes(service, "30/06/2025")


def test_source_must_be_a_service_or_a_tuple():
    with pytest.raises(InvalidParameterError, match="StatusService"):
        difficult_communes("nope", "2025-06-30")


@pytest.mark.parametrize(
    ("name", "number"),
    [("Văn hóa", 16), ("van hoa", 16), ("Labour", 12), ("Y te", 15), ("Môi trường", 17), ("moi truong", 17),
     ("Environment", 17), ("Thong tin", 8), ("Giáo dục", 14), ("Quoc phong", 19)],
)  # fmt: skip
def test_criteria_by_short_or_folded_names(service, name, number):
    assert difficult_communes(service, "2025-06-30", missing=name).filters["missing"] == [number]


def test_an_ambiguous_criterion_name_lists_the_candidates(service):
    with pytest.raises(InvalidParameterError, match=r"matches several criteria \(\[6, 7\]\)"):
        difficult_communes(service, "2025-06-30", missing="Cơ sở")


def test_needed_villages_survive_floating_point(service):
    """55% of 100 is 55.00000000000001 in floating point; 55 villages are needed, not 56."""
    snap = service.snapshot()
    records = snap.records
    targets = [replace(t, target=0.55) if t.id == "dbkk-villages-60pct-2025" else t for t in records.plan_targets]
    counts = [
        replace(v, total=120, ntm=50, dbkk_total=100, dbkk_ntm=50) if v.commune_code == "07624" else v
        for v in records.village_counts
    ]
    records = Records(records.difficulty_lists, counts, targets, records.reported)
    row = next(r for r in difficult_communes(replace(snap, records=records), "2025-06-30").rows if r["code"] == "07624")
    assert (row["needed"], row["gap"], row["below_target"]) == (55, 5, True)
