"""The national region at scale: build, checks, load, memory, layers and tiles. Prints figures, asserts nothing.

    .venv/bin/python bench/national_bench.py [--duration 5] [--cold-runs 8] [--skip-checks]

1. Builds the national region on first use (``geo_ntm.boundaries.regions``; timed when it does)
   and runs ``boundaries check`` on it: counts against the official lists on every date, area
   through every event, official areas (goals of issue 16).
2. Starts one uvicorn worker on it (``GEO_NTM_REGION=vn``, a fresh store of its own): time to
   answer ``/healthz`` and the worker's resident memory, before and after the layers below.
3. National commune layer at zooms 5 and 6: bytes (raw/gzip), cold (first request after a
   data change), cached against the ceiling (a bare FastAPI route with the same bytes).
4. Tiles (MVT and PNG) at zooms 5-12 over Hà Nội: the first request after a data change, the
   first request of a tile not asked before (its neighbours), and cached.
5. A second worker started after all that: its first requests of the same layers and tiles,
   which read the simplified outlines the first worker kept on disk
   (:mod:`geo_ntm.layers.outline_store`; they are cleared before the first worker starts).

Needs Debian's ``wrk``. The machines are shared and noisy: read the ratios, not the absolutes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.layers_bench import cold, free_port, ms, start, wrk  # noqa: E402
from geo_ntm.boundaries.regions import CACHE_DIR, resolve_region  # noqa: E402
from geo_ntm.layers.tiles import tiles_covering  # noqa: E402
from geo_ntm.paths import SOURCES_DIR  # noqa: E402
from geo_ntm.status.store import SqliteStore  # noqa: E402

HANOI = (105.85, 21.03)
DATES = ("2025-06-30", date.today().isoformat())  # the 10,035 communes before the reform, the 3,321 of today


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def gz_size(url: str) -> tuple[int, int]:
    plain = len(httpx.get(url, headers={"Accept-Encoding": "identity"}, timeout=120).content)
    with httpx.Client(timeout=120) as c, c.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
        zipped = b"".join(r.iter_raw())
    return plain, len(zipped)


def checks(region: Path) -> None:
    from geo_ntm.boundaries.check import run_checks

    t = time.perf_counter()
    for c in run_checks(region, SOURCES_DIR):
        print(f"  {'PASS' if c.passed else 'FAIL'}  {c.name}\n        {c.summary[:900]}")
        if c.name.startswith("areas against"):
            d = c.details
            print(
                f"        within 5%: {d['within_5pct']} of {d['trusted_units']} units with a trusted figure "
                f"({d['within_5pct'] / max(d['trusted_units'], 1):.1%}); {d['within_5pct_all']} of {d['units']} in all"
            )
            for w in d["worst"]:
                print(f"        worst: {w['name']} ({w['code']}) {w['diff_pct']}% — {w['reason'][:160]}")
    print(f"  (checks took {time.perf_counter() - t:.0f} s)")


def first_requests(base: str, paths: list[str]) -> list[float]:
    """Milliseconds of the first request of each path (not cached yet; the data unchanged)."""
    times = []
    with httpx.Client(headers={"Accept-Encoding": "gzip"}, timeout=120) as client:
        for path in paths:
            t = time.perf_counter()
            r = client.get(base + path)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--cold-runs", type=int, default=8)
    ap.add_argument("--skip-checks", action="store_true")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    print("# geo-ntm national benchmark (one uvicorn worker, loopback)")
    t = time.perf_counter()
    said: list[str] = []
    region = resolve_region("vn", progress=said.append)
    built = time.perf_counter() - t
    size = region.stat().st_size / 1e6
    how = f"built now in {built:.0f} s (first use)" if said else f"found in {CACHE_DIR} ({built:.1f} s to check)"
    print(f"\n## Region {region.name}: {size:.1f} MB, {how}")
    if not args.skip_checks:
        print("\n## boundaries check")
        checks(region)

    shutil.rmtree(CACHE_DIR / "outlines", ignore_errors=True)  # the first worker simplifies them itself
    tmp = Path(tempfile.mkdtemp(prefix="geo-ntm-national-"))
    port, ceiling_port = free_port(), free_port()
    env = {"GEO_NTM_REGION": "vn", "GEO_NTM_STORE": str(tmp / "vn.sqlite")}
    t = time.perf_counter()
    service = start(["--factory", "api.main:create_app"], env, port)
    started = time.perf_counter() - t
    procs = [service]
    base = f"http://127.0.0.1:{port}"
    store = SqliteStore(tmp / "vn.sqlite")
    counter = [0]
    try:
        memory = rss_mb(service.pid)
        print(f"\n## Worker: answers /healthz {started:.1f} s after start; resident memory {memory:.0f} MB")
        print(
            "\n## National commune layer at zooms 5-6 (first since start: simplifies the outlines of the"
            "\n   date and zoom, once per process; after a change: first request after a data change)"
        )
        body = None
        for day in DATES:
            for zoom in (5, 6):
                path = f"/api/layers/communes.geojson?date={day}&zoom={zoom}"
                [first] = first_requests(base, [path])
                times = cold(base, store, path, args.cold_runs, counter)
                plain, zipped = gz_size(base + path)
                print(f"  {path:<56} {plain / 1e6:5.1f} MB raw, {zipped / 1e6:.2f} MB gzip; "
                      f"first since start {first:6.0f} ms; after a change {ms(times)}")  # fmt: skip
                if body is None:
                    with httpx.Client() as c, c.stream("GET", base + path, headers={"Accept-Encoding": "gzip"}) as r:
                        body = (path, b"".join(r.iter_raw()))
        path, compressed = body
        (tmp / "body.gz").write_bytes(compressed)
        ceiling = start(
            ["--factory", "bench.ceiling:make_app"],
            {"BENCH_BODY": str(tmp / "body.gz"), "BENCH_MEDIA": "application/geo+json"},
            ceiling_port,
        )
        procs.append(ceiling)
        httpx.get(base + path, headers={"Accept-Encoding": "gzip"}, timeout=120)  # made once, then cached
        ours = wrk(base + path, args.duration, args.connections)
        top = wrk(f"http://127.0.0.1:{ceiling_port}/body", args.duration, args.connections)
        print(f"\n## Cached {path} ({len(compressed):,} B gzip)")
        for name, f in (("geo-ntm", ours), ("ceiling (bare route, same bytes)", top)):
            print(f"  {name:<34} {f['rps']:8.0f} req/s  p50 {f['p50'] / 1000:6.2f} ms  p95 {f['p95'] / 1000:6.2f} ms")
        print(f"  ratio geo-ntm / ceiling: {ours['rps'] / top['rps']:.2f}")

        print(
            "\n## Tiles over Hà Nội, zooms 5-12 (after change = first request after a data change;"
            "\n   new tile = first request of each of the 8 neighbouring tiles, data unchanged; cached = wrk)"
        )
        for fmt in ("mvt", "png"):
            every, fresh_all, firsts = [], [], []
            for z in range(5, 13):
                ((_, x, y),) = tiles_covering((*HANOI, *HANOI), z)
                tile = f"/api/tiles/communes/{z}/{x}/{y}.{fmt}?date={DATES[0]}"
                firsts += first_requests(base, [tile])
                times = cold(base, store, tile, max(4, args.cold_runs // 2), counter)
                every += times
                fresh = first_requests(base, [f"/api/tiles/communes/{z}/{x + dx}/{y + dy}.{fmt}?date={DATES[0]}"
                                              for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy])  # fmt: skip
                fresh_all += fresh
                cached = wrk(base + tile, max(2, args.duration // 3), args.connections)
                size = len(httpx.get(base + tile, timeout=60).content)
                print(
                    f"  {fmt} z{z:<2} {size:>8,} B  after change {ms(times)}  new tile {ms(fresh)}"
                    f"  cached {cached['rps']:5.0f} req/s p95 {cached['p95'] / 1000:5.2f} ms"
                )
            print(f"  {fmt} z5-z12 over all: after a change {ms(every)}; new tile {ms(fresh_all)}; "
                  f"first since start {ms(firsts)}")  # fmt: skip

        print("\n## National page and its province layer")
        for path in ("/national", f"/api/national/provinces.geojson?date={DATES[1]}&zoom=6", "/api/national"):
            plain, zipped = gz_size(base + path)
            print(f"  {path:<56} {plain / 1024:7.1f} KB raw, {zipped / 1024:6.1f} KB gzip")
        print(f"\n## Worker resident memory after all of the above: {rss_mb(service.pid):.0f} MB")
        second_worker(env, procs)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def second_worker(env: dict, procs: list) -> None:
    """A worker started after the first one: its first requests read the outlines kept on disk."""
    port = free_port()
    procs.append(start(["--factory", "api.main:create_app"], env, port))
    base = f"http://127.0.0.1:{port}"
    print("\n## A second worker, started now (simplified outlines read from disk): first request since start")
    for day in DATES:
        for zoom in (5, 6):
            path = f"/api/layers/communes.geojson?date={day}&zoom={zoom}"
            [first] = first_requests(base, [path])
            print(f"  {path:<56} first since start {first:6.0f} ms")
    for fmt in ("mvt", "png"):
        tiles = []
        for z in range(5, 13):
            ((_, x, y),) = tiles_covering((*HANOI, *HANOI), z)
            tiles.append(f"/api/tiles/communes/{z}/{x}/{y}.{fmt}?date={DATES[0]}")
        print(f"  {fmt} z5-z12 first since start {ms(first_requests(base, tiles))}")


if __name__ == "__main__":
    main()
