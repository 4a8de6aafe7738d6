"""VN-2000: provincial TM-3 central meridians and the datum shift to WGS 84.

Provinces publish boundaries in VN-2000 (WGS 84 ellipsoid, datum shifted to fit Vietnam),
projected in TM-3 (Transverse Mercator, k0 = 0.9999, false easting 500 000 m, false
northing 0) on the province's own central meridian (Circular 973/2001/TT-TCĐC), or in UTM
zone 48/49 (k0 = 0.9996).

Datum shift and its sign convention
-----------------------------------
Decision 05/2007/QĐ-BTNMT publishes ΔX, ΔY, ΔZ = -191.90441429, -39.30318279,
-111.45032835 m, rotations ω, ψ, ε = -0.00928836″, 0.01975479″, -0.00427372″ and
k = 1.000000252906278, without naming a rotation convention. EPSG records exactly these
numbers as EPSG:6960 "VN-2000 to WGS 84 (2)" with method *Coordinate Frame rotation*
(EPSG:9607). PROJ's ``+towgs84`` and WKT1 ``TOWGS84`` are *Position Vector* (EPSG:9606),
so the same shift written as ``+towgs84`` has the three rotation signs flipped:
``-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278``.
We use EPSG:6960 itself (so pyproj applies it in its own convention) because EPSG is the
reference every GIS follows and because PROJ ≥ 9.5 also auto-corrects WKT1 ``TOWGS84``
holding these values with the published signs. Pasting the published signs into
``+towgs84`` (common in Vietnamese tools) moves points by 0.5–0.8 m across Vietnam, below
the stated 1 m accuracy of the parameters, far below the ~225 m of the shift itself.

EPSG also has EPSG:5194 "VN-2000 to WGS 84 (1)" (Total, Mekong delta blocks; 0.7–0.8 m
from EPSG:6960). Left to itself, PROJ picks 5194 inside its area and 6960 elsewhere, so a
naive EPSG:4756 → 4326 transformation is not the same operation across the country; every
CRS built here pins EPSG:6960.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyproj import CRS
from pyproj.crs import BoundCRS, CoordinateOperation, ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

from geo_ntm.errors import CRSError
from geo_ntm.names import fold, short_key

#: Decision 05/2007/QĐ-BTNMT as published (coordinate frame: EPSG:6960).
DECISION_05_2007 = (-191.90441429, -39.30318279, -111.45032835, -0.00928836, 0.01975479, -0.00427372, 0.252906278)
#: The same shift in PROJ's ``+towgs84`` (position vector) convention.
TOWGS84 = DECISION_05_2007[:3] + tuple(-r for r in DECISION_05_2007[3:6]) + DECISION_05_2007[6:]
EPSG_TRANSFORMATION = 6960

#: EPSG projected CRSs on VN-2000 per TM-3 meridian (k0 0.9999, FE 500 000 m).
EPSG_TM3 = {
    102.0: 5896,
    103.0: 9205,
    104.0: 9206,
    104.5: 9207,
    104.75: 9208,
    105.0: 5897,
    105.5: 9209,
    105.75: 9210,
    106.0: 9211,
    106.25: 9212,
    106.5: 9213,
    107.0: 9214,
    107.25: 9215,
    107.5: 9216,
    107.75: 5899,
    108.0: 5898,
    108.25: 9217,
    108.5: 9218,
}
EPSG_UTM = {48: 3405, 49: 3406}


@dataclass(frozen=True)
class Province:
    """A province and its TM-3 central meridian (None when its predecessors disagree)."""

    code: str
    name: str
    meridian: float | None
    predecessors: tuple[str, ...] = ()


# Central meridians of Circular 973/2001/TT-TCĐC (annex), as extended to the provinces
# split in 2004 (Điện Biên, Đắk Nông, Hậu Giang). Every value is cross-checked against the
# provinces EPSG lists for its VN-2000 TM-3 CRS (EPSG:5897, 5898, 5899, 9205-9218).
_TM3_2024 = """
01 Hà Nội 105; 02 Hà Giang 105.5; 04 Cao Bằng 105.75; 06 Bắc Kạn 106.5; 08 Tuyên Quang 106
10 Lào Cai 104.75; 11 Điện Biên 103; 12 Lai Châu 103; 14 Sơn La 104; 15 Yên Bái 104.75
17 Hòa Bình 106; 19 Thái Nguyên 106.5; 20 Lạng Sơn 107.25; 22 Quảng Ninh 107.75
24 Bắc Giang 107; 25 Phú Thọ 104.75; 26 Vĩnh Phúc 105; 27 Bắc Ninh 105.5; 30 Hải Dương 105.5
31 Hải Phòng 105.75; 33 Hưng Yên 105.5; 34 Thái Bình 105.5; 35 Hà Nam 105; 36 Nam Định 105.5
37 Ninh Bình 105; 38 Thanh Hóa 105; 40 Nghệ An 104.75; 42 Hà Tĩnh 105.5; 44 Quảng Bình 106
45 Quảng Trị 106.25; 46 Thừa Thiên Huế 107; 48 Đà Nẵng 107.75; 49 Quảng Nam 107.75
51 Quảng Ngãi 108; 52 Bình Định 108.25; 54 Phú Yên 108.5; 56 Khánh Hòa 108.25
58 Ninh Thuận 108.25; 60 Bình Thuận 108.5; 62 Kon Tum 107.5; 64 Gia Lai 108.5
66 Đắk Lắk 108.5; 67 Đắk Nông 108.5; 68 Lâm Đồng 107.75; 70 Bình Phước 106.25
72 Tây Ninh 105.5; 74 Bình Dương 105.75; 75 Đồng Nai 107.75; 77 Bà Rịa - Vũng Tàu 107.75
79 Hồ Chí Minh 105.75; 80 Long An 105.75; 82 Tiền Giang 105.75; 83 Bến Tre 105.75
84 Trà Vinh 105.5; 86 Vĩnh Long 105.5; 87 Đồng Tháp 105; 89 An Giang 104.75
91 Kiên Giang 104.5; 92 Cần Thơ 105; 93 Hậu Giang 105; 94 Sóc Trăng 105.5; 95 Bạc Liêu 105
96 Cà Mau 104.5
"""
# The 34 provinces from 1 July 2025 (Resolution 202/2025/QH15; codes of Decision
# 19/2025/QĐ-TTg) with the pre-2025 provinces they were made of. No circular assigns them
# meridians yet: a merged province has one only when all its predecessors shared it.
_MERGED_2025 = """
01 Hà Nội 01; 04 Cao Bằng 04; 08 Tuyên Quang 08 02; 11 Điện Biên 11; 12 Lai Châu 12
14 Sơn La 14; 15 Lào Cai 15 10; 19 Thái Nguyên 19 06; 20 Lạng Sơn 20; 22 Quảng Ninh 22
24 Bắc Ninh 24 27; 25 Phú Thọ 25 26 17; 31 Hải Phòng 31 30; 33 Hưng Yên 33 34
37 Ninh Bình 37 35 36; 38 Thanh Hóa 38; 40 Nghệ An 40; 42 Hà Tĩnh 42; 44 Quảng Trị 44 45
46 Huế 46; 48 Đà Nẵng 48 49; 51 Quảng Ngãi 51 62; 52 Gia Lai 52 64; 56 Khánh Hòa 56 58
66 Đắk Lắk 66 54; 68 Lâm Đồng 68 67 60; 75 Đồng Nai 75 70; 79 Hồ Chí Minh 79 74 77
80 Tây Ninh 80 72; 82 Đồng Tháp 82 87; 86 Vĩnh Long 86 83 84; 91 An Giang 91 89
92 Cần Thơ 92 93 94; 96 Cà Mau 96 95
"""


def _entries(text: str) -> list[tuple[str, str, list[str]]]:
    out = []
    for item in re.split(r"[;\n]", text):
        if item.strip():
            code, rest = item.split(None, 1)
            words = rest.split()
            nums = [w for w in words if re.fullmatch(r"[\d.]+", w)]
            out.append((code, " ".join(w for w in words if w not in nums), nums))
    return out


PROVINCES = {c: Province(c, n, float(v[0])) for c, n, v in _entries(_TM3_2024)}
PROVINCES_2025 = {}
for _c, _n, _preds in _entries(_MERGED_2025):
    _ms = {PROVINCES[p].meridian for p in _preds}
    PROVINCES_2025[_c] = Province(_c, _n, _ms.pop() if len(_ms) == 1 else None, tuple(_preds))

_ALIASES = {
    "hcm": "79",
    "tphcm": "79",
    "tphochiminh": "79",
    "hcmc": "79",
    "saigon": "79",
    "hue": "46",
    "thuathienhue": "46",
    "brvt": "77",
    "baccan": "06",
    "daklac": "66",
}

ACCEPTED_FORMS = (
    "EPSG:<code> (e.g. EPSG:9214 = VN-2000 / TM-3 107-00, EPSG:4326)",
    "vn2000:tm3:<meridian> (e.g. vn2000:tm3:107.0, vn2000:tm3:107.75 or vn2000:tm3:107-45)",
    "VN-2000 TM-3 <meridian> (e.g. 'VN-2000 TM-3 107.0')",
    "vn2000:utm:<48|49> (UTM 6° zone, k0 0.9996)",
    "vn2000:province:<GSO code or name of the 63 provinces before July 2025> (e.g. 24)",
    "vn2000:province2025:<code or name of the 34 provinces from July 2025> (e.g. 56)",
    "vn2000 (geographic VN-2000, degrees)",
    "a PROJ string (+proj=...) or WKT",
)


@lru_cache(maxsize=1)
def datum_transformation() -> CoordinateOperation:
    """EPSG:6960, VN-2000 → WGS 84 of Decision 05/2007/QĐ-BTNMT."""
    return CoordinateOperation.from_epsg(EPSG_TRANSFORMATION)


def is_vn2000(crs: CRS) -> bool:
    """True when the CRS's datum or geographic CRS names VN-2000 (any usual spelling)."""
    base = crs.source_crs if crs.is_bound else crs
    geog = base.geodetic_crs
    names = [base.name, geog.name if geog else "", base.datum.name if base.datum else ""]
    return any(re.search(r"vn[\s_-]*2000|vietnam[\s_-]*2000", n or "", re.I) for n in names)


