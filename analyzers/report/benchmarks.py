"""Benchmark plans: for each function, the package's own benchmarks that reach it (found by following
calls from every `Benchmark*`), else a generated one in perf_review_bench_test.go.

A generated benchmark builds inputs that reach the finding's line (see benchpaths, benchbuild), runs
sub-benchmarks over n only where n is the size of what the flagged loop walks, guards the call so a panic
fails that benchmark alone, reports allocations, builds its inputs outside the timed loop, uses
b.RunParallel for methods that take a lock, `for b.Loop()` from Go 1.24 (else the b.N loop), and sinks
its results. Where no input reaches the line it calls b.Skip with the reason. The file always compiles.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analyzers.hotpath import classify
from analyzers.model import FunctionFact, Result
from analyzers.package import Package, build_package, nearest_go_mod
from analyzers.report.benchfile import FileGen
from analyzers.report.benchplan import BENCH_FILE, PlannedBenchmark
from analyzers.report.benchreach import reaches
from analyzers.source import Func, GoFile
from analyzers.testfiles import TestFile
from analyzers.walk import build_file

__all__ = ["BENCH_FILE", "BenchInfo", "BenchmarkError", "PlannedBenchmark", "benchmark_file", "benchmark_plan",
           "benchmarks_in", "join_plan", "load_package", "plan_for_change", "skipped_in", "split_plan"]

_SEPARATOR = re.compile(r"^// ----- (\S+) -----$", re.MULTILINE)
_MEASURES = re.compile(r"^// (Benchmark\w+) measures (\S+) \((\S+)\)\.$", re.MULTILINE)
_COMMENT = re.compile(r"//[^\n]*")
# A generated benchmark that calls b.Skip; also the comment older plans had for a function left out.
_SKIPPED = re.compile(r"^// (?:Benchmark\w+ skips (\S+) \(\S+\): (.*)|perf-review: no benchmark for (\S+) \((.*)\))\.$",
                      re.MULTILINE)


class BenchmarkError(ValueError):
    """A request for benchmarks that cannot be met (unknown function names)."""


@dataclass(frozen=True)
class BenchInfo:
    """A benchmark as the review shows it."""

    name: str
    function: str
    location: str  # the function's file and line: "store.go:42"
    directory: str = ""  # the package's directory
    existing: bool = False  # the package's own benchmark (else generated into BENCH_FILE)
    file: str = BENCH_FILE  # the _test.go file holding it
    reaches: tuple[str, ...] = ()  # existing ones: the call path from the benchmark to the function
    skip_reason: str | None = None


def benchmark_file(pkg: Package, functions: Sequence[str] | None = None) -> str:
    """perf_review_bench_test.go for pkg: the named functions (plain or Recv.Name), or by default every
    hot or warm function. Raises BenchmarkError for a name the package does not define."""
    return FileGen(pkg).generate(_select(pkg, functions))


def benchmark_plan(
    pkg: Package, functions: Sequence[str] | None = None, lines: Mapping[str, Sequence[int]] | None = None,
    like: Sequence[PlannedBenchmark] | None = None,
) -> tuple[list[PlannedBenchmark], str]:
    """The plan for the named functions (default: hot and warm ones), existing benchmarks first, and the
    text of BENCH_FILE holding only the generated (missing) ones. `lines` maps a function to the finding
    lines its benchmark must reach. `like`: another revision's plan (head's, when planning base) whose
    generated benchmarks this one copies by name and sizes, so that benchstat can pair them even where
    only one revision's code grows with n. Raises BenchmarkError for a name the package does not define."""
    chosen = _select(pkg, functions)
    found = reaches(pkg)
    existing: list[PlannedBenchmark] = []
    missing: list[Func] = []
    for func in chosen:
        hits = found.get(func.qualified_name, [])
        if not hits:
            missing.append(func)
        for r in hits:
            existing.append(PlannedBenchmark(r.bench, func.qualified_name, True, r.file, r.path))
    gen = FileGen(pkg, dict(lines or {}), like)
    code = gen.generate(missing, existing)
    return existing + gen.planned, code


