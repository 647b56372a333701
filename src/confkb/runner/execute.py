"""Running one planned scenario in its sandbox and turning what happened into results."""

from __future__ import annotations

import io
import queue
import secrets
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
import requests.exceptions

from confkb.results.model import Result, Status
from confkb.runner.driver import build_driver
from confkb.runner.images import ImageChoice, ImageResolver
from confkb.runner.markers import Event, MarkerSplitter
from confkb.runner.plan import IN_PROCESS, ScenarioPlan, Step
from confkb.runner.sandbox import RunIdentity, SandboxLimits, snippet_host_config
from confkb.runner.services import Pod, ServiceError
from confkb.runner.verdict import (
    failed_command,
    judge,
    key_line,
    make_result,
    now_iso,
    settle_writes,
)

__all__ = ["Resolved", "ScenarioContext", "failed_command", "key_line", "now_iso", "run_plan"]

# Starts bash when the image has it (state files and `set -e` behave as authors expect),
# the POSIX shell otherwise (busybox images, scratch-like tool images with /bin/sh).
_BOOT = 'if command -v bash >/dev/null 2>&1; then exec bash -c "$1"; fi; exec sh -c "$1"'
_BOOT_FILE = ('if command -v bash >/dev/null 2>&1; then exec bash /workspace/.confkb-driver.sh; fi; '
              'exec sh /workspace/.confkb-driver.sh')
@dataclass(frozen=True)
class Resolved:
    """A plan's images, resolved once (they are part of the cache key too).

    Attributes:
        container: The image the scenario's blocks run in (environment or ``image=``).
        label: ``<environment or image>@<image id>`` for results.
        step_images: Per step index, the images that step needs.
        dind: The environment image for the scenario's Docker daemon, if it needs one.
        registry: The environment image for its registry, if it needs one.
        problem: Why the scenario cannot run at all (an environment that will not build).
    """

    container: ImageChoice | None
    label: str
    step_images: dict[int, tuple[ImageChoice, ...]] = field(default_factory=dict)
    dind: ImageChoice | None = None
    registry: ImageChoice | None = None
    problem: str = ""


@dataclass
class ScenarioContext:
    """What a worker needs to run scenarios.

    Attributes:
        client: Docker SDK client.
        identity: The run (labels).
        limits: Sandbox limits.
        root: Knowledge-base root (for ``files=``).
        cancel: Set when the run is interrupted.
        lint: Lint findings per snippet id (filled by the run).
        resolver: Images by name (to explain images a scenario's daemon failed to pull).
    """

    client: docker.DockerClient
    identity: RunIdentity
    limits: SandboxLimits
    root: Path
    cancel: threading.Event = field(default_factory=threading.Event)
    lint: dict[str, tuple[str, ...]] = field(default_factory=dict)
    resolver: ImageResolver | None = None


def _result(step: Step, status: Status, reason: str = "", *, ctx: ScenarioContext, **fields) -> Result:
    return make_result(step, status, reason, lint=ctx.lint.get(step.snippet.id, ()), **fields)


