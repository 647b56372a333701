"""Snippets: fenced blocks extracted from talks and tool files, ready to be run."""

from __future__ import annotations

from dataclasses import dataclass, field

# Languages the runner knows, by what it does with them. Anything else is a validation error.
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "console"})
RUNNABLE_LANGUAGES = {
    **{lang: "shell" for lang in SHELL_LANGUAGES},
    "dockerfile": "dockerfile",
    "yaml": "yaml",
    "yml": "yaml",
    "json": "json",
    "jsonnet": "jsonnet",
    "python": "python",
    "text": "text",
    "plaintext": "text",
}
NEEDS = frozenset({"docker", "registry", "network", "kubernetes"})


@dataclass(frozen=True)
class Directives:
    """What a ``<!-- snippet: ... -->`` comment says about the block below it.

    Attributes:
        id: Explicit stable id; otherwise one is derived from the file and position.
        scenario: Blocks of one file with the same scenario run together, in order, in one
            workspace.
        file: Write the block into the workspace under this name instead of running it.
        env: Name of an environment image defined in ``envs/`` (default ``shell``).
        image: Run in this external image instead (mapped through the image map); if it
            cannot be had, the snippet is *not run*.
        needs: Services the snippet needs: docker, registry, network, kubernetes.
        images: Images to preload into the snippet's Docker daemon (``needs=docker``).
        timeout: Seconds before the scenario is killed.
        expect_exit: Expected exit code of the block.
        expect_output: Regular expression the combined output must match.
        files: Files next to the talk to copy into the workspace.
        skip: When set, the block is not run, and this is the reason.
        tools: Tool ids the block uses, overriding detection.
        note: Free text shown next to the badge (for example, how a command was adapted).
    """

    id: str | None = None
    scenario: str | None = None
    file: str | None = None
    env: str | None = None
    image: str | None = None
    needs: frozenset[str] = frozenset()
    images: tuple[str, ...] = ()
    timeout: int = 60
    expect_exit: int = 0
    expect_output: str | None = None
    files: tuple[str, ...] = ()
    skip: str | None = None
    tools: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Snippet:
    """One fenced block, with everything needed to run it and to find it again.

    Attributes:
        id: Stable id (explicit ``id=`` or ``<owner-slug>-<ordinal>``).
        path: Source file, relative to the knowledge-base root.
        line: Line of the opening fence.
        language: Fence language as written (lower-cased).
        kind: What the runner does: shell, dockerfile, yaml, json, jsonnet, python, text.
        code: The block body; for console blocks, the commands with prompts stripped.
        hash: sha256 of language, code and directives (hex, first 16 characters).
        directives: Parsed directives.
        tools: Tool ids the block uses.
        owner: Talk id (``event/slug``) or ``tool:<id>``.
    """

    id: str
    path: str
    line: int
    language: str
    kind: str
    code: str
    hash: str
    directives: Directives
    tools: tuple[str, ...]
    owner: str

    @property
    def location(self) -> str:
        """``path:line`` of the block."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Scenario:
    """Blocks that run together in one workspace (a single block is a scenario of one)."""

    id: str
    snippets: tuple[Snippet, ...] = field(default=())
