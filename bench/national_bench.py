"""How cost grows with size: the national 2013 commune layer (11,163 polygons) served as a region.

    .venv/bin/python bench/national_bench.py [--duration 5]

Builds a one-vintage region from ``boundaries/sources/vietnam_communes_2013_vietnam63.gpkg``
(``geo_ntm.boundaries.snapshot``: coverage-cleaned, districts and provinces dissolved; kept in
the system temp folder between runs), starts a second service on it (one uvicorn worker, no
status records: every unit shows "no data"), and prints cold and cached figures per zoom next
to the same figures for the embedded province.
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

from bench.layers_bench import free_port, start, wrk  # noqa: E402
from geo_ntm.boundaries.snapshot import build_snapshot  # noqa: E402
from geo_ntm.layers.tiles import tiles_covering  # noqa: E402

SOURCE = ROOT / "boundaries" / "sources" / "vietnam_communes_2013_vietnam63.gpkg"


def sizes(base: str, path: str) -> tuple[int, int, float]:
    t = time.perf_counter()
    with httpx.Client(timeout=120) as c, c.stream("GET", base + path, headers={"Accept-Encoding": "gzip"}) as r:
        zipped = len(b"".join(r.iter_raw()))
    first = (time.perf_counter() - t) * 1000
    plain = len(httpx.get(base + path, headers={"Accept-Encoding": "identity"}, timeout=120).content)
    return plain, zipped, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=5)
    args = ap.parse_args()
    region = Path(tempfile.gettempdir()) / "geo-ntm-vietnam-2013.gpkg"
    if not region.exists():
        t = time.perf_counter()
        build_snapshot(SOURCE, region, day=date(2013, 3, 6), name="Việt Nam (xã, 2013)")
        print(f"built the national region in {time.perf_counter() - t:.1f} s (coverage cleaning of 11,163 polygons)")
    tmp = Path(tempfile.mkdtemp(prefix="geo-ntm-bench-"))
    port, province_port = free_port(), free_port()
    procs = []
    try:
        t = time.perf_counter()
        procs.append(
            start(
                ["--factory", "api.main:create_app"],
                {"GEO_NTM_REGION": str(region), "GEO_NTM_STORE": str(tmp / "n.sqlite"), "GEO_NTM_DEMO": "false"},
                port,
            )
        )
        startup = time.perf_counter() - t
        procs.append(
            start(["--factory", "api.main:create_app"], {"GEO_NTM_STORE": str(tmp / "p.sqlite")}, province_port)
        )
        print(
            f"# national vs province, {date.today()}, one uvicorn worker each, loopback; national start-up "
            f"{startup:.1f} s"
        )
        print("\n## GeoJSON communes: raw / gzip bytes, first request (cold: join + simplify + encode + gzip), cached")
        for label, base, q in (
            ("national 2013 (11,163)", f"http://127.0.0.1:{port}", "date=2013-06-01"),
            ("province 2023 (335)", f"http://127.0.0.1:{province_port}", "year=2023"),
        ):
            for zoom, fields in ((5, None), (5, "code,name,status"), (6, None), (8, None)):
                path = f"/api/layers/communes.geojson?{q}&zoom={zoom}" + (f"&fields={fields}" if fields else "")
                plain, zipped, first = sizes(base, path)
                cached = wrk(base + path, args.duration, 4)
                print(
                    f"  {label:<24} z{zoom} {'3 fields' if fields else 'all fields':<10} {plain / 1e6:6.2f} MB / "
                    f"{zipped / 1e6:5.2f} MB gzip   first {first:7.0f} ms   cached {cached['rps']:6.0f} req/s "
                    f"p50 {cached['p50'] / 1000:6.1f} ms"
                )
        print("\n## Tiles at the same place (Bắc Giang), first request and cached")
        for label, base, q in (
            ("national", f"http://127.0.0.1:{port}", "date=2013-06-01"),
            ("province", f"http://127.0.0.1:{province_port}", "year=2023"),
        ):
            for z in (6, 8, 10):
                ((_, x, y),) = tiles_covering((106.35, 21.33, 106.35, 21.33), z)
                for fmt in ("mvt", "png"):
                    path = f"/api/tiles/communes/{z}/{x}/{y}.{fmt}?{q}"
                    _, zipped, first = sizes(base, path)
                    cached = wrk(base + path, max(2, args.duration // 2), 4)
                    print(
                        f"  {label:<9} {fmt} z{z:<2} {zipped / 1024:7.1f} KB  first {first:6.0f} ms  cached "
                        f"{cached['rps']:6.0f} req/s p50 {cached['p50'] / 1000:5.1f} ms"
                    )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
