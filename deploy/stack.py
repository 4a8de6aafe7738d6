"""The scaled service on one machine, natively: PostgreSQL, ``geo-ntm serve --workers N``, nginx in front.

What ``deploy/compose.yaml`` starts in containers, without them (docker may not be available),
and what the tests and ``bench/scale_bench.py`` run::

    python deploy/stack.py --workers 2                # a throwaway PostgreSQL, 2 workers, nginx on :8080
    python deploy/stack.py --workers 4 --store postgresql://geo_ntm@db.example/geo_ntm --port 80

It prints the addresses, then runs until Ctrl-C and stops everything it started (a throwaway
cluster is removed). nginx uses ``deploy/nginx.conf`` with its ``@…@`` fields filled.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from deploy.pgcluster import Cluster, free_port  # noqa: E402


def nginx_config(run: Path, listen: str, upstream: str, extra: str = "") -> str:
    """``deploy/nginx.conf`` for this machine: files under ``run``, listening on ``listen``."""
    user = ""
    if os.geteuid() == 0:  # nginx's workers drop to an unprivileged user, which must write the cache
        pw = pwd.getpwnam("nobody")
        for path in (run, *run.rglob("*")):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        os.chmod(run.parent, 0o755)  # mkdtemp made it 0700: the workers must reach the cache below it
        user = f"user nobody {grp.getgrgid(pw.pw_gid).gr_name};"
    text = (HERE / "nginx.conf").read_text()
    for key, value in {"RUN": str(run), "USER": user, "LISTEN": listen, "UPSTREAM": upstream, "EXTRA": extra}.items():
        text = text.replace(f"@{key}@", value)
    return text


def wait_for(url: str, proc: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not answer {url} in {timeout} s")


class Stack:
    """PostgreSQL (given, or a throwaway cluster), N workers, and nginx (unless ``proxy=False``)."""

    def __init__(self, workers: int = 2, *, store: str | None = None, port: int | None = None, proxy: bool = True,
                 env: dict | None = None, nginx_extra: str = "", durable: bool = True):  # fmt: skip
        self.workers, self.store, self.proxy = workers, store, proxy
        self.port = port or free_port()
        self.app_port = free_port()
        self.env, self.nginx_extra, self.durable = env or {}, nginx_extra, durable
        self.cluster: Cluster | None = None
        self.run = Path(tempfile.mkdtemp(prefix="geo-ntm-stack-"))
        self.procs: list[subprocess.Popen] = []

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    @property
    def url(self) -> str:
        """The proxy's address (the service's own without a proxy)."""
        return f"http://127.0.0.1:{self.port}" if self.proxy else self.app_url

    def start(self, timeout: float = 240) -> Stack:
        try:
            if self.store is None:
                self.cluster = Cluster(durable=self.durable)
                self.store = self.cluster.start()
            env = {**os.environ, "GEO_NTM_STORE": self.store, **{f"GEO_NTM_{k.upper()}": str(v) for k, v in
                   self.env.items()}}  # fmt: skip
            log = (self.run / "service.log").open("ab")
            app = subprocess.Popen(
                [str(Path(sys.executable).parent / "geo-ntm"), "serve", "--workers", str(self.workers),
                 "--host", "127.0.0.1", "--port", str(self.app_port)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            self.procs.append(app)
            wait_for(f"{self.app_url}/healthz", app, timeout, "geo-ntm serve")
            if self.proxy:
                conf = self.run / "nginx.conf"
                (self.run / "nginx").mkdir()
                conf.write_text(nginx_config(self.run / "nginx", f"127.0.0.1:{self.port}",
                                             f"127.0.0.1:{self.app_port}", self.nginx_extra))  # fmt: skip
                nginx = shutil.which("nginx") or "/usr/sbin/nginx"
                proxy = subprocess.Popen([nginx, "-c", str(conf), "-e", str(self.run / "nginx" / "error.log"),
                                          "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
                self.procs.append(proxy)
                wait_for(f"{self.url}/healthz", proxy, 30, "nginx")
        except BaseException as exc:
            logs = [self.run / "service.log", self.run / "nginx" / "error.log"]
            tail = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs if p.exists())
            self.stop()
            raise RuntimeError(f"the stack did not start: {exc}\n{tail}") from exc
        return self

    def worker_pids(self) -> list[int]:
        """The worker processes of ``geo-ntm serve`` (children of its arbiter)."""
        arbiter = self.procs[0].pid
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == arbiter:
                    out.append(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                continue
        return sorted(out)

    def stop(self) -> None:
        """Stop nginx, then the service (SIGTERM: its workers finish their requests), then PostgreSQL."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT if proc is not self.procs[0] else signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs = []
        if self.cluster is not None:
            self.cluster.stop()
            self.cluster = None
        shutil.rmtree(self.run, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--store", help="a postgresql:// URL (default: a throwaway cluster, removed at the end)")
    p.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    args = p.parse_args()
    with Stack(args.workers, store=args.store, port=args.port) as stack:
        print(f"geo-ntm: {stack.url} (nginx) -> {stack.app_url} ({args.workers} workers); store {stack.store}")
        print("Ctrl-C stops everything", flush=True)
        try:
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
