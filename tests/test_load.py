"""Loading and validation: the valid sample loads; every bad-input sample reports at path:line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from confkb.cli import main
from confkb.content import load_content
from confkb.problems import ContentError
from tests.conftest import SAMPLES, overlay

BAD_CASES = sorted(p.name for p in (SAMPLES / "bad").iterdir() if p.is_dir())


def test_minimal_kb_loads(minimal_kb: Path) -> None:
    """The sample loads with events, talks, resolved speakers, tools and snippets."""
    content = load_content(minimal_kb)
    kb = content.kb
    assert [e.id for e in kb.events] == ["demo-conf-2024"]
    assert kb.events[0].start == dt.date(2024, 5, 2)
    talks = {t.slug: t for t in kb.talks}
    assert set(talks) == {"scanning-images", "container-tests"}
    # A string entry refers to a speaker defined in another talk.
    assert [s.name for s in talks["container-tests"].speakers] == ["Ada Example", "Bernd Beispiel"]
    assert talks["container-tests"].speakers[0].affiliation == "Example Corp"
    assert {t.id for t in kb.tools} == {"trivy", "kaniko", "buildah"}
    kaniko = next(t for t in kb.tools if t.id == "kaniko")
    assert kaniko.status.is_retired and kaniko.status.since == dt.date(2025, 6, 3)
    ids = [s.id for s in content.snippets]
    assert ids == ["trivy-scan", "demo-conf-2024.scanning-images-2", "demo-conf-2024.container-tests-1",
                   "trivy-version"]
    console = content.snippets[1]
    assert console.code == "echo hello" and console.kind == "shell"
    assert content.snippets[0].line == 21 and content.snippets[0].tools == ("trivy",)


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_reported_at_path_and_line(case: str, minimal_kb: Path) -> None:
    """Each sample of bad input gives exactly the expected path:line: field: message lines."""
    folder = SAMPLES / "bad" / case
    overlay(minimal_kb, folder)
    with pytest.raises(ContentError) as info:
        load_content(minimal_kb)
    report = info.value.report()
    for expected in (folder / "expected.txt").read_text(encoding="utf-8").splitlines():
        assert expected in report, f"{expected!r} not in:\n{report}"


def test_all_problems_are_reported_at_once(minimal_kb: Path) -> None:
    """Several broken files in one knowledge base: every problem in one run."""
    for case in BAD_CASES:
        if case not in {"duplicate-slug", "duplicate-tool"}:
            overlay(minimal_kb, SAMPLES / "bad" / case)
    with pytest.raises(ContentError) as info:
        load_content(minimal_kb)
    paths = {p.path for p in info.value.problems}
    assert len(paths) >= 14


def test_validate_command_exits_1_and_lists_problems(minimal_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``confkb validate`` prints path:line problems, a count, and no traceback."""
    overlay(minimal_kb, SAMPLES / "bad" / "unknown-tool")
    overlay(minimal_kb, SAMPLES / "bad" / "unclosed-fence")
    code = main(["--root", str(minimal_kb), "validate"])
    err = capsys.readouterr().err
    assert code == 1
    assert "talks/demo-conf-2024/tools.md:6: tools.1: unknown tool 'trivvy'" in err
    assert "talks/demo-conf-2024/open.md:10: fence: code block opened here is never closed" in err
    assert "2 problems found" in err
    assert "Traceback" not in err


def test_validate_command_ok(minimal_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid knowledge base validates with a summary line."""
    assert main(["--root", str(minimal_kb), "validate"]) == 0
    assert "2 talks" in capsys.readouterr().out


def test_new_talk_scaffold_validates(minimal_kb: Path) -> None:
    """``confkb new talk`` writes a file that passes validation and refuses to overwrite it."""
    args = ["--root", str(minimal_kb), "new", "talk", "--event", "demo-conf-2024",
            "--title", "Rootless Builds", "--speaker", "Cem Muster", "--affiliation", "ACME"]
    assert main(args) == 0
    created = minimal_kb / "talks/demo-conf-2024/rootless-builds.md"
    assert created.is_file()
    content = load_content(minimal_kb)
    talk = next(t for t in content.kb.talks if t.slug == "rootless-builds")
    assert talk.speakers[0].affiliation == "ACME" and talk.date == dt.date(2024, 5, 2)
    assert main(args) == 1
