from __future__ import annotations

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.paths import DEFAULT_REGION


@pytest.fixture(scope="session")
def atlas():
    return Atlas.load(DEFAULT_REGION)
