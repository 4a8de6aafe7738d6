"""Languages of the pages: Vietnamese first, English second.

The language is the ``lang`` query parameter when given, else the first of ``vi``/``en`` in
the Accept-Language header, else Vietnamese.
"""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("vi", "en")


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    for item in request.headers.get("accept-language", "").split(","):
        tag = item.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "vi"
