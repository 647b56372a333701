"""The ``confkb`` command: a thin argument parser over library functions."""

from __future__ import annotations

import argparse
import importlib
import sys

from confkb import __version__

# Subcommand groups live in their own modules; each exposes add_parser(subparsers).
_GROUPS = ("confkb.cli.site", "confkb.cli.snippets", "confkb.cli.links")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (all subcommands)."""
    parser = argparse.ArgumentParser(
        prog="confkb",
        description="Build a conference knowledge base and verify its snippets.",
    )
    parser.add_argument("--version", action="version", version=f"confkb {__version__}")
    parser.add_argument("--root", default=".", help="knowledge-base root (holds talks/ and tools/); default: .")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _GROUPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`confkb snippets list | head`): not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