def _files_archive(plan: ScenarioPlan, root: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for snippet, name in plan.copied_files:
            source = root / Path(snippet.path).parent / name
            tar.add(str(source), arcname=name)
    return buffer.getvalue()


class _Watch:
    """Collects marker events from the reading thread for the worker thread."""

    def __init__(self) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.begins: dict[int, float] = {}
        self.ends: dict[int, Event] = {}
        self.finished = False

    def put(self, event: Event) -> None:
        self.events.put(event)


def run_plan(plan: ScenarioPlan, resolved: Resolved, ctx: ScenarioContext) -> list[Result]:
    """Run a scenario; one result per snippet, in order."""
    results: dict[int, Result] = {}
    live: list[tuple[int, Step]] = []
    for index, step in enumerate(plan.steps):
        if step.action == "static" and step.status is Status.PASSED:
            # A pass carries no reason; what was checked goes into the output.
            results[index] = _result(step, Status.PASSED, ctx=ctx, environment=IN_PROCESS, output=step.reason)
        elif step.action == "static":
            results[index] = _result(step, step.status or Status.FAILED, step.reason, ctx=ctx)
        else:
            live.append((index, step))
    if not live:
        return [results[i] for i in range(len(plan.steps))]

    if resolved.problem:
        for index, step in live:
            results[index] = _result(step, Status.HARNESS_ERROR, resolved.problem, ctx=ctx)
        return [results[i] for i in range(len(plan.steps))]

    # Images that cannot be had: that block and every later one of the scenario do not run.
    runnable: list[tuple[int, Step]] = []
    missing: tuple[Step, str] | None = None
    container_missing = resolved.container is not None and not resolved.container.available
    for index, step in live:
        unavailable = [c for c in resolved.step_images.get(index, ()) if not c.available]
        if container_missing and resolved.container:
            unavailable.insert(0, resolved.container)
        if missing:
            results[index] = _result(step, Status.NOT_RUN, f"an earlier block of the scenario "
                                     f"({missing[0].snippet.id}) could not run: {missing[1]}", ctx=ctx)
        elif unavailable:
            missing = (step, unavailable[0].how)
            results[index] = _result(step, Status.NOT_RUN, unavailable[0].how, ctx=ctx)
        else:
            runnable.append((index, step))

    if runnable:
        results.update(_run_container(plan, resolved, runnable, ctx))
    settle_writes(plan, results)
    return [results[i] for i in range(len(plan.steps))]


def _run_container(plan: ScenarioPlan, resolved: Resolved, runnable: list[tuple[int, Step]],
                   ctx: ScenarioContext) -> dict[int, Result]:
    limits = ctx.limits
    token = secrets.token_hex(8)
    driver = build_driver(runnable, token, wait_registry="registry" in plan.needs,
                          wait_docker="docker" in plan.needs)
    env_label = resolved.label
    steps = dict(runnable)
    out: dict[int, Result] = {}
    watch = _Watch()
    splitter = MarkerSplitter(driver.marker, limits.output_cap, watch.put)
    timed_out: int | None = None
    state: dict = {}
    preamble_problem = ""
    try:
        with Pod(ctx.client, ctx.identity, plan.id, limits) as pod:
            needs_volume = "docker" in plan.needs or bool(plan.copied_files) or not driver.fits_inline
            if needs_volume:
                pod.create_workspace()
            if "network" in plan.needs:
                pod.create_network()
            if "registry" in plan.needs and resolved.registry and resolved.registry.local:
                pod.start_registry(resolved.registry.local)
            environment = {"HOME": "/root", "CONFKB": "1"}
            if "docker" in plan.needs and resolved.dind and resolved.dind.local:
                pod.start_dind(resolved.dind.local)
                preload = {c.requested: c for i, _ in runnable for c in resolved.step_images.get(i, ())
                           if c.available and c.requested in plan.preload}
                pod.preload(list(preload.values()))
                environment["DOCKER_HOST"] = "tcp://127.0.0.1:2375"
            assert resolved.container and resolved.container.local
            host_config = ctx.client.api.create_host_config(
                network_mode=pod.network_mode(), **snippet_host_config(limits, workspace_volume=pod.workspace)
            )
            command = ["sh", "-c", _BOOT, "confkb-driver", driver.script] if driver.fits_inline \
                else ["sh", "-c", _BOOT_FILE]
            container_id = ctx.client.api.create_container(
                resolved.container.local, command, host_config=host_config, environment=environment,
                labels=pod.labels("snippet"), working_dir="/workspace", entrypoint=[],
            )["Id"]
            pod.containers.append(ctx.client.containers.get(container_id))
            if not driver.fits_inline:
                _put(ctx, container_id, {".confkb-driver.sh": driver.script.encode()})
            if plan.copied_files:
                ctx.client.api.put_archive(container_id, "/workspace", _files_archive(plan, ctx.root))
            stream = ctx.client.api.attach(container_id, stdout=True, stderr=True, stream=True, logs=False)
            reader = threading.Thread(target=_read, args=(stream, splitter), daemon=True)
            ctx.client.api.start(container_id)
            reader.start()
            timed_out = _watch_steps(ctx, container_id, steps, watch)
            reader.join(timeout=30)
            try:
                ctx.client.api.wait(container_id, timeout=30)
                state = ctx.client.api.inspect_container(container_id)["State"]
            except (docker.errors.APIError, requests.exceptions.RequestException):
                state = {}
    except ServiceError as exc:
        preamble_problem = str(exc)
    except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
        preamble_problem = f"the container engine failed: {exc}"

    if preamble_problem:
        for index, step in runnable:
            status = Status.HARNESS_ERROR
            out[index] = _result(step, status, preamble_problem, ctx=ctx, environment=env_label)
        return out

    blocker: Result | None = None  # the first block that did not pass stops the scenario
    for index, step in runnable:
        end = watch.ends.get(index)
        output = splitter.output(index)
        began = watch.begins.get(index)
        duration = ((end.at if end else time.monotonic()) - began) if began is not None else 0.0
        common = dict(lint=ctx.lint.get(step.snippet.id, ()), environment=env_label, duration=duration,
                      output=output)
        if blocker is not None and began is None:
            result = _result(step, Status.NOT_RUN, f"an earlier block of the scenario "
                             f"({blocker.snippet_id}) {blocker.status.value}", ctx=ctx,
                             environment=env_label)
        elif end is not None:
            result = judge(step, end, output, limits, common, plan, ctx.resolver)
        elif began is not None and timed_out == index:
            result = make_result(step, Status.TIMED_OUT, f"did not finish within "
                                 f"{step.snippet.directives.timeout} s; the container was killed", **common)
        elif ctx.cancel.is_set():
            result = make_result(step, Status.HARNESS_ERROR, "interrupted", **common)
        elif began is not None and state.get("OOMKilled"):
            result = make_result(step, Status.FAILED, f"killed: out of memory (limit {limits.memory})", **common)
        elif began is not None:
            result = make_result(step, Status.FAILED, "the container stopped during this block "
                                 f"(exit code {state.get('ExitCode', '?')}): {key_line(output)}", **common)
        else:
            pre = key_line(splitter.preamble.text())
            result = _result(step, Status.HARNESS_ERROR,
                             f"the scenario's container stopped before this block{': ' + pre if pre else ''}",
                             ctx=ctx, environment=env_label, output=splitter.preamble.text())
        if blocker is None and result.status is not Status.PASSED:
            blocker = result
        out[index] = result
    return out


def _read(stream, splitter: MarkerSplitter) -> None:
    try:
        for chunk in stream:
            splitter.feed(chunk)
    except (requests.exceptions.RequestException, OSError, docker.errors.DockerException):
        pass  # the container was killed or removed: what was read stands
    finally:
        splitter.close()


def _watch_steps(ctx: ScenarioContext, container_id: str, steps: dict[int, Step], watch: _Watch) -> int | None:
    """Follow the driver's events, killing the container when a block overruns or on cancel.

    Returns:
        The index of the block that timed out, if one did.
    """
    current: int | None = None
    deadline: float | None = None
    killed_for: int | None = None
    # Services waits and driver overhead included; only a stuck stream ever reaches this.
    hard_deadline = time.monotonic() + sum(s.snippet.directives.timeout for s in steps.values()) + 300
    while True:
        if time.monotonic() > hard_deadline and killed_for is None:
            deadline = time.monotonic()
        wait = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
        try:
            event = watch.events.get(timeout=wait)
        except queue.Empty:
            event = None
        if event is not None:
            if event.kind == "begin" and event.index is not None:
                watch.begins[event.index] = event.at
                current = event.index
                deadline = event.at + steps[event.index].snippet.directives.timeout
            elif event.kind == "end" and event.index is not None:
                watch.ends[event.index] = event
                current, deadline = None, None
            elif event.kind == "eof":
                return killed_for
        now = time.monotonic()
        if killed_for is None and (ctx.cancel.is_set() or (deadline is not None and now >= deadline)):
            killed_for = current if not ctx.cancel.is_set() else None
            deadline = None
            try:
                ctx.client.api.kill(container_id)
            except (docker.errors.APIError, requests.exceptions.RequestException):
                pass  # already gone
            if ctx.cancel.is_set():
                return None


def _put(ctx: ScenarioContext, container_id: str, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))
    ctx.client.api.put_archive(container_id, "/workspace", buffer.getvalue())
