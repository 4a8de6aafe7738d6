"""The present: the review board, targets followed past their units, the overview of today."""

from __future__ import annotations

from datetime import date

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import InvalidParameterError
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.planning import difficult_communes
from geo_ntm.present import followed_targets, present_overview, review_board
from geo_ntm.status.demo import load_demo
from geo_ntm.status.model import (
    Assessment,
    CommuneGroup,
    Decision,
    DifficultyEntry,
    DifficultyList,
    PlanTarget,
    ReviewStep,
    VillageCount,
)
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import SqliteStore

NEW = "xa-ntm-2026-2030"
TODAY = date(2026, 11, 30)


def _ntm(code, signed, **kw):
    return Decision(
        "commune", code, code, "dat_chuan", date.fromisoformat(signed), int(signed[:4]), "illustrative", **kw
    )


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """Xã Xuân Lương (07246) = Đồng Tiến 07243 (NTM) + Canh Nậu 07246 (NTM) + old Xuân Lương 07249 (not);
    Xã Tam Tiến (07264) not reviewed; Sơn Động's ĐBKK communes with village counts and the 60% target."""
    store = SqliteStore(tmp_path_factory.mktemp("present") / "s.sqlite")
    listed = (DifficultyEntry("07624", "Xã Hữu Sản"), DifficultyEntry("07621", "Xã Vân Sơn"))
    hard = DifficultyList("L", "commune", "ĐBKK", "861/QĐ-TTg", date(2021, 6, 4), date(2025, 12, 31), "illustrative",
                          entries=listed)  # fmt: skip
    with store.write("t") as w:
        w.add_decision(_ntm("07243", "2016-11-01"))
        w.add_decision(_ntm("07246", "2018-11-01"))
        w.add_decision(_ntm("07264", "2017-11-01"))
        w.add_commune_group(CommuneGroup("07246", "Xã Xuân Lương", 2, date(2026, 2, 15), "illustrative", basis="r"))
        w.add_assessment(Assessment("commune", "07246", "Xã Xuân Lương", date(2026, 9, 30), NEW, (1, 2, 3, 4, 5, 6),
                                    "illustrative", criteria_not_met=(7, 8), commune_group=2))  # fmt: skip
        w.add_review(ReviewStep("07246", "Xã Xuân Lương", "self_assessed", date(2026, 4, 1), "illustrative",
                                document_no="BC-1"))  # fmt: skip
        w.add_review(ReviewStep("07246", "Xã Xuân Lương", "verified", date(2026, 6, 1), "illustrative"))
        w.add_difficulty_list(hard)
        w.add_village_count(VillageCount("07624", "Xã Hữu Sản", date(2024, 12, 31), 10, 6, 0, "illustrative", 4, 1))
        w.add_village_count(VillageCount("07621", "Xã Vân Sơn", date(2024, 12, 31), 20, 9, 1, "illustrative", 8, 3))
        w.add_plan_target(PlanTarget("T60", "60%", "60%", "dbkk_villages_ntm_share", 0.6, date(2025, 12, 31),
                                     "official", scope=("220",), province_code="24"))  # fmt: skip
        w.add_plan_target(PlanTarget("TY", "Tân Yên", "Tân Yên", "districts_nang_cao", 1, date(2025, 12, 31),
                                     "official", scope=("216",), province_code="24"))  # fmt: skip
        w.add_decision(Decision("district", "216", "Huyện Tân Yên", "dat_chuan", date(2020, 12, 31), 2020, "official",
                                signed_precision="year", citation="QĐ 904/QĐ-TTg"))  # fmt: skip
    return StatusService(Atlas.load(DEFAULT_REGION), store)


def test_the_board_lists_a_merged_commune_with_its_constituents_review_group_and_needs(service):
    board = review_board(service, TODAY)
    rows = {r["code"]: r for r in board.all_rows}
    r = rows["07246"]
    assert (r["name"], r["review_state"], r["review_on"], r["status"]) == (
        "Xã Xuân Lương", "verified", "2026-06-01", "cho_ra_soat"
    )  # fmt: skip
    held = {c["name"]: c["status"] for c in r["constituents"]}
    assert held == {"Xã Đồng Tiến": "dat_chuan", "Xã Canh Nậu": "dat_chuan", "Xã Xuân Lương": "chua_dat"}
    assert r["constituents_past"] == "some_ntm"
    assert sum(c["share_of_area"] for c in r["constituents"]) == pytest.approx(1, abs=0.001)
    assert all(c["share_of_population"] is None for c in r["constituents"])  # not in our sources
    assert (r["commune_group"], r["criteria_met_count"], r["criteria_not_met"], r["criteria_unknown"]) == (
        2, 6, [7, 8], [9, 10]
    )  # fmt: skip
    assert r["needs_en"] == (
        "Science, technology and digital transformation; Environment and rural landscape; "
        "Political system and public administration; Access to law, security and defence"
    )
    assert rows["07264"]["review_state"] == "not_started" and rows["07264"]["criteria_met_count"] is None
    assert board.counts()["by_state"]["verified"] == 1
    only = review_board(service, TODAY, state=["verified"])
    assert [x["code"] for x in only.rows] == ["07246"]
    assert "Xã Xuân Lương" in only.csv().decode("utf-8-sig") and only.xlsx()[:2] == b"PK"
    with pytest.raises(InvalidParameterError, match="state \\['done'\\] is not one of"):
        review_board(service, TODAY, state=["done"])


