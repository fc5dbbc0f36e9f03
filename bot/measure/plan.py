"""Which benchmarks a measurement runs, on which side: the touched hot and warm functions of a change,
each package's benchmark plan at head, and the same plan at base for the functions that exist there.

`benchmark_plan` is the one place that knows how the analyzer plans benchmarks (issue 11's interface:
existing benchmarks that reach a function first, then generated ones); everything else here works on
its PlannedBenchmark values.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.model import Result
from analyzers.package import Package
from analyzers.report.benchmarks import BENCH_FILE, benchmark_file, benchmarks_in, load_package, skipped_in


@dataclass(frozen=True)
class PlannedBenchmark:
    """One benchmark of a plan (the shape of analyzers.report.benchmarks.PlannedBenchmark, issue 11)."""

    name: str
    function: str
    existing: bool
    file: str
    reaches: bool | None = None
    skip_reason: str | None = None
    sizes: tuple[int, ...] = ()


def benchmark_plan(pkg: Package, functions: Sequence[str] | None = None,
                   lines: Mapping[str, Sequence[int]] | None = None) -> tuple[list[PlannedBenchmark], str]:
    """The plan for pkg's functions and the generated file's text. Today: generated benchmarks only."""
    text = benchmark_file(pkg, functions)
    planned = [PlannedBenchmark(b.name, b.function, False, BENCH_FILE) for b in benchmarks_in(text)]
    planned += [PlannedBenchmark("", name, False, "", skip_reason=why) for name, why in skipped_in(text)]
    return planned, text


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
        return posixpath.join(self.directory, file) if file else ""

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


def _side(pkg: Package, names: list[str]) -> tuple[SidePlan, list[tuple[str, str]]]:
    planned, text = benchmark_plan(pkg, names)
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
        head_side, skipped = _side(head_pkg, names)
        base_pkg = load_package(directory, base)
        base_side = None
        if base_pkg is not None:
            at_base = {f.qualified_name for f in base_pkg.funcs if not f.is_literal}
            base_names = [n for n in names if n in at_base]
            if base_names:
                base_side, _ = _side(base_pkg, base_names)
        plans.append(PackagePlan(directory, head_side, base_side, skipped))
    return plans
