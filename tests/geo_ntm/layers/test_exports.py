from __future__ import annotations

import csv
import io
from datetime import date, datetime

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from geo_ntm.errors import InvalidParameterError
from geo_ntm.layers.exports import csv_bytes, gpkg_bytes, neutralised, xlsx_bytes

COLUMNS = ["code", "name", "status", "villages", "share", "valid_from", "tags", "flag"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+84 912", "'+84 912"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("Xã An", "Xã An"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralised(text, expected):
    assert neutralised(text) == expected


def test_csv(squares):
    data = csv_bytes(squares, COLUMNS)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    # yes/no (the last column) is 1 or 0, as the query parameters write it, not Python's True
    assert rows[1] == ["90001", "Xã An", "dat_chuan", "7", "0.5", "2020-01-01", '["a","b"]', "1"]
    assert rows[2][1] == "<script>alert(1)</script>"  # data, kept as it is
    assert rows[2][4] == "" and rows[2][6] == '{"k":1}'
    assert rows[3][1] == '\'=HYPERLINK("http://x.example","bấm")'  # neutralised
    assert rows[3][2:6] == ["", "-3", "-1.25", ""]  # negative numbers stay numbers
    assert data.count(b"\r\n") == 5


def test_csv_headers_from_a_mapping_and_no_bom(squares):
    data = csv_bytes(squares, {"code": "Mã", "name": "Tên", "share": "=share"}, bom=False)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["Mã", "Tên", "'=share"]
    assert pd.read_csv(io.BytesIO(data), dtype={"Mã": str})["Mã"].tolist() == ["90001", "90002", "90003", "90004"]


def test_csv_of_the_communes(communes):
    data = csv_bytes(communes, ["code", "name", "area_km2", "status"])
    back = pd.read_csv(io.BytesIO(data), dtype={"code": str}, encoding="utf-8-sig")
    assert back["code"].tolist() == communes["code"].tolist()
    assert back["name"].tolist() == communes["name"].tolist()
    assert back["area_km2"].tolist() == pytest.approx(communes["area_km2"].tolist())


def test_xlsx(squares):
    squares["when"] = [datetime(2020, 1, 1, 8, 30), pd.NaT, pd.Timestamp("2021-02-01"), None]
    squares.loc[0, "name"] = "Xã\x07 An"  # a control character XML cannot hold
    data = xlsx_bytes(squares, COLUMNS + ["when"], sheet_name="Xã 2019")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Xã 2019"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == COLUMNS + ["when"] and sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width >= 8
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0][:6] == ["90001", "Xã An", "dat_chuan", 7, 0.5, datetime(2020, 1, 1)]
    assert values[0][7] is True and values[0][6] == '["a","b"]'
    assert values[0][8] == datetime(2020, 1, 1, 8, 30)
    assert values[1][1] == "<script>alert(1)</script>" and values[1][4] is None and values[1][8] is None
    assert values[2][1] == '\'=HYPERLINK("http://x.example","bấm")'
    assert values[2][3] == -3 and values[2][4] == -1.25  # numbers stay numbers
    cells = list(sheet.iter_rows(min_row=2))
    assert cells[2][1].data_type == "s" and cells[2][3].data_type == "n"
    assert not any(c.data_type == "f" for row in cells for c in row)  # no formula anywhere


def test_xlsx_of_the_communes(communes):
    data = xlsx_bytes(communes, {"code": "Mã", "name": "Tên", "area_km2": "Diện tích (km²)"}, "communes")
    back = pd.read_excel(io.BytesIO(data), dtype={"Mã": str})
    assert back["Mã"].tolist() == communes["code"].tolist()
    assert back["Diện tích (km²)"].dtype.kind == "f"


@pytest.mark.parametrize("name", ["", "a" * 32, "a/b", "x[1]", "'quoted'", "what?"])
def test_xlsx_sheet_names_excel_refuses(squares, name):
    with pytest.raises(InvalidParameterError, match="sheet_name .* is not allowed: use 1 to 31 characters"):
        xlsx_bytes(squares, ["code"], name)


@pytest.mark.parametrize("function", [csv_bytes, xlsx_bytes])
def test_unknown_columns_are_refused(squares, function):
    with pytest.raises(InvalidParameterError, match=r"columns \['nope'\] are not columns of the table; choose from"):
        function(squares, ["code", "nope"])
    with pytest.raises(InvalidParameterError, match="not columns"):
        function(squares, ["geometry"])
    with pytest.raises(InvalidParameterError, match="not the string"):
        function(squares, "code")


def test_gpkg(squares, tmp_path):
    data = gpkg_bytes(squares, "xa_2019")
    assert data[:16] == b"SQLite format 3\x00"
    path = tmp_path / "x.gpkg"
    path.write_bytes(data)
    back = gpd.read_file(path, layer="xa_2019")
    assert back.crs.to_epsg() == 4326
    assert back["code"].tolist() == squares["code"].tolist()
    assert back["name"].tolist() == squares["name"].tolist()  # data, not neutralised
    assert back["tags"].fillna("-").tolist() == ['["a","b"]', '{"k":1}', "-", "[]"]
    assert back["valid_from"].tolist()[:2] == ["2020-01-01", "2020-01-01"]
    assert back["villages"].tolist() == [7, 12, -3, 0]
    assert shapely.equals(back.geometry.values, squares.geometry.values).all()


def test_gpkg_of_the_communes(communes, tmp_path):
    path = tmp_path / "c.gpkg"
    path.write_bytes(gpkg_bytes(communes, "communes"))
    back = gpd.read_file(path)
    assert back["code"].tolist() == communes["code"].tolist()
    assert shapely.coverage_is_valid(back.geometry.values)
    assert back["valid_from"].iloc[0] == date(2010, 9, 28).isoformat()


def test_gpkg_needs_a_layer_name(squares):
    with pytest.raises(InvalidParameterError, match="layer must be a non-empty name"):
        gpkg_bytes(squares, " ")
