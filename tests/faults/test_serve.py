"""``geo-ntm serve`` as an operator runs it: no ``server`` banner, HEAD works, every answer says nosniff."""

from __future__ import annotations

import httpx
import pytest

from .service import Service

pytestmark = pytest.mark.slow


def test_the_served_answers_carry_no_banner(tmp_path):
    service = Service(tmp_path / "serve.log", cli=True, store=tmp_path / "s.sqlite", demo="false")
    try:
        service.wait_ready()
        for r in (httpx.get(f"{service.url}/healthz"), httpx.head(f"{service.url}/api/layers")):
            assert r.status_code == 200 and "server" not in r.headers, r.headers
            assert r.headers["x-content-type-options"] == "nosniff"
    finally:
        service.stop()
