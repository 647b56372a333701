"""Planning: what happens to each block of a scenario, decided before any container starts.

Every snippet gets exactly one :class:`Step`:

* ``static`` - its result is known without running anything: ``skip=`` (skipped, with the
  author's reason), ``needs=kubernetes`` (not run: no cluster here), a text block
  (skipped), a language the runner does not know (failed), a YAML/JSON block that does not
  parse (failed) or parses as plain data (passed);
* ``run`` - executed in the scenario's container: shell, python, jsonnet, Dockerfile
  builds, Kubernetes manifest checks;
* ``write`` - a ``file=`` block, written into the workspace when its turn comes; later
  blocks of the scenario use it.

The scenario's environment, services (``needs``) and images to preload are derived here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from confkb.results.model import Status
from confkb.runner.checks import check_data
from confkb.runner.images import dockerfile_base_images
from confkb.snippets.model import Scenario, Snippet

KNOWN_KINDS = frozenset({"shell", "dockerfile", "yaml", "json", "jsonnet", "python", "text"})
NO_CLUSTER = "no Kubernetes cluster available here"
IN_PROCESS = "confkb (in-process parser)"


@dataclass(frozen=True)
class Step:
    """What happens to one snippet.

    Attributes:
        snippet: The block.
        action: ``static``, ``run`` or ``write``.
        status: For ``static`` steps, the result's status.
        reason: For ``static`` steps, the reason.
        build_after_write: A ``file=`` Dockerfile that no later block uses: build it.
        manifest: A Kubernetes manifest (checked with kubectl in the container).
        images: Images this block needs (``image=``, ``images=``, Dockerfile ``FROM``).
    """

    snippet: Snippet
    action: str
    status: Status | None = None
    reason: str = ""
    build_after_write: bool = False
    manifest: bool = False
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioPlan:
    """A scenario, planned.

    Attributes:
        scenario: The scenario.
        steps: One step per snippet, in order.
        env: Environment name (``envs/<env>``), or None when ``image`` is used.
        image: External image the scenario runs in (``image=``), mapped at run time.
        needs: Services: ``docker``, ``registry``, ``network``.
        preload: Images to load into the scenario's Docker daemon.
    """

    scenario: Scenario
    steps: tuple[Step, ...]
    env: str | None = "shell"
    image: str | None = None
    needs: frozenset[str] = frozenset()
    preload: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        """The scenario id."""
        return self.scenario.id

    @property
    def needs_container(self) -> bool:
        """True when any step runs or writes in a container."""
        return any(step.action != "static" for step in self.steps)

    @property
    def copied_files(self) -> tuple[tuple[Snippet, str], ...]:
        """``files=`` entries: (snippet, name beside its source file)."""
        return tuple((s.snippet, name) for s in self.steps if s.action != "static"
                     for name in s.snippet.directives.files)

    @property
    def weight(self) -> int:
        """Rough cost, to start the slowest scenarios first."""
        return (10 if "docker" in self.needs else 1) * max(1, len(self.steps))


def _static(snippet: Snippet, status: Status, reason: str) -> Step:
    return Step(snippet, "static", status, reason)


def plan_step(snippet: Snippet) -> Step:
    """Decide what happens to one snippet (ignoring the rest of its scenario)."""
    d = snippet.directives
    if d.skip:
        return _static(snippet, Status.SKIPPED, d.skip)
    if "kubernetes" in d.needs:
        return _static(snippet, Status.NOT_RUN, NO_CLUSTER)
    if snippet.kind not in KNOWN_KINDS:
        return _static(snippet, Status.FAILED,
                       f"language {snippet.language!r} is not one the snippet runner knows")
    if snippet.kind == "text":
        return Step(snippet, "write") if d.file else _static(snippet, Status.SKIPPED, "text block")
    if snippet.kind in {"yaml", "json"}:
        check = check_data(snippet)
        if not check.ok:
            return _static(snippet, Status.FAILED, check.message)
        if check.manifests:
            return Step(snippet, "run", manifest=True)
        if d.file:
            return Step(snippet, "write")
        what = "YAML" if snippet.kind == "yaml" else "JSON"
        return _static(snippet, Status.PASSED, f"{what} parses")
    images = d.images
    if snippet.kind == "dockerfile":
        images = (*images, *dockerfile_base_images(snippet.code))
    if d.image:
        images = (d.image, *images)
    return Step(snippet, "write" if d.file else "run", images=tuple(dict.fromkeys(images)))


def plan_scenario(scenario: Scenario) -> ScenarioPlan:
    """Plan a scenario: its steps, environment, services and images to preload."""
    steps = [plan_step(s) for s in scenario.snippets]
    live = [s for s in steps if s.action != "static"]

    # A file= Dockerfile with no later block to build it is built on its own.
    for i, step in enumerate(steps):
        later_runs = any(t.action == "run" for t in steps[i + 1:])
        if step.action == "write" and step.snippet.kind == "dockerfile" and not later_runs:
            steps[i] = Step(step.snippet, "write", build_after_write=True, images=step.images)

    needs: set[str] = set()
    for step in live:
        needs |= step.snippet.directives.needs - {"kubernetes"}
        if step.snippet.directives.images:
            needs.add("docker")
    if any(s.snippet.kind == "dockerfile" and (s.action == "run" or s.build_after_write) for s in steps):
        needs.add("docker")

    # The first live block that names an environment or image decides; others must agree.
    env: str | None = None
    image: str | None = None
    for step in live:
        d = step.snippet.directives
        if d.env or d.image:
            env, image = d.env, d.image
            break
    if env is None and image is None:
        if "docker" in needs:
            env = "docker"
        elif any(s.snippet.kind == "python" for s in live):
            env = "python"
        else:
            env = "shell"
    for i, step in enumerate(steps):
        d = step.snippet.directives
        if step.action != "static" and (d.env or d.image) and (d.env, d.image) != (env, image):
            asked = f"env={d.env}" if d.env else f"image={d.image}"
            runs_in = f"env={env}" if env else f"image={image}"
            steps[i] = _static(step.snippet, Status.FAILED,
                               f"this block asks for {asked}, but its scenario runs in {runs_in} "
                               "(the first block's); blocks of one scenario share one container")

    preload: list[str] = []
    if "docker" in needs:
        for step in steps:
            if step.action == "static":
                continue
            for name in step.images:
                if name != step.snippet.directives.image and name not in preload:
                    preload.append(name)
    return ScenarioPlan(scenario, tuple(steps), env, image, frozenset(needs), tuple(preload))
