"""Exports of a document's findings: mentions as CSV, and drafts for the normal import.

A draft is a spreadsheet in the columns the importer reads (:mod:`geo_ntm.status.imports.importer` for
decisions, :mod:`geo_ntm.status.imports.targets` for targets). It is *only* a file: it reaches
the records through the import's dry run and confirm, where every row is checked again, never
directly. Each row cites the document (its number, date and issuer as read from it) and says
where in the text it came from.

- **Targets**: every target the document sets (a unit's level by a deadline, or a figure).
- **Decisions**: status claims about units ("huyện Lục Nam đạt chuẩn NTM", năm 2023) that the
  records do not already hold; the letter gives no decision number, so the year is the "năm"
  label with year precision. Claims the records agree with are left out unless asked for.
"""

from __future__ import annotations

import csv
import io

from geo_ntm.names import english
from geo_ntm.status.levels import LABELS
from geo_ntm.status.model import METRICS

TARGET_FIELDS = ("id", "title_vi", "title_en", "metric", "target", "deadline", "scope", "province_code", "source",
                 "citation")  # fmt: skip
DECISION_FIELDS = ("unit_level", "unit_code", "unit_name", "level", "year_label", "signed_precision", "source",
                   "citation", "note")  # fmt: skip
MENTION_FIELDS = ("kind", "id", "line", "col", "end_line", "end_col", "text", "status", "confidence", "unit_code",
                  "unit_name", "unit_level", "candidates", "level", "value", "unit", "metric", "year", "deadline",
                  "records", "verdict")  # fmt: skip
LEVEL_WORDS = {"dat_chuan": "đạt chuẩn NTM", "hoan_thanh": "hoàn thành nhiệm vụ xây dựng NTM",
               "nang_cao": "đạt chuẩn NTM nâng cao", "kieu_mau": "đạt chuẩn NTM kiểu mẫu"}  # fmt: skip


def to_csv(rows: list[dict], fields: tuple[str, ...]) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens Vietnamese correctly), one row per dict."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in fields})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # 1 and 0, as the service's parameters and other exports write yes/no
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: keep it text (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _citation(analysis: dict, place: dict) -> str:
    cite = analysis["identity"].get("citation") or "văn bản tải lên (không đọc được số, ngày)"
    return f"{cite}, dòng {place['line']}"


def draft_targets(analysis: dict, province: str | None) -> list[dict]:
    """The targets the document sets, as rows of a targets import."""
    rows = []
    for t in analysis["targets"]:
        if not t.get("metric"):
            continue
        vi, en = _target_titles(t)
        rows.append({
            "id": "", "title_vi": vi, "title_en": en, "metric": t["metric"], "target": t["target"],
            "deadline": t["deadline"], "scope": ";".join(t["scope"]), "province_code": province,
            "source": "official", "citation": _citation(analysis, t),
        })  # fmt: skip
    return rows


def _target_titles(t: dict) -> tuple[str, str]:
    year = t["deadline"][:4]
    names = ", ".join(t.get("unit_names") or [])
    if t["kind"] == "unit":
        vi = f"{names} {LEVEL_WORDS.get(t['level'], t['level'])}, công nhận năm {year}"
        en_names = ", ".join(english(n) for n in t.get("unit_names") or [])
        return vi, f"{en_names} recognised as {LABELS['en'].get(t['level'], t['level'])} in {year}"
    label_vi, label_en = METRICS.get(t["metric"], (t["metric"], t["metric"]))
    value = f"{t['target'] * 100:g}%" if t.get("unit") == "%" else f"{t['target']:g}"
    where_vi = f" ({names})" if names else ""
    where_en = f" ({', '.join(english(n) for n in t.get('unit_names') or [])})" if names else ""
    return f"{label_vi}{where_vi}: {value} đến hết năm {year}", f"{label_en}{where_en}: {value} by the end of {year}"


def draft_decisions(analysis: dict, checks: dict, *, include_agreeing: bool = False) -> list[dict]:
    """Status claims about units as rows of a decisions import (those the records lack, by default)."""
    verdicts = {}
    for c in checks.get("claims", []):
        for u in c["units"]:
            verdicts[(c["claim"], u["code"])] = u["verdict"]
    rows = []
    for c in analysis["claims"]:
        if not c.get("year"):
            continue  # a decision needs at least its year
        for code, name in zip(c["unit_codes"], c["unit_names"], strict=True):
            if verdicts.get((c["id"], code)) == "agrees" and not include_agreeing:
                continue
            rows.append({
                "unit_level": c["unit_level"], "unit_code": code, "unit_name": name, "level": c["level"],
                "year_label": c["year"], "signed_precision": "year", "source": "official",
                "citation": _citation(analysis, c),
                "note": f"Từ văn bản: “{' '.join(c['text'].split())}”; chưa có số và ngày quyết định",
            })  # fmt: skip
    return rows


def mention_rows(analysis: dict, checks: dict | None = None) -> list[dict]:
    """Every mention (units, status phrases, figures, targets), in text order, for a CSV."""
    checks = checks or {}
    fig_checks = {c["figure"]: c for c in checks.get("figures", [])}
    rows = []
    for u in analysis["units"]:
        unit = u["unit"] or {}
        candidates = "; ".join(f"{c['code']} {c['name']} ({c['score']:.2f})" for c in u["candidates"])
        rows.append({**_place(u), "kind": "unit", "status": u["status"], "confidence": u["confidence"],
                     "unit_code": unit.get("code"), "unit_name": unit.get("name"), "unit_level": unit.get("level"),
                     "candidates": candidates})  # fmt: skip
    for s in analysis["statuses"]:
        rows.append({**_place(s), "kind": "status", "level": s["level"] or ("dbkk" if s["dbkk"] else None),
                     "confidence": s["confidence"]})  # fmt: skip
    for f in analysis["figures"]:
        c = fig_checks.get(f["id"], {})
        rows.append({**_place(f), "kind": "target_figure" if f["target"] else "figure", "value": f["value"],
                     "unit": f["unit"], "metric": f["metric"], "year": f["year"], "level": f["level"],
                     "confidence": f["confidence"],
                     "records": c.get("records"), "verdict": c.get("verdict")})  # fmt: skip
    for t in analysis["targets"]:
        rows.append({**_place(t), "kind": "target", "metric": t["metric"], "value": t["target"],
                     "deadline": t["deadline"], "unit_code": ";".join(t["scope"]),
                     "unit_name": "; ".join(t.get("unit_names") or [])})  # fmt: skip
    return sorted(rows, key=lambda r: (r["line"], r["col"]))


def _place(m: dict) -> dict:
    return {k: m[k] for k in ("id", "line", "col", "end_line", "end_col")} | {"text": " ".join(m["text"].split())}
