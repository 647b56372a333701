"""A content-addressed cache of scenario results, so unchanged snippets are not run again.

The key of a scenario covers everything its results depend on: each block's content hash
and parsed directives (in order), the files it copies in, the image id of the environment
it runs in and of every image it uses (or the reason one is missing), the sandbox limits,
and :data:`RUNNER_VERSION`. Change any of them and the scenario runs again.

Entries live in ``.confkb/cache/<2 hex>/<key>.json``. Only conclusive results are stored:
a scenario with a harness error or a timeout (which may be the machine's fault) runs
again next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from confkb.reports.json_report import result_from_dict, result_to_dict
from confkb.results.model import Result, Status
from confkb.runner.execute import Resolved
from confkb.runner.plan import ScenarioPlan
from confkb.runner.sandbox import SandboxLimits

# Bump when the runner's behaviour changes in a way that changes results.
RUNNER_VERSION = "1"

_INCONCLUSIVE = {Status.HARNESS_ERROR, Status.TIMED_OUT}


def _choice_key(choice) -> str:
    if choice is None:
        return "-"
    return f"{choice.requested}={choice.image_id or 'missing:' + choice.how}"


def scenario_key(plan: ScenarioPlan, resolved: Resolved, limits: SandboxLimits, root: Path) -> str:
    """The cache key of a planned, resolved scenario (hex sha256)."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(str(part).encode() + b"\0")

    add("runner", RUNNER_VERSION, limits.key(), plan.id, plan.env, plan.image, sorted(plan.needs))
    for index, step in enumerate(plan.steps):
        s = step.snippet
        add("step", index, s.id, s.kind, s.language, s.hash, repr(s.directives), step.action,
            step.status, step.reason)
        add(hashlib.sha256(s.code.encode()).hexdigest())
        for choice in resolved.step_images.get(index, ()):
            add(_choice_key(choice))
    for snippet, name in plan.copied_files:
        source = root / Path(snippet.path).parent / name
        data = source.read_bytes() if source.is_file() else b"<missing>"
        add("file", name, hashlib.sha256(data).hexdigest())
    add("container", _choice_key(resolved.container), "dind", _choice_key(resolved.dind),
        "registry", _choice_key(resolved.registry), resolved.problem)
    return digest.hexdigest()


class ResultCache:
    """Scenario results on disk, by key.

    Args:
        directory: The cache folder (``.confkb/cache``).
        read: Use cached results (``--no-cache`` turns this off; results are still written).
    """

    def __init__(self, directory: Path, read: bool = True) -> None:
        self.directory = Path(directory)
        self.read = read

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, plan: ScenarioPlan) -> list[Result] | None:
        """Cached results of a scenario, marked ``cached``, or None.

        Path, line and tools are taken from the current snippets: moving a block within
        its file does not change what it does.
        """
        if not self.read:
            return None
        try:
            entries = json.loads(self._path(key).read_text(encoding="utf-8"))
            cached = [result_from_dict(e) for e in entries]
        except (OSError, ValueError):
            return None
        if len(cached) != len(plan.steps):
            return None
        results = []
        for step, result in zip(plan.steps, cached):
            s = step.snippet
            if result.snippet_id != s.id:
                return None
            results.append(replace(result, path=s.path, line=s.line, hash=s.hash, tools=s.tools, cached=True))
        return results

    def put(self, key: str, results: list[Result]) -> bool:
        """Store a scenario's results unless they are inconclusive; True when stored."""
        if any(r.status in _INCONCLUSIVE for r in results):
            return False
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump([result_to_dict(replace(r, cached=False)) for r in results], handle)
        os.replace(tmp, path)
        return True
