"""Local servers on 127.0.0.1 that reproduce the faults a link checker meets in the wild."""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from confkb.links import HostPolicy, LinksConfig
from confkb.links.fetch import RequestError, Response


@dataclass
class Reply:
    """What the test server sends for one request.

    Attributes:
        status: Status code.
        headers: Extra headers.
        body: Body bytes (also announced for HEAD, as real servers do).
        delay: Seconds before the status line.
        body_delay: Seconds between the headers and the body.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"<html><body>ok</body></html>"
    delay: float = 0.0
    body_delay: float = 0.0


Route = Callable[[str, str, int], Reply]
"""A route gets (method, path, how many times this path was asked before) and answers."""


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    at: float


class FaultServer:
    """A threaded HTTP server whose answers come from a route function; it counts everything."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.seen: list[Seen] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self) -> None:
                with outer._lock:
                    count = sum(1 for s in outer.seen if s.path == self.path)
                    outer.seen.append(Seen(self.command, self.path, time.monotonic()))
                    outer.active += 1
                    outer.max_active = max(outer.max_active, outer.active)
                answered = False
                try:
                    reply = outer.route(self.command, self.path, count)
                    time.sleep(reply.delay)
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    # A request stops counting as active just before its headers go out:
                    # once the client has them it may start its next request, and this
                    # thread may not have got round to its bookkeeping yet.
                    with outer._lock:
                        outer.active -= 1
                        answered = True
                    self.end_headers()
                    self.wfile.flush()
                    if self.command != "HEAD":
                        time.sleep(reply.body_delay)
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the checker hangs up after the headers, by design
                finally:
                    if not answered:
                        with outer._lock:
                            outer.active -= 1

            do_GET = do_HEAD = _answer

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str | None = None, method: str | None = None) -> int:
        """Requests received (for one path and/or method)."""
        return sum(
            1
            for s in self.seen
            if (path is None or s.path == path) and (method is None or s.method == method)
        )

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Route], FaultServer]]:
    """Start fault servers for a test; all are stopped after it."""
    servers: list[FaultServer] = []

    def start(route: Route) -> FaultServer:
        server = FaultServer(route)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


class SilentServer:
    """Accepts connections and never says a word: the server that never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._stop = True
        self._thread.join(1)
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    """A server that accepts and never answers."""
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def fast_config() -> LinksConfig:
    """Settings that keep fault tests quick: short timeouts and waits, no cache."""
    return LinksConfig(
        connect_timeout=2,
        read_timeout=2,
        deadline=10,
        backoff=0.05,
        max_retry_wait=5,
        cache=False,
    )


def write_site(site: Path, pages: dict[str, str]) -> Path:
    """Write HTML pages (path relative to ``site`` -> body inside <article>) and return site."""
    for rel, body in pages.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"<!doctype html><html><head><title>{rel}</title></head>"
            f"<body><article>\n{body}\n</article></body></html>\n",
            encoding="utf-8",
        )
    return site


# --- the sample knowledge base (tests/links/samples/kb) -------------------------------

SAMPLE = Path(__file__).parent / "samples" / "kb"


async def sample_fetcher(url: str, method: str = "HEAD", **_: object) -> Response:
    """The sample's external web, without a network."""
    if url == "https://moved.example.org/old-notes":
        return Response(301, "Moved", {"location": "/new-notes"})
    if url.startswith("https://gone.example.org/"):
        return Response(404, "Not Found")
    if url.startswith("https://sched.example.com/"):
        return Response(403, "Forbidden")
    if url.startswith("https://git.example.org/"):
        raise RequestError("connection refused by git.example.org")
    return Response(200, "OK")


SAMPLE_CONFIG = LinksConfig(
    cache=False,
    retries=0,
    ignore=(r"^https://www\.linkedin\.example/",),
    hosts=(HostPolicy("sched.example.com", accept=frozenset({403})),),
)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A copy of the sample knowledge base (so nothing writes into the repository)."""
    target = tmp_path / "kb"
    shutil.copytree(SAMPLE, target)
    return target
