"""The library knows nothing of HTTP: importing all of geo_ntm pulls in no web framework."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import geo_ntm

#: What the library may never import, at the top of a module or inside a function.
WEB = ("api", "fastapi", "starlette", "uvicorn")


def test_geo_ntm_does_not_import_web_frameworks():
    modules = [m.name for m in pkgutil.walk_packages(geo_ntm.__path__, "geo_ntm.")]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] in ('api', 'fastapi', 'starlette', 'uvicorn')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert len(modules) > 10


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):  # every import, however deep: a lazy import inside a function counts
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            found += [(node.lineno, a.value) for a in node.args[:1] if isinstance(a, ast.Constant)]
    return found


def test_no_module_of_the_library_imports_the_api_even_lazily():
    root = Path(geo_ntm.__file__).parent
    bad = []
    for path in sorted(root.rglob("*.py")):
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if name.split(".")[0] in WEB:
                bad.append(f"{path.relative_to(root.parent)}:{line} imports {name}")
    assert bad == []


def test_the_lazy_import_check_can_fail():
    code = "def serve():\n    import uvicorn\n    from api.main import create_app\n"
    code += "    importlib.import_module('fastapi')\n"
    assert [n for _, n in _imported(ast.parse(code))] == ["uvicorn", "api.main", "fastapi"]
