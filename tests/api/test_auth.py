"""Tokens and roles: 401 with a Bearer challenge, 403 for a role too low, hashes only, public reads."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from geo_ntm.auth import tokens as tokens_module
from geo_ntm.cli import main

from .editing import app_client, decision


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_client(tmp_path_factory.mktemp("auth")) as found:
        yield found


@pytest.fixture()
def client(app):
    return app[0]


@pytest.fixture()
def tok(app):
    return app[1]


WRITES = [
    ("post", "/api/decisions", "editor"),
    ("post", "/api/revocations", "editor"),
    ("post", "/api/decisions/1/corrections", "editor"),
    ("post", "/api/imports", "editor"),
    ("get", "/api/imports", "editor"),
    ("get", "/api/audit", "admin"),
    ("get", "/api/audit.csv", "admin"),
    ("get", "/api/tokens", "admin"),
    ("post", "/api/tokens", "admin"),
    ("delete", "/api/tokens/1", "admin"),
]


@pytest.mark.parametrize(("method", "path", "role"), WRITES)
def test_without_a_token_the_answer_is_401_with_a_bearer_challenge(client, method, path, role):
    r = client.request(method, path, json={})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert role in r.json()["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Basic YWxpY2U6c2VjcmV0",
        "Bearer",
        "Bearer not-a-token",
        "Bearer gntm_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_a_malformed_or_unknown_token_is_401(client, header):
    r = client.post("/api/decisions", json=decision("07243"), headers={"Authorization": header})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_known_key_with_a_wrong_secret_is_401(client, tok):
    real = tok["editor"]["Authorization"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    r = client.post("/api/decisions", json=decision("07243"), headers={"Authorization": forged})
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]


@pytest.mark.parametrize(("method", "path", "role"), WRITES)
def test_a_role_too_low_is_403(client, tok, method, path, role):
    lower = "reader" if role == "editor" else "editor"
    r = client.request(method, path, json={}, headers=tok[lower])
    assert r.status_code == 403
    assert f"needs {role}" in r.json()["detail"]


def test_roles_nest_an_admin_may_edit(client, tok):
    assert client.post("/api/decisions", json=decision("09232"), headers=tok["admin"]).status_code == 201
    assert client.get("/api/imports", headers=tok["admin"]).status_code == 200


def test_tokens_are_stored_as_hashes_only(app, tok):
    secret = tok["editor"]["Authorization"].split()[1]
    raw = b"".join(p.read_bytes() for p in Path(app[2]).parent.glob("geo-ntm.sqlite*"))
    assert secret.encode() not in raw
    row = sqlite3.connect(app[2]).execute("SELECT hash FROM tokens WHERE name = 'alice'").fetchone()
    assert row[0] == hashlib.sha256(secret.encode()).hexdigest()


def test_secrets_are_compared_in_constant_time_even_for_unknown_keys(app, tok, monkeypatch):
    calls = []
    real = tokens_module.hmac.compare_digest
    monkeypatch.setattr(tokens_module.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    store = app[0].app.state.status.store
    assert tokens_module.verify_token(store, tok["editor"]["Authorization"].split()[1]).name == "alice"
    assert tokens_module.verify_token(store, "gntm_00000000_" + "A" * 43) is None
    assert tokens_module.verify_token(store, "nonsense") is None
    assert len(calls) == 3


def test_an_admin_creates_lists_and_revokes_tokens_through_the_api(client, tok):
    made = client.post("/api/tokens", json={"name": "carol", "role": "editor"}, headers=tok["admin"])
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    carol = {"Authorization": f"Bearer {made.json()['token']}"}
    assert client.post("/api/decisions", json=decision("09238"), headers=carol).status_code == 201
    listed = client.get("/api/tokens", headers=tok["admin"])
    assert "carol" in [t["name"] for t in listed.json()]
    assert "hash" not in listed.text and made.json()["token"] not in listed.text
    again = client.post("/api/tokens", json={"name": "carol", "role": "reader"}, headers=tok["admin"])
    assert again.status_code == 409
    bad = client.post("/api/tokens", json={"name": "dave", "role": "boss"}, headers=tok["admin"])
    assert bad.status_code == 422 and "role" in bad.text
    assert client.delete(f"/api/tokens/{made.json()['id']}", headers=tok["admin"]).json()["active"] is False
    assert client.post("/api/decisions", json=decision("09241"), headers=carol).status_code == 401


def test_reads_are_public_by_default_and_a_bad_token_is_still_refused(client):
    assert client.get("/api/decisions").status_code == 200
    assert client.get("/api/status", params={"year": 2023}).status_code == 200
    bad = client.get("/api/status", params={"year": 2023}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_reads_need_a_reader_token_when_reads_are_not_public(tmp_path):
    with app_client(tmp_path, public_reads=False) as (client, tok, _):
        for path in ("/api/status?year=2023", "/api/decisions", "/api/boundaries", "/"):
            r = client.get(path)
            assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer"), path
            assert client.get(path, headers=tok["reader"]).status_code == 200, path
        assert client.get("/healthz").status_code == 200


def test_the_command_line_creates_lists_and_revokes(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    assert main(["tokens", "create", "--role", "editor", "--name", "phong-nn", "--store", store]) == 0
    out = capsys.readouterr()
    secret = out.out.strip()
    assert secret.startswith("gntm_") and "shown once" in out.err
    from geo_ntm.status.store import SqliteStore

    assert tokens_module.verify_token(SqliteStore(store), secret).role == "editor"
    assert main(["tokens", "list", "--store", store]) == 0
    listed = capsys.readouterr().out
    assert "phong-nn" in listed and secret not in listed
    assert main(["tokens", "revoke", "phong-nn", "--store", store]) == 0
    assert tokens_module.verify_token(SqliteStore(store), secret) is None
    assert main(["tokens", "revoke", "phong-nn", "--store", store]) == 2


def test_every_answer_carries_a_request_id_and_a_clients_own_is_echoed(client):
    mine = client.get("/healthz").headers["X-Request-ID"]
    assert len(mine) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "office-42.a"}).headers["X-Request-ID"] == "office-42.a"
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert odd != "<script>" and len(odd) == 32


def test_an_unexpected_error_says_nothing_of_the_internals(app, tok, monkeypatch):
    client = app[0]
    store = client.app.state.status.store

    def broken(*args, **kwargs):
        raise RuntimeError(f"disk I/O error at {store.path}")

    monkeypatch.setattr(store, "write", broken)
    client_safe = type(client)(client.app, raise_server_exceptions=False)
    r = client_safe.post("/api/decisions", json=decision("09250"), headers=tok["editor"])
    assert r.status_code == 500
    assert str(store.path) not in r.text and "Traceback" not in r.text and "disk" not in r.text
