"""JUnit XML: one test case per snippet, for CI systems that show test reports.

Mapping of statuses: *failed* and *timed out* become ``<failure>`` (the snippet's fault),
*harness error* becomes ``<error>`` (the runner's or the engine's fault), *skipped* and
*not run* become ``<skipped message="reason">``. Every case carries ``file`` and ``line``
attributes so CI annotations point at the fence in the Markdown file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import OrderedDict
from pathlib import Path

from confkb.reports.files import write_atomically
from confkb.results.model import Result, RunSummary, Status

# XML 1.0 cannot carry most control characters; snippet output sometimes does.
_XML_BAD = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}


def _clean(text: str) -> str:
    return text.translate(_XML_BAD)


def _case(result: Result) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": result.path.removesuffix(".md").replace("/", "."),
            "name": result.snippet_id,
            "file": result.path,
            "line": str(result.line),
            "time": f"{result.duration:.3f}",
        },
    )
    reason = _clean(result.reason)
    if result.status in {Status.FAILED, Status.TIMED_OUT}:
        failure = ET.SubElement(
            case, "failure", {"message": reason, "type": result.status.value}
        )
        failure.text = _clean(result.output)
    elif result.status is Status.HARNESS_ERROR:
        error = ET.SubElement(case, "error", {"message": reason, "type": "harness error"})
        error.text = _clean(result.output)
    elif result.status in {Status.SKIPPED, Status.NOT_RUN}:
        label = "not run: " if result.status is Status.NOT_RUN else ""
        ET.SubElement(case, "skipped", {"message": _clean(label + reason)})
    if result.output and result.status is Status.PASSED:
        ET.SubElement(case, "system-out").text = _clean(result.output)
    props = [("environment", result.environment), ("hash", result.hash)]
    if result.cached:
        props.append(("cached", "true"))
    props += [("lint", finding) for finding in result.lint]
    if props:
        properties = ET.Element("properties")
        for name, value in props:
            if value:
                ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
        case.insert(0, properties)
    return case


def junit_xml(summary: RunSummary) -> str:
    """The JUnit XML document of a run: one ``<testsuite>`` per source file."""
    by_file: OrderedDict[str, list[Result]] = OrderedDict()
    for result in summary.results:
        by_file.setdefault(result.path, []).append(result)
    root = ET.Element("testsuites", {"name": "confkb snippets"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for path, results in by_file.items():
        failures = sum(r.status in {Status.FAILED, Status.TIMED_OUT} for r in results)
        errors = sum(r.status is Status.HARNESS_ERROR for r in results)
        skipped = sum(r.status in {Status.SKIPPED, Status.NOT_RUN} for r in results)
        duration = sum(r.duration for r in results)
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": path,
                "tests": str(len(results)),
                "failures": str(failures),
                "errors": str(errors),
                "skipped": str(skipped),
                "time": f"{duration:.3f}",
                "timestamp": summary.started_at,
            },
        )
        for result in results:
            suite.append(_case(result))
        totals["tests"] += len(results)
        totals["failures"] += failures
        totals["errors"] += errors
        totals["skipped"] += skipped
        totals["time"] += duration
    for key, value in totals.items():
        root.set(key, f"{value:.3f}" if key == "time" else str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(summary: RunSummary, path: Path) -> None:
    """Write the JUnit XML of a run atomically; the folder is created when missing."""
    write_atomically(path, junit_xml(summary))
