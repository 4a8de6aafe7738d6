"""The palette: no two statuses that can meet on one map share a swatch; every pattern is drawn."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest

from geo_ntm.palette import COLORS, PATTERN_INK, PATTERNS
from geo_ntm.status.levels import GRANTABLE, STATUSES

ROOT = Path(__file__).parents[2]


def swatch(status: str) -> tuple:
    return COLORS[status], PATTERNS.get(status), PATTERN_INK.get(status)


@pytest.mark.parametrize("level", sorted(GRANTABLE))
def test_statuses_of_one_level_have_distinct_swatches(level):
    # a map of one level shows what that level can be granted, and the statuses every level can have
    shown = set(GRANTABLE[level]) | {"chua_dat", "cho_ra_soat", "khong_ap_dung", "khong_du_lieu"}
    for a, b in combinations(sorted(shown), 2):
        assert swatch(a) != swatch(b), f"{a} and {b} look the same on a {level} map"
        assert COLORS[a] != COLORS[b], f"{a} and {b} have one colour (PNG tiles and prints draw colour only)"


def test_every_status_has_a_colour():
    assert set(STATUSES) <= set(COLORS)


@pytest.mark.parametrize("drawer", ["api/static/js/statusmap.js", "api/templates/_planning.html"])
def test_every_pattern_kind_is_drawn_by_the_pages(drawer):
    source = (ROOT / drawer).read_text(encoding="utf-8")
    for kind in set(PATTERNS.values()):
        assert re.search(rf"\b{kind}: '|kind == '{kind}'", source), f"{drawer} does not draw {kind!r}"
