"""District and province history, derived from the communes.

A district's territory on a date is the union of its communes' parts; its name and type come
from the code list of that date. Comparing consecutive dates gives the district versions and
the events between them: a district gaining all of another is a merge, one giving part of
itself to a new district is a split, a changed name or type is a rename or reclassification.
Provinces are derived the same way. Geometry is never taken from another source, so the
layers nest exactly. Land in no commune (:mod:`.nonadmin`) is added to the district and
province that hold it on the date.

When land passes between two units that both go on (a district losing a piece to its
neighbour), the loser's event is a partial transfer to the neighbour, kept apart from whatever
else the neighbour did that day (e.g. a split), instead of one tangle of every unit involved.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from geo_ntm.names import split_type

from .codelists import CodeLists, day_before
from .history import Event, Version, attribute_changes, kind_of


def _valid(v: Version, day: date) -> bool:
    return v.valid_from <= day and (v.valid_to is None or day <= v.valid_to)


def derive_level(
    level: str,
    communes: list[Version],
    lists: CodeLists,
    reform: date,
    after_reform: dict[str, str],
    part_area: dict[str, float],
    dates: list[date],
    initial: set[date],
    loose=None,
    province_after: dict[str, str] | None = None,
) -> tuple[list[Version], list[Event]]:
    """Versions and events of districts (``level="district"``) or provinces.

    ``after_reform`` maps a province code to its name from the reform date (districts have
    none after it). ``dates`` are the days to compare (every change of the communes or of the
    lists); on the ``initial`` days, units appearing from nothing are the start of the
    history, not creations. ``loose(day)`` gives the parts in no commune that day, each with
    its (district, old province) codes; ``province_after`` maps an old province to the new one
    that holds such land from the reform on.
    """
    versions: list[Version] = []
    events: list[Event] = []
    current: dict[str, Version] = {}
    for day in sorted(set(dates)):
        live = [v for v in communes if _valid(v, day)]
        wanted = _snapshot(
            level, live, lists, day, reform, after_reform, loose(day) if loose else {}, province_after or {}
        )
        ended = [c for c in current if c not in wanted or not _same(current[c], wanted[c])]
        started = {c: w for c, w in wanted.items() if c not in current or not _same(current[c], w)}
        groups, transfers = _components([current[c] for c in ended], list(started.values()))
        todays: list[Event] = []
        for group_preds, group_succs in groups:
            for p in group_preds:
                p.valid_to = day_before(day)
            for s in group_succs:
                versions.append(s)
            if not group_preds and day in initial:
                continue
            changes = (
                attribute_changes(group_preds[0], group_succs[0]) if len(group_preds) == len(group_succs) == 1 else ()
            )
            if len(group_preds) == len(group_succs) == 1 and group_preds[0].parts != group_succs[0].parts:
                changes += ("parts",)
            todays.append(
                Event(
                    day, level, kind_of(changes, len(group_preds), len(group_succs)), group_preds, group_succs, changes
                )
            )
        for p, s in transfers:
            event = next(e for e in todays if p in e.predecessors)
            if s not in event.successors:
                event.successors = sorted([*event.successors, s], key=lambda v: v.code)
            event.kind = "partial_transfer"
            event.changes = tuple(dict.fromkeys((*event.changes, "parts")))
        for event in todays:
            for p in event.predecessors:
                for s in event.successors:
                    event.shares[(p.uid, s.uid)] = _share(p.parts, s.parts, part_area)
        events.extend(todays)
        for c in ended:
            current.pop(c, None)
        current.update(started)
    return versions, events


def _snapshot(level, live, lists, day, reform, after_reform, loose, province_after) -> dict[str, Version]:
    members: dict[str, set] = defaultdict(set)
    attrs: dict[str, tuple[str, str]] = {}
    names = _names(lists.on(day)) if day < reform else {}
    for v in live:
        if day >= reform:
            if level == "district":
                continue
            code, name, parent = v.province_code, after_reform[v.province_code], ""
        elif level == "district":
            code, name, parent = v.parent_code, names.get(("d", v.parent_code), v.parent_code), v.province_code
        else:
            code, name, parent = v.province_code, names.get(("p", v.province_code), v.province_code), ""
        members[code].update(v.parts or ())
        attrs.setdefault(code, (name, parent))
    held = frozenset().union(*(v.parts or () for v in live))
    for part, (district, province) in loose.items():
        if day >= reform:  # districts are gone; the land is in the new province of its old one
            code = (province_after.get(province) or next(iter(after_reform))) if level == "province" else None
        else:
            code = district if level == "district" else province
        if part not in held and code in attrs:  # a unit not yet covered on ``day`` holds nothing
            members[code].add(part)
    return {
        code: Version(
            level,
            code,
            attrs[code][0],
            split_type(attrs[code][0])[0],
            attrs[code][1],
            attrs[code][1] if level == "district" else code,
            day,
            frozenset(parts),
            note="" if parts else "None of its communes is drawn in the base layer; its outline is unknown.",
        )
        for code, parts in members.items()
    }


def _names(listed: dict) -> dict[tuple[str, str], str]:
    """("d", district code) and ("p", province code) → name, from one day's list."""
    found: dict[tuple[str, str], str] = {}
    for a in listed.values():
        found.setdefault(("d", a.district_code), a.district)
        found.setdefault(("p", a.province_code), a.province)
    return found


def _same(a: Version, b: Version) -> bool:
    return (a.name, a.type, a.parent_code, a.parts) == (b.name, b.type, b.parent_code, b.parts)


def _components(preds: list[Version], succs: list[Version]):
    """Group ended and started versions into events: connected by shared parts or code.

    A part passing from a predecessor to a successor of another code, when both codes go on,
    is a transfer, not a tie: returns the groups and the (predecessor, successor) transfers.
    """
    nodes = [("p", v) for v in preds] + [("s", v) for v in succs]
    parent = list(range(len(nodes)))
    going_on = {v.code for v in preds} & {v.code for v in succs}
    transfers = []

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (side_a, a) in enumerate(nodes):
        for j in range(i + 1, len(nodes)):
            side_b, b = nodes[j]
            if a.code != b.code and a.parts & b.parts and side_a != side_b and {a.code, b.code} <= going_on:
                transfers.append((a, b) if side_a == "p" else (b, a))
            elif a.code == b.code or (a.parts & b.parts):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for i, (side, v) in enumerate(nodes):
        groups[find(i)][0 if side == "p" else 1].append(v)
    ordered = sorted(groups.values(), key=lambda g: min(v.code for v in g[0] + g[1]))
    return [(sorted(p, key=lambda v: v.code), sorted(s, key=lambda v: v.code)) for p, s in ordered], transfers


def _share(pred: frozenset, succ: frozenset, part_area: dict[str, float]) -> float | None:
    total = sum(part_area[p] for p in pred)
    if not total:
        return None
    return sum(part_area[p] for p in pred & succ) / total
