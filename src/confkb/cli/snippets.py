"""``confkb snippets list|test|merge``: a thin layer over the snippet library and the runner."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from confkb.problems import ContentError, Problem
from confkb.reports.json_report import write_results
from confkb.reports.junit_report import write_junit
from confkb.reports.terminal import Progress, summary_table
from confkb.results.store import latest_path, merge_files, merge_summaries, read_latest
from confkb.snippets.model import Directives, Snippet


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``snippets`` and its subcommands."""
    group = subparsers.add_parser("snippets", help="list and smoke-test the snippets")
    sub = group.add_subparsers(dest="snippets_command", metavar="SUBCOMMAND")
    group.set_defaults(func=lambda args: (group.print_help(), 2)[1])

    lister = sub.add_parser("list", help="every fenced block: id, path:line, language, hash, tools, directives")
    lister.add_argument("--json", action="store_true", help="print JSON instead of a table")
    lister.add_argument("markdown", nargs="*", type=Path,
                        help="Markdown files to read instead of the knowledge base")
    lister.set_defaults(func=list_command)

    tester = sub.add_parser("test", help="run the snippets in containers")
    tester.add_argument("markdown", nargs="*", type=Path,
                        help="Markdown files to test instead of the knowledge base (e.g. samples)")
    tester.add_argument("--only", metavar="PATTERN",
                        help="only scenarios with a snippet whose id, path or path:line matches "
                             "(comma-separated; * globs, else substrings)")
    tester.add_argument("--jobs", "-j", type=int, help="scenarios run at the same time (default 2)")
    tester.add_argument("--shard", metavar="I/N", help="run shard I of N (1-based), split by scenario id")
    tester.add_argument("--no-cache", action="store_true", help="run everything, even unchanged snippets")
    tester.add_argument("--results", type=Path, help="results JSON (default: <root>/.confkb/results.json)")
    tester.add_argument("--junit", type=Path, help="also write JUnit XML here")
    tester.add_argument("--engine", help="engine URL, e.g. unix:///run/confkb-docker.sock")
    tester.add_argument("--image-map", type=Path, help="image map YAML file (on top of the others)")
    tester.add_argument("--envs", type=Path, help="folder of environment definitions (default: envs/)")
    tester.set_defaults(func=test_command)

    merger = sub.add_parser("merge", help="merge results files (shards) into one")
    merger.add_argument("inputs", nargs="+", type=Path, help="results files")
    merger.add_argument("--results", type=Path, help="merged results (default: <root>/.confkb/results.json)")
    merger.add_argument("--junit", type=Path, help="also write JUnit XML here")
    merger.set_defaults(func=merge_command)


def collect_snippets(root: Path, markdown: list[Path]) -> tuple[list[Snippet], list[Problem]]:
    """Snippets of the knowledge base at ``root``, or of the given Markdown files.

    Raises:
        ContentError: When the knowledge base does not load.
    """
    from confkb.snippets.extract import extract_snippets, snippets_from_markdown

    if markdown:
        snippets: list[Snippet] = []
        problems: list[Problem] = []
        for path in markdown:
            try:
                rel = path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                rel = path.as_posix()
            found, more = snippets_from_markdown(path.read_text(encoding="utf-8"), rel, Path(rel).stem)
            snippets += found
            problems += more
        return snippets, problems
    from confkb.load import load_knowledge_base

    return extract_snippets(load_knowledge_base(root))


def _directives_text(directives: Directives) -> str:
    parts = []
    for f in dataclasses.fields(Directives):
        value = getattr(directives, f.name)
        if value == f.default:
            continue
        if isinstance(value, (tuple, frozenset)):
            value = ",".join(sorted(value) if isinstance(value, frozenset) else value)
        text = str(value)
        parts.append(f'{f.name.replace("_", "-")}={json.dumps(text) if " " in text else text}')
    return " ".join(parts)


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(set(problems)):
        print(problem, file=sys.stderr)


def list_command(args: argparse.Namespace) -> int:
    """``confkb snippets list``."""
    root = Path(args.root)
    try:
        snippets, problems = collect_snippets(root, args.markdown)
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    if args.json:
        rows = [{
            "id": s.id, "path": s.path, "line": s.line, "language": s.language, "kind": s.kind,
            "hash": s.hash, "tools": list(s.tools), "owner": s.owner,
            "directives": {f.name: (sorted(v) if isinstance(v, frozenset) else list(v) if isinstance(v, tuple) else v)
                           for f in dataclasses.fields(Directives)
                           if (v := getattr(s.directives, f.name)) != f.default},
        } for s in snippets]
        print(json.dumps(rows, indent=2))
    else:
        for s in snippets:
            tools = ",".join(s.tools) or "-"
            print(f"{s.id}\t{s.location}\t{s.language}\t{s.hash}\t{tools}\t{_directives_text(s.directives)}")
    _print_problems(problems)
    return 1 if problems else 0


def test_command(args: argparse.Namespace) -> int:
    """``confkb snippets test``: run, write results (and JUnit), print the summary."""
    from confkb.runner import resolve_settings, run_snippets
    from confkb.runner.settings import SettingsError
    from confkb.runner.shard import parse_shard

    root = Path(args.root)
    try:
        shard = parse_shard(args.shard) if args.shard else None
        settings = resolve_settings(root, engine=args.engine, jobs=args.jobs, envs_dir=args.envs,
                                    image_map_file=args.image_map, no_cache=args.no_cache)
        snippets, problems = collect_snippets(root, args.markdown)
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except (SettingsError, ValueError) as exc:
        print(f"confkb snippets test: {exc}", file=sys.stderr)
        return 2
    _print_problems(problems)
    progress = Progress(len(snippets))
    summary = run_snippets(snippets, settings, only=args.only, shard=shard, progress=progress)
    progress.close()
    results_path = args.results or latest_path(root)
    written = summary
    if args.only and args.results is None:
        # A partial run updates the latest results rather than replacing them.
        try:
            previous = read_latest(root)
        except ValueError:
            previous = None
        if previous is not None:
            written = merge_summaries([previous, summary])
    write_results(written, results_path)
    if args.junit:
        write_junit(summary, args.junit)
    print(summary_table(summary, colour=sys.stdout.isatty()), end="")
    print(f"results: {results_path}" + (f", JUnit: {args.junit}" if args.junit else ""))
    if problems:
        print(f"{len(set(problems))} content problem(s) above: fix them (confkb validate)", file=sys.stderr)
        return 1
    return summary.exit_code


def merge_command(args: argparse.Namespace) -> int:
    """``confkb snippets merge``: shards into one results file."""
    try:
        summary = merge_files(args.inputs)
    except (OSError, ValueError) as exc:
        print(f"confkb snippets merge: {exc}", file=sys.stderr)
        return 2
    results_path = args.results or latest_path(Path(args.root))
    write_results(summary, results_path)
    if args.junit:
        write_junit(summary, args.junit)
    print(summary_table(summary), end="")
    return summary.exit_code
