"""Reports: JSON and JUnit against golden files, the terminal table, and merging shards."""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from confkb.reports.json_report import read_results, render_results, write_results
from confkb.reports.junit_report import junit_xml
from confkb.reports.terminal import Progress, summary_table
from confkb.results.model import Status
from confkb.results.store import merge_summaries

from .helpers import sample_summary

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "runner"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CONFKB_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (CONFKB_UPDATE_GOLDEN=1 rewrites it)"


def test_json_matches_golden_and_round_trips(tmp_path):
    """The JSON results format is stable and reads back into the same summary."""
    summary = sample_summary()
    _golden("results.json", render_results(summary))
    path = tmp_path / "results.json"
    write_results(summary, path)
    back = read_results(path)
    assert back.results == summary.results
    assert back.shard == "1/2" and back.engine == summary.engine
    assert back.counts["passed"] == 1 and back.counts["harness error"] == 1
    assert back.exit_code == 1


def test_junit_matches_golden():
    """One case per snippet with file and line; failures, errors and skips map as documented."""
    text = junit_xml(sample_summary())
    _golden("junit.xml", text)
    root = ET.fromstring(text)
    assert root.get("tests") == "6" and root.get("failures") == "2" and root.get("errors") == "1"
    assert root.get("skipped") == "2"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["push"].get("file") == "talks/conf-2019/talk.md" and cases["push"].get("line") == "20"
    assert cases["push"].find("failure") is not None and cases["loop"].find("failure") is not None
    assert cases["engine"].find("error") is not None
    assert cases["trivy"].find("skipped").get("message").startswith("not run: image aquasec/trivy")
    assert cases["shot"].find("skipped").get("message") == "text block"


def test_bad_results_files_are_rejected(tmp_path):
    """Reading something that is not a results file raises ValueError (the site reports it)."""
    path = tmp_path / "r.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        read_results(path)
    path.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValueError):
        read_results(path)


def test_terminal_summary_and_plain_progress():
    """The table lists what did not pass with its reason; plain progress prints one line per snippet."""
    summary = sample_summary()
    table = summary_table(summary)
    _golden("terminal.txt", table)
    assert table.splitlines()[0].startswith("6 snippets: 1 passed, 1 failed, 1 timed out")
    stream = io.StringIO()
    progress = Progress(2, stream=stream, tty=False)
    progress.finished(summary.results[0])
    progress.finished(summary.results[1])
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[1/2] PASSED build (talks/conf-2019/talk.md:12")
    assert lines[1].startswith("[2/2] FAILED push") and lines[2].startswith("    | denied")


def test_merge_shards_keeps_latest_result():
    """Merging shards gives one run; a snippet in both keeps its most recent result."""
    a = sample_summary()
    newer = replace(a.results[1], status=Status.PASSED, reason="", finished_at="2026-11-28T11:00:00Z")
    b = replace(a, results=(newer,), shard="2/2", started_at="2026-11-28T09:00:00Z",
                finished_at="2026-11-28T11:00:01Z")
    merged = merge_summaries([a, b])
    assert len(merged.results) == 6
    assert {r.snippet_id: r for r in merged.results}["push"].status is Status.PASSED
    assert merged.started_at == "2026-11-28T09:00:00Z" and merged.finished_at == "2026-11-28T11:00:01Z"
    assert merged.shard == "merged 1/2,2/2"
    assert merged.counts["failed"] == 0
