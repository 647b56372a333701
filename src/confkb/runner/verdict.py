"""Verdicts: what a block's exit code and output mean, said so that an author can act on it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from confkb.results.model import Result, Status
from confkb.runner.images import ImageResolver
from confkb.runner.markers import Event
from confkb.runner.plan import ScenarioPlan, Step
from confkb.runner.sandbox import SandboxLimits

_FORK_FAILED = re.compile(r"fork: (retry: )?Resource temporarily unavailable|Cannot fork|can't fork", re.IGNORECASE)
_ERRORISH = re.compile(r"error|fail|cannot|can't|not found|no such|denied|invalid|unknown|refused|"
                       r"requires|unexpected|missing|exit code|not permitted", re.IGNORECASE)
_NOT_LOCAL = re.compile(r"Unable to find image '(?P<image>[^']+)' locally")
_PULL_FAILED = re.compile(r"(Error response from daemon|error pulling image|failed to resolve).*"
                          r"(dial tcp|no such host|i/o timeout|network is unreachable|pull access denied|"
                          r"connection refused|server misbehaving)", re.IGNORECASE)
_RANK = {Status.PASSED: 0, Status.SKIPPED: 0, Status.NOT_RUN: 1, Status.FAILED: 2,
         Status.TIMED_OUT: 3, Status.HARNESS_ERROR: 4}


def now_iso() -> str:
    """The current UTC time, ISO 8601 with a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_TRAP = re.compile(r"^confkb: line (?P<line>\d+) of the block: `(?P<command>.*)` exited with (?P<code>\d+)$")


def failed_command(output: str) -> str:
    """``line 2 (`false`)`` from the ERR trap's last report, or empty."""
    for line in reversed(output.splitlines()):
        match = _TRAP.match(line.strip())
        if match:
            command = match.group("command")
            command = command if len(command) <= 120 else command[:119] + "…"
            return f"line {match.group('line')} of the block (`{command}`)"
    return ""


def key_line(output: str) -> str:
    """The line of a failed block's output most likely to say what went wrong."""
    lines = [line.strip() for line in output.splitlines()
             if line.strip() and not set(line.strip()) <= set("-=") and not _TRAP.match(line.strip())]
    for line in reversed(lines[-15:]):
        if _ERRORISH.search(line):
            return line[:300]
    return lines[-1][:300] if lines else ""


def make_result(step: Step, status: Status, reason: str = "", *, lint: tuple[str, ...] = (),
                environment: str = "", exit_code: int | None = None, duration: float = 0.0,
                output: str = "") -> Result:
    """The result of one step, stamped with the time and the snippet's identity."""
    s = step.snippet
    return Result(
        snippet_id=s.id, path=s.path, line=s.line, hash=s.hash, status=status, reason=reason,
        exit_code=exit_code, duration=round(duration, 3), output=output, environment=environment,
        finished_at=now_iso(), lint=lint, tools=s.tools,
    )


def settle_writes(plan: ScenarioPlan, results: dict[int, Result]) -> None:
    """A ``file=`` block's status follows the blocks after it that use it."""
    for index, step in enumerate(plan.steps):
        result = results.get(index)
        if step.action != "write" or step.build_after_write or result is None or result.status is not Status.PASSED:
            continue
        later = [results[j] for j, s in enumerate(plan.steps) if j > index and s.action == "run" and j in results]
        name = step.snippet.directives.file
        if not later:
            if step.snippet.kind in {"yaml", "json"}:
                continue  # parsed at planning time: passed stands
            results[index] = replace(result, status=Status.SKIPPED,
                                     reason=f"written to the workspace as {name}; no later block of the scenario runs")
            continue
        worst = max(later, key=lambda r: _RANK[r.status])
        if worst.status is not Status.PASSED:
            results[index] = replace(result, status=worst.status,
                                     reason=f"written to the workspace as {name}; {worst.snippet_id}, "
                                            f"which uses it, {worst.status.value}: {worst.reason}")


def unpulled_image(output: str, plan: ScenarioPlan, resolver: ImageResolver | None, step: Step,
                   end: Event, common: dict) -> Result | None:
    """A block that failed because its Docker daemon could not pull an image.

    The image was not listed in ``images=``. If it cannot be had here either, the block is
    *not run* (like any snippet whose image is missing); if it could have been preloaded,
    the block *failed*, with the fix.
    """
    found = _NOT_LOCAL.search(output)
    if "docker" not in plan.needs or not found or not _PULL_FAILED.search(output):
        return None
    image = found.group("image")
    choice = resolver.resolve(image) if resolver else None
    if choice is not None and choice.available:
        return make_result(step, Status.FAILED, f"image {image} is available here ({choice.how}) but was not "
                       "preloaded into the scenario's Docker daemon: add it to images=",
                       exit_code=end.exit_code, **common)
    reason = choice.how if choice else f"image {image} is not available here: the scenario's daemon could not pull it"
    return make_result(step, Status.NOT_RUN, reason, exit_code=end.exit_code, **common)


def judge(step: Step, end: Event, output: str, limits: SandboxLimits, common: dict,
          plan: ScenarioPlan, resolver: ImageResolver | None) -> Result:
    """The status of a block that ran to its end marker.

    ``common`` holds the keyword arguments of :func:`make_result` (lint, environment,
    duration, output).
    """
    d = step.snippet.directives
    expect = 0 if step.action == "write" else d.expect_exit
    if end.refused or _FORK_FAILED.search(output):
        refused = f"{end.refused} forks refused" if end.refused else "fork failed"
        return make_result(step, Status.FAILED, f"processes hit the limit of {limits.pids} ({refused})",
                       exit_code=end.exit_code, **common)
    if end.exit_code != expect:
        unpulled = unpulled_image(output, plan, resolver, step, end, common)
        if unpulled is not None:
            return unpulled
        line, where = key_line(output), failed_command(output)
        if end.exit_code == 137 and "Killed" in output or (end.exit_code == 137 and not line):
            # SIGKILL from inside the sandbox: the kernel's OOM killer, at the memory limit.
            line = f"killed (SIGKILL), most likely at the memory limit of {limits.memory}"
        return make_result(step, Status.FAILED, f"exit code {end.exit_code}, expected {expect}"
                       + (f" at {where}" if where else "") + (f": {line}" if line else ""),
                       exit_code=end.exit_code, **common)
    if d.expect_output and step.action == "run" and not re.search(d.expect_output, output, re.MULTILINE):
        return make_result(step, Status.FAILED, f"output does not match expect-output /{d.expect_output}/",
                       exit_code=end.exit_code, **common)
    return make_result(step, Status.PASSED, exit_code=end.exit_code, **common)
