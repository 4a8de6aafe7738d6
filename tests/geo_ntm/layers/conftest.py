"""Status layers for the layer tests: the real communes of 2019-12-31 and four inline squares.

Statuses are made up, deterministically from the code, so that every status and "no data"
occur; they say nothing about the real communes.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
import shapely

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.status.levels import STATUSES

DAY = "2019-12-31"
#: A point in Bắc Giang (Yên Dũng / Lạng Giang area) for the tile measurements and checks.
BAC_GIANG = (106.2, 21.3)


def status_of(code: str) -> str | None:
    """A made-up status: commune codes step by 3, so use code // 3; one in eight has no data."""
    k = int(code) // 3 % (len(STATUSES) + 1)
    return STATUSES[k] if k < len(STATUSES) else None


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    return Atlas.load(DEFAULT_REGION)


@pytest.fixture(scope="session")
def communes(atlas) -> gpd.GeoDataFrame:
    layer = atlas.units_on(DAY, "commune")
    layer["status"] = [status_of(c) for c in layer["code"]]
    return layer


@pytest.fixture(scope="session")
def districts(atlas) -> gpd.GeoDataFrame:
    return atlas.units_on(DAY, "district")


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """Four 0.01° squares in a 2×2 block near 105.00E 21.00N, with awkward properties."""
    xs, ys = (105.00, 105.01, 105.02), (21.00, 21.01, 21.02)
    cells = [(0, 0), (1, 0), (0, 1), (1, 1)]
    return gpd.GeoDataFrame(
        {
            "code": ["90001", "90002", "90003", "90004"],
            "name": ["Xã An", "<script>alert(1)</script>", '=HYPERLINK("http://x.example","bấm")', "Thị trấn Cờ"],
            "status": ["dat_chuan", "cho_ra_soat", None, "kieu_mau"],
            "villages": [7, 12, -3, 0],
            "share": [0.5, float("nan"), -1.25, 1.0],
            "valid_from": [date(2020, 1, 1), date(2020, 1, 1), None, date(2021, 2, 1)],
            "tags": [["a", "b"], {"k": 1}, None, []],
            "flag": [True, False, True, False],
        },
        geometry=[shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i, j in cells],
        crs="EPSG:4326",
    )
