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
