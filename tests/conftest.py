"""Fixtures shared by the whole suite: the store backends (see :mod:`tests.stores`)."""

from __future__ import annotations

import pytest

from geo_ntm.status.store import open_store

from .stores import BACKENDS, Server, location


@pytest.fixture(scope="session")
def pg_server():
    server = Server()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def store_location(request, pg_server, tmp_path) -> str:
    """Where an empty store lives: a SQLite path, then (second run) a PostgreSQL URL."""
    return location(pg_server, request.param, tmp_path, request)


@pytest.fixture
def any_store(store_location):
    """An empty store of each backend in turn."""
    store = open_store(store_location)
    yield store
    store.close()


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_location(request, pg_server, tmp_path_factory) -> str:
    """As :func:`store_location`, one per test module (for a module's app)."""
    return location(pg_server, request.param, tmp_path_factory.mktemp("store"), request)
