"""Especially difficult (ĐBKK) communes on a date: what each still needs, filtered and ranked.

>>> result = difficult_communes(service, "2025-06-30", district="Sơn Động", sort="gap")  # doctest: +SKIP
>>> result.rows[0]["criteria_missing_vi"], result.rows[0]["gap"]                      # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import InvalidParameterError
from geo_ntm.i18n import LANGUAGES, text
from geo_ntm.status.model import DifficultyList, PlanTarget
from geo_ntm.status.snapshot import Snapshot

from ._common import inputs
from .filters import SORTS, criteria_filter, keep, order, resolve_district, statuses_filter
from .lists import commune_list, dbkk_targets, list_record, target_record, village_list
from .rows import EPSILON, place_entries, progress_rows


@dataclass
class DifficultCommunes:
    """The answer of :func:`difficult_communes`: rows, and the list, targets and date behind them.

    ``reorganised`` holds the list's communes that did not exist as such on the date (merged in
    the 2025 reorganisation, or not yet formed), each with the units that hold its land then.
    ``followed`` says that the rows of such communes were taken on their last day (a target set on
    them is judged on what they were when they ceased, inside the units that hold them now).
    """

    day: date
    commune_list: DifficultyList
    list_in_force: bool
    village_list: DifficultyList | None
    targets: list[PlanTarget]
    rows: list[dict]
    reorganised: list[dict]
    sort: str
    reverse: bool
    filters: dict
    atlas: Atlas = field(repr=False)
    followed: list[str] = field(default_factory=list)

    def totals(self) -> dict:
        """Sums over the rows: ĐBKK villages, NTM ones, the share, and the gap two ways.

        ``gap_sum`` adds each commune's own gap; ``gap_overall`` is what the rows together still
        need for the target over all their villages (smaller when some communes are above it).
        """
        counted = [r for r in self.rows if r["dbkk_villages"] is not None]
        total = sum(r["dbkk_villages"] for r in counted)
        ntm = sum(r["dbkk_villages_ntm"] for r in counted)
        values = {r["target"] for r in self.rows if r["target"] is not None}
        target = values.pop() if len(values) == 1 else None
        needed = math.ceil(target * total - EPSILON) if target is not None else None
        return {
            "communes": len(self.rows),
            "communes_with_counts": len(counted),
            "dbkk_villages": total,
            "dbkk_villages_ntm": ntm,
            "dbkk_share": round(ntm / total, 4) if total else None,
            "target": target,
            "needed_overall": needed,
            "gap_overall": max(0, needed - ntm) if needed is not None else None,
            "gap_sum": sum(r["gap"] for r in self.rows if r["gap"] is not None),
            "below_target": sum(1 for r in self.rows if r["below_target"]),
        }

    def notes(self) -> list[dict]:
        days = {"vi": f"{self.day:%d/%m/%Y}", "en": self.day.isoformat()}
        last = {"vi": _vi_days(self.followed), "en": ", ".join(sorted(self.followed))}
        out = []
        if not self.list_in_force:
            out.append(self._note("list_not_in_force", list=self.commune_list.id, day=days))
        if self.followed:
            out.append(self._note("followed", day=days, last=last))
        elif self.reorganised:
            out.append(self._note("reorganised", count=len(self.reorganised)))
        apart = sum(1 for r in self.rows if r["position"] is None)
        if apart:
            out.append(self._note("not_ranked", count=apart))
        ranked = [r for r in self.rows if r["position"] is not None]
        if self.sort == "closest" and ranked:  # how "closest first" ranks what was not assessed
            assessed = sum(1 for r in ranked if r["criteria_missing_count"] is not None)
            if not assessed:
                out.append(self._note("closest_none_assessed"))
            elif assessed < len(ranked):
                out.append(self._note("closest_some_assessed"))
        if any(r["source"] == "illustrative" for r in self.rows) or self.commune_list.source == "illustrative":
            out.append(self._note("illustrative"))
        return out

    @staticmethod
    def _note(key: str, **values) -> dict:
        """A note in both languages; a value given as ``{lang: text}`` is written per language."""

        def filled(lang: str) -> dict:
            return {k: v[lang] if isinstance(v, dict) else v for k, v in values.items()}

        return {lang: text(lang, f"difficult_note.{key}", **filled(lang)) for lang in LANGUAGES}

    def frame(self, geometry: bool = False) -> pd.DataFrame:
        """The rows as a DataFrame (a GeoDataFrame in EPSG:4326 with ``geometry=True``)."""
        frame = pd.DataFrame(self.rows, columns=ROW_FIELDS)
        frame["position"] = frame["position"].astype("Int64")  # wards and towns have none: not 1.0, 2.0, …
        if not geometry:
            return frame
        shapes = self.atlas.units["geometry"].reindex(frame["uid"]).tolist()
        return gpd.GeoDataFrame(frame, geometry=shapes, crs="EPSG:4326")

    def as_dict(self) -> dict:
        """Everything, JSON-ready."""
        return {
            "date": self.day.isoformat(),
            "list": {**list_record(self.commune_list), "in_force": self.list_in_force},
            "village_list": list_record(self.village_list),
            "targets": [target_record(t) for t in self.targets],
            "filters": self.filters,
            "sort": self.sort,
            "reverse": self.reverse,
            "count": len(self.rows),
            "totals": self.totals(),
            "notes": self.notes(),
            "rows": self.rows,
            "reorganised": self.reorganised,
        }


ROW_FIELDS = [
    "position", "code", "uid", "name", "name_en", "type", "district_code", "district_name", "province_code",
    "status", "status_vi", "status_en", "decision_no", "review_vi", "review_en", "criteria_set", "criteria_source",
    "criteria_total", "criteria_met", "criteria_met_count", "criteria_met_vi", "criteria_met_en", "criteria_missing",
    "criteria_missing_count", "criteria_missing_vi", "criteria_missing_en", "villages_total", "villages_ntm",
    "villages_kieu_mau", "villages_ntm_share", "dbkk_villages", "dbkk_villages_ntm", "dbkk_villages_listed",
    "dbkk_share", "target_id", "target", "needed", "gap", "below_target", "villages_as_of", "list_id",
    "village_list_id", "source", "sources", "as_of", "now_in",
]  # fmt: skip


def _vi_days(days: list[str]) -> str:
    return ", ".join(f"{d[8:10]}/{d[5:7]}/{d[0:4]}" for d in sorted(days))


def difficult_communes(source, day: date | str, *, list_id: str | None = None, target_id: str | None = None,
                       district: str | None = None, status: Iterable[str] | str | None = None,
                       missing: Iterable[int | str] | int | str | None = None, below_target: bool | None = None,
                       min_gap: int | None = None, sort: str = "closest",
                       reverse: bool = False) -> DifficultCommunes:  # fmt: skip
    """The communes of the ĐBKK list in force on ``day`` and what each still needs.

    Parameters
    ----------
    source : StatusService or (StatusBook, Records, list of Assessment)
        Where decisions, lists, village counts and targets come from.
    day : date or str
        The date asked; the list, statuses, districts and village counts are those of that day.
    list_id : str, optional
        A commune list version (its id or legal act, e.g. ``"861/QĐ-TTg"``) instead of the one in force.
    target_id : str, optional
        The plan target to measure against (default: each row's ``dbkk_villages_ntm_share`` target).
    district : str, optional
        District code or name (``"220"``, ``"Sơn Động"``, ``"son dong"``) as of ``day``.
    status : str or iterable of str, optional
        Status keys to keep (``"chua_dat"``, ``"cho_ra_soat"``, ...).
    missing : int, str or iterable, optional
        Criteria (number or name, Vietnamese or English) a row must be missing, all of them.
    below_target : bool, optional
        True: only rows whose ĐBKK village share is below the target; False: at or above it.
    min_gap : int, optional
        Only rows still needing at least this many villages.
    sort : str
        One of :data:`SORTS`; rows whose sort value is unknown come last.
    reverse : bool
        Reverse the order (unknown values stay last).

    Returns
    -------
    DifficultCommunes
        ``rows`` (dicts with the fields of :data:`ROW_FIELDS`), ``reorganised``, ``totals()``.
    """
    snap = inputs(source)
    book, records, atlas = snap.book, snap.records, snap.atlas
    day = atlas.check_date(day)
    if sort not in SORTS:
        raise InvalidParameterError(f"sort {sort!r} is not one of {list(SORTS)}")
    statuses = statuses_filter(status)
    criteria = criteria_filter(day, missing)
    district_code = resolve_district(atlas, day, district) if district is not None else None
    if min_gap is not None and (isinstance(min_gap, bool) or not isinstance(min_gap, int) or min_gap < 0):
        raise InvalidParameterError(f"min_gap {min_gap!r} must be a whole number of villages, 0 or more")
    dl, live = commune_list(records, day, list_id)
    vl = village_list(records, day)
    targets = dbkk_targets(records, target_id)
    placed, gone = place_entries(book, dl, day)
    rows = [{**r, "as_of": day.isoformat(), "now_in": None} for r in progress_rows(snap, day, placed, dl, vl, targets)]
    followed = _follow(snap, dl, targets, gone, day) if not placed else []
    rows += followed
    kept = order([r for r in rows if keep(r, district_code, statuses, criteria, below_target, min_gap)], sort, reverse)
    filters = {
        "district": district_code,
        "status": sorted(statuses) if statuses else None,
        "missing": [n for n, _ in criteria[1]] or None,
        "below_target": below_target,
        "min_gap": min_gap,
    }
    used = [t for t in targets if any(r["target_id"] == t.id for r in rows)] if target_id is None else targets
    days = sorted({r["as_of"] for r in followed})
    return DifficultCommunes(day, dl, live, vl, used, kept, gone, sort, reverse, filters, atlas, days)


def _follow(snap: Snapshot, dl, targets, gone: list[dict], day: date) -> list[dict]:
    """Rows of listed communes that had ceased by ``day``, each on its last day, with the units holding it now.

    After the 2025 reform a list's communes exist no more, but a target set on them (60% of their
    villages by the end of 2025) outlives them: it is judged on what they were when they ceased.
    """
    by_day: dict[str, dict] = {}
    for g in gone:
        if g["reason"] == "reorganised":
            by_day.setdefault(g["ceased_after"], {})[g["uid"]] = g
    out = []
    for last, found in sorted(by_day.items()):
        on = date.fromisoformat(last)
        entries = {e.unit_code: e for e in dl.entries}
        placed = {uid: entries[g["code"]] for uid, g in found.items()}
        vl = village_list(snap.records, on)
        for r in progress_rows(snap, on, placed, dl, vl, targets):
            now = found[r["uid"]]["now"]
            out.append({**r, "as_of": last, "now_in": "; ".join(o["name"] for o in now) or None})
    return out
