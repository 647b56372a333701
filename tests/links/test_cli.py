"""``confkb links`` and ``scripts/check-links``: arguments in, reports and exit status out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from confkb.cli.links import main

from .conftest import Reply, write_site

REPO = Path(__file__).resolve().parents[2]


def test_offline_run_on_the_sample(kb, tmp_path, capsys):
    """Broken internal links: exit 1, findings at source lines, reports written."""
    out = tmp_path / "reports"
    code = main(
        [
            "--root",
            str(kb),
            "--offline",
            "-q",
            "--json",
            str(out / "links.json"),
            "--junit",
            str(out / "links.xml"),
        ]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "docs/authoring.md:7: failed: #front-mater" in printed
    data = json.loads((out / "links.json").read_text())
    assert data["offline"] is True and data["requests"] == 0
    assert (out / "links.xml").read_text().startswith("<?xml")


def test_passing_run_exits_zero(tmp_path, serve, capsys):
    """Every link fine: exit 0 and a one-line verdict."""
    server = serve(lambda m, p, n: Reply(200))
    site = write_site(
        tmp_path / "site",
        {
            "index.html": f'<a href="{server.url("/a")}">a</a><a href="sub/">sub</a>',
            "sub/index.html": "",
        },
    )
    code = main(["--root", str(tmp_path), "--no-cache", str(site)])
    assert code == 0
    assert capsys.readouterr().out.strip().endswith("links OK")


def test_settings_from_confkb_yml_and_flags(tmp_path, serve, capsys):
    """confkb.yml's ignore list applies, and --ignore adds to it."""
    server = serve(lambda m, p, n: Reply(404))
    site = write_site(
        tmp_path / "site",
        {"index.html": f'<a href="{server.url("/one")}">1</a><a href="{server.url("/two")}">2</a>'},
    )
    (tmp_path / "confkb.yml").write_text("links:\n  ignore: ['/one$']\n  cache: false\n")
    assert main(["--root", str(tmp_path), str(site)]) == 1
    assert main(["--root", str(tmp_path), "--ignore", "/two$", str(site)]) == 0
    assert server.count("/one") == 0


def test_bad_settings_exit_2(tmp_path, capsys):
    """A bad confkb.yml is reported at its line, exit 2, no traceback."""
    write_site(tmp_path / "site", {"index.html": ""})
    (tmp_path / "confkb.yml").write_text("links:\n  retries: -1\n")
    assert main(["--root", str(tmp_path)]) == 2
    assert "confkb.yml:2: links.retries: must be at least 0" in capsys.readouterr().err


def test_missing_site_exit_2(tmp_path, capsys):
    """No built site: exit 2 and a hint."""
    assert main(["--root", str(tmp_path)]) == 2
    assert "no built site" in capsys.readouterr().err


def test_registered_as_a_confkb_subcommand(kb):
    """The main ``confkb`` command has the ``links`` subcommand with --root before it."""
    from confkb.cli import build_parser

    args = build_parser().parse_args(["--root", str(kb), "links", "--offline"])
    assert args.func(args) == 1


def test_check_links_script(kb, tmp_path):
    """scripts/check-links passes arguments through and leaves JSON and JUnit reports."""
    reports = tmp_path / "reports"
    env = {
        **os.environ,
        "CONFKB_ROOT": str(kb),
        "CONFKB_REPORTS": str(reports),
        "CONFKB": str(Path(sys.executable).parent / "confkb"),
    }
    proc = subprocess.run(
        [str(REPO / "scripts" / "check-links"), "--offline", "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "talks/containerconf-2019/the-container-universe.md:20: failed" in proc.stdout
    assert (reports / "links.json").is_file()
    assert (reports / "links.junit.xml").is_file()