def bind_vn2000(crs: CRS) -> BoundCRS:
    """``crs`` (on VN-2000) bound to WGS 84 through EPSG:6960."""
    return BoundCRS(source_crs=crs, target_crs=CRS.from_epsg(4326), transformation=datum_transformation())


def towgs84_of(crs: CRS) -> tuple[float, ...] | None:
    """A bound CRS's datum shift as ``+towgs84`` (position vector) values, else None."""
    if not crs.is_bound or not crs.coordinate_operation.towgs84:
        return None
    op = crs.coordinate_operation
    vals = tuple(op.towgs84) + (0.0,) * (7 - len(op.towgs84))
    if "coordinate frame" in op.method_name.lower():
        vals = vals[:3] + tuple(-r for r in vals[3:6]) + vals[6:]
    return vals


def pin_vn2000(crs: CRS) -> tuple[CRS, bool, str | None]:
    """Pin EPSG:6960 on a CRS that names VN-2000 (see :func:`is_vn2000`).

    Returns the CRS to use, whether a shift was attached or replaced, and a note saying so.
    A TOWGS84 equal to EPSG:6960 is kept; one that is missing, all zeros, or the Decision's
    values with the published rotation signs taken as position vector is replaced; any
    other TOWGS84 is kept as the file's own choice.
    """
    base = crs.source_crs if crs.is_bound else crs
    ell = base.ellipsoid
    if ell is None or abs(ell.semi_major_metre - 6378137) > 0.01 or abs(ell.inverse_flattening - 298.257223563) > 1e-6:
        raise CRSError(
            f"its CRS {crs.name!r} names VN-2000 but its ellipsoid is "
            f"{ell.name if ell else 'unknown'}; VN-2000 uses WGS 84"
        )
    if base.datum.name != "Vietnam 2000":  # e.g. GCS_VN_2000 on D_WGS_1984: rebuild on VN-2000
        if base.is_projected and any(a.unit_name not in ("metre", "meter") for a in base.axis_info):
            raise CRSError(f"its CRS {base.name!r} is not in metres")
        geog = CRS.from_epsg(4756)
        base = ProjectedCRS(base.coordinate_operation, name=base.name, geodetic_crs=geog) if base.is_projected else geog
    towgs, bound = towgs84_of(crs), bind_vn2000(base)
    if towgs is None:
        return bound, True, "the file's VN-2000 CRS carried no datum shift; attached EPSG:6960"
    if not any(towgs):
        return (
            bound,
            True,
            ("the file's TOWGS84 was all zeros (VN-2000 taken as WGS 84, ~225 m off); replaced by EPSG:6960"),
        )
    if all(abs(a - b) < 1e-6 for a, b in zip(towgs, TOWGS84, strict=True)):
        return bound, False, None
    if all(abs(a - b) < 1e-6 for a, b in zip(towgs, DECISION_05_2007, strict=True)):
        return (
            bound,
            True,
            (
                "the file's TOWGS84 took Decision 05/2007's rotation signs as "
                "position vector (0.5–0.8 m off); replaced by EPSG:6960"
            ),
        )
    return crs, False, f"kept the file's own TOWGS84 {list(towgs)}"


