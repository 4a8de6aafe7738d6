"""The national view on a date: each province with what the public record says of it, and the series.

A province's colour on the national map is the share of its communes at NTM standard, from
the latest figure published on or before the date (:func:`.public_record.province_shares`);
its status is that of its own decisions (a province that completed the mission, recognised by
the Prime Minister). The national series lists the programme's figures up to the date. Every
number carries its date, source and citation; what was not found is "no data" (``None``).
Only official records are read: the view never counts an illustrative record.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import pandas as pd

from geo_ntm.boundaries.atlas import Atlas

from .derive import StatusBook
from .public_record import Figure, national_series, province_shares

#: The columns a province has on the national map, beside its outline.
SHARE_COLUMNS = ["share_pct", "as_of", "precision", "basis", "citation", "source_url", "publisher"]


def formed_from(atlas: Atlas, day: date) -> dict[str, list[str]]:
    """Province code → the codes of the provinces it was made of, for provinces formed on the reform date.

    Read from the region's own outlines: each province of the day before the reform belongs to
    the new province that holds most of its area. (The reform's province events may group
    several merges into one event, e.g. four provinces into two, which would give both new
    provinces all four.) A new province made of one old province alone is left out, as it was
    not formed by a merger.
    """
    if day < atlas.reform_date:
        return {}
    return dict(_formed_from(atlas))


@functools.lru_cache(maxsize=8)
def _formed_from(atlas: Atlas) -> tuple[tuple[str, list[str]], ...]:
    walk = atlas.crosswalk(atlas.reform_date - timedelta(days=1), atlas.reform_date, "province")
    walk = walk[walk["code_b"].astype(bool)].sort_values("share_of_a", ascending=False)
    owner = walk.drop_duplicates("code_a")  # the new province with the largest share of each old one
    groups = owner.groupby("code_b")["code_a"].apply(sorted)
    return tuple((new, olds) for new, olds in groups.items() if olds != [new])


def provinces_on(atlas: Atlas, book: StatusBook, day: date) -> pd.DataFrame:
    """Provinces on ``day`` with their published share, its source, and their own status.

    Columns: ``code``, ``name``, ``uid``, ``geometry``, the :data:`SHARE_COLUMNS`, ``status`` and
    the decision behind it (``decision_no``, ``decision_signed``, ``decision_precision``,
    ``citation_status``).
    """
    provinces = atlas.units_on(day, "province")[["uid", "code", "name", "geometry"]]
    shares = province_shares(provinces, day, formed_from(atlas, day), atlas.reform_date)
    status = book.on(day, "province")
    keep = ["uid", "status", "decision_no", "decision_signed", "decision_precision", "citation"]
    status = status[[c for c in keep if c in status.columns]].rename(columns={"citation": "citation_status"})
    out = provinces.merge(shares, on="code", how="left").merge(status, on="uid", how="left")
    return out.astype({"share_pct": "float64"})


def series_on(day: date) -> list[Figure]:
    """The national figures dated on or before ``day``, oldest first."""
    return [f for f in national_series() if f.as_of is not None and f.as_of <= day]


def view(atlas: Atlas, book: StatusBook, day: date) -> dict:
    """Everything the national page and ``/api/national`` show for ``day``, as plain values."""
    provinces = provinces_on(atlas, book, day)
    series = series_on(day)
    latest: dict[str, Figure] = {}
    for f in series:
        latest[f.metric] = f
    rows = []
    for r in provinces.drop(columns="geometry").itertuples(index=False):
        row = {k: (None if isinstance(v, float) and v != v else v) for k, v in r._asdict().items()}
        rows.append(row)
    known = [r for r in rows if r["share_pct"] is not None]
    return {
        "date": day.isoformat(),
        "region": atlas.name,
        "provinces": rows,
        "counts": {
            "provinces": len(rows),
            "with_share": len(known),
            "no_data": len(rows) - len(known),
            "completed": sum(r.get("status") == "hoan_thanh" for r in rows),
        },
        "latest": {m: _figure(f) for m, f in latest.items()},
        "series": [_figure(f) for f in series],
    }


def _figure(f: Figure) -> dict:
    return {
        "metric": f.metric,
        "value": f.value,
        "denominator": f.denominator,
        "share_pct": f.share,
        "as_of": f.as_of.isoformat() if f.as_of else None,
        "precision": f.precision,
        "citation": f.citation,
        "source_url": f.source_url,
        "publisher": f.publisher,
        "note": f.note,
    }
