"""A commune's dossier and the view across the 2025 reorganisation, on the embedded data."""

from __future__ import annotations

from datetime import date

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError, UnknownUnitError
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.planning import commune_dossier, reform_view
from geo_ntm.status.demo import load_demo
from geo_ntm.status.derive import StatusBook
from geo_ntm.status.model import Decision, Revocation
from geo_ntm.status.service import StatusService
from geo_ntm.status.snapshot import Snapshot
from geo_ntm.status.store import SqliteStore


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("dossier") / "s.sqlite")
    load_demo(store)
    return StatusService(Atlas.load(DEFAULT_REGION), store)


def test_dossier_of_a_difficult_commune(service):
    d = commune_dossier(service, "07624", "2025-06-30")
    assert d["unit"]["name"] == "Xã Hữu Sản" and d["unit"]["parent_name"] == "Huyện Sơn Động"
    assert d["status"]["status"] == "chua_dat" and d["history"] == []
    p = d["progress"]
    assert p["on_list"] and p["list_id"] == "861/QĐ-TTg+698/QĐ-TTg"
    assert p["criteria_missing_vi"] == ["Quy hoạch", "Trường học", "Cơ sở vật chất văn hóa", "Nghèo đa chiều"]
    assert len(p["criteria_met_vi"]) == 15 and p["gap"] == 4 and p["dbkk_villages_listed"] == 11
    assert [v["as_of"] for v in d["villages"]] == [f"{y}-12-31" for y in (2021, 2022, 2023, 2024)]
    assert all(v["source"] == "illustrative" for v in d["villages"])
    lists = {m["id"]: m for m in d["difficulty"]}
    assert lists["861/QĐ-TTg"]["listed"] and not lists["861/QĐ-TTg"]["in_force"]
    assert lists["861/QĐ-TTg+698/QĐ-TTg"]["listed"] and lists["861/QĐ-TTg+698/QĐ-TTg"]["in_force"]
    assert len(lists["612/QĐ-UBDT+497/QĐ-UBDT"]["villages"]) == 11
    became = d["lineage"]["became"]
    assert [(s["to_code"], s["to_name"], s["date"], s["kind"]) for s in became] == [
        ("07621", "Xã Vân Sơn", "2025-07-01", "merge")
    ]
    assert d["lineage"]["now_part_of"][0]["name"] == "Xã Vân Sơn"


def test_a_dropped_commune_shows_both_list_versions(service):
    d = commune_dossier(service, "07531", "2025-06-30")
    lists = {m["id"]: m["listed"] for m in d["difficulty"] if m["kind"] == "commune"}
    assert lists == {"861/QĐ-TTg": True, "861/QĐ-TTg+698/QĐ-TTg": False}
    assert not d["progress"]["on_list"] and d["progress"]["target"] is None and d["progress"]["gap"] is None
    assert d["progress"]["dbkk_villages"] == 5  # its counts are still shown


def test_history_holds_decisions_and_revocations_with_source_labels(service):
    records = service.store
    decisions = records.decisions() + [
        Decision("commune", "07624", "Xã Hữu Sản", "dat_chuan", date(2022, 12, 1), 2022, "official",
                 decision_no="1/QĐ-UBND", criteria_set="xa-ntm-2021-2025", criteria_met=tuple(range(1, 20)))
    ]  # fmt: skip
    revocations = [Revocation("commune", "07624", "Xã Hữu Sản", "dat_chuan", date(2023, 6, 1), "illustrative",
                              decision_no="2/QĐ-UBND", reason="income criterion failed")]  # fmt: skip
    book = StatusBook(service.atlas, decisions, revocations)
    d = commune_dossier(_with(service, book), "07624", "2023-01-01")
    assert [(h["kind"], h["decision_no"], h["source"]) for h in d["history"]] == [
        ("decision", "1/QĐ-UBND", "official"),
        ("revocation", "2/QĐ-UBND", "illustrative"),
    ]
    assert (
        d["history"][0]["criteria_met_vi"][9] == "Thu nhập" and d["history"][1]["reason"] == "income criterion failed"
    )
    assert d["status"]["status"] == "dat_chuan" and d["progress"]["criteria_missing"] == []
    later = commune_dossier(_with(service, book), "07624", "2023-07-01")
    assert later["status"]["status"] == "chua_dat"


