"""Generated pages: golden files for the sample knowledge base, auto-links and badges."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from confkb.catalog import build_catalog
from confkb.content import load_content
from confkb.pages import Verification, build_pages
from confkb.pages.body import autolink
from confkb.results.model import Result, Status
from tests.conftest import SAMPLES

GOLDEN = Path(__file__).parent / "golden" / "pages"
UPDATE = os.environ.get("CONFKB_UPDATE_GOLDEN") == "1"


def _verification() -> Verification:
    content = load_content(SAMPLES / "kb-minimal")
    by_id = {s.id: s for s in content.snippets}
    scan = by_id["trivy-scan"]
    echo = by_id["demo-conf-2024.scanning-images-2"]
    return Verification(
        results={
            "trivy-scan": Result(scan.id, scan.path, scan.line, scan.hash, Status.NOT_RUN,
                                 reason="image aquasec/trivy:0.56.2 is not available here",
                                 finished_at="2026-11-28T06:00:00Z"),
            "demo-conf-2024.scanning-images-2": Result(echo.id, echo.path, echo.line, echo.hash, Status.PASSED,
                                        exit_code=0, environment="shell@sha256:abc",
                                        finished_at="2026-11-28T06:00:01Z"),
            "trivy-version": Result("trivy-version", "tools/trivy.yml", 16, "stale", Status.PASSED),
        },
        finished_at="2026-11-28T06:00:02Z",
        engine="Docker Engine 20.10.24",
    )


@pytest.mark.parametrize("variant", ["unverified", "verified"])
def test_pages_match_golden_files(variant: str) -> None:
    """Every generated page equals its golden file (CONFKB_UPDATE_GOLDEN=1 rewrites them)."""
    catalog = build_catalog(load_content(SAMPLES / "kb-minimal"))
    verification = _verification() if variant == "verified" else None
    pages = build_pages(catalog, verification, site_title="DemoConf notes")
    folder = GOLDEN / variant
    for page in pages:
        golden = folder / page.path
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(page.content, encoding="utf-8")
        assert golden.is_file(), f"no golden file {golden}"
        assert page.content == golden.read_text(encoding="utf-8"), page.path
    assert len(list(folder.rglob("*.md"))) == len(pages)


def test_autolink_only_touches_prose() -> None:
    """Tool names link in prose, never in code, links, headings, comments or URLs."""
    catalog = build_catalog(load_content(SAMPLES / "kb-minimal"))
    text = "\n".join([
        "## Trivy heading",
        "Use Trivy and `trivy image` here.",
        "See [Trivy docs](https://trivy.dev) or https://trivy.dev/kaniko.",
        "<!-- Trivy in a comment -->",
        "```bash",
        "trivy image kaniko",
        "```",
        "Then kaniko builds; Trivy again in the same section stays plain.",
    ])
    out = autolink(text, "talks/e/t.md", catalog).split("\n")
    assert out[0] == "## Trivy heading"
    assert out[1] == "Use [Trivy](../../tools/trivy.md){ .confkb-tool } and `trivy image` here."
    assert out[2] == "See [Trivy docs](https://trivy.dev) or https://trivy.dev/kaniko."
    assert out[3:7] == text.split("\n")[3:7]
    assert out[7] == ("Then [kaniko](../../tools/kaniko.md){ .confkb-tool } builds; "
                      "Trivy again in the same section stays plain.")


def test_console_block_copies_commands_only() -> None:
    """A console block is rendered as a command block and a separate output block."""
    catalog = build_catalog(load_content(SAMPLES / "kb-minimal"))
    page = next(p for p in build_pages(catalog) if p.path.endswith("scanning-images.md"))
    assert "```bash\necho hello\n```\n\n```text\nhello\n```" in page.content
    assert "$ echo" not in page.content


def test_stale_result_is_not_shown_as_verified() -> None:
    """A result whose hash no longer matches the snippet does not count as verified."""
    catalog = build_catalog(load_content(SAMPLES / "kb-minimal"))
    page = next(p for p in build_pages(catalog, _verification()) if p.path == "tools/trivy.md")
    assert "changed since last verified" in page.content


def test_autolink_ignores_comment_lines_inside_code() -> None:
    """A ``# comment`` in a code block is not a heading: code stays plain, later prose links."""
    catalog = build_catalog(load_content(SAMPLES / "kb-minimal"))
    text = "Intro Trivy.\n\n```bash\n# c\necho Trivy\n```\n\nkaniko."
    out = autolink(text, "talks/e/t.md", catalog)
    assert "echo Trivy\n```" in out
    assert out.endswith("[kaniko](../../tools/kaniko.md){ .confkb-tool }.")
