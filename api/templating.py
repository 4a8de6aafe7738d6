"""Jinja2 templates (autoescaping on: unit names are data and may hold anything).

Every page's frame (``base.html``: skip links, language switch) reads its words with
``site(lang)``, so that a page's own table need not repeat them; its language switch keeps the
query but for values that are ``long`` (a page never repeats a long value back in full).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fastapi.templating import Jinja2Templates

from geo_ntm.i18n import section

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["site"] = partial(section, key="site")
#: A query value too long to carry into links (the language switch keeps the rest of the query).
templates.env.tests["long"] = lambda value: len(str(value)) > 200
