"""What the document says, checked against what the records say.

The rule is the dashboard's: a figure *agrees* only when the records compute the same value;
when they compute nothing (no records of that kind, or a figure they do not hold, such as
income per head) the answer is "no data", never agreement. Figures are computed by
:func:`geo_ntm.status.summary.summary`, the function behind the dashboard, for the year the
document speaks of ("Năm 2023, … công nhận thêm 09 xã") by recognition year, or on its date.
Each answer says whether the records behind it are illustrative, and which published figure
the records hold for it (with its citation: often the very letter being read).

Claims ("huyện Lục Nam đạt chuẩn NTM", in a paragraph about 2023) are checked against the
unit's status by recognition year; the decision behind it is named, with a note when it was
signed after the document's own date. Targets are looked for among the plan targets on record,
and their progress is shown; for the share of villages in especially difficult communes the
denominator is *all* villages of those communes (the letter's "60% số thôn thuộc các xã
ĐBKK"), with the share of the listed especially difficult villages beside it, labelled so.
"""

from __future__ import annotations

from datetime import date

from geo_ntm.status.levels import RANK
from geo_ntm.status.service import StatusService
from geo_ntm.status.summary import dbkk_villages, summary

#: Metrics :func:`summary` computes: for "new in the year" figures, the summary's own key.
_SUMMARY_KEYS = {
    ("communes_ntm", "new"): "communes_ntm_new",
    ("communes_nang_cao", "new"): "communes_nang_cao_new",
    ("communes_kieu_mau", "new"): "communes_kieu_mau_new",
    ("communes_ntm", None): "communes_ntm",
    ("communes_nang_cao", None): "communes_nang_cao",
    ("communes_kieu_mau", None): "communes_kieu_mau",
    ("districts_achieved", None): "districts_achieved",
    ("districts_nang_cao", None): "districts_nang_cao",
}
_LEVEL_OF_METRIC = {"communes": "commune", "districts": "district"}


def check(analysis: dict, service: StatusService, today: date | None = None) -> dict:
    """Checks of ``analysis`` (from :func:`~.analysis.analyse`) against the records of ``service``.

    Returns
    -------
    dict
        ``province`` (the code figures are computed for), ``figures``, ``claims``, ``targets``
        (one check each, in document order) and ``units`` (uid → status on record on the
        document's date, with its decision).
    """
    snap = service.snapshot()
    book, records = snap.book, snap.records
    as_of = date.fromisoformat(analysis["as_of"])
    province = _province(analysis, service, as_of)
    checker = _Checker(book, records, province, as_of, today or date.today(), analysis["identity"].get("number"))
    return {
        "province": province,
        "figures": [checker.figure(f) for f in analysis["figures"] if not f["target"]],
        "claims": [checker.claim(c) for c in analysis["claims"]],
        "targets": [checker.target(t) for t in analysis["targets"]],
        "units": {u["unit"]["uid"]: checker.unit(u["unit"]) for u in analysis["units"] if u["unit"]},
    }


def _province(analysis: dict, service: StatusService, as_of: date) -> str:
    """The province the document is about: its issuer's, else that of the first unit it names."""
    units = service.atlas.units
    issuer = analysis["identity"].get("issuer")
    named = [u["unit"] for u in analysis["units"] if u["unit"]]
    for unit in ([issuer] if issuer else []) + named:
        row = units.loc[unit["uid"]]
        return row["code"] if row["level"] == "province" else row["province_code"]
    return service.atlas.units_on(as_of, "province")["code"].iloc[0]


