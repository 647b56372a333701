"""Blocks of every kind run for real, in order, with their directives honoured."""

from __future__ import annotations

import time

import pytest

from confkb.results.model import Status

from .conftest import leftovers

pytestmark = pytest.mark.container


def test_kinds_run_and_report(runner):
    """Shell, console, python, jsonnet, YAML, JSON and text blocks each get the right status."""
    run = runner.run(
        '''
        <!-- snippet: id=sh-ok expect-output="^hello" -->
        ```bash
        echo hello
        ```

        <!-- snippet: id=console-fail -->
        ```console
        $ echo about to fail
        about to fail
        $ ls /nonexistent
        ls: cannot access '/nonexistent': No such file or directory
        $ echo never
        ```

        <!-- snippet: id=exit-3 expect-exit=3 -->
        ```sh
        exit 3
        ```

        <!-- snippet: id=wrong-output expect-output="^goodbye$" -->
        ```bash
        echo hello
        ```

        <!-- snippet: id=py -->
        ```python
        import sys
        print("python", sys.version_info.major)
        ```

        <!-- snippet: id=jn expect-output="\\"sum\\": 3" -->
        ```jsonnet
        { sum: 1 + 2 }
        ```

        <!-- snippet: id=plain-yaml -->
        ```yaml
        a: [1, 2]
        ```

        <!-- snippet: id=bad-json -->
        ```json
        {"a": 1,}
        ```

        <!-- snippet: id=just-text -->
        ```text
        nothing to run
        ```
        '''
    )
    assert run["sh-ok"].status is Status.PASSED
    assert run["sh-ok"].output == "hello\n"
    assert run["sh-ok"].environment.startswith("shell@sha256:")
    failed = run["console-fail"]
    assert failed.status is Status.FAILED
    assert "exit code 2" in failed.reason and "`ls /nonexistent`" in failed.reason
    assert "never" not in failed.output
    assert run["exit-3"].status is Status.PASSED and run["exit-3"].exit_code == 3
    assert run["wrong-output"].status is Status.FAILED
    assert "expect-output" in run["wrong-output"].reason
    assert run["py"].status is Status.PASSED and "python 3" in run["py"].output
    assert run["py"].environment.startswith("python@")
    assert run["jn"].status is Status.PASSED
    assert run["plain-yaml"].status is Status.PASSED
    assert run["bad-json"].status is Status.FAILED and "JSON does not parse" in run["bad-json"].reason
    assert run["just-text"].status is Status.SKIPPED and run["just-text"].reason == "text block"
    assert not leftovers(runner.engine)


def test_scenario_shares_state_files_and_processes(runner):
    """Blocks of a scenario share a workspace, exported variables, the directory and background processes."""
    run = runner.run(
        '''
        <!-- snippet: id=s-file scenario=s file=conf/app.json -->
        ```json
        {"greeting": "hi"}
        ```

        <!-- snippet: id=s-one scenario=s files=data.txt -->
        ```bash
        export GREETING=$(python3 -c 'import json; print(json.load(open("conf/app.json"))["greeting"])')
        eval "$(ssh-agent -s)"
        mkdir -p sub && cd sub
        ```

        <!-- snippet: id=s-two scenario=s expect-output="hi from /workspace/sub; agent alive; copied: beside" -->
        ```bash
        ssh-add -l >/dev/null 2>&1 || [ $? -eq 1 ]   # 1: agent answers, no keys
        echo "$GREETING from $(pwd); agent alive; copied: $(cat ../data.txt)"
        ```
        ''',
        files={"data.txt": "beside\n"},
    )
    for snippet_id in ("s-file", "s-one", "s-two"):
        assert run[snippet_id].status is Status.PASSED, run[snippet_id]


def test_kubernetes_manifests_checked_client_side(runner):
    """Manifests decode with kubectl offline; a wrong field type or a missing name fails; needs=kubernetes is not run."""
    run = runner.run(
        '''
        <!-- snippet: id=job -->
        ```yaml
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: kube-hunter
        spec:
          template:
            spec:
              containers:
                - name: kube-hunter
                  image: aquasec/kube-hunter
                  args: ["--pod"]
              restartPolicy: Never
        ```

        <!-- snippet: id=bad-port -->
        ```yaml
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - port: eighty
        ```

        <!-- snippet: id=no-name -->
        ```yaml
        apiVersion: v1
        kind: ConfigMap
        metadata: {}
        ```

        <!-- snippet: id=apply needs=kubernetes -->
        ```bash
        kubectl apply -f job.yaml
        ```
        '''
    )
    assert run["job"].status is Status.PASSED, run["job"]
    assert "every object decodes" in run["job"].output
    assert run["bad-port"].status is Status.FAILED
    assert "ServicePort.Port" in run["bad-port"].output
    assert run["no-name"].status is Status.FAILED and "metadata.name" in run["no-name"].reason
    assert run["apply"].status is Status.NOT_RUN
    assert run["apply"].reason == "no Kubernetes cluster available here"


def test_timeout_kills_and_cleans_up(runner):
    """A block that overruns its timeout is timed out, the rest of its scenario not run, nothing left behind."""
    started = time.monotonic()
    run = runner.run(
        '''
        <!-- snippet: id=slow scenario=t timeout=2 -->
        ```bash
        echo started
        sleep 600
        ```

        <!-- snippet: id=after scenario=t -->
        ```bash
        echo after
        ```
        '''
    )
    assert time.monotonic() - started < 60
    assert run["slow"].status is Status.TIMED_OUT
    assert "2 s" in run["slow"].reason and run["slow"].output.startswith("started")
    assert run["after"].status is Status.NOT_RUN and "slow" in run["after"].reason
    assert not leftovers(runner.engine)


def test_cache_runs_only_what_changed(runner):
    """An unchanged run takes everything from the cache; a changed block runs again."""
    text = '''
        <!-- snippet: id=a -->
        ```bash
        echo a
        ```

        <!-- snippet: id=b -->
        ```bash
        echo {b}
        ```
        '''
    settings = runner.settings()
    first = runner.run(text.replace("{b}", "b"), settings=settings)
    assert not any(r.cached for r in first.summary.results)
    second = runner.run(text.replace("{b}", "b"), settings=settings)
    assert all(r.cached for r in second.summary.results)
    assert [r.status for r in second.summary.results] == [Status.PASSED, Status.PASSED]
    third = runner.run(text.replace("{b}", "b2"), settings=settings)
    assert third["a"].cached and not third["b"].cached and third["b"].output == "b2\n"


def test_lint_findings_are_informational(runner):
    """shellcheck findings are recorded with the file line; they do not fail a block that runs."""
    run = runner.run(
        '''
        <!-- snippet: id=lint -->
        ```bash
        name="a b"
        echo $name
        ```
        '''
    )
    result = run["lint"]
    assert result.status is Status.PASSED
    assert any("SC2086" in finding and finding.startswith("4:") for finding in result.lint), result.lint
