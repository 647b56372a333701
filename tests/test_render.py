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
