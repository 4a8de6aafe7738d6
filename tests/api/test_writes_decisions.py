"""Recording decisions and revocations: checks against the boundary history, versions, idempotency."""

from __future__ import annotations

import threading

import pytest

from tests.stores import execute

from .editing import app_client, decision


@pytest.fixture(scope="module")
def app(tmp_path_factory, module_store_location):
    # An empty store: every unit starts with no record (the embedded data would fill old Bắc Ninh). Both backends.
    with app_client(tmp_path_factory.mktemp("writes"), module_store_location, demo=False) as found:
        yield found


@pytest.fixture()
def client(app):
    return app[0]


@pytest.fixture()
def tok(app):
    return app[1]


def status_of(client, code: str, day: str) -> str:
    rows = client.get("/api/status", params={"date": day}).json()
    return next(r["status"] for r in rows if r["code"] == code)


def test_a_recorded_decision_is_readable_and_shows_on_the_very_next_read(client, tok):
    assert status_of(client, "09196", "2023-06-01") == "khong_du_lieu"
    version = client.get("/api/decisions", params={"unit": "09196"}).headers["X-Data-Version"]
    r = client.post("/api/decisions", json=decision("09196", citation="QĐ T/2023"), headers=tok["editor"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["unit_name"] == "Xã Dũng Liệt" and body["uid"] == "09196@2010-02-06" and body["current"]
    assert r.headers["Location"] == f"/api/decisions/{body['id']}" and r.headers["ETag"] == body["etag"]
    assert "recorded_by" not in body
    got = client.get(r.headers["Location"])
    assert got.status_code == 200 and got.json()["decision_no"] == "T-09196-dat_chuan-2023-05-02"
    assert got.headers["ETag"] == body["etag"]
    assert client.get(r.headers["Location"], headers={"If-None-Match": body["etag"]}).status_code == 304
    assert status_of(client, "09196", "2023-06-01") == "dat_chuan"
    listed = client.get("/api/decisions", params={"unit": "09196"})
    assert int(listed.headers["X-Data-Version"]) == int(version) + 1
    assert [d["id"] for d in listed.json()["items"]] == [body["id"]]


def test_a_list_answers_304_until_the_data_changes(client, tok):
    first = client.get("/api/decisions", params={"level": "kieu_mau"})
    again = client.get("/api/decisions", params={"level": "kieu_mau"}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    client.post("/api/decisions", json=decision("09199"), headers=tok["editor"])
    later = client.get("/api/decisions", params={"level": "kieu_mau"}, headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200 and later.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"level": "dat_chuan", "signed": "2023-01-01", "source": "illustrative"}, "unit_code", "Field required"),
        (decision("7243"), "unit_code", "leading zeros"),
        (decision("07243", level="gold"), "level", "Input should be"),
        (decision("07243", signed="2023-02-30"), "signed", "date"),
        (decision("07243", source="rumour"), "source", "official"),
        (decision("07243", colour="red"), "colour", "Extra inputs"),
        (decision("07243", criteria_met=["x"]), "criteria_met", "integer"),
    ],
)
def test_malformed_bodies_get_422_naming_the_field(client, tok, body, field, words):
    r = client.post("/api/decisions", json=body, headers=tok["editor"])
    assert r.status_code == 422
    assert field in r.text and words in r.text


@pytest.mark.parametrize(
    ("body", "starts", "words"),
    [
        (decision("224", unit_level="district", signed="2023-03-01"), "unit_code", "2025-01-01…2025-06-30"),
        (decision("07222", signed="2025-08-01"), "unit_code", "did not exist on 2025-08-01"),
        (decision("99999"), "unit_code", "no unit has code '99999'"),
        (decision("07243", signed="2009-01-01"), "signed", "before 2010-09-28"),
        (decision("07243", signed="2999-01-01"), "signed", "after today"),
        (decision("07243", level="hoan_thanh"), "level", "not granted to a commune"),
        (decision("07201"), "level", "wards and towns are not in the NTM programme"),
        (decision("213", unit_level="district"), "level", "thành phố"),
        (decision("07243", unit_level="district"), "unit_level", "is a commune, not a district"),
        (decision("07243", level="nang_cao"), "level", "skips a level"),
        (decision("07246", level="kieu_mau"), "level", "holds no nang_cao"),
        (decision("07243", criteria_set="xa-ntm-2021-2025", criteria_met=[1, 2, 20]), "criteria_met", "[20]"),
        (decision("07243", criteria_met=[1, 2]), "criteria_set", "needs the criteria_set"),
        (decision("07243", criteria_set="huyen-ntm-2021-2025", criteria_met=[1]), "criteria_set", "for a district"),
        (decision("07243", source="official"), "citation", "needs a citation"),
        (decision("07243", unit_name="Xã Tam Tiến"), "unit_name", "Xã Đồng Tiến"),
        (decision("07243", year_label=2020), "year_label", "more than one year"),
    ],
)
def test_decisions_breaking_a_rule_get_422_with_the_field_and_why(client, tok, body, starts, words):
    r = client.post("/api/decisions", json=body, headers=tok["editor"])
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail.startswith(starts) and words in detail


