"""Performance Targets, Benchmark Plan, Risks, Recommendations and Next Steps."""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

import posixpath
import re

from analyzers.model import Finding
from analyzers.report.benchmarks import BenchInfo
from analyzers.report.context import FuncStats, ReviewContext, advice_of, fn
from analyzers.report.costs import COSTS, Range, fmt_range
from analyzers.report.estimate import Estimate, N
from analyzers.report.limits import Block
from analyzers.report.md import code, details, fenced, numbered, plural
from analyzers.report.measured import benchmark_note, function_note
from analyzers.report.sections_design import add_items, refs

MAX_NAMED = 20  # beyond this, commands select benchmarks by tier instead of by name
SCALE = 10


def _target(ctx: ReviewContext, s: FuncStats) -> str:
    """One function's target: what its benchmark should show once its findings are fixed."""
    head = f"{fn(s.name)}:"
    ests = [(f, ctx.est(f)) for f in s.findings if f.status != "pre-existing"]
    parts = []
    per_iter_allocs = [f for f, _ in ests if f.loops and advice_of(f).alloc_change]
    if per_iter_allocs:
        parts.append("allocs/op no longer growing with the input")
    elif any(advice_of(f).alloc_change and "→" in advice_of(f).alloc_change for f, _ in ests):
        parts.append("fewer allocs/op")
    for lock in (True, False):
        chosen = [e for f, e in ests if e.cost and (f.rule == "lock-held-across-io") == lock]
        deltas = []
        for basis in dict.fromkeys(e.basis for e in chosen):
            total = sum((e.cost for e in chosen if e.basis == basis), Range())
            deltas.append(f"−{fmt_range(total)} {basis}")
        if deltas:
            parts.append(f"{'lock hold' if lock else 'time/op'} " + " and ".join(deltas))
    if not parts:
        parts.append("time/op and allocs/op no worse than base")
    return f"{head} " + "; ".join(parts) + function_note(ctx.measured, s.fact.package, s.name) + "."


def targets(ctx: ReviewContext) -> Block:
    block = Block("Performance Targets")
    funcs = [s for s in ctx.hot_warm if any(f.status != "pre-existing" for f in s.findings)]
    # Touched functions without findings that `perf-review measure` measured: their result, not a target.
    with_findings = {id(s) for s in funcs}
    measured = [] if ctx.measured is None else [
        (s, note) for s in ctx.hot_warm if id(s) not in with_findings
        for note in [function_note(ctx.measured, s.fact.package, s.name)] if note]
    if not funcs and not measured:
        block.add("No finding in a hot or warm function: time/op and allocs/op no worse than base.")
        return block
    if funcs:
        block.add("Once the findings are fixed, against this head:")
        add_items(block, [f"- [ ] {_target(ctx, s)}" for s in funcs], "targets", shown=20)
    if measured:
        add_items(block, [f"- {fn(s.name)}: no regression against base{note}." for s, note in measured],
                  "measured functions", shown=20)
    others = len(ctx.hot_warm) - len(funcs) - len(measured)
    if others:
        block.add(f"The other {others:,} hot or warm touched function{'s' if others > 1 else ''}: no regression "
                  "against base.")
    return block


def _pattern(names: list[str]) -> str:
    if all(n.startswith("Benchmark") for n in names):
        return "^Benchmark(" + "|".join(n.removeprefix("Benchmark") for n in names) + ")$"
    return "^(" + "|".join(names) + ")$"


def _commands(ctx: ReviewContext) -> str:
    """One loop over base and head per package; a function the change adds is left out at base."""
    r = ctx.result
    base, head = (r.base or "BASE")[:12], (r.head or "HEAD")[:12]
    lines: list[str] = []
    by_dir: dict[str, list[BenchInfo]] = {}
    for b in ctx.benches:
        by_dir.setdefault(b.directory, []).append(b)
    for directory, in_pkg in by_dir.items():
        target = "./" + directory if directory not in ("", ".") else "."
        out = ("> " if not lines else ">> ") + "$rev.txt"  # the other packages add to the first's
        if len(in_pkg) > MAX_NAMED:
            lines.append(f"for rev in {base} {head}; do git checkout $rev && perf-review benchmarks {target} --write "
                         f"&& go test -run '^$' -bench . -benchmem -count 10 {target} {out}; done")
            continue
        lines.append(f"for rev in {base} {head}; do git checkout $rev{_write(target, in_pkg)} && go test -run '^$' "
                     f"-bench '{_pattern([b.name for b in in_pkg])}' -benchmem -count 10 {target} {out}; done")
    lines.append(f"benchstat {base}.txt {head}.txt  # golang.org/x/perf/cmd/benchstat")
    return fenced("\n".join(lines), "sh")


def _write(target: str, benches: list[BenchInfo]) -> str:
    """` && perf-review benchmarks DIR --functions A,B --write` for the generated ones (none: "")."""
    generated = list(dict.fromkeys(b.function for b in benches if not b.existing))
    if not generated:
        return ""
    return f" && perf-review benchmarks {target} --functions {','.join(generated)} --skip-missing --write"


