"""Land of the base vintage that belonged to no commune, and the units that held it over time.

The 2013 polygons draw a few areas that are not communes: in Bắc Giang the Cấm Sơn military
training area ("Trường bắn TB1", 230 km² in two pieces, in Lục Ngạn and Sơn Động). Such land
still lies in a district and a province, and an act can later move it to another district or
put it into a commune (NQ 1658/NQ-UBTVQH15 put all of TB1 into Xã Biên Sơn on 1 July 2025).
Dropping it would leave the districts and the province short and the commune that takes it in
far too small, so each piece is a base part like a commune's, and ``non_admin_areas.csv`` says
from which date which unit holds it. A piece with no row stays in the district it is drawn in
and in no commune: nothing is assigned without a source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from geo_ntm.errors import SourceError
from geo_ntm.names import fold, split_type

from .codelists import Attrs, CodeLists
from .history import Event
from .vintage import is_admin_name


@dataclass
class Piece:
    """One non-administrative polygon and where it belonged over time."""

    part_id: str
    source_id: str
    source_row: int
    name: str
    district_2013: str
    province_code: str
    district_code: str | None
    moves: list[tuple[date, str]] = field(default_factory=list)
    annexed: tuple[date, str] | None = None
    acts: dict[tuple[date, str], tuple[str, str, int]] = field(default_factory=dict)  # act, source, row
    #: ``non_admin`` (not a commune's name), ``pooled`` (held jointly by ``holders``) or ``unmatched``
    kind: str = "non_admin"
    holders: tuple[str, ...] = ()
    #: The part ids it is made of (itself, or its pieces once shared out by estimate)
    part_ids: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        if self.kind == "pooled":
            return (
                f"Named {self.name!r} in the base layer, which matches no listed unit; it is the land of "
                f"{', '.join(self.holders)}, which no polygon draws one by one (held jointly)."
            )
        if self.kind == "unmatched":
            return f"Named {self.name!r} in the base layer, which matches no listed unit: in no commune."
        return ""

    def district_on(self, day: date) -> str | None:
        """Code of the district holding the piece on ``day`` (ignoring any commune)."""
        held = self.district_code
        for start, code in sorted(self.moves):
            if start <= day:
                held = code
        return held


def part_id(source_id: str, row: int) -> str:
    """Id of a non-administrative part: never a GSO code, stable across builds of the same file."""
    return f"NA{source_id}" if source_id.isdigit() else f"NA-row{row}"


class NonAdminAreas:
    """The region's non-administrative pieces with their assignments, checked against the lists."""

    def __init__(self, pieces: list[Piece]):
        self.pieces = {p.part_id: p for p in pieces}

    @property
    def _of(self) -> dict[str, str]:
        """Part id (the piece itself, or one of its pieces) → piece id."""
        return {q: p.part_id for p in self.pieces.values() for q in p.part_ids}

    @classmethod
    def resolve(
        cls, polygons, codes, listed: dict[str, Attrs], table, provinces: list[str], path: str, matching=None
    ) -> NonAdminAreas:
        """Pieces of ``polygons`` whose code is empty, with the rows of ``table`` for ``provinces``.

        ``listed`` is the list each piece's district is looked up in (the list its province's
        polygons were matched to); ``matching`` (:mod:`.vintage`) says which pieces are held
        jointly by units, and which are named as communes but match none.
        """
        pools = {}
        for found in matching.provinces.values() if matching else ():
            for rows, holders in found.pools:
                pools.update({r: tuple(holders) for r in rows})
        pieces = []
        for row, sid, province, district, name, code in zip(
            polygons["row"], polygons["source_id"], polygons["province"], polygons["district"], polygons["name"], codes
        ):
            if code:
                continue
            pcode, dcode = _district_code(listed, province, district)
            kind = "pooled" if int(row) in pools else "unmatched" if is_admin_name(name) else "non_admin"
            pid = part_id(sid, int(row))
            holders = pools.get(int(row), ())
            pieces.append(Piece(pid, sid, int(row), name, district, pcode, dcode, [], None, {}, kind, holders, [pid]))
        by_source = {p.source_id: p for p in pieces}
        for r in table[table["province_code"].isin(provinces)].itertuples():
            piece = by_source.get(r.source_id)
            if piece is None:
                raise SourceError(path, f"no non-administrative polygon with id {r.source_id} in the region", row=r.row)
            if fold(piece.name) != fold(r.name_2013) or fold(piece.district_2013) != fold(r.district_2013):
                raise SourceError(
                    path,
                    f"polygon {r.source_id} is {piece.name!r} in {piece.district_2013!r}, "
                    f"not {r.name_2013!r} in {r.district_2013!r}",
                    row=r.row,
                )
            if r.level == "district":
                piece.moves.append((r.date, r.code))
            elif piece.annexed is not None:
                raise SourceError(path, f"polygon {r.source_id} is put into a commune twice", row=r.row)
            else:
                piece.annexed = (r.date, r.code)
            piece.acts[(r.date, r.level)] = (r.legal_act, r.source, r.row)
        return cls(pieces)

    def validate(self, lists: CodeLists, reform: date, new_codes: set[str], path: str) -> None:
        """Every district and commune named exists on its date (the reform's from the new list)."""
        for p in self.pieces.values():
            for day, code in p.moves:
                if day >= reform or not any(a.district_code == code for a in lists.on(day).values()):
                    row = p.acts[(day, "district")][2]
                    raise SourceError(
                        path, f"{p.name} ({p.source_id}) moves to district {code}, absent on {day}", row=row
                    )
            if p.annexed:
                day, code = p.annexed
                exists = code in new_codes if day == reform else day < reform and code in lists.on(day)
                if not exists:
                    row = p.acts[(day, "commune")][2]
                    raise SourceError(
                        path, f"{p.name} ({p.source_id}) goes into commune {code}, absent on {day}", row=row
                    )

    @property
    def dates(self) -> set[date]:
        """Days on which a piece changes hands."""
        out = {d for p in self.pieces.values() for d, _ in p.moves}
        return out | {p.annexed[0] for p in self.pieces.values() if p.annexed}

    def annexes(self, day: date) -> dict[str, frozenset[str]]:
        """Commune code → parts it takes in on ``day``."""
        out: dict[str, set[str]] = {}
        for p in self.pieces.values():
            if p.annexed and p.annexed[0] == day:
                out.setdefault(p.annexed[1], set()).add(p.part_id)
        return {c: frozenset(s) for c, s in out.items()}

    def loose_on(self, day: date) -> dict[str, tuple[str | None, str]]:
        """Part → (district code or None, old province code) of the pieces in no commune on ``day``."""
        return {
            q: (p.district_on(day), p.province_code)
            for p in self.pieces.values()
            if not (p.annexed and p.annexed[0] <= day)
            for q in p.part_ids
        }

    def note_of(self, pid: str) -> str:
        """Why a part is in no commune (for the ``parts`` layer)."""
        piece = self.pieces.get(pid)
        return piece.note if piece else ""

    def replace(self, replaced: dict[str, list[str]]) -> None:
        """Parts cut into pieces by estimate at the reform (see :mod:`.reform`)."""
        for p in self.pieces.values():
            p.part_ids = [q for pid in p.part_ids for q in replaced.get(pid, [pid])]

    def annotate(self, events: list[Event], part_area: dict[str, float]) -> None:
        """Say, on each event that moves a piece, which land moved and on what authority."""
        for e in events:
            before = frozenset().union(*(v.parts or () for v in e.predecessors))
            after = frozenset().union(*(v.parts or () for v in e.successors))
            if e.level == "commune":
                moved = sorted({self._of[q] for q in (after - before) if q in self._of})
                what = "takes in"
            else:
                moved = sorted({self._of[q] for q in self._moved_between(e) if q in self._of})
                what = "moves"
            if not moved:
                continue
            pieces = [self.pieces[m] for m in moved]
            area = sum(part_area[q] for p in pieces for q in p.part_ids if q in after | before)
            names = ", ".join(f"{p.name} ({p.district_2013})" for p in pieces)
            acts = [p.acts.get((e.date, e.level)) for p in pieces]
            sources = sorted({a[1] for a in acts if a})
            held = (
                "land that was in no commune"
                if all(p.kind != "pooled" for p in pieces)
                else ("land its predecessors held jointly, drawn as one polygon of the base layer")
            )
            text = f"It {what} {names}: {area:.2f} km² in the base polygons, {held}."
            if sources:
                text += " Source: " + " | ".join(sources)
            e.note = (e.note + " " if e.note else "") + text
            if not e.legal_act:
                e.legal_act = "; ".join(sorted({a[0] for a in acts if a and a[0]})) or None
                e.legal_act_source = "non_admin_areas.csv" if e.legal_act else e.legal_act_source

    @staticmethod
    def _moved_between(e: Event) -> frozenset[str]:
        """Parts that left a predecessor for a successor with another code."""
        out: set[str] = set()
        for p in e.predecessors:
            for s in e.successors:
                if p.code != s.code and p.parts and s.parts:
                    out |= p.parts & s.parts
        return frozenset(out)

    def layer_rows(self, part_area: dict[str, float]) -> list[dict]:
        """Rows of the ``non_admin`` layer: each piece and who held it."""
        rows = []
        for p in sorted(self.pieces.values(), key=lambda p: p.part_id):
            held = [f"district {p.district_code or '?'} (drawn in)"]
            held += [f"units {', '.join(p.holders)} jointly"] if p.holders else []
            held += [f"district {c} from {d.isoformat()}" for d, c in sorted(p.moves)]
            if p.annexed:
                held.append(f"commune {p.annexed[1]} from {p.annexed[0].isoformat()}")
            rows.append(
                {
                    "part_id": p.part_id,
                    "row": p.source_row,
                    "source_id": p.source_id,
                    "district": p.district_2013,
                    "name": p.name,
                    "area_km2": round(sum(part_area[q] for q in p.part_ids), 4),
                    "held_by": "; ".join(held),
                    "kind": p.kind,
                    "parts": ";".join(p.part_ids),
                }
            )
        return rows


def _district_code(listed: dict[str, Attrs], province: str, district: str) -> tuple[str, str | None]:
    """(province code, district code) of the district named ``district`` in the list.

    The full name decides first ("Huyện Long Mỹ", not "Thị xã Long Mỹ"), then the name
    without its type when only one district has it.
    """
    prov = fold(split_type(str(province))[1])
    in_province = [a for a in listed.values() if fold(split_type(a.province)[1]) == prov]
    pcode = in_province[0].province_code if in_province else ""
    exact = {a.district_code for a in in_province if fold(a.district) == fold(str(district))}
    if len(exact) == 1:
        return pcode, exact.pop()
    wanted = fold(split_type(str(district))[1])
    found = {a.district_code for a in in_province if fold(split_type(a.district)[1]) == wanted}
    return pcode, found.pop() if len(found) == 1 else None
