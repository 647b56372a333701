"""JSON results: the machine-readable record of a run, and what the site reads badges from.

The format (``"format": "confkb-results"``, ``"version": 1``)::

    {
      "format": "confkb-results",
      "version": 1,
      "run": {
        "started_at": "2026-11-28T10:00:00Z",
        "finished_at": "2026-11-28T10:03:12Z",
        "engine": "docker 20.10.24 at unix:///run/confkb-docker.sock",
        "runner_version": "1",
        "shard": "1/2",
        "counts": {"passed": 40, "failed": 0, ...}
      },
      "results": [
        {
          "snippet_id": "buildkit-secret", "path": "talks/x/y.md", "line": 42,
          "hash": "0123456789abcdef", "status": "passed", "reason": "",
          "exit_code": 0, "duration": 1.234, "output": "...", "environment": "docker@sha256:...",
          "finished_at": "...", "cached": false, "lint": ["43: SC2086 ..."], "tools": ["buildkit"]
        }
      ]
    }

``status`` is one of ``passed``, ``failed``, ``timed out``, ``skipped``, ``not run``,
``harness error``. Readers must ignore keys they do not know (later versions may add some).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from confkb.reports.files import write_atomically
from confkb.results.model import Result, RunSummary, Status

FORMAT = "confkb-results"
VERSION = 1


def result_to_dict(result: Result) -> dict[str, Any]:
    """One result as a JSON-ready mapping (keys in the documented order)."""
    return {
        "snippet_id": result.snippet_id,
        "path": result.path,
        "line": result.line,
        "hash": result.hash,
        "status": result.status.value,
        "reason": result.reason,
        "exit_code": result.exit_code,
        "duration": round(result.duration, 3),
        "output": result.output,
        "environment": result.environment,
        "finished_at": result.finished_at,
        "cached": result.cached,
        "lint": list(result.lint),
        "tools": list(result.tools),
    }


def result_from_dict(data: dict[str, Any]) -> Result:
    """A result read back from its mapping.

    Raises:
        ValueError: When a required key is missing or the status is unknown.
    """
    try:
        return Result(
            snippet_id=str(data["snippet_id"]),
            path=str(data["path"]),
            line=int(data["line"]),
            hash=str(data["hash"]),
            status=Status(data["status"]),
            reason=str(data.get("reason", "")),
            exit_code=None if data.get("exit_code") is None else int(data["exit_code"]),
            duration=float(data.get("duration", 0.0)),
            output=str(data.get("output", "")),
            environment=str(data.get("environment", "")),
            finished_at=str(data.get("finished_at", "")),
            cached=bool(data.get("cached", False)),
            lint=tuple(str(x) for x in data.get("lint", ())),
            tools=tuple(str(x) for x in data.get("tools", ())),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"result entry lacks or mistypes {exc}") from exc


def count_statuses(results: tuple[Result, ...] | list[Result]) -> dict[str, int]:
    """How many results have each status; every status is present, zero or not."""
    counts = {status.value: 0 for status in Status}
    for result in results:
        counts[result.status.value] += 1
    return counts


def summary_to_dict(summary: RunSummary) -> dict[str, Any]:
    """A run summary as the documented JSON document."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "run": {
            "started_at": summary.started_at,
            "finished_at": summary.finished_at,
            "engine": summary.engine,
            "runner_version": summary.runner_version,
            "shard": summary.shard,
            "counts": summary.counts or count_statuses(summary.results),
        },
        "results": [result_to_dict(r) for r in summary.results],
    }


def summary_from_dict(data: Any) -> RunSummary:
    """A run summary from the JSON document.

    Raises:
        ValueError: When the document is not a confkb results file of a known version.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    if data.get("version") != VERSION:
        raise ValueError(f"results format version {data.get('version')!r} is not {VERSION}")
    run = data.get("run") or {}
    entries = data.get("results")
    if not isinstance(entries, list):
        raise ValueError("'results' must be a list")
    results = tuple(result_from_dict(entry) for entry in entries)
    return RunSummary(
        results=results,
        started_at=str(run.get("started_at", "")),
        finished_at=str(run.get("finished_at", "")),
        engine=str(run.get("engine", "")),
        runner_version=str(run.get("runner_version", "")),
        shard=str(run.get("shard", "")),
        counts=dict(run.get("counts") or count_statuses(results)),
    )


def render_results(summary: RunSummary) -> str:
    """The JSON text of a run summary (stable key order, indented, trailing newline)."""
    return json.dumps(summary_to_dict(summary), indent=2, ensure_ascii=False) + "\n"


def write_results(summary: RunSummary, path: Path) -> None:
    """Write a run summary atomically (readers never see half a file).

    Args:
        summary: The run to record.
        path: Target file; its folder is created when missing.
    """
    write_atomically(path, render_results(summary))


def read_results(path: Path) -> RunSummary:
    """Read a results file written by :func:`write_results`.

    Raises:
        ValueError: When the file is not valid JSON or not a results document.
        OSError: When the file cannot be read.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON: {exc}") from exc
    try:
        return summary_from_dict(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc
