"""One spreadsheet row read into a decision or revocation, with every problem named by row and column.

:class:`RowReader` gives a row's cells by field (falling back to the defaults) and records
problems in the report; :class:`RowChecker` turns a row into a record: parses the values,
finds the unit on the signing date (:mod:`.gazetteer`) and checks what can be checked on the
row alone. Checks across rows (duplicates, levels that skip) are in :mod:`.importer`.
"""

from __future__ import annotations

from datetime import date

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import InvalidParameterError

from ..criteria import CriteriaSet, criteria_set, criteria_sets
from ..levels import grant_problem
from ..model import Decision, Revocation
from . import vocabulary as voc
from .gazetteer import Gazetteer, Version
from .report import ImportReport
from .sheets import Column, Row

FORMULA = "formula without a value; save the file in Excel first"
EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"}


class RowReader:
    """The cells of one data row by field, and the problems found in it."""

    def __init__(self, row: Row, columns: dict[str, Column], defaults: dict[str, str], report: ImportReport):
        self.number, self.columns, self.defaults, self.report = row.number, columns, defaults, report
        self.values = {f: row.values[c.index] for f, c in columns.items()}
        self.formulas = {f for f, c in columns.items() if c.index in row.formulas}
        self.failed = False

    def where(self, name: str) -> str:
        col = self.columns.get(name)
        return str(col) if col else f"(no {name} column)"

    def raw(self, name: str):
        value = self.values.get(name)
        if value is None and name not in self.formulas:
            value = self.defaults.get(name)
        return value

    def error(self, name: str | None, problem: str, value=None, candidates=None) -> None:
        self.failed = True
        self.report.errors.append(
            {
                "row": self.number,
                "column": self.where(name) if name else None,
                "value": voc.text(value),
                "problem": problem,
                "candidates": candidates or [],
            }
        )

    def warn(self, name: str | None, problem: str, value=None) -> None:
        self.report.warnings.append(
            {
                "row": self.number,
                "column": self.where(name) if name else None,
                "value": voc.text(value),
                "problem": problem,
                "candidates": [],
            }
        )

    def get(self, name: str, parse=voc.text, required: bool = False):
        """The parsed value of a field, or None (after recording why, when it is a problem)."""
        if name in self.formulas:
            self.error(name, FORMULA)
            return None
        value = self.raw(name)
        if value is None or voc.text(value) is None:
            if required:
                self.error(name, f"missing: a {name} is required")
            return None
        if isinstance(value, str) and value.upper() in EXCEL_ERRORS:
            self.error(name, f"Excel shows the error {value} here: fix the formula or type the value", value)
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.error(name, str(exc), value)
            return None


def _criteria_set_for(unit_level: str, level: str, days: list[date]) -> list[CriteriaSet]:
    def fits(s: CriteriaSet, levels: tuple[str, ...]) -> bool:
        return (
            s.unit_level == unit_level
            and any(lv in s.levels for lv in levels)
            and any(s.period[0] <= d <= s.period[1] for d in days)
        )

    found = [s for s in criteria_sets().values() if fits(s, (level,))]
    if not found and level == "kieu_mau":  # model communes are assessed on the advanced set, and more
        found = [s for s in criteria_sets().values() if fits(s, ("nang_cao",))]
    return found


