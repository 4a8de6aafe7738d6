"""Search units by name, tolerant of missing or damaged diacritics."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import AtlasDep, Day
from api.schemas import SearchAnswer
from geo_ntm.search import MAX_LIMIT, search_units

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", response_model=SearchAnswer)
def search(
    atlas: AtlasDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="a name: 'son dong', 'TT Tây Yên Tử'")],
    on: Annotated[Day | None, Query(alias="date", description="YYYY-MM-DD; default: today and former names")] = None,
    level: Literal["commune", "district", "province"] | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
) -> dict:
    """Units whose name matches the query, on a date, or today and under their former names."""
    results = search_units(atlas, q, on, level, limit)
    return {
        "query": q,
        "date": on.isoformat() if on else None,
        "level": level,
        "count": len(results),
        "results": results,
    }
