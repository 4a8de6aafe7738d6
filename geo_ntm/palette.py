"""The one palette of status maps, shared by pages, PNG tiles, printed maps and legends.

Ordered statuses use ColorBrewer YlGnBu steps: light to dark as the level rises, so the order
reads in greyscale print and for the common forms of colour blindness. "Awaiting review" is
orange, apart from the sequence, and is also drawn with hatching (a second cue besides
colour); "not applicable" (wards, towns) is neutral grey. The 2026-2030 pilot "modern NTM
commune" is purple, apart from the 2021-2025 sequence it does not belong to.

"Completed the NTM mission" (towns, cities) is the same rank as "NTM standard" (districts): its
green is as light, so the order still reads, but yellower and ringed instead of dotted, so that a
district map that holds both tells them apart (they share no swatch on any map or legend).
"""

from __future__ import annotations

from geo_ntm.status.levels import STATUSES

COLORS = {
    "chua_dat": "#ffffcc",
    "dat_chuan": "#a1dab4",
    "hoan_thanh": "#c2e699",
    "nang_cao": "#41b6c4",
    "kieu_mau": "#225ea8",
    "cho_ra_soat": "#f28e2b",
    "khong_ap_dung": "#d9d9d9",
    "khong_du_lieu": "#ffffff",
    "hien_dai": "#6a51a3",
}
NO_DATA = "#ffffff"
OUTLINE = "#4d4d4d"
DISTRICT_OUTLINE = "#1a1a1a"
#: Statuses drawn with a hatch pattern as well as a colour (PNG tiles, print).
HATCHED = ("cho_ra_soat",)
#: The second cue on web maps: a pattern per status, so status reads without colour too.
#: Kinds: "dots", "rings", "hlines" (horizontal lines), "cross" (cross-hatch), "diag" (diagonal hatch),
#: "vlines" (vertical lines); a status not listed is a plain fill.
PATTERNS = {
    "dat_chuan": "dots",
    "hoan_thanh": "rings",
    "nang_cao": "hlines",
    "kieu_mau": "cross",
    "cho_ra_soat": "diag",
    "khong_ap_dung": "vlines",
    "hien_dai": "cross",
}
#: Colour of the pattern marks over each fill (dark on light fills, light on dark ones).
PATTERN_INK = {"kieu_mau": "#ffffff", "cho_ra_soat": "#7a3d00", "khong_ap_dung": "#8c8c8c", "hien_dai": "#ffffff"}
#: Legend order (hoan_thanh, of dat_chuan's rank, is listed next to it where it occurs).
LEGEND_ORDER = STATUSES


def rgb(hex_color: str) -> tuple[int, int, int]:
    """``"#a1dab4"`` → ``(161, 218, 180)``."""
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def color(status: str | None) -> str:
    return COLORS.get(status or "", NO_DATA)
