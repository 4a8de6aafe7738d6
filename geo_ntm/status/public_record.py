"""The programme's published national and per-province figures (``geo_ntm/data/public_record``).

These are the facts a national view can show: the national series of communes recognised
(2017-2025), the per-province figures found in public reports, and the provinces the Prime
Minister recognised as having completed the NTM mission. Every figure keeps the page it was
read on, its publisher, its date and how precise that date is; a province with no figure is
"no data", never zero. Nothing here is illustrative, and nothing illustrative is read here.

- :func:`national_series`: the national figures, oldest first.
- :func:`province_figures`: the per-province figures.
- :func:`province_shares`: each province of the map on a date with the latest published share
  of its communes at NTM standard, or none.
- :func:`completion_decisions`: the completions as official province-level decisions, for the
  status store of the national region (:func:`load_public_record`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .model import Decision

RECORD = Path(__file__).resolve().parent.parent / "data" / "public_record"


@dataclass(frozen=True)
class Figure:
    """One published figure: ``value`` of ``metric`` as of ``as_of`` (None when undated)."""

    metric: str
    value: float
    as_of: date | None
    precision: str
    citation: str
    source_url: str
    publisher: str
    province_code: str | None = None
    province_name: str | None = None
    denominator: float | None = None
    share_pct: float | None = None
    published_on: date | None = None
    note: str = ""

    @property
    def share(self) -> float | None:
        """The share in percent the figure states or implies (value over its denominator)."""
        if self.metric.endswith("_share_pct"):
            return self.value
        if self.share_pct is not None:
            return self.share_pct
        if self.denominator:
            return round(self.value / self.denominator * 100, 1)
        return None


def _rows(name: str) -> list[dict]:
    with (RECORD / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def _figure(r: dict) -> Figure:
    return Figure(
        metric=r["metric"],
        value=float(r["value"]),
        as_of=_date(r["as_of"]),
        precision=r["precision"],
        citation=r["citation"],
        source_url=r["source_url"],
        publisher=r["publisher"],
        province_code=r.get("province_code") or None,
        province_name=r.get("province_name") or None,
        denominator=_number(r.get("denominator", "")),
        share_pct=_number(r.get("share_pct", "")),
        published_on=_date(r.get("published_on", "")),
        note=r.get("note", ""),
    )


def national_series() -> list[Figure]:
    """National figures (communes NTM, advanced, model, district units, provinces completed)."""
    return sorted((_figure(r) for r in _rows("national_figures")), key=lambda f: (f.as_of or date.max, f.metric))


def province_figures() -> list[Figure]:
    """Per-province figures: a figure dated before the reform names a province as it was then
    (codes as before the reform); one dated on or after it names a province formed then."""
    return [_figure(r) for r in _rows("province_figures")]


#: Metrics that say what share of a province's communes were at NTM standard.
SHARE_METRICS = ("communes_ntm_share_pct", "communes_ntm")


def province_shares(
    provinces: pd.DataFrame, day: date, before_reform: dict[str, list[str]], reform: date | None = None
) -> pd.DataFrame:
    """Each province with the latest published share of its communes at NTM standard on ``day``.

    Parameters
    ----------
    provinces : DataFrame
        The provinces on the map (``code``, ``name``), as ``Atlas.units_on(day, "province")``.
    day : date
        Figures dated on or before it count; an undated figure never does.
    before_reform : dict
        For a province formed on the reform date, the codes of the provinces it was made of:
        its share is the sum of theirs when every one of them has a figure with a commune count
        (a share alone cannot be added), and no data otherwise.
    reform : date, optional
        The reform date: a figure dated on or after it is about the province of that code formed
        then, and is shown before any sum of its former provinces; one dated before it is about
        the province of that code before the reform (codes were reused).

    Returns
    -------
    DataFrame
        ``code``, ``share_pct`` (None for no data), ``as_of``, ``precision``, ``basis``
        ("published", "sum of its former provinces" or "no data"), ``citation``, ``source_url``,
        ``publisher`` (several joined by " | " for a sum).
    """
    latest, counted, formed = {}, {}, {}  # latest; latest with a commune count (a sum needs one); after reform
    for f in province_figures():
        if f.metric in SHARE_METRICS and f.share is not None and f.as_of is not None and f.as_of <= day:
            after = reform is not None and f.as_of >= reform
            for kept in (formed,) if after else (latest, counted) if f.denominator else (latest,):
                if f.province_code not in kept or f.as_of > kept[f.province_code].as_of:
                    kept[f.province_code] = f
    rows = []
    for code in provinces["code"]:
        olds = before_reform.get(code)
        if code in formed:
            rows.append(_share_row(code, formed[code]))
        elif not olds:
            rows.append(_share_row(code, latest[code]) if code in latest else _no_data(code))
        else:
            rows.append(_merged_row(code, olds, latest, counted))
    return pd.DataFrame(rows, columns=list(_no_data("").keys()))


def _merged_row(code: str, olds: list[str], latest: dict, counted: dict) -> dict:
    """A merged province's share: its one former province's figure, or the sum of its former provinces' counts."""
    found = [counted.get(o) for o in olds]
    if len(olds) == 1 and latest.get(olds[0]) is not None:
        return {**_share_row(code, latest[olds[0]]), "basis": f"published for former province {olds[0]}"}
    if not all(f is not None for f in found):
        return _no_data(code)
    ntm = sum(f.value if f.metric == "communes_ntm" else f.share / 100 * f.denominator for f in found)
    total = sum(f.denominator for f in found)
    return {
        "code": code,
        "share_pct": round(ntm / total * 100, 1),
        "as_of": min(f.as_of for f in found).isoformat(),
        "precision": "inferred",
        "basis": f"sum of its former provinces {', '.join(olds)}",
        "citation": " | ".join(f.citation for f in found),
        "source_url": " | ".join(f.source_url for f in found),
        "publisher": " | ".join(f.publisher for f in found),
    }


