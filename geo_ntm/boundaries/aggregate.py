"""District and province history, derived from the communes.

A district's territory on a date is the union of its communes' parts; its name and type come
from the code list of that date. Comparing consecutive dates gives the district versions and
the events between them: a district gaining all of another is a merge, one giving part of
itself to a new district is a split, a changed name or type is a rename or reclassification.
Provinces are derived the same way. Geometry is never taken from another source, so the
layers nest exactly.
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
) -> tuple[list[Version], list[Event]]:
    """Versions and events of districts (``level="district"``) or provinces.

    ``after_reform`` maps a province code to its name from the reform date (districts have
    none after it). ``dates`` are the days to compare (every change of the communes or of the
    lists); on the ``initial`` days, units appearing from nothing are the start of the
    history, not creations.
    """
    versions: list[Version] = []
    events: list[Event] = []
    current: dict[str, Version] = {}
    for day in sorted(set(dates)):
        live = [v for v in communes if _valid(v, day)]
        wanted = _snapshot(level, live, lists, day, reform, after_reform)
        ended = [c for c in current if c not in wanted or not _same(current[c], wanted[c])]
        started = {c: w for c, w in wanted.items() if c not in current or not _same(current[c], w)}
        for group_preds, group_succs in _components(
            [current[c] for c in ended], list(started.values()), current, wanted
        ):
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
            event = Event(
                day, level, kind_of(changes, len(group_preds), len(group_succs)), group_preds, group_succs, changes
            )
            for p in group_preds:
                for s in group_succs:
                    event.shares[(p.uid, s.uid)] = _share(p.parts, s.parts, part_area)
            events.append(event)
        for c in ended:
            current.pop(c, None)
        current.update(started)
    return versions, events


def _snapshot(level, live, lists, day, reform, after_reform) -> dict[str, Version]:
    members: dict[str, set] = defaultdict(set)
    attrs: dict[str, tuple[str, str]] = {}
    listed = lists.on(day) if day < reform else {}
    for v in live:
        if day >= reform:
            if level == "district":
                continue
            code, name, parent = v.province_code, after_reform[v.province_code], ""
        else:
            a = listed[v.code]
            if level == "district":
                code, name, parent = a.district_code, a.district, a.province_code
            else:
                code, name, parent = a.province_code, a.province, ""
        members[code].update(v.parts or ())
        attrs.setdefault(code, (name, parent))
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
        )
        for code, parts in members.items()
    }


def _same(a: Version, b: Version) -> bool:
    return (a.name, a.type, a.parent_code, a.parts) == (b.name, b.type, b.parent_code, b.parts)


def _components(preds: list[Version], succs: list[Version], current, wanted):
    """Group ended and started versions into events: connected by shared parts or code."""
    nodes = [("p", v) for v in preds] + [("s", v) for v in succs]
    parent = list(range(len(nodes)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, a) in enumerate(nodes):
        for j in range(i + 1, len(nodes)):
            b = nodes[j][1]
            if a.code == b.code or (a.parts & b.parts):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for i, (side, v) in enumerate(nodes):
        groups[find(i)][0 if side == "p" else 1].append(v)
    for _, (p, s) in sorted(groups.items(), key=lambda kv: min(v.code for v in kv[1][0] + kv[1][1])):
        yield sorted(p, key=lambda v: v.code), sorted(s, key=lambda v: v.code)


def _share(pred: frozenset, succ: frozenset, part_area: dict[str, float]) -> float | None:
    total = sum(part_area[p] for p in pred)
    if not total:
        return None
    return sum(part_area[p] for p in pred & succ) / total
