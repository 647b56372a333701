"""The ``confkb snippets`` commands: thin, and wired to the library."""

from __future__ import annotations

import json

from confkb.cli import main
from confkb.reports.json_report import read_results, write_results

from .helpers import sample_summary


def test_list_json_names_every_block(minimal_kb, capsys):
    """``snippets list --json`` gives id, location, language, hash, tools and directives of each block."""
    assert main(["--root", str(minimal_kb), "snippets", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"id", "path", "line", "language", "hash", "tools", "directives"} <= set(rows[0])
    assert all(len(row["hash"]) == 16 for row in rows)


def test_list_table(minimal_kb, capsys):
    """The plain listing has one tab-separated line per block with path:line."""
    assert main(["--root", str(minimal_kb), "snippets", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(":" in line.split("\t")[1] for line in lines)


def test_merge_writes_one_results_file(tmp_path, capsys):
    """``snippets merge`` joins shard files and exits non-zero when something failed."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    summary = sample_summary()
    write_results(summary, a)
    write_results(summary, b)
    out = tmp_path / "merged.json"
    junit = tmp_path / "junit.xml"
    assert main(["--root", str(tmp_path), "snippets", "merge", str(a), str(b), "--results", str(out),
                 "--junit", str(junit)]) == 1
    assert len(read_results(out).results) == 6 and junit.is_file()
    assert "6 snippets" in capsys.readouterr().out


def test_bad_shard_is_a_usage_error(tmp_path, capsys):
    """A malformed --shard stops before anything runs."""
    assert main(["--root", str(tmp_path), "snippets", "test", "--shard", "3/2"]) == 2
    assert "shard" in capsys.readouterr().err
