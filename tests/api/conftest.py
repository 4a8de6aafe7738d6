from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "geo-ntm.sqlite"
    with TestClient(create_app(Settings(store=store))) as c:
        yield c
