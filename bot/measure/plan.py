"""Which benchmarks a measurement runs, on which side: the touched hot and warm functions of a change,
each package's benchmark plan at head (analyzers.report.benchmarks.benchmark_plan: existing benchmarks
that reach a function first, then generated ones, aimed at the lines of the change's findings), and the
plan at base for the functions that exist there.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.model import Result
from analyzers.package import Package
from analyzers.report.benchmarks import PlannedBenchmark, benchmark_plan, load_package


@dataclass
class SidePlan:
    """One side's benchmarks of one package: what to run and the generated file to write first."""

    benchmarks: list[PlannedBenchmark]
    generated: str


@dataclass
class PackagePlan:
    directory: str  # '/'-separated, relative to the repository root ("" for the root)
    head: SidePlan
    base: SidePlan | None  # None: the package does not exist at base
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def rel(self, file: str) -> str:
        """A benchmark's file relative to the repository root (a package's tests live in its folder)."""
        return posixpath.join(self.directory, posixpath.basename(file)) if file else ""

    def pairs(self) -> list[tuple[PlannedBenchmark, PlannedBenchmark | None]]:
        """Each head benchmark with its base twin (same function, same name when it can), or None: head only."""
        base = list(self.base.benchmarks) if self.base else []
        out: list[tuple[PlannedBenchmark, PlannedBenchmark | None]] = []
        for h in self.head.benchmarks:
            twin = next((b for b in base if b.function == h.function and b.name == h.name), None)
            twin = twin or next((b for b in base if b.function == h.function and b.existing == h.existing), None)
            if twin is not None:
                base.remove(twin)
            out.append((h, twin))
        return out


def touched(result: Result) -> dict[str, list[str]]:
    """Package directory -> touched hot or warm functions (qualified names), as the review plans them."""
    by_dir: dict[str, list[str]] = {}
    for fact in result.functions:
        if fact.change is not None and fact.hot_path in ("hot", "warm"):
            names = by_dir.setdefault(fact.package, [])
            if fact.qualified_name not in names:
                names.append(fact.qualified_name)
    return by_dir


def finding_lines(result: Result, directory: str) -> dict[str, list[int]]:
    """Function -> the head lines of its findings in this package: what its benchmark should reach."""
    out: dict[str, list[int]] = {}
    for f in result.findings:
        if posixpath.dirname(f.file) == directory and f.status != "pre-existing":
            out.setdefault(f.function, []).append(f.line)
    return out


def _side(pkg: Package, names: list[str],
          lines: Mapping[str, Sequence[int]] | None = None) -> tuple[SidePlan, list[tuple[str, str]]]:
    planned, text = benchmark_plan(pkg, names, lines)
    runnable = [p for p in planned if p.skip_reason is None and p.name]
    skipped = [(p.function, p.skip_reason or "no benchmark") for p in planned if p.skip_reason is not None]
    return SidePlan(runnable, text), skipped


def plan_change(result: Result, head: Mapping[str, bytes | None],
                base: Mapping[str, bytes | None]) -> list[PackagePlan]:
    plans: list[PackagePlan] = []
    for directory, names in sorted(touched(result).items()):
        head_pkg = load_package(directory, head)
        if head_pkg is None:
            continue
        present = {f.qualified_name for f in head_pkg.funcs if not f.is_literal}
        names = [n for n in names if n in present]
        if not names:
            continue
        head_side, skipped = _side(head_pkg, names, finding_lines(result, directory))
        base_pkg = load_package(directory, base)
        base_side = None
        if base_pkg is not None:
            at_base = {f.qualified_name for f in base_pkg.funcs if not f.is_literal}
            base_names = [n for n in names if n in at_base]
            if base_names:
                base_side, _ = _side(base_pkg, base_names)
        plans.append(PackagePlan(directory, head_side, base_side, skipped))
    return plans
