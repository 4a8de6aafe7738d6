"""Shipped data cites public sources, never the team's own notes (which are not in the repository)."""

from __future__ import annotations

from geo_ntm.paths import ROOT


def test_no_shipped_data_cites_the_team_notes():
    files = [p for ext in ("csv", "json") for p in (ROOT / "geo_ntm" / "data").rglob(f"*.{ext}")]
    files += list((ROOT / "boundaries" / "sources").glob("*.csv"))
    assert len(files) > 20
    citing = [str(p.relative_to(ROOT)) for p in files if "DOMAIN.md" in p.read_text(encoding="utf-8")]
    assert citing == []
