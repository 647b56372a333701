"""Benchmark: ``confkb links`` against Debian's ``linkchecker`` on the same built site.

Not a test. It generates a site of ``--pages`` pages with ``--links-per-page`` external links
each, all to one local host (``http://127.0.0.1:PORT/page/N``, a few of them broken), serves
them from a server that answers every request after ``--delay`` seconds, runs both checkers on
that site in one run and prints the time of each, the ratio, and what each found.

Both checkers see the same URLs: linkchecker starts from the site's ``index.html`` (a file
URL, so the pages are internal to it and it recurses into them) and ``--check-extern`` makes it
check the ``http://127.0.0.1`` links, which it counts as external. confkb reads the same HTML
files and keeps its default per-host limit, so neither may open more than a handful of
connections to the one host.

Usage::

    .venv/bin/python benchmarks/links_vs_linkchecker.py              # the full workload
    .venv/bin/python benchmarks/links_vs_linkchecker.py --linkchecker-pages 10
        # linkchecker on the first 10 pages only, its time extrapolated (and said so)
"""

from __future__ import annotations

import argparse
import csv
import http.server
import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINKCHECKER = "/usr/bin/linkchecker"


# --- the site ------------------------------------------------------------------------------


def broken(n: int, every: int) -> bool:
    """Whether link number ``n`` is one of the broken ones (the server answers 404)."""
    return every > 0 and n % every == every - 1


def write_site(site: Path, pages: int, per_page: int, port: int, pages_in_index: int) -> None:
    """Write ``pages`` pages of ``per_page`` external links, and an index linking to them.

    Args:
        site: Folder to write into (created).
        pages: Number of pages.
        per_page: External links on each page; link numbers are unique across the site.
        port: Port of the local server the links point at.
        pages_in_index: How many pages ``index.html`` links to (linkchecker only reaches
            those; confkb reads every HTML file, so a subset run uses a separate folder).
    """
    site.mkdir(parents=True, exist_ok=True)
    items = "\n".join(
        f'<li><a href="page-{p:03d}/">Page {p}</a></li>' for p in range(pages_in_index)
    )
    (site / "index.html").write_text(
        f"<!doctype html><html><head><title>Bench</title></head><body>"
        f"<article><h1 id='top'>Bench</h1><ul>\n{items}\n</ul></article></body></html>\n"
    )
    for p in range(pages):
        links = "\n".join(
            f'<li><a href="http://127.0.0.1:{port}/page/{p * per_page + i}">'
            f"link {p * per_page + i}</a></li>"
            for i in range(per_page)
        )
        folder = site / f"page-{p:03d}"
        folder.mkdir(exist_ok=True)
        (folder / "index.html").write_text(
            f"<!doctype html><html><head><title>Page {p}</title></head><body><article>"
            f'<h1 id="page">Page {p}</h1><p><a href="../">Home</a></p>'
            f"<ul>\n{links}\n</ul></article></body></html>\n"
        )


# --- the server ----------------------------------------------------------------------------


def serve(port_out, delay: float, every: int, counters) -> None:  # pragma: no cover - subprocess
    """Run the slow server in a child process; report its port through ``port_out``.

    ``counters`` are a lock and shared-memory integers (requests, active, max_active): cheap
    enough not to slow the server down, unlike a manager's proxies.
    """
    lock, requests, active, max_active = counters

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _answer(self, body: bool) -> None:
            with lock:
                requests.value += 1
                active.value += 1
                max_active.value = max(max_active.value, active.value)
            time.sleep(delay)
            code = 200
            if self.path.startswith("/page/"):
                try:
                    code = 404 if broken(int(self.path.rsplit("/", 1)[1]), every) else 200
                except ValueError:
                    code = 404
            elif self.path != "/":
                code = 404
            payload = b"<html><body>ok</body></html>" if code == 200 else b"not found"
            self.send_response(code)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(payload)))
            # A request stops counting as active just before its answer goes out: once the
            # client has it, it may rightly start its next request.
            with lock:
                active.value -= 1
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def handle_error(self, request, client_address) -> None:
            pass  # clients hanging up after the headers is normal here

    server = Server(("127.0.0.1", 0), Handler)
    port_out.put(server.server_address[1])
    server.serve_forever()


class SlowServer:
    """The slow server in a child process, so it does not share a GIL with confkb."""

    def __init__(self, delay: float, every: int) -> None:
        # Raw shared integers guarded by one lock of our own (a synchronized Value takes its
        # lock on every access, which would deadlock under an explicit ``with``).
        self._lock = multiprocessing.Lock()
        self._counters = tuple(multiprocessing.RawValue("i", 0) for _ in range(3))
        queue = multiprocessing.Queue()
        self._proc = multiprocessing.Process(
            target=serve, args=(queue, delay, every, (self._lock, *self._counters)), daemon=True
        )
        self._proc.start()
        self.port = queue.get(timeout=10)

    @property
    def requests(self) -> int:
        """Requests received since the last reset."""
        return self._counters[0].value

    @property
    def max_concurrent(self) -> int:
        """Most requests being answered at once since the last reset."""
        return self._counters[2].value

    def reset(self) -> None:
        """Forget the counts (between the two checkers)."""
        with self._lock:
            for counter in self._counters:
                counter.value = 0

    def close(self) -> None:
        """Stop the child process."""
        self._proc.terminate()
        self._proc.join(5)