def format_meridian(meridian: float) -> str:
    """107.75 → "107°45′"."""
    deg, minutes = divmod(round(meridian * 60), 60)
    return f"{deg}°{minutes:02d}′"


def parse_meridian(text: str) -> float:
    """Read "107", "107.75", "107-45", "107°45'" or "107d45" as decimal degrees."""
    m = re.fullmatch(r"\s*(\d{2,3})(?:(\.\d+)|\s*[-d°o ]\s*(\d{1,2})\s*['′]?)?\s*", text)
    if not m:
        raise CRSError(f"{text!r} is not a central meridian; write e.g. 107.75 or 107-45")
    return int(m[1]) + (float(m[2]) if m[2] else int(m[3] or 0) / 60)


def tm3_crs(central_meridian: float) -> BoundCRS:
    """VN-2000 TM-3 (k0 0.9999, FE 500 000 m, FN 0) on ``central_meridian``, bound by EPSG:6960.

    Raises
    ------
    CRSError
        The meridian is not a multiple of 15′ between 102° and 117°.
    """
    cm = float(central_meridian)
    if not (102 <= cm <= 117 and abs(cm * 4 - round(cm * 4)) < 1e-9):
        raise CRSError(
            f"TM-3 central meridian {cm} is not one of Vietnam's: they are "
            "multiples of 15′ (0.25°) between 102° and 117°, e.g. 107.0 or 107.75"
        )
    cm = round(cm * 4) / 4
    if cm in EPSG_TM3:
        return bind_vn2000(CRS.from_epsg(EPSG_TM3[cm]))
    conv = TransverseMercatorConversion(
        longitude_natural_origin=cm, false_easting=500000, scale_factor_natural_origin=0.9999
    )
    name = f"VN-2000 / TM-3 {int(cm)}-{round(cm % 1 * 60):02d}"
    return bind_vn2000(ProjectedCRS(conv, name=name, geodetic_crs=CRS.from_epsg(4756)))


