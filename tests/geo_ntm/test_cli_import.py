"""`geo-ntm import FILE`: 0 when imported, 1 when the report has errors (nothing written), 2 for usage errors."""

from __future__ import annotations

import csv
import json

import openpyxl

from geo_ntm.cli import main, parser
from geo_ntm.paths import ROOT
from geo_ntm.status.store import SqliteStore

ROWS = [
    ["STT", "Mã xã", "Tên xã", "Mức đạt", "Số QĐ", "Ngày ký", "Năm công nhận"],
    ["1", "7651", "Xa Yen Dinh", "Đạt chuẩn NTM", "101/QĐ-UBND", "15/03/2023", "2023"],
    ["2", "07663", "Xã Tuấn Đạo", "Đạt chuẩn NTM", "102/QĐ-UBND", "15/03/2023", "2023"],
]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_clean_file_is_imported_with_exit_0(tmp_path, capsys):
    store = tmp_path / "var" / "geo-ntm.sqlite"
    path = write_csv(tmp_path / "qd.csv", ROWS)
    args = ["import", str(path), "--source", "official", "--citation", "Công báo Bắc Giang", "--store", str(store)]
    assert main([*args, "--actor", "cán bộ VPĐP"]) == 0
    out = capsys.readouterr().out
    assert "wrote 2 records" in out and "leading zero restored" in out
    stored = SqliteStore(store).decisions()
    assert [(d.unit_code, d.citation, d.recorded_by) for d in stored] == [
        ("07651", "Công báo Bắc Giang", "cán bộ VPĐP"),
        ("07663", "Công báo Bắc Giang", "cán bộ VPĐP"),
    ]
    assert main(args) == 1  # the same file again: duplicates of what is stored
    assert "already in the store" in capsys.readouterr().out


def test_a_report_with_errors_exits_1_and_writes_nothing(tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    bad = [*ROWS, ["3", "", "Xã Phúc Sơn", "Đạt chuẩn NTM", "103/QĐ-UBND", "15/03/2023", "2023"]]
    path = write_csv(tmp_path / "qd.csv", bad)
    assert main(["import", str(path), "--source", "illustrative", "--store", str(store), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["rows_read"] == 3 and report["rows_ok"] == 2
    [error] = report["errors"]
    assert error["row"] == 4 and error["column"] == "Tên xã [C]"
    assert sorted(c["code"] for c in error["candidates"]) == ["07318", "07630"]
    assert SqliteStore(store).decisions() == []


def test_a_dry_run_writes_nothing_and_creates_no_store(tmp_path, capsys):
    store = tmp_path / "none" / "s.sqlite"
    path = write_csv(tmp_path / "qd.csv", ROWS)
    assert main(["import", str(path), "--source", "illustrative", "--store", str(store), "--dry-run"]) == 0
    assert "2 records would be written" in capsys.readouterr().out
    assert not store.exists() and not store.parent.exists()


def test_columns_mapped_on_the_command_line(tmp_path, capsys):
    rows = [["Đơn vị", "Danh hiệu đạt", "Thời điểm"], ["Xã Yên Định", "NTM", "2023"]]
    path = write_csv(tmp_path / "m.csv", rows)
    store = tmp_path / "s.sqlite"
    args = ["import", str(path), "--source", "illustrative", "--store", str(store)]
    assert main([*args, "--map", "Danh hiệu đạt=level", "--map", "Thời điểm=signed"]) == 0
    [d] = SqliteStore(store).decisions()
    assert (d.unit_code, d.signed_precision, d.signed.isoformat(), d.year_label) == (
        "07651",
        "year",
        "2023-12-31",
        2023,
    )


def test_usage_errors_exit_2_with_one_line(tmp_path, capsys):
    path = write_csv(tmp_path / "qd.csv", ROWS)
    store = tmp_path / "s.sqlite"
    cases = [
        (["import", str(path), "--store", str(store)], "no source column and no default"),
        (["import", str(path), "--source", "official", "--store", str(store)], "needs a citation"),
        (["import", str(tmp_path / "missing.csv"), "--source", "illustrative"], "no such file"),
        (["import", str(path), "--source", "illustrative", "--map", "Mã xã"], "is not NAME=VALUE"),
        (["import", str(path), "--source", "illustrative", "--map", "Mã xã=ma_xa"], "'ma_xa' is not a field"),
        (["import", str(path), "--source", "illustrative", "--sheet", "2"], "has no sheets"),
        (["import", str(path), "--source", "illustrative", "--max-mb", "0.0001"], "limit of"),
    ]
    for argv, words in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("geo-ntm: error:") and words in err and err.count("\n") == 1, err
    assert not store.exists()


def test_a_wrong_sheet_lists_the_sheets(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.title = "Tổng hợp"
    ws = wb.create_sheet("Xã")
    for row in ROWS:
        ws.append(row)
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    store = tmp_path / "s.sqlite"
    assert main(["import", str(path), "--source", "illustrative", "--store", str(store), "--sheet", "Huyện"]) == 2
    assert "1: 'Tổng hợp', 2: 'Xã'" in capsys.readouterr().err
    assert main(["import", str(path), "--source", "illustrative", "--store", str(store), "--sheet", "2"]) == 0
    assert main(["import", str(path), "--source", "illustrative", "--store", str(store), "--dry-run"]) == 1


def test_the_default_store_is_under_var_in_the_repository():
    args = parser().parse_args(["import", "x.csv"])
    assert args.store == str(ROOT / "var" / "geo-ntm.sqlite") and args.level_of_unit is None


def test_a_json_mapping_file_with_defaults(tmp_path, capsys):
    rows = [["Đơn vị", "Danh hiệu đạt", "Thời điểm"], ["Xã Yên Định", "NTM nâng cao", "01/06/2023"]]
    path = write_csv(tmp_path / "m.csv", rows)
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps({"columns": {"Danh hiệu đạt": "level", "Thời điểm": "signed"},
                    "defaults": {"source": "official", "citation": "QĐ minh họa"}}, ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    store = tmp_path / "s.sqlite"
    assert main(["import", str(path), "--mapping", str(mapping), "--store", str(store), "--json"]) == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]  # advanced needs NTM first
    assert error["row"] == 2 and error["column"] == "Danh hiệu đạt [B]" and "skips a level" in error["problem"]
    assert not SqliteStore(store).decisions()