def test_history_follows_the_chain_through_reclassification(service):
    d = commune_dossier(service, "07222", "2025-06-30")  # Xã Song Mai became Phường Song Mai on 2025-01-01
    assert [v["name"] for v in d["versions"]][-1] == "Phường Song Mai" and len(d["versions"]) >= 2
    assert [h["level"] for h in d["history"]] == ["dat_chuan", "nang_cao", "kieu_mau"]
    assert d["status"]["held_before"] == "kieu_mau"


def test_dossier_of_a_new_commune_shows_what_it_merged_from(service):
    d = commune_dossier(service, "07615", "2025-12-31")  # before any review step of the embedded data
    assert d["unit"]["name"] == "Xã Sơn Động" and d["status"]["status"] == "cho_ra_soat"
    assert {s["from_name"] for s in d["lineage"]["formed_from"]} == {"Thị trấn An Châu", "Xã Vĩnh An", "Xã An Bá"}
    assert d["lineage"]["became"] == [] and d["lineage"]["now_part_of"] is None


@pytest.mark.parametrize(
    ("code", "day", "error", "says"),
    [
        ("99999", None, UnknownUnitError, "no unit has code '99999'"),
        ("07531", "2010-01-01", DateOutOfRangeError, "begins on 2010-09-28"),
        ("220", None, InvalidParameterError, "is a district"),
        ("07222", "2026-01-01", UnknownUnitError, "did not exist on 2026-01-01"),
    ],
)
def test_dossier_bad_input(service, code, day, error, says):
    with pytest.raises(error, match=says):
        commune_dossier(service, code, day)


def test_reform_view_of_a_new_commune(service):
    v = reform_view(service, "07573")
    assert v["direction"] == "new" and v["unit"]["name"] == "Xã Biển Động" and v["as_of"] == "2025-06-30"
    olds = {c["code"]: c for c in v["constituents"]}
    assert set(olds) == {"07564", "07573", "07597"} and all(c["dbkk"] for c in olds.values())
    assert olds["07564"]["progress"]["gap"] == 4 and olds["07564"]["share_of_old"] == 1.0
    assert olds["07573"]["name"] == "Thị trấn Biển Động"
    assert abs(sum(c["share_of_new"] for c in olds.values()) - 1) < 1e-3
    t = v["totals"]
    assert (t["dbkk_villages"], t["dbkk_villages_ntm"], t["needed"], t["gap"], t["gap_sum"]) == (22, 9, 14, 5, 6)


def test_reform_view_of_an_old_commune(service):
    v = reform_view(service, "07624", "2024-01-01")
    assert v["direction"] == "old" and v["dbkk"] and v["progress"]["gap"] == 4
    assert [(n["code"], n["name"], n["share_of_old"]) for n in v["now_part_of"]] == [("07621", "Xã Vân Sơn", 1.0)]
    assert v["now_part_of"][0]["status"] == "cho_ra_soat"
    dropped = reform_view(service, "07660", "2024-01-01")  # An Bá: off the list by 2025
    assert not dropped["dbkk"] and dropped["now_part_of"][0]["name"] == "Xã Sơn Động"
    renamed = reform_view(service, "07210", "2015-01-01")
    assert renamed["now_part_of"][0]["name"] == "Phường Bắc Giang"


def test_reform_view_is_for_communes(service):
    with pytest.raises(InvalidParameterError, match="crosswalk"):
        reform_view(service, "220", "2024-01-01")


def _with(service, book) -> Snapshot:
    """The service's records with another book (decisions made up for the test)."""
    snap = service.snapshot()
    return Snapshot(snap.version, book, snap.records, snap.assessments)
