"""The national build path on a bounded region: the new Cần Thơ (Cần Thơ, Sóc Trăng, Hậu Giang).

Three former provinces, ~5 s to build: the same code as ``--national`` (several provinces,
each matched to its own list state; land the lists cannot pair held jointly; 2025 units that
the mapping divides drawn by estimate), checked against the official lists.
"""

from __future__ import annotations

from datetime import date

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.boundaries.build import build_to, region_provinces
from geo_ntm.boundaries.check import run_checks
from geo_ntm.boundaries.sources import Manifest, read_reform_mapping
from geo_ntm.errors import DateOutOfRangeError
from geo_ntm.paths import SOURCES_DIR

LONG_MY_WARDS = ["31471", "31473", "31475"]  # Phường Thuận An, Bình Thạnh, Vĩnh Tường (Thị xã Long Mỹ)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path, result = build_to("92", SOURCES_DIR, tmp_path_factory.mktemp("can-tho"))
    return path, result, Atlas.load(path)


def test_every_check_passes_on_three_former_provinces(built):
    path, _, _ = built
    failed = [f"{c.name}: {c.summary}" for c in run_checks(path, SOURCES_DIR) if not c.passed]
    assert not failed


def test_each_province_starts_where_its_polygons_and_lists_agree(built):
    _, result, atlas = built
    starts = result.info["history_starts"]
    assert set(starts) == {"92", "93", "94"}
    # Hậu Giang's list lacks Long Mỹ's units before 2015-05-16 (PROVENANCE §7 issue 1): it starts there
    assert starts["93"] == "2015-05-16" and atlas.covered_from == date(2015, 5, 16)
    with pytest.raises(DateOutOfRangeError, match="begins on 2015-05-16"):
        atlas.units_on("2015-05-15")


def test_land_the_lists_cannot_divide_is_held_jointly_and_counted_in_its_district(built):
    _, _, atlas = built
    before = atlas.units_on("2016-01-01").set_index("code")
    assert set(before.loc[LONG_MY_WARDS, "quality"]) == {"unknown"}
    pooled = atlas.parts[~atlas.parts["is_admin_unit"].astype(bool)]
    assert pooled["note"].str.contains("held jointly").any()
    assert all("31471" in n for n in pooled.loc[pooled["note"].str.contains("held jointly"), "note"])
    district = atlas.units_on("2016-01-01", "district")
    whole = atlas.units_on("2016-01-01", "province")["area_km2"].sum()
    assert district["area_km2"].sum() == pytest.approx(whole, rel=1e-5)  # no land lost from the districts
    after = atlas.units_on("2025-07-01")
    assert (after["quality"] != "unknown").all()  # the reform gives the pooled land to new units


def test_units_the_mapping_divides_are_drawn_by_estimate_and_say_so(built):
    _, _, atlas = built
    mapping = read_reform_mapping(Manifest.load(SOURCES_DIR).reform_mapping)
    divided = mapping[(mapping["level"] == "commune") & (mapping["province_code"] == "92") & ~mapping["whole"]]
    assert len(divided)
    after = atlas.units_on("2025-07-01").set_index("code")
    receivers = after.loc[sorted(set(divided["new_code"]) & set(after.index))]
    assert (receivers["quality"] == "approximate").all()
    assert receivers["note"].str.contains("drawn by estimate").all()
    cw = atlas.crosswalk("2025-06-30", "2025-07-01")
    split = cw[cw["code_a"].isin(set(divided["old_code"]))]
    assert (split.groupby("code_a")["code_b"].nunique() > 1).any()
    assert split.groupby("code_a")["share_of_a"].sum().round(5).eq(1).all()


def test_the_national_region_names_every_province():
    mapping = read_reform_mapping(Manifest.load(SOURCES_DIR).reform_mapping)
    news, olds = region_provinces(mapping, "VN")
    assert (len(news), len(olds)) == (34, 63)
