"""Where the project's own data lives, in a checkout or in an installed package.

In a checkout (the repository: ``pyproject.toml`` and ``boundaries/`` beside ``geo_ntm/``) the
region file is ``boundaries/24-bac-ninh.gpkg`` and the store ``var/geo-ntm.sqlite``. Installed
(``pip install geo-ntm``), the region file comes with the package's data files
(``<prefix>/share/geo-ntm/boundaries/``, see ``[tool.setuptools.data-files]`` in pyproject.toml)
and the store goes to the user's data folder (``$XDG_DATA_HOME/geo-ntm``, else
``~/.local/share/geo-ntm``), since site-packages is not a place to write. ``GEO_NTM_REGION`` and
``GEO_NTM_STORE`` override both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGION_FILE = "24-bac-ninh.gpkg"


def is_checkout(root: Path = ROOT) -> bool:
    """Whether ``root`` is the repository (not site-packages)."""
    return (root / "pyproject.toml").is_file() and (root / "boundaries").is_dir()


def boundaries_dir(root: Path = ROOT, prefix: Path = Path(sys.prefix)) -> Path:
    """The folder of the region files: the checkout's, else the installed package's data files."""
    return root / "boundaries" if is_checkout(root) else prefix / "share" / "geo-ntm" / "boundaries"


def default_store(root: Path = ROOT, environ: dict | None = None) -> Path:
    """The status store: ``var/`` of a checkout, else the user's data folder."""
    if is_checkout(root):
        return root / "var" / "geo-ntm.sqlite"
    env = os.environ if environ is None else environ
    home = Path(env.get("XDG_DATA_HOME") or Path(env.get("HOME", "~")).expanduser() / ".local" / "share")
    return home / "geo-ntm" / "geo-ntm.sqlite"


BOUNDARIES_DIR = boundaries_dir()
SOURCES_DIR = BOUNDARIES_DIR / "sources"
DEFAULT_REGION = BOUNDARIES_DIR / REGION_FILE
DEFAULT_STORE = default_store()
