"""What a failing SQLite store means to its users: a :class:`~geo_ntm.errors.StoreUnavailableError` naming the cause.

A full disk, a read-only file or directory, a busy lock or a damaged file are conditions of the
machine, not bugs: a client should hear which one (and that nothing was written) instead of an
"internal error". SQLite reports them as ``sqlite3.OperationalError`` and friends with a primary
result code; this module maps the codes to causes. Constraint violations and misuse of the API
(``IntegrityError``, ``ProgrammingError``) are bugs and are not translated. A PostgreSQL backend
maps its SQLSTATEs (``53100`` disk full, ``25006`` read-only transaction ...) onto the same causes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from geo_ntm.errors import StoreUnavailableError

_NOTHING = "nothing was written"
#: SQLite primary result code → (cause, what it means and what to do).
CAUSES: dict[int, tuple[str, str]] = {
    sqlite3.SQLITE_FULL: (
        "full",
        f"the disk that holds the status store is full; {_NOTHING}. Free space on it, then try again",
    ),
    sqlite3.SQLITE_READONLY: (
        "read_only",
        f"the status store is read-only (its file, its directory or its file system cannot be written); "
        f"{_NOTHING}. Make it writable again, then try again",
    ),
    sqlite3.SQLITE_PERM: (
        "read_only",
        f"the status store may not be written (permission denied); {_NOTHING}. Make it writable, then try again",
    ),
    sqlite3.SQLITE_CANTOPEN: (
        "cannot_open",
        "the status store cannot be opened (its file or directory is missing or cannot be written for the "
        "journal); check the GEO_NTM_STORE path and its permissions",
    ),
    sqlite3.SQLITE_IOERR: (
        "io",
        f"the disk that holds the status store failed to read or write (I/O error: it may be full, read-only "
        f"or failing); {_NOTHING}. Check the disk, then try again",
    ),
    sqlite3.SQLITE_BUSY: (
        "busy",
        f"the status store is busy (another process holds its write lock); {_NOTHING}. Try again in a moment",
    ),
    sqlite3.SQLITE_LOCKED: (
        "busy",
        f"the status store is locked by another transaction; {_NOTHING}. Try again in a moment",
    ),
    sqlite3.SQLITE_CORRUPT: (
        "damaged",
        "the status store file is damaged; restore it from a backup (the service cannot read or write it)",
    ),
    sqlite3.SQLITE_NOTADB: (
        "damaged",
        "the status store file is not a SQLite database; check the GEO_NTM_STORE path or restore a backup",
    ),
}


def unavailable(exc: BaseException) -> StoreUnavailableError | None:
    """The store condition behind ``exc``, or None when ``exc`` is not one (a bug, or not SQLite's)."""
    if not isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) or isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError
    ):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    found = CAUSES.get(code & 0xFF) if code is not None else None
    if found is None:
        return None
    return StoreUnavailableError(*found)


@contextmanager
def translated() -> Iterator[None]:
    """Run a block of store work; a store condition leaves it as a :class:`StoreUnavailableError`."""
    try:
        yield
    except sqlite3.Error as exc:
        error = unavailable(exc)
        if error is None:
            raise
        raise error from exc


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open; never let a failed rollback hide the error that caused it.

    SQLite ends a transaction by itself on some errors (a full disk during COMMIT): a ROLLBACK then
    fails with "cannot rollback - no transaction is active", which used to replace the real error.
    """
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # the connection is closed next, which rolls back whatever is left
