"""The driver: one POSIX shell script that runs a scenario's blocks inside its container.

The whole scenario runs in one container, one block after another, like a reader typing
the blocks into one terminal: background processes (an ``ssh-agent``, a ``docker run -d``)
live on, and variables a block exports and the directory it ``cd``s into carry over to the
next block (saved by an ``EXIT`` trap, restored before the next block).

The script is passed as the container's command (no file needs copying in). It writes the
blocks to ``/confkb/blocks/`` (a tmpfs) with quoted here-documents, then runs each and
prints marker lines around it on standard output::

    @@confkb-<token>@@ begin <n>
    @@confkb-<token>@@ end <n> <exit code> <forks refused by the pids limit>
    @@confkb-<token>@@ stop      # a block did not exit as expected: the rest is not run
    @@confkb-<token>@@ done

The runner splits the output at these lines, times each block (and kills the container
when one overruns), and reads each block's exit code. The token is random per run, so a
snippet cannot forge a marker.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from confkb.runner.plan import Step

BLOCKS = "/confkb/blocks"
WORKSPACE = "/workspace"
# Linux limits one argument to 128 KiB (MAX_ARG_STRLEN); stay well below it.
MAX_INLINE = 120_000

_PROLOGUE = r"""# confkb: restore what earlier blocks exported, and their directory; save it on exit.
if [ -f /confkb/state ]; then . /confkb/state 2>/dev/null; fi
confkb_save_state() {
    confkb_rc=$?
    {
        # bash prints "declare -x"; "export" is read by every POSIX shell.
        export -p | sed 's/^declare -x /export /' |
            grep -v -E '^export (PWD|OLDPWD|SHLVL|_|HOME|CONFKB_[A-Z_]*)(=|$)'
        printf "cd '%s'\n" "$(pwd | sed "s/'/'\\\\''/g")"
    } > /confkb/state.new 2>/dev/null && mv /confkb/state.new /confkb/state
    exit "$confkb_rc"
}
trap confkb_save_state EXIT
if [ -n "${BASH_VERSION:-}" ]; then
    # Say which command stopped the block (set -e alone just exits).
    trap 'echo "confkb: line $LINENO of the block: \`$BASH_COMMAND\` exited with $?" >&2' ERR
