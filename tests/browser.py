"""Drive a page of an ASGI app in headless Chromium, from pytest, with no internet.

Driver: Python Playwright (PyPI ``playwright``) on Debian's Chromium
(``apt-get install -y chromium``). Playwright's wheel carries its own driver; no browser is
downloaded (never run ``playwright install``). Tests skip when either is missing.

Use::

    from browser import browse          # tests/ is on sys.path under pytest's default mode

    @pytest.mark.browser
    def test_page():
        with browse(app, "/") as page:   # serves app on 127.0.0.1:<free port>, opens /
            assert page.errors == []
            assert page.offhost_requests() == []
            page.hover("path.leaflet-interactive")
            assert page.evaluate("document.title") == "..."
            page.screenshot("/tmp/page.png")

``browse`` runs uvicorn in a background thread on a socket bound to a free loopback port,
starts Chromium with :data:`CHROMIUM_FLAGS` and a fresh ``--user-data-dir``, records every
console message, uncaught exception, request and failed request, and aborts any request to
a host other than loopback (it is still recorded, so tests can assert there were none).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

#: Flags Chromium is started with (Playwright adds its own automation flags too).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where to look for Chromium; GEO_NTM_CHROMIUM overrides. The real binary is preferred to
#: Debian's /usr/bin/chromium shell wrapper, which sources /etc/chromium.d (extensions,
#: API keys) before exec'ing it.
CHROMIUM_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
DEFAULT_TIMEOUT_MS = 20_000
#: axe-core, vendored for the tests (the app does not serve it); Chromium gets it at :data:`AXE_PATH`
#: of the page's own origin, so that the page's Content-Security-Policy ('self') lets it run.
AXE = Path(__file__).parents[1] / "api" / "static" / "vendor" / "axe-core" / "4.14.1" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"
#: What ``axe()`` returns for one violation: rule, impact, help text, and where (CSS selectors, frame).
_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"], iframes: false});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + n.html.slice(0, 120))}));
}"""


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None."""
    override = os.environ.get("GEO_NTM_CHROMIUM")
    for path in ((override,) if override else ()) + CHROMIUM_CANDIDATES:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium")
    return found


def require_browser() -> str:
    """Chromium's path; skips the calling test when Chromium or Playwright is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Python package 'playwright' not installed (pip install playwright)")
    exe = find_chromium()
    if exe is None:
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    return exe


def _is_loopback(url: str) -> bool:
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about", "chrome", "chrome-extension", "devtools"):
        return True
    host = urlsplit(url).hostname or ""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


# ---------------------------------------------------------------------------- server


