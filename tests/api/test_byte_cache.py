"""The answer cache: concurrent misses of one key make the answer once; other keys are not held up."""

from __future__ import annotations

import threading
import time

from api.http import ByteCache


def test_concurrent_misses_of_one_key_make_it_once():
    cache, made, start = ByteCache(), [], threading.Barrier(8)

    def make():
        made.append(1)
        time.sleep(0.2)  # an answer that takes time to make, as the national layer does
        return b"x" * 2000, "application/geo+json"

    def ask(out: list):
        start.wait()
        out.append(cache.get(1, ("layer",), make))

    answers: list = []
    threads = [threading.Thread(target=ask, args=(answers,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len(answers) == 8 and len({id(a) for a in answers}) == 1
    assert answers[0].gzipped is not None and cache._making == {}


def test_a_slow_key_does_not_hold_up_another():
    cache, slow_started = ByteCache(), threading.Event()

    def slow():
        slow_started.set()
        time.sleep(1.0)
        return b"slow", "text/plain"

    worker = threading.Thread(target=lambda: cache.get(1, ("slow",), slow))
    worker.start()
    slow_started.wait()
    t = time.perf_counter()
    assert cache.get(1, ("fast",), lambda: (b"fast", "text/plain")).body == b"fast"
    assert time.perf_counter() - t < 0.5
    worker.join()


def test_a_failed_make_leaves_the_key_free_for_the_next_request():
    cache = ByteCache()

    def broken():
        raise ValueError("no")

    try:
        cache.get(1, ("k",), broken)
    except ValueError:
        pass
    assert cache.get(1, ("k",), lambda: (b"ok", "text/plain")).body == b"ok"
    assert cache._making == {}