class RowChecker:
    """Reads rows into records, finding units in ``gazetteer``; problems go to ``report``."""

    def __init__(self, atlas: Atlas, gazetteer: Gazetteer, columns: dict[str, Column], report: ImportReport,
                 accept_fuzzy: bool, today: date):  # fmt: skip
        self.atlas, self.gaz, self.columns, self.report = atlas, gazetteer, columns, report
        self.accept_fuzzy, self.today = accept_fuzzy, today

    def read(self, r: RowReader) -> tuple[Decision | Revocation, Version] | None:
        """The row's record and the unit version it is about; None when the row has a problem."""
        kind = r.get("kind", voc.parse_kind) or "decision"
        unit_level = r.get("unit_level", voc.parse_unit_level, required=True)
        if unit_level == "village":
            r.error("unit_level", "village decisions are not imported from sheets yet", r.raw("unit_level"))
            unit_level = None
        years_only = "signed" not in self.columns and not r.defaults.get("signed") and "year_label" in self.columns
        if years_only:  # only the year: signed 31 December, with "year" precision
            parsed = r.get("year_label", voc.parse_date, required=True)
        else:
            parsed = r.get("signed", voc.parse_date, required=True)
        signed, precision = parsed if parsed else (None, "day")
        latest = date(self.today.year, 12, 31) if precision == "year" else self.today  # "năm 2025" in 2025 is fine
        if signed is not None and not self.atlas.covered_from <= signed <= latest:
            limit = "after today" if signed > latest else f"before {self.atlas.covered_from}, where the map begins"
            column = "year_label" if years_only else "signed"
            r.error(column, f"the signing date {signed.isoformat()} is {limit}", r.raw(column))
            signed = None
        precision = r.get("signed_precision") or precision
        if precision not in ("day", "year"):
            r.error("signed_precision", "write day or year", precision)
        level = None
        if level_cell := r.get("level", voc.parse_level, required=True):
            said, level = level_cell
            if said == "revocation" and "kind" in self.columns and kind != "revocation":
                r.error("level", f"the level says a revocation but the kind column says {kind}", r.raw("level"))
            kind = said or kind
        source = r.get("source", voc.parse_source, required=True)
        citation = r.get("citation")
        if source == "official" and not citation:
            r.error("citation", "an official record needs a citation (the decision, its date, where it was published)")
        year_label = r.get("year_label", voc.parse_year) if kind == "decision" and not years_only else None
        if kind == "decision" and signed is not None:
            if years_only or (voc.text(r.raw("year_label")) is None and "year_label" not in r.formulas):
                year_label = signed.year  # the usual case: recognised for the year it was signed in
            if year_label is not None and abs(year_label - signed.year) > 1:
                problem = f"the year label {year_label} is more than one year from the signing date {signed}"
                r.error("year_label", problem, r.raw("year_label"))
        unit = self.unit(r, unit_level, signed) if unit_level and signed else None
        if unit is None or level is None:
            return None
        if problem := grant_problem(unit_level, unit.type, unit.name, level):
            r.error("level", problem, r.raw("level"))
        criteria = self.criteria(r, unit_level, level, signed, year_label) if kind == "decision" else (None, None)
        if r.failed:
            return None
        common = dict(unit_level=unit_level, unit_code=unit.code, unit_name=unit.name, level=level, signed=signed,
                      source=source, decision_no=r.get("decision_no"), authority=r.get("authority"),
                      citation=citation)  # fmt: skip
        if kind == "revocation":
            return Revocation(**common, reason=r.get("reason")), unit
        note = r.get("note")
        written = voc.text(r.values.get("unit_name"))
        if written and written != unit.name:  # keep the name as the sheet wrote it
            note = "; ".join(x for x in (note, f"tên trong bảng / name in the sheet: «{written}»") if x)
        decision = Decision(**common, year_label=year_label, signed_precision=precision, criteria_set=criteria[0],
                            criteria_met=criteria[1], field=r.get("field"), note=note)  # fmt: skip
        return decision, unit

    def unit(self, r: RowReader, unit_level: str, day: date) -> Version | None:
        code_cell = r.get("unit_code")
        name = r.get("unit_name")
        district = self.district(r, day) if unit_level == "commune" else None
        if district is False:  # named, but not found: the problem is recorded
            return None
        if code_cell is None and name is None:
            if "unit_code" not in r.formulas and "unit_name" not in r.formulas:
                r.error("unit_name" if "unit_name" in self.columns else "unit_code", "missing: a unit code or name")
            return None
        if code_cell is not None:
            try:
                code, padded = voc.parse_code(r.raw("unit_code"), unit_level)
            except ValueError as exc:
                r.error("unit_code", str(exc), r.raw("unit_code"))
                return None
            try:
                unit = self.gaz.on(code, unit_level, day)
            except ValueError as exc:
                problem = str(exc)
                if padded:
                    bare = code.lstrip("0")
                    other = self.gaz.by_code.get(bare) or self.gaz.by_code.get(bare.zfill(3)) or []
                    problem = (f"{other[-1].code} is a {other[-1].level} code ({other[-1].name}), not a {unit_level} "
                               "code" if other else f"read as {code} (leading zeros restored): {problem}")  # fmt: skip
                r.error("unit_code", problem, r.raw("unit_code"))
                return None
            if padded:
                self.report.padded_codes.append(
                    {
                        "row": r.number,
                        "column": r.where("unit_code"),
                        "value": voc.text(r.raw("unit_code")),
                        "code": code,
                    }
                )
            if name is not None:
                m = self.gaz.agrees(name, unit)
                if m is None:
                    found = self.gaz.find(name, unit_level, day, district)
                    r.error(
                        "unit_name",
                        f"the name does not match unit {code} ({unit.name}) on {day.isoformat()}",
                        name,
                        found.candidates,
                    )
                    return None
                if m.how != "exact":
                    self.fuzzy(r, name, unit, m.how, m.score, day)
            if district is not None and unit.parent_code != district.code:
                p = self.gaz.parent(unit, day)
                r.error(
                    "district" if "district" in self.columns else "district_code",
                    f"unit {code} ({unit.name}) was in {p.name if p else 'no district'} on "
                    f"{day.isoformat()}, not in {district.name}",
                    r.raw("district") or r.raw("district_code"),
                )
                return None
            return unit
        found = self.gaz.find(name, unit_level, day, district)
        if found.version is None:
            r.error("unit_name", found.problem, name, found.candidates)
            return None
        if found.how == "fuzzy" and not self.accept_fuzzy:
            r.error(
                "unit_name",
                f"matched only by similar spelling ({found.version.name}, score {found.score:.2f}); "
                "write the exact name or the code",
                name,
                found.candidates,
            )
            return None
        if found.how != "exact":
            self.fuzzy(r, name, found.version, found.how, found.score, day)
        return found.version

    def fuzzy(self, r: RowReader, written: str, unit: Version, how: str, score: float, day: date,
              column: str = "unit_name") -> None:  # fmt: skip
        p = self.gaz.parent(unit, day) if unit.level == "commune" else None
        self.report.fuzzy.append(
            {
                "row": r.number,
                "column": r.where(column),
                "value": written,
                "code": unit.code,
                "name": unit.name,
                "district": p.name if p else None,
                "how": how,
                "score": round(score, 3),
            }
        )

    def district(self, r: RowReader, day: date) -> Version | None | bool:
        """The district the row names (None: it names none; False: it names one that was not found)."""
        code_cell, name = r.get("district_code"), r.get("district")
        if code_cell is None and name is None:
            return None
        if day >= self.atlas.reform_date:
            r.warn(
                "district" if name else "district_code",
                f"districts were abolished on "
                f"{self.atlas.reform_date.isoformat()}; the district is not used to find the unit",
            )
            return None
        found = None
        if code_cell is not None:
            try:
                code, _ = voc.parse_code(r.raw("district_code"), "district")
                found = self.gaz.on(code, "district", day)
            except ValueError as exc:
                r.error("district_code", str(exc), r.raw("district_code"))
                return False
        if name is not None:
            by_name = self.gaz.find(name, "district", day)
            if by_name.version is None:
                r.error("district", by_name.problem, name, by_name.candidates)
                return False
            if found is not None and found.code != by_name.version.code:
                r.error("district", f"district code {found.code} is {found.name}, not {name!r}", name)
                return False
            if by_name.how != "exact":
                self.fuzzy(r, name, by_name.version, by_name.how, by_name.score, day, "district")
            found = by_name.version
        return found

    def criteria(
        self, r: RowReader, unit_level: str, level: str, signed: date, year_label: int | None
    ) -> tuple[str | None, tuple[int, ...] | None]:
        set_id = r.get("criteria_set")
        met = r.values.get("criteria_met") if "criteria_met" not in r.formulas else None
        if "criteria_met" in r.formulas:
            r.error("criteria_met", FORMULA)
        if set_id is None and voc.text(met) is None:
            return None, None
        cset = None
        if set_id is not None:
            try:
                cset = criteria_set(set_id)
            except InvalidParameterError as exc:
                r.error("criteria_set", str(exc), set_id)
                return None, None
            if cset.unit_level != unit_level:
                r.error("criteria_set", f"set {cset.id} is for a {cset.unit_level}, not a {unit_level}", set_id)
                return None, None
        else:
            days = [signed] + ([date(year_label, 12, 31)] if year_label else [])
            found = _criteria_set_for(unit_level, level, days)
            if len(found) != 1:
                known = ", ".join(sorted(criteria_sets()))
                why = "no shipped criteria set fits" if not found else "more than one criteria set fits"
                r.error(
                    "criteria_met",
                    f"{why} a {unit_level} {level} decision of {signed.isoformat()}; "
                    f"name the set in a criteria_set column or default ({known})",
                    met,
                )
                return None, None
            cset = found[0]
        if voc.text(met) is None:
            return cset.id, None
        try:
            numbers = cset.check(voc.parse_criteria(met, cset.numbers))
        except (ValueError, InvalidParameterError) as exc:
            r.error("criteria_met", str(exc), met)
            return None, None
        return cset.id, numbers

    # -- across rows ---------------------------------------------------------------------
