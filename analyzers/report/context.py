"""Everything the review's sections need, computed once from the engine's Result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from analyzers.model import SEVERITY_ORDER, TIER_ORDER, Finding, FunctionFact, Result
from analyzers.report.advice import Advice, advice_for
from analyzers.report.benchmarks import BenchInfo, benchmarks_in, skipped_in, split_plan
from analyzers.report.costs import Range, RuleCost, per_call, per_iter, rule_cost
from analyzers.report.md import code
from analyzers.report.measured import Measurement
from analyzers.report.profile_notes import share_weighted

META_CATEGORY = "meta"


@dataclass
class FuncStats:
    fact: FunctionFact
    findings: list[Finding] = field(default_factory=list)
    allocs_call: int = 0
    allocs_iter: int = 0
    growth_sites: int = 0
    cost_call: Range = field(default_factory=Range)
    cost_iter: Range = field(default_factory=Range)
    bench: BenchInfo | None = None

    @property
    def name(self) -> str:
        return self.fact.qualified_name


@dataclass
class ReviewContext:
    result: Result
    new: list[Finding]
    pre: list[Finding]
    fixed: list[Finding]
    funcs: list[FuncStats]
    bench_files: list[tuple[str, str]]
    benches: list[BenchInfo]
    bench_skips: list[tuple[str, str]]
    go_files: int
    measured: Measurement | None = None  # perf-review measure's figures for this head, when the App has them

    @property
    def current(self) -> list[Finding]:
        return self.new + self.pre

    @property
    def hot_warm(self) -> list[FuncStats]:
        return [s for s in self.funcs if s.fact.hot_path in ("hot", "warm")]

    def stats_for(self, f: Finding) -> FuncStats | None:
        for s in self.funcs:
            if s.fact.file == f.file and s.fact.qualified_name == f.function:
                return s
        return None

    def tier_counts(self) -> dict[str, int]:
        return {t: sum(1 for s in self.funcs if s.fact.hot_path == t) for t in ("hot", "warm", "cold")}


def cost_of(f: Finding) -> RuleCost:
    return rule_cost(f.rule, f.category)


def advice_of(f: Finding) -> Advice:
    return advice_for(f.rule, f.category)


def where(f: Finding) -> str:
    return f"{f.file}:{f.line}"


def short_where(f: Finding) -> str:
    return f"{f.file.rsplit('/', 1)[-1]}:{f.line}"


def fn(name: str) -> str:
    return code(name)


def rank_key(f: Finding) -> tuple[float, ...]:
    """Most important first: new, severe, hot, then the estimated cost (per iteration weighs most)
    weighted by the function's CPU share where a profile covers it."""
    rc = cost_of(f)
    weight = per_iter(rc).high * 100 + per_call(rc).high
    return (
        0 if f.status != "pre-existing" else 1,
        -SEVERITY_ORDER[f.severity],
        -TIER_ORDER[f.hot_path],
        -share_weighted(f, weight),  # with a CPU profile: share times estimated cost
        -weight,
        0 if f.category != META_CATEGORY else 1,
    )


def ranked(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (*rank_key(f), f.file, f.line, f.rule))


def build_context(result: Result, previous: Sequence[Finding] | None, benchmarks: str | None) -> ReviewContext:
    new = [f for f in result.findings if f.status != "pre-existing"]
    pre = [f for f in result.findings if f.status == "pre-existing"]
    current = {f.fingerprint for f in result.findings}
    fixed = [f for f in (previous or []) if f.fingerprint not in current]
    bench_files = split_plan(benchmarks) if benchmarks else []
    benches = [b for _, c in bench_files for b in benchmarks_in(c)]
    skips = [s for _, c in bench_files for s in skipped_in(c)]
    order = {"hot": 0, "warm": 1, "cold": 2}
    facts = sorted(result.functions, key=lambda fa: (order[fa.hot_path], fa.file, fa.start_line))
    funcs = [_stats(fa, result.findings, benches) for fa in facts]
    go_files = len(result.files)
    return ReviewContext(result, new, pre, fixed, funcs, bench_files, benches, skips, go_files)


def _stats(fact: FunctionFact, findings: Sequence[Finding], benches: Sequence[BenchInfo]) -> FuncStats:
    s = FuncStats(fact)
    s.findings = [f for f in findings if f.file == fact.file and f.function == fact.qualified_name]
    for f in s.findings:
        rc = cost_of(f)
        s.allocs_call += 1 if rc.allocs_call else 0
        s.allocs_iter += 1 if rc.allocs_iter else 0
        s.growth_sites += 1 if rc.log_growth else 0
        s.cost_call = s.cost_call + per_call(rc)
        s.cost_iter = s.cost_iter + per_iter(rc)
    base = fact.file.rsplit("/", 1)[-1]
    for b in benches:
        if b.function == fact.qualified_name and b.location.startswith(base + ":"):
            s.bench = b
    return s