def utm_crs(zone: int) -> BoundCRS:
    """VN-2000 / UTM zone 48N or 49N (EPSG:3405, 3406), bound by EPSG:6960."""
    if int(zone) not in EPSG_UTM:
        raise CRSError(f"VN-2000 UTM zone {zone} does not exist: Vietnam uses zones 48 and 49")
    return bind_vn2000(CRS.from_epsg(EPSG_UTM[int(zone)]))


def find_province(spec: str | int) -> Province:
    """The province named by a GSO code or name; prefix "2025:" for the 34 new provinces.

    >>> find_province("24").name, find_province("2025:24").name
    ('Bắc Giang', 'Bắc Ninh')
    """
    text = str(spec).strip()
    table, label = PROVINCES, "the 63 provinces before July 2025"
    m = re.fullmatch(r"(?:2025\s*[:/]\s*)(.+)", text)
    if m:
        table, label, text = PROVINCES_2025, "the 34 provinces from July 2025", m[1].strip()
    if text.isdigit():
        found = table.get(text.zfill(2))
    else:
        k = short_key(text)
        found = next((p for p in table.values() if short_key(p.name) == k), None)
        found = found or table.get(_ALIASES.get(k, ""))
    if found is None:
        raise CRSError(
            f"no province {spec!r} among {label}; give its 2-digit GSO code "
            "(e.g. 24) or name (e.g. 'Bắc Giang'), and prefix 2025: for the new ones"
        )
    return found