fi
set -e
"""

# kubectl 1.20 cannot dry-run without an API server (it asks the server for the REST
# mapping), but `kubectl set env --local` decodes each object into its typed API struct
# offline: wrong field types and unknown kinds/apiVersions fail. Objects without a pod
# template answer "not a pod": that means they decoded fine.
_KUBECTL_CHECK = r"""confkb_kubectl_check() {
    confkb_out=$(kubectl set env --local -f "$1" CONFKB_CHECK=1 -o name 2>&1)
    confkb_krc=$?
    printf '%s\n' "$confkb_out" | grep -a -v 'does not have a pod template' || true
    if [ "$confkb_krc" -ne 0 ] && printf '%s\n' "$confkb_out" | grep -a '^error:' |
        grep -a -v -q 'does not have a pod template'; then
        return 1
    fi
    echo "kubectl $(kubectl version --client --short 2>/dev/null | sed 's/.*: //'): every object decodes"
}
"""

_PIDS = r"""confkb_pids_refused() {
    CONFKB_REFUSED=0
    for confkb_f in /sys/fs/cgroup/pids/pids.events /sys/fs/cgroup/pids.events; do
        if [ -r "$confkb_f" ]; then
            while read -r confkb_k confkb_v; do
                if [ "$confkb_k" = max ]; then CONFKB_REFUSED=$confkb_v; fi
            done < "$confkb_f"
            return 0
        fi
    done
}
"""


@dataclass(frozen=True)
class Driver:
    """A driver script and what it needs from the container.

    Attributes:
        script: The POSIX shell script.
        token: The marker token.
        block_names: File name under ``/confkb/blocks`` per step index.
    """

    script: str
    token: str
    block_names: dict[int, str]

    @property
    def marker(self) -> str:
        """The marker prefix."""
        return f"@@confkb-{self.token}@@"

    @property
    def fits_inline(self) -> bool:
        """True when the script can be passed as a command-line argument."""
        return len(self.script.encode()) <= MAX_INLINE


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:80] or "block"


def _extension(step: Step) -> str:
    kind = step.snippet.kind
    if kind == "shell":
        return ".sh"
    return {"python": ".py", "jsonnet": ".jsonnet", "dockerfile": ".Dockerfile",
            "yaml": ".yaml", "json": ".json"}.get(kind, ".txt")


def _shell_for(step: Step) -> str:
    # sh blocks run under the POSIX shell; the others under bash when the image has it.
    return "sh" if step.snippet.language == "sh" else "$CONFKB_BASH"


def _build(dockerfile: str, index: int) -> str:
    return (f"env DOCKER_BUILDKIT=1 docker build --progress=plain -f {shlex.quote(dockerfile)} "
            f"-t confkb-snippet-{index}:latest .")


def _commands(step: Step, index: int, path: str) -> list[str]:
    """Shell command lines for a step (run in the block's turn)."""
    snippet = step.snippet
    q = shlex.quote(path)
    if step.action == "write":
        dest = shlex.quote(f"{WORKSPACE}/{snippet.directives.file}")
        lines = [f'mkdir -p "$(dirname {dest})" && cp {q} {dest}']
        if step.build_after_write:
            lines.append(f"cd {WORKSPACE} && {_build(str(snippet.directives.file), index)}")
        return lines
    if step.manifest:
        return [f"confkb_kubectl_check {q}"]
    if snippet.kind == "shell":
        return [f"{_shell_for(step)} -c '. /confkb/prologue.sh; . \"$1\"' {_safe_name(snippet.id)} {q}"]
    if snippet.kind == "python":
        return [f"( if [ -f /confkb/state ]; then . /confkb/state 2>/dev/null; fi; python3 {q} )"]
    if snippet.kind == "jsonnet":
        return [f"( if [ -f /confkb/state ]; then . /confkb/state 2>/dev/null; fi; jsonnet -J {WORKSPACE} {q} )"]
    if snippet.kind == "dockerfile":
        return [f"( if [ -f /confkb/state ]; then . /confkb/state 2>/dev/null; fi; {_build(path, index)} )"]
    raise ValueError(f"no command for {snippet.kind} blocks")  # plan.py never sends these


def build_driver(steps: list[tuple[int, Step]], token: str, *, wait_registry: bool = False,
                 wait_docker: bool = False) -> Driver:
    """Write the driver script for the non-static steps of a scenario.

    Args:
        steps: (index in the scenario, step) for each ``run`` or ``write`` step, in order.
        token: Random marker token.
        wait_registry: Wait until the scenario's registry answers on localhost:5000.
        wait_docker: Wait until the scenario's Docker daemon answers.
    """
    marker = f"@@confkb-{token}@@"
    eof = f"CONFKB_{token}_EOF"
    out = ["exec 2>&1", f"M='{marker}'", f"mkdir -p {BLOCKS}", "cd /confkb"]
    out.append(f"cat > /confkb/prologue.sh <<'{eof}'\n{_PROLOGUE}{eof}")
    names: dict[int, str] = {}
    for index, step in steps:
        name = f"{_safe_name(step.snippet.id)}{_extension(step)}"
        names[index] = name
        code = step.snippet.code if step.snippet.code.endswith("\n") else step.snippet.code + "\n"
        out.append(f"cat > {BLOCKS}/{name} <<'{eof}'\n{code}{eof}")
    out.append("if command -v bash >/dev/null 2>&1; then CONFKB_BASH=bash; else CONFKB_BASH=sh; fi")
    out.append(_PIDS.rstrip())
    out.append(_KUBECTL_CHECK.rstrip())
    if wait_registry:
        out.append("i=0; until wget -q -O /dev/null http://127.0.0.1:5000/v2/ 2>/dev/null || "
                   "curl -fsS -o /dev/null http://127.0.0.1:5000/v2/ 2>/dev/null; do "
                   "i=$((i+1)); if [ $i -ge 150 ]; then echo 'registry did not answer'; break; fi; "
                   "sleep 0.2; done")
    if wait_docker:
        out.append("i=0; until docker version >/dev/null 2>&1; do i=$((i+1)); "
                   "if [ $i -ge 150 ]; then echo 'docker daemon did not answer'; break; fi; sleep 0.2; done")
    out.append(f"cd {WORKSPACE}")
    for index, step in steps:
        path = f"{BLOCKS}/{names[index]}"
        expect = 0 if step.action == "write" else step.snippet.directives.expect_exit
        body = " && ".join(_commands(step, index, path))
        out.append(
            f"confkb_pids_refused; confkb_before=$CONFKB_REFUSED\n"
            f"printf '\\n%s begin %s\\n' \"$M\" {index}\n"
            f"( {body} )\n"
            f"confkb_rc=$?; confkb_pids_refused\n"
            f"printf '\\n%s end %s %s %s\\n' \"$M\" {index} \"$confkb_rc\" \"$((CONFKB_REFUSED - confkb_before))\"\n"
            f"if [ \"$confkb_rc\" -ne {expect} ]; then printf '\\n%s stop\\n' \"$M\"; exit 0; fi"
        )
    out.append("printf '\\n%s done\\n' \"$M\"")
    return Driver("\n".join(out) + "\n", token, names)
