"""Find the unit a spreadsheet row means: by code, or by name among the units in force that day.

A :class:`Gazetteer` is built once per import from an :class:`~geo_ntm.boundaries.atlas.Atlas`.
Name look-ups go through :mod:`geo_ntm.matching` (missing diacritics, "Xã"/"X."/"TT"
prefixes, OCR damage such as "Son Pong"), with the candidates being the units of that level in
force on the signing date, of the district when one is known. The name indexes are cached
per period between two boundary changes, so a sheet of a few hundred rows builds a handful.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from geo_ntm.boundaries.atlas import OPEN_END, Atlas
from geo_ntm.errors import GeoNtmError
from geo_ntm.matching import Match, NameIndex, normalize_query

#: Lowest score offered as a "did you mean" when nothing matched.
HINT_SCORE = 0.45


@dataclass(frozen=True)
class Version:
    """One version of a unit, as the atlas holds it."""

    uid: str
    level: str
    code: str
    name: str
    type: str
    parent_code: str
    valid_from: date
    valid_to: date

    def live(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def span(self) -> str:
        end = "" if self.valid_to == OPEN_END else self.valid_to.isoformat()
        return f"{self.valid_from.isoformat()}…{end}"


@dataclass
class Found:
    """Outcome of a look-up: the version (or None), how it was found, and the shortlist."""

    version: Version | None
    how: str  # "exact", "folded", "fuzzy", "other type" (same name, another unit type); "" when not found
    score: float
    problem: str | None
    candidates: list[dict]


class Gazetteer:
    """Units of an atlas by code, by date and by name."""

    def __init__(self, atlas: Atlas):
        self.atlas = atlas
        self.versions = [
            Version(r.uid, r.level, r.code, r.name, r.type, r.parent_code, r.valid_from, r.valid_to)
            for r in atlas.units.itertuples()
        ]
        self.by_uid = {v.uid: v for v in self.versions}
        self.by_code: dict[str, list[Version]] = {}
        for v in sorted(self.versions, key=lambda v: v.valid_from):
            self.by_code.setdefault(v.code, []).append(v)
        self._breaks: dict[str, list[date]] = {}
        for level in {v.level for v in self.versions}:
            days = {v.valid_from for v in self.versions if v.level == level}
            days |= {
                v.valid_to + timedelta(days=1) for v in self.versions if v.level == level and v.valid_to < OPEN_END
            }
            self._breaks[level] = sorted(days)
        self._live: dict[tuple, list[Version]] = {}
        self._indexes: dict[tuple, NameIndex] = {}

    # -- by code and date ----------------------------------------------------------------
    def live(self, level: str, day: date, parent: str | None = None) -> list[Version]:
        """Versions of ``level`` in force on ``day`` (children of ``parent`` when given)."""
        k = (level, bisect_right(self._breaks.get(level, []), day), parent)
        if k not in self._live:
            self._live[k] = [
                v
                for v in self.versions
                if v.level == level and v.live(day) and (parent is None or v.parent_code == parent)
            ]
        return self._live[k]

    def on(self, code: str, level: str, day: date) -> Version:
        """The version with ``code`` in force on ``day``; ValueError says what the code was otherwise."""
        for v in self.by_code.get(code, ()):
            if v.live(day):
                if v.level != level:
                    raise ValueError(f"{code} is a {v.level} code ({v.name}), not a {level} code")
                return v
        try:
            self.atlas.unit(code, on=day)  # for the atlas's own message: the spans the code had
        except GeoNtmError as exc:
            raise ValueError(str(exc)) from None
        raise ValueError(f"unit {code} did not exist on {day.isoformat()}")  # pragma: no cover

    def parent(self, v: Version, day: date) -> Version | None:
        """The district a commune belonged to on ``day`` (None when there was none)."""
        for p in self.by_code.get(v.parent_code, ()):
            if p.level == "district" and (p.live(day) or p.live(min(v.valid_to, day))):
                return p
        return None

    # -- by name -------------------------------------------------------------------------
    def _index(self, level: str, day: date | None, parent: str | None) -> NameIndex:
        period = None if day is None else bisect_right(self._breaks.get(level, []), day)
        k = (level, period, parent)
        if k not in self._indexes:
            pool = [v for v in self.versions if v.level == level] if day is None else self.live(level, day, parent)
            self._indexes[k] = NameIndex((v.uid, v.name) for v in pool)
        return self._indexes[k]

    def candidate(self, m: Match, day: date) -> dict:
        v = self.by_uid[m.id]
        p = self.parent(v, day) if v.level == "commune" else None
        return {
            "code": v.code,
            "name": v.name,
            "district_code": p.code if p else None,
            "district": p.name if p else None,
            "score": round(m.score, 3),
            "how": m.how,
            "valid": v.span(),
        }

    def find(self, name: str, level: str, day: date, district: Version | None = None) -> Found:
        """The unit of ``level`` named ``name`` on ``day``, within ``district`` when given."""
        where = f" in {district.name}" if district else ""
        res = self._index(level, day, district.code if district else None).resolve(name)
        cands = [self.candidate(m, day) for m in res.candidates]
        if res.status == "matched":
            v, how = self.by_uid[res.match.id], res.match.how
            hint = normalize_query(name)[0]
            if hint and v.type and hint != v.type:
                # "Xã X" found "Thị trấn X": was there another unit "Xã X" before? (The same code
                # under another type is the same unit, reclassified: "Thị xã Quế Võ" in 2022.)
                gone = [m for m in self._index(level, None, None).match(name, limit=None, min_score=0.95)
                        if not self.by_uid[m.id].live(day) and self.by_uid[m.id].type == hint
                        and self.by_uid[m.id].code != v.code]  # fmt: skip
                if gone:
                    spans = "; ".join(f"{self.by_uid[m.id].code} {m.name} {self.by_uid[m.id].span()}" for m in gone)
                    problem = (f"no {hint.lower()} named {name!r} existed on {day.isoformat()} (the signing date): "
                               f"{spans}; {v.name} was in force")  # fmt: skip
                    return Found(None, "", 0.0, problem, [self.candidate(m, day) for m in [*gone, res.match]])
                how = "other type"
            return Found(v, how, res.match.score, None, cands)
        if res.status == "ambiguous":
            hint = "add a district column or use codes" if district is None else "use codes"
            return Found(
                None,
                "",
                0.0,
                f"{len(cands)} {level}s{where} on {day.isoformat()} are named like {name!r}; {hint}",
                cands,
            )
        if district is not None:
            wider = self._index(level, day, None).resolve(name)
            if wider.status != "unmatched":
                return Found(
                    None,
                    "",
                    0.0,
                    f"no {level} named {name!r}{where} on {day.isoformat()}; "
                    "the names below are elsewhere: check the district",
                    [self.candidate(m, day) for m in wider.candidates],
                )
        ever = [
            m
            for m in self._index(level, None, None).match(name, limit=None, min_score=0.95)
            if not self.by_uid[m.id].live(day)
        ]
        if ever:
            spans = "; ".join(f"{self.by_uid[m.id].code} {m.name} {self.by_uid[m.id].span()}" for m in ever[:5])
            return Found(
                None,
                "",
                0.0,
                f"no {level} named {name!r} existed on {day.isoformat()} (the signing date); "
                f"that name was in force: {spans}",
                [self.candidate(m, day) for m in ever[:5]],
            )
        near = self._index(level, day, district.code if district else None).match(name, limit=3, min_score=HINT_SCORE)
        return Found(
            None,
            "",
            0.0,
            f"no {level} named {name!r}{where} on {day.isoformat()}",
            [self.candidate(m, day) for m in near],
        )

    def agrees(self, name: str, v: Version) -> Match | None:
        """How well a written name fits a unit found by code (None: not at all)."""
        return NameIndex([(v.uid, v.name)]).best(name)
