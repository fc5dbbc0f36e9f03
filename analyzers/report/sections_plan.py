"""Performance Targets, Benchmark Plan, Risks, Recommendations and Next Steps."""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

import posixpath

from analyzers.model import Finding
from analyzers.report.advice import Risk
from analyzers.report.benchmarks import BENCH_FILE
from analyzers.report.context import FuncStats, ReviewContext, advice_of, cost_of, fn, ranked, short_where
from analyzers.report.costs import Range, fmt_cost, fmt_range, per_call, per_iter
from analyzers.report.limits import Block
from analyzers.report.md import checkbox, code, details, fenced, numbered, plural, table
from analyzers.report.measured import Measurement, benchmark_note, function_note
from analyzers.report.sections_design import add_items

TARGET_N = 1_000
MAX_NAMED = 20  # beyond this, commands select benchmarks by tier instead of by name


def _bench_ref(s: FuncStats) -> str:
    return f" — {code(s.bench.name)}" if s.bench else ""


def _target(s: FuncStats, measured: Measurement | None = None) -> str:
    return _estimate_target(s) + function_note(measured, s.fact.package, s.name)


def _estimate_target(s: FuncStats) -> str:
    head = f"{fn(s.name)} ({s.fact.hot_path}){_bench_ref(s)}:"
    if s.fact.change == "added":
        base = "new in this change, so there is no base to compare: record allocs/op and time/op as the baseline"
        if s.allocs_iter or s.growth_sites:
            base += "; allocs/op should not grow with n once the findings are fixed"
        return f"{head} {base}."
    if not s.findings:
        return f"{head} no regression against base — allocs/op equal, time/op within benchstat noise."
    parts = []
    if s.allocs_iter:
        parts.append(f"allocs/op from ~{s.allocs_iter}·n today (est.) to a constant independent of n")
    elif s.allocs_call or s.growth_sites:
        sites = s.allocs_call + s.growth_sites
        parts.append(f"allocs/op down by the {sites} flagged allocation site{'s' if sites > 1 else ''}")
    saved = Range(s.cost_iter.low * TARGET_N, s.cost_iter.high * TARGET_N) + s.cost_call
    if saved:
        parts.append(f"time/op at n={TARGET_N:,} lower than base by {fmt_range(saved)}")
    if not parts:
        parts.append("time/op and allocs/op no worse than base")
    return f"{head} " + "; ".join(parts) + "."


def targets(ctx: ReviewContext) -> Block:
    block = Block("Performance Targets")
    items = [_target(s, ctx.measured) for s in ctx.hot_warm]
    if not items:
        block.add("No hot or warm function is touched: no targets.")
        return block
    block.add("Per hot or warm function, relative to today (targets derive from the cost model: estimates):")
    add_items(block, [f"- [ ] {i}" for i in items], "targets", shown=20)
    return block


def _pattern(names: list[str]) -> str:
    return "^(" + "|".join(names) + ")$"


def _commands(ctx: ReviewContext) -> str:
    r = ctx.result
    base, head = (r.base or "BASE")[:12], (r.head or "HEAD")[:12]
    lines = []
    for path, code_text in ctx.bench_files:
        directory = posixpath.dirname(path) or "."
        target = directory if directory == "." else "./" + directory
        in_file = [b for b in ctx.benches if f"func {b.name}(" in code_text]
        funcs = [b.function for b in in_file]
        added = {s.name for s in ctx.funcs if s.fact.change == "added"}
        at_base = [b for b in in_file if b.function not in added]
        if not in_file:
            continue
        if len(in_file) > MAX_NAMED:
            lines += [f"git checkout {base}", f"perf-review benchmarks {target} --write",
                      f"go test -run '^$' -bench . -benchmem -count 10 {target} > old.txt",
                      f"git checkout {head}", f"perf-review benchmarks {target} --write",
                      f"go test -run '^$' -bench . -benchmem -count 10 {target} > new.txt"]
            continue
        if at_base:
            lines += [f"git checkout {base}",
                      f"perf-review benchmarks {target} --functions {','.join(b.function for b in at_base)} --write",
                      f"go test -run '^$' -bench '{_pattern([b.name for b in at_base])}' -benchmem -count 10 "
                      f"{target} > old.txt"]
        lines += [f"git checkout {head}",
                  f"perf-review benchmarks {target} --functions {','.join(funcs)} --write",
                  f"go test -run '^$' -bench '{_pattern([b.name for b in in_file])}' -benchmem -count 10 "
                  f"{target} > new.txt"]
    lines += ["# go install golang.org/x/perf/cmd/benchstat@latest", "benchstat old.txt new.txt"]
    return fenced("\n".join(lines), "sh")


def bench_plan(ctx: ReviewContext) -> Block:
    block = Block("Benchmark Plan")
    if not ctx.benches:
        why = "no hot or warm function is touched" if not ctx.hot_warm else "no benchmark was generated"
        block.add(f"No benchmarks: {why}. `perf-review benchmarks PKG_DIR --functions A,B` prints one for any "
                  "function.")
        return block
    package = {s.bench.name: s.fact.package for s in ctx.funcs if s.bench}
    items = [f"{code(b.name)} → {fn(b.function)} ({b.location})"
             + benchmark_note(ctx.measured, package.get(b.name, ""), b.name) for b in ctx.benches]
    items += [f"no benchmark for {fn(name)}: {why}" for name, why in ctx.bench_skips]
    block.add(
        "Each benchmark reports allocations, builds its input outside the timed loop, runs sub-benchmarks over "
        "input sizes (n=10, 100, 1,000) for sizeable inputs and `b.RunParallel` for functions that take locks. Fill "
        "in the `TODO`s with realistic input first."
    )
    add_items(block, [f"- {i}" for i in items], "benchmarks", shown=MAX_NAMED)
    block.add("Run on base and head, then compare (benchmarks of functions added here exist only at head):")
    block.add(_commands(ctx))
    for path, code_text in ctx.bench_files:
        label = f"{path} ({code_text.count('// Benchmark')} benchmarks)"
        block.add(details(label, fenced(code_text, "go")), optional=True,
                  label=f"the code of {path}; print it with `perf-review benchmarks {posixpath.dirname(path) or '.'}`")
    return block


