"""Building snippets and results by hand, for tests that need no knowledge base."""

from __future__ import annotations

from confkb.results.model import Result, RunSummary, Status
from confkb.snippets.model import RUNNABLE_LANGUAGES, Directives, Scenario, Snippet


def snippet(code: str = "echo hi", *, id: str = "s-1", language: str = "bash", path: str = "talks/e/t.md",
            line: int = 10, **directives) -> Snippet:
    """A snippet with the given directives (keyword names as in :class:`Directives`)."""
    return Snippet(
        id=id, path=path, line=line, language=language,
        kind=RUNNABLE_LANGUAGES.get(language, language), code=code,
        hash=f"{abs(hash((code, language, tuple(sorted(directives.items()))))):016x}"[:16],
        directives=Directives(**directives), tools=(), owner="e/t",
    )


def scenario(*snippets: Snippet, id: str = "sc") -> Scenario:
    """A scenario of the given snippets."""
    return Scenario(id=id, snippets=tuple(snippets))


def sample_summary() -> RunSummary:
    """A fixed run with one result of every status (for golden files)."""
    def r(snippet_id, status, reason="", **kw):
        base = dict(snippet_id=snippet_id, path="talks/conf-2019/talk.md", line=kw.pop("line", 10),
                    hash="0123456789abcdef", status=status, reason=reason,
                    finished_at="2026-11-28T10:00:05Z")
        base.update(kw)
        return Result(**base)

    results = (
        r("build", Status.PASSED, exit_code=0, duration=2.5, output="built\n",
          environment="docker@sha256:aaaaaaaaaaaa", lint=("13: SC2086 (info): Double quote to prevent globbing and word splitting.",),
          tools=("buildkit",), line=12),
        r("push", Status.FAILED, "exit code 1, expected 0: denied <access> & \"quoted\"", exit_code=1,
          duration=1.25, output="denied\x1b[0m\n", environment="docker@sha256:aaaaaaaaaaaa", line=20),
        r("loop", Status.TIMED_OUT, "did not finish within 5 s; the container was killed", duration=5.0,
          environment="shell@sha256:bbbbbbbbbbbb", line=30),
        r("trivy", Status.NOT_RUN, "image aquasec/trivy:0.56.2 is not available here: no registry reachable",
          line=40, cached=True),
        r("shot", Status.SKIPPED, "text block", line=50, path="talks/conf-2019/other.md"),
        r("engine", Status.HARNESS_ERROR, "the scenario's Docker daemon did not start", line=60,
          path="talks/conf-2019/other.md"),
    )
    return RunSummary(results=results, started_at="2026-11-28T10:00:00Z", finished_at="2026-11-28T10:00:09Z",
                      engine="docker 20.10.24 at unix:///run/confkb-docker.sock", runner_version="1", shard="1/2")
