"""The ceiling for the benchmarks: a bare FastAPI route returning precompressed bytes from memory.

BENCH_BODY=/path/to/body.gz BENCH_MEDIA=application/geo+json uvicorn --factory bench.ceiling:make_app
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import Response


def make_app() -> FastAPI:
    body = open(os.environ["BENCH_BODY"], "rb").read()
    media = os.environ.get("BENCH_MEDIA", "application/octet-stream")
    encoding = os.environ.get("BENCH_ENCODING", "gzip")
    app = FastAPI()
    headers = {"Content-Encoding": encoding} if encoding else {}

    @app.get("/body")
    def serve() -> Response:
        return Response(body, media_type=media, headers=headers)

    return app
