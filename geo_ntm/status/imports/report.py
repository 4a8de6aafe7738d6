"""The report of a spreadsheet import (:func:`geo_ntm.status.imports.importer.import_file`), as text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class ImportReport:
    """What an import read, found and wrote. ``ok`` when there is no error.

    ``errors`` and ``warnings`` are dicts with ``row`` (as the spreadsheet numbers it),
    ``column``, ``value``, ``problem`` and ``candidates`` (units with code, name, district,
    score). ``fuzzy`` lists units found from a name that was not written exactly (check them);
    ``padded_codes`` the codes whose leading zero was put back; ``written`` the records
    stored, as ``{"row", "kind", "id"}``.
    """

    path: str
    sheet: str | None = None
    header_rows: tuple[int, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_ok: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    fuzzy: list[dict] = field(default_factory=list)
    padded_codes: list[dict] = field(default_factory=list)
    skipped_empty_rows: list[int] = field(default_factory=list)
    would_write: int = 0
    written: list[dict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self, limit: int | None = None) -> dict:
        """The report as JSON-ready data, with ``counts`` of every list.

        ``limit`` keeps only the first items of each list (``counts`` still has them all, and
        ``truncated`` names the lists cut): a kept report is small whatever the file held.
        """
        out = {**asdict(self), "ok": self.ok}
        out["counts"] = {name: len(out[name]) for name in _LISTS}
        if limit is not None:
            cut = [name for name in _LISTS if len(out[name]) > limit]
            for name in cut:
                out[name] = out[name][:limit]
            out["truncated"] = cut
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2, default=str)

    def to_text(self) -> str:
        """The report for a terminal: Vietnamese first, then English."""
        sheet = f", trang tính / sheet {self.sheet!r}" if self.sheet else ""
        rows = "–".join(str(n) for n in (self.header_rows[0], self.header_rows[-1])) if self.header_rows else "?"
        out = [f"Tệp / file {self.path}{sheet}, dòng tiêu đề / header row {rows}"]
        out.append("Cột / columns: " + ", ".join(f"{c} → {f}" for c, f in self.columns.items()))
        out.append(
            f"Đọc {self.rows_read} dòng, {self.rows_ok} hợp lệ, {len(self.errors)} lỗi / "
            f"read {self.rows_read} rows, {self.rows_ok} ok, {len(self.errors)} errors"
        )
        if self.skipped_empty_rows:
            out.append(f"Bỏ qua dòng trống / skipped empty rows: {_runs(self.skipped_empty_rows)}")
        for title, items in (("Lỗi / errors", self.errors), ("Cảnh báo / warnings", self.warnings)):
            if items:
                out.append(f"{title}:")
                out.extend(_problem_lines(items))
        fuzzy = [f for f in self.fuzzy if f["how"] != "folded"]
        if fuzzy:
            out.append("Khớp theo tên gần đúng, cần kiểm tra / matched by similar spelling, please check:")
            for f in fuzzy:
                district = f" ({f['district']})" if f.get("district") else ""
                out.append(f"  dòng/row {f['row']}, {f['column']}: {f['value']!r} → {f['code']} {f['name']}{district} "
                           f"[{f['how']}, score {f['score']:.2f}]")  # fmt: skip
        folded = [f["row"] for f in self.fuzzy if f["how"] == "folded"]
        if folded:
            out.append(f"Khớp khi bỏ dấu / matched without diacritics: {len(folded)} name(s), "
                       f"rows {_runs(folded)}")  # fmt: skip
        if self.padded_codes:
            sample = self.padded_codes[0]
            out.append(
                f"Thêm số 0 đầu mã / leading zero restored in {len(self.padded_codes)} code(s) "
                f"(e.g. {sample['value']} → {sample['code']}), rows {_runs([p['row'] for p in self.padded_codes])}"
            )
        if self.written:
            ids = [w["id"] for w in self.written]
            out.append(f"Đã ghi {len(ids)} bản ghi / wrote {len(ids)} records (ids {_runs(ids)})")
        elif self.errors:
            out.append("Không ghi gì / nothing written: correct the rows above and import the whole file again")
        elif self.dry_run:
            out.append(f"Chạy thử, không ghi / dry run, nothing written: {self.would_write} records would be written")
        else:
            out.append("Không có gì để ghi / nothing to write")
        return "\n".join(out)


_LISTS = ("errors", "warnings", "fuzzy", "padded_codes", "skipped_empty_rows", "written")


def _runs(numbers: list[int]) -> str:
    numbers = sorted(set(numbers))
    parts, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(str(n) if start == n else f"{start}–{n}")
            start = None
    return ", ".join(parts)


def _problem_lines(items: list[dict]) -> list[str]:
    out = []
    for e in items:
        where = f"dòng/row {e['row']}" if e.get("row") else "tệp/file"
        col = f", cột/column {e['column']}" if e.get("column") else ""
        value = f" {e['value']!r}:" if e.get("value") not in (None, "") else ""
        out.append(f"  {where}{col}:{value} {e['problem']}")
        for c in e.get("candidates") or []:
            district = f", {c['district']}" if c.get("district") else ""
            out.append(f"      {c['code']} {c['name']}{district} (score {c['score']:.2f}, {c['how']}, {c['valid']})")
    return out


# -- one row -----------------------------------------------------------------------------
