"""What the hash-chained audit trail costs a write: this checkout against one without the chain.

Runs the same writes in two processes, one on this checkout's code and one on another checkout
(``--before PATH``, e.g. a worktree of the commit before the chain), on fresh stores:

- 300 single-decision transactions (each: its record, one audit entry, one data-version step);
- one import of 20,000 decisions (one transaction, 20,000 audit entries);
- then, on this checkout only, verifying the whole trail (``geo-ntm audit verify``).

Prints times and the ratio after/before; asserts nothing.

    git worktree add /tmp/before <commit before the chain>
    .venv/bin/python bench/audit_chain_bench.py --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SINGLE = 300
IMPORT_ROWS = 20_000


def measure() -> dict:
    from geo_ntm.boundaries.atlas import Atlas
    from geo_ntm.paths import DEFAULT_REGION
    from geo_ntm.status.model import Decision
    from geo_ntm.status.store import SqliteStore

    try:
        from geo_ntm.status.imports.importer import import_file
    except ImportError:  # a checkout from before status/imports/
        from geo_ntm.status.importer import import_file

    atlas = Atlas.load(DEFAULT_REGION)
    units = atlas.units_on("2023-03-15", "commune")
    codes = units[units["type"] == "Xã"]["code"].tolist()
    tmp = Path(tempfile.mkdtemp())
    store = SqliteStore(tmp / "s.sqlite")
    started = time.perf_counter()
    for i in range(SINGLE):
        with store.write("bench", f"req-{i}") as w:
            w.add_decision(Decision("commune", codes[i % len(codes)], "", "dat_chuan", date(2023, 3, 15), 2023,
                                    "illustrative", decision_no=f"S-{i}"))  # fmt: skip
    single = (time.perf_counter() - started) / SINGLE
    sheet = tmp / "big.csv"
    rows = [f"{codes[i % len(codes)]},dat_chuan,2023-03-16,illustrative,B-{i}" for i in range(IMPORT_ROWS)]
    sheet.write_text("unit_code,level,signed,source,decision_no\n" + "\n".join(rows) + "\n")
    started = time.perf_counter()
    report = import_file(sheet, store, atlas, actor="bench")
    imported = time.perf_counter() - started
    assert len(report.written) == IMPORT_ROWS, report.errors[:3]
    out = {"single_ms": single * 1000, "import_s": imported}
    if hasattr(store, "verify_audit"):
        started = time.perf_counter()
        chain = store.verify_audit()
        out |= {"verify_s": time.perf_counter() - started, "entries": chain.entries, "ok": chain.ok}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout without the chain")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    here = Path(__file__).resolve().parents[1]
    results = {}
    for name, root in (("before", args.before.resolve()), ("after", here)):
        env = {**os.environ, "PYTHONPATH": str(root)}
        out = subprocess.run([sys.executable, __file__, "--before", str(args.before), "--measure"], env=env,
                             capture_output=True, text=True, check=True, cwd=root)  # fmt: skip
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    b, a = results["before"], results["after"]
    print(
        f"one decision per transaction: {b['single_ms']:.2f} ms before, {a['single_ms']:.2f} ms with the chain "
        f"({a['single_ms'] / b['single_ms']:.2f}×)"
    )
    per_entry = (a["import_s"] - b["import_s"]) / IMPORT_ROWS * 1e6
    print(
        f"import of {IMPORT_ROWS:,} rows in one transaction: {b['import_s']:.2f} s before, {a['import_s']:.2f} s "
        f"with the chain ({a['import_s'] / b['import_s']:.2f}×; {per_entry:.0f} µs an entry)"
    )
    print(
        f"verifying the whole trail: {a['entries']:,} entries in {a['verify_s']:.2f} s "
        f"({a['verify_s'] / a['entries'] * 1e6:.1f} µs an entry), intact: {a['ok']}"
    )


if __name__ == "__main__":
    main()
