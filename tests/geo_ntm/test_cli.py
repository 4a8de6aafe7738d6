"""The geo-ntm command line: answers, and errors as one line with status 2."""

from __future__ import annotations

from geo_ntm.cli import main


def test_units_on_a_date_as_csv(capsys):
    assert main(["boundaries", "units", "--date", "2024-12-31", "--level", "district"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("code,name,type") and len(lines) == 19


def test_lineage_is_printed_with_acts(capsys):
    assert main(["boundaries", "lineage", "07288", "--date", "2021-01-01"]) == 0
    out = capsys.readouterr().out
    assert "Thị trấn Cầu Gồ" in out and "813/NQ-UBTVQH14" in out


def test_an_old_province_code_says_which_to_build(capsys, tmp_path):
    assert main(["boundaries", "build", "--province", "27", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geo-ntm: error: province 27 (Tỉnh Bắc Ninh) ended") and "--province 24" in err
    assert not list(tmp_path.iterdir())


def test_a_date_before_the_history_is_one_clear_line(capsys):
    assert main(["boundaries", "units", "--date", "2001-01-01"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "begins on 2010-09-28" in err


def test_import_without_a_crs_says_how_to_name_it(capsys, tmp_path):
    import geopandas as gpd
    import shapely

    shp = tmp_path / "xa.shp"
    gdf = gpd.GeoDataFrame(
        {"MA_XA": ["07201"], "TEN_XA": ["Phường Thọ Xương"]}, geometry=[shapely.box(430000, 2350000, 432000, 2352000)]
    )
    gdf.to_file(shp)  # no CRS: no .prj is written
    out = tmp_path / "out.gpkg"
    code = main(
        [
            "boundaries",
            "import",
            str(shp),
            "--code-field",
            "MA_XA",
            "--name-field",
            "TEN_XA",
            "--valid-on",
            "2025-07-01",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--crs" in err and not out.exists()
    code = main(
        [
            "boundaries",
            "import",
            str(shp),
            "--code-field",
            "MA_XA",
            "--name-field",
            "TEN_XA",
            "--valid-on",
            "2025-07-01",
            "--province",
            "24",
            "--out",
            str(out),
        ]
    )
    assert code == 0 and out.exists()
