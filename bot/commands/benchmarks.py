"""`perf-review benchmarks PKG_DIR`: print (or write) a compilable perf_review_bench_test.go."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from analyzers.engine import analyze_files
from analyzers.hotpath import classify
from analyzers.package import Package
from analyzers.pprof.mapping import PackageRef, ProfileIndex
from analyzers.pprof.names import module_path_of
from analyzers.pprof.tiers import profile_heat
from analyzers.report.benchmarks import BENCH_FILE, BenchmarkError, benchmark_plan, load_package
from bot.commands.analyze import add_profile_args
from bot.errors import UsageError
from bot.profiles import Loaded, find_default_pgo, load_files, threshold_from_percent


def add_parser(sub: Any) -> None:
    p = sub.add_parser("benchmarks", help="print a benchmark file for a Go package's hot and warm functions")
    p.add_argument("package", type=Path, metavar="PKG_DIR", help="the package directory")
    p.add_argument("--functions", help="comma-separated functions (Name or Recv.Name); default: hot and warm ones")
    p.add_argument("--skip-missing", action="store_true",
                   help="leave out --functions this revision does not define (those a change adds, at its base)")
    p.add_argument("--write", action="store_true", help=f"write {BENCH_FILE} into the package instead of printing")
    add_profile_args(p)
    p.set_defaults(run=run)


def module_root(directory: Path) -> Path | None:
    for parent in [directory.resolve(), *directory.resolve().parents]:
        if (parent / "go.mod").is_file():
            return parent
    return None


def read_package_files(directory: Path) -> dict[str, bytes | None]:
    """The directory's Go files (keyed by name) and the nearest go.mod (keyed as 'go.mod')."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory")
    files: dict[str, bytes | None] = {p.name: p.read_bytes() for p in sorted(directory.glob("*.go")) if p.is_file()}
    root = module_root(directory)
    if root is not None:
        files["go.mod"] = (root / "go.mod").read_bytes()
    return files


def _profiled_selection(pkg: Package, directory: Path, args: argparse.Namespace) -> list[str] | None:
    """With CPU profiles (every default.pgo of the module, and --profile files): the package's hot and warm
    functions by the profiles, hottest first. None when no profile was found."""
    root = module_root(directory)
    found = [] if args.no_default_pgo or root is None else find_default_pgo([root])
    loaded = load_files([*found, *args.profile])
    _report(loaded)
    if not loaded.profiles:
        return None
    ref = _package_ref(pkg, directory, root)
    shares = ProfileIndex(loaded.profiles).package_shares(ref, pkg.funcs)
    heat = profile_heat(classify(pkg), shares, threshold_from_percent(args.profile_threshold))
    chosen = [f for f in pkg.funcs if not f.is_literal and heat[f].tier in ("hot", "warm")]
    chosen.sort(key=lambda f: -(s.cum if (s := shares.share(f)) is not None else 0.0))
    return list(dict.fromkeys(f.qualified_name for f in chosen))


def _package_ref(pkg: Package, directory: Path, root: Path | None) -> PackageRef:
    is_main = any(gf.package == "main" for gf in pkg.files)
    if root is None:
        return PackageRef(None, None, is_main, {gf.path: gf.path for gf in pkg.files})
    rel = directory.resolve().relative_to(root).as_posix()
    files = {gf.path: (gf.path if rel == "." else f"{rel}/{gf.path}") for gf in pkg.files}
    module = module_path_of((root / "go.mod").read_bytes())
    if module is None:
        return PackageRef(None, None, is_main, files)
    return PackageRef(module if rel == "." else f"{module}/{rel}", module, is_main, files)


def _report(loaded: Loaded) -> None:
    for p in loaded.profiles:
        print(f"perf-review: using CPU profile {os.path.relpath(p.source)}", file=sys.stderr)
    for problem in loaded.problems:
        print(f"perf-review: profile {problem.source} not used: {problem.message}", file=sys.stderr)


def finding_lines(files: dict[str, bytes | None]) -> dict[str, list[int]]:
    """Function -> the lines of its findings in the package: what its benchmark must reach."""
    lines: dict[str, list[int]] = {}
    for f in analyze_files({k: v for k, v in files.items() if "/" not in k}).findings:
        lines.setdefault(f.function, []).append(f.line)
    return lines


def run(args: argparse.Namespace) -> int:
    files = read_package_files(args.package)
    pkg = load_package("", files)
    if pkg is None:
        raise UsageError(f"{args.package}: no Go source files")
    names = [n.strip() for n in args.functions.split(",") if n.strip()] if args.functions else None
    known = {f.qualified_name for f in pkg.funcs if not f.is_literal} | {f.name for f in pkg.funcs if not f.is_literal}
    unknown = [n for n in names or () if n not in known]
    if unknown and args.skip_missing and names is not None:
        print(f"perf-review: not in this revision, left out: {', '.join(unknown)}", file=sys.stderr)
        names = [n for n in names if n in known]
    elif unknown:
        raise UsageError(f"{args.package}: no function {', '.join(map(repr, unknown))} in this package")
    if names is None:
        names = _profiled_selection(pkg, args.package, args)
    try:
        plan, code = benchmark_plan(pkg, names, finding_lines(files))
    except BenchmarkError as exc:
        raise UsageError(f"{args.package}: {exc}") from exc
    for p in plan:
        if p.existing:
            print(f"perf-review: {p.name} ({p.file}) already reaches {p.function}", file=sys.stderr)
        elif p.skip_reason:
            print(f"perf-review: {p.name} skips {p.function}: {p.skip_reason}", file=sys.stderr)
        elif p.unbuilt:
            print(f"perf-review: {p.name} skips at run time if {' or '.join(p.unbuilt)} returns an error "
                  "(its input could not be built)", file=sys.stderr)
    if args.write:
        target = args.package / BENCH_FILE
        target.write_text(code)
        print(f"wrote {target}", file=sys.stderr)
    else:
        sys.stdout.write(code)
    return 0