def province_crs(spec: str | int) -> BoundCRS:
    """The TM-3 CRS of a province (see :func:`find_province` for ``spec``)."""
    p = find_province(spec)
    if p.meridian is None:
        olds = ", ".join(f"{PROVINCES[c].name} {format_meridian(PROVINCES[c].meridian)}" for c in p.predecessors)
        raise CRSError(
            f"{p.name} ({p.code}, from July 2025) has no single TM-3 meridian: it "
            f"joined {olds}. Name the meridian the file was made in, e.g. "
            f"--crs vn2000:tm3:{PROVINCES[p.predecessors[0]].meridian}"
        )
    return tm3_crs(p.meridian)


def crs_for(spec) -> CRS:
    """A pyproj CRS from a user's spelling, bound by EPSG:6960 when it is on VN-2000.

    Parameters
    ----------
    spec : str, int or pyproj.CRS
        One of :data:`ACCEPTED_FORMS`, an EPSG code as an integer, or a CRS.

    Raises
    ------
    CRSError
        Unknown spelling (the message lists the accepted forms), or a bad meridian, zone
        or province.
    """
    if isinstance(spec, CRS):
        return bind_vn2000(spec) if is_vn2000(spec) and not spec.is_bound else spec
    if isinstance(spec, int):
        spec = f"EPSG:{spec}"
    text = str(spec).strip()
    if text.startswith("+proj") or re.match(r"(PROJ|GEOG|BOUND|COMPD)C(S|RS)\[", text, re.I):
        try:
            return crs_for(CRS.from_user_input(text))
        except Exception as exc:  # pyproj.exceptions.CRSError
            raise CRSError(f"PROJ could not read {text[:60]!r}: {exc}") from None
    t = re.sub(r"vn[\s_-]*2000", "vn2000", fold(text))
    t = re.sub(r"\btm[\s_-]*3\b", "tm3", t)
    m = re.fullmatch(r"epsg\s*:\s*(\d+)", t)
    if m:
        try:
            return crs_for(CRS.from_epsg(int(m[1])))
        except Exception:
            raise CRSError(f"EPSG:{m[1]} is not a CRS known to PROJ") from None
    m = re.fullmatch(r"vn2000\s*[:\s]\s*(tm3|utm|province2025|province)\s*[:\s]\s*(.+)", t)
    if m:
        kind, arg = m[1], m[2].strip()
        if kind == "tm3":
            return tm3_crs(parse_meridian(arg))
        if kind == "utm":
            zone = re.fullmatch(r"(?:zone\s*)?(\d+)\s*n?", arg)
            if zone:
                return utm_crs(int(zone[1]))
        else:  # provinces: look up in the original spelling so names keep diacritics
            rest = re.split(r"province(?:2025)?\s*[:\s]\s*", text, maxsplit=1, flags=re.I)[-1]
            return province_crs(("2025:" if kind == "province2025" else "") + rest.strip())
    if re.fullmatch(r"vn2000(\s*[:\s]\s*(geographic|geog|lonlat|4756))?", t):
        return bind_vn2000(CRS.from_epsg(4756))
    raise CRSError(f"unknown CRS {text!r}; accepted forms: " + "; ".join(ACCEPTED_FORMS))
