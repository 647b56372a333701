"""The link report as JSON: one object per link target, every location with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from confkb.links.model import LinkReport, LinkResult

JSON_VERSION = 1


def result_to_dict(result: LinkResult) -> dict[str, Any]:
    """One link target as plain data."""
    return {
        "url": result.url,
        "kind": str(result.kind),
        "status": str(result.status),
        "reason": result.reason,
        "code": result.code,
        "final_url": result.final_url,
        "cached": result.cached,
        "requests": result.requests,
        "duration": result.duration,
        "locations": [
            {
                "path": loc.path,
                "line": loc.line,
                "page": loc.page,
                "href": loc.href,
                "text": loc.text,
            }
            for loc in result.locations
        ],
    }


def report_to_dict(report: LinkReport) -> dict[str, Any]:
    """The whole run as plain data (what :func:`write_json` writes)."""
    return {
        "version": JSON_VERSION,
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "duration": report.duration,
        "offline": report.offline,
        "pages": report.pages,
        "requests": report.requests,
        "counts": {str(status): n for status, n in report.counts().items()},
        "exit_code": report.exit_code,
        "notes": list(report.notes),
        "links": [result_to_dict(r) for r in report.results],
    }


def write_json(report: LinkReport, path: str | Path) -> None:
    """Write the report to ``path`` (parent folders created), nothing but JSON in it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
