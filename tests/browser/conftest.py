"""A reader's view of the built site: Playwright's sync API driving Debian's Chromium.

The site is built once per session with ``mkdocs build --strict`` and served on loopback by
a ``http.server`` thread. Two builds are served:

* the shipped site, exactly as ``make site`` builds it (it shows whatever
  ``.confkb/results.json`` holds, or "not yet verified");
* a verified variant, built from a copy of the content with a small results file written
  here, so that badges with every kind of status are on the page whether or not the smoke
  test has run on this machine.

No browser is downloaded: Chromium comes from Debian (``/usr/bin/chromium``, or
``CONFKB_CHROMIUM``). Without it or without Playwright the tests skip, unless
``CONFKB_REQUIRE_BROWSER=1`` (CI), where a missing browser fails.

Every page a test opens is watched: a console error or an uncaught exception fails the test
at teardown. Requests that leave the loopback origin (web fonts) are answered with an empty
response, so the tests neither need the network nor fail for lack of it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from confkb.content import Content, load_content
from confkb.reports.json_report import write_results
from confkb.results.model import Result, RunSummary, Status

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SAMPLES = Path(__file__).resolve().parent / "samples"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# The flags that make Debian's Chromium start quietly on a machine without a display, as root,
# with a closed network (no background connections, no sync, no component updates).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The statuses the verified variant gives the snippets of the talk that the badge test reads,
# in document order (cycled), with the reason shown for the ones that did not run.
CRAFTED = [
    (Status.PASSED, ""),
    (Status.NOT_RUN, "image gcr.io/example/tool:1 cannot be had (no registry reachable)"),
    (Status.SKIPPED, "needs a Kubernetes cluster"),
    (Status.FAILED, "exit code 1, expected 0"),
]
EVENT = "containerconf-2019"
BADGE_TALK = "the-container-universe"
CONSOLE_SLUG = "browser-console-notes"


def chromium_path() -> Path:
    """Where Debian's Chromium is (``CONFKB_CHROMIUM`` overrides)."""
    return Path(os.environ.get("CONFKB_CHROMIUM", "/usr/bin/chromium"))


def _browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    if not os.access(chromium_path(), os.X_OK):
        return f"no Chromium at {chromium_path()} (apt-get install chromium)"
    return None


# --- building and serving --------------------------------------------------------------------

def build_site(config: Path, out: Path) -> Path:
    """``mkdocs build --strict`` of ``config`` into ``out``; fails the session with mkdocs' log.

    Not ``--quiet``: with it MkDocs stops counting warnings, and ``--strict`` lets them pass.
    """
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(out)],
        check=False, capture_output=True, text=True, env=ENV, cwd=config.parent,
    )
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return out


def crafted_results(content: Content, talk_id: str = f"{EVENT}/{BADGE_TALK}") -> RunSummary:
    """A results file for every runnable snippet: the talk's get the :data:`CRAFTED` statuses.

    Every other snippet passed. The ids, paths, lines and hashes are the snippets' own, so the
    site takes every result as current.
    """
    results = []
    cycle = 0
    for snippet in content.snippets:
        if snippet.kind == "text":
            continue
        status, reason = Status.PASSED, ""
        if snippet.owner == talk_id:
            status, reason = CRAFTED[cycle % len(CRAFTED)]
            cycle += 1
        exit_code = {Status.PASSED: 0, Status.FAILED: 1}.get(status)
        results.append(Result(
            snippet_id=snippet.id, path=snippet.path, line=snippet.line, hash=snippet.hash,
            status=status, reason=reason, exit_code=exit_code, duration=0.5,
            environment="shell@sha256:" + "ab" * 32, finished_at="2026-01-02T03:04:05Z",
            tools=snippet.tools,
        ))
    return RunSummary(
        results=tuple(results), started_at="2026-01-02T03:00:00Z", finished_at="2026-01-02T03:04:05Z",
        engine="docker (crafted by tests/browser)", runner_version="test",
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Served:
    """A built site served on loopback."""

    root: Path
    url: str
    server: http.server.ThreadingHTTPServer = field(repr=False)

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (for permissions and routing)."""
        return self.url.rstrip("/")

    def at(self, path: str) -> str:
        """Absolute URL of a site path such as ``tools/kaniko/``."""
        return self.url + path.lstrip("/")


@contextlib.contextmanager
def serve(root: Path) -> Iterator[Served]:
    """Serve ``root`` on 127.0.0.1 at a free port, in a thread, until the block ends."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://127.0.0.1:{server.server_address[1]}/", server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped knowledge base, loaded by the library (titles, snippets, commands)."""
    return load_content(REPO)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shipped site as ``make site`` builds it, served on loopback."""
    out = build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("site"))
    with serve(out) as served:
        yield served