def test_before_the_period_the_board_has_no_criteria_set(service):
    board = review_board(service, "2025-12-31")
    assert board.set_id is None and {r["review_state"] for r in board.all_rows} == {"not_started"}


def test_a_target_set_on_abolished_units_is_judged_on_their_last_day_inside_todays_units(service):
    (t,) = [x for x in followed_targets(service, TODAY) if x["id"] == "T60"]
    assert [g["name"] for g in t["gone"]] == ["Huyện Sơn Động"] and t["judged_on"] == "2025-06-30"
    # All villages of the especially difficult communes: (6 + 9) / (10 + 20); ĐBKK villages beside it.
    assert (t["villages"], t["ntm_villages"], t["current"], t["met"]) == (30, 15, 0.5, False)
    assert (t["dbkk_villages"], t["dbkk_villages_ntm"], t["gap_villages"]) == (12, 4, 3)
    assert [(n["name"], n["communes"]) for n in t["now_in"]] == [("Xã Vân Sơn", ["Xã Hữu Sản", "Xã Vân Sơn"])]
    assert "no longer exist" in t["note"]["en"]
    (ty,) = [x for x in followed_targets(service, TODAY) if x["id"] == "TY"]
    assert (ty["current"], ty["met"], ty["units"][0]["status"]) == (0, False, "dat_chuan")
    assert {o["name"] for o in ty["units"][0]["now_in"]} >= {"Xã Tân Yên", "Xã Ngọc Thiện"}


def test_the_planning_list_on_2025_12_31_shows_the_listed_communes_on_their_last_day(service):
    result = difficult_communes(service, "2025-12-31")
    assert {r["name"] for r in result.rows} == {"Xã Hữu Sản", "Xã Vân Sơn"}
    assert {r["as_of"] for r in result.rows} == {"2025-06-30"} and result.totals()["dbkk_villages"] == 12
    assert {r["now_in"] for r in result.rows} == {"Xã Vân Sơn"}
    assert "no longer existed on 2025-12-31" in result.notes()[0]["en"]


def test_the_overview_of_today_on_the_embedded_data(tmp_path):
    store = SqliteStore(tmp_path / "demo.sqlite")
    load_demo(store)
    o = present_overview(StatusService(Atlas.load(DEFAULT_REGION), store), TODAY)
    c = o["communes"]
    assert o["province_name"] == "Tỉnh Bắc Ninh" and c["communes_total"] == 66 and c["wards_and_towns"] == 33
    assert sum(c["by_review_state"].values()) == c["review_units"] == 65  # every xã but Tuấn Đạo (not merged)
    assert c["districts_total"] is None or c["districts_total"] == 0
    assert {g["metric"] for g in o["goals"]} == {"communes_ntm_share", "communes_nang_cao_share",
                                                  "communes_kieu_mau_share"}  # fmt: skip
    assert [(old["name"], old["communes"]) for old in o["transition"]["old"]] == [
        ("Tỉnh Bắc Giang", 143), ("Tỉnh Bắc Ninh", 66)
    ]  # fmt: skip
    assert {f["id"] for f in o["followed"]} == {"dbkk-villages-60pct-2025", "tan-yen-advanced-2025"}
    assert o["illustrative"]


def test_a_merged_communes_standing_names_its_group_criteria_review_and_past(service):
    from geo_ntm.present import present_standing

    snap = service.snapshot()
    book, progress = snap.book, snap.progress
    uid = book.version_at("commune", "07246", TODAY)
    s = present_standing(book, progress, uid, TODAY)
    assert (s["group"]["number"], s["group"]["vi"], s["group"]["basis"]) == (2, "Xã nhóm 2", "r")
    verdicts = {c["en"]: c["verdict"] for c in s["criteria"]}
    assert verdicts["Planning"] == "met" and verdicts["Environment and rural landscape"] == "not_met"
    assert verdicts["Access to law, security and defence"] == "unknown" and s["counts"] == {
        "met": 6, "not_met": 2, "unknown": 2
    }  # fmt: skip
    assert [x["state"] for x in s["review"]["steps"]] == ["self_assessed", "verified"]
    assert s["review"]["state"] == "verified" and s["past"] == "some_ntm"
    assert "not in our sources" in s["thresholds_note"]["en"]
    # Before the period and the reform: nothing about the present.
    old = book.version_at("commune", "07246", date(2020, 1, 1))
    assert present_standing(book, progress, old, date(2020, 1, 1)) is None


def test_a_province_lists_only_its_own_reported_change(service, monkeypatch):
    """A reported province → city change belongs to that province (a national region shows many)."""
    import geo_ntm.present.overview as overview

    own = {"event": "province_to_city", "code": "24", "vi": "24", "en": "24"}
    other = {"event": "province_to_city", "code": "01", "vi": "01", "en": "01"}
    monkeypatch.setattr(overview, "reported_changes", lambda: (own, other))
    listed = present_overview(service, date(2026, 11, 30), "24")["reported_changes"]
    assert own in listed and other not in listed
