"""``mkdocs serve`` rebuilds generated pages when a talk or a tool file changes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, needle: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
            if needle in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} never appeared at {url}")


@pytest.mark.slow
def test_serve_reloads_on_talk_and_tool_changes(minimal_kb: Path) -> None:
    """Editing a talk and a tool file changes the served pages without a restart."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=minimal_kb, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/talks/demo-conf-2024/scanning-images/", "Scanning images before they ship")
        talk = minimal_kb / "talks/demo-conf-2024/scanning-images.md"
        talk.write_text(talk.read_text().replace("Scanning images before they ship", "Scanning images, revised"))
        _wait_for(f"{base}/talks/demo-conf-2024/scanning-images/", "Scanning images, revised")
        tool = minimal_kb / "tools/buildah.yml"
        tool.write_text(tool.read_text().replace("without a daemon.", "without a daemon, rootless too."))
        _wait_for(f"{base}/tools/buildah/", "rootless too")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
