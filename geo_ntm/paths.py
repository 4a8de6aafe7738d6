"""Where the project's own data lives (a checkout: the repository root holds ``boundaries/``)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES_DIR = ROOT / "boundaries"
SOURCES_DIR = BOUNDARIES_DIR / "sources"
DEFAULT_REGION = BOUNDARIES_DIR / "24-bac-ninh.gpkg"
