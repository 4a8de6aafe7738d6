"""Domain exceptions.

Every error a user can cause is one of these, with a message that names the bad value,
what was allowed, and how to fix it. The API maps each class to one HTTP status.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from geo_ntm import i18n


class GeoNtmError(Exception):
    """Base class of every error the library raises on purpose.

    An error made with :meth:`said` carries its catalogue key and values, so that a page can say
    it in the reader's language (:meth:`text`) while programs read the English ``str(exc)``.
    """

    key: str | None = None
    values: dict[str, Any] = {}

    @classmethod
    def said(cls, key: str, **values: Any):
        """The error whose message is the catalogue message ``key`` (dates are written per language)."""
        exc = cls(_fill("en", key, values))
        exc.key, exc.values = key, values
        return exc

    def text(self, lang: str) -> str:
        """The message in ``lang`` when it came from the catalogue, else as raised."""
        return _fill(lang, self.key, self.values) if self.key else str(self)


def _fill(lang: str, key: str, values: dict[str, Any]) -> str:
    """The message with its dates written per language, and a value that is a sentence itself
    (a :class:`geo_ntm.when.Note`) in the same language."""
    filled = {}
    for k, v in values.items():
        if isinstance(v, date):
            v = i18n.day_text(v, lang)
        elif callable(getattr(v, "text", None)):
            v = v.text(lang)
        filled[k] = v
    return i18n.text(lang, key, **filled)


class SourceError(GeoNtmError):
    """A source file is missing, malformed, or holds a bad row.

    Parameters
    ----------
    path : str
        The file, as the user named it (never an internal absolute path in API answers).
    message : str
        What is wrong and how to fix it.
    row : int or None
        1-based data row (header excluded) where the problem is, when known.
    column : str or None
        Column or field name where the problem is, when known.
    """

    def __init__(self, path: str, message: str, *, row: int | None = None, column: str | None = None):
        self.path = str(path)
        self.row = row
        self.column = column
        where = self.path
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class UnknownUnitError(GeoNtmError, LookupError):
    """No unit with this code (or on this date)."""

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        super().__init__(message or f"unknown unit code {code!r}")


class DateOutOfRangeError(GeoNtmError, ValueError):
    """A date outside the period the data covers."""


class InvalidParameterError(GeoNtmError, ValueError):
    """An argument has a value outside what is allowed (the message lists what is)."""


class CRSError(GeoNtmError, ValueError):
    """The coordinate reference system of a file cannot be determined or is not usable."""


class GeometryError(GeoNtmError, ValueError):
    """A geometry is missing, empty, of the wrong type, or invalid beyond repair."""


class ConflictError(GeoNtmError):
    """The change conflicts with what is stored (a duplicate, or a record already corrected)."""


class TooLargeError(GeoNtmError):
    """An upload or request is larger than allowed."""


class NotFoundError(GeoNtmError, LookupError):
    """A named resource (a layer, a list version, a page) does not exist."""


class StaleVersionError(ConflictError):
    """The record changed since the client read it (its If-Match no longer names the current version)."""


class StoreUnavailableError(GeoNtmError):
    """The status store cannot be read or written just now: its disk is full, it is read-only, busy or damaged.

    Nothing was written. ``cause`` names the condition (``full``, ``read_only``, ``busy``, ``io``,
    ``cannot_open``, ``damaged``, and ``unreachable`` for a PostgreSQL server that cannot be reached)
    so that callers can say what to do; the message says it in words.
    It is the operator's problem, not the client's: the API answers 503 with ``Retry-After``.
    """

    def __init__(self, cause: str, message: str):
        self.cause = cause
        super().__init__(message)