def test_a_name_without_diacritics_is_accepted_and_the_official_name_kept(client, tok):
    r = client.post("/api/decisions", json=decision("09202", unit_name="xa tam giang"), headers=tok["editor"])
    assert r.status_code == 201 and r.json()["unit_name"] == "Xã Tam Giang"


def test_a_duplicate_is_refused_with_409_naming_the_record(client, tok):
    body = decision("07252", signed="2023-07-01")
    first = client.post("/api/decisions", json=body, headers=tok["editor"])
    again = client.post("/api/decisions", json=body, headers=tok["editor"])
    assert first.status_code == 201 and again.status_code == 409
    assert f"#{first.json()['id']}" in again.json()["detail"]


def test_an_idempotency_key_gives_the_same_answer_and_one_record(client, tok, app):
    body = decision("07264", signed="2023-08-01")
    key = {"Idempotency-Key": "7d1c0c1e-retry-1", **tok["editor"]}
    first = client.post("/api/decisions", json=body, headers=key)
    second = client.post("/api/decisions", json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second.headers["Idempotent-Replayed"] == "true"
    assert execute(app[2], "SELECT COUNT(*) FROM decisions WHERE unit_code = '07264'")[0][0] == 1
    other = client.post("/api/decisions", json={**body, "signed": "2023-08-02"}, headers=key)
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    # a key belongs to its token: another editor's same key is a new submission
    bob = client.post("/api/decisions", json=body, headers={"Idempotency-Key": "7d1c0c1e-retry-1", **tok["bob"]})
    assert bob.status_code == 409


def test_levels_written_together_count_for_the_nesting_rule_and_all_or_none(client, tok, app):
    ok = [decision("09205", "dat_chuan", "2022-01-10"), decision("09205", "nang_cao", "2023-01-10")]
    r = client.post("/api/decisions/batch", json={"decisions": ok}, headers=tok["editor"])
    assert r.status_code == 201, r.text
    assert [d["level"] for d in r.json()["decisions"]] == ["dat_chuan", "nang_cao"]
    bad = [decision("09208", "dat_chuan", "2022-01-10"), decision("99999")]
    r = client.post("/api/decisions/batch", json={"decisions": bad}, headers=tok["editor"])
    assert r.status_code == 422 and r.json()["detail"].startswith("decisions[1].unit_code")
    assert execute(app[2], "SELECT COUNT(*) FROM decisions WHERE unit_code = '09208'")[0][0] == 0


def test_a_correction_needs_if_match_and_two_editors_cannot_overwrite_each_other(client, tok):
    made = client.post("/api/decisions", json=decision("09211", signed="2023-03-03"), headers=tok["editor"]).json()
    fix = decision("09211", signed="2023-03-13")
    url = f"/api/decisions/{made['id']}/corrections"
    assert client.post(url, json=fix, headers=tok["editor"]).status_code == 428
    seen = client.get(f"/api/decisions/{made['id']}").headers["ETag"]
    alice = client.post(url, json=fix, headers={"If-Match": seen, **tok["alice"]})
    assert alice.status_code == 201 and alice.json()["supersedes"] == made["id"]
    bob = client.post(url, json={**fix, "signed": "2023-03-14"}, headers={"If-Match": seen, **tok["bob"]})
    assert bob.status_code == 412 and f"corrected meanwhile by #{alice.json()['id']}" in bob.json()["detail"]
    old = client.get(f"/api/decisions/{made['id']}").json()
    assert old["current"] is False and old["superseded_by"] == alice.json()["id"]
    listed = client.get("/api/decisions", params={"unit": "09211"}).json()["items"]
    assert [d["signed"] for d in listed] == ["2023-03-13"]
    both = client.get("/api/decisions", params={"unit": "09211", "current": "false"}).json()["items"]
    assert len(both) == 2


def test_a_change_to_the_unit_makes_an_older_etag_stale(client, tok):
    made = client.post("/api/decisions", json=decision("09229", signed="2021-03-03"), headers=tok["editor"]).json()
    seen = made["etag"]
    client.post("/api/decisions", json=decision("09229", "nang_cao", "2022-05-05"), headers=tok["bob"])
    r = client.post(f"/api/decisions/{made['id']}/corrections", json=decision("09229", signed="2021-03-04"),
                    headers={"If-Match": seen, **tok["alice"]})  # fmt: skip
    assert r.status_code == 412 and "unit 09229 changed" in r.json()["detail"]


def test_concurrent_corrections_of_one_record_let_exactly_one_through(client, tok):
    made = client.post("/api/decisions", json=decision("09217", signed="2023-03-03"), headers=tok["editor"]).json()
    url, answers = f"/api/decisions/{made['id']}/corrections", []

    def correct(who: str, day: str) -> None:
        body = decision("09217", signed=day)
        answers.append(client.post(url, json=body, headers={"If-Match": made["etag"], **tok[who]}).status_code)

    both = (("alice", "2023-03-05"), ("bob", "2023-03-06"))
    threads = [threading.Thread(target=correct, args=pair) for pair in both]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [201, 412]


def test_a_revocation_removes_the_level_and_can_be_listed(client, tok):
    client.post("/api/decisions", json=decision("09220", signed="2021-06-01"), headers=tok["editor"])
    body = {"unit_code": "09220", "level": "dat_chuan", "signed": "2024-02-01", "source": "illustrative",
            "decision_no": "TH-1", "reason": "50% tiêu chí không đạt"}  # fmt: skip
    r = client.post("/api/revocations", json=body, headers=tok["editor"])
    assert r.status_code == 201 and r.json()["warnings"] == []
    assert status_of(client, "09220", "2024-03-01") == "chua_dat"
    assert client.get("/api/revocations", params={"unit": "09220"}).json()["total"] == 1
    assert client.get(r.headers["Location"]).json()["reason"] == "50% tiêu chí không đạt"
    unheld = client.post("/api/revocations", json={**body, "unit_code": "09223"}, headers=tok["editor"])
    assert unheld.status_code == 201 and "holds no dat_chuan" in unheld.json()["warnings"][0]


def test_unknown_records_are_404(client):
    assert client.get("/api/decisions/999999").status_code == 404
    assert client.get("/api/revocations/999999").status_code == 404


def test_village_decisions_name_their_commune_and_skip_no_level(client, tok):
    ntm = decision("07243:Thôn Đồng Bài", unit_level="village", signed="2022-04-01")
    r = client.post("/api/decisions", json=ntm, headers=tok["editor"])
    assert r.status_code == 201 and r.json()["unit_name"] == "Thôn Đồng Bài"
    model = decision("07243:Thôn Đồng Bài", "kieu_mau", "2023-04-01", unit_level="village")
    assert client.post("/api/decisions", json=model, headers=tok["editor"]).status_code == 201
    other = decision("07243:Thôn Khác", "kieu_mau", "2023-04-01", unit_level="village")
    skipped = client.post("/api/decisions", json=other, headers=tok["editor"])
    assert skipped.status_code == 422 and "holds no NTM" in skipped.json()["detail"]
    bad = client.post("/api/decisions", json=decision("07243", unit_level="village"), headers=tok["editor"])
    assert bad.status_code == 422 and "village" in bad.text


def test_map_layers_follow_a_write_at_once(client, tok):
    url, params = "/api/layers/communes.geojson", {"date": "2023-06-01"}
    before = client.get(url, params=params)
    feature = next(f for f in before.json()["features"] if f["properties"]["code"] == "09232")
    assert feature["properties"]["status"] in ("chua_dat", "khong_du_lieu")
    r = client.post("/api/decisions", json=decision("09232", signed="2022-05-20"), headers=tok["editor"])
    assert r.status_code == 201
    after = client.get(url, params=params, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    feature = next(f for f in after.json()["features"] if f["properties"]["code"] == "09232")
    assert feature["properties"]["status"] == "dat_chuan"


def test_user_text_is_stored_as_sent(client, tok):
    text = {"note": "  <script>alert('x')</script> — «Thôn Đồng»\n", "citation": "=1+1", "authority": " UBND tỉnh "}
    r = client.post("/api/decisions", json=decision(" 09241 ", signed="2023-09-09", **text), headers=tok["editor"])
    assert r.status_code == 201 and r.json()["unit_code"] == "09241"
    got = client.get(r.headers["Location"])
    assert got.headers["content-type"].startswith("application/json")
    assert {k: got.json()[k] for k in text} == text


def test_levels_follow_a_unit_through_a_reclassification_but_not_into_a_merger(client, tok):
    # Việt Yên (222) became a thị xã on 2024-02-01: the same history, so its NTM of 2018 counts
    ntm = decision("222", "dat_chuan", "2018-11-08", unit_level="district")
    assert client.post("/api/decisions", json=ntm, headers=tok["editor"]).status_code == 201
    body = decision("222", "nang_cao", "2024-06-01", unit_level="district")
    r = client.post("/api/decisions", json=body, headers=tok["editor"])
    assert r.status_code == 201, r.text
    assert (r.json()["uid"], r.json()["unit_name"]) == ("222@2024-02-01", "Thị xã Việt Yên")
    # 07246 names a commune formed by a merger on 2025-07-01: what Xã Canh Nậu held does not pass to it
    merged = client.post("/api/decisions", json=decision("07246", "nang_cao", "2025-08-01"), headers=tok["editor"])
    assert merged.status_code == 422 and "Xã Xuân Lương" in merged.json()["detail"]
    new = client.post("/api/decisions", json=decision("07246", "dat_chuan", "2025-08-01"), headers=tok["editor"])
    assert new.status_code == 201 and new.json()["unit_name"] == "Xã Xuân Lương"
