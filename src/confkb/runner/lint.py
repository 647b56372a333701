"""shellcheck findings for shell blocks: recorded with the result, informational.

Lint never changes a snippet's status. Conference commands are often written for reading
(``docker run $IMAGE``), and shellcheck's style advice (quote this, prefer that) is worth
showing without failing a block that runs. A block that cannot even be parsed fails anyway
when it runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess

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
