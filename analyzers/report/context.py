"""Everything the review's sections need, computed once from the engine's Result, in time linear in
the number of functions, findings and benchmarks (a 9,000-function file must not cost minutes here)."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

from analyzers.model import SEVERITY_ORDER, TIER_ORDER, Finding, FunctionFact, Result
from analyzers.report.advice import Advice, advice_for
from analyzers.report.benchmarks import BenchInfo, benchmarks_in, skipped_in, split_plan
from analyzers.report.estimate import Estimate, estimate
from analyzers.report.md import code
from analyzers.report.measured import Measurement
from analyzers.report.plan import ReviewPlan
from analyzers.report.profile_notes import share_weighted

META_CATEGORY = "meta"


@dataclass
class FuncStats:
    fact: FunctionFact
    findings: list[Finding] = field(default_factory=list)
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
    bench_more: list[tuple[str, int]] = field(default_factory=list)  # functions more existing benchmarks reach
    # Per current finding (keyed by id()): its estimate and its number in the findings table.
    estimates: dict[int, Estimate] = field(default_factory=dict)
    numbers: dict[int, int] = field(default_factory=dict)
    by_function: dict[tuple[str, str], FuncStats] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the caller says about its input
    measured: Measurement | None = None  # perf-review measure's figures for this head, when the App has them

    @property
    def current(self) -> list[Finding]:
        return self.new + self.pre

    @property
    def hot_warm(self) -> list[FuncStats]:
        return [s for s in self.funcs if s.fact.hot_path in ("hot", "warm")]

    @property
    def with_findings(self) -> list[FuncStats]:
        return [s for s in self.funcs if s.findings]

    def stats_for(self, f: Finding) -> FuncStats | None:
        return self.by_function.get((f.file, f.function))

    def est(self, f: Finding) -> Estimate:
        found = self.estimates.get(id(f))
        if found is None:
            stats = self.stats_for(f)
            found = self.estimates[id(f)] = estimate(f, stats.fact.params if stats else ())
        return found

    def num(self, f: Finding) -> str:
        n = self.numbers.get(id(f))
        return f"#{n}" if n else ""

    def tier_counts(self) -> dict[str, int]:
        counts = {"hot": 0, "warm": 0, "cold": 0}
        for s in self.funcs:
            counts[s.fact.hot_path] += 1
        return counts


def notable_skips(ctx: ReviewContext, shown: int = 5) -> str:
    """Skipped files worth a reader's attention: not tests (read for benchmarks) and not deletions."""
    skips = [s for s in ctx.result.skipped if not s.reason.startswith(("test file", "deleted"))]
    text = ", ".join(f"{code(s.file)} ({s.reason})" for s in skips[:shown])
    return text + (f" …and {len(skips) - shown:,} more" if len(skips) > shown else "")


def advice_of(f: Finding) -> Advice:
    return advice_for(f.rule, f.category)


def where(f: Finding) -> str:
    return f"{f.file}:{f.line}"


def short_where(f: Finding) -> str:
    return f"{f.file.rsplit('/', 1)[-1]}:{f.line}"


def fn(name: str) -> str:
    return code(name)


def rank_key(f: Finding, est: Estimate) -> tuple[float, ...]:
    """Most important first: new, severe, hot, the CPU share where a profile covers the function, then the
    estimated cost."""
    return (
        0 if f.status != "pre-existing" else 1,
        -SEVERITY_ORDER[f.severity],
        -TIER_ORDER[f.hot_path],
        # A CPU profile's share is measured and bounds what a fix can gain: it ranks first, then the
        # estimate (share times an estimate at n = 1,000 would let the guess outweigh the measurement).
        -share_weighted(f, 1.0),
        -est.cost.high,
        0 if f.category != META_CATEGORY else 1,
    )


def build_context(result: Result, previous: Sequence[Finding] | None,
                  benchmarks: str | ReviewPlan | None) -> ReviewContext:
    new = [f for f in result.findings if f.status != "pre-existing"]
    pre = [f for f in result.findings if f.status == "pre-existing"]
    current = {f.fingerprint for f in result.findings}
    fixed = [f for f in (previous or []) if f.fingerprint not in current]
    if isinstance(benchmarks, ReviewPlan):
        bench_files, benches = list(benchmarks.files), list(benchmarks.benches)
        skips, more = list(benchmarks.skips), list(benchmarks.more)
    else:  # a plan's text (plan_for_change): only its generated benchmarks are known
        bench_files = split_plan(benchmarks) if benchmarks else []
        benches = [b for path, c in bench_files for b in benchmarks_in(c, posixpath.dirname(path))]
        skips, more = [s for _, c in bench_files for s in skipped_in(c)], []
    order = {"hot": 0, "warm": 1, "cold": 2}
    facts = sorted(result.functions, key=lambda fa: (order[fa.hot_path], fa.file, fa.start_line))
    funcs = _stats(facts, result.findings, benches)
    ctx = ReviewContext(result, new, pre, fixed, funcs, bench_files, benches, skips, len(result.files), more)
    ctx.by_function = {(s.fact.file, s.name): s for s in funcs}
    for f in result.findings:
        ctx.est(f)
    ctx.new, ctx.pre = ranked(ctx, new), ranked(ctx, pre)
    ctx.numbers = {id(f): i for i, f in enumerate(ctx.current, 1)}
    return ctx


def ranked(ctx: ReviewContext, findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (*rank_key(f, ctx.est(f)), f.file, f.line, f.rule))


def _stats(facts: Sequence[FunctionFact], findings: Sequence[Finding], benches: Sequence[BenchInfo]) -> list[FuncStats]:
    """Findings and benchmarks joined to their functions through indexes, never by rescanning."""
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        by_key.setdefault((f.file, f.function), []).append(f)
    bench_by: dict[tuple[str, str], BenchInfo] = {}
    for b in benches:
        bench_by.setdefault((b.function, b.location.split(":", 1)[0]), b)  # existing ones come first
    out = []
    for fact in facts:
        s = FuncStats(fact, by_key.get((fact.file, fact.qualified_name), []))
        s.bench = bench_by.get((fact.qualified_name, fact.file.rsplit("/", 1)[-1]))
        out.append(s)
    return out
