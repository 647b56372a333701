"""Benchmark of the snippet runner (not a test): prints figures, asserts nothing.

1. Per-snippet overhead: the same commands run by the runner (one single-block scenario
   each, cache off, one worker) and by a bare ``docker run --rm`` of the same image
   (Debian's docker CLI, sequentially). Goal: ratio <= 1.15.
2. Throughput with 1 and 2 workers (snippets per second).
3. A fully cached re-run of 1,000 synthetic snippets (250 scenarios of 4 blocks), from
   reading the Markdown to the summary. Goal: < 2 s. The first, uncached run that fills
   the cache is timed too.

Usage::

    eval "$(scripts/engine-up)"
    .venv/bin/python benchmarks/runner_overhead.py [--snippets 20] [--synthetic 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from confkb.runner import resolve_settings, run_snippets
from confkb.runner.engine import connect
from confkb.runner.environments import Environments
from confkb.snippets.extract import snippets_from_markdown

REPO = Path(__file__).resolve().parents[1]
COMMAND = "echo benchmark {i} && ls / >/dev/null && uname -r >/dev/null"


def _markdown(count: int, per_scenario: int = 1, offset: int = 0) -> str:
    blocks = []
    for i in range(count):
        scenario = f" scenario=s{(i + offset) // per_scenario}" if per_scenario > 1 else ""
        blocks.append(f"<!-- snippet: id=b{i + offset}{scenario} -->\n```bash\n{COMMAND.format(i=i + offset)}\n```\n")
    return "\n".join(blocks)


def _run(root: Path, text: str, name: str, jobs: int, no_cache: bool) -> tuple[float, int]:
    path = root / name
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    snippets, problems = snippets_from_markdown(path.read_text(encoding="utf-8"), name, Path(name).stem)
    assert not problems, problems
    settings = resolve_settings(root, jobs=jobs, envs_dir=REPO / "envs", no_cache=no_cache)
    summary = run_snippets(snippets, settings)
    elapsed = time.perf_counter() - started
    bad = [r for r in summary.results if r.status.value != "passed"]
    assert not bad, bad[:3]
    return elapsed, len(summary.results)


def _bare(image: str, count: int, engine_url: str) -> float:
    docker = "/usr/bin/docker" if Path("/usr/bin/docker").exists() else shutil.which("docker")
    env = {**os.environ, "DOCKER_HOST": engine_url}
    started = time.perf_counter()
    for i in range(count):
        subprocess.run([docker, "run", "--rm", "--network", "none", image, "bash", "-c", COMMAND.format(i=i)],
                       check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snippets", type=int, default=20, help="snippets for overhead and throughput")
    parser.add_argument("--synthetic", type=int, default=1000, help="snippets for the cached re-run")
    args = parser.parse_args()

    engine = connect()
    print(f"engine: {engine.describe()}")
    with tempfile.TemporaryDirectory(prefix="confkb-bench-") as tmp:
        root = Path(tmp)
        image, _ = Environments(engine.client, REPO / "envs", root / ".confkb").ensure("shell")
        _run(root, _markdown(2, offset=10_000), "warmup.md", 1, True)
        _bare(image, 2, engine.url)

        n = args.snippets
        bare = _bare(image, n, engine.url)
        runner, _ = _run(root, _markdown(n), "overhead.md", 1, True)
        print(f"\n1. per-snippet time, {n} snippets, one at a time")
        print(f"   bare docker run --rm : {bare / n * 1000:7.1f} ms")
        print(f"   confkb runner        : {runner / n * 1000:7.1f} ms")
        print(f"   ratio                : {runner / bare:7.2f}   (goal <= 1.15)")

        print(f"\n2. throughput, {2 * n} snippets")
        for jobs in (1, 2):
            elapsed, count = _run(root, _markdown(2 * n, offset=jobs * 1000), f"throughput{jobs}.md", jobs, True)
            print(f"   {jobs} worker{'s' if jobs > 1 else ' '}: {count / elapsed:5.2f} snippets/s ({elapsed:.1f} s)")

        m = args.synthetic
        text = _markdown(m, per_scenario=4, offset=100_000)
        first, count = _run(root, text, "synthetic.md", 2, False)
        again, count = _run(root, text, "synthetic.md", 2, False)
        print(f"\n3. {count} synthetic snippets in {count // 4} scenarios of 4 blocks, 2 workers")
        print(f"   first run (fills the cache): {first:6.1f} s")
        print(f"   fully cached re-run         : {again:6.2f} s   (goal < 2 s)")
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
