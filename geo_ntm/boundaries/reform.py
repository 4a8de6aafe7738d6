"""The 1 July 2025 reform: every commune goes into the new units the official mapping names.

Most old units go whole into one new unit (``full`` in the mapping), whose outline is then the
union of its predecessors'. Where an old unit went to several new units (``partial``), or land
held jointly by several units (see :mod:`.vintage`) ended in several new units, the mapping
does not say where the new border runs: that land is shared out by estimate (:mod:`.split`),
the new units' outlines are marked approximate with the reason, and the crosswalk carries the
estimated shares. Land whose holders all went into one new unit goes to it whole, exactly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pandas as pd

from geo_ntm.names import key, short_key, split_type

from .codelists import day_before
from .communes import CommuneHistory
from .geometry import area_km2, dissolve
from .history import Issue, Version, attribute_changes
from .split import Receiver, Share, share_out

APPROXIMATE = (
    "Outline drawn by estimate: it includes a share of {what}, which the 2025 mapping divides between "
    "{between} without the border; the share grows from the land known to be this unit's and is sized "
    "by the official areas (boundaries/README.md)."
)


def apply_reform(
    history: CommuneHistory,
    day: date,
    mapping: pd.DataFrame,
    after: pd.DataFrame,
    provinces: list[str],
    geoms: dict,
    annex: dict | None = None,
) -> dict[str, dict[str, object]]:
    """Put every current unit into the new units the mapping names for ``provinces``.

    ``geoms`` holds the base parts (part id → polygon); ``annex`` maps a new code to the
    non-administrative parts it takes in that day. Returns the base parts cut by estimate:
    part id → {new code: piece}; the caller replaces each such part by its pieces everywhere.
    """
    annex = annex or {}
    rows = mapping[(mapping["level"] == "commune") & mapping["province_code"].isin(provinces)]
    rows = _listed_codes(history, day, rows, after[after["province_code"].isin(provinces)])
    official = after.set_index("code")
    groups: dict[str, list] = {}
    receivers_of: dict[str, set] = defaultdict(set)
    consumed: set[str] = set()
    for new_code, group in rows.groupby("new_code", sort=True):
        preds = []
        for r in group.itertuples():
            version = history.current.get(r.old_code)
            if version is None:
                history.issues.append(
                    Issue(
                        day,
                        "commune",
                        r.old_code,
                        f"mapping puts {r.old_name} into {r.new_name}, but no unit has code {r.old_code} "
                        f"on {day_before(day)}; ignored",
                        "reform mapping",
                    )
                )
                continue
            if key(version.name) != key(r.old_name):
                problem = f"mapping calls it {r.old_name!r}, the list {version.name!r}"
                history.issues.append(Issue(day, "commune", r.old_code, problem, "reform mapping"))
            preds.append((version, bool(r.whole)))
            receivers_of[r.old_code].add(new_code)
            consumed.add(r.old_code)
        groups[new_code] = preds
    given, shares = _land_to_share(history, groups, receivers_of, annex)
    cut = _cut(groups, given, shares, official, geoms)
    province_of = dict(zip(rows["new_code"], rows["province_code"]))
    names = {**dict(zip(rows["new_code"], rows["new_name"])), **dict(zip(after["code"], after["name"]))}
    shares_of = defaultdict(list)
    for share in shares:
        for r in share.receivers:
            shares_of[r].append(share)
    for new_code, preds in groups.items():
        province, name = province_of[new_code], names[new_code]
        _new_unit(history, day, new_code, province, name, preds, given[new_code], cut, shares_of[new_code])
    for code in sorted(set(history.current) - consumed):
        if history.current[code].valid_from < day:
            problem = f"{history.current[code].name} is in no new unit of the mapping"
            history.issues.append(Issue(day, "commune", code, problem, "reform mapping"))
    return cut


def _listed_codes(history, day, rows, listed):
    """The mapping with each new unit under the code the July list gives it.

    The two sources disagree on a few codes (dvhcvn gives Xã Ia Mơ of Gia Lai 23737, the list
    23938): a new code absent from the list whose unit the list has, by name in the same
    province, under a code absent from the mapping, takes the list's code (reported).
    """
    unknown = set(rows["new_code"]) - set(listed["code"])
    spare = listed[~listed["code"].isin(set(rows["new_code"]))]
    by_name = {(p, key(n)): c for p, n, c in zip(spare["province_code"], spare["name"], spare["code"])}
    renamed = {}
    for code in sorted(unknown):
        row = rows[rows["new_code"] == code].iloc[0]
        found = by_name.get((row["province_code"], key(row["new_name"])))
        if found:
            renamed[code] = found
            problem = f"the mapping gives {row['new_name']} code {code}, the July 2025 list {found}; the list's is used"
            for c in (code, found):
                history.issues.append(Issue(day, "commune", c, problem, "reform mapping"))
    return rows.assign(new_code=rows["new_code"].replace(renamed)) if renamed else rows


def _land_to_share(history, groups, receivers_of, annex):
    """Land each new unit gets whole, and land (with its possible receivers) to share by estimate."""
    given: dict[str, set] = {code: set(annex.get(code, ())) for code in groups}
    shares: dict[frozenset, Share] = {}
    for new_code, preds in groups.items():
        for version, _ in preds:
            targets = receivers_of[version.code]
            own = version.parts or frozenset()
            if len(targets) == 1:
                given[new_code] |= own
            elif own:
                shares.setdefault(own, Share(sorted(own), sorted(targets)))
    held: dict[str, set] = defaultdict(set)
    for new_code, preds in groups.items():
        for version, _ in preds:
            for piece in version.shared:
                held[piece].add(new_code)
    for piece, targets in sorted(held.items()):
        if len(targets) == 1:
            given[next(iter(targets))].add(piece)
        else:
            shares.setdefault(frozenset([piece]), Share([piece], sorted(targets)))
    return given, list(shares.values())


def _cut(groups, given, shares: list[Share], official, geoms) -> dict[str, dict]:
    """Share out each connected set of shared land between its receivers."""
    cut: dict[str, dict] = {}
    for component in _components(shares):
        codes = sorted({r for s in component for r in s.receivers})
        land = sum(float(area_km2([geoms[p]])[0]) for s in component for p in s.parts)
        receivers = {}
        for code in codes:
            core = dissolve(geoms, given[code]) if given[code] else None
            known = float(area_km2([core])[0]) if core is not None else 0.0
            stated = official["area_km2"].get(code, np.nan) if code in official.index else np.nan
            target = float(stated) - known if stated == stated else land / len(codes)
            receivers[code] = Receiver(core, _seed(code, groups, official, geoms) if core is None else None, target)
        cut.update(share_out(geoms, component, receivers))
    return cut


def _components(shares: list[Share]) -> list[list[Share]]:
    """Shares linked by a common receiver are cut together (a receiver's target spans them)."""
    parent = list(range(len(shares)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, s in enumerate(shares):
        for r in s.receivers:
            if r in first:
                parent[find(i)] = find(first[r])
            else:
                first[r] = i
    out: dict[int, list] = defaultdict(list)
    for i, s in enumerate(shares):
        out[find(i)].append(s)
    return list(out.values())


def _seed(code, groups, official, geoms):
    """Where a new unit with no land of its own grows from: the predecessor whose name it took."""
    name = official["name"].get(code, "") if code in official.index else ""
    for version, _ in groups[code]:
        if version.parts and short_key(version.name) == short_key(name):
            return dissolve(geoms, version.parts)
    return None


def _new_unit(history, day, new_code, province, name, preds, given, cut, shares) -> None:
    parts = set(given)
    estimated = []
    for share in shares:  # the estimate decided what it got of each, even when that is nothing
        estimated.append(share)
        for p in share.parts:
            if new_code in cut.get(p, {}):
                parts.add(p if len(cut[p]) == 1 else f"{p}~{new_code}")
    versions = [v for v, _ in preds]
    succ = Version("commune", new_code, name, split_type(name)[0], province, province, day, frozenset(parts))
    if estimated:
        shared = {p for s in estimated for p in s.parts}
        olds = sorted({v.name for v in versions if (v.parts and set(v.parts) & shared) or v.shared & shared})
        between = sorted({r for s in estimated for r in s.receivers})
        succ.approximate = APPROXIMATE.format(
            what=", ".join(olds) or "land held jointly by its predecessors", between=", ".join(between)
        )
        succ.note = succ.approximate
    lacking = [v.name for v in versions if not v.parts and not {q.split("~")[0] for q in parts} & v.shared]
    if lacking and parts:
        succ.approximate = (succ.approximate + " " if succ.approximate else "") + (
            f"Outline incomplete: the base layer does not draw the land of {', '.join(lacking)}."
        )
        succ.note = succ.approximate
    if not parts:
        succ.note = "No land of its predecessors is known; its outline is unknown."
    changes = attribute_changes(versions[0], succ) if len(versions) == 1 else ()
    event = history._event(day, versions, [succ], changes, None)
    event.geometry_reconstructed = bool(parts)
    event.approximate = succ.approximate
