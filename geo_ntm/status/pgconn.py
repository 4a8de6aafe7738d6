"""A psycopg connection that takes the store's SQL as SQLite does, and what a failing PostgreSQL means.

The store's SQL (:mod:`.store`, :mod:`.writer`, :mod:`.queries`, :mod:`.uploads`,
:mod:`geo_ntm.auth`) is the subset both databases share, written with SQLite's ``?``
placeholders and read by column name or position (``sqlite3.Row``). :class:`Connection` turns
``?`` into psycopg's ``%s`` (once per statement text) and makes rows that read the same way, so
that every line of that SQL runs unchanged on both backends.

PostgreSQL conditions map onto the causes SQLite's do (:mod:`.store_errors`): a full disk, a
read-only server, a busy lock, a failing disk, a damaged file, and one SQLite does not have, a
server that cannot be reached. Each becomes a :class:`~geo_ntm.errors.StoreUnavailableError`
(503 with the cause in words); constraint violations and SQL errors are bugs and stay as they are.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
from psycopg_pool import PoolTimeout

from geo_ntm.errors import InvalidParameterError, StoreUnavailableError

from .store_errors import CAUSES

_NOTHING = "nothing was written"
#: SQLSTATE class or code → the cause (with SQLite's wording where the condition is the same).
_BY_STATE: dict[str, tuple[str, str]] = {
    "53100": CAUSES[sqlite3.SQLITE_FULL],  # disk_full: the same condition, the same words
    "25006": (
        "read_only",
        f"the status store's database is read-only (a standby, or default_transaction_read_only); {_NOTHING}. "
        "Point GEO_NTM_STORE at the primary, then try again",
    ),
    "42501": (
        "read_only",
        f"the status store's database user may not write these tables (permission denied); {_NOTHING}. "
        "Grant it INSERT and UPDATE, then try again",
    ),
    "58030": CAUSES[sqlite3.SQLITE_IOERR],  # io_error
    "XX001": ("damaged", "the status store's database reports damaged data; restore it from a backup"),
    "XX002": ("damaged", "the status store's database reports a damaged index; REINDEX it or restore a backup"),
    "40001": ("busy", f"the status store is busy (a transaction conflicted with another); {_NOTHING}. Try again"),
    "40P01": ("busy", f"the status store is busy (a deadlock was broken); {_NOTHING}. Try again"),
    "55P03": ("busy", f"the status store is locked by another transaction; {_NOTHING}. Try again in a moment"),
    "57014": ("busy", f"the status store did not answer in time (statement timeout); {_NOTHING}. Try again"),
    "53300": ("busy", f"the status store's database has no free connection; {_NOTHING}. Try again in a moment"),
    "53200": ("busy", f"the status store's database is out of memory; {_NOTHING}. Try again in a moment"),
}
UNREACHABLE = (
    "unreachable",
    "the status store's database (PostgreSQL) cannot be reached: the connection was refused or lost. Try "
    "again in a moment (a write sent with an Idempotency-Key can be sent again safely); check GEO_NTM_STORE "
    "and that the server runs",
)
_POOL = ("busy", f"every connection to the status store is in use; {_NOTHING}. Try again in a moment")


def unavailable(exc: BaseException) -> StoreUnavailableError | None:
    """The store condition behind a psycopg error, or None (a bug: constraint, syntax, misuse)."""
    if isinstance(exc, PoolTimeout):
        return StoreUnavailableError(*_POOL)
    if not isinstance(exc, psycopg.Error) or isinstance(exc, psycopg.IntegrityError | psycopg.ProgrammingError):
        return None
    state = exc.sqlstate or ""
    found = _BY_STATE.get(state)
    if found is not None:
        return StoreUnavailableError(*found)
    if isinstance(exc, psycopg.OperationalError) and (not state or state[:2] in ("08", "57")):
        return StoreUnavailableError(*UNREACHABLE)  # connection failures, admin/crash shutdown, cannot connect now
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Run a block of store work; a store condition leaves it as a :class:`StoreUnavailableError`."""
    try:
        yield
    except (psycopg.Error, PoolTimeout) as exc:
        error = unavailable(exc)
        if error is None:
            raise
        raise error from exc


class Row:
    """A row read by position or by column name, like ``sqlite3.Row`` (and ``dict(row)`` works)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence):
        self._index, self._values = index, values

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other) -> bool:
        return isinstance(other, Row) and tuple(self) == tuple(other) and self.keys() == other.keys()

    __hash__ = None

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))})"


def row_factory(cursor: psycopg.Cursor):
    """psycopg's row factory protocol: called per result, returns the maker of each row."""
    names = [c.name for c in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}
    return functools.partial(Row, index)


@functools.lru_cache(maxsize=512)
def to_psycopg(sql: str) -> str:
    """``?`` placeholders as ``%s``; a literal ``%`` doubled (the store's SQL has no ``?`` in a string)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _checked(args: Sequence) -> tuple:
    for value in args:
        if isinstance(value, str) and "\x00" in value:
            raise InvalidParameterError(
                "a text value contains the NUL character (U+0000), which the status store (PostgreSQL) cannot "
                "keep; remove it and send again"
            )
    return tuple(args)


class Connection:
    """One psycopg connection (autocommit off inside ``transaction()``), speaking the store's SQL."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, args: Sequence = ()) -> psycopg.Cursor:
        return self.raw.execute(to_psycopg(sql), _checked(args))

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        """Many rows of one statement, pipelined (psycopg sends them without waiting for each answer)."""
        with self.raw.cursor() as cur:
            cur.executemany(to_psycopg(sql), [_checked(r) for r in rows])
