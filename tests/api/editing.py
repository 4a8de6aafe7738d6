"""Helpers for the tests of authenticated edits: an app on its own store, and a token per role."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from geo_ntm.auth.tokens import create_token
from geo_ntm.status.store import SqliteStore


def make_tokens(store_path: Path) -> dict[str, dict]:
    """One token per role plus a second editor, as ``{"editor": headers, ...}``."""
    store = SqliteStore(store_path)
    out = {}
    for name, role in (("rita", "reader"), ("alice", "editor"), ("bob", "editor"), ("ada", "admin")):
        _, secret = create_token(store, name, role, actor="test")
        out[name] = {"Authorization": f"Bearer {secret}"}
    out["reader"], out["editor"], out["admin"] = out["rita"], out["alice"], out["ada"]
    return out


@contextmanager
def app_client(tmp_path: Path, **settings):
    """A client on a fresh store holding the embedded demo data; yields (client, tokens, store path)."""
    path = tmp_path / "geo-ntm.sqlite"
    tokens = make_tokens(path)
    with TestClient(create_app(Settings(store=path, **settings))) as client:
        yield client, tokens, path


def decision(code: str, level: str = "dat_chuan", signed: str = "2023-05-02", **extra) -> dict:
    """A decision body; illustrative unless said otherwise."""
    return {"unit_code": code, "level": level, "signed": signed, "source": "illustrative",
            "decision_no": f"T-{code}-{level}-{signed}", **extra}  # fmt: skip
