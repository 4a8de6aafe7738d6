"""Shared by the planning modules: inputs, counts, parents and chains of units."""

from __future__ import annotations

from datetime import date

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import InvalidParameterError
from geo_ntm.plain import plain
from geo_ntm.status.derive import StatusBook
from geo_ntm.status.service import StatusService
from geo_ntm.status.snapshot import Snapshot


def inputs(source) -> Snapshot:
    """The :class:`Snapshot` to read: given, or the current one of a :class:`StatusService`."""
    if isinstance(source, Snapshot):
        return source
    if isinstance(source, StatusService):
        return source.snapshot()
    raise InvalidParameterError(f"expected a StatusService or a Snapshot, not {type(source).__name__}")


def count(value) -> int | None:
    """An integer count from a frame cell (float or None)."""
    value = plain(value)
    return None if value is None else int(value)


def parent_name(atlas: Atlas, code: str | None, day: date) -> str | None:
    """Name of the unit with ``code`` in force on ``day`` (a district, or the province after 2025)."""
    if not code:
        return None
    u = atlas.units
    found = u[(u["code"] == code) & (u["valid_from"] <= day) & (u["valid_to"] >= day)]
    return None if found.empty else found["name"].iloc[0]


def version_span(row) -> dict:
    return {"valid_from": plain(row["valid_from"]), "valid_to": plain(row["valid_to"])}


def chain_of(book: StatusBook, uid: str) -> list[str]:
    """Versions sharing ``uid``'s status history (its chain), oldest first."""
    root = book.root[uid]
    units = book.atlas.units
    return sorted((u for u, r in book.root.items() if r == root), key=lambda u: units.loc[u, "valid_from"])
