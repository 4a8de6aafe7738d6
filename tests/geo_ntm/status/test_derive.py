"""Status on a date: the highest level held and not revoked, and the rule for merged units."""

from __future__ import annotations

from datetime import date

from geo_ntm.status.derive import StatusBook
from geo_ntm.status.model import Revocation

from .conftest import decision


def _status(book, code, day, level="commune"):
    frame = book.on(day, level).set_index("code")
    return frame.loc[code]


def test_highest_level_held_with_its_decision(atlas):
    book = StatusBook(
        atlas,
        [decision("07222", "dat_chuan", "2015-06-01", no="A"), decision("07222", "nang_cao", "2021-06-01", no="B")],
        [],
    )
    assert _status(book, "07222", "2015-05-31")["status"] == "chua_dat"
    assert _status(book, "07222", "2015-06-01")["status"] == "dat_chuan"
    row = _status(book, "07222", "2022-01-01")
    assert (row["status"], row["decision_no"], row["status_en"]) == ("nang_cao", "B", "Advanced NTM")


def test_revocation_removes_the_level_and_those_above(atlas):
    book = StatusBook(
        atlas,
        [decision("07222", "dat_chuan", "2015-06-01"), decision("07222", "nang_cao", "2021-06-01")],
        [Revocation("commune", "07222", "Xã Song Mai", "nang_cao", date(2023, 3, 1), "illustrative")],
    )
    assert _status(book, "07222", "2023-02-28")["status"] == "nang_cao"
    assert _status(book, "07222", "2023-03-01")["status"] == "dat_chuan"
    book = StatusBook(
        atlas,
        [decision("07222", "dat_chuan", "2015-06-01"), decision("07222", "nang_cao", "2021-06-01")],
        [Revocation("commune", "07222", "Xã Song Mai", "dat_chuan", date(2023, 3, 1), "illustrative")],
    )
    assert _status(book, "07222", "2023-03-01")["status"] == "chua_dat"


def test_merged_unit_awaits_review_with_its_constituents(atlas):
    # Xã Quang Trung (07315) = Quang Tiến (07315) + Đại Hóa (07312) + Lan Giới (07303) on 2025-01-01.
    book = StatusBook(
        atlas,
        [
            decision("07315", "dat_chuan", "2018-12-01"),
            decision("07312", "dat_chuan", "2017-12-01"),
            decision("07312", "nang_cao", "2022-12-01"),
        ],
        [],
    )
    row = _status(book, "07315", "2025-03-01")
    assert row["status"] == "cho_ra_soat" and row["formed_on"] == "2025-01-01"
    assert {c["name"]: c["status"] for c in row["constituents"]} == {
        "Xã Quang Tiến": "dat_chuan",
        "Xã Đại Hóa": "nang_cao",
        "Xã Lan Giới": "chua_dat",
    }
    assert row["review_en"] == "2 of 3 constituents NTM; 1 advanced"
    assert row["review_vi"] == "2/3 đơn vị cũ đạt chuẩn NTM; 1 nâng cao"
    recognised = StatusBook(atlas, [decision("07315", "dat_chuan", "2025-04-01", no="C")], [])
    assert _status(recognised, "07315", "2025-04-01")["status"] == "dat_chuan"


def test_status_follows_a_reclassified_district_and_a_partial_transfer(atlas):
    book = StatusBook(
        atlas,
        [
            decision("222", "dat_chuan", "2018-12-31", unit_level="district"),
            decision("220", "dat_chuan", "2024-10-01", unit_level="district"),
            decision("07528", "dat_chuan", "2019-10-01"),  # Xã Cấm Sơn: Lục Ngạn's records exist
        ],
        [],
    )
    viet_yen = _status(book, "222", "2024-06-01", "district")
    assert viet_yen["name"] == "Thị xã Việt Yên" and viet_yen["status"] == "dat_chuan"
    assert _status(book, "220", "2025-03-01", "district")["status"] == "dat_chuan"  # lost land, kept status
    assert _status(book, "219", "2025-03-01", "district")["status"] == "chua_dat"


def test_wards_and_towns_are_not_applicable_but_keep_what_they_held(atlas):
    book = StatusBook(atlas, [decision("07477", "dat_chuan", "2016-12-01")], [])  # Xã Phương Sơn, TT from 2022
    assert _status(book, "07477", "2021-01-01")["status"] == "dat_chuan"
    row = _status(book, "07477", "2023-01-01")
    assert (row["status"], row["held_before"]) == ("khong_ap_dung", "dat_chuan")


def test_the_year_label_counts_for_year_reports(atlas):
    book = StatusBook(atlas, [decision("218", "dat_chuan", "2024-01-11", unit_level="district", year=2023)], [])
    assert _status(book, "218", "2023-12-31", "district")["status"] == "chua_dat"
    assert book.for_year(2023, "district").set_index("code").loc["218", "status"] == "dat_chuan"


def test_areas_without_any_record_have_no_data(atlas):
    # One record in TP Bắc Giang (213): its district is covered, the other districts are not.
    book = StatusBook(atlas, [decision("07222", "dat_chuan", "2015-06-01")], [])
    frame = book.on("2020-06-01")
    assert set(frame[frame["province_code"] == "27"]["status"]) == {"khong_du_lieu", "khong_ap_dung"}
    assert "khong_du_lieu" not in set(frame[frame["parent_code"] == "213"]["status"])
    assert set(frame[frame["parent_code"] == "215"]["status"]) <= {"khong_du_lieu", "khong_ap_dung"}
    districts = book.on("2020-06-01", "district").set_index("code")["status"]
    assert (districts["213"], districts["215"]) == ("chua_dat", "khong_du_lieu")
    # A province is "not yet" only when the records cover all of its land.
    assert set(book.on("2020-06-01", "province")["status"]) == {"khong_du_lieu"}


def test_a_one_to_one_unit_keeps_its_status_through_the_reform(atlas):
    book = StatusBook(atlas, [decision("07663", "dat_chuan", "2023-06-01")], [])  # Xã Tuấn Đạo
    assert _status(book, "07663", "2025-07-01")["status"] == "dat_chuan"


def test_a_decision_outside_its_units_life_is_kept_aside(atlas):
    book = StatusBook(atlas, [decision("07204", "dat_chuan", "2025-03-01")], [])  # Trần Nguyên Hãn ended 2024-12-31
    assert [d.unit_code for d in book.unplaced] == ["07204"]
