"""Which region file a name stands for, building the national one on first use.

The embedded province (``boundaries/24-bac-ninh.gpkg``, 1.2 MB) is committed. The whole
country (``geo-ntm boundaries build --national``) is about 35 MB, too large for the repository,
so it is built from the committed sources the first time it is asked for (about two minutes
on two cores) and kept in a cache folder; a later source change (another SHA-256 in the
build record) builds it again. One process builds while the others wait on a lock file, so
workers started together build it once.

>>> resolve_region("boundaries/24-bac-ninh.gpkg")            # doctest: +SKIP
PosixPath('boundaries/24-bac-ninh.gpkg')
>>> resolve_region("vn", cache_dir="var/regions")           # doctest: +SKIP
PosixPath('var/regions/vn-viet-nam.gpkg')
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable
from pathlib import Path

from geo_ntm.errors import InvalidParameterError
from geo_ntm.paths import DEFAULT_STORE, SOURCES_DIR

from . import sources as src
from .build import NATIONAL

#: Region names a setting may use instead of a file path.
NAMES = {"vn": NATIONAL, "national": NATIONAL, "viet-nam": NATIONAL}
#: Beside the status store: ``var/regions`` in a checkout, the user's data folder when installed.
CACHE_DIR = DEFAULT_STORE.parent / "regions"


def is_national(spec: str | Path) -> bool:
    """Whether ``spec`` names the whole country."""
    return NAMES.get(str(spec).strip().lower()) == NATIONAL


def resolve_region(
    spec: str | Path,
    *,
    cache_dir: str | Path = CACHE_DIR,
    sources_dir: str | Path = SOURCES_DIR,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """The region file for ``spec``: a path to a region file, or a region name (``vn``).

    A named region is built into ``cache_dir`` when it is missing or older than its sources.
    """
    name = NAMES.get(str(spec).strip().lower())
    if name is None:
        path = Path(spec)
        if path.suffix != ".gpkg" and not path.exists():
            raise InvalidParameterError(
                f"region {str(spec)!r} is neither a region file (.gpkg) nor a region name; names: {sorted(NAMES)}"
            )
        return path
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f".{name.lower()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder; the others wait, then find it built
        found = _built(cache, name, sources_dir)
        if found is not None:
            return found
        from .build import build_to

        if progress:
            progress(f"building the {name} region into {cache} (first use; about two minutes on two cores)")
        path, _ = build_to(name, sources_dir, cache, progress)
        return path


def _built(cache: Path, name: str, sources_dir: str | Path) -> Path | None:
    """The cached file of region ``name``, if it exists and was built from these sources."""
    for record in sorted(cache.glob(f"{name.lower()}-*.build.json")):
        gpkg = record.with_name(record.name.removesuffix(".build.json") + ".gpkg")
        try:
            built = json.loads(record.read_text(encoding="utf-8"))["sources"]
        except (OSError, ValueError, KeyError):
            continue
        if gpkg.is_file() and built == src.Manifest.load(sources_dir).hashes():
            return gpkg
    return None
