"""shellcheck findings for shell blocks: recorded with the result, informational.

Lint never changes a snippet's status. Conference commands are often written for reading
(``docker run $IMAGE``), and shellcheck's style advice (quote this, prefer that) is worth
showing without failing a block that runs. A block that cannot even be parsed fails anyway
when it runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from confkb.snippets.model import Snippet

# Codes that only make sense for whole scripts, not for a few lines out of a talk.
_IGNORED = {
    2148,  # no shebang: blocks are not files
    2164,  # `cd dir || exit`: a reader's terminal, not a script
}


def shellcheck_available() -> bool:
    """True when a ``shellcheck`` binary is on PATH."""
    return shutil.which("shellcheck") is not None


def lint_snippet(snippet: Snippet, timeout: float = 30.0) -> tuple[str, ...]:
    """shellcheck findings of a shell block as ``<file line>: SC<code> (<level>): <message>``.

    Lines are lines of the source file (the block's first line follows the fence). Other
    kinds, and hosts without shellcheck, give no findings.
    """
    if snippet.kind != "shell" or not shellcheck_available():
        return ()
    shell = "sh" if snippet.language == "sh" else "bash"
    try:
        done = subprocess.run(
            ["shellcheck", f"--shell={shell}", "--format=json1", "-"],
            input=snippet.code, capture_output=True, text=True, timeout=timeout, check=False,
        )
        comments = json.loads(done.stdout or "{}").get("comments", [])
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
        return ()
    findings = []
    for c in comments:
        if c.get("code") in _IGNORED:
            continue
        line = snippet.line + int(c.get("line", 0))
        findings.append(f"{line}: SC{c.get('code')} ({c.get('level')}): {c.get('message')}")
    return tuple(findings)


class Linter:
    """Lints shell blocks once per content: findings are kept on disk by a hash of the block.

    A fully cached run must not start a shellcheck process per block.

    Args:
        cache_dir: Folder for stored findings (None: no storing).
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else None

    def lint(self, snippet: Snippet) -> tuple[str, ...]:
        """Findings for a snippet (see :func:`lint_snippet`)."""
        if snippet.kind != "shell":
            return ()
        key = hashlib.sha256(f"{snippet.language}\0{snippet.line}\0{snippet.code}".encode()).hexdigest()
        path = self.cache_dir / key[:2] / f"{key}.json" if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                return tuple(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                pass
        findings = lint_snippet(snippet)
        if path is not None and shellcheck_available():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".lint.", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(list(findings), handle)
            os.replace(tmp, path)
        return findings
