"""`perf-review benchmarks PKG_DIR`: print (or write) a compilable perf_review_bench_test.go."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from analyzers.report.benchmarks import BENCH_FILE, BenchmarkError, benchmark_file, load_package
from bot.errors import UsageError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("benchmarks", help="print a benchmark file for a Go package's hot and warm functions")
    p.add_argument("package", type=Path, metavar="PKG_DIR", help="the package directory")
    p.add_argument("--functions", help="comma-separated functions (Name or Recv.Name); default: hot and warm ones")
    p.add_argument("--write", action="store_true", help=f"write {BENCH_FILE} into the package instead of printing")
    p.set_defaults(run=run)


def read_package_files(directory: Path) -> dict[str, bytes | None]:
    """The directory's Go files (keyed by name) and the nearest go.mod (keyed as 'go.mod')."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory")
    files: dict[str, bytes | None] = {p.name: p.read_bytes() for p in sorted(directory.glob("*.go")) if p.is_file()}
    for parent in [directory.resolve(), *directory.resolve().parents]:
        go_mod = parent / "go.mod"
        if go_mod.is_file():
            files["go.mod"] = go_mod.read_bytes()
            break
    return files


def run(args: argparse.Namespace) -> int:
    files = read_package_files(args.package)
    pkg = load_package("", files)
    if pkg is None:
        raise UsageError(f"{args.package}: no Go source files")
    names = [n.strip() for n in args.functions.split(",") if n.strip()] if args.functions else None
    known = {f.qualified_name for f in pkg.funcs if not f.is_literal} | {f.name for f in pkg.funcs if not f.is_literal}
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise UsageError(f"{args.package}: no function {', '.join(map(repr, unknown))} in this package")
    try:
        code = benchmark_file(pkg, names)
    except BenchmarkError as exc:
        raise UsageError(f"{args.package}: {exc}") from exc
    if args.write:
        target = args.package / BENCH_FILE
        target.write_text(code)
        print(f"wrote {target}", file=sys.stderr)
    else:
        sys.stdout.write(code)
    return 0