def _existing(ctx: ReviewContext) -> list[str]:
    more = dict(ctx.bench_more)
    out = []
    for b in ctx.benches:
        if not b.existing:
            continue
        path = " → ".join(b.reaches) if len(b.reaches) > 1 else ""
        out.append(f"- existing: {code(b.name)} ({b.file}) reaches {fn(b.function)}" + (f" via {path}" if path else "")
                   + (f" ({more.pop(b.function)} more reach it)" if b.function in more else ""))
    return out


def bench_plan(ctx: ReviewContext) -> Block:
    block = Block("Benchmark Plan")
    if not ctx.benches:
        why = "no function with a new finding is hot or warm" if not ctx.hot_warm else "none could be generated"
        block.add(f"No benchmarks: {why}. `perf-review benchmarks PKG_DIR --functions A,B` writes one for any "
                  "function.")
        return block
    skipped = "".join(f" No benchmark for {fn(name)}: {why}." for name, why in ctx.bench_skips[:5])
    todo = " Fill in the `TODO`s, then run" if any("TODO" in c for _, c in ctx.bench_files) else " Run them"
    existing = _existing(ctx)
    mine = ": the package's own benchmarks that reach them, generated ones for the rest" if existing else ""
    block.add(f"For the functions with findings{mine}.{skipped}{todo} at base and head:")
    if existing:
        add_items(block, existing, "existing benchmarks", shown=MAX_NAMED)
    block.add(_commands(ctx))
    if ctx.measured is not None:
        notes = [f"- {code(b.name)} → {fn(b.function)}{note}" for b in ctx.benches
                 for note in [benchmark_note(ctx.measured, b.directory, b.name)] if note]
        if notes:
            block.add("`perf-review measure` in this repository's CI, for this head:")
            add_items(block, notes, "measured benchmarks", shown=MAX_NAMED)
    for path, code_text in ctx.bench_files:
        label = f"{path} ({plural(code_text.count('// Benchmark'), 'benchmark')})"
        block.add(details(label, fenced(compact(code_text), "go")), reprinted=True,
                  group="the generated benchmark files",
                  label=f"the code of {path}; print it with `perf-review benchmarks {posixpath.dirname(path) or '.'}`")
    return block


# What every generated file may hold, named in one comment instead of shown (fixed helpers: benchhelpers.py).
_SHARED = {
    "perfReviewKey": 'perfReviewKey(i) = "k<i>"', "perfReviewText": "perfReviewText(n) = n letters",
    "perfReviewJoin": "perfReviewJoin = n keys joined", "perfReviewSlice": "perfReviewSlice(n, f) = f(0)…f(n-1)",
    "perfReviewMap": "perfReviewMap(n, k, v) = k(i): v(i) for i < n", "perfReviewSized": "perfReviewSized (per size)",
    "perfReviewGuard": "perfReviewGuard (a panic fails one benchmark; in set-up, skips it)",
    "perfReviewUnbuilt": "perfReviewUnbuilt", "perfReviewTimed": "perfReviewTimed",
    "perfReviewTimedBenchmarks": "perfReviewTimed",
    "perfReviewWorkerGuard": "perfReviewWorkerGuard", "perfReviewServer": "perfReviewServer (a local HTTP server)",
    "perfReviewTempFile": "perfReviewTempFile", "perfReviewNopWriteCloser": "perfReviewNopWriteCloser",
}


def compact(code_text: str) -> str:
    """The file for reading in the review: from its package clause (the header repeats the commands shown
    above it), without whole-line comments other than TODOs, and without what every generated file has
    (imports, result sinks, the fixed helpers), which a last comment names. `perf-review benchmarks`
    prints it whole."""
    at = code_text.find("\npackage ")
    body = code_text[at + 1 :] if code_text.startswith("//") and at >= 0 else code_text
    lines = [ln for ln in body.splitlines() if (not ln.lstrip().startswith("//") or "TODO" in ln)
             and ln.strip() != "perfReviewTimed(b)"]  # named in the last comment
    chunks: list[list[str]] = []
    for ln in lines:
        if not chunks or (ln[:1].isalpha() and not chunks[-1][-1].endswith(("{", "(", ","))):
            chunks.append([])
        chunks[-1].append(ln)
    kept: list[str] = []
    hidden: list[str] = []
    for chunk in chunks:
        first = chunk[0]
        m = re.match(r"(?:func|type|var)\s+(\w+)", first)
        name = m.group(1) if m else ""
        if first.startswith("import ") or (first == "var (" and any("perfReviewSink" in ln for ln in chunk)):
            hidden.append("imports" if first.startswith("import ") else "result sinks")
        elif first.startswith(("func ", "type ", "var ")) and name in _SHARED:
            hidden.append(_SHARED[name])
        elif not (first.startswith("func (") and first.split(")", 1)[0].split()[-1] in _SHARED):
            kept.append("\n".join(chunk))
    out = "\n".join(kept).rstrip("\n") + "\n"
    if hidden:
        out += "\n" + _comment("Not shown: " + ", ".join(dict.fromkeys(hidden)) + ".")
    return out


