"""The published national and per-province figures, as the national region shows them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.boundaries.build import build_to
from geo_ntm.paths import SOURCES_DIR
from geo_ntm.status.public_record import completion_decisions, load_public_record, national_series, province_shares
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import SqliteStore


def _provinces(*codes):
    return pd.DataFrame({"code": list(codes), "name": list(codes)})


def test_completions_are_official_decisions_with_their_precision_and_citation():
    found = {d.unit_code: d for d in completion_decisions()}
    assert found["22"].decision_no == "1013/QĐ-TTg" and found["22"].signed == date(2025, 5, 27)
    assert found["22"].signed_precision == "day"
    assert found["36"].decision_no is None and found["36"].signed_precision == "by"
    assert "27" not in found  # searched for and not found: no decision, not "not completed"
    assert all(d.source == "official" and "http" in d.citation for d in found.values())


def test_a_share_is_the_latest_published_figure_on_the_date_else_no_data():
    shares = province_shares(_provinces("27", "26", "02"), date(2017, 12, 31), {}).set_index("code")
    assert shares.loc["27", "share_pct"] == pytest.approx(75.3) and shares.loc["27", "as_of"] == "2017-12-31"
    assert shares.loc["27", "basis"] == "published" and shares.loc["27", "source_url"].startswith("http")
    assert shares.loc["02", "basis"] == "no data" and pd.isna(shares.loc["02", "share_pct"])
    later = province_shares(_provinces("26"), date(2022, 7, 1), {}).set_index("code")
    assert later.loc["26", "share_pct"] == 100 and later.loc["26", "precision"] == "month"


def test_a_merged_province_adds_counts_of_its_former_provinces_and_never_bare_shares():
    merged = province_shares(_provinces("24"), date(2024, 6, 1), {"24": ["24", "27"]}).set_index("code")
    # Bắc Giang 154 of 182 (end 2023), old Bắc Ninh 89 of 89 (September 2022)
    assert merged.loc["24", "share_pct"] == pytest.approx(round(243 / 271 * 100, 1))
    assert merged.loc["24", "basis"].startswith("sum of its former provinces")
    bare = province_shares(_provinces("37"), date(2024, 6, 1), {"37": ["35", "36", "37"]}).set_index("code")
    assert bare.loc["37", "basis"] == "no data"  # shares without commune counts cannot be added


def test_the_national_series_is_dated_and_cited():
    series = national_series()
    june = [f for f in series if f.as_of == date(2025, 6, 30) and f.metric == "communes_ntm"]
    assert june and june[0].value == 6084 and june[0].denominator == 7669
    assert all(f.source_url and f.citation for f in series)


def test_a_province_that_completed_the_mission_shows_it_from_its_decision(tmp_path):
    path, _ = build_to("22", SOURCES_DIR, tmp_path / "region")
    store = SqliteStore(tmp_path / "store.sqlite")
    assert load_public_record(store, Atlas.load(path)) == 1  # Quảng Ninh: the one province of the region
    book = StatusService(Atlas.load(path), store).snapshot().book
    before, after = book.on(date(2025, 5, 26), "province"), book.on(date(2025, 5, 27), "province")
    assert before.set_index("code").loc["22", "status"] == "khong_du_lieu"
    assert after.set_index("code").loc["22", "status"] == "hoan_thanh"


class _Walk:
    """An atlas whose province crosswalk is given: two new provinces made of four old ones."""

    reform_date = date(2025, 7, 1)

    def __init__(self, rows):
        self.rows = rows

    def crosswalk(self, day_a, day_b, level):
        assert (day_a, day_b, level) == (date(2025, 6, 30), self.reform_date, "province")
        return pd.DataFrame(self.rows, columns=["code_a", "code_b", "share_of_a"])


def test_former_provinces_come_from_where_their_land_went_not_from_a_grouped_event():
    """The reform's event 019 lists 82, 87, 89, 91 before both 82 and 91; the land says 82+87 and 89+91."""
    from geo_ntm.status.national import formed_from

    walk = _Walk([("82", "82", 1.0), ("87", "82", 0.998), ("87", "91", 0.002), ("89", "91", 1.0),
                  ("91", "91", 1.0), ("11", "11", 1.0), ("89", "", 0.0)])  # fmt: skip
    assert formed_from(walk, date(2026, 11, 30)) == {"82": ["82", "87"], "91": ["89", "91"]}
    assert formed_from(walk, date(2025, 6, 30)) == {}


def test_the_embedded_region_was_formed_from_bac_giang_and_old_bac_ninh():
    from geo_ntm.paths import DEFAULT_REGION
    from geo_ntm.status.national import formed_from

    assert formed_from(Atlas.load(DEFAULT_REGION), date(2026, 11, 30)) == {"24": ["24", "27"]}


def test_a_sum_takes_each_former_provinces_latest_count_not_a_later_bare_share():
    """Vĩnh Phúc (26): 83 of 112 on 03/07/2018, then a bare "100 %" in mid-2022; a sum can add the count only."""
    merged = province_shares(_provinces("25"), date(2025, 6, 30), {"25": ["24", "26"]}).set_index("code")
    assert merged.loc["25", "basis"] == "sum of its former provinces 24, 26"
    assert merged.loc["25", "as_of"] == "2018-07-03"  # the earlier of the two counts it adds
    alone = province_shares(_provinces("26"), date(2025, 6, 30), {}).set_index("code")
    assert alone.loc["26", "share_pct"] == 100 and alone.loc["26", "as_of"] == "2022-06-30"  # shown alone: latest


def test_a_figure_after_the_reform_is_about_the_new_province_and_never_counts_for_an_old_one(monkeypatch):
    """Code 91 is old Kiên Giang before 2025-07-01 and new An Giang after: its figures never mix."""
    import geo_ntm.status.public_record as record

    def figure(code, as_of, value, total):
        return record.Figure("communes_ntm", value, date.fromisoformat(as_of), "exact", "q", "https://x", "p",
                             province_code=code, denominator=total)  # fmt: skip

    figures = [figure("89", "2024-12-31", 100, 120), figure("91", "2024-12-31", 90, 100),
               figure("91", "2025-12-31", 95, 100), figure("82", "2025-10-01", 50, 100)]  # fmt: skip
    monkeypatch.setattr(record, "province_figures", lambda: figures)
    groups, reform = {"91": ["89", "91"], "82": ["82", "87"]}, date(2025, 7, 1)
    early = province_shares(_provinces("91", "82"), date(2025, 9, 1), groups, reform).set_index("code")
    assert early.loc["91", "share_pct"] == pytest.approx(round(190 / 220 * 100, 1))  # the old ones, summed
    assert early.loc["82", "basis"] == "no data"  # 87 has no figure; new 82's is dated later
    late = province_shares(_provinces("91", "82"), date(2026, 11, 30), groups, reform).set_index("code")
    assert late.loc["91", "share_pct"] == 95 and late.loc["91", "basis"] == "published"
    assert late.loc["82", "share_pct"] == 50 and late.loc["82", "as_of"] == "2025-10-01"
    before = province_shares(_provinces("91"), date(2025, 6, 30), {}, reform).set_index("code")
    assert before.loc["91", "share_pct"] == 90  # the map of the old provinces: old Kiên Giang's own
