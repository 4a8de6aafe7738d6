"""How long a document takes, from upload to its answer: the seed letter, a few pages of .docx, a 100-page PDF.

    .venv/bin/python bench/documents_bench.py [--repeat 5]

Starts the service (one uvicorn worker, a fresh store with the embedded data) and the ceiling
(a bare FastAPI route returning the same answer's bytes, gzip), then prints, per document: the
median time of ``POST /api/documents`` until the full answer (text, units, figures, targets,
checks against the records), the same for the ceiling and their ratio; for the 100-page PDF,
the time until it is read and analysed and how many progress steps a page polling every 0.4 s
saw. Goals (issue 17): a document of a few pages under 2 s, a 100-page PDF under 30 s.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.layers_bench import free_port, start  # noqa: E402
from tests.geo_ntm.documents.makers import docx, pdf  # noqa: E402

LETTER = ROOT / "tests" / "data" / "cong-van-687-UBND-NN-2024.txt"
GOALS = {"few pages": 2.0, "100 pages": 30.0}


def timed_post(base: str, body: bytes, name: str) -> tuple[float, bytes]:
    t = time.perf_counter()
    r = httpx.post(f"{base}/api/documents", params={"filename": name, "wait": 25}, content=body, timeout=120)
    elapsed = time.perf_counter() - t
    if r.status_code != 201:
        raise SystemExit(f"{name}: {r.status_code} {r.text[:300]}")
    return elapsed, r.content


def ceiling_time(answer: bytes, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "body.gz"
        path.write_bytes(gzip.compress(answer))
        port = free_port()
        proc = start(["--factory", "bench.ceiling:make_app"], {"BENCH_BODY": str(path),
                     "BENCH_MEDIA": "application/json"}, port)  # fmt: skip
        try:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                httpx.get(f"http://127.0.0.1:{port}/body", headers={"Accept-Encoding": "gzip"}).raise_for_status()
                times.append(time.perf_counter() - t)
            return statistics.median(times)
        finally:
            proc.terminate()
            proc.wait()


def hundred_pages(base: str) -> tuple[float, int, int]:
    text = LETTER.read_text(encoding="utf-8")
    pages = [text[i % 3 * 1500 : i % 3 * 1500 + 2200] for i in range(100)]  # about a page each, the letter's words
    body = pdf(pages)
    t = time.perf_counter()
    r = httpx.post(f"{base}/api/documents", params={"filename": "100.pdf", "wait": 0}, content=body, timeout=120)
    steps = set()
    while True:
        doc = httpx.get(f"{base}{r.headers['Location']}", params={"text": False, "checks": False}).json()
        steps.add((doc["state"], doc["pages_done"]))
        if doc["state"] in ("done", "failed"):
            break
        time.sleep(0.4)
    httpx.get(f"{base}{r.headers['Location']}", timeout=120).raise_for_status()  # the full answer, with checks
    return time.perf_counter() - t, len(steps), len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    letter = LETTER.read_bytes()
    paragraphs = LETTER.read_text(encoding="utf-8").split("\n\n")
    few = docx([p.replace("\n", " ") for p in paragraphs])
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = start(["--factory", "api.main:create_app"], {"GEO_NTM_STORE": str(Path(tmp) / "s.sqlite")}, port)
        base = f"http://127.0.0.1:{port}"
        try:
            timed_post(base, letter, "warm-up.txt")
            print(f"{'document':42} {'bytes':>9} {'median s':>9} {'ceiling ms':>11} {'ratio':>8} {'goal s':>7}")
            for label, body, name in (("seed letter 687/UBND-NN (.txt, ~3 pages)", letter, "cv687.txt"),
                                      ("seed letter as .docx (~3 pages)", few, "cv687.docx")):  # fmt: skip
                runs = [timed_post(base, body, name) for _ in range(args.repeat)]
                median = statistics.median(t for t, _ in runs)
                ceiling = ceiling_time(runs[0][1], args.repeat)
                print(f"{label:42} {len(body):9d} {median:9.3f} {ceiling * 1000:11.2f} {median / ceiling:8.0f} "
                      f"{GOALS['few pages']:7.1f}")  # fmt: skip
            total, steps, size = hundred_pages(base)
            print(f"{'100-page PDF (upload → read → analysed)':42} {size:9d} {total:9.3f} {'':>11} {'':>8} "
                  f"{GOALS['100 pages']:7.1f}")  # fmt: skip
            print(f"progress states seen by a page polling every 0.4 s: {steps}")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