@contextmanager
def serve(app, *, host: str = "127.0.0.1", startup_timeout: float = 15.0) -> Iterator[str]:
    """Serve an ASGI ``app`` with uvicorn on a free loopback port; yield its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="auto", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn exited during startup (see the log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start within {startup_timeout}s")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# ---------------------------------------------------------------------------- browser


@dataclass(frozen=True)
class ConsoleMessage:
    type: str  # "log", "info", "warning", "error", "debug", ...
    text: str
    url: str  # source location, when known


_FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\([^()]*\)\s*=>|[\w$]+\s*=>)")


def _as_function(wait_for_function):
    """``page.wait_for_function`` that sends an expression as a function.

    Our pages run under a Content-Security-Policy without ``'unsafe-eval'``; Playwright polls a
    string expression with ``eval`` in the page (refused there) but a function without it.
    """

    def wait(expression, *args, **kwargs):
        if isinstance(expression, str) and not _FUNCTION.match(expression):
            expression = f"() => ({expression})"
        return wait_for_function(expression, *args, **kwargs)

    return wait


class BrowserPage:
    """One Chromium tab with everything it logged and requested recorded.

    Attributes: ``page`` (the Playwright ``Page``, for anything not wrapped here),
    ``base_url``, ``console`` (all :class:`ConsoleMessage`), ``page_errors`` (uncaught
    exceptions), ``requests`` (every URL the page asked for, in order, off-host ones
    included), ``failed_requests`` ((url, reason), including the aborted off-host ones),
    ``bad_responses`` ((url, HTTP status >= 400)).
    """

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.console: list[ConsoleMessage] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        self.failed_requests: list[tuple[str, str]] = []
        self.bad_responses: list[tuple[str, int]] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("requestfailed", lambda req: self.failed_requests.append((req.url, req.failure)))
        page.on("response", self._on_response)
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page.wait_for_function = _as_function(page.wait_for_function)

    def _on_console(self, msg) -> None:
        loc = msg.location or {}
        self.console.append(ConsoleMessage(msg.type, msg.text, loc.get("url", "")))

    def _on_response(self, resp) -> None:
        if resp.status >= 400:
            self.bad_responses.append((resp.url, resp.status))

    # -- what happened

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions, failed requests and HTTP errors, as text."""
        out = [f"console.error: {m.text} ({m.url})" for m in self.console if m.type == "error"]
        out += [f"uncaught: {e}" for e in self.page_errors]
        out += [f"request failed: {u} ({why})" for u, why in self.failed_requests]
        out += [f"HTTP {status}: {u}" for u, status in self.bad_responses]
        return out

    def forget(self) -> None:
        """Start recording afresh (before the next page of a test that opens several)."""
        for kept in (self.console, self.page_errors, self.requests, self.failed_requests, self.bad_responses):
            kept.clear()

    def offhost_requests(self, allowed_hosts: Iterable[str] = ()) -> list[str]:
        """Requested URLs whose host is neither loopback nor in ``allowed_hosts``."""
        allowed = set(allowed_hosts)
        return [u for u in self.requests if not (_is_loopback(u) or urlsplit(u).hostname in allowed)]

    def axe(self, impacts: Iterable[str] = ("serious", "critical")) -> list[dict]:
        """Run axe-core in the page and in each of its frames; the violations of these ``impacts``.

        Each is ``{"id", "impact", "help", "nodes", "frame"}`` (``nodes``: the first few selectors
        with their markup), so that an assertion message says what to fix and where.
        """
        self.page.route("**" + AXE_PATH, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
        wanted, found = set(impacts), []
        for frame in self.page.frames:
            parts = urlsplit(frame.url)
            if frame.is_detached() or parts.scheme not in ("http", "https"):
                continue
            if not frame.evaluate("typeof window.axe !== 'undefined'"):
                frame.add_script_tag(url=f"{parts.scheme}://{parts.netloc}{AXE_PATH}")
            found += [{**v, "frame": frame.url} for v in frame.evaluate(_AXE_RUN) if v["impact"] in wanted]
        return found

    # -- actions

    def goto(self, path_or_url: str = "/", *, wait_until: str = "networkidle"):
        """Open a path of the served app (or an absolute URL); wait for the network to idle."""
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        return self.page.goto(url, wait_until=wait_until)

    def evaluate(self, expression: str, arg=None):
        """Evaluate a JS expression or function in the page and return its JSON-able value."""
        return self.page.evaluate(expression, arg)

    def hover(self, selector: str, *, nth: int = 0, position: dict | None = None) -> None:
        """Move the mouse over the ``nth`` element matching a CSS ``selector``."""
        self.page.locator(selector).nth(nth).hover(position=position)

    def click(self, selector: str, *, nth: int = 0, position: dict | None = None) -> None:
        """Click the ``nth`` element matching a CSS ``selector``."""
        self.page.locator(selector).nth(nth).click(position=position)

    def text(self, selector: str, *, nth: int = 0, visible: bool = True) -> str:
        """Inner text of the ``nth`` match, waiting for it to be visible first."""
        loc = self.page.locator(selector).nth(nth)
        if visible:
            loc.wait_for(state="visible")
        return loc.inner_text()

    def screenshot(self, path: str | os.PathLike | None = None, *, full_page: bool = False) -> bytes:
        """PNG bytes of the viewport (written to ``path`` too when given)."""
        png = self.page.screenshot(full_page=full_page, type="png")
        if path is not None:
            Path(path).write_bytes(png)
        return png


@contextmanager
def launch(
    base_url: str,
    *,
    viewport: tuple[int, int] = (1000, 700),
    extra_flags: Iterable[str] = (),
) -> Iterator[BrowserPage]:
    """Headless Chromium with a fresh profile; yield a :class:`BrowserPage` (not navigated).

    Requests to non-loopback hosts are recorded and aborted.
    """
    exe = require_browser()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="geo-ntm-chromium-") as profile:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,  # becomes --user-data-dir
                executable_path=exe,
                headless=True,
                args=[*CHROMIUM_FLAGS, *extra_flags],
                viewport={"width": viewport[0], "height": viewport[1]},
                service_workers="block",
            )
            try:
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if _is_loopback(route.request.url) else route.abort("blockedbyclient")
                    ),
                )
                page = context.pages[0] if context.pages else context.new_page()
                yield BrowserPage(page, base_url)
            finally:
                context.close()


@contextmanager
def browse(app, path: str | None = "/", **launch_kwargs) -> Iterator[BrowserPage]:
    """Serve ``app`` on loopback, open ``path`` in headless Chromium, yield the page.

    Skips the test when Chromium or Playwright is not installed. ``path=None`` opens nothing.
    """
    require_browser()
    with serve(app) as base_url, launch(base_url, **launch_kwargs) as page:
        if path is not None:
            page.goto(path)
        yield page
