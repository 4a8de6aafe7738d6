"""``geo-ntm serve --workers 2``: two real worker processes on one port, one store, no stale answer after a write.

Each worker keeps its own caches of finished answers, keyed on the store's data version, which
each reads per request. The test warms both workers' caches, writes a decision through one
connection, and then reads the same map layer through many new connections (the kernel hands
them to both workers): every answer must carry the new version and show the new decision. On
both store backends; the PostgreSQL one is what several machines would share.
"""

from __future__ import annotations

import httpx
import pytest

from geo_ntm.auth.tokens import create_token
from geo_ntm.status.store import open_store

from .service import Service

pytestmark = pytest.mark.slow

LAYER = "/api/layers/communes.geojson"
#: Communes of 2023 with no decision in the embedded data before these dates (one per round).
ROUNDS = [("07243", "2023-03-01"), ("07246", "2023-04-01"), ("07249", "2023-05-01")]


def status_in(body: dict, code: str) -> str:
    return next(f["properties"]["status"] for f in body["features"] if f["properties"]["code"] == code)


def fresh_reads(url: str, n: int, params: dict) -> list[httpx.Response]:
    """``n`` requests, each on its own new connection (so both workers answer some)."""
    out = []
    for _ in range(n):
        with httpx.Client(base_url=url, timeout=30) as c:
            out.append(c.get(LAYER, params=params))
    return out


def test_a_write_through_one_worker_is_seen_by_every_worker_on_the_next_request(tmp_path, store_location):
    store = open_store(store_location)
    _, secret = create_token(store, "editor", "editor", actor="test")
    store.close()
    service = Service(tmp_path / "serve.log", workers=2, store=store_location)
    try:
        service.wait_ready(timeout=180)
        assert len(service.workers()) == 2
        editor = {"Authorization": f"Bearer {secret}"}
        for code, day in ROUNDS:
            params = {"date": "2023-12-31"}
            before = fresh_reads(service.url, 8, params)  # warm both workers' caches at this version
            assert {r.status_code for r in before} == {200}
            version = int(before[0].headers["X-Data-Version"])
            assert {int(r.headers["X-Data-Version"]) for r in before} == {version}
            body = {"unit_code": code, "level": "dat_chuan", "signed": day, "source": "illustrative",
                    "decision_no": f"W-{code}"}  # fmt: skip
            with httpx.Client(base_url=service.url, timeout=30) as c:
                written = c.post("/api/decisions", json=body, headers=editor)
            assert written.status_code == 201, written.text
            after = fresh_reads(service.url, 12, params)
            assert {int(r.headers["X-Data-Version"]) for r in after} == {version + 1}
            assert {status_in(r.json(), code) for r in after} == {"dat_chuan"}
    finally:
        service.stop()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
