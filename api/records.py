"""Request bodies for decisions and revocations, and the JSON form of a stored record with its ETag.

A record's ETag is ``"d<id>.<revision>"`` (``r`` for a revocation), where the revision counts
the records touching the same unit, corrections included, and only grows. It changes when the
record is corrected and whenever anything else is recorded for its unit, so an editor whose
``If-Match`` carries it knows nobody changed that unit since the record was read.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from geo_ntm.status.model import Decision, Revocation
from geo_ntm.status.store import StatusStore, Writer

KINDS = {"decision": "decisions", "revocation": "revocations"}
#: The largest id or offset a store can hold (a signed 64-bit integer); larger ones get 422, not a 500.
SQL_INT_MAX = 2**63 - 1
RecordId = Annotated[int, Path(ge=1, le=SQL_INT_MAX, description="the record's id", examples=[1])]
HIDDEN = {"recorded_by"}  # who recorded it is in the audit trail (admins)

UnitLevel = Literal["commune", "district", "village", "province"]
Level = Literal["dat_chuan", "hoan_thanh", "nang_cao", "kieu_mau", "hien_dai"]
Source = Literal["official", "illustrative"]
_CODE = re.compile(r"^(\d{2}|\d{3}|\d{5})$")
_VILLAGE = re.compile(r"^\d{5}:\S.*$")


def _text(n: int):
    return Field(None, max_length=n)


class _Common(BaseModel):
    model_config = ConfigDict(extra="forbid")  # text is kept as sent; only the code is trimmed

    unit_level: UnitLevel = "commune"
    unit_code: str = Field(description="GSO code: 2 (province), 3 (district) or 5 (commune) digits; a village is "
                           "'<commune code>:<village name>'", examples=["07222"])  # fmt: skip
    unit_name: str | None = Field(None, max_length=200, description="checked against the code; filled when left out")
    level: Level
    signed: date = Field(description="signing date, YYYY-MM-DD")
    source: Source = Field(description="official (with a citation) or illustrative")
    decision_no: str | None = _text(100)
    authority: str | None = _text(300)
    citation: str | None = _text(1000)

    @field_validator("unit_code")
    @classmethod
    def _code(cls, v: str, info) -> str:
        v = v.strip()
        village = info.data.get("unit_level") == "village"
        if not (_VILLAGE if village else _CODE).match(v):
            raise ValueError(
                "a village code is '<5-digit commune code>:<village name>'"
                if village
                else "a unit code is 2, 3 or 5 digits with its leading zeros, e.g. '07222'"
            )
        return v


class DecisionIn(_Common):
    """A recognition decision (Quyết định công nhận)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"unit_code": "09289", "level": "dat_chuan", "signed": "2023-05-02", "source": "illustrative",
         "decision_no": "VD-12/QĐ-UBND"}]})  # fmt: skip

    signed_precision: Literal["day", "month", "year", "by", "inferred"] = Field(
        "day", description="day; month or year (signed = its last day); by or inferred (on or before signed)"
    )
    year_label: int | None = Field(None, ge=2000, le=2100, description="the 'năm' recognised (default: signing year)")
    criteria_set: str | None = _text(60)
    criteria_met: list[Annotated[int, Field(ge=0, le=1000)]] | None = Field(None, max_length=200)
    field: str | None = Field(None, max_length=200, description="for a model (kiểu mẫu) 'về <field>'")
    note: str | None = _text(4000)

    def record(self, supersedes: int | None = None) -> Decision:
        return Decision(
            self.unit_level, self.unit_code, self.unit_name or "", self.level, self.signed,
            self.year_label or self.signed.year, self.source, decision_no=self.decision_no,
            signed_precision=self.signed_precision, authority=self.authority, criteria_set=self.criteria_set,
            criteria_met=tuple(self.criteria_met) if self.criteria_met is not None else None, field=self.field,
            citation=self.citation, note=self.note, supersedes=supersedes,
        )  # fmt: skip


class RevocationIn(_Common):
    """A revocation decision (Quyết định thu hồi): the level and those above it are lost."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"unit_code": "09289", "level": "dat_chuan", "signed": "2024-06-03", "source": "illustrative",
         "decision_no": "VD-3/QĐ-UBND", "reason": "ví dụ: tiêu chí không còn đạt"}]})  # fmt: skip

    reason: str | None = _text(4000)

    def record(self, supersedes: int | None = None) -> Revocation:
        return Revocation(
            self.unit_level, self.unit_code, self.unit_name or "", self.level, self.signed, self.source,
            decision_no=self.decision_no, authority=self.authority, reason=self.reason, citation=self.citation,
            supersedes=supersedes,
        )  # fmt: skip


class DecisionListIn(BaseModel):
    """Several decisions written together, all or none (e.g. one Quyết định recognising several communes)."""

    model_config = ConfigDict(extra="forbid")

    decisions: list[DecisionIn] = Field(min_length=1, max_length=5000)


def etag(source: StatusStore | Writer, rec: Decision | Revocation) -> str:
    prefix = "d" if isinstance(rec, Decision) else "r"
    return f'"{prefix}{rec.id}.{source.unit_revision(rec.unit_level, rec.unit_code)}"'


def record_json(source: StatusStore | Writer, rec: Decision | Revocation, uid: str | None = None) -> dict:
    """The record as the API shows it, with its correction state and ETag."""
    kind = "decision" if isinstance(rec, Decision) else "revocation"
    out: dict = {"id": rec.id, "kind": kind}
    for f in fields(rec):
        if f.name in HIDDEN or f.name == "id":
            continue
        v = getattr(rec, f.name)
        out[f.name] = v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v
    out["superseded_by"] = source.corrected_by(KINDS[kind], rec.id)
    out["current"] = out["superseded_by"] is None
    if uid is not None:
        out["uid"] = uid
    out["etag"] = etag(source, rec)
    return out


def matches(if_match: str | None, current: str) -> bool:
    """Whether an ``If-Match`` header names the current ETag (strong comparison)."""
    return any(t.strip() == current for t in (if_match or "").split(","))
