"""The `perf-review` command. Each subcommand lives in bot/commands/<name>.py and exports
`add_parser(subparsers)` and `run(args) -> int`; exit status 0 ok, 1 findings, 2 bad usage or input."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bot.errors import PerfReviewError

COMMANDS = ("analyze", "review", "benchmarks", "measure", "serve", "worker")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"perf-review: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perf-review", description="Performance review for Go changes.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bot.commands.{name}":
                continue
            raise
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    try:
        code: int = args.run(args)
        return code
    except PerfReviewError as exc:
        print(f"perf-review: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
