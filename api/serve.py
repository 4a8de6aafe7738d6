"""Running the service: one process, or N worker processes behind one port.

``geo-ntm serve`` runs one uvicorn process (the embedded default, ``make run``).
``geo-ntm serve --workers N`` runs gunicorn's arbiter with N uvicorn workers on one socket: each
worker builds its own app, so the region is loaded once per worker (in the lifespan), and each
answers from its own cache, keyed on the store's data version, which every worker reads per
request: a write through one worker is seen by the others on their next request. With SQLite
the workers share its file (WAL; writers queue on its lock); ``GEO_NTM_STORE=postgresql://…``
shares one database between workers on several machines.

gunicorn rather than ``uvicorn --workers``: measured on a bare FastAPI route with gzip and
keep-alive, uvicorn's own supervisor answered ~40 ms slower per request (360 against 3,331
req/s), gunicorn with two uvicorn workers reached 2.0x one process (``bench/scale_bench.py``
measures it again on geo-ntm itself). A killed worker is replaced by the arbiter.
"""

from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication
from uvicorn_worker import UvicornWorker

from api.settings import Settings


class Worker(UvicornWorker):
    """A uvicorn worker that sends no ``Server`` banner and runs the app's lifespan (loading its data).

    No access log (``access_log``: the arbiter's ``accesslog`` is unset, so its lines went nowhere):
    left on, it doubled the CPU time of a cached answer (1.06 against 0.51 ms per request, two workers,
    measured with ``bench/scale_bench.py``'s layer), and two workers answered fewer requests than one.
    """

    CONFIG_KWARGS = {"loop": "auto", "http": "auto", "server_header": False, "lifespan": "on", "access_log": False}


class _Arbiter(BaseApplication):
    def __init__(self, options: dict, overrides: dict):
        self.options, self.overrides = options, overrides
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from api.main import create_app  # in each worker, after the fork: its own app, region and cache

        return create_app(Settings(**self.overrides))


def run(host: str = "127.0.0.1", port: int = 8000, *, workers: int = 1, region: Path | None = None) -> None:
    """Serve until stopped; ``workers`` > 1 runs that many processes (gunicorn + uvicorn workers)."""
    overrides = {"region": region} if region else {}
    if workers <= 1:
        import uvicorn

        from api.main import create_app

        uvicorn.run(create_app(Settings(**overrides)), host=host, port=port, workers=1, server_header=False)
        return
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "api.serve.Worker",
        "keepalive": 5,
        "timeout": 120,  # a worker silent this long (a stuck import) is replaced
        "graceful_timeout": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }
    _Arbiter(options, overrides).run()
