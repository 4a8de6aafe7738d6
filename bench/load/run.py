"""Load test: public reads of pages, layers and tiles mixed with editors recording decisions.

    .venv/bin/python bench/load/run.py                 # 30 s against its own service (one worker)
    .venv/bin/python bench/load/run.py --duration 60 --readers 32 --editors 4 --editor-pause 0
    .venv/bin/python bench/load/run.py --url http://127.0.0.1:8000 --token gntm_…   # a running service

Without ``--url`` it starts ``uvicorn api.main:create_app`` (one worker) on a free loopback port
with a fresh store holding the demo data, and an editor token made for the run. Only loopback
addresses are accepted. Readers loop over the read endpoints the service has (found in its
OpenAPI document: boundaries, status, summary, layers, vector and PNG tiles, pages); editors
record the levels of communes that have none (NTM, then advanced, then model), each with an
Idempotency-Key. At the end every acknowledged write is read back by id. Prints requests/s and
p50/p95/p99 latency per endpoint, errors, and the write check; exits 1 if a write is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.faults.service import Service  # noqa: E402

DAY, YEAR = "2023-12-31", 2023


def loopback(url: str) -> str:
    host = urlparse(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing {url}: the load test only targets loopback addresses")
    return url.rstrip("/")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


async def read_targets(http: httpx.AsyncClient) -> list[tuple[str, str, float]]:
    """(label, url, weight) for the read endpoints this service has."""
    paths = set((await http.get("/openapi.json")).json()["paths"])
    targets = [
        ("GET /", "/", 1),
        ("GET /api/boundaries/units (commune geojson)", f"/api/boundaries/units?date={DAY}&level=commune", 1),
        ("GET /api/boundaries/units (district geojson)", f"/api/boundaries/units?date={DAY}&level=district", 1),
        ("GET /api/status", f"/api/status?year={YEAR}", 2),
        ("GET /api/summary", f"/api/summary?year={YEAR}", 2),
        ("GET /api/decisions?unit=", "/api/decisions?unit=07222", 1),
    ]
    if "/api/layers/{layer_id}.geojson" in paths:
        targets.append(("GET /api/layers/communes.geojson", f"/api/layers/communes.geojson?year={YEAR}", 1))
    if "/api/tiles/{layer_id}/{z}/{x}/{y}.{fmt}" in paths:
        west, south, east, north = 105.85, 20.95, 107.05, 21.6  # the region, roughly
        tiles = []
        for z in (8, 9, 10, 11):
            x0, y0 = tile_of(west, north, z)
            x1, y1 = tile_of(east, south, z)
            tiles += [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
        for fmt, weight in (("mvt", 4), ("png", 2)):
            for z, x, y in tiles:
                targets.append((f"GET /api/tiles/communes/{{z}}/{{x}}/{{y}}.{fmt}",
                                f"/api/tiles/communes/{z}/{x}/{y}.{fmt}?year={YEAR}", weight / len(tiles)))  # fmt: skip
    for page in ("/maps/status", "/dashboard"):
        if (await http.get(f"{page}?year={YEAR}")).status_code == 200:
            targets.append((f"GET {page}", f"{page}?year={YEAR}", 1))
    return targets


class Stats:
    def __init__(self):
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.err: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    async def call(self, label: str, send) -> httpx.Response | None:
        t = time.perf_counter()
        try:
            r = await send()
        except httpx.HTTPError as exc:
            self.err[label][type(exc).__name__] += 1
            self.lat[label].append(time.perf_counter() - t)
            return None
        self.lat[label].append(time.perf_counter() - t)
        if r.status_code >= 400:
            self.err[label][str(r.status_code)] += 1
        return r


async def reader(http, stats: Stats, targets, stop: float, rng: random.Random) -> None:
    labels, weights = [t[:2] for t in targets], [t[2] for t in targets]
    while time.monotonic() < stop:
        label, url = rng.choices(labels, weights)[0]
        await stats.call(label, lambda url=url: http.get(url))


async def editor(http, stats, auth, units: list[str], stop: float, pause: float, acked: list) -> None:
    ladder = (("dat_chuan", "2021-06-15"), ("nang_cao", "2022-06-15"), ("kieu_mau", "2023-06-15"))
    while units and time.monotonic() < stop:
        code = units.pop()
        for level, signed in ladder:
            if time.monotonic() >= stop:
                return
            body = {"unit_code": code, "level": level, "signed": signed, "source": "illustrative",
                    "decision_no": f"LOAD-{code}-{level}", "note": "load test"}  # fmt: skip
            headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
            r = await stats.call("POST /api/decisions", lambda b=body, h=headers: http.post("/api/decisions", json=b,
                                                                                              headers=h))  # fmt: skip
            if r is not None and r.status_code == 201:
                acked.append((r.json()["id"], code, level))
            await asyncio.sleep(pause)


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def report(stats: Stats, elapsed: float) -> dict:
    total = sum(len(v) for v in stats.lat.values())
    errors = sum(sum(e.values()) for e in stats.err.values())
    print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s, {errors} errors")
    print(f"{'endpoint':<52} {'n':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  errors")
    for label in sorted(stats.lat, key=lambda k: -len(stats.lat[k])):
        v = stats.lat[label]
        errs = ", ".join(f"{k}×{n}" for k, n in stats.err[label].items()) or "0"
        print(f"{label:<52} {len(v):>6} {len(v) / elapsed:>7.1f} {pct(v, .5):>8.1f} {pct(v, .95):>8.1f} "
              f"{pct(v, .99):>8.1f} {max(v) * 1000:>8.1f}  {errs}")  # fmt: skip
    if stats.lat:
        every = [x for v in stats.lat.values() for x in v]
        print(f"{'all':<52} {len(every):>6} {len(every) / elapsed:>7.1f} {pct(every, .5):>8.1f} "
              f"{pct(every, .95):>8.1f} {pct(every, .99):>8.1f} {max(every) * 1000:>8.1f}  "
              f"(mean {statistics.mean(every) * 1000:.1f} ms)")  # fmt: skip
    return {"requests": total, "rps": total / elapsed, "errors": errors}


async def run(url: str, token: str, args, figures: dict | None = None) -> int:
    """The load; ``figures`` (if given) receives requests, errors, writes acknowledged and read back."""
    auth = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=args.readers + args.editors + 4)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        targets = await read_targets(http)
        rows = (await http.get("/api/status", params={"date": "2023-06-01"})).json()
        free = [r["code"] for r in rows if r["status"] in ("chua_dat", "khong_du_lieu") and r["type"] == "Xã"]
        random.Random(1).shuffle(free)
        print(f"{len(targets)} read targets ({len({t[0] for t in targets})} endpoints), {len(free)} communes to "
              f"record, {args.readers} readers, {args.editors} editors (pause {args.editor_pause} s), "
              f"{args.duration} s")  # fmt: skip
        stats, acked = Stats(), []
        start = time.monotonic()
        stop = start + args.duration
        tasks = [reader(http, stats, targets, stop, random.Random(i)) for i in range(args.readers)]
        tasks += [editor(http, stats, auth, free, stop, args.editor_pause, acked) for _ in range(args.editors)]
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start
        summary = report(stats, elapsed)
        missing = []
        for rec_id, code, level in acked:
            r = await http.get(f"/api/decisions/{rec_id}")
            if r.status_code != 200 or (r.json()["unit_code"], r.json()["level"]) != (code, level):
                missing.append(rec_id)
        listed = (await http.get("/api/decisions", params={"source": "illustrative", "limit": 1})).json()["total"]
        print(f"\nwrites acknowledged (201): {len(acked)}; read back by id: {len(acked) - len(missing)}; "
              f"missing or different: {len(missing)}; decisions listed now: {listed}")  # fmt: skip
        if figures is not None:
            figures.update(summary, acked=len(acked), read_back=len(acked) - len(missing))
        return 1 if missing else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a running service on loopback (default: start one)")
    p.add_argument("--token", help="an editor token for --url")
    p.add_argument("--duration", type=float, default=30.0)
    p.add_argument("--readers", type=int, default=16)
    p.add_argument("--editors", type=int, default=2)
    p.add_argument("--editor-pause", type=float, default=0.25, help="seconds between one editor's writes")
    args = p.parse_args()
    args.duration = min(args.duration, 600.0)
    if args.url:
        if not args.token:
            raise SystemExit("--url needs --token (an editor token)")
        return asyncio.run(run(loopback(args.url), args.token, args))
    from geo_ntm.auth.tokens import create_token
    from geo_ntm.status.store import SqliteStore

    with tempfile.TemporaryDirectory(prefix="geo-ntm-load-") as tmp:
        store = Path(tmp) / "store.sqlite"
        _, token = create_token(SqliteStore(store), "load-editor", "editor", actor="bench/load")
        service = Service(Path(tmp) / "service.log", store=store, demo="true")
        try:
            service.wait_ready()
            return asyncio.run(run(service.url, token, args))
        finally:
            service.stop()
            if os.environ.get("GEO_NTM_LOAD_LOG"):
                print((Path(tmp) / "service.log").read_text()[-5000:])


if __name__ == "__main__":
    sys.exit(main())
