"""A whole run: select, plan, resolve, take from the cache or run in parallel, summarise."""

from __future__ import annotations

import fnmatch
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

from confkb.reports.json_report import count_statuses
from confkb.reports.terminal import Progress
from confkb.results.model import Result, RunSummary, Status
from confkb.runner.cache import RUNNER_VERSION, ResultCache, scenario_key
from confkb.runner.cleanup import remove_run, sweep_abandoned
from confkb.runner.engine import Engine, EngineUnavailable, connect
from confkb.runner.environments import Environments, EnvironmentUnavailable
from confkb.runner.execute import Resolved, ScenarioContext, now_iso, run_plan
from confkb.runner.images import ImageChoice, ImageResolver
from confkb.runner.lint import Linter, shellcheck_available
from confkb.runner.plan import ScenarioPlan, plan_scenario
from confkb.runner.sandbox import RunIdentity
from confkb.runner.settings import RunnerSettings
from confkb.runner.shard import select_shard
from confkb.snippets.extract import group_scenarios
from confkb.snippets.model import Scenario, Snippet


def _matches(pattern: str, scenario: Scenario) -> bool:
    names = [scenario.id]
    for s in scenario.snippets:
        names += [s.id, s.path, s.location]
    for part in (p.strip() for p in pattern.split(",") if p.strip()):
        if any(ch in part for ch in "*?["):
            if any(fnmatch.fnmatchcase(n, part) for n in names):
                return True
        elif any(part in n for n in names):
            return True
    return False


def select_scenarios(snippets: list[Snippet], only: str | None = None,
                     shard: tuple[int, int] | None = None) -> list[Scenario]:
    """The scenarios to run: grouped, filtered by ``--only``, then cut to one shard.

    ``--only`` takes comma-separated patterns matched against snippet ids, scenario ids,
    paths and ``path:line`` (globs with ``*``, else substrings). A scenario is kept whole
    when any of its snippets matches: its blocks depend on each other.
    """
    scenarios = group_scenarios(snippets)
    if only:
        scenarios = [s for s in scenarios if _matches(only, s)]
    if shard:
        scenarios = select_shard(scenarios, *shard)
    return scenarios


def _short(image_id: str | None) -> str:
    return (image_id or "?")[:19]


def resolve_plan(plan: ScenarioPlan, environments: Environments, resolver: ImageResolver) -> Resolved:
    """Build (if needed) and look up every image a planned scenario uses."""
    try:
        if plan.image:
            container = resolver.resolve(plan.image)
            label = f"{plan.image}@{_short(container.image_id)}"
        else:
            env = plan.env or "shell"
            ref, image_id = environments.ensure(env)
            container = ImageChoice(env, ref, image_id, "environment")
            label = f"{env}@{_short(image_id)}"
        dind = registry = None
        if "docker" in plan.needs:
            ref, image_id = environments.ensure("docker")
            dind = ImageChoice("docker", ref, image_id, "environment")
        if "registry" in plan.needs:
            ref, image_id = environments.ensure("registry")
            registry = ImageChoice("registry", ref, image_id, "environment")
        step_images = {
            i: tuple(resolver.resolve(name) for name in step.images if name != plan.image)
            for i, step in enumerate(plan.steps) if step.action != "static"
        }
    except EnvironmentUnavailable as exc:
        return Resolved(None, "", problem=f"environment could not be built: {exc}")
    return Resolved(container, label, step_images, dind, registry)


@contextmanager
def _interruptible() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt (like SIGINT) while a run is in progress."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _harness_results(plan: ScenarioPlan, reason: str, ctx_lint: dict[str, tuple[str, ...]]) -> list[Result]:
    results = []
    for step in plan.steps:
        s = step.snippet
        if step.action == "static":
            status, why = step.status or Status.FAILED, step.reason
        else:
            status, why = Status.HARNESS_ERROR, reason
        results.append(Result(s.id, s.path, s.line, s.hash, status, why, finished_at=now_iso(),
                              lint=ctx_lint.get(s.id, ()), tools=s.tools))
    return results