def _select(pkg: Package, functions: Sequence[str] | None) -> list[Func]:
    candidates = [f for f in pkg.funcs if not f.is_literal]
    if functions is None:
        heat = classify(pkg)
        return [f for f in candidates if heat[f].tier in ("hot", "warm")]
    chosen: list[Func] = []
    for name in functions:
        found = [f for f in candidates if name in (f.qualified_name, f.name)]
        if not found:
            raise BenchmarkError(f"no function {name!r} in package {pkg.dir or '.'}")
        chosen.extend(f for f in found if f not in chosen)
    return chosen


def load_package(directory: str, files: Mapping[str, bytes | None]) -> Package | None:
    """The package in `directory` (a '/'-separated key prefix of files), or None when it has no Go source."""
    go_mods = {p: s for p, s in files.items() if p.endswith("go.mod") and s is not None}
    sources: list[GoFile] = []
    tests: list[TestFile] = []
    for path in sorted(files):
        src = files[path]
        if src is None or not path.endswith(".go") or posixpath.dirname(path) != directory:
            continue
        if path.rsplit("/", 1)[-1] == BENCH_FILE:
            continue
        if path.endswith("_test.go"):
            tests.append(TestFile(path, src))
        else:
            sources.append(build_file(path, src))
    if not sources:
        return None
    return build_package(directory, sources, tests, nearest_go_mod(sources[0].path, go_mods))


def plan_for_change(result: Result, head: Mapping[str, bytes | None],
                    order: Callable[[list[FunctionFact]], list[FunctionFact]] | None = None) -> str | None:
    """The benchmark plan for a change: one file per package with hot or warm touched functions. `order`
    may rearrange the functions (files then follow their first function); by default packages come in
    directory order and functions in source order."""
    facts = [f for f in result.functions if f.change is not None and f.hot_path in ("hot", "warm")]
    if order is not None:
        facts = order(facts)
    by_dir: dict[str, list[str]] = {}
    for fact in facts:
        names = by_dir.setdefault(fact.package, [])
        if fact.qualified_name not in names:
            names.append(fact.qualified_name)
    files: dict[str, str] = {}
    for directory, names in by_dir.items() if order is not None else sorted(by_dir.items()):
        pkg = load_package(directory, head)
        if pkg is None:
            continue
        present = {f.qualified_name for f in pkg.funcs if not f.is_literal}
        lines: dict[str, list[int]] = {}
        for finding in result.findings:
            if posixpath.dirname(finding.file) == directory:
                lines.setdefault(finding.function, []).append(finding.line)
        _, code = benchmark_plan(pkg, [n for n in names if n in present], lines)
        files[posixpath.join(directory, BENCH_FILE)] = code
    return join_plan(files) if files else None


def join_plan(files: Mapping[str, str]) -> str:
    return "\n".join(f"// ----- {path} -----\n{code}" for path, code in files.items())


def split_plan(plan: str) -> list[tuple[str, str]]:
    """(path, code) per file of a plan made by join_plan; a bare file comes back with path BENCH_FILE."""
    marks = list(_SEPARATOR.finditer(plan))
    if not marks:
        return [(BENCH_FILE, plan)] if plan.strip() else []
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(plan)
        out.append((m.group(1), plan[m.end() :end].strip("\n") + "\n"))
    return out


def benchmarks_in(code: str, directory: str = "") -> list[BenchInfo]:
    return [BenchInfo(m.group(1), m.group(2), m.group(3), directory) for m in _MEASURES.finditer(code)]


def skipped_in(code: str) -> list[tuple[str, str]]:
    return [(m.group(1) or m.group(3), m.group(2) or m.group(4)) for m in _SKIPPED.finditer(code)]
