"""Locks that say "a live process is working on this", dropped by the kernel when the process dies.

Several worker processes share one SQLite file (the status store's claims of imports, the
documents being read): a process that starts must not take for interrupted what another live
process is doing, and a killed process must not leave a lock behind. An ``flock`` on a small
file per thing does both: it belongs to the open file, so another process (or another open in
this one) sees it held, and it goes when the file is closed, by the process or by its death.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def holding(path: Path) -> Iterator[bool]:
    """Hold the lock of ``path`` for the block; yields False when another holds it (or it cannot be made).

    A folder that cannot be written gives no lock (False): the work it guards then fails on the
    same folder anyway, with the store's own error.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = True
        except BlockingIOError:
            got = False
        yield got
    finally:
        os.close(fd)  # releases the lock


def held(path: Path) -> bool:
    """Whether a live process (this one included, through another open) holds the lock of ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False  # never locked here
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
