"""The planning endpoints over the embedded data: JSON, CSV/XLSX downloads, dossier, lists, reform, bad input."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

URL = "/api/planning/difficult-communes"


def test_difficult_communes_json(client):
    r = client.get(URL, params={"date": "2025-06-30", "sort": "gap"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["list"]["id"] == "861/QĐ-TTg+698/QĐ-TTg" and body["list"]["in_force"]
    assert body["targets"][0]["id"] == "dbkk-villages-60pct-2025" and body["targets"][0]["target"] == 0.6
    assert body["count"] == len(body["rows"]) == 14
    top = body["rows"][0]
    assert top["gap"] == 4 and top["criteria_missing_vi"] and top["source"] == "illustrative"
    assert body["totals"]["gap_overall"] == 10 and body["reorganised"] == []


def test_list_versions_change_by_date(client):
    def codes(day):
        return {row["code"] for row in client.get(URL, params={"date": day}).json()["rows"]}

    assert "07531" in codes("2023-12-31") and "07531" not in codes("2025-06-30")


def test_filters_and_sorts_through_http(client):
    params = [("date", "2025-06-30"), ("district", "son dong"), ("status", "chua_dat"), ("missing", "Quy hoạch"),
              ("below_target", "true"), ("min_gap", "1"), ("sort", "share"), ("reverse", "true")]  # fmt: skip
    body = client.get(URL, params=params).json()
    assert [r["code"] for r in body["rows"]] == ["07624"]
    assert body["filters"] == {"district": "220", "status": ["chua_dat"], "missing": [1], "below_target": True,
                               "min_gap": 1}  # fmt: skip
    two = client.get(URL, params=[("date", "2025-06-30"), ("missing", "1"), ("missing", "2")]).json()
    assert {r["code"] for r in two["rows"]} == {"07591", "07621"}
    names = [r["name"] for r in client.get(URL, params={"date": "2025-06-30", "sort": "name"}).json()["rows"]]
    assert names.index("Xã Kim Sơn") > names.index("Xã Đồng Cốc") > names.index("Xã Đèo Gia")
    assert "Thị trấn Biển Động" in names[-3:]  # a town is listed after the communes, not ranked


def test_csv_download(client):
    r = client.get(URL, params={"date": "2025-06-30", "format": "csv", "sort": "gap"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="xa-dbkk-2025-06-30.csv"'
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT / Rank", "Mã xã / Commune code", "Tên xã / Commune"] and len(rows) == 15
    assert rows[1][19] == "4"


def test_xlsx_download(client):
    r = client.get(URL, params={"date": "2024-12-31", "format": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    assert r.headers["content-disposition"] == 'attachment; filename="xa-dbkk-2024-12-31.xlsx"'
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][1] == "Mã xã / Commune code" and len(rows) == 15


def test_geojson_for_the_map(client):
    r = client.get(URL, params={"date": "2025-06-30", "format": "geojson"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    features = r.json()["features"]
    assert len(features) == 14 and all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    assert {"code", "status", "gap", "dbkk_share", "criteria_missing_vi"} <= set(features[0]["properties"])


def test_after_the_reform_the_list_points_to_new_communes(client):
    body = client.get(URL, params={"date": "2025-08-01"}).json()
    assert len(body["reorganised"]) == 14 and body["totals"]["communes"] == 14 and body["totals"]["dbkk_villages"] > 0
    assert all(r["as_of"] == "2025-06-30" and r["now_in"] for r in body["rows"])
    assert any("no longer existed on 2025-08-01" in n["en"] for n in body["notes"])


def test_hostile_names_are_neutralised_in_downloads(tmp_path):
    with TestClient(create_app(Settings(store=tmp_path / "s.sqlite"))) as c:
        c.app.state.atlas.units.loc["07624@2010-09-28", "name"] = '=HYPERLINK("http://x.example")'
        c.app.state.atlas.units.loc["07621@2010-09-28", "name"] = "+1<script>alert(1)</script>"
        body = c.get(URL, params={"date": "2025-06-30", "format": "csv"}).content.decode("utf-8-sig")
        rows = {row[1]: row for row in csv.reader(io.StringIO(body))}
        assert rows["07624"][2] == '\'=HYPERLINK("http://x.example")'
        assert rows["07621"][2] == "'+1<script>alert(1)</script>"
        book = openpyxl.load_workbook(io.BytesIO(c.get(URL, params={"date": "2025-06-30", "format": "xlsx"}).content))
        cells = {row[1].value: row[2] for row in book.worksheets[0].iter_rows()}
        assert cells["07624"].value.startswith("'=") and cells["07624"].data_type != "f"
        as_json = c.get(URL, params={"date": "2025-06-30"})
        assert as_json.headers["content-type"] == "application/json"  # data, never HTML
        assert "+1<script>alert(1)</script>" in {r["name"] for r in as_json.json()["rows"]}


def test_dossier(client):
    r = client.get("/api/planning/communes/07624", params={"date": "2025-06-30"})
    assert r.status_code == 200
    d = r.json()
    assert d["unit"]["name"] == "Xã Hữu Sản" and d["progress"]["gap"] == 4
    assert d["lineage"]["became"][0]["to_name"] == "Xã Vân Sơn"
    assert client.get("/api/planning/communes/07615", params={"date": "2025-12-31"}).json()["status"]["status"] == (
        "cho_ra_soat"
    )


def test_lists(client):
    lists = client.get("/api/planning/lists").json()
    assert [(v["id"], v["valid_from"], v["valid_to"]) for v in lists if v["kind"] == "commune"] == [
        ("861/QĐ-TTg", "2021-06-04", "2024-06-30"),
        ("861/QĐ-TTg+698/QĐ-TTg", "2024-07-01", "2025-12-31"),
    ]
    villages = client.get("/api/planning/lists", params={"kind": "village"}).json()
    assert {v["kind"] for v in villages} == {"village"} and villages[0]["legal_act"] == "612/QĐ-UBDT"


def test_reform_both_ways(client):
    new = client.get("/api/planning/reform/07573").json()
    assert new["direction"] == "new" and {c["code"] for c in new["constituents"]} == {"07564", "07573", "07597"}
    assert new["totals"]["gap"] == 5
    old = client.get("/api/planning/reform/07564", params={"date": "2024-01-01"}).json()
    assert old["direction"] == "old" and old["now_part_of"][0]["name"] == "Xã Biển Động"
    assert old["now_part_of"][0]["share_of_old"] == 1.0


@pytest.mark.parametrize(
    ("url", "params", "status", "says"),
    [
        (URL, {"date": "2025-06-30", "list": "999/QĐ-TTg"}, 422, "861/QĐ-TTg (act 861/QĐ-TTg, 2021-06-04"),
        (URL, {"date": "2019-06-30"}, 422, "no list of especially difficult communes was in force"),
        (URL, {"date": "2025-06-30", "sort": "best"}, 422, "'closest', 'gap', 'share' or 'name'"),
        (URL, {"date": "2025-06-30", "status": "good"}, 422, "'chua_dat'"),
        (URL, {"date": "2025-06-30", "missing": "Bầu trời"}, 422, "10 Thu nhập (Income)"),
        (URL, {"date": "2025-06-30", "missing": "42"}, 422, "not in set xa-ntm-2021-2025"),
        (URL, {"date": "2025-06-30", "district": "Hà Nội"}, 422, "220 Huyện Sơn Động"),
        (URL, {"date": "2025-06-30", "target": "nope"}, 422, "dbkk-villages-60pct-2025"),
        (URL, {"date": "2025-06-30", "min_gap": "-3"}, 422, "greater than or equal to 0"),
        (URL, {"date": "2025-06-30", "below_target": "maybe"}, 422, "valid boolean"),
        (URL, {"date": "2025-06-30", "format": "pdf"}, 422, "'json', 'csv', 'xlsx' or 'geojson'"),
        (URL, {"date": "30/06/2025"}, 422, "write it as YYYY-MM-DD"),
        (URL, {"date": "2099-01-01"}, 422, "in the future"),
        ("/api/planning/communes/99999", {}, 404, "no unit has code '99999'"),
        ("/api/planning/communes/7624", {}, 422, "pattern"),
        ("/api/planning/communes/07222", {"date": "2026-01-01"}, 404, "did not exist on 2026-01-01"),
        ("/api/planning/communes/07624", {"date": "1999-01-01"}, 422, "begins on 2010-09-28"),
        ("/api/planning/lists", {"kind": "hamlet"}, 422, "'commune' or 'village'"),
        ("/api/planning/reform/abcde", {}, 422, "pattern"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, url, params, status, says):
    r = client.get(url, params=params)
    assert r.status_code == status
    assert says in str(r.json()["detail"])
