"""Plausibility checks for official boundary files: units, location, geometry validity.

Used by :mod:`.official`. Each check raises with a message naming the file (and the 1-based
feature) and saying what to do; none of them guesses a CRS.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS

from geo_ntm.errors import CRSError, GeometryError

from . import vn2000 as vn

#: Where Vietnam's units can lie (west, south, east, north): EPSG extent 3328 "Vietnam -
#: onshore" plus 0.2°, and the Hoàng Sa (Paracel) and Trường Sa (Spratly) archipelagos.
VIETNAM_BOXES = ((101.9, 8.1, 109.8, 23.6), (111.0, 15.5, 113.0, 17.3), (111.0, 5.5, 118.0, 12.5))
#: EPSG extents 4547 and 4558 (the provinces on 105° and 108°); pyproj reports the wider zones.
_AREAS = {105.0: (104.37, 8.97, 106.19, 21.58), 108.0: (108.23, 14.53, 109.2, 15.49)}
AREA_TOLERANCE = 0.01  # a repair may change a polygon's area by at most 1 %
HOW_TO_NAME = (
    "name it, e.g. --crs vn2000:tm3:107.0 (VN-2000 TM-3 on the province's central "
    "meridian), --province 24 (looks the meridian up; 24 = Bắc Giang), "
    "--crs vn2000:utm:48, or --crs EPSG:4326 for WGS 84 degrees"
)


def _bounds_text(b) -> str:
    return f"x {b[0]:,.0f}–{b[2]:,.0f}, y {b[1]:,.0f}–{b[3]:,.0f}"


def hint(b) -> str:
    """A sentence saying what coordinates with bounds ``b`` look like (TM-3 metres, degrees)."""
    if not np.all(np.isfinite(b)):
        return ""
    if 300_000 <= b[0] and b[2] <= 700_000 and 900_000 <= b[1] and b[3] <= 2_600_000:
        return (
            f" Hint: the coordinates ({_bounds_text(b)}) look like VN-2000 TM-3 metres "
            "(easting around 500,000 on the province's meridian); UTM looks alike, so "
            "the tool will not guess which."
        )
    if 100 <= b[0] and b[2] <= 118 and 5 <= b[1] and b[3] <= 24:
        return (
            f" Hint: the coordinates (lon {b[0]:.3f}–{b[2]:.3f}, lat {b[1]:.3f}–{b[3]:.3f}) "
            "look like degrees: --crs EPSG:4326 if WGS 84, --crs vn2000 if VN-2000 "
            "(they differ by about 225 m)."
        )
    return f" The coordinates ({_bounds_text(b)}) match no usual VN-2000 layout."


def check_units(name, raw, crs: CRS) -> None:
    """Refuse degrees under a projected CRS and metres under a geographic one.

    Raises
    ------
    CRSError
        The coordinates of ``raw`` (a GeoDataFrame in ``crs``) contradict its units.
    """
    b = raw.total_bounds
    degrees = bool(
        np.all(np.isfinite(b)) and abs(b[0]) <= 180 and abs(b[2]) <= 180 and abs(b[1]) <= 90 and abs(b[3]) <= 90
    )
    if crs.is_geographic and not degrees:
        raise CRSError(
            f"{name}: the coordinates ({_bounds_text(b)}) are not degrees, but "
            f"{crs.name!r} is in degrees; {HOW_TO_NAME}.{hint(b)}"
        )
    if crs.is_projected and degrees:
        raise CRSError(
            f"{name}: the coordinates (x {b[0]:.3f}–{b[2]:.3f}, y {b[1]:.3f}–"
            f"{b[3]:.3f}) look like degrees, but {crs.name!r} is in metres; "
            "--crs EPSG:4326 if WGS 84, --crs vn2000 if VN-2000"
        )


def check_location(name, gdf, src: CRS, province) -> None:
    """Refuse data that ``src`` puts outside Vietnam, off its TM zone, or outside ``province``.

    Parameters
    ----------
    name : str
        File name for messages.
    gdf : geopandas.GeoDataFrame
        The features already reprojected to EPSG:4326.
    src : pyproj.CRS
        The CRS they were read in.
    province : str, int or None
        The province they should lie in (its meridian group's EPSG area, ±0.3°).

    Raises
    ------
    CRSError
        Some feature outside Vietnam; median more than the half zone width (+0.25°) from the
        central meridian of a Transverse Mercator ``src``; or median outside the province.
    """
    pts = gdf.geometry.representative_point()
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    inside = np.zeros(len(x), bool)
    for w, s, e, n in VIETNAM_BOXES:
        inside |= (x >= w) & (x <= e) & (y >= s) & (y <= n)
    label = f"with {src.name!r}"
    if not inside.all():
        i = int(np.argmin(inside))
        raise CRSError(
            f"{name}: {label} {int((~inside).sum())} of {len(x)} features land outside "
            f"Vietnam (e.g. feature {i + 1} at {x[i]:.3f}E {y[i]:.3f}N); the CRS is "
            f"wrong: {HOW_TO_NAME}"
        )
    lon, lat = float(np.median(x)), float(np.median(y))
    op = (src.source_crs if src.is_bound else src).coordinate_operation
    if op is not None and op.method_name == "Transverse Mercator":
        p = {q.name: q.value for q in op.params}
        lon0, k = p["Longitude of natural origin"], p["Scale factor at natural origin"]
        half = 1.5 if k > 0.99985 else 3.0
        if abs(lon - lon0) > half + 0.25:
            raise CRSError(
                f"{name}: {label} the features land around {lon:.2f}E {lat:.2f}N, "
                f"{abs(lon - lon0):.1f}° from its central meridian {lon0}; data in "
                f"this zone lie within {half}° of it. The CRS is probably wrong "
                f"(TM-3 vs UTM?): {HOW_TO_NAME}"
            )
    if province is not None:
        p = vn.find_province(province)
        merids = [p.meridian] if p.meridian else [vn.PROVINCES[c].meridian for c in p.predecessors]
        boxes = [_AREAS.get(m) or CRS.from_epsg(vn.EPSG_TM3[m]).area_of_use.bounds for m in merids]
        if not any(w - 0.3 <= lon <= e + 0.3 and s - 0.3 <= lat <= n + 0.3 for w, s, e, n in boxes):
            raise CRSError(
                f"{name}: {label} the features land around {lon:.2f}E {lat:.2f}N, "
                f"not in {p.name} ({p.code}); the CRS is probably wrong. "
                f"{p.name} files are normally in " + " or ".join(f"vn2000:tm3:{m}" for m in merids)
            )


def _polygonal(geom):
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for g in parts for q in shapely.get_parts(g)]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def validated(name, geoms, after=None):
    """Check each geometry; repair invalid ones with make_valid when the area moves ≤ 1 %.

    Parameters
    ----------
    name : str
        File name for messages.
    geoms : sequence of shapely geometries
        In file order (feature numbers are 1-based positions).
    after : str, optional
        Step after which the check runs, for messages (e.g. "reprojection").

    Returns
    -------
    tuple of (list, list of int)
        2D geometries (repaired ones polygonal parts of ``make_valid``) and the numbers of
        the repaired features.

    Raises
    ------
    GeometryError
        A feature that is missing or empty, not a (multi)polygon, or invalid with a repair
        that would move its area by more than 1 % (a bowtie's signed area is zero).
    """
    out, repaired = [], []
    where = f" after {after}" if after else ""
    for i, g in enumerate(geoms, 1):
        if g is None or g.is_empty:
            raise GeometryError(f"{name}, feature {i}: empty geometry; every unit needs a polygon")
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            raise GeometryError(
                f"{name}, feature {i}: a {g.geom_type}, not a polygon; boundary files must hold polygons"
            )
        g = shapely.force_2d(g)
        if not g.is_valid:
            reason, before = shapely.is_valid_reason(g), abs(g.area)
            fixed = _polygonal(shapely.make_valid(g))
            change = abs(fixed.area - before) / before if before > 0 else np.inf
            if fixed.is_empty or change > AREA_TOLERANCE:
                raise GeometryError(
                    f"{name}, feature {i}: invalid polygon{where} ({reason}); repairing it would "
                    f"change its area by {change:.1%} (more than {AREA_TOLERANCE:.0%}), so fix "
                    "it in the source"
                    if np.isfinite(change)
                    else f"{name}, feature {i}: invalid polygon{where} ({reason}) whose signed area "
                    "is zero (a bowtie?); it cannot be repaired safely, fix it in the source"
                )
            g = fixed
            repaired.append(i)
        out.append(g)
    return out, repaired
