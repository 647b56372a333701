"""The link report as JUnit XML: one test case per place a link is written.

One case per location (not per URL) so that a CI annotation lands on every line that needs
fixing. ``failed`` becomes a ``<failure>`` and ``error`` an ``<error>``, as JUnit means them
(the test's fault versus the harness's); warnings pass with a note, ignored links are skipped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from confkb.links.model import LinkReport, LinkStatus


def report_to_junit(report: LinkReport) -> ET.Element:
    """Build the ``<testsuites>`` element for a report."""
    cases: list[ET.Element] = []
    tally = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in report.results:
        for loc in result.places():
            case = ET.Element(
                "testcase",
                {
                    "classname": f"links.{result.kind}",
                    "name": f"{loc.path}:{loc.line} {result.url}",
                    "file": loc.path,
                    "line": str(loc.line),
                    "time": f"{result.duration:.3f}",
                },
            )
            message = f"{result.status}: {result.reason}" if result.reason else str(result.status)
            if result.status is LinkStatus.FAILED:
                ET.SubElement(
                    case, "failure", {"message": message, "type": "failed"}
                ).text = f"{loc}: {result.url}: {result.reason}"
                tally["failures"] += 1
            elif result.status is LinkStatus.ERROR:
                ET.SubElement(
                    case, "error", {"message": message, "type": "error"}
                ).text = f"{loc}: {result.url}: {result.reason}"
                tally["errors"] += 1
            elif result.status is LinkStatus.IGNORED:
                ET.SubElement(case, "skipped", {"message": message})
                tally["skipped"] += 1
            elif result.reason:
                ET.SubElement(case, "system-out").text = message
            tally["tests"] += 1
            cases.append(case)
    suites = ET.Element("testsuites", {k: str(v) for k, v in tally.items()})
    suite = ET.SubElement(
        suites,
        "testsuite",
        {
            "name": "confkb links",
            **{k: str(v) for k, v in tally.items()},
            "time": f"{report.duration:.3f}",
            "timestamp": report.started_at,
        },
    )
    suite.extend(cases)
    return suites


def write_junit(report: LinkReport, path: str | Path) -> None:
    """Write the report as JUnit XML to ``path`` (parent folders created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(report_to_junit(report))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
