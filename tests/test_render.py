"""``confkb render`` writes the generated pages as plain Markdown for any generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from confkb.catalog import build_catalog
from confkb.cli import main
from confkb.content import load_content
from confkb.pages import build_pages


def test_render_writes_every_generated_page_and_the_nav(minimal_kb: Path, tmp_path: Path) -> None:
    """Every page lands at its docs path with the same Markdown as the plugin serves."""
    out = tmp_path / "out"
    assert main(["--root", str(minimal_kb), "render", "--out", str(out)]) == 0
    pages = build_pages(build_catalog(load_content(minimal_kb)), site_title="DemoConf notes")
    for page in pages:
        if page.path == "index.md":  # the home page carries the site title, which render does not know
            continue
        assert (out / page.path).read_text(encoding="utf-8") == page.content
    nav = json.loads((out / "nav.json").read_text(encoding="utf-8"))
    assert nav[0] == {"Home": "index.md"}
    assert {"Tools"} <= {next(iter(item)) for item in nav}


def test_render_refuses_bad_content(minimal_kb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad content: exit 1 with the problems, nothing written."""
    (minimal_kb / "tools/broken.yml").write_text("name: [unclosed\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--root", str(minimal_kb), "render", "--out", str(out)]) == 1
    assert "tools/broken.yml:" in capsys.readouterr().err
    assert not out.exists()


def test_schema_command_points_at_shipped_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    """``confkb schema tool`` prints an existing path; ``--print`` prints JSON."""
    assert main(["schema", "tool"]) == 0
    assert Path(capsys.readouterr().out.strip()).is_file()
    assert main(["schema", "talk", "--print"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].startswith("confkb talk")


def test_navigation_groups_many_events_by_year(minimal_kb: Path) -> None:
    """Past a dozen events the Events section is grouped by year, newest first."""
    import shutil

    from confkb.site import EVENTS_BEFORE_YEARS, build_nav

    source = minimal_kb / "talks/demo-conf-2024"
    for index in range(EVENTS_BEFORE_YEARS + 1):
        year = 2010 + index % 3
        target = minimal_kb / f"talks/conf-{index:02d}"
        shutil.copytree(source, target)
        event = (target / "event.yml").read_text(encoding="utf-8")
        (target / "event.yml").write_text(event.replace("2024-05", f"{year}-05"), encoding="utf-8")
        for talk in target.glob("*.md"):
            text = talk.read_text(encoding="utf-8").replace("2024-05", f"{year}-05")
            talk.write_text(text.replace("id=trivy-scan ", ""), encoding="utf-8")  # explicit ids are unique
    shutil.rmtree(source)
    catalog = build_catalog(load_content(minimal_kb))
    events = next(item["Events"] for item in build_nav(catalog, []) if "Events" in item)
    assert [next(iter(item)) for item in events] == ["Overview", "2012", "2011", "2010"]
    year_2012 = events[1]["2012"]
    assert all(len(item) == 1 for item in year_2012) and len(year_2012) == 4
