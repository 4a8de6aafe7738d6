"""Printable status maps (PNG, PDF) for reports: title, legend, date, scale, source line.

Drawn with matplotlib on the server (no browser). Coordinates are drawn in Web Mercator
(EPSG:3857) so shapes look as on the web maps; the scale bar is corrected for the map's
latitude. Text uses DejaVu Sans, which matplotlib ships and which covers Vietnamese.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from geo_ntm.i18n import section  # noqa: E402
from geo_ntm.palette import COLORS, DISTRICT_OUTLINE, HATCHED, LEGEND_ORDER, NO_DATA, OUTLINE  # noqa: E402
from geo_ntm.status.levels import LABELS  # noqa: E402


def print_map(
    frame: gpd.GeoDataFrame,
    *,
    title: str,
    as_of: str,
    source_line: str,
    lang: str = "vi",
    districts: gpd.GeoDataFrame | None = None,
    illustrative: bool = False,
    fmt: str = "png",
    dpi: int = 150,
    note: str | None = None,
    outline: gpd.GeoDataFrame | None = None,
    facts: list[str] | None = None,
) -> bytes:
    """Render a status layer (``status`` column) as a one-page A4 landscape map.

    Parameters
    ----------
    frame : GeoDataFrame
        Units with ``status`` (keys of :data:`geo_ntm.palette.COLORS`, None for no data), EPSG:4326.
    title, as_of, source_line : str
        Printed as given (they are data: no markup is interpreted).
    districts : GeoDataFrame, optional
        Outlines drawn over the units.
    illustrative : bool
        Print a banner saying the data are illustrative.
    fmt : {"png", "pdf"}
    note : str, optional
        A sentence printed on the map, e.g. why it has no units (districts after their abolition).
    outline : GeoDataFrame, optional
        The area drawn in grey under the units (the province), so that a map of no units still
        shows where it is; its extent is used when ``frame`` is empty.
    facts : list of str, optional
        Lines printed under the legend (the dashboard's key figures, for a print of the present).

    Units awaiting review whose former communes were all (or some) NTM are marked with green
    circles (rings), the constituents' past, as on the web map (``constituents_past`` column).
    """
    if fmt not in ("png", "pdf"):
        raise ValueError(f"format {fmt!r} is not png or pdf")
    t = section(lang, "printmap")
    labels = LABELS["en" if lang == "en" else "vi"]
    merc = frame.to_crs(3857)
    fig, ax = plt.subplots(figsize=(11.69, 8.27), dpi=dpi)
    fig.subplots_adjust(left=0.03, right=0.72, top=0.88, bottom=0.08)
    statuses = merc["status"].where(merc["status"].notna(), None)
    colours = [COLORS.get(s, NO_DATA) if s else NO_DATA for s in statuses]
    if outline is not None and len(outline):
        outline.to_crs(3857).plot(ax=ax, color="#eeeeee", edgecolor="#888888", linewidth=0.8)
    if len(merc):
        merc.plot(ax=ax, color=colours, edgecolor=OUTLINE, linewidth=0.25)
    hatched = merc[statuses.isin(HATCHED)]
    if len(hatched):
        hatched.plot(ax=ax, facecolor="none", edgecolor="#7a3d00", hatch="////", linewidth=0)
    pasts = _past_marks(ax, merc, statuses)
    if districts is not None and len(districts):
        districts.to_crs(3857).boundary.plot(ax=ax, color=DISTRICT_OUTLINE, linewidth=1.0)
    ax.set_axis_off()
    ax.set_aspect("equal")
    counts = Counter(s for s in statuses if s)
    handles = [
        Patch(
            facecolor=COLORS[s],
            edgecolor=OUTLINE,
            hatch="////" if s in HATCHED else None,
            label=f"{labels[s]} ({counts[s]})",
        )
        for s in LEGEND_ORDER
        if counts.get(s)
    ]
    past_labels = section(lang, "printmap")["past"]
    at = next((i for i, h in enumerate(handles) if h.get_label().startswith(labels["cho_ra_soat"])), len(handles))
    for past, (mark, n) in reversed(pasts.items()):
        handles.insert(at + 1, Patch(facecolor=COLORS["cho_ra_soat"], edgecolor=PAST_INK, hatch=mark,
                                     label=f"  {past_labels[past]} ({n})"))  # fmt: skip
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.73, 0.86),
        frameon=False,
        fontsize=9,
        title=f"{len(merc)} {t['units']}",
        title_fontsize=9,
        alignment="left",
    )
    fig.text(0.03, 0.95, title, fontsize=15, fontweight="bold", va="top", usetex=False)
    fig.text(0.03, 0.905, f"{t['as_of']} {as_of}", fontsize=10, va="top", color="#333333")
    fig.text(0.03, 0.03, source_line, fontsize=7, color="#333333", wrap=True)
    if illustrative:
        fig.text(0.73, 0.95, t["illustrative"], fontsize=9, fontweight="bold", color="#9c2700", va="top", wrap=True)
    if facts:
        lines = [textwrap.fill(f, 50) for f in facts]
        fig.text(0.73, 0.50, "\n".join(lines), fontsize=7.5, va="top", color="#222222", linespacing=1.45)
    if note:
        ax.text(0.5, 0.5, note, transform=ax.transAxes, ha="center", va="center", fontsize=11, wrap=True,
                bbox={"facecolor": "white", "edgecolor": "#4a6f96", "boxstyle": "round,pad=0.6"})  # fmt: skip
    _scale_bar(ax, frame if len(frame) or outline is None else outline)
    _north_arrow(ax, t["north"])
    out = io.BytesIO()
    fig.savefig(out, format=fmt, dpi=dpi, metadata={"Title": title} if fmt == "pdf" else None)
    plt.close(fig)
    return out.getvalue()


PAST_INK = "#1b7837"
#: Matplotlib hatches for the former communes' past of a unit awaiting review.
PAST_HATCHES = {"all_ntm": "o", "some_ntm": "."}


def _past_marks(ax, merc: gpd.GeoDataFrame, statuses) -> dict:
    """Draw the constituents' past over units awaiting review; returns {past: (hatch, count)} drawn."""
    if "constituents_past" not in merc:
        return {}
    out = {}
    for past, mark in PAST_HATCHES.items():
        chosen = merc[(statuses == "cho_ra_soat") & (merc["constituents_past"] == past)]
        if len(chosen):
            chosen.plot(ax=ax, facecolor="none", edgecolor=PAST_INK, hatch=mark, linewidth=0)
            out[past] = (mark, len(chosen))
    return out


def _scale_bar(ax, frame: gpd.GeoDataFrame) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    lat = (frame.total_bounds[1] + frame.total_bounds[3]) / 2
    metres_per_unit = math.cos(math.radians(lat))  # Web Mercator units are stretched by 1/cos(lat)
    target = (x1 - x0) * metres_per_unit / 5
    nice = min((n for n in (1, 2, 5, 10, 20, 25, 50, 100, 200) if n * 1000 >= target * 0.6), default=200)
    length = nice * 1000 / metres_per_unit
    left, base = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    ax.plot([left, left + length], [base, base], color="black", linewidth=3, solid_capstyle="butt")
    ax.text(left + length / 2, base + (y1 - y0) * 0.012, f"{nice} km", ha="center", va="bottom", fontsize=8)


def _north_arrow(ax, letter: str) -> None:
    ax.annotate(
        letter,
        xy=(0.96, 0.95),
        xytext=(0.96, 0.86),
        xycoords="axes fraction",
        ha="center",
        fontsize=10,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black"},
    )
