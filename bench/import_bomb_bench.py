"""What hostile spreadsheets cost a dry-run upload: CPU, peak memory, bytes stored; against a clean file.

Each case runs :func:`geo_ntm.status.imports.uploads.check_upload` (what ``POST /api/imports`` does) in
its own process on a fresh store, so the peak memory is the case's own. The ceiling is a clean
CSV of 20,000 real decisions: a hostile file should cost no more than an honest one of the same
limits. Prints one line per case; asserts nothing.

    .venv/bin/python bench/import_bomb_bench.py
    PYTHONPATH=/path/to/another/checkout .venv/bin/python bench/import_bomb_bench.py   # its code, same files
"""

from __future__ import annotations

import importlib.util
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: the code measured may come from another checkout


def _hostile():
    """This checkout's builders of hostile files, whatever checkout the code measured comes from."""
    spec = importlib.util.spec_from_file_location("hostile_files", ROOT / "tests" / "hostile_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = ["clean 20,000-row CSV", "audit bomb: row 10,000,000", "same, declaring A1:E10000000",
         "20,000 rows with a cell at XFD", "1,000,200 empty cells", "999,800 empty cells (limit)",
         "CSV: 4.9 MB of blank lines"]  # fmt: skip


def content(case: str) -> tuple[bytes, str]:
    h = _hostile()
    HEADER, blank_csv, far_row_bomb, row_xml, sheet, wide_rows, workbook = (  # noqa: N806
        h.HEADER,
        h.blank_csv,
        h.far_row_bomb,
        h.row_xml,
        h.sheet,
        h.wide_rows,
        h.workbook,
    )
    if case.startswith("clean"):
        from geo_ntm.boundaries.atlas import Atlas
        from geo_ntm.paths import DEFAULT_REGION

        units = Atlas.load(DEFAULT_REGION).units_on("2023-03-15", "commune")
        codes = units[units["type"] == "Xã"]["code"].tolist()
        rows = [",".join(HEADER)] + [f"{codes[i % len(codes)]},dat_chuan,2023-03-15,illustrative,K-{i}/QĐ"
                                     for i in range(20_000)]  # fmt: skip
        return ("\n".join(rows) + "\n").encode(), "clean.csv"
    if case.startswith("audit"):
        return far_row_bomb(10_000_000), "bomb.xlsx"
    if case.startswith("same"):
        return far_row_bomb(10_000_000, dimension="A1:E10000000"), "bomb.xlsx"
    if case.startswith("20,000"):
        return wide_rows(20_000), "wide.xlsx"
    if "empty cells" in case:
        rows = 5_001 if case.startswith("1,000,200") else 4_999
        return workbook(sheet(row_xml(1, HEADER) + ("<row>" + "<c/>" * 200 + "</row>") * rows)), "cells.xlsx"
    return blank_csv(4_900_000), "blank.csv"


def run(case: str) -> dict:
    from geo_ntm.boundaries.atlas import Atlas
    from geo_ntm.paths import DEFAULT_REGION
    from geo_ntm.status.store import SqliteStore

    try:
        from geo_ntm.status.imports.uploads import check_upload
    except ImportError:  # a checkout from before status/imports/
        from geo_ntm.status.uploads import check_upload

    atlas = Atlas.load(DEFAULT_REGION)
    data, name = content(case)
    path = Path(tempfile.mkdtemp()) / "s.sqlite"
    store = SqliteStore(path)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        up = check_upload(store, atlas, data, name, {"defaults": {}, "max_bytes": 5 * 2**20}, actor="bench")
        outcome = f"accepted: ready={up.ready}, {up.report['rows_read']} rows read"
    except Exception as exc:  # a refusal is the outcome we measure
        outcome = f"refused: {type(exc).__name__}: {str(exc)[:90]}"
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT COALESCE(SUM(LENGTH(report)), 0) FROM uploads").fetchone()[0]
    return {"case": case, "bytes": len(data), "cpu_s": cpu, "wall_s": wall, "peak_mb": (peak - base) / 1024,
            "stored_bytes": stored, "outcome": outcome}  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1])))
        return
    import geo_ntm

    print(f"code measured: {Path(geo_ntm.__file__).parent}")
    print(f"{'case':34} {'file':>9} {'CPU s':>7} {'+RSS MB':>8} {'stored':>10}  outcome")
    ceiling = None
    for case in CASES:
        out = subprocess.run([sys.executable, __file__, case], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ceiling = ceiling or r
        ratio = r["cpu_s"] / ceiling["cpu_s"] if ceiling["cpu_s"] else float("nan")
        print(f"{r['case']:34} {r['bytes']:>9,} {r['cpu_s']:>7.2f} {r['peak_mb']:>8.0f} {r['stored_bytes']:>10,}  "
              f"{ratio:4.2f}× clean CPU; {r['outcome']}")  # fmt: skip


if __name__ == "__main__":
    main()
