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
        Printed as given (they are data: no markup is interpreted); ``as_of`` is a day, printed after
        "as of", or a phrase that starts with a word and names its day (a year's label), printed alone.
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
    # The map takes the page less a right column for the legend; anchored to the top, so that what a
    # wide province leaves free is one band under it, where the figures go.
    fig.subplots_adjust(left=0.02, right=0.74, top=0.89, bottom=0.06)
    ax.set_anchor("N")
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
    below = _legend_below(ax)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.03, BAND + 0.05) if below else (0.745, 0.87),
        ncols=2 if below else 1,
        frameon=False,
        fontsize=8,
        title=f"{len(merc)} {t['units']}",
        title_fontsize=9,
        alignment="left",
    )
    fig.text(0.03, 0.95, title, fontsize=15, fontweight="bold", va="top", usetex=False)
    fig.text(0.03, 0.905, as_of if as_of[:1].isalpha() else f"{t['as_of']} {as_of}", fontsize=10, va="top",
             color="#333333")  # fmt: skip
    fig.text(0.03, 0.03, source_line, fontsize=7, color="#333333", wrap=True)
    if illustrative:
        fig.text(0.745, 0.95, t["illustrative"], fontsize=9, fontweight="bold", color="#9c2700", va="top", wrap=True)
    if facts:
        _facts(fig, ax, facts, below)
    if note:
        ax.text(0.5, 0.5, note, transform=ax.transAxes, ha="center", va="center", fontsize=11, wrap=True,
                bbox={"facecolor": "white", "edgecolor": "#4a6f96", "boxstyle": "round,pad=0.6"})  # fmt: skip
    _scale_bar(ax, frame if len(frame) or outline is None else outline)
    _north_arrow(ax, t["north"])
    out = io.BytesIO()
    fig.savefig(out, format=fmt, dpi=dpi, metadata={"Title": title} if fmt == "pdf" else None)
    plt.close(fig)
    return out.getvalue()


#: Height (page fraction) of the band under the map that holds the legend when the region is wide.
BAND = 0.22
PAGE_ASPECT = 11.69 / 8.27


def _legend_below(ax) -> bool:
    """Move the map over the whole width, the legend into a band under it, when that draws it larger.

    A wide region (ex-Bắc Giang is twice as wide as tall) beside a legend column leaves the bottom
    third of the page blank; across the page, it is a third larger.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    aspect = (x1 - x0) / max(y1 - y0, 1e-9) / PAGE_ASPECT  # data width/height in page fractions

    def drawn(width: float, height: float) -> float:
        w = min(width, height * aspect)
        return w * w / aspect

    if drawn(0.96, 0.83 - BAND) <= 1.1 * drawn(0.72, 0.83):
        return False
    ax.set_position([0.02, 0.06 + BAND, 0.96, 0.83 - BAND])
    return True


def _facts(fig, ax, facts: list[str], below: bool = False) -> None:
    """The key figures: in the band the map leaves under it (two columns), else under the legend."""
    if below:  # the legend is in the band's left half
        lines = "\n".join(textwrap.fill(f, 70) for f in facts)
        fig.text(0.52, 0.06 + BAND - 0.005, lines, fontsize=7.5, va="top", color="#222222", linespacing=1.4)
        return
    ax.apply_aspect()
    box = ax.get_position()
    free = box.y0 - 0.06  # between the map and the source line
    if free >= 0.12:
        half = (len(facts) + 1) // 2
        for i, part in enumerate((facts[:half], facts[half:])):
            lines = "\n".join(textwrap.fill(f, 62) for f in part)
            fig.text(0.03 + i * 0.36, box.y0 - 0.015, lines, fontsize=8, va="top", color="#222222", linespacing=1.4)
    else:
        lines = "\n".join(textwrap.fill(f, 50) for f in facts)
        fig.text(0.745, 0.50, lines, fontsize=7.5, va="top", color="#222222", linespacing=1.45)


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
