"""Reports: JSON and JUnit against golden files, the terminal summary, the exit code.

Set ``CONFKB_UPDATE_GOLDEN=1`` to rewrite the golden files after a deliberate change.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from confkb.links import LinkReport, check_site
from confkb.links.json_report import report_to_dict, write_json
from confkb.links.junit_report import write_junit
from confkb.links.terminal import ProgressLine, format_report

from .conftest import SAMPLE_CONFIG, sample_fetcher

GOLDEN = Path(__file__).parent / "golden"


def stable(report: LinkReport) -> LinkReport:
    """The report with its clock readings fixed, so it can be compared byte for byte."""
    return replace(
        report,
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:01+00:00",
        duration=1.0,
        results=tuple(replace(r, duration=0.0) for r in report.results),
    )


def sample_report(kb: Path) -> LinkReport:
    return stable(check_site(kb / "site", root=kb, config=SAMPLE_CONFIG, fetcher=sample_fetcher))


def compare(path: Path, text: str) -> None:
    if os.environ.get("CONFKB_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


def test_json_golden(kb, tmp_path):
    """The JSON report of the sample site, byte for byte."""
    out = tmp_path / "out" / "links.json"
    write_json(sample_report(kb), out)
    compare(GOLDEN / "sample-report.json", out.read_text(encoding="utf-8"))


def test_junit_golden(kb, tmp_path):
    """The JUnit report of the sample site, byte for byte, and valid XML with the counts."""
    out = tmp_path / "links.xml"
    write_junit(sample_report(kb), out)
    text = out.read_text(encoding="utf-8")
    compare(GOLDEN / "sample-junit.xml", text)
    suite = ET.fromstring(text).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests"))
    failures = [c for c in cases if c.find("failure") is not None]
    errors = [c for c in cases if c.find("error") is not None]
    assert len(failures) == int(suite.get("failures")) == 7
    assert len(errors) == int(suite.get("errors")) == 1
    assert {c.get("file") for c in failures} >= {
        "talks/containerconf-2019/the-container-universe.md",
        "docs/authoring.md",
        "tools/trivy.yml",
    }
    assert all(c.get("line", "").isdigit() for c in cases)


def test_json_is_pure_json_with_counts(kb):
    """The JSON has every status in counts and nothing but JSON."""
    data = report_to_dict(sample_report(kb))
    assert json.loads(json.dumps(data)) == data
    assert set(data["counts"]) == {
        "ok",
        "redirected",
        "warning",
        "failed",
        "error",
        "ignored",
        "cached",
    }
    assert data["exit_code"] == 1


def test_terminal_report(kb):
    """Findings at path:line, sorted, then the counts and the verdict."""
    text = format_report(sample_report(kb))
    lines = text.splitlines()
    assert lines[0].startswith("docs/authoring.md:7: failed: #front-mater")
    assert (
        "talks/containerconf-2019/the-container-universe.md:22: failed: "
        "https://gone.example.org/page (HTTP 404 Not Found)"
    ) in lines
    assert "docs/authoring.md:8: warning: https://sched.example.com/event/1" in text
    assert "ok:" not in text  # successes are listed only with --verbose
    assert lines[-1] == "FAILED: 6 broken links, 1 link could not be checked"


def test_progress_in_a_log_is_milestones(tmp_path):
    """Without a terminal, progress is a line per tenth, not a line per URL."""
    import io

    stream = io.StringIO()
    progress = ProgressLine(stream)
    for done in range(1, 201):
        progress(done, 200)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[-1] == "checking external links: 200/200"
