"""The ``geo-ntm`` command: the library's commands (:mod:`geo_ntm.cli`) and ``serve``, which runs the API.

``serve`` lives here because it starts the web application: the library (``geo_ntm``) never
imports ``api``, not even inside a function, so it stays usable without a web framework.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geo_ntm import cli
from geo_ntm.paths import DEFAULT_REGION


def _serve(args) -> int:
    from api.serve import run

    run(args.host, args.port, workers=args.workers, region=args.region)
    return 0


def _serve_command(sub) -> None:
    s = sub.add_parser("serve", help="run the web service")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--region", type=Path, help=f"region file (default {DEFAULT_REGION.name}), or vn for all of Vietnam")
    s.add_argument("--workers", type=int, default=1, help="worker processes (default 1; more: gunicorn, see README)")
    s.set_defaults(func=_serve)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, commands=(_serve_command,))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