def _share_row(code: str, f: Figure) -> dict:
    return {
        "code": code,
        "share_pct": f.share,
        "as_of": f.as_of.isoformat(),
        "precision": f.precision,
        "basis": "published",
        "citation": f.citation,
        "source_url": f.source_url,
        "publisher": f.publisher,
    }


def _no_data(code: str) -> dict:
    keys = ("as_of", "precision", "citation", "source_url", "publisher")
    return {"code": code, "share_pct": None, **dict.fromkeys(keys), "basis": "no data"}


def completion_decisions() -> list[Decision]:
    """Provinces recognised as having completed the NTM mission, as official decisions.

    A completion known only as "recognised by" a date (a report says it had happened) is a
    decision with precision ``by``; a province searched for and not found has no decision.
    """
    out = []
    for r in _rows("province_completions"):
        if r["status"] != "completed":
            continue
        exact = r["precision"] == "exact" and r["signed"]
        signed = date.fromisoformat(r["signed"] if exact else r["completed_by"])
        citation = f"{r['citation']} — {r['publisher']}, {r['source_url']}"
        out.append(
            Decision(
                unit_level="province",
                unit_code=r["province_code"],
                unit_name=r["province_name"],
                level="hoan_thanh",
                signed=signed,
                year_label=int(r["year_label"]) if r["year_label"] else signed.year,
                source="official",
                decision_no=r["decision_no"] or None,
                signed_precision="day" if exact else "by",
                authority="Thủ tướng Chính phủ",
                citation=citation,
                note=r["note"] or None,
            )
        )
    return out


def load_public_record(store, atlas=None, actor: str = "geo-ntm public record loader") -> int:
    """Write the official completions into an empty national store; returns how many.

    With ``atlas``, only those about a province of its map on the signing date are written.
    """
    decisions = completion_decisions()
    if atlas is not None:
        decisions = [d for d in decisions if _on_map(atlas, d.unit_code, d.signed)]
    with store.write(actor) as w:
        for d in decisions:
            w.add_decision(d)
        return w.count


def _on_map(atlas, code: str, day: date) -> bool:
    if day < atlas.covered_from:
        return False
    units = atlas.units_on(day, "province")
    return bool((units["code"] == code).any())
