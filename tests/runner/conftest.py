"""Fixtures for runner tests: a real engine (or a skip, or a failure in CI) and a helper
that runs Markdown snippets through the whole runner."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from confkb.results.model import Result, RunSummary
from confkb.runner import resolve_settings, run_snippets
from confkb.runner.engine import Engine, EngineUnavailable, connect
from confkb.runner.settings import RunnerSettings
from confkb.snippets.extract import snippets_from_markdown

REPO = Path(__file__).resolve().parents[2]
ENVS = REPO / "envs"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """A connected engine. Without one: skip, unless CONFKB_REQUIRE_ENGINE=1 (CI): fail."""
    try:
        found = connect()
    except EngineUnavailable as exc:
        if os.environ.get("CONFKB_REQUIRE_ENGINE") == "1":
            pytest.fail(f"CONFKB_REQUIRE_ENGINE=1 but {exc}")
        pytest.skip(f"no container engine: {exc}")
    yield found
    found.close()


@dataclass
class Run:
    """The outcome of running one Markdown text."""

    summary: RunSummary
    root: Path

    @property
    def by_id(self) -> dict[str, Result]:
        """Results by snippet id."""
        return {r.snippet_id: r for r in self.summary.results}

    def __getitem__(self, snippet_id: str) -> Result:
        return self.by_id[snippet_id]


class Runner:
    """Runs Markdown snippets through the real runner, in a knowledge-base folder of its own."""

    def __init__(self, root: Path, engine: Engine) -> None:
        self.root = root
        self.engine = engine
        self.root.mkdir(parents=True, exist_ok=True)

    def settings(self, **overrides) -> RunnerSettings:
        """Settings for this folder: the repository's environments, a private cache."""
        overrides.setdefault("envs_dir", ENVS)
        overrides.setdefault("cache_dir", self.root / ".confkb" / "cache")
        overrides.setdefault("engine", self.engine.url)
        return resolve_settings(self.root, **overrides)

    def run(self, markdown: str, name: str = "sample.md", *, settings: RunnerSettings | None = None,
            files: dict[str, str] | None = None, **kwargs) -> Run:
        """Write ``markdown`` (dedented) to ``name`` and run its snippets."""
        for rel, text in (files or {}).items():
            (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.root / rel).write_text(text, encoding="utf-8")
        path = self.root / name
        path.write_text(textwrap.dedent(markdown).lstrip(), encoding="utf-8")
        # files= are looked up beside the source: give the extractor a path it can resolve.
        source = str(path) if files else name
        snippets, problems = snippets_from_markdown(path.read_text(encoding="utf-8"), source, Path(name).stem)
        assert not problems, problems
        summary = run_snippets(snippets, settings or self.settings(no_cache=True), **kwargs)
        return Run(summary, self.root)


@pytest.fixture
def runner(tmp_path: Path, engine: Engine) -> Runner:
    """A runner over a fresh knowledge-base folder."""
    return Runner(tmp_path / "kb", engine)


def leftovers(engine: Engine, run_label: str | None = None) -> list[str]:
    """Names of confkb containers, networks and volumes still present (optionally of one run)."""
    labels = ["confkb.owner=confkb"] + ([f"confkb.run={run_label}"] if run_label else [])
    client = engine.client
    names = [c.name for c in client.containers.list(all=True, filters={"label": labels})]
    names += [n.name for n in client.networks.list(filters={"label": labels})]
    names += [v.name for v in client.volumes.list(filters={"label": labels})]
    return names
