"""The embedded region: new Bắc Ninh (24) with the histories of Bắc Giang (24) and Bắc Ninh (27)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.boundaries.build import build_to
from geo_ntm.boundaries.check import run_checks
from geo_ntm.paths import DEFAULT_REGION, SOURCES_DIR


@pytest.fixture(scope="module")
def atlas():
    return Atlas.load(DEFAULT_REGION)


def _count(atlas, day, level="commune", province=None):
    units = atlas.units_on(day, level)
    return len(units if province is None else units[units["province_code"] == province])


@pytest.mark.parametrize(
    ("day", "level", "province", "expected"),
    [
        ("2010-09-28", "commune", "24", 230),
        ("2019-12-31", "commune", "24", 230),
        ("2020-01-01", "commune", "24", 209),
        ("2024-12-31", "commune", "24", 209),
        ("2025-06-30", "commune", "24", 192),
        ("2019-12-31", "commune", "27", 126),
        ("2025-06-30", "commune", "27", 121),
        ("2024-12-31", "district", "24", 10),
        ("2025-01-01", "district", "24", 10),
        ("2024-12-31", "district", "27", 8),
        ("2025-07-01", "commune", None, 99),
        ("2025-07-01", "province", None, 1),
        ("2025-07-01", "district", None, 0),
        ("2026-11-27", "commune", None, 99),
    ],
)
def test_counts_per_vintage_match_the_official_lists(atlas, day, level, province, expected):
    assert _count(atlas, day, level, province) == expected


def test_58_new_units_come_from_bac_giang_and_41_from_bac_ninh(atlas):
    origin = {}
    for uid in atlas.units_on("2025-07-01")["uid"]:
        olds = {atlas.unit(s.source)["province_code"] for s in atlas.predecessors(uid)}
        assert len(olds) == 1, uid
        origin[uid] = olds.pop()
    assert sorted(list(origin.values()).count(p) for p in ("24", "27")) == [41, 58]


def test_the_2020_merges_are_worked_out_from_the_sources(atlas):
    phon_xuong = atlas.unit("07288", on="2020-01-01")
    assert phon_xuong["name"] == "Thị trấn Phồn Xương"
    preds = atlas.predecessors(phon_xuong["uid"])
    assert sorted(atlas.unit(s.source)["name"] for s in preds) == ["Thị trấn Cầu Gồ", "Xã Phồn Xương"]
    assert {s.legal_act for s in preds} == {"813/NQ-UBTVQH14"}
    nham_bien = atlas.predecessors(atlas.unit("07681", on="2020-01-01")["uid"])
    assert sorted(s.source[:5] for s in nham_bien) == ["07681", "07732", "07744"]


def test_district_events_of_2025(atlas):
    events = atlas.events[(atlas.events["date"] == "2025-01-01") & (atlas.events["level"] == "district")]
    by_kind = {r.kind: r for r in events.itertuples()}
    assert by_kind["merge"].predecessors == "213@2010-09-28;221@2010-09-28"
    assert by_kind["merge"].legal_act == "1191/NQ-UBTVQH15"
    assert set(by_kind["split"].successors.split(";")) == {"219@2025-01-01", "224@2025-01-01"}
    transfer = by_kind["partial_transfer"]
    assert transfer.area_km2 == pytest.approx(75.93)  # as stated for NQ 1191/NQ-UBTVQH15
    # The land that moved is the Sơn Động piece of the Cấm Sơn training area (non_admin_areas.csv):
    # the outlines now show the transfer, and the land moved measures what the act states.
    assert transfer.geometry_reconstructed
    assert set(transfer.successors.split(";")) == {"219@2025-01-01", "220@2025-01-01"}
    link = atlas.links[(atlas.links["event_id"] == transfer.Index) & (atlas.links["successor"] == "219@2025-01-01")]
    moved = link["share"].iloc[0] * atlas.unit("220@2010-09-28")["area_km2"]
    assert moved == pytest.approx(75.93, rel=0.03)
    assert "Trung tâm huấn luyện Cấm Sơn" in transfer.note
    assert atlas.unit("220", on="2025-01-01")["note"] == ""


def _official(code):
    """Official area_km2 of a unit of 1 July 2025, read straight from the shipped list."""
    rows = pd.read_csv(SOURCES_DIR / "vau_vietnam_units_2025_07.csv", dtype={"code": str})
    return rows.set_index("code").loc[code, "area_km2"]


def test_the_cam_son_area_is_in_no_commune_until_bien_son_takes_it_in(atlas):
    training = atlas.parts[~atlas.parts["is_admin_unit"].astype(bool)]
    assert sorted(training["name_2013"]) == ["Trung tâm huấn luyện Cấm Sơn"] * 2
    tb1 = set(training["part_id"])
    for day in ("2013-01-01", "2024-12-31", "2025-01-01", "2025-06-30"):
        communes = atlas.units_on(day)
        assert not tb1 & frozenset().union(*(atlas.parts_of[u] for u in communes["uid"])), day
        districts = atlas.units_on(day, "district")
        assert tb1 <= frozenset().union(*(atlas.parts_of[u] for u in districts["uid"])), day
    bien_son = atlas.unit("07537", on="2025-07-01")
    assert tb1 <= atlas.parts_of[bien_son["uid"]]  # NQ 1658/NQ-UBTVQH15, Điều 1 khoản 34
    assert bien_son["area_km2"] == pytest.approx(_official("07537"), rel=0.05)
    assert bien_son["official_area_km2"] == _official("07537")


def test_ex_bac_giang_is_within_half_a_percent_of_its_official_area(atlas):
    """Its outline on every date against the official areas of the 58 units it became."""
    official = pd.read_csv(SOURCES_DIR / "vau_vietnam_units_2025_07.csv", dtype={"code": str}).set_index("code")
    from_bac_giang = [
        r.code
        for r in atlas.units_on("2025-07-01").itertuples()
        if {atlas.unit(s.source)["province_code"] for s in atlas.predecessors(r.uid)} == {"24"}
    ]
    assert len(from_bac_giang) == 58
    total = official.loc[from_bac_giang, "area_km2"].sum()
    for day in ("2010-09-28", "2019-12-31", "2024-12-31", "2025-06-30"):
        province = atlas.units_on(day, "province").set_index("code").loc["24", "area_km2"]
        assert province == pytest.approx(total, rel=0.005), day


def test_known_upstream_glitches_are_reported_not_used(atlas):
    ignored = atlas.issues[atlas.issues["problem"].str.contains("no unit has code")]
    assert sorted(ignored["code"]) == ["07693", "07732", "07744"]
    assert len(atlas.issues) == 4  # the fourth: the mapping spells 07540 "Xa Lý", the list "Sa Lý"


def test_lineage_reaches_back_to_2010_and_forward_to_today(atlas):
    steps = atlas.lineage("07204", on="2015-06-01")  # Phường Trần Nguyên Hãn
    targets = [s.target for s in steps]
    assert targets == ["07207@2025-01-01", "07210@2025-07-01"]
    back = atlas.lineage("07210", on="2025-07-01")
    origins = {atlas.unit(s.source)["name"] for s in back if s.direction == "back"}
    assert {"Phường Trần Nguyên Hãn", "Phường Hoàng Văn Thụ", "Xã Dĩnh Trì"} <= origins
    assert min(s.date for s in back) == date(2013, 12, 31)


def test_crosswalk_shares_add_up_and_split_lục_ngạn(atlas):
    cw = atlas.crosswalk("2024-12-31", "2025-01-01", "district")
    assert cw.groupby("uid_a")["share_of_a"].sum().round(5).eq(1).all()
    luc_ngan = cw[cw["code_a"] == "219"].set_index("name_b")["share_of_a"]
    assert set(luc_ngan.index) == {"Huyện Lục Ngạn", "Thị xã Chũ"}
    assert 0.2 < luc_ngan["Thị xã Chũ"] < 0.4
    back = atlas.crosswalk("2025-07-01", "2019-12-31")
    assert back.groupby("uid_a")["share_of_a"].sum().round(5).eq(1).all()


@pytest.mark.slow
def test_committed_region_equals_a_fresh_build(tmp_path):
    path, _ = build_to("24", SOURCES_DIR, tmp_path)
    assert path.read_bytes() == DEFAULT_REGION.read_bytes(), "run `make build-boundaries` and commit"


@pytest.mark.slow
def test_every_check_passes():
    checks = {c.name: c for c in run_checks(DEFAULT_REGION, SOURCES_DIR)}
    failed = [f"{c.name}: {c.summary}" for c in checks.values() if not c.passed]
    assert not failed
    areas = checks["areas against the official area_km2"].details
    assert areas["units"] == 99 and areas["median_abs_pct"] < 2
    assert all(abs(t["diff_pct"]) <= 0.5 for t in areas["totals"])


def test_units_on_answers_a_frame_of_its_own_each_time(atlas):
    """Which rows are in force is remembered per day; a caller changing its frame changes no other answer."""
    first = atlas.units_on("2019-12-31")
    first["name"] = "changed"
    first.drop(index=0, inplace=True)
    again = atlas.units_on(date(2019, 12, 31))
    assert len(again) == len(first) + 1 and not (again["name"] == "changed").any()
    assert list(again["code"]) == sorted(again["code"]) and again.index.equals(pd.RangeIndex(len(again)))
    u = atlas.units
    live = u[(u["level"] == "commune") & (u["valid_from"] <= date(2025, 7, 1)) & (u["valid_to"] >= date(2025, 7, 1))]
    assert list(atlas.units_on("2025-07-01")["uid"]) == list(live.sort_values("code")["uid"])


def test_units_on_sees_a_units_frame_set_anew():
    atlas = Atlas.load(DEFAULT_REGION)
    before = atlas.units_on("2019-12-31")
    atlas.units = atlas.units.drop(before["uid"].iloc[0])
    assert list(atlas.units_on("2019-12-31")["uid"]) == list(before["uid"].iloc[1:])


def test_the_review_round_in_force_is_the_last_merger_on_or_before_the_day(atlas):
    from geo_ntm.status.review import latest_reorganisation

    assert latest_reorganisation(atlas, date(2025, 6, 30)) < date(2025, 7, 1)
    assert latest_reorganisation(atlas, date(2025, 7, 1)) == date(2025, 7, 1)
    assert latest_reorganisation(atlas, date(2026, 12, 1)) == date(2025, 7, 1)
    assert (
        latest_reorganisation(atlas, atlas.covered_from) is None
        or latest_reorganisation(atlas, atlas.covered_from) <= atlas.covered_from
    )


def test_units_on_from_many_threads_past_its_memory(atlas):
    """Requests ask from several threads; more days than it remembers make it forget while others ask."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import timedelta

    days = [date(2019, 1, 1) + timedelta(days=i) for i in range(600)]
    u = atlas.units
    communes = u[u["level"] == "commune"]
    expected = {d: int(((communes["valid_from"] <= d) & (communes["valid_to"] >= d)).sum()) for d in days}
    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(lambda d: (d, len(atlas.units_on(d))), days + days[::-1]))
    assert all(n == expected[d] for d, n in counts) and len(counts) == 1200
    assert len(atlas._rows_on) <= 256
