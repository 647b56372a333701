"""Hostile and broken snippets are contained and reported; killed runners leave nothing behind."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from confkb.results.model import Status

from .conftest import ENVS, leftovers

pytestmark = pytest.mark.container


def test_host_files_and_docker_socket_are_out_of_reach(runner):
    """A snippet sees the container's files, not the host's, and finds no Docker socket."""
    run = runner.run(
        '''
        <!-- snippet: id=shadow -->
        ```bash
        cat /etc/shadow
        ```

        <!-- snippet: id=host-tree -->
        ```bash
        ls /work/main/src /var/lib/confkb-docker
        ```

        <!-- snippet: id=socket expect-output="^no socket, DOCKER_HOST=$" -->
        ```bash
        for s in /var/run/docker.sock /run/docker.sock /run/confkb-docker.sock; do test ! -e "$s"; done
        echo "no socket, DOCKER_HOST=${DOCKER_HOST:-}"
        ```

        <!-- snippet: id=write-root -->
        ```bash
        touch /etc/owned
        ```
        '''
    )
    shadow = run["shadow"]
    assert shadow.status is Status.PASSED
    host_shadow = Path("/etc/shadow")
    if host_shadow.is_file():
        assert shadow.output != host_shadow.read_text(encoding="utf-8", errors="replace")
    assert run["host-tree"].status is Status.FAILED
    assert "No such file or directory" in run["host-tree"].output
    assert run["socket"].status is Status.PASSED, run["socket"]
    assert run["write-root"].status is Status.FAILED
    assert "Read-only file system" in run["write-root"].output


def test_network_only_when_declared(runner):
    """Without needs=network nothing outside is reachable; with it, the same command works."""
    command = "curl -sS --max-time 10 -o /dev/null -w '%{http_code}\\n' http://deb.debian.org/debian/"
    run = runner.run(
        f'''
        <!-- snippet: id=offline -->
        ```bash
        {command}
        ```

        <!-- snippet: id=online needs=network -->
        ```bash
        {command}
        ```
        '''
    )
    assert run["offline"].status is Status.FAILED
    assert "Could not resolve host" in run["offline"].output or "curl" in run["offline"].reason
    assert run["online"].status is Status.PASSED, run["online"]


def test_fork_bombs_hit_the_pids_limit(runner):
    """Fork bombs are stopped by the pids limit and reported failed or timed out; the machine runs on."""
    run = runner.run(
        '''
        <!-- snippet: id=classic timeout=20 -->
        ```bash
        :(){ :|:& };:
        sleep 5
        ```

        <!-- snippet: id=recursive timeout=15 -->
        ```bash
        bomb() { bomb | bomb; }
        bomb
        ```

        <!-- snippet: id=after -->
        ```bash
        echo still fine
        ```
        '''
    )
    for snippet_id in ("classic", "recursive"):
        assert run[snippet_id].status in {Status.FAILED, Status.TIMED_OUT}, run[snippet_id]
    assert run["after"].status is Status.PASSED
    assert not leftovers(runner.engine)


def test_endless_loop_and_memory_hog(runner):
    """An endless loop times out and its container goes; a memory hog is killed at the memory limit."""
    run = runner.run(
        '''
        <!-- snippet: id=loop timeout=3 -->
        ```bash
        while :; do :; done
        ```

        <!-- snippet: id=hog timeout=60 -->
        ```bash
        python3 -c 'block = bytearray(3 * 1024 ** 3); print(len(block))'
        ```
        '''
    )
    assert run["loop"].status is Status.TIMED_OUT
    assert run["hog"].status is Status.FAILED
    assert "137" in run["hog"].reason or "memory" in run["hog"].reason.lower()
    assert not leftovers(runner.engine)


def test_gigabytes_of_output_are_capped(runner):
    """A gigabyte of output is cut to the cap with a note; the runner's memory stays bounded."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = runner.run(
        '''
        <!-- snippet: id=flood timeout=120 -->
        ```bash
        yes 'confkb flood' | head -c 1073741824
        ```
        '''
    )
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = run["flood"]
    assert result.status in {Status.PASSED, Status.TIMED_OUT}
    assert len(result.output.encode()) < 70 * 1024
    assert "bytes not shown: output is capped at 65536 bytes" in result.output
    assert (after - before) * 1024 < 200 * 1024 * 1024  # ru_maxrss is in KiB


SLOW = '''
<!-- snippet: id=slow scenario=slow needs=network timeout=600 -->
```bash
sleep 600
```
'''


def _start_runner(root: Path, engine_url: str) -> subprocess.Popen:
    (root / "slow.md").write_text(SLOW, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from confkb.cli import main; sys.exit(main())", "--root", str(root), "snippets", "test", "--no-cache",
         "--envs", str(ENVS), "--engine", engine_url, "--results", str(root / "out.json"),
         str(root / "slow.md")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root,
    )


def _run_id_of(engine, process: subprocess.Popen, timeout: float = 120) -> str:
    pid = process.pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"runner {pid} ended early with {process.returncode}"
        for container in engine.client.containers.list(filters={"label": "confkb.owner=confkb"}):
            if container.labels.get("confkb.pid", "").startswith(f"{pid}:") and \
                    container.labels.get("confkb.role") == "snippet":
                return container.labels["confkb.run"]
        time.sleep(0.3)
    raise AssertionError(f"runner {pid} started no snippet container")


TRIVIAL = '''
<!-- snippet: id=trivial -->
```bash
echo trivial
```
'''


def test_killed_runner_leaves_nothing_once_the_next_run_started(runner):
    """SIGKILL in mid-run leaves containers and networks behind; the next run sweeps them."""
    process = _start_runner(runner.root, runner.engine.url)
    try:
        run_id = _run_id_of(runner.engine, process)
        process.kill()
        process.wait(timeout=30)
        assert leftovers(runner.engine, run_id), "a killed runner cannot clean up"
        assert runner.run(TRIVIAL, "trivial.md")["trivial"].status is Status.PASSED
        assert not leftovers(runner.engine, run_id)
    finally:
        process.kill()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_runner_cleans_up(runner, signum):
    """Ctrl-C or SIGTERM stops the run at once and removes its containers and networks."""
    process = _start_runner(runner.root, runner.engine.url)
    try:
        run_id = _run_id_of(runner.engine, process)
        process.send_signal(signum)
        assert process.wait(timeout=60) == 130
        assert not leftovers(runner.engine, run_id)
    finally:
        process.kill()


def test_concurrent_runner_is_not_swept(runner):
    """A run's sweep leaves a live runner's containers alone."""
    process = _start_runner(runner.root, runner.engine.url)
    try:
        run_id = _run_id_of(runner.engine, process)
        assert runner.run(TRIVIAL, "trivial.md")["trivial"].status is Status.PASSED
        assert leftovers(runner.engine, run_id), "the live runner's resources were swept"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        assert not leftovers(runner.engine, run_id)
    finally:
        process.kill()
