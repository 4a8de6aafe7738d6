"""Reviewing merged communes through the API: steps, a recognition with its decision, board, map, audit."""

from __future__ import annotations

from datetime import date

import pytest

from .editing import app_client

TODAY = date.today().isoformat()


@pytest.fixture(scope="module")
def app(tmp_path_factory, module_store_location):
    """The demo data on each store backend in turn (SQLite, then PostgreSQL)."""
    with app_client(tmp_path_factory.mktemp("reviews"), module_store_location) as found:
        yield found


def _board_row(client, code):
    rows = client.get("/api/review-board").json()["rows"]
    return next(r for r in rows if r["code"] == code)


def _map_row(client, code):
    features = client.get("/api/layers/communes.geojson", params={"date": TODAY}).json()["features"]
    return next(f["properties"] for f in features if f["properties"]["code"] == code)


def _not_started(client):
    """A commune of the embedded data whose review has not started, with all its constituents NTM."""
    rows = client.get("/api/review-board", params={"state": "not_started", "past": "all_ntm"}).json()["rows"]
    assert rows, "the embedded data should hold an unreviewed commune"
    return rows[0]


def test_a_recognition_through_the_api_moves_the_unit_on_the_map_and_board_and_is_audited(app):
    client, tok, _ = app
    row = _not_started(client)
    code, name = row["code"], row["name"]
    assert _map_row(client, code)["status"] == "cho_ra_soat" and _map_row(client, code)["review_state"] == "not_started"
    step = {"unit_code": code, "state": "self_assessed", "reviewed_on": "2026-03-02", "source": "illustrative",
            "document_no": "T-1/BC-UBND", "document": "Báo cáo tự đánh giá"}  # fmt: skip
    r = client.post("/api/reviews", json=step, headers={**tok["editor"], "Idempotency-Key": "rv-1"})
    assert r.status_code == 201, r.text
    assert r.json()["unit_name"] == name and r.headers["ETag"] == r.json()["etag"]
    again = client.post("/api/reviews", json=step, headers={**tok["editor"], "Idempotency-Key": "rv-1"})
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json()["id"] == r.json()["id"]
    assert _board_row(client, code)["review_state"] == "self_assessed"
    assert _map_row(client, code)["review_state"] == "self_assessed"

    recognised = {"unit_code": code, "state": "recognised", "reviewed_on": "2026-06-15", "source": "official",
                  "document_no": "T-99/QĐ-UBND", "authority": "Chủ tịch UBND tỉnh Bắc Ninh",
                  "citation": "QĐ T-99/QĐ-UBND ngày 15/06/2026 (test)", "criteria_set": "xa-ntm-2026-2030",
                  "criteria_met": list(range(1, 11)), "level": "dat_chuan"}  # fmt: skip
    r = client.post("/api/reviews", json=recognised, headers=tok["editor"])
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["state"] == "recognised" and made["decision"]["location"] == f"/api/decisions/{made['decision_id']}"
    decision = client.get(made["decision"]["location"]).json()
    assert (decision["unit_code"], decision["level"], decision["decision_no"]) == (code, "dat_chuan", "T-99/QĐ-UBND")

    on_map = _map_row(client, code)
    assert (on_map["status"], on_map["review_state"], on_map["decision_no"]) == (
        "dat_chuan",
        "recognised",
        "T-99/QĐ-UBND",
    )
    assert on_map["progress_met"] == list(range(1, 11))
    on_board = _board_row(client, code)
    assert on_board["review_state"] == "recognised" and on_board["status"] == "dat_chuan"
    recognised_only = client.get("/api/review-board", params={"state": "recognised"}).json()["rows"]
    assert code in {x["code"] for x in recognised_only}
    page = client.get("/planning/reviews", params={"state": "recognised", "lang": "en"}).text
    assert name in page and "T-99/QĐ-UBND" in page
    assert name not in client.get("/planning/reviews", params={"state": "not_started", "lang": "en"}).text
    dossier = client.get(f"/planning/communes/{code}", params={"lang": "en"}).text
    for words in ("Review after the merger", "Recognised", "Commune group", "Science, technology and digital "
                  "transformation", "The former communes before the merger", "T-1/BC-UBND"):  # fmt: skip
        assert words in dossier, words

    audit = client.get("/api/audit", params={"table": "reviews"}, headers=tok["admin"]).json()
    assert {e["record_id"] for e in audit["items"]} >= {str(made["id"])}
    added = client.get("/api/audit", params={"table": "decisions"}, headers=tok["admin"]).json()["items"]
    assert str(made["decision_id"]) in {e["record_id"] for e in added} and audit["chain"]["ok"]

    # After a recognition a further step is refused; the step itself can be corrected with If-Match.
    late = client.post("/api/reviews", json={**step, "reviewed_on": "2026-07-01"}, headers=tok["editor"])
    assert late.status_code == 422 and "was recognised on 2026-06-15" in late.json()["detail"]
    fix = {**recognised, "document": "Quyết định công nhận (sửa trích yếu)"}
    stale = client.post(f"/api/reviews/{made['id']}/corrections", json=fix,
                        headers={**tok["editor"], "If-Match": '"v1.1"'})  # fmt: skip
    assert stale.status_code == 412
    ok = client.post(f"/api/reviews/{made['id']}/corrections", json=fix,
                     headers={**tok["editor"], "If-Match": made["etag"]})  # fmt: skip
    assert ok.status_code == 201 and ok.json()["decision_id"] == made["decision_id"] and "decision" not in ok.json()
    listed = client.get("/api/reviews", params={"unit": code}).json()["items"]
    assert [x["state"] for x in listed] == ["self_assessed", "recognised"] and listed[-1]["id"] == ok.json()["id"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"unit_code": "07222", "reviewed_on": "2024-03-01"}, "unit_code", "not formed by a merger"),
        ({"reviewed_on": "2999-01-01"}, "reviewed_on", "after today"),
        ({"state": "verified", "level": "dat_chuan"}, "level", "only for a recognised step"),
        ({"source": "official"}, "citation", "needs a citation"),
        ({"unit_code": "7246"}, "unit_code", "5 digits"),
        ({"state": "done"}, "state", "self_assessed"),
    ],
)
def test_bad_steps_get_a_422_naming_the_field(app, body, field, words):
    client, tok, _ = app
    step = {"unit_code": "07246", "state": "self_assessed", "reviewed_on": "2026-03-01", "source": "illustrative"}
    r = client.post("/api/reviews", json={**step, **body}, headers=tok["editor"])
    assert r.status_code == 422 and field in r.text and words in r.text, r.text


