"""The audit trail: each change with its request (id, endpoint, token, client); JSON and a safe CSV."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from geo_ntm.auth.audit import neutralise
from geo_ntm.auth.tokens import create_token

from .editing import app_client, decision

EVIL = '=HYPERLINK("http://example.invalid","click")'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_client(tmp_path_factory.mktemp("audit")) as (client, tok, path):
        from geo_ntm.status.store import SqliteStore

        _, secret = create_token(SqliteStore(path), EVIL, "editor", actor="test")
        tok["evil"] = {"Authorization": f"Bearer {secret}"}
        yield client, tok, path


@pytest.fixture()
def client(app):
    return app[0]


@pytest.fixture()
def tok(app):
    return app[1]


def test_a_change_is_recorded_with_its_request(client, tok):
    headers = {"X-Request-ID": "so-nn-2024-001", "User-Agent": "office-sheet/1.0", **tok["bob"]}
    r = client.post("/api/decisions", json=decision("09289", note="ghi chú <b>thử</b>"), headers=headers)
    assert r.status_code == 201
    found = client.get("/api/audit", params={"request_id": "so-nn-2024-001"}, headers=tok["admin"]).json()["items"]
    assert len(found) == 1
    e = found[0]
    assert (e["actor"], e["token_name"], e["role"]) == ("bob", "bob", "editor")
    assert (e["method"], e["endpoint"], e["client"]) == ("POST", "/api/decisions", "testclient")
    assert (e["table"], e["action"], e["record_id"]) == ("decisions", "add", str(r.json()["id"]))
    assert e["client_request_id"] == "so-nn-2024-001" and len(e["request_id"]) == 32
    assert e["detail"]["unit_code"] == "09289" and e["detail"]["note"] == "ghi chú <b>thử</b>"
    by_ours = client.get("/api/audit", params={"request_id": e["request_id"]}, headers=tok["admin"]).json()
    assert [x["id"] for x in by_ours["items"]] == [e["id"]]


def test_a_failed_change_leaves_no_trace(client, tok):
    client.post("/api/decisions", json=decision("99999"), headers={"X-Request-ID": "fails-1", **tok["bob"]})
    assert client.get("/api/audit", params={"request_id": "fails-1"}, headers=tok["admin"]).json()["items"] == []


def test_token_changes_are_audited_too(client, tok):
    made = client.post("/api/tokens", json={"name": "erin", "role": "reader"}, headers=tok["admin"]).json()
    client.delete(f"/api/tokens/{made['id']}", headers=tok["admin"])
    items = client.get("/api/audit", params={"table": "tokens"}, headers=tok["admin"]).json()["items"]
    mine = [(i["action"], i["detail"]["name"], i["token_name"]) for i in items if i["record_id"] == str(made["id"])]
    assert mine == [("revoke", "erin", "ada"), ("add", "erin", "ada")]
    assert all("hash" not in i["detail"] for i in items)


def test_filters_by_actor_table_and_dates(client, tok):
    client.post("/api/decisions", json=decision("09292"), headers=tok["alice"])
    alice = client.get("/api/audit", params={"actor": "alice"}, headers=tok["admin"]).json()["items"]
    assert alice and {i["actor"] for i in alice} == {"alice"}
    today = alice[0]["at"][:10]
    assert client.get("/api/audit", params={"actor": "alice", "since": today, "until": today},
                      headers=tok["admin"]).json()["items"] == alice  # fmt: skip
    assert client.get("/api/audit", params={"actor": "alice", "until": "2020-01-01"},
                      headers=tok["admin"]).json()["items"] == []  # fmt: skip
    assert client.get("/api/audit", params={"since": "yesterday"}, headers=tok["admin"]).status_code == 422


def test_the_csv_export_keeps_text_and_neutralises_formulas(client, tok):
    r = client.post("/api/decisions", json=decision("09277", decision_no="+1-2", citation="@SUM(A1)"),
                    headers=tok["evil"])  # fmt: skip
    assert r.status_code == 201
    js = client.get("/api/audit", params={"table": "decisions"}, headers=tok["admin"]).json()["items"]
    assert js[0]["actor"] == EVIL  # JSON keeps the text as it was
    got = client.get("/api/audit.csv", params={"table": "decisions"}, headers=tok["admin"])
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text.lstrip("\ufeff"))))
    evil = [row for row in rows if row["token_name"].endswith(EVIL)]
    assert evil and evil[0]["actor"] == "'" + EVIL and evil[0]["token_name"] == "'" + EVIL
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())
    assert client.get("/api/audit.csv", headers=tok["editor"]).status_code == 403


@pytest.mark.parametrize(
    ("value", "shown"),
    [("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("Xã Tam Đa", "Xã Tam Đa"), ("a=b", "a=b"), (None, ""), (12, "12")],
)  # fmt: skip
def test_neutralise(value, shown):
    assert neutralise(value) == shown


def test_a_direct_update_or_delete_shows_in_the_audit_answers(tmp_path):
    with app_client(tmp_path) as (client, tok, path):
        for n, code in enumerate(("09289", "09196", "09199")):
            made = client.post("/api/decisions", json=decision(code), headers={"X-Request-ID": f"t-{n}", **tok["bob"]})
            assert made.status_code == 201
        intact = client.get("/api/audit", headers=tok["admin"]).json()["chain"]
        assert intact["ok"] and intact["break_count"] == 0 and intact["head"].startswith(f"{intact['entries']}:")
        first, second = (
            client.get("/api/audit", params={"request_id": f"t-{n}"}, headers=tok["admin"]).json()["items"][0]["id"]
            for n in (0, 2)
        )
        with sqlite3.connect(path) as conn:  # someone with the file covers their tracks
            conn.execute("UPDATE requests SET client = '10.0.0.1' WHERE client_request_id = 't-0'")
            conn.execute("DELETE FROM changes WHERE id = ?", (second - 1,))
        body = client.get("/api/audit", params={"limit": 1000}, headers=tok["admin"]).json()
        assert not body["chain"]["ok"] and body["chain"]["first_break"] == first
        flagged = {e["id"]: e["chain_break"] for e in body["items"] if e["chain_break"]}
        assert sorted(flagged) == [first, second]
        assert "its request" in flagged[first] and f"entry {second - 1} deleted" in flagged[second]
        csv_answer = client.get("/api/audit.csv", headers=tok["admin"])
        assert csv_answer.headers["X-Audit-Chain"].startswith(f"broken at entry {first} (2 breaks)")
