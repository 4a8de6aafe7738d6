"""A throwaway PostgreSQL cluster: ``initdb`` in a temporary folder, a free loopback port, removed after.

For the tests (``make test`` runs the store suite against it), the benchmark and ``deploy/stack.py``.
It uses the server programs of Debian's ``postgresql`` package (``/usr/lib/postgresql/<n>/bin``)
or whatever ``initdb`` is on ``PATH``. PostgreSQL refuses to run as root: as root, the cluster
runs as the ``postgres`` system user (made by the Debian package) through ``setpriv``.

    python deploy/pgcluster.py            # starts one, prints its URL, stops and removes it on Ctrl-C
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Why a cluster cannot be made here, and how to fix it (what a skipped test says).
HOW = (
    "install Debian's PostgreSQL server (as root: apt-get install postgresql; `make test` does it when run "
    "as root), or point GEO_NTM_TEST_POSTGRES at an empty database (postgresql://user@host:port/db)"
)


class Unavailable(RuntimeError):
    """No cluster can be started on this machine (no server programs, no user to run them)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_bin() -> Path:
    """The folder of ``initdb``/``postgres``: on PATH, else the newest Debian version."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not versions:
        raise Unavailable(f"no PostgreSQL server programs (initdb) found; {HOW}")
    return Path(versions[-1]).parent


class Cluster:
    """One server with trust authentication on 127.0.0.1, its data in a temporary folder.

    ``durable=False`` turns ``fsync`` off (the tests: nothing survives the run anyway);
    the benchmark keeps it on, to compare with SQLite's ``synchronous = FULL`` fairly.
    """

    def __init__(self, *, durable: bool = True, port: int | None = None, settings: dict | None = None):
        self.bin = server_bin()
        self.durable, self.port = durable, port or free_port()
        self.settings = settings or {}
        self.user = "geo_ntm"
        self.root: Path | None = None
        self.proc: subprocess.Popen | None = None
        self._as: list[str] = []

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/geo_ntm"

    def _run_as(self, root: Path) -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable(f"PostgreSQL will not run as root, and there is no 'postgres' user; {HOW}") from None
        for path in (root, *root.rglob("*")):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        return ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--"]

    def start(self, timeout: float = 60) -> str:
        """Create, start and wait for the cluster; returns the URL of its empty ``geo_ntm`` database."""
        self.root = Path(tempfile.mkdtemp(prefix="geo-ntm-pg-"))
        data = self.root / "data"
        self._as = self._run_as(self.root)
        subprocess.run(
            [*self._as, str(self.bin / "initdb"), "-D", str(data), "--auth=trust", f"--username={self.user}",
             "--encoding=UTF8", "--locale=C", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        options = {"listen_addresses": "127.0.0.1", "port": str(self.port),
                   "unix_socket_directories": str(self.root), "max_connections": "200",
                   "fsync": "on" if self.durable else "off", "synchronous_commit": "on" if self.durable else "off",
                   "full_page_writes": "on" if self.durable else "off", **self.settings}  # fmt: skip
        args = [arg for k, v in options.items() for arg in ("-c", f"{k}={v}")]
        self.log = (self.root / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [*self._as, str(self.bin / "postgres"), "-D", str(data), *args],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self._wait(timeout)
        self.createdb("geo_ntm")
        return self.url

    def _wait(self, timeout: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise Unavailable(f"the PostgreSQL server exited ({self.proc.returncode}); see {self.root}/server.log")
            try:
                psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def createdb(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then remove every file of the cluster."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.root is not None:
            self.log.close()
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    with Cluster() as cluster:
        print(cluster.url, flush=True)
        try:
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
        except KeyboardInterrupt:
            pass
    sys.exit(0)
