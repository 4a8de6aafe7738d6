"""Per-tile work that depends on the outlines only, kept across data versions.

A vector tile's encoded geometries and a PNG tile's rasters of units and outlines do not change
when a status does; the catalogue keeps a layer's simplified shapes across data versions, so a
tile after a data change can reuse them and redo only what the statuses decide.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class GridCache:
    """What a tile made of its shapes (encoded outlines, rasters), kept while they are the same objects.

    The outlines of a layer outlive data versions (the catalogue keeps its simplified shapes
    across them), so after a data change a tile needs new properties only. An entry holds its
    source shapes, which keeps their identity meaningful; it is reused only when every shape of
    the tile is the very same object, in the same order.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple, shapes: list):
        """What :meth:`put` kept for ``key`` if it was made from these very shapes, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
        kept, encoded, _ = entry
        same = len(kept) == len(shapes) and all(a is b for a, b in zip(kept, shapes, strict=True))
        return encoded if same else None

    def put(self, key: tuple, shapes: list, encoded, size: int) -> None:
        """Keep ``encoded`` (``size`` bytes) for tile ``key`` made from ``shapes``."""
        with self._lock:
            old = self._entries.pop(key, None)
            self._size -= old[2] if old else 0
            self._entries[key] = (shapes, encoded, size)
            self._size += size
            while self._size > self.max_bytes and len(self._entries) > 1:
                self._size -= self._entries.popitem(last=False)[1][2]
