"""Base parts of a build: ids, the parts a unit is drawn with, and parts cut by estimate.

A *part* is one cleaned polygon of the base layer (see :mod:`.history`). Its id is its unit's
code (``code#2``… when a unit is drawn with several polygons) or ``NA…`` for land in no unit;
a part shared out by estimate at the reform (:mod:`.reform`) is replaced by its pieces,
``<part>~<new code>``, in every version that held it.
"""

from __future__ import annotations

import numpy as np
import shapely

from .communes import CommuneHistory
from .geometry import make_coverage
from .history import Issue
from .nonadmin import part_id


def part_ids(codes: list[str], polys) -> list[str]:
    """A base part's id: its unit's code (``code#2``… when a unit has several polygons), else ``NA…``."""
    seen: dict[str, int] = {}
    out = []
    for code, sid, row in zip(codes, polys["source_id"], polys["row"]):
        if not code:
            out.append(part_id(sid, int(row)))
            continue
        seen[code] = seen.get(code, 0) + 1
        out.append(code if seen[code] == 1 else f"{code}#{seen[code]}")
    return out


def lost_in_cleaning(parts: dict, codes, ids, polys, starts) -> list[Issue]:
    """Polygons that cleaning left empty (slivers in the source): their units have no outline."""
    issues = []
    for pid, code, name, row in zip(ids, codes, polys["name"], polys["row"]):
        if parts[pid].is_empty:
            del parts[pid]
            issues.append(
                Issue(
                    None,
                    "commune",
                    code or pid,
                    f"{name} (source row {int(row)}) is a sliver that coverage cleaning absorbed into its "
                    "neighbours; its outline is unknown",
                    "base polygons",
                )
            )
    return issues


def holdings(matching, codes, ids, polys, parts) -> tuple[dict, dict]:
    """Code → its own parts; code → parts it holds jointly with others (pools of :mod:`.vintage`)."""
    drawn: dict[str, set] = {}
    for code, pid in zip(codes, ids):
        if code and pid in parts:
            drawn.setdefault(code, set()).add(pid)
    by_row = dict(zip(polys["row"].astype(int), ids))
    shared: dict[str, set] = {}
    for found in matching.provinces.values():
        for rows, holders in found.pools:
            pool = {by_row[r] for r in rows if by_row[r] in parts}
            for code in holders:
                shared.setdefault(code, set()).update(pool)
    return {c: frozenset(s) for c, s in drawn.items()}, {c: frozenset(s) for c, s in shared.items()}


def part_rows(ids, codes, polys, listed, loose) -> list[dict]:
    return [
        {
            "part_id": pid,
            "name_2013": listed[c].name if c else name,
            "district_2013": listed[c].district if c else district,
            "source_id": sid,
            "source_row": int(row),
            "is_admin_unit": bool(c),
            "note": loose.note_of(pid) if not c else "",
        }
        for pid, c, sid, row, name, district in zip(
            ids, codes, polys["source_id"], polys["row"], polys["name"], polys["district"]
        )
    ]


def replace_parts(cut: dict, parts: dict, communes: CommuneHistory, loose, part_rows) -> list[dict]:
    """Replace each part shared out by its pieces, everywhere, and re-node the neighbourhood.

    The pieces are cut across a part's outline, adding vertices its neighbours lack; cleaning
    the pieces with their neighbours puts those vertices on both sides (a valid coverage).
    """
    pieces = {f"{p}~{code}": g for p, split in cut.items() if len(split) > 1 for code, g in split.items()}
    replaced = {p: [f"{p}~{code}" for code in split] for p, split in cut.items() if len(split) > 1}
    if not replaced:
        return part_rows
    others = [p for p in parts if p not in replaced]
    tree = shapely.STRtree(np.array([parts[p] for p in others], dtype=object))
    near = {others[i] for i in tree.query(np.array([parts[p] for p in replaced], dtype=object), "intersects")[1]}
    ids = sorted(near) + sorted(pieces)
    geoms = [parts[p] for p in sorted(near)] + [pieces[p] for p in sorted(pieces)]
    lat = float(np.mean(shapely.get_y(shapely.centroid(np.array(geoms, dtype=object)))))
    cleaned = make_coverage(geoms, 1.0 / (111_320 * np.cos(np.radians(lat))))
    for p in replaced:
        del parts[p]
    parts.update(zip(ids, cleaned))
    for v in communes.versions:
        if v.parts and v.parts & replaced.keys():
            v.parts = frozenset(q for p in v.parts for q in replaced.get(p, [p]))
    loose.replace(replaced)
    communes.replace_parts(replaced)
    rows = []
    for r in part_rows:
        if r["part_id"] not in replaced:
            rows.append(r)
            continue
        for q in replaced[r["part_id"]]:
            new = q.split("~")[1]
            note = (r["note"] + " " if r["note"] else "") + f"Estimated share going to {new} on the reform date."
            rows.append({**r, "part_id": q, "note": note})
    return rows
