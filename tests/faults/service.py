"""The real service as a subprocess on a free loopback port, for fault tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """``uvicorn api.main:create_app`` (one worker) on 127.0.0.1 with ``GEO_NTM_*`` settings from ``env``.

    ``wrap`` is a command the service is started through (``unshare``, ``setpriv``), which must
    ``exec`` it in the same process so that :attr:`pid` is the service's. ``cli``: start it as
    ``geo-ntm serve`` does instead; ``workers`` > 1 always does (``geo-ntm serve --workers N``).
    """

    def __init__(self, log: Path, wrap: tuple[str, ...] = (), cli: bool = False, workers: int = 1, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        settings = {f"GEO_NTM_{k.upper()}": str(v) for k, v in env.items()}
        if cli or workers > 1:  # as an operator runs it (N > 1: gunicorn's arbiter and its uvicorn workers)
            serve = ["-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                     "--workers", str(workers)]  # fmt: skip
        else:
            serve = ["-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1",
                     "--port", str(self.port), "--workers", "1", "--log-level", "warning",
                     "--no-server-header"]  # fmt: skip
        self.proc = subprocess.Popen(
            [*wrap, sys.executable, *serve],
            cwd=ROOT, env={**os.environ, **settings}, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"the service did not answer /healthz in {timeout} s")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def workers(self) -> list[int]:
        """Process ids of the worker processes (the children of the arbiter; itself with one worker)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                children.append(int(stat.parent.name))
        return sorted(children) or [self.proc.pid]

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush, no rollback by the process itself."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