def test_writes_need_an_editor_and_reads_are_public(app):
    client, tok, _ = app
    step = {"unit_code": "07246", "state": "self_assessed", "reviewed_on": "2026-03-01", "source": "illustrative"}
    assert client.post("/api/reviews", json=step).status_code == 401
    assert client.post("/api/reviews", json=step, headers=tok["reader"]).status_code == 403
    assert client.get("/api/reviews").status_code == 200 and client.get("/api/reviews/999999").status_code == 404


def test_board_downloads_and_filters(app):
    client, _, _ = app
    csv = client.get("/api/review-board", params={"format": "csv"})
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert "Còn phải đạt" in csv.content.decode("utf-8-sig")
    xlsx = client.get("/api/review-board", params={"format": "xlsx", "group": 3})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/api/review-board", params={"state": "done"}).status_code == 422
    body = client.get("/api/review-board", params={"date": "2025-12-31"}).json()
    assert body["criteria_set"] is None and body["counts"]["by_state"]["not_started"] == body["counts"]["units"]


REVIEW_SHEET = (
    "Mã xã,Tên xã,Bước,Ngày,Số văn bản,Trích yếu,Nguồn,Trích dẫn\n"
    "07615,Xa Son Dong,Tự đánh giá,02/02/2026,1/BC-UBND,Báo cáo tự đánh giá,minh họa,\n"
    "07615,Xã Sơn Động,Thẩm định,2026-03-02,2/BB,Biên bản thẩm định,minh họa,\n"
    "07615,Xã Sơn Động,Công nhận,2026-04-02,3/QĐ-UBND,Quyết định công nhận,chính thức,QĐ 3/QĐ-UBND 02/04/2026 (test)\n"
)


def test_review_steps_import_from_a_sheet_with_a_dry_run_first(tmp_path, store_location):
    with app_client(tmp_path, store_location, demo=False) as (client, tok, path):
        params = {"records": "reviews", "filename": "ra-soat.csv"}
        bad = client.post("/api/imports", params=params, headers={"Content-Type": "text/csv", **tok["editor"]},
                          content=REVIEW_SHEET.replace("2026-03-02", "2026-01-02").encode())  # fmt: skip
        report = bad.json()["report"]
        assert bad.status_code == 201 and not bad.json()["ready"]
        assert report["errors"][0]["row"] == 3 and "date order" in report["errors"][0]["problem"]
        r = client.post("/api/imports", params=params, content=REVIEW_SHEET.encode(),
                        headers={"Content-Type": "text/csv", **tok["editor"]})  # fmt: skip
        body = r.json()
        assert body["ready"] and body["report"]["would_write"] == 4  # three steps and the recognition decision
        assert client.get("/api/reviews", params={"unit": "07615"}).json()["total"] == 0
        done = client.post(body["confirm"], headers=tok["editor"])
        assert done.status_code == 200 and done.json()["written"] == 4
        steps = client.get("/api/reviews", params={"unit": "07615"}).json()["items"]
        assert [s["state"] for s in steps] == ["self_assessed", "verified", "recognised"]
        assert steps[-1]["decision_id"] and steps[0]["unit_name"] == "Xã Sơn Động"
        row = _map_row(client, "07615")
        assert (row["status"], row["review_state"], row["decision_no"]) == ("dat_chuan", "recognised", "3/QĐ-UBND")


def test_the_criteria_api_names_the_2026_2030_criteria_and_groups_and_says_thresholds_are_unknown(app):
    client, _, _ = app
    sets = {s["id"]: s for s in client.get("/api/criteria").json()}
    new = sets["xa-ntm-2026-2030"]
    assert [c["vi"] for c in new["criteria"]][:2] == ["Quy hoạch", "Hạ tầng kinh tế - xã hội"]
    assert [g["number"] for g in new["groups"]] == [1, 2, 3] and new["indicators"] == 47
    assert new["in_force"] == "2026-02-15" and "not in our sources" in new["thresholds_note"]["en"]
    assert sets["xa-ntm-hien-dai-2026-2030"]["levels"] == ["hien_dai"]
    assert sets["tinh-ntm-2026-2030"]["unit_level"] == "province"
