"""The 2026-2030 period as data: criteria by name, groups, dates known only as bounds, reviews."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from unittest import mock

import pytest

from geo_ntm.errors import InvalidParameterError
from geo_ntm.status import schema
from geo_ntm.status import store as store_module
from geo_ntm.status.criteria import criteria_set
from geo_ntm.status.derive import StatusBook
from geo_ntm.status.model import Assessment, CommuneGroup, Decision, ReviewStep
from geo_ntm.status.progress import ProgressBook
from geo_ntm.status.review import check_step

from .conftest import decision

NEW = "xa-ntm-2026-2030"


def _row(book, code, day, level="commune"):
    return book.on(day, level).set_index("code").loc[code]


def test_the_2026_2030_set_names_its_ten_criteria_and_three_groups_and_invents_no_threshold():
    s = criteria_set(NEW)
    assert s.numbers == tuple(range(1, 11)) and s.legal_act == "51/2025/QĐ-TTg" and s.indicators == 47
    assert (
        s.name(7) == "Khoa học công nghệ và chuyển đổi số" and s.name(10, "en") == "Access to law, security and defence"
    )
    assert [s.group_name(g) for g in (1, 2, 3)] == ["Xã nhóm 1", "Xã nhóm 2", "Xã nhóm 3"]
    assert "not in our sources" in s.thresholds_note["en"] and "không tự đặt ngưỡng" in s.thresholds_note["vi"]
    with pytest.raises(InvalidParameterError, match="groups: \\[1, 2, 3\\]"):
        s.check_group(4)
    pilot = criteria_set("xa-ntm-hien-dai-2026-2030")
    assert pilot.levels == ("hien_dai",) and pilot.numbers == ()
    with pytest.raises(InvalidParameterError, match="lists no criteria"):
        pilot.check([1])


def test_a_date_known_only_as_a_bound_means_no_data_before_it(atlas):
    # Tiên Du (260) was first reported recognised on 10/02/2017: before that, unknown, not "not yet".
    tien_du = decision("260", "dat_chuan", "2017-02-10", unit_level="district", source="official")
    book = StatusBook(atlas, [replace(tien_du, signed_precision="by")], [])
    before = _row(book, "260", "2016-06-30", "district")
    assert (before["status"], before["known_by"]) == ("khong_du_lieu", "2017-02-10")
    assert _row(book, "260", "2017-02-10", "district")["status"] == "dat_chuan"
    # The same date known to the day: "not yet" before it.
    exact = StatusBook(atlas, [tien_du], [])
    assert _row(exact, "260", "2016-06-30", "district")["status"] == "chua_dat"


def test_a_district_without_any_record_is_no_data_and_so_is_its_province(atlas):
    # Old Bắc Ninh: records in Tiên Du, none in TP Bắc Ninh (256).
    book = StatusBook(atlas, [decision("260", "dat_chuan", "2017-02-10", unit_level="district")], [])
    districts = book.on("2018-06-30", "district").set_index("code")["status"]
    assert (
        districts["260"] == "dat_chuan" and districts["256"] == "khong_du_lieu" and districts["258"] == "khong_du_lieu"
    )
    assert _row(book, "09214", "2018-06-30")["status"] == "khong_du_lieu"  # Xã Hòa Long, TP Bắc Ninh
    assert _row(book, "27", "2018-06-30", "province")["status"] == "khong_du_lieu"


def _merged(atlas):
    """Xã Xuân Lương (07246), formed on 2025-07-01 from three communes, one of them NTM."""
    return [decision("07243", "dat_chuan", "2016-11-01")]


def test_review_steps_move_a_merged_unit_and_not_recognised_ends_awaiting(atlas):
    steps = [
        ReviewStep("07246", "Xã Xuân Lương", "self_assessed", date(2026, 3, 1), "illustrative", id=1),
        ReviewStep("07246", "Xã Xuân Lương", "verified", date(2026, 5, 1), "illustrative", id=2),
        ReviewStep("07246", "Xã Xuân Lương", "not_recognised", date(2026, 7, 1), "illustrative", id=3),
    ]
    book = StatusBook(atlas, _merged(atlas), [], steps)
    seen = [(_row(book, "07246", d)["status"], _row(book, "07246", d)["review_state"])
            for d in ("2026-01-01", "2026-04-01", "2026-06-01", "2026-08-01")]  # fmt: skip
    assert seen == [
        ("cho_ra_soat", "not_started"),
        ("cho_ra_soat", "self_assessed"),
        ("cho_ra_soat", "verified"),
        ("chua_dat", "not_recognised"),
    ]
    assert _row(book, "07246", "2026-06-01")["constituents_past"] == "some_ntm"
    recognised = StatusBook(atlas, [*_merged(atlas), decision("07246", "dat_chuan", "2026-09-01")], [], steps)
    row = _row(recognised, "07246", "2026-09-01")
    assert (row["status"], row["review_state"]) == ("dat_chuan", "recognised")


def test_progress_per_criterion_against_the_group(atlas):
    book = StatusBook(atlas, _merged(atlas), [])
    groups = [CommuneGroup("07246", "Xã Xuân Lương", 3, date(2026, 2, 15), "illustrative", basis="rule")]
    assessed = Assessment("commune", "07246", "Xã Xuân Lương", date(2026, 9, 30), NEW, (1, 2, 3), "illustrative",
                          criteria_not_met=(4, 5), commune_group=2)  # fmt: skip
    progress = ProgressBook(book, groups, [assessed])
    uid = book.version_at("commune", "07246", date(2026, 10, 1))
    p = progress.of(uid, date(2026, 10, 1))
    assert (p.group, p.numbers("met"), p.numbers("not_met")) == (3, [1, 2, 3], [4, 5])
    assert p.numbers("unknown") == [6, 7, 8, 9, 10] and p.group_mismatch
    assert progress.of(uid, date(2026, 2, 1)).group is None and not progress.of(uid, date(2026, 9, 1)).verdicts
    assert ProgressBook.period_set(date(2025, 12, 31)) is None  # 2021-2025 has no commune groups
    recognised = Decision("commune", "07246", "x", "dat_chuan", date(2026, 10, 20), 2026, "illustrative",
                          criteria_set=NEW, criteria_met=tuple(range(1, 11)))  # fmt: skip
    assert progress.of(uid, date(2026, 11, 1), recognised).numbers("met") == list(range(1, 11))


def _step(state, day, source="illustrative", unit_name="", **kw):
    return ReviewStep("07246", unit_name, state, date.fromisoformat(day), source, **kw)


@pytest.mark.parametrize(
    ("step", "history", "field", "says"),
    [
        (
            ReviewStep("07222", "", "self_assessed", date(2024, 3, 1), "illustrative"),
            [],
            "unit_code",
            "not formed by a merger",
        ),
        (
            _step("self_assessed", "2025-06-01"),
            [],
            "unit_code",
            "Xã Canh Nậu \\(07246\\) was not formed",
        ),  # the old unit
        (_step("self_assessed", "2999-01-01"), [], "reviewed_on", "after today"),
        (_step("recognised", "2026-03-01"), [], "state", "comes with its decision"),
        (_step("verified", "2026-03-01"), [_step("self_assessed", "2026-04-01", id=7)], "reviewed_on", "date order"),
        (
            _step("verified", "2026-05-01"),
            [_step("recognised", "2026-04-01", id=8, decision_id=1)],
            "state",
            "was recognised",
        ),
        (_step("self_assessed", "2026-03-01", source="official"), [], "citation", "needs a citation"),
        (_step("self_assessed", "2026-03-01", unit_name="Xã Khác"), [], "unit_name", "is not the name"),
    ],
)
def test_a_review_step_is_checked_like_a_decision(atlas, step, history, field, says):
    with pytest.raises(InvalidParameterError, match=says) as err:
        check_step(StatusBook(atlas, [], []), step, history=history, today=date(2026, 11, 30))
    assert str(err.value).startswith(field)


def test_a_review_step_out_of_order_is_kept_with_a_warning(atlas):
    book = StatusBook(atlas, [], [])
    checked = check_step(book, _step("verified", "2026-03-01"), today=date(2026, 11, 30))
    assert checked.step.unit_name == "Xã Xuân Lương" and checked.formed_on == date(2025, 7, 1)
    assert checked.warnings == ["verified with no earlier step recorded for Xã Xuân Lương"]


def test_migration_4_keeps_every_record_its_corrections_and_the_audit_chain(tmp_path):
    path = tmp_path / "v3.sqlite"
    with mock.patch.object(store_module, "MIGRATIONS", schema.MIGRATIONS[:3]):
        old = store_module.SqliteStore(path)
        first = decision("07222", "dat_chuan", "2015-06-01", no="A")
        with old.write("t") as w:
            made = w.add_decision(first)
        with old.write("t") as w:
            w.add_decision(replace(first, decision_no="B", supersedes=made))
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
    new = store_module.SqliteStore(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    assert [d.decision_no for d in new.decisions()] == ["B"] and len(new.decisions(current=False)) == 2
    assert new.verify_audit().break_count == 0
    assert sqlite3.connect(path).execute("PRAGMA foreign_key_check").fetchall() == []
    with new.write("t") as w:  # the new level and precisions are accepted now
        w.add_decision(replace(first, level="hien_dai", decision_no="C", signed_precision="inferred", supersedes=None))
    with pytest.raises(sqlite3.IntegrityError):
        with new.write("t") as w:
            w.add_decision(replace(first, decision_no="D", signed_precision="about", supersedes=None))
