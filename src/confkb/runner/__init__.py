"""The snippet runner: every snippet smoke-tested in a real container.

Modules, in the order a run uses them: :mod:`~confkb.runner.settings` (what to do),
:mod:`~confkb.runner.plan` (what happens to each block), :mod:`~confkb.runner.engine`
(which engine), :mod:`~confkb.runner.cleanup` (sweeping leftovers),
:mod:`~confkb.runner.environments` and :mod:`~confkb.runner.images` (images),
:mod:`~confkb.runner.cache`, :mod:`~confkb.runner.services` and
:mod:`~confkb.runner.sandbox` (the containers), :mod:`~confkb.runner.driver` and
:mod:`~confkb.runner.markers` (running blocks in order), :mod:`~confkb.runner.execute`
and :mod:`~confkb.runner.verdict` (results), :mod:`~confkb.runner.lint` (shellcheck),
:mod:`~confkb.runner.shard` (splitting a run), :mod:`~confkb.runner.run` (the whole run).
"""

from __future__ import annotations

from confkb.runner.run import run_snippets, select_scenarios
from confkb.runner.settings import RunnerSettings, resolve_settings

__all__ = ["RunnerSettings", "resolve_settings", "run_snippets", "select_scenarios"]