def run_snippets(
    snippets: list[Snippet],
    settings: RunnerSettings,
    *,
    only: str | None = None,
    shard: tuple[int, int] | None = None,
    progress: Progress | None = None,
    connect_engine: Callable[..., Engine] = connect,
) -> RunSummary:
    """Run snippets and return the run summary (the caller writes reports).

    Args:
        snippets: Every snippet of the knowledge base (or of sample files).
        settings: Resolved settings.
        only: ``--only`` patterns.
        shard: ``(i, n)`` to run only shard i of n.
        progress: Where to report progress (nothing is printed without one).
        connect_engine: How to reach the engine (tests substitute it).

    Raises:
        KeyboardInterrupt: On Ctrl-C or SIGTERM, after removing this run's containers.
    """
    started = now_iso()
    scenarios = select_scenarios(snippets, only, shard)
    plans = [plan_scenario(s) for s in scenarios]
    total = sum(len(p.steps) for p in plans)
    progress = progress or Progress(total, tty=False, stream=_Null())
    progress.total = total
    order = {s.id: i for i, s in enumerate(snippets)}
    linter = Linter(settings.cache_dir / "lint")
    lint: dict[str, tuple[str, ...]] = {}  # filled per scenario, only for those that run
    if any(s.snippet.kind == "shell" for p in plans for s in p.steps) and not shellcheck_available():
        progress.message("shellcheck is not installed: shell blocks are not linted")
    collected: list[Result] = []

    def finish(results: list[Result]) -> None:
        for result in results:
            collected.append(result)
            progress.finished(result)

    engine: Engine | None = None
    engine_text = ""
    container_plans = [p for p in plans if p.needs_container]
    for plan in plans:
        if not plan.needs_container:
            _lint_plan(plan, linter, lint)
            finish(run_plan(plan, Resolved(None, ""), _offline_context(settings, lint)))
    if container_plans:
        try:
            engine = connect_engine(settings.engine, None, settings.engine_config,
                                    pool_size=4 * settings.jobs + 8)
            engine_text = engine.describe()
        except EngineUnavailable as exc:
            for plan in container_plans:
                _lint_plan(plan, linter, lint)
                finish(_harness_results(plan, str(exc), lint))
            container_plans = []
    if engine is not None and container_plans:
        try:
            _run_with_engine(engine, container_plans, settings, linter, lint, progress, finish)
        finally:
            engine.close()
    collected.sort(key=lambda r: order.get(r.snippet_id, len(order)))
    return RunSummary(
        results=tuple(collected), started_at=started, finished_at=now_iso(), engine=engine_text,
        runner_version=RUNNER_VERSION, shard=f"{shard[0]}/{shard[1]}" if shard else "",
        counts=count_statuses(collected),
    )


class _Null:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _lint_plan(plan: ScenarioPlan, linter: Linter, lint: dict[str, tuple[str, ...]]) -> None:
    for step in plan.steps:
        if step.snippet.kind == "shell":
            lint[step.snippet.id] = linter.lint(step.snippet)


def _lint_and_run(plan: ScenarioPlan, resolved: Resolved, ctx: ScenarioContext, linter: Linter) -> list[Result]:
    _lint_plan(plan, linter, ctx.lint)
    return run_plan(plan, resolved, ctx)


def _offline_context(settings: RunnerSettings, lint: dict[str, tuple[str, ...]]) -> ScenarioContext:
    return ScenarioContext(client=None, identity=RunIdentity.current(), limits=settings.limits,  # type: ignore[arg-type]
                           root=settings.root, lint=lint)


def _run_with_engine(engine: Engine, plans: list[ScenarioPlan], settings: RunnerSettings,
                     linter: Linter, lint: dict[str, tuple[str, ...]], progress: Progress,
                     finish: Callable[[list[Result]], None]) -> None:
    identity = RunIdentity.current()
    ctx = ScenarioContext(engine.client, identity, settings.limits, settings.root, lint=lint)
    for line in sweep_abandoned(engine.client, identity):
        progress.message(f"swept leftovers of a killed run: {line}")
    environments = Environments(engine.client, settings.envs_dir, settings.cache_dir.parent, say=progress.message)
    failures = settings.cache_dir / "pull-failures.json"
    if not settings.use_cache:
        failures.unlink(missing_ok=True)  # --no-cache: try every pull again
    resolver = ImageResolver(engine.client, settings.image_map, environments.ensure, settings.allow_pull,
                             failures_file=failures)
    ctx.resolver = resolver
    cache = ResultCache(settings.cache_dir, read=settings.use_cache)
    pending: list[tuple[ScenarioPlan, Resolved, str]] = []
    with _interruptible():
        try:
            for plan in plans:
                resolved = resolve_plan(plan, environments, resolver)
                key = scenario_key(plan, resolved, settings.limits, settings.root)
                cached = cache.get(key, plan)
                if cached is not None:
                    finish(cached)
                else:
                    pending.append((plan, resolved, key))
            environments.prune_replaced()
            pending.sort(key=lambda item: -item[0].weight)  # slowest first: shorter makespan
            with ThreadPoolExecutor(max_workers=settings.jobs, thread_name_prefix="confkb") as pool:
                futures: dict[Future, tuple[ScenarioPlan, str]] = {
                    pool.submit(_lint_and_run, plan, resolved, ctx, linter): (plan, key)
                    for plan, resolved, key in pending
                }
                try:
                    remaining = set(futures)
                    while remaining:
                        done, remaining = wait(remaining, timeout=0.5, return_when=FIRST_COMPLETED)
                        for future in done:
                            plan, key = futures[future]
                            try:
                                results = future.result()
                            except Exception as exc:  # a bug or engine failure: never a pass
                                results = _harness_results(plan, f"runner error: {exc!r}", lint)
                            else:
                                cache.put(key, results)
                            finish(results)
                except BaseException:
                    ctx.cancel.set()
                    for future in futures:
                        future.cancel()
                    remove_run(engine.client, identity.run_id)
                    raise
        finally:
            problems = remove_run(engine.client, identity.run_id)
            for problem in problems:
                progress.message(f"could not remove {problem}")
