"""The library knows nothing of HTTP: importing all of geo_ntm pulls in no web framework."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import geo_ntm


def test_geo_ntm_does_not_import_web_frameworks():
    modules = [m.name for m in pkgutil.walk_packages(geo_ntm.__path__, "geo_ntm.")]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert len(modules) > 10