@pytest.fixture(scope="session")
def verified_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the knowledge base, plus a page with a console block, plus crafted results."""
    root = tmp_path_factory.mktemp("kb-verified")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "talks", "tools"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    # The shipped notes have no console block (yet); this page makes sure one is on the site.
    shutil.copyfile(SAMPLES / f"{CONSOLE_SLUG}.md", root / "talks" / EVENT / f"{CONSOLE_SLUG}.md")
    write_results(crafted_results(load_content(root)), root / ".confkb" / "results.json")
    return root


@pytest.fixture(scope="session")
def verified_content(verified_kb: Path) -> Content:
    """The content of the verified variant (the shipped content and the console page)."""
    return load_content(verified_kb)


@pytest.fixture(scope="session")
def verified_site(verified_kb: Path) -> Iterator[Served]:
    """The verified variant built with ``mkdocs build --strict`` and served on loopback."""
    out = build_site(verified_kb / "mkdocs.yml", verified_kb / "site")
    with serve(out) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run (skips, or fails under CONFKB_REQUIRE_BROWSER=1)."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("CONFKB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CONFKB_REQUIRE_BROWSER=1, but {missing}", pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # A fresh, empty profile per run: Playwright passes its own --user-data-dir.
        instance = playwright.chromium.launch(
            executable_path=str(chromium_path()), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class Reader:
    """A browser context for one test, with every page in it watched for errors."""

    context: Any = field(repr=False)
    errors: list[str] = field(default_factory=list)
    stubbed: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        """Record console errors and uncaught exceptions of ``page``."""
        def on_console(message: Any) -> None:
            if message.type == "error":
                self.errors.append(f"{page.url}: console error: {message.text} ({message.location})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: uncaught: {exc}"))

    def open(self, url: str) -> Any:
        """A new page at ``url``, loaded."""
        page = self.context.new_page()
        page.goto(url, wait_until="load")
        return page


def _new_reader(browser: Any, served: Served, clipboard: bool) -> Reader:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    reader = Reader(context)
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.origin)

    def outside(route: Any) -> None:
        reader.stubbed.append(route.request.url)
        kind = "text/css" if route.request.resource_type == "stylesheet" else "text/plain"
        route.fulfill(status=200, content_type=kind, body="")

    # Everything not served by the loopback server (Google Fonts, by default in Material).
    context.route(lambda url: not url.startswith(served.origin + "/"), outside)
    context.on("page", reader.watch)
    return reader


def _close(reader: Reader) -> None:
    reader.context.close()
    if reader.errors:
        pytest.fail("the browser reported errors:\n" + "\n".join(reader.errors), pytrace=False)


@pytest.fixture
def reader(browser: Any, site: Served) -> Iterator[Reader]:
    """A fresh context on the shipped site; fails the test on any browser console error."""
    r = _new_reader(browser, site, clipboard=False)
    yield r
    _close(r)


@pytest.fixture
def verified_reader(browser: Any, verified_site: Served) -> Iterator[Reader]:
    """A fresh context on the verified variant, allowed to read and write the clipboard."""
    r = _new_reader(browser, verified_site, clipboard=True)
    yield r
    _close(r)
