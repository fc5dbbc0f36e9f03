"""`perf-review measure`: run the benchmarks of the functions a change touches on base and head, in
interleaved rounds, and say what changed, with confidence intervals and a verdict per benchmark.

Unlike every other command this one runs code (the repository's own tests, built with its own Go
toolchain), so it is meant for the repository's CI or a developer's machine, never for the App.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from bot.errors import UsageError
from bot.measure.result import to_json

_BENCHTIME = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m)|\d+x)$")
INSTALL_HINT = "pip install 'perf-review[measure]'"


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0: {text!r}")
        return value

    return parse


def _benchtime(text: str) -> str:
    if not _BENCHTIME.match(text):
        raise argparse.ArgumentTypeError(f"not a Go -benchtime (like 200ms, 1s or 1000x): {text!r}")
    return text


def add_parser(sub: Any) -> None:
    p = sub.add_parser("measure", help="benchmark the touched functions on base and head and compare them")
    p.add_argument("--repo", type=Path, required=True, help="a local git repository")
    p.add_argument("--base", required=True, help="base revision (commit, branch or tag)")
    p.add_argument("--head", default="HEAD", help="head revision (default HEAD)")
    p.add_argument("--count", type=_positive(int), help="exactly this many rounds (default: adaptive, 6 to 400)")
    p.add_argument("--time-budget", type=_positive(float), default=600.0, metavar="SECONDS",
                   help="wall-clock budget for the whole run, builds included (default 600)")
    p.add_argument("--benchtime", type=_benchtime, help="go test -benchtime per run (default: chosen to fit)")
    p.add_argument("--min-effect", type=_positive(float), default=5.0, metavar="PCT",
                   help="smallest change in time/op called slower or faster (default 5)")
    p.add_argument("--layouts", type=_positive(int), default=6, metavar="N",
                   help="code layouts per side for the first rounds, later rounds get fresh ones: each side's "
                        "test binary linked in random function orders (base twice), so layout is noise, not a "
                        "bias (default 6; 1: the linker's own, never varied)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--json", type=Path, metavar="FILE", dest="json_out",
                   help="also write the JSON result to FILE (the Action uploads it)")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="exit 1 when a benchmark is slower or allocates more")
    p.add_argument("--go", help="the go command to use (default: go on PATH)")
    p.set_defaults(run=run)


def regressed(doc: dict[str, Any]) -> list[str]:
    return [b["name"] for b in doc["benchmarks"] if b["verdict"] == "slower" or b["allocs_verdict"] == "more"]


def run(args: argparse.Namespace) -> int:
    if not args.repo.is_dir():
        raise UsageError(f"{args.repo}: no such directory")
    try:
        from bot.measure import session
    except ImportError as exc:
        raise UsageError(f"measure needs {exc.name or 'scipy'}: {INSTALL_HINT}") from None
    from bot.measure import gorun
    from bot.measure.worktree import interrupts_as_keyboard_interrupt

    settings = session.Settings(go=gorun.find_go(args.go), env=dict(os.environ), time_budget_s=args.time_budget,
                                count=args.count, benchtime=args.benchtime, min_effect_pct=args.min_effect,
                                layouts=args.layouts)
    with interrupts_as_keyboard_interrupt():
        outcome = session.measure(args.repo, args.base, args.head, settings)
    doc = to_json(outcome.measurement, time_budget_s=args.time_budget, elapsed_s=outcome.elapsed_s)
    if args.json_out:
        args.json_out.write_text(json.dumps(doc, indent=2) + "\n")
    if args.format == "json":
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        from analyzers.report.measured import measured_table

        sys.stdout.write(f"### perf-review measure\n\n{measured_table(outcome.measurement)}\n")
    return 1 if args.fail_on_regression and regressed(doc) else 0
