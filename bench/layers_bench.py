"""Benchmark of the map layers: prints figures, asserts nothing.

    .venv/bin/python bench/layers_bench.py [--duration 6] [--connections 8]

Starts the service (one uvicorn worker, a fresh store with the embedded data) and a ceiling
app (a bare FastAPI route returning the same precompressed bytes from memory), then measures
with wrk (Debian package ``wrk``) on loopback:

- cached GeoJSON layer: requests/s and p50/p95 against the ceiling, in the same run;
- cold GeoJSON layer: the first request after a data change (a decision written to the store);
- MVT and PNG tiles at zooms 8-12, cold (first request after a change) and cached;
- bytes per layer per zoom (raw and gzip), and the weight of the status page in a browser.

The machines are shared and noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo_ntm.layers.tiles import tiles_covering  # noqa: E402
from geo_ntm.status.model import Decision  # noqa: E402
from geo_ntm.status.store import SqliteStore  # noqa: E402

PY = sys.executable
POINT = (106.35, 21.33)  # over Lục Nam / Lục Ngạn, Bắc Giang


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "uvicorn",
            *args,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if (
                httpx.get(
                    f"http://127.0.0.1:{port}/healthz" if "api.main" in args[-1] else f"http://127.0.0.1:{port}/body",
                    timeout=2,
                ).status_code
                == 200
            ):
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"server on {port} did not start")


def wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-H",
            "Accept-Encoding: gzip",
            "-s",
            str(ROOT / "bench" / "wrk_report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def bump(store: SqliteStore, n: int) -> None:
    """A data change: one more (illustrative) decision, so every cached layer goes cold."""
    with store.write("benchmark") as w:
        w.add_decision(
            Decision(
                "commune",
                "07222",
                "Xã Song Mai",
                "kieu_mau",
                date(2024, 12, 1),
                2024,
                "illustrative",
                decision_no=f"BENCH-{n}",
                note="benchmark",
            )
        )


def cold(base: str, store: SqliteStore, path: str, runs: int, counter: list[int]) -> list[float]:
    times = []
    with httpx.Client(headers={"Accept-Encoding": "gzip"}, timeout=120) as client:
        for _ in range(runs):
            counter[0] += 1
            bump(store, counter[0])
            t = time.perf_counter()
            r = client.get(base + path)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return times


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"p50 {statistics.median(values):6.1f} ms  p95 {p95:6.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=6)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--cold-runs", type=int, default=12)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="geo-ntm-bench-"))
    port, ceiling_port = free_port(), free_port()
    service = start(["--factory", "api.main:create_app"], {"GEO_NTM_STORE": str(tmp / "s.sqlite")}, port)
    base = f"http://127.0.0.1:{port}"
    store = SqliteStore(tmp / "s.sqlite")
    counter = [0]
    procs = [service]
    try:
        layer = "/api/layers/communes.geojson?year=2023&zoom=10"
        with httpx.Client() as c, c.stream("GET", base + layer, headers={"Accept-Encoding": "gzip"}) as r:
            compressed = b"".join(r.iter_raw())
        (tmp / "body.gz").write_bytes(compressed)
        ceiling = start(
            ["--factory", "bench.ceiling:make_app"],
            {"BENCH_BODY": str(tmp / "body.gz"), "BENCH_MEDIA": "application/geo+json"},
            ceiling_port,
        )
        procs.append(ceiling)

        print(
            f"# geo-ntm layer benchmark, {date.today()}, one uvicorn worker, wrk -c{args.connections}, "
            f"{args.duration}s per run, loopback"
        )
        print(f"\n## Cached GeoJSON (communes, year 2023, zoom 10: {len(compressed):,} bytes gzip)")
        ours = wrk(base + layer, args.duration, args.connections)
        top = wrk(f"http://127.0.0.1:{ceiling_port}/body", args.duration, args.connections)
        for name, f in (("geo-ntm", ours), ("ceiling (bare route, same bytes)", top)):
            print(
                f"  {name:<34} {f['rps']:8.0f} req/s  p50 {f['p50'] / 1000:6.2f} ms  p95 {f['p95'] / 1000:6.2f} ms"
                f"  errors {f['errors']}"
            )
        print(
            f"  ratio geo-ntm / ceiling: {ours['rps'] / top['rps']:.2f} of the requests/s; "
            f"{ours['rps'] * len(compressed) / 1e6:.0f} MB/s of layer bytes"
        )

        print("\n## Cold GeoJSON: first request after a data change (book + join + simplify + encode + gzip)")
        for path in (
            "/api/layers/communes.geojson?year=2023&zoom=10",
            "/api/layers/communes.geojson?year=2023",
            "/api/layers/districts.geojson?year=2023&zoom=10",
            "/api/layers/dbkk.geojson?date=2024-12-31",
        ):
            print(f"  {path:<52} {ms(cold(base, store, path, args.cold_runs, counter))}")

        print("\n## Tiles over Bắc Giang (cold = first after a data change; cached = wrk)")
        for fmt in ("mvt", "png"):
            for z in range(8, 13):
                ((_, x, y),) = tiles_covering((*POINT, *POINT), z)
                path = f"/api/tiles/communes/{z}/{x}/{y}.{fmt}?year=2023"
                cold_times = cold(base, store, path, max(4, args.cold_runs // 3), counter)
                cached = wrk(base + path, max(2, args.duration // 3), args.connections)
                size = len(httpx.get(base + path).content)
                print(
                    f"  {fmt} z{z:<2} {size:>7,} B  cold {ms(cold_times)}   cached {cached['rps']:7.0f} req/s "
                    f"p50 {cached['p50'] / 1000:5.2f} ms p95 {cached['p95'] / 1000:5.2f} ms"
                )

        print("\n## Bytes per layer per zoom (raw / gzip)")
        for name, q in (
            ("communes", "year=2023"),
            ("districts", "year=2023"),
            ("dbkk", "date=2024-12-31"),
            ("communes", "date=2025-07-01"),
        ):
            sizes = []
            for zoom in (6, 8, 10, 12, None):
                url = f"{base}/api/layers/{name}.geojson?{q}" + (f"&zoom={zoom}" if zoom is not None else "")
                plain = len(httpx.get(url, headers={"Accept-Encoding": "identity"}).content)
                with httpx.Client() as c, c.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
                    zipped = len(b"".join(r.iter_raw()))
                sizes.append(f"z{zoom if zoom is not None else 'full'} {plain / 1024:.0f}/{zipped / 1024:.0f} KB")
            print(f"  {name} ({q}): " + ", ".join(sizes))

        print("\n## Status page weight in a browser (everything the commune page loads, gzip on the wire)")
        total = 0
        for path in (
            "/maps/status?year=2023",
            "/static/js/statusmap.js",
            "/static/css/statusmap.css",
            "/static/vendor/leaflet/1.9.3/leaflet.js",
            "/static/vendor/leaflet/1.9.3/leaflet.css",
            "/api/layers/communes.geojson?zoom=10&year=2023",
            "/api/layers/districts.geojson?zoom=10&year=2023",
        ):
            with httpx.Client() as c, c.stream("GET", base + path, headers={"Accept-Encoding": "gzip"}) as r:
                n = len(b"".join(r.iter_raw()))
            total += n
            print(f"  {path:<52} {n / 1024:7.1f} KB")
        print(f"  total {total / 1024:.0f} KB (aim: under 300 KB)")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