# --- the two checkers ----------------------------------------------------------------------


def run_confkb(site: Path, root: Path) -> tuple[float, list[str], dict]:
    """Check ``site`` with confkb (no cache, default limits); return time, broken URLs, counts."""
    from confkb.links import check_site, resolve_config

    config = resolve_config(root, overrides={"cache": False})
    start = time.perf_counter()
    report = check_site(site, root=root, config=config)
    elapsed = time.perf_counter() - start
    found = sorted(r.url for r in report.results if r.is_external and r.status.is_problem)
    return elapsed, found, {str(k): v for k, v in report.counts().items()}


def run_linkchecker(site: Path) -> tuple[float, list[str], str]:
    """Check ``site`` with linkchecker; return time, broken URLs and its last output line."""
    # linkchecker drops root privileges to ``nobody``: the site must be world-readable.
    os.chmod(site.parent, 0o755)
    for folder, _dirs, files in os.walk(site):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    cmd = [
        LINKCHECKER,
        "--check-extern",
        "--no-status",
        "-o",
        "csv",
        (site / "index.html").as_uri(),
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    rows = [ln for ln in proc.stdout.splitlines() if ln and not ln.startswith("#")]
    found = []
    if rows:
        for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
            if row.get("valid") == "False":
                found.append(row["url"])
    tail = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("#")), "")
    return elapsed, sorted(found), tail


# --- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--links-per-page", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.05, help="server delay per request (s)")
    parser.add_argument("--broken-every", type=int, default=250, help="every Nth link is a 404")
    parser.add_argument(
        "--linkchecker-pages",
        type=int,
        default=0,
        help="run linkchecker on the first N pages only and extrapolate (0: all pages)",
    )
    parser.add_argument("--skip-linkchecker", action="store_true")
    args = parser.parse_args(argv)

    server = SlowServer(args.delay, args.broken_every)
    tmp = Path(tempfile.mkdtemp(prefix="confkb-bench-"))
    try:
        total = args.pages * args.links_per_page
        site = tmp / "site"
        write_site(site, args.pages, args.links_per_page, server.port, args.pages)
        expected = sorted(
            f"http://127.0.0.1:{server.port}/page/{n}"
            for n in range(total)
            if broken(n, args.broken_every)
        )
        print(
            f"site: {args.pages} pages x {args.links_per_page} links = {total} external URLs "
            f"on one host, {len(expected)} broken, server delay {args.delay * 1000:.0f} ms"
        )

        server.reset()
        c_time, c_found, counts = run_confkb(site, tmp)
        c_requests, c_conc = server.requests, server.max_concurrent
        print(
            f"confkb:      {c_time:8.1f} s  {c_requests} requests, at most {c_conc} at once; "
            f"{len(c_found)} broken; counts {counts}"
        )
        if args.skip_linkchecker:
            return 0 if c_found == expected else 1

        lc_pages = args.linkchecker_pages or args.pages
        lc_site = site
        if lc_pages < args.pages:
            lc_site = tmp / "site-subset"
            write_site(lc_site, args.pages, args.links_per_page, server.port, lc_pages)
        server.reset()
        l_time, l_found, tail = run_linkchecker(lc_site)
        l_requests, l_conc = server.requests, server.max_concurrent
        note = ""
        if lc_pages < args.pages:
            scale = args.pages / lc_pages
            note = (
                f"  (EXTRAPOLATED: measured {l_time:.1f} s on {lc_pages} of {args.pages} pages, "
                f"times {scale:g})"
            )
            l_time *= scale
        print(
            f"linkchecker: {l_time:8.1f} s  {l_requests} requests, at most {l_conc} at once; "
            f"{len(l_found)} broken{note}"
        )
        print(f"  linkchecker said: {tail}")
        print(f"ratio: confkb is {l_time / c_time:.1f}x faster")

        c_subset = c_found
        if lc_pages < args.pages:
            limit = lc_pages * args.links_per_page
            c_subset = [u for u in c_found if int(u.rsplit("/", 1)[1]) < limit]
        same = c_subset == l_found
        print(f"same findings: {'yes' if same else 'NO'}")
        for url in sorted(set(c_subset) | set(l_found)):
            who = " + ".join(
                name
                for name, found in (("confkb", c_subset), ("linkchecker", l_found))
                if url in found
            )
            print(f"  {url}  [{who}]")
        return 0 if same and c_found == expected else 1
    finally:
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
