"""Simplified outlines kept on disk, so a worker that starts or restarts does not simplify them again.

Simplifying a whole level for a zoom band is the slow part of a layer's first request: about
1.1-1.9 s for the country's 10,035 communes of 30/06/2025 (``shapely.coverage_simplify`` and its
coverage check), and every worker paid it for each date and band. Reading them back takes
20-100 ms. The outlines depend on the region file and on which units are drawn, nothing else,
so a file is named by

- the region file's SHA-256 (a rebuilt region is another file),
- the simplification's own terms (tolerance, bands, the GEOS version that ran it),
- the zoom band and a digest of the units' uids,

and is checked against the uids it holds when read. Files are written whole to a temporary
name and then renamed, so workers starting together never read half a file; a file that cannot
be read is computed again and replaced. A folder that cannot be written is not an error: the
outlines then live in memory only, as before, and the log says why once.

The folder is bounded (:data:`MAX_BYTES` by default, about 100-200 national date-and-band files):
after a write, the files read or written longest ago go first, whatever region they belong to
(a rebuilt region's old files age out the same way).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

import numpy as np
import shapely

from .simplify import BAND_TOPS, TOLERANCE_PX

log = logging.getLogger(__name__)

#: Raised when the file layout changes, so old files are ignored rather than misread.
FORMAT = 1
#: Most the folder holds; the least recently used files are removed beyond it.
MAX_BYTES = 512 * 1024 * 1024


class OutlineStore:
    """Simplified outlines of one region file, by zoom band and units, in ``folder``."""

    def __init__(self, folder: str | Path, region: str | Path, max_bytes: int = MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.region = Path(region)
        self.max_bytes = max_bytes
        self._digest: str | None = None
        self._lock = threading.Lock()
        self._warned = False

    def get(self, band: int, uids: tuple[str, ...]) -> dict | None:
        """uid → simplified outline (None where a unit has none), or None if not kept for these units."""
        path = self._path(band, uids)
        if path is None or not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as f:
                kept, offsets, blob, missing = f["uids"], f["offsets"], f["wkb"], f["missing"]
            if tuple(kept.tolist()) != uids:
                return None
            raw = blob.tobytes()
            wkb = [None if gone else raw[a:b] for a, b, gone in zip(offsets[:-1], offsets[1:], missing, strict=True)]
            shapes = shapely.from_wkb(np.array(wkb, dtype=object))
        except Exception as exc:  # noqa: BLE001 - any unreadable file is only a cache miss
            log.warning("simplified outlines %s unreadable (%s); computing them again", path.name, exc)
            return None
        with contextlib.suppress(OSError):  # used now: the last to go when the folder is trimmed
            os.utime(path)
        return dict(zip(uids, shapes, strict=True))

    def put(self, band: int, uids: tuple[str, ...], shapes: dict) -> None:
        """Keep ``shapes`` (uid → outline) for ``band`` and these units; a failure to write is logged, not raised."""
        path = self._path(band, uids)
        if path is None:
            return
        geoms = np.array([shapes[u] for u in uids], dtype=object)
        missing = shapely.is_missing(geoms)
        wkb = [b"" if gone else shapely.to_wkb(g) for g, gone in zip(geoms, missing, strict=True)]
        offsets = np.zeros(len(wkb) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in wkb], out=offsets[1:])
        blob = np.frombuffer(b"".join(wkb), dtype=np.uint8)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".outlines-", suffix=".npz")
            try:
                with os.fdopen(fd, "wb") as fh:
                    np.savez(fh, uids=np.array(uids, dtype=str), offsets=offsets, wkb=blob, missing=missing)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._trim()
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.warning("simplified outlines not kept on disk (%s); they are kept in memory only", exc)

    def _trim(self) -> None:
        """Remove the least recently used files while the folder holds more than ``max_bytes``."""
        files = []
        for f in self.folder.glob("*/band*.npz"):
            try:
                st = f.stat()
            except OSError:  # removed by another worker meanwhile
                continue
            files.append((st.st_mtime, st.st_size, f))
        total = sum(size for _, size, _ in files)
        for _, size, f in sorted(files, key=lambda t: t[0]):
            if total <= self.max_bytes:
                break
            f.unlink(missing_ok=True)
            total -= size

    def _path(self, band: int, uids: tuple[str, ...]) -> Path | None:
        region = self._region_digest()
        if region is None:
            return None
        units = hashlib.sha256("\n".join(uids).encode()).hexdigest()[:24]
        return self.folder / region / f"band{band}-{units}.npz"

    def _region_digest(self) -> str | None:
        """The region file's digest with the simplification's terms (computed once; None if unreadable)."""
        with self._lock:
            if self._digest is None:
                terms = f"{FORMAT}|{TOLERANCE_PX}|{BAND_TOPS}|{shapely.geos_version_string}".encode()
                h = hashlib.sha256(terms)
                try:
                    with open(self.region, "rb") as fh:
                        for chunk in iter(lambda: fh.read(1 << 20), b""):
                            h.update(chunk)
                except OSError as exc:
                    log.warning("region file %s unreadable (%s): outlines not kept on disk", self.region, exc)
                    self._digest = ""
                else:
                    self._digest = h.hexdigest()[:32]
            return self._digest or None