def _comment(sentence: str, width: int = 100) -> str:
    lines = [""]
    for word in sentence.split(" "):
        if lines[-1] and len(lines[-1]) + len(word) + 4 > width:
            lines.append("")
        lines[-1] += (" " if lines[-1] else "") + word
    return "".join(f"// {ln}\n" for ln in lines)


def _scale_risks(ctx: ReviewContext) -> list[str]:
    grows = []
    items = []
    for f in ctx.new:
        e = ctx.est(f)
        if e.power >= 2 and e.n and e.cost:
            grows.append(f"{ctx.num(f)} {fn(f.function)} {fmt_range(e.at(e.n * SCALE))}")
        elif f.rule == "lock-held-across-io" and e.cost:
            lo, hi = 1e9 / e.cost.high, 1e9 / e.cost.low
            what = COSTS[e.keys[0]].label or e.keys[0]
            items.append(f"- Under load, {ctx.num(f)}: callers of the lock in {fn(f.function)} queue behind each "
                         f"{what}: at most ~{_count(lo)}–{_count(hi)} calls/s pass it, whatever the core count.")
    if grows:
        items.insert(0, f"- At scale (n={N * SCALE:,}, growing as n² or faster): " + ", ".join(grows)
                     + " per call.")
    return items


def _count(x: float) -> str:
    return f"{x:,.0f}" if x < 10_000 else f"{x / 1000:,.0f}k"


def risks(ctx: ReviewContext) -> Block:
    block = Block("Risks")
    items: list[str] = []
    by_rule: dict[str, list[Finding]] = {}
    for f in ctx.new:
        by_rule.setdefault(f.rule, []).append(f)
    for found in by_rule.values():
        risk = advice_of(found[0]).fix_risk
        if risk is not None:
            items.append(f"- Fixing {refs(ctx, found)}: {risk.text}; {risk.mitigation}.")
    items += _scale_risks(ctx)
    if not items:
        block.add("The suggested fixes keep behaviour; nothing in this change grows faster than its input.")
        return block
    add_items(block, items, "risks")
    return block


def recommendation_groups(ctx: ReviewContext) -> list[list[Finding]]:
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for f in ctx.new:
        out.setdefault((f.rule, f.file, f.function), []).append(f)
    return list(out.values())


def _gain(f: Finding, e: Estimate, n: int) -> str:
    if not e.cost:
        return f"removes the risk: {e.note}" if e.note else "fixes a correctness problem"
    if f.rule == "lock-held-across-io":
        return f"lock held {fmt_range(e.cost * n)} less {e.basis}"
    return f"saves {fmt_range(e.cost * n)} {e.basis}"


def recommendations(ctx: ReviewContext) -> Block:
    block = Block("Recommendations")
    groups = recommendation_groups(ctx)
    if not groups:
        block.add("None: nothing in the touched code needs changing.")
        return block

    def priority(g: list[Finding]) -> tuple[float, ...]:
        e = ctx.est(g[0])
        weight = {"high": 3, "medium": 2, "low": 1}.get(e.impact, 2.5)
        return (g[0].status == "pre-existing", -weight, -e.cost.high * len(g))

    items = []
    for g in sorted(groups, key=priority):
        f, adv = g[0], advice_of(g[0])
        fix = adv.fix[:1].upper() + adv.fix[1:]
        items.append(f"{refs(ctx, g)} {fn(f.function)}: **{fix}** — {_gain(f, ctx.est(f), len(g))}.")
    block.add(numbered(items[:10]))
    if len(items) > 10:
        block.add(details(f"{len(items) - 10} more", numbered(items[10:], start=11)), optional=True,
                  label=f"{len(items) - 10} lower-priority recommendations")
    return block


def next_steps(ctx: ReviewContext) -> Block:
    block = Block("Next Steps")
    base = (ctx.result.base or "BASE")[:12]
    dirs = sorted({s.fact.package or "." for s in ctx.funcs if any(f.status != "pre-existing" for f in s.findings)})
    pkgs = " ".join(d if d == "." else "./" + d for d in dirs[:5]) or "./..."
    lines = [f"perf-review analyze --repo . --base {base}  # after the fixes: exit 0 when none is left"]
    if any(f.category == "concurrency" for f in ctx.new):
        lines.append(f"go test -race {pkgs}  # the concurrency changes")
    lines.append(f"perf-review benchmarks {dirs[0] if dirs else '.'} --write  # every hot and warm function")
    lines.append("# keep a pattern on purpose: //perf-review:ignore <rule-id> <reason> (on or above its line)")
    block.add(fenced("\n".join(lines), "sh"))
    return block


def plan_sections(ctx: ReviewContext) -> list[Block]:
    return [targets(ctx), bench_plan(ctx), risks(ctx), recommendations(ctx), next_steps(ctx)]

