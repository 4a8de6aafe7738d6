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
    import uvicorn

    from api.main import create_app
    from api.settings import Settings

    overrides = {"region": args.region} if args.region else {}
    # no "server: uvicorn" banner: it tells a scanner what to try, and tells a user nothing
    uvicorn.run(create_app(Settings(**overrides)), host=args.host, port=args.port, workers=1, server_header=False)
    return 0


def _serve_command(sub) -> None:
    s = sub.add_parser("serve", help="run the web service")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--region", type=Path, help=f"region file (default {DEFAULT_REGION.name}), or vn for all of Vietnam")
    s.set_defaults(func=_serve)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, commands=(_serve_command,))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
