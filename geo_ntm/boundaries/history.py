"""Records of a boundary history: unit versions, events and the links between them.

A *version* is a unit as it was over an interval: same code, name, type, parent and territory.
A new version starts whenever one of those changes. An *event* is a dated reorganisation
(merge, split, partial transfer, rename, reclassification, district change, abolition, a
unit given a new code); its
*links* say which versions it ended (predecessors) and which it started (successors), with
the share of each predecessor's area that went to each successor when it is known.

Territory is recorded as a set of *parts*, the cleaned polygons of the base vintage (one per
commune of 2013, or a piece of one where a later split is drawn by estimate). A version's
geometry is the union of its parts, so layers nest exactly and area shares between any two
dates are sums of part areas. Land a version holds jointly with others, share unknown, is
``shared``: it stays out of each holder's outline (see :mod:`.vintage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

LEVELS = ("commune", "district", "province")
KINDS = (
    "merge",
    "split",
    "partial_transfer",
    "rename",
    "reclassification",
    "district_change",
    "abolition",
    "creation",
    "reorganisation",
    "code_change",
)


@dataclass
class Version:
    """One unit over one interval (``valid_to`` inclusive; None while still in force)."""

    level: str
    code: str
    name: str
    type: str
    parent_code: str
    province_code: str
    valid_from: date
    parts: frozenset[str] | None
    valid_to: date | None = None
    note: str = ""
    #: Land this unit holds jointly with others, whose share of it is not known (piece ids).
    shared: frozenset[str] = frozenset()
    #: Why the outline is approximate (a share of a split unit drawn by estimate); "" if not.
    approximate: str = ""

    @property
    def uid(self) -> str:
        return f"{self.code}@{self.valid_from.isoformat()}"

    @property
    def quality(self) -> str:
        """``exact`` (a union of base polygons), ``approximate`` (estimated or lacking land) or ``unknown``."""
        if not self.parts:
            return "unknown"
        return "approximate" if self.shared or self.approximate else "exact"


@dataclass
class Event:
    """A dated reorganisation and the versions it ended and started."""

    date: date
    level: str
    kind: str
    predecessors: list[Version]
    successors: list[Version]
    changes: tuple[str, ...] = ()
    legal_act: str | None = None
    legal_act_text: str | None = None
    legal_act_source: str | None = None
    geometry_reconstructed: bool = True
    area_km2: float | None = None
    note: str = ""
    shares: dict[tuple[str, str], float | None] = field(default_factory=dict)
    #: Why the successors' outlines are an estimate (see :mod:`.split`); "" when they are not.
    approximate: str = ""

    @property
    def sort_key(self) -> tuple:
        codes = sorted(v.code for v in (self.successors or self.predecessors))
        return (self.date, LEVELS.index(self.level), codes[0] if codes else "", self.kind)


@dataclass(frozen=True)
class Issue:
    """Something the build could not resolve from the sources, kept for the report."""

    date: date | None
    level: str
    code: str
    problem: str
    source: str = ""


def attribute_changes(before, after, fields: tuple[str, ...] = ("name", "type", "parent_code")) -> tuple[str, ...]:
    """Names of the attributes that differ between two versions (or Attrs-like records)."""
    return tuple(f for f in fields if getattr(before, f) != getattr(after, f))


def kind_of(changes: tuple[str, ...], n_pred: int, n_succ: int) -> str:
    """The primary kind of an event from its shape and the attributes that changed."""
    if n_pred == 0:
        return "creation"
    if n_succ == 0:
        return "abolition"
    if n_pred > 1 and n_succ == 1:
        return "merge"
    if n_pred == 1 and n_succ > 1:
        return "split"
    if n_pred > 1:
        return "reorganisation"
    if "code" in changes:
        return "code_change"
    if "type" in changes:
        return "reclassification"
    if "name" in changes:
        return "rename"
    if "parent_code" in changes:
        return "district_change"
    return "partial_transfer" if "parts" in changes else "rename"
