"""Where results live: the latest results file of a knowledge base, and merging shards.

A run writes ``.confkb/results.json`` under the knowledge-base root (the site reads badges
from it). A sharded CI run writes one file per shard; :func:`merge_summaries` makes them
one run again.
"""

from __future__ import annotations

from pathlib import Path

from confkb.reports.json_report import count_statuses, read_results, write_results
from confkb.results.model import Result, RunSummary

LATEST = Path(".confkb") / "results.json"
JUNIT = Path(".confkb") / "junit.xml"


def latest_path(root: Path) -> Path:
    """The latest results file of the knowledge base at ``root``."""
    return Path(root) / LATEST


def write_latest(summary: RunSummary, root: Path) -> Path:
    """Record a run as the latest results of the knowledge base; returns the file written."""
    path = latest_path(root)
    write_results(summary, path)
    return path


def read_latest(root: Path) -> RunSummary | None:
    """The latest results, or None when no run was recorded yet.

    Raises:
        ValueError: When the file exists but is not a results file.
    """
    path = latest_path(root)
    return read_results(path) if path.is_file() else None


def merge_summaries(summaries: list[RunSummary]) -> RunSummary:
    """One run from several shards (or several partial runs).

    A snippet present in more than one input keeps its most recent result (by
    ``finished_at``). Results are ordered by file and line, as a single run orders them.

    Raises:
        ValueError: When there is nothing to merge.
    """
    if not summaries:
        raise ValueError("no results to merge")
    latest: dict[str, Result] = {}
    for summary in summaries:
        for result in summary.results:
            known = latest.get(result.snippet_id)
            if known is None or result.finished_at >= known.finished_at:
                latest[result.snippet_id] = result
    results = tuple(sorted(latest.values(), key=lambda r: (r.path, r.line, r.snippet_id)))
    shards = sorted({s.shard for s in summaries if s.shard})
    engines = [s.engine for s in summaries if s.engine]
    versions = [s.runner_version for s in summaries if s.runner_version]
    return RunSummary(
        results=results,
        started_at=min(s.started_at for s in summaries),
        finished_at=max(s.finished_at for s in summaries),
        engine=engines[0] if engines else "",
        runner_version=versions[0] if versions else "",
        shard=("merged " + ",".join(shards)) if shards else "",
        counts=count_statuses(results),
    )


def merge_files(paths: list[Path]) -> RunSummary:
    """Read several results files and merge them (see :func:`merge_summaries`)."""
    return merge_summaries([read_results(Path(p)) for p in paths])
