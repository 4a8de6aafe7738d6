"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AtlasDep

router = APIRouter(tags=["service"])


@router.get("/healthz")
def healthz(atlas: AtlasDep) -> dict:
    """Service health: ok when the region is loaded."""
    return {"status": "ok", "region": atlas.province, "name": atlas.name}
