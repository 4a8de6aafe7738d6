"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AtlasDep
from api.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=Health)
def healthz(atlas: AtlasDep) -> dict:
    """Service health: ok when the region is loaded."""
    return {"status": "ok", "region": atlas.province, "name": atlas.name}
