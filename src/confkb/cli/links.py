"""``confkb links``: check the links of a built site.

Thin on purpose: it turns arguments into settings, calls :func:`confkb.links.check_site`
and writes the reports. Exit status: 0 all links pass, 1 a link failed or could not be
checked, 2 the check could not run (no site, bad settings).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from confkb.links import check_site, resolve_config
from confkb.links.json_report import write_json
from confkb.links.junit_report import write_junit
from confkb.links.terminal import ProgressLine, format_report
from confkb.problems import ContentError

EXIT_USAGE = 2


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``links`` subcommand.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.

    Returns:
        The subcommand's parser (its ``func`` default runs the check).
    """
    parser = subparsers.add_parser(
        "links",
        help="check internal and external links of the built site",
        description="Check the links of a built site; report each at its source path:line.",
    )
    _add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "site_dir",
        nargs="?",
        metavar="SITE_DIR",
        help="the built site (default: site/ under the knowledge-base root)",
    )
    parser.add_argument(
        "--offline",
        action="store_const",
        const=True,
        default=None,
        help="check internal links and anchors only",
    )
    parser.add_argument("--json", metavar="PATH", help="write the report as JSON")
    parser.add_argument("--junit", metavar="PATH", help="write the report as JUnit XML")
    parser.add_argument(
        "--config", metavar="PATH", help="read settings from this file (default: confkb.yml)"
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--cache-ttl", metavar="DURATION", help="trust cached outcomes this long")
    parser.add_argument("--concurrency", metavar="N", help="requests at once, over all hosts")
    parser.add_argument("--host-concurrency", metavar="N", help="requests at once to one host")
    parser.add_argument("--deadline", metavar="DURATION", help="total time allowed for one URL")
    parser.add_argument(
        "--ignore",
        metavar="REGEX",
        action="append",
        default=[],
        help="also skip URLs matching this pattern (repeatable; adds to the configured list)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every link")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no listing")


def _overrides(args: argparse.Namespace, configured_ignore: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "offline": args.offline,
        "cache_ttl": args.cache_ttl,
        "concurrency": args.concurrency,
        "host_concurrency": args.host_concurrency,
        "deadline": args.deadline,
    }
    if args.no_cache:
        values["cache"] = False
    if args.ignore:
        values["ignore"] = [*configured_ignore, *args.ignore]
    return {k: v for k, v in values.items() if v is not None}


def run(args: argparse.Namespace) -> int:
    """Run the check for parsed arguments.

    Args:
        args: Parsed arguments; ``args.root`` is the knowledge-base root.

    Returns:
        The exit status.
    """
    root = Path(getattr(args, "root", None) or ".")
    site_dir = Path(args.site_dir) if args.site_dir else root / "site"
    try:
        base = resolve_config(root, args.config)
        config = resolve_config(root, args.config, overrides=_overrides(args, base.ignore))
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_USAGE
    if not site_dir.is_dir():
        print(f"confkb links: no built site at {site_dir} (build it first)", file=sys.stderr)
        return EXIT_USAGE

    progress = None if args.quiet else ProgressLine()
    try:
        report = check_site(site_dir, root=root, config=config, progress=progress)
    finally:
        if progress is not None:
            progress.finish()
    if args.json:
        write_json(report, args.json)
    if args.junit:
        write_junit(report, args.junit)
    text = format_report(report, verbose=args.verbose)
    if args.quiet:
        text = text.splitlines()[-1] if report.exit_code == 0 else text
    print(text)
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    """Run ``links`` on its own (``python -m confkb.cli.links``), with ``--root``."""
    parser = argparse.ArgumentParser(prog="confkb links", description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=".", help="the knowledge-base root (default: .)")
    _add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
