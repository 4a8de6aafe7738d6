"""Past one process, measured in one run on one machine: prints ratios, writes its table to bench/results/.

    .venv/bin/python bench/scale_bench.py [--duration 5] [--connections 16] [--workers 2]

Side by side, wrk -t2 with gzip and keep-alive on loopback, the same bytes everywhere:

- nginx serving the communes GeoJSON (year 2023) from a file: the physical limit;
- the ceiling: a bare FastAPI route returning those bytes from memory (one uvicorn process);
- geo-ntm in process: one uvicorn worker (SQLite), and N workers with ``uvicorn --workers N``
  and with ``geo-ntm serve --workers N`` (gunicorn), SQLite and PostgreSQL;
- geo-ntm behind nginx (``deploy/nginx.conf``): the versioned layer URL (``v=<version>``);
- 16 readers and 2 editors against the PostgreSQL store through the workers (``bench/load``),
  every acknowledged write read back; the cold layer after a write, SQLite and PostgreSQL;
- memory of each worker process (RSS and PSS, after the runs).

It asserts nothing. The machine is shared: read the ratios of one run, not the absolute
figures, and look at the load average printed first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
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

from bench.layers_bench import bump, free_port, wrk  # noqa: E402
from deploy.stack import Stack, wait_for  # noqa: E402
from geo_ntm.status.store import open_store  # noqa: E402

LAYER = "/api/layers/communes.geojson?year=2023"
GZIP = {"Accept-Encoding": "gzip"}


def serve(args: list[str], env: dict, port: int, log: Path, probe: str = "/healthz") -> subprocess.Popen:
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{port}{probe}", proc, 240, " ".join(args[:4]))
    return proc


def uvicorn(app: str, port: int, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "--factory", app, "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--log-level", "warning", "--no-access-log", "--no-server-header"]  # fmt: skip


def gunicorn(port: int, workers: int) -> list[str]:
    return [str(Path(sys.executable).parent / "geo-ntm"), "serve", "--workers", str(workers), "--port", str(port)]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def memory(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process, MB (PSS counts pages shared with other workers once, split among them)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"] / 1024, fields["Pss"] / 1024


def cold(base: str, store, runs: int, counter: list[int]) -> float:
    """Median ms of the first layer request after a write (every cache of every worker is cold)."""
    times = []
    with httpx.Client(headers=GZIP, timeout=120) as client:
        for _ in range(runs):
            counter[0] += 1
            bump(store, counter[0])
            t = time.perf_counter()
            assert client.get(base + LAYER).status_code == 200
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


class Table:
    def __init__(self):
        self.rows: list[tuple[str, dict, str]] = []

    def add(self, name: str, figures: dict, note: str = "") -> dict:
        self.rows.append((name, figures, note))
        print(f"  {name:<58} {figures['rps']:9.0f} req/s  p50 {figures['p50'] / 1000:6.2f} ms  "
              f"errors {figures['errors']}  {note}", flush=True)  # fmt: skip
        return figures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--load-seconds", type=float, default=20)
    ap.add_argument("--cold-runs", type=int, default=6)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    n, d, c = args.workers, args.duration, args.connections
    tmp = Path(tempfile.mkdtemp(prefix="geo-ntm-scale-"))
    log = tmp / "servers.log"
    lines = [f"# geo-ntm past one process, {date.today()}: wrk -t2 -c{c}, {d} s per run, gzip, keep-alive",
             f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (wrk shares them)",
             ""]  # fmt: skip
    print("\n".join(lines), flush=True)
    table, procs = Table(), []
    figures: dict = {}
    try:
        sqlite = str(tmp / "s.sqlite")
        one = free_port()
        procs.append(serve(uvicorn("api.main:create_app", one), {"GEO_NTM_STORE": sqlite}, one, log))
        base = f"http://127.0.0.1:{one}"
        with httpx.Client() as h, h.stream("GET", base + LAYER, headers=GZIP) as r:
            body = b"".join(r.iter_raw())
        (tmp / "static").mkdir()
        (tmp / "static" / "layer.geojson").write_bytes(body)
        print(f"communes GeoJSON 2023: {len(body):,} bytes gzip\n", flush=True)

        ceiling_port = free_port()
        ceiling_env = {"BENCH_BODY": str(tmp / "static" / "layer.geojson"), "BENCH_MEDIA": "application/geo+json"}
        procs.append(serve(uvicorn("bench.ceiling:make_app", ceiling_port), ceiling_env, ceiling_port, log, "/body"))

        static = (f"        location /static-bench/ {{\n            alias {tmp}/static/;\n"
                  "            default_type application/geo+json;\n            add_header Content-Encoding gzip;\n"
                  "            add_header Vary Accept-Encoding;\n        }\n")  # fmt: skip
        stack = Stack(n, nginx_extra=static, env={"demo": "true"})
        stack.start()
        os.chmod(tmp, 0o755)  # nginx's workers read the static file
        pg = open_store(stack.store)
        version = pg.data_version()

        print("## one process, cached answers", flush=True)
        top = table.add("ceiling: bare FastAPI route, same bytes", wrk(f"http://127.0.0.1:{ceiling_port}/body", d, c))
        one_lite = table.add("geo-ntm 1 uvicorn worker, SQLite", wrk(base + LAYER, d, c))
        for p in procs[:1]:
            stop(p)

        print(f"\n## {n} workers, cached answers", flush=True)
        uv = free_port()
        proc = serve(uvicorn("api.main:create_app", uv, n), {"GEO_NTM_STORE": sqlite}, uv, log)
        uv_n = table.add(f"geo-ntm uvicorn --workers {n}, SQLite", wrk(f"http://127.0.0.1:{uv}{LAYER}", d, c))
        stop(proc)
        gu = free_port()
        proc = serve(gunicorn(gu, n), {"GEO_NTM_STORE": sqlite}, gu, log)
        gu_n = table.add(f"geo-ntm serve --workers {n} (gunicorn), SQLite", wrk(f"http://127.0.0.1:{gu}{LAYER}", d, c))
        stop(proc)
        pg_n = table.add(f"geo-ntm serve --workers {n} (gunicorn), PostgreSQL", wrk(stack.app_url + LAYER, d, c))
        pg1 = free_port()
        proc = serve(uvicorn("api.main:create_app", pg1), {"GEO_NTM_STORE": stack.store}, pg1, log)
        pg_1 = table.add("geo-ntm 1 uvicorn worker, PostgreSQL", wrk(f"http://127.0.0.1:{pg1}{LAYER}", d, c))
        stop(proc)

        print("\n## behind nginx", flush=True)
        nginx = table.add("nginx static, same bytes", wrk(f"{stack.url}/static-bench/layer.geojson", d, c))
        versioned = f"{LAYER}&v={version}"
        httpx.get(stack.url + versioned, headers=GZIP)  # the first one fills the cache
        proxied = table.add("geo-ntm behind nginx, versioned URL", wrk(stack.url + versioned, d, c))
        unversioned = table.add("geo-ntm behind nginx, unversioned URL (to the workers)", wrk(stack.url + LAYER, d, c))

        print("\n## memory per worker (after the runs)", flush=True)
        mem = [memory(pid) for pid in stack.worker_pids()]
        for i, (rss, pss) in enumerate(mem):
            print(f"  worker {i + 1}: RSS {rss:.0f} MB, PSS {pss:.0f} MB")

        print(f"\n## PostgreSQL under 16 readers + 2 editors, {args.load_seconds:.0f} s (the workers)", flush=True)
        from bench.load.run import run as load
        from geo_ntm.auth.tokens import create_token

        _, token = create_token(pg, "bench-editor", "editor", actor="bench/scale")
        load_args = argparse.Namespace(duration=args.load_seconds, readers=16, editors=2, editor_pause=0.25)
        asyncio.run(load(stack.app_url, token, load_args, figures))

        print("\n## cold layer after a write (median ms)", flush=True)
        counter = [0]
        cold_pg = cold(stack.app_url, pg, args.cold_runs, counter)
        lite_port = free_port()
        proc = serve(uvicorn("api.main:create_app", lite_port), {"GEO_NTM_STORE": sqlite}, lite_port, log)
        cold_lite = cold(f"http://127.0.0.1:{lite_port}", open_store(sqlite), args.cold_runs, counter)
        stop(proc)
        print(f"  SQLite {cold_lite:.0f} ms, PostgreSQL {cold_pg:.0f} ms", flush=True)
        pg.close()
        stack.stop()
    finally:
        for p in procs:
            stop(p)
        if "stack" in locals():
            stack.stop()

    ratios = [
        ("behind nginx, versioned / nginx static (goal >= 0.8)", proxied["rps"] / nginx["rps"]),
        ("1 worker SQLite / FastAPI ceiling (goal >= 0.8)", one_lite["rps"] / top["rps"]),
        (f"gunicorn {n} workers / 1 worker, SQLite (goal >= {0.7 * n:.1f})", gu_n["rps"] / one_lite["rps"]),
        (f"uvicorn --workers {n} / 1 worker, SQLite", uv_n["rps"] / one_lite["rps"]),
        (f"gunicorn {n} workers / 1 worker, PostgreSQL (goal >= {0.7 * n:.1f})", pg_n["rps"] / pg_1["rps"]),
        ("1 worker PostgreSQL / 1 worker SQLite", pg_1["rps"] / one_lite["rps"]),
        ("behind nginx, unversioned / gunicorn workers direct", unversioned["rps"] / pg_n["rps"]),
        ("cold layer after a write, PostgreSQL / SQLite (goal <= 1.5)", cold_pg / cold_lite),
    ]
    out = lines + ["| target | req/s | p50 ms | errors |", "|---|--:|--:|--:|"]
    out += [f"| {name} | {f['rps']:.0f} | {f['p50'] / 1000:.2f} | {f['errors']} |" for name, f, _ in table.rows]
    out += ["", "| ratio (one run) | value |", "|---|--:|"] + [f"| {k} | {v:.2f} |" for k, v in ratios]
    out += ["", f"PostgreSQL under 16 readers + 2 editors: {figures.get('requests', 0)} requests "
            f"({figures.get('rps', 0):.0f}/s), {figures.get('errors', '?')} errors; writes acknowledged "
            f"{figures.get('acked', '?')}, read back {figures.get('read_back', '?')}",
            f"Cold communes layer after a write: SQLite {cold_lite:.0f} ms, PostgreSQL {cold_pg:.0f} ms (median of "
            f"{args.cold_runs})",
            "Memory per worker (RSS / PSS MB): " + ", ".join(f"{r:.0f} / {p:.0f}" for r, p in mem)]  # fmt: skip
    text = "\n".join(out) + "\n"
    print("\n" + text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"scale-{date.today()}.md").write_text(text)
    (results / f"scale-{date.today()}.json").write_text(json.dumps({"rows": table.rows, "ratios": ratios}, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
