"""The language of an answer: Vietnamese first, English second.

The language is the ``lang`` query parameter when given, else the one of ``vi``/``en`` the
``Accept-Language`` header prefers (by its q-values, RFC 9110 §12.5.4: ``en;q=0.9, vi`` is
Vietnamese; ``vi;q=0`` refuses Vietnamese), else Vietnamese. Pages and errors read it the same way.
"""

from __future__ import annotations

from fastapi import Request

from geo_ntm.i18n import DEFAULT, LANGUAGES


def preferred(header: str) -> str | None:
    """The first of our languages by the header's q-values (ties keep the header's order), or None."""
    ranked = []
    for position, item in enumerate(header.split(",")):
        tag, *params = [part.strip() for part in item.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        lang = tag.lower().split("-")[0]
        if lang in LANGUAGES and q > 0:
            ranked.append((-q, position, lang))
    return min(ranked)[2] if ranked else None


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return preferred(request.headers.get("accept-language", "")) or DEFAULT
