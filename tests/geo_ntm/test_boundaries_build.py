"""The boundary build: generic behaviour on a made-up province, and bad sources."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.boundaries.build import build, build_to
from geo_ntm.boundaries.check import run_checks
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError, SourceError, UnknownUnitError

from .synthetic import add_training_area, write_polygons, write_sources


@pytest.fixture()
def sources(tmp_path):
    return write_sources(tmp_path / "sources")


@pytest.fixture()
def atlas(sources, tmp_path):
    path, _ = build_to("98", sources, tmp_path / "out")
    return Atlas.load(path)


def test_made_up_province_builds_with_its_merge_rename_and_reform(atlas):
    assert atlas.covered_from == date(2010, 5, 1)
    assert list(atlas.units_on("2019-12-31")["code"]) == ["90001", "90002", "90003", "90004"]
    after_merge = atlas.units_on("2020-01-01")
    assert list(after_merge["name"]) == ["Xã An", "Thị trấn Cờ Mới", "Xã Dê"]
    kinds = atlas.events.set_index("predecessors")["kind"]
    assert kinds["90001@2010-05-01;90002@2010-05-01"] == "merge"
    assert kinds["90003@2010-05-01"] == "rename"
    reform = atlas.units_on("2025-07-01")
    assert list(reform["name"]) == ["Xã An Cờ", "Phường Dê"]
    assert list(atlas.units_on("2025-07-01", "province")["name"]) == ["Tỉnh Mới"]
    assert atlas.units_on("2025-07-01", "district").empty


def test_merged_geometry_is_the_union_of_its_predecessors(atlas):
    before = atlas.units_on("2019-12-31").set_index("code")["area_km2"]
    merged = atlas.unit("90001", on="2020-01-01")["area_km2"]
    assert merged == pytest.approx(before["90001"] + before["90002"], rel=1e-6)
    new = atlas.unit("90001", on="2025-07-01")
    assert new["area_km2"] == pytest.approx(before[["90001", "90002", "90003"]].sum(), rel=1e-6)
    district = atlas.units_on("2019-12-31", "district")
    assert district["area_km2"].iloc[0] == pytest.approx(before.sum(), rel=1e-6)


def test_lineage_and_crosswalk_follow_the_events(atlas):
    steps = atlas.lineage("90002", on="2015-01-01")
    assert [(s.source, s.target) for s in steps] == [
        ("90002@2010-05-01", "90001@2020-01-01"),
        ("90001@2020-01-01", "90001@2025-07-01"),
    ]
    cw = atlas.crosswalk("2019-12-31", "2025-07-01")
    assert cw.groupby("code_a")["share_of_a"].sum().round(6).eq(1).all()
    into_new = cw[cw["code_b"] == "90001"].set_index("code_a")["share_of_b"]
    assert into_new.sum() == pytest.approx(1)
    assert set(into_new.index) == {"90001", "90002", "90003"}


def test_same_build_gives_the_same_bytes(sources, tmp_path):
    a, _ = build_to("98", sources, tmp_path / "a")
    b, _ = build_to("98", sources, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()


def test_queries_name_the_bad_value(atlas):
    with pytest.raises(DateOutOfRangeError, match="begins on 2010-05-01"):
        atlas.units_on("2009-12-31")
    with pytest.raises(UnknownUnitError, match="12345"):
        atlas.unit("12345")
    with pytest.raises(UnknownUnitError, match="did not exist on 2021-01-01"):
        atlas.unit("90002", on="2021-01-01")
    with pytest.raises(InvalidParameterError, match="YYYY-MM-DD"):
        atlas.units_on("31/12/2023")
    with pytest.raises(InvalidParameterError, match="level 'village'"):
        atlas.units_on("2020-01-01", "village")


def test_an_old_or_unknown_province_is_refused_with_the_fix(sources):
    with pytest.raises(InvalidParameterError, match="part of province 98 since; build --province 98"):
        build("99", sources)
    with pytest.raises(InvalidParameterError, match="unknown province code '42'"):
        build("42", sources)


def test_broken_geometry_names_file_and_feature(sources):
    write_polygons(sources / "polygons.gpkg", broken="9900102")
    with pytest.raises(SourceError, match=r"polygons\.gpkg, row 2: invalid geometry \(Self-intersection"):
        build("98", sources)


def test_missing_code_names_file_and_row(sources):
    frame = pd.read_csv(sources / "before.csv", dtype=str, keep_default_na=False)
    frame.loc[1, "code"] = ""
    frame.to_csv(sources / "before.csv", index=False)
    with pytest.raises(SourceError, match=r"before\.csv, row 2, column 'code': unit has a name but no code"):
        build("98", sources)


def test_code_without_leading_zero_is_refused(sources):
    text = (sources / "changes.csv").read_text(encoding="utf-8").replace(",90002,", ",9000X,")
    (sources / "changes.csv").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"changes\.csv, row 2, column 'code'.*9000X"):
        build("98", sources)


def test_the_one_unit_left_in_a_district_takes_its_unpaired_polygon_and_is_reported(sources):
    text = (sources / "changes.csv").read_text(encoding="utf-8")
    (sources / "changes.csv").write_text(text.replace("Xã Bê,99", "Xã Bờ Xa Lạ,99"), encoding="utf-8")
    result = build("98", sources)
    assert result.info["polygons_matched_by_elimination"] == [
        {"rows": [2], "names": ["Xã Bê"], "code": "90002", "listed": "Xã Bờ Xa Lạ"}
    ]
    assert next(v for v in result.versions if v.code == "90002").parts == {"90002"}


def test_polygons_no_unit_can_be_paired_with_are_held_jointly_never_assigned(sources, tmp_path):
    frame = pd.read_csv(sources / "before.csv", dtype=str, keep_default_na=False)
    frame.loc[frame["code"] == "90004", "name"] = "Xã Núi Cao"
    frame.loc[frame["code"] == "90001", "alias_keys"] = '["xaboxala"]'
    frame.to_csv(sources / "before.csv", index=False)
    text = (sources / "changes.csv").read_text(encoding="utf-8")
    text = text.replace("Xã Bê,99", "Xã Bờ Xa Lạ,99").replace("Xã Đê -> Xã Dê", "Xã Núi -> Xã Núi Cao")
    (sources / "changes.csv").write_text(text, encoding="utf-8")
    path, result = build_to("98", sources, tmp_path / "out")
    atlas = Atlas.load(path)
    before = atlas.units_on("2015-01-01").set_index("code")
    assert before.loc[["90002", "90004"], "quality"].tolist() == ["unknown", "unknown"]
    assert before.loc[["90001", "90003"], "quality"].tolist() == ["exact", "exact"]
    district = atlas.units_on("2015-01-01", "district")["area_km2"].iloc[0]
    assert district == pytest.approx(atlas.parts["area_km2"].sum(), rel=1e-4)  # the land stays in its district
    after = atlas.units_on("2025-07-01").set_index("code")
    assert after.loc[["90001", "90004"], "quality"].tolist() == ["approximate", "approximate"]
    assert all("estimate" in n for n in after["note"])
    assert after["area_km2"].sum() == pytest.approx(district, rel=1e-4)


def test_missing_column_lists_what_the_file_has(sources):
    frame = pd.read_csv(sources / "after.csv", dtype=str)
    frame.drop(columns=["area_km2"]).to_csv(sources / "after.csv", index=False)
    with pytest.raises(SourceError, match=r"missing column\(s\) \['area_km2'\]"):
        build("98", sources)


def test_bad_supplement_date_names_row_and_column(sources):
    (sources / "supplement_events.csv").write_text(
        "date,province_code,level,kind,predecessors,successors,area_km2,legal_act,note,source\n"
        "2025-13-01,98,district,partial_transfer,901,901,1,,x,y\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"row 1, column 'date': '2025-13-01' is not an ISO date"):
        build("98", sources)


def test_missing_file_is_named(sources):
    (sources / "after.csv").unlink()
    with pytest.raises(SourceError, match=r"after\.csv: file not found"):
        build("98", sources)


def test_an_unresolvable_merge_is_recorded_not_guessed(sources, tmp_path):
    frame = pd.read_csv(sources / "before.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "alias_keys"] = ""
    frame.to_csv(sources / "before.csv", index=False)
    path, result = build_to("98", sources, tmp_path / "out")
    assert [(i.code, "absorbing unit unresolved" in i.problem) for i in result.issues] == [("90002", True)]
    atlas = Atlas.load(path)
    event = atlas.events[atlas.events["predecessors"] == "90002@2010-05-01"].iloc[0]
    assert event["kind"] == "abolition" and "unresolved" in event["note"]


ANNEXED = "98,9900199,Huyện Một,Khu huấn luyện Thử,2025-07-01,commune,90004,4/NQ-UBTVQH15,Nghị quyết 4 (test),"


def test_land_in_no_commune_stays_in_its_district_until_a_commune_takes_it_in(sources, tmp_path):
    add_training_area(sources, [ANNEXED])
    path, _ = build_to("98", sources, tmp_path / "out")
    atlas = Atlas.load(path)
    square = atlas.units_on("2019-12-31").set_index("code")["area_km2"]
    district = atlas.units_on("2019-12-31", "district")["area_km2"].iloc[0]
    training = atlas.parts.set_index("name_2013").loc["Khu huấn luyện Thử"]
    assert not training["is_admin_unit"] and training["area_km2"] == pytest.approx(square["90004"], rel=0.01)
    assert district == pytest.approx(square.sum() + training["area_km2"], abs=1e-3)
    new = atlas.unit("90004", on="2025-07-01")
    assert new["area_km2"] == pytest.approx(square["90004"] + training["area_km2"], abs=1e-3)
    event = atlas.events[atlas.events["successors"] == new["uid"]].iloc[0]
    assert "Khu huấn luyện Thử" in event["note"] and "Nghị quyết 4 (test)" in event["note"]
    checks = {c.name: c for c in run_checks(path, sources)}
    assert checks["area is conserved through every event"].passed
    assert checks["layers nest exactly on every date"].passed
    assert checks["layers nest exactly on every date"].details["km2_in_no_commune"]["2020-01-01"] > 0
    cw = atlas.crosswalk("2025-07-01", "2019-12-31")
    assert cw.groupby("uid_a")["share_of_a"].sum().round(5).eq(1).all()
    assert cw[cw["code_b"] == ""]["name_b"].tolist() == ["Khu huấn luyện Thử"]


def test_land_in_no_commune_without_a_row_stays_out_of_every_commune(sources, tmp_path):
    add_training_area(sources, [])
    path, _ = build_to("98", sources, tmp_path / "out")
    atlas = Atlas.load(path)
    province = atlas.units_on("2025-07-01", "province")["area_km2"].iloc[0]
    communes = atlas.units_on("2025-07-01")["area_km2"].sum()
    training = atlas.parts.set_index("name_2013").loc["Khu huấn luyện Thử", "area_km2"]
    assert province == pytest.approx(communes + training, abs=1e-3)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (ANNEXED.replace(",90004,", ",90009,"), r"row 1.*goes into commune 90009, absent on 2025-07-01"),
        (ANNEXED.replace("9900199", "9900198"), r"row 1.*no non-administrative polygon with id 9900198"),
        (ANNEXED.replace("Khu huấn luyện", "Trại"), r"row 1.*is 'Khu huấn luyện Thử' in 'Huyện Một', not 'Trại Thử'"),
        (ANNEXED.replace(",Nghị quyết 4 (test),", ",,"), r"row 1, column 'source': every assignment must name"),
    ],
)
def test_a_bad_assignment_names_file_and_row(sources, row, message):
    add_training_area(sources, [row])
    with pytest.raises(SourceError, match=message):
        build("98", sources)


def test_a_commune_can_take_in_the_land_before_the_reform(sources, tmp_path):
    add_training_area(sources, [ANNEXED.replace("2025-07-01,commune,90004", "2015-01-01,commune,90004")])
    path, _ = build_to("98", sources, tmp_path / "out")
    atlas = Atlas.load(path)
    before, after = atlas.unit("90004", on="2014-12-31"), atlas.unit("90004", on="2015-01-01")
    assert after["valid_from"] == date(2015, 1, 1) and after["area_km2"] > 1.9 * before["area_km2"]
    event = atlas.events[atlas.events["successors"] == after["uid"]].iloc[0]
    assert event["kind"] == "partial_transfer" and event["legal_act"] == "4/NQ-UBTVQH15"
    structural = [c for c in run_checks(path, sources) if not c.name.startswith("areas against")]
    assert all(c.passed for c in structural)  # the made-up official areas do not count the land
