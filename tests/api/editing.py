"""Helpers for the tests of authenticated edits: an app on its own store, and a token per role."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from geo_ntm.auth.tokens import create_token
from geo_ntm.status.store import open_store


def make_tokens(where: str | Path) -> dict[str, dict]:
    """One token per role plus a second editor, as ``{"editor": headers, ...}``."""
    store = open_store(where)
    out = {}
    for name, role in (("rita", "reader"), ("alice", "editor"), ("bob", "editor"), ("ada", "admin")):
        _, secret = create_token(store, name, role, actor="test")
        out[name] = {"Authorization": f"Bearer {secret}"}
    store.close()
    out["reader"], out["editor"], out["admin"] = out["rita"], out["alice"], out["ada"]
    return out


@contextmanager
def app_client(tmp_path: Path, store: str | None = None, **settings):
    """A client on a fresh store (``store``: its location; default a SQLite file in ``tmp_path``) holding the
    embedded demo data; yields (client, tokens, store location)."""
    path = store or str(tmp_path / "geo-ntm.sqlite")
    tokens = make_tokens(path)
    with TestClient(create_app(Settings(store=path, **settings))) as client:
        yield client, tokens, path


def decision(code: str, level: str = "dat_chuan", signed: str = "2023-05-02", **extra) -> dict:
    """A decision body; illustrative unless said otherwise."""
    return {"unit_code": code, "level": level, "signed": signed, "source": "illustrative",
            "decision_no": f"T-{code}-{level}-{signed}", **extra}  # fmt: skip