def _finding_risk(f: Finding) -> Risk:
    rc = cost_of(f)
    cost = " + ".join(x for x in (
        f"{fmt_range(per_iter(rc))} per iteration" if per_iter(rc) else "",
        f"{fmt_range(per_call(rc))} per call" if per_call(rc) else "") if x) or "correctness or resource use"
    probability = "high" if f.hot_path == "hot" else "medium" if f.hot_path == "warm" else "low"
    return Risk(f"{code(f.rule)} in {fn(f.function)} ({short_where(f)}) ships on a {f.hot_path} path",
                probability, cost, f"{advice_of(f).fix}; confirm with the benchmark plan")


def risks(ctx: ReviewContext) -> Block:
    block = Block("Risks")
    found: list[Risk] = [_finding_risk(f) for f in ranked(ctx.new)[:5] if f.severity != "info"]
    seen: set[str] = set()
    for f in ranked(ctx.current):
        fix = advice_of(f).fix_risk
        if fix is not None and fix.text not in seen:
            seen.add(fix.text)
            found.append(Risk(f"Fixing {code(f.rule)}: {fix.text}", fix.probability, fix.impact, fix.mitigation))
    if any(s.fact.takes_lock for s in ctx.hot_warm):
        found.append(Risk("lock contention on a hot path grows with concurrency", "medium",
                          f"{fmt_cost('mutex')} uncontended, queueing under load",
                          "run the `b.RunParallel` benchmarks with `-cpu 1,4,16`"))
    if ctx.result.skipped:
        found.append(Risk(f"{len(ctx.result.skipped)} file(s) were not analysed (see Next Steps)", "low",
                          "findings there are missing", "review them by hand"))
    found.append(Risk("the estimates here come from a cost model, not from measurements", "medium",
                      "priorities could be off", "run the benchmark plan; trust benchstat over this review"))
    block.add(table(("Risk", "Probability", "Impact", "Mitigation"),
                    [[r.text, r.probability, r.impact, r.mitigation] for r in found]))
    return block


def _recommendation(group: list[Finding]) -> str:
    f = group[0]
    adv = advice_of(f)
    status = "pre-existing" if f.status == "pre-existing" else "new"
    where = f"{f.file}:{', '.join(str(g.line) for g in group[:5])}{', …' if len(group) > 5 else ''}"
    gain = " + ".join(x for x in (
        f"{fmt_range(per_iter(cost_of(f)))} per iteration" if per_iter(cost_of(f)) else "",
        f"{fmt_range(per_call(cost_of(f)))} per call" if per_call(cost_of(f)) else "") if x)
    extra = f" Expected gain: {gain} at each site." if gain else ""
    return (f"**{adv.fix[:1].upper()}{adv.fix[1:]}** in {fn(f.function)} — {code(f.rule)} at {code(where)} "
            f"({f.hot_path}, {status}, {f.severity}): {adv.why}.{extra}")


def recommendation_groups(ctx: ReviewContext) -> list[list[Finding]]:
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for f in ranked(ctx.current):
        out.setdefault((f.rule, f.file, f.function), []).append(f)
    return list(out.values())


def recommendations(ctx: ReviewContext) -> Block:
    block = Block("Recommendations")
    items = [_recommendation(g) for g in recommendation_groups(ctx)]
    if not items:
        block.add("None: nothing in the touched code needs changing.")
        return block
    block.add("Ranked by status (new first), severity, hot-path tier and estimated cost:")
    block.add(numbered(items[:15]))
    if len(items) > 15:
        block.add(details(f"{len(items) - 15} more recommendations", numbered(items[15:], start=16)),
                  optional=True, label=f"{len(items) - 15} lower-ranked recommendations")
    return block


def next_steps(ctx: ReviewContext) -> Block:
    block = Block("Next Steps")
    steps = []
    if ctx.new:
        first = min(3, sum(1 for g in recommendation_groups(ctx) if g[0].status != "pre-existing"))
        start = "recommendation 1" if first == 1 else f"recommendations 1–{first}"
        steps.append(f"Fix or justify the {plural(len(ctx.new), 'new finding')}, starting with {start}")
    if ctx.benches:
        steps.append(f"Fill in the TODOs of `{BENCH_FILE}` and run the benchmark plan on base and head")
        steps.append("Compare with `benchstat old.txt new.txt` and tick the Performance Targets that hold")
    steps.append("Mark intentional patterns with `//perf-review:ignore <rule-id> <reason>` on or above the line")
    if ctx.result.skipped:
        names = ", ".join(code(s.file) for s in ctx.result.skipped[:5])
        steps.append(f"Review by hand what was skipped: {names}" + (" …" if len(ctx.result.skipped) > 5 else ""))
    steps.append("Push again (or comment `/perf-review`) for a fresh review")
    block.add(checkbox(steps))
    return block


def plan_sections(ctx: ReviewContext) -> list[Block]:
    return [targets(ctx), bench_plan(ctx), risks(ctx), recommendations(ctx), next_steps(ctx)]
