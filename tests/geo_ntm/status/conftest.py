from __future__ import annotations

from datetime import date

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.status.model import Decision


@pytest.fixture(scope="session")
def atlas():
    return Atlas.load(DEFAULT_REGION)


def decision(code, level, signed, *, unit_level="commune", year=None, no=None, source="illustrative", name=None):
    signed = date.fromisoformat(signed) if isinstance(signed, str) else signed
    return Decision(unit_level, code, name or code, level, signed, year or signed.year, source, decision_no=no)