class _Checker:
    def __init__(self, book, records, province: str, as_of: date, today: date, number: str | None):
        self.book, self.records, self.province, self.as_of, self.today = book, records, province, as_of, today
        self.number = number
        self._summaries: dict = {}

    def _summary(self, year: int | None) -> dict | None:
        key = year or self.as_of
        if key not in self._summaries:
            try:
                if year is not None:
                    self._summaries[key] = summary(self.book, self.records, year=year, province=self.province)
                else:
                    self._summaries[key] = summary(self.book, self.records, day=self.as_of, province=self.province)
            except (ValueError, KeyError, IndexError):  # a year outside the data, a province not in force then
                self._summaries[key] = None
        return self._summaries[key]

    def _illustrative(self, year: int | None, level: str) -> bool:
        frame = self.book.for_year(year, level) if year else self.book.on(self.as_of, level)
        frame = frame[frame["province_code"] == self.province]
        return bool((frame["source"] == "illustrative").any())

    def figure(self, f: dict) -> dict:
        out = {"figure": f["id"], "metric": f["metric"], "period": f["period"], "year": f["year"],
               "document": f["value"], "of": f["of"], "records": None, "records_of": None, "verdict": "no_data",
               "basis": None, "illustrative": False, "published": self._published(f)}  # fmt: skip
        year = f["year"] if f["year"] and f["year"] <= self.today.year else None
        key = _SUMMARY_KEYS.get((f["metric"], f["period"] if f["period"] == "new" else None))
        if key is None or (f["period"] == "new" and year is None):
            return out
        s = self._summary(year)
        if s is None:
            return out
        value = s["figures"].get(key)
        out["basis"] = {"year": year} if year else {"date": self.as_of.isoformat()}
        out["illustrative"] = self._illustrative(year, _LEVEL_OF_METRIC[f["metric"].split("_")[0]])
        if value is None:
            return out
        out["records"] = value
        same = abs(value - f["value"]) < 1e-9
        if f["of"] is not None and f["metric"].startswith("communes_"):
            out["records_of"] = s["figures"].get("communes_total")
            same = same and out["records_of"] == f["of"]
        out["verdict"] = "agrees" if same else "differs"
        return out

    def _published(self, f: dict) -> dict | None:
        """The published figure on record for this metric and year, with its citation."""
        metric = f["metric"]
        if metric and f["period"] == "new" and metric.startswith(("communes_", "villages_")):
            metric += "_new"
        for r in self.records.reported:
            if r.metric == metric and r.year == f["year"] and r.province_code == self.province:
                cites = bool(self.number) and self.number.split("/")[0] + "/" in (r.citation or "")
                return {"value": r.value, "source": r.source, "citation": r.citation, "cites_this_document": cites}
        return None

    def unit(self, unit: dict) -> dict:
        s = self.book.status_of(unit["uid"], self.as_of)
        d = s.decision
        return {"status": s.status, "decision_no": d.decision_no if d else None,
                "signed": d.signed.isoformat() if d else None, "year_label": d.year_label if d else None,
                "source": s.source}  # fmt: skip

    def claim(self, c: dict) -> dict:
        out = {"claim": c["id"], "level": c["level"], "year": c["year"], "units": []}
        day = min(date(c["year"], 12, 31) if c["year"] else self.as_of, self.today)
        for code in c["unit_codes"]:
            uid = self.book.version_at(c["unit_level"], code, day)
            if uid is None:
                out["units"].append({"code": code, "verdict": "no_data", "records": None})
                continue
            s = self.book.status_of(uid, day, c["year"])
            out["units"].append(self._claim_unit(c, code, s))
        verdicts = {u["verdict"] for u in out["units"]}
        out["verdict"] = verdicts.pop() if len(verdicts) == 1 else "mixed"
        return out

    def _claim_unit(self, c: dict, code: str, s) -> dict:
        wanted = c["either"] or [c["level"]]
        if s.status in ("khong_du_lieu",):
            verdict = "no_data"
        elif s.status in RANK and max(RANK[w] for w in wanted) <= RANK[s.status]:
            verdict = "agrees"
        else:
            verdict = "differs"
        d = s.decision
        out = {"code": code, "records": s.status, "verdict": verdict, "source": s.source,
               "decision_no": d.decision_no if d else None, "signed": d.signed.isoformat() if d else None,
               "year_label": d.year_label if d else None, "signed_after_document": False}  # fmt: skip
        if d is not None and d.signed > self.as_of:
            out["signed_after_document"] = True
        return out

    def target(self, t: dict) -> dict:
        out = {"target": t["id"], "metric": t["metric"], "document": t["target"], "deadline": t["deadline"],
               "scope": t["scope"], "recorded": None, "verdict": "not_recorded", "progress": None}  # fmt: skip
        for p in self.records.plan_targets:
            if p.metric == t["metric"] and p.deadline.isoformat() == t["deadline"] and set(p.scope) == set(t["scope"]):
                same = abs(p.target - t["target"]) < 1e-9
                out["recorded"] = {"id": p.id, "target": p.target, "source": p.source, "citation": p.citation}
                out["verdict"] = "recorded" if same else "recorded_differs"
                break
        out["progress"] = self._progress(t)
        return out

    def _progress(self, t: dict) -> dict | None:
        """Where the records stand on the document's date (or today, if earlier)."""
        day = min(self.as_of, self.today)
        if t["metric"] == "dbkk_villages_ntm_share":
            return _villages_of_dbkk_communes(self.book, self.records, day, tuple(t["scope"]))
        if t["kind"] == "unit":
            rows = []
            for code in t["scope"]:
                uid = self.book.version_at(t["unit_level"], code, day)
                rows.append({"code": code, "status": self.book.status_of(uid, day).status if uid else None})
            return {"as_of": day.isoformat(), "units": rows}
        return None


def _villages_of_dbkk_communes(book, records, day: date, districts: tuple[str, ...]) -> dict:
    """All villages of the especially difficult communes of ``districts``, and how many are NTM.

    Also the share among the listed especially difficult villages only, labelled as such.
    """
    v = dbkk_villages(book, records, day, districts)
    return {
        "as_of": day.isoformat(), "list": v["list"], "communes": v["communes"],
        "communes_with_counts": v.get("communes_with_counts", 0), "villages": v.get("all_villages"),
        "ntm": v.get("all_ntm"), "share": v.get("all_share"), "dbkk_villages": v["villages"],
        "dbkk_villages_ntm": v["ntm"], "dbkk_villages_share": v["share"],
        "illustrative": "illustrative" in v.get("sources", ()),
    }  # fmt: skip
