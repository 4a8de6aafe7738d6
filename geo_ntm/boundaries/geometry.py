"""Polygons of the base vintage: matched to codes, cleaned into a coverage, measured.

The 2013 polygons were thinned one by one, so neighbours overlap a little and leave slivers
between them. :func:`clean_coverage` turns them into a coverage (no overlaps, no gaps
narrower than a stated width, identical shared edges) so that every later unit, made by
dissolving its predecessors, nests exactly in its district and province.
"""

from __future__ import annotations

from difflib import SequenceMatcher

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from geo_ntm.errors import SourceError
from geo_ntm.names import fold, split_type

from .codelists import Attrs

_GEOD = Geod(ellps="WGS84")
COMMUNE_TYPES = ("Xã", "Phường", "Thị trấn")


def area_km2(geoms) -> np.ndarray:
    """Geodesic area (WGS84 ellipsoid) of each geometry, in km²; 0 for missing ones."""
    out = []
    for geom in np.atleast_1d(geoms):
        if geom is None or geom.is_empty:
            out.append(0.0)
        else:
            out.append(abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6)
    return np.asarray(out)


def match_codes(polygons, listed: dict[str, Attrs], path: str) -> tuple[pd.Series, list[dict]]:
    """Give each polygon the GSO code of the listed unit it draws.

    A polygon matches a listed unit of its province and district by unit type and name
    compared without diacritics, then by name alone. A polygon whose name carries no commune
    type (e.g. "Trung tâm huấn luyện Cấm Sơn", a military area) is not an administrative unit:
    its code is empty and it is reported. A polygon that should be a unit but matches none,
    or matches one already taken, raises :class:`SourceError` naming the feature.

    When a name matches nothing exactly, a unit of the same district and type whose name is
    spelt nearly the same is taken if it is the only one, and reported.

    Returns the codes (aligned with ``polygons``), the non-administrative areas, and the
    polygons matched by similar spelling.
    """
    index: dict[tuple, list[str]] = {}
    for code, a in listed.items():
        district = fold(split_type(a.district)[1])
        short = fold(split_type(a.name)[1])
        index.setdefault((district, fold(a.type), short), []).append(code)
        index.setdefault((district, "", short), []).append(code)
    codes, non_admin, spelled, taken = [], [], [], {}
    for row, district, name in zip(polygons["row"], polygons["district"], polygons["name"]):
        unit_type, short = split_type(name)
        if unit_type not in COMMUNE_TYPES:
            codes.append("")
            non_admin.append({"row": int(row), "district": district, "name": name})
            continue
        dkey = fold(split_type(district)[1])
        found = index.get((dkey, fold(unit_type), fold(short))) or index.get((dkey, "", fold(short)), [])
        if not found:
            found = _similar(index, dkey, fold(unit_type), fold(short))
            if len(found) == 1:
                spelled.append({"row": int(row), "name": name, "code": found[0], "listed": listed[found[0]].name})
        if len(found) != 1:
            what = "no unit" if not found else f"several units {found}"
            raise SourceError(path, f"{name!r} in {district!r} matches {what} of the code list", row=row)
        if found[0] in taken:
            raise SourceError(
                path, f"{name!r} matches code {found[0]}, already drawn by row {taken[found[0]]}", row=row
            )
        taken[found[0]] = int(row)
        codes.append(found[0])
    missing = sorted(set(listed) - set(taken))
    if missing:
        names = [listed[c].name for c in missing[:5]]
        raise SourceError(path, f"no polygon for listed unit(s) {missing[:5]} {names}")
    return pd.Series(codes, index=polygons.index), non_admin, spelled


def _similar(index: dict, district: str, unit_type: str, short: str) -> list[str]:
    """Codes of the one unit of the district and type whose name differs by a letter or two.

    Spellings drift between sources ("Xa Lý" in 2013, "Sa Lý" in the 2025 list).
    """
    scored = sorted(
        (SequenceMatcher(None, short, name).ratio(), codes)
        for (d, t, name), codes in index.items()
        if d == district and t == unit_type and t
    )
    if scored and scored[-1][0] >= 0.75 and (len(scored) == 1 or scored[-2][0] < scored[-1][0] - 0.1):
        return scored[-1][1]
    return []


def clean_coverage(geoms, gap_width_m: float) -> tuple[np.ndarray, dict]:
    """Make polygons a clean coverage: no overlaps, no gaps narrower than ``gap_width_m``.

    Overlaps go to the neighbour with the longest shared border; gaps narrower than the
    width go to the neighbour with the longest border too. Wider gaps stay and are reported.
    Coordinates are degrees, so the width is converted at the polygons' mean latitude.

    Returns the cleaned geometries and a report: overlap and gap areas before, gaps left,
    and the distribution of each polygon's area change.
    """
    geoms = np.asarray(geoms, dtype=object)
    lat = float(np.mean([g.centroid.y for g in geoms]))
    width_deg = gap_width_m / (111_320 * np.cos(np.radians(lat)))
    before = area_km2(geoms)
    union_before = shapely.union_all(geoms)
    cleaned = shapely.coverage_clean(geoms, gap_width=width_deg)
    cleaned = np.array([_polygonal(g) for g in cleaned], dtype=object)
    if not shapely.coverage_is_valid(cleaned):
        raise SourceError("polygons", "coverage cleaning left overlapping or unmatched edges")
    after = area_km2(cleaned)
    gaps_before = _holes(union_before)
    gaps_after = _holes(shapely.union_all(cleaned))
    change = np.abs(after - before) / np.where(before > 0, before, 1)
    report = {
        "gap_width_m": gap_width_m,
        "overlap_km2_before": float(before.sum() - area_km2([union_before])[0]),
        "gaps_before": len(gaps_before),
        "gap_km2_before": float(area_km2(gaps_before).sum()),
        "gaps_after": len(gaps_after),
        "gap_km2_after": float(area_km2(gaps_after).sum()),
        "gaps_after_where": [[round(g.centroid.x, 4), round(g.centroid.y, 4)] for g in gaps_after],
        "area_change_pct": {
            "median": float(np.median(change) * 100),
            "p90": float(np.percentile(change, 90) * 100),
            "max": float(change.max() * 100),
        },
    }
    return cleaned, report


def _polygonal(geom):
    """Keep the polygonal part of a cleaned geometry as a MultiPolygon."""
    if geom.geom_type == "GeometryCollection":
        geom = shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    if geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    return geom


def _holes(geom) -> list:
    parts = getattr(geom, "geoms", [geom])
    return [shapely.Polygon(ring) for part in parts for ring in part.interiors]


def dissolve(parts: dict[str, object], ids) -> object:
    """Union of the base polygons ``ids`` (shared edges are identical, so coverage union is exact)."""
    geoms = [parts[i] for i in sorted(ids)]
    if len(geoms) == 1:
        return geoms[0]
    return _polygonal(shapely.coverage_union_all(geoms))
