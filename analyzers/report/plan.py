"""The benchmark plan a review carries: for the hot and warm touched functions that have new findings,
the package's own benchmarks that already reach them first, then generated ones for the rest
(`perf-review benchmarks PKG_DIR` prints the full plan for every hot and warm function)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analyzers.model import FunctionFact, Result
from analyzers.report.benchgen import where
from analyzers.report.benchmarks import BENCH_FILE, BenchInfo, benchmark_plan, join_plan, load_package
from analyzers.report.benchplan import PlannedBenchmark

EXISTING_PER_FUNCTION = 3  # a function many benchmarks reach: the closest few are listed and run


@dataclass(frozen=True)
class ReviewPlan:
    """Per package: its file of generated benchmarks, and every benchmark of the plan (existing first)."""

    files: tuple[tuple[str, str], ...]  # (directory/perf_review_bench_test.go, its text)
    benches: tuple[BenchInfo, ...]  # existing (closest few per function) then generated, per package
    skips: tuple[tuple[str, str], ...]  # (function, why its generated benchmark skips)
    more: tuple[tuple[str, int], ...] = ()  # (function, how many more existing benchmarks reach it)

    def text(self) -> str:
        """The files as one text (the form `plan_for_change` returns)."""
        return join_plan(dict(self.files))


def review_plan(result: Result, head: Mapping[str, bytes | None],
                order: Callable[[list[FunctionFact]], list[FunctionFact]] | None = None) -> ReviewPlan | None:
    """The plan for the hot and warm touched functions with new findings, or None when there are none.
    `order` may rearrange the functions (the profile-hottest first, when a CPU profile covers them);
    by default packages come in directory order and functions in source order."""
    flagged = {(f.file, f.function) for f in result.findings if f.status != "pre-existing"}
    facts = [fa for fa in result.functions if (fa.file, fa.qualified_name) in flagged
             and fa.change is not None and fa.hot_path in ("hot", "warm")]
    if order is not None:
        facts = order(facts)
    by_dir: dict[str, list[str]] = {}
    for fact in facts:
        names = by_dir.setdefault(fact.package, [])
        if fact.qualified_name not in names:
            names.append(fact.qualified_name)
    files: list[tuple[str, str]] = []
    benches: list[BenchInfo] = []
    skips: list[tuple[str, str]] = []
    more: list[tuple[str, int]] = []
    for directory, names in by_dir.items() if order is not None else sorted(by_dir.items()):
        pkg = load_package(directory, head)
        if pkg is None:
            continue
        funcs = {f.qualified_name: f for f in pkg.funcs if not f.is_literal}
        lines: dict[str, list[int]] = {}
        for finding in result.findings:
            if posixpath.dirname(finding.file) == directory:
                lines.setdefault(finding.function, []).append(finding.line)
        planned, code = benchmark_plan(pkg, [n for n in names if n in funcs], lines)
        located = {name: where(f) for name, f in funcs.items()}
        shown, extra = _existing(planned)
        benches += [_info(p, directory, located) for p in shown]
        more += extra
        generated = [p for p in planned if not p.existing]
        benches += [_info(p, directory, located) for p in generated]
        skips += [(p.function, p.skip_reason) for p in generated if p.skip_reason]
        if generated:
            files.append((posixpath.join(directory, BENCH_FILE), code))
    if not benches:
        return None
    return ReviewPlan(tuple(files), tuple(benches), tuple(skips), tuple(more))


def _existing(planned: Sequence[PlannedBenchmark]) -> tuple[list[PlannedBenchmark], list[tuple[str, int]]]:
    """The closest few existing benchmarks of each function (the plan lists shortest paths first)."""
    shown: list[PlannedBenchmark] = []
    count: dict[str, int] = {}
    for p in planned:
        if not p.existing:
            continue
        count[p.function] = count.get(p.function, 0) + 1
        if count[p.function] <= EXISTING_PER_FUNCTION:
            shown.append(p)
    return shown, [(f, k - EXISTING_PER_FUNCTION) for f, k in count.items() if k > EXISTING_PER_FUNCTION]


def _info(p: PlannedBenchmark, directory: str, located: Mapping[str, str]) -> BenchInfo:
    return BenchInfo(p.name, p.function, located.get(p.function, ""), directory=directory, existing=p.existing,
                     file=p.file.rsplit("/", 1)[-1], reaches=p.reaches, skip_reason=p.skip_reason)
