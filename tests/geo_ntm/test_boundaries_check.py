"""`geo-ntm boundaries check` can fail: count and area errors seeded into copies of the shipped region."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import shapely
from shapely import affinity

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.boundaries.check import counts
from geo_ntm.boundaries.check_areas import UNIT_LIMIT, official_areas
from geo_ntm.boundaries.reference import ReferenceLists
from geo_ntm.cli import main
from geo_ntm.paths import DEFAULT_REGION, SOURCES_DIR


@pytest.fixture(scope="module")
def ref():
    return ReferenceLists(SOURCES_DIR)


@pytest.fixture()
def atlas():
    return Atlas.load(DEFAULT_REGION)  # a fresh copy: tests change it


def test_the_shipped_region_passes(atlas, ref):
    assert counts(atlas, ref).passed
    areas = official_areas(atlas, ref)
    assert areas.passed, areas.summary
    d = areas.details  # the trusted units by kind of outline, and why those off by more than 5% are off
    assert sum(q["units"] for q in d["trusted_by_quality"].values()) == d["trusted_units"]
    assert sum(q["within_5pct"] for q in d["trusted_by_quality"].values()) == d["within_5pct"]
    assert sum(d["reasons_off"].values()) == d["trusted_units"] - d["within_5pct"]
    assert f"exact {d['trusted_by_quality']['exact']['within_5pct']} of" in areas.summary


def test_a_missing_commune_fails_the_counts(atlas, ref):
    atlas.units = atlas.units.drop(atlas.unit("07288", on="2020-01-01")["uid"])
    check = counts(atlas, ref)
    assert not check.passed
    assert {m["date"] for m in check.details["mismatches"] if "07288" in m["missing"]} >= {"2020-01-01"}


def test_a_commune_kept_past_its_merger_fails_the_counts(atlas, ref):
    uid = atlas.unit("07744", on="2019-12-31")["uid"]  # Xã Thắng Cương, merged on 2020-01-01 (NQ 813)
    atlas.units.loc[uid, "valid_to"] = atlas.units.loc[uid, "valid_to"].replace(year=2020, month=1, day=1)
    atlas.units = atlas.units  # validity edited in place: a frame set anew makes units_on look again
    check = counts(atlas, ref)
    assert not check.passed and check.details["mismatches"][0]["extra"] == ["07744"]


def test_the_command_exits_1_on_a_seeded_count_error(tmp_path, capsys):
    region = tmp_path / "seeded.gpkg"
    shutil.copy(DEFAULT_REGION, region)
    with sqlite3.connect(region) as db:
        assert db.execute("DELETE FROM units WHERE uid = '09169@2010-02-06'").rowcount == 1
    assert main(["boundaries", "check", "--region", str(region)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  counts and codes on every date" in out and "09169" in out


def _training_area(atlas):
    return shapely.union_all(atlas.parts.loc[~atlas.parts["is_admin_unit"].astype(bool), "geometry"].values)


def test_bien_son_without_the_training_area_fails_the_area_check(atlas, ref):
    uid = atlas.unit("07537", on="2025-07-01")["uid"]
    atlas.units.loc[uid, "geometry"] = atlas.units.loc[uid, "geometry"].difference(_training_area(atlas))
    check = official_areas(atlas, ref)
    assert not check.passed
    failed = " ".join(check.details["failures"])
    assert "Xã Biên Sơn -8" in failed and "province 24 (its communes) -4.9" in failed


def test_one_unit_a_third_too_large_fails_on_its_own(atlas, ref):
    new = atlas.units_on("2025-07-01")
    small = new.sort_values("area_km2").iloc[0]
    grown = affinity.scale(small.geometry, 1.15, 1.15, origin="centroid")  # 1.15² = +32% area
    atlas.units.loc[small["uid"], "geometry"] = grown
    check = official_areas(atlas, ref)
    assert not check.passed
    assert check.details["failures"] == [f"{small['name']} {check.details['worst'][0]['diff_pct']:+}%"]
    assert abs(check.details["worst"][0]["diff_pct"]) > UNIT_LIMIT * 100


def test_every_unit_slightly_short_fails_on_the_totals(atlas, ref):
    for uid in atlas.units_on("2025-07-01")["uid"]:
        shrunk = affinity.scale(atlas.units.loc[uid, "geometry"], 0.99, 0.99, origin="centroid")  # -2% area
        atlas.units.loc[uid, "geometry"] = shrunk
    check = official_areas(atlas, ref)
    assert not check.passed
    failed = check.details["failures"]
    assert any(f.startswith("province 24 (its communes) -2") for f in failed)
    assert not any("Xã" in f or "Phường" in f for f in failed)  # no unit is off by a quarter
