from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


@pytest.fixture(scope="session")
def client():
    with TestClient(create_app(Settings())) as c:
        yield c
