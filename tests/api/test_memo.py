"""Answers replayed by URL (api/memo.py): the same bytes and headers, never an answer of an older version."""

from __future__ import annotations

import pytest

from .editing import app_client, decision

LAYER = "/api/layers/communes.geojson?date=2023-12-31&zoom=8"
GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_client(tmp_path_factory.mktemp("memo"), demo=False) as found:
        yield found


def entered(client) -> list:
    """Counts the requests that reached a route using the answer cache (each peeks into it)."""
    cache, calls = client.app.state.cache, []
    peek = cache.peek

    def counting(*args):
        calls.append(args)
        return peek(*args)

    cache.peek = counting
    return calls


def test_a_repeated_request_is_answered_with_the_same_bytes_without_entering_the_app(app):
    client, _, _ = app
    first = client.get(LAYER, headers={**GZIP, "X-Request-ID": "first-1"})
    calls = entered(client)
    again = client.get(LAYER, headers={**GZIP, "X-Request-ID": "again-2"})
    assert calls == [] and again.content == first.content
    assert {k: v for k, v in again.headers.items() if k != "x-request-id"} == {
        k: v for k, v in first.headers.items() if k != "x-request-id"
    }
    assert (first.headers["x-request-id"], again.headers["x-request-id"]) == ("first-1", "again-2")
    assert client.get(LAYER, headers={**GZIP, "If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get(LAYER, headers={"Accept-Encoding": "identity"}).headers.get("content-encoding") is None
    assert len(calls) == 1  # identity is another answer: it entered once


def test_a_write_moves_the_version_and_the_next_answer_is_new(app):
    client, tok, _ = app
    before = client.get(LAYER, headers=GZIP)
    r = client.post("/api/decisions", json=decision("09196", signed="2023-05-02"), headers=tok["editor"])
    assert r.status_code == 201
    after = client.get(LAYER, headers=GZIP)
    assert int(after.headers["x-data-version"]) == int(before.headers["x-data-version"]) + 1
    status = {f["properties"]["code"]: f["properties"]["status"] for f in after.json()["features"]}
    assert status["09196"] == "dat_chuan"


def test_what_an_answer_depends_on_is_part_of_the_key(app):
    client, tok, _ = app
    items = "/ogc/collections/communes/items?limit=2"
    here = client.get(items, headers={"Host": "a.example"}).json()
    there = client.get(items, headers={"Host": "b.example"}).json()
    assert "a.example" in here["links"][0]["href"] and "b.example" in there["links"][0]["href"]
    plain = client.get(LAYER, headers=GZIP)
    cors = client.get(LAYER, headers={**GZIP, "Origin": "https://portal.example"})
    assert "access-control-allow-origin" not in plain.headers and cors.headers["access-control-allow-origin"] == "*"
    assert client.get(LAYER, headers={**GZIP, "Authorization": "Bearer gntm_00000000_wrongwrongwrongwrongwrong"}
                      ).status_code == 401  # fmt: skip


def test_reads_that_need_a_token_are_never_replayed(tmp_path):
    with app_client(tmp_path, public_reads=False, demo=False) as (client, tok, _):
        assert client.get(LAYER, headers={**GZIP, **tok["reader"]}).status_code == 200
        assert client.get(LAYER, headers=GZIP).status_code == 401
