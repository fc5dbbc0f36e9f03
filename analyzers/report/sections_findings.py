"""Summary and Hot Path Analysis: the verdict, the touched functions and the findings, grouped."""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

from collections.abc import Sequence

from analyzers.model import Finding
from analyzers.report.context import FuncStats, ReviewContext, fn, ranked, short_where, where
from analyzers.report.costs import COSTS, MEMORY_LEVELS, Range, fmt_range
from analyzers.report.limits import Block, chunk_rows
from analyzers.report.md import code, details, plural, table
from analyzers.report.profile_notes import hot_path_note, summary_note, tier_cell

FINDING_HEADERS = ("#", "Severity", "Rule", "Where", "Function", "Tier", "Message")


def verdict(ctx: ReviewContext) -> str:
    new = ctx.new
    if any(f.severity == "error" for f in new) or any(f.severity == "warning" and f.hot_path == "hot" for f in new):
        return "fix before merging"
    if any(f.severity == "warning" for f in new):
        return "worth a look before merging"
    return "no new performance problems"


def counts(findings: Sequence[Finding]) -> str:
    parts = [plural(sum(1 for f in findings if f.severity == s), s, s + "s") for s in ("error", "warning", "info")]
    return ", ".join(p for p in parts if not p.startswith("0 "))


def summary(ctx: ReviewContext) -> Block:
    tiers = ctx.tier_counts()
    r = ctx.result
    span = f" between {code(r.base[:12])} and {code(r.head[:12])}" if r.base and r.head else ""
    text = (
        f"This change touches {plural(len(ctx.funcs), 'Go function')} in {plural(ctx.go_files, 'file')}{span} "
        f"({tiers['hot']} hot, {tiers['warm']} warm, {tiers['cold']} cold). **Verdict: {verdict(ctx)}** — "
        f"{plural(len(ctx.new), 'new finding')}"
        + (f" ({counts(ctx.new)})" if ctx.new else "")
        + f", {len(ctx.pre):,} pre-existing"
        + (f", {len(ctx.fixed):,} fixed since the last review" if ctx.fixed else "")
        + "."
    )
    note = summary_note(r)
    top = ranked(ctx.new)[:3] or ranked(ctx.pre)[:3]
    if top:
        label = "What matters most" if ctx.new else "Pre-existing findings worth a look"
        items = "; ".join(
            f"({i}) {code(f.rule)} in {fn(f.function)} ({short_where(f)}, {f.hot_path}): {f.message}"
            for i, f in enumerate(top, 1)
        )
        text += f" {label}: {items}."
    block = Block("Summary")
    block.add(text)
    if note:
        block.add(note)
    return block


def _alloc_cell(s: FuncStats) -> str:
    call = f"{s.allocs_call}" + (f" + {s.growth_sites} growing (~log₂n)" if s.growth_sites else "")
    return f"{call} / {s.allocs_iter}"


def _overhead_cell(s: FuncStats) -> str:
    if not s.cost_call and not s.cost_iter:
        return "—"
    parts = []
    if s.cost_call:
        parts.append(f"{fmt_range(s.cost_call)} per call")
    if s.cost_iter:
        parts.append(f"{fmt_range(s.cost_iter)} per iteration")
    return " + ".join(parts)


def _function_row(s: FuncStats) -> list[str]:
    fa = s.fact
    reasons = "; ".join(fa.hot_reasons[:3]) or "—"
    rules = ", ".join(sorted({f.rule for f in s.findings})) or "none"
    return [
        f"{fn(s.name)} ({fa.file.rsplit('/', 1)[-1]}:{fa.start_line})",
        fa.change or "—",
        tier_cell(fa),
        reasons,
        f"{len(s.findings)} ({rules})" if s.findings else "0",
        _alloc_cell(s),
        _overhead_cell(s),
    ]


def finding_rows(findings: Sequence[Finding], start: int = 1) -> list[list[str]]:
    return [
        [str(i), f.severity, code(f.rule), code(where(f)), fn(f.function), f.hot_path, f.message]
        for i, f in enumerate(findings, start)
    ]


def add_table(block: Block, headers: Sequence[str], rows: Sequence[Sequence[object]], what: str,
              *, fold_all: bool = False) -> None:
    """A table whose first rows show and whose rest folds into <details> chunks (each cuttable)."""
    shown, folds = chunk_rows(rows, inline=0 if fold_all else 25)
    if shown:
        block.add(table(headers, shown))
    offset = len(shown)
    for chunk in folds:
        label = f"{what} {offset + 1:,}–{offset + len(chunk):,} of {len(rows):,}"
        block.add(details(label, table(headers, chunk)), optional=True, label=label, group=what)
        offset += len(chunk)


FUNCTION_HEADERS = ("Function", "Change", "Tier", "Why this tier", "Findings",
                    "Alloc sites per call / per iteration", "Overhead (cost-model estimate)")


def hot_path(ctx: ReviewContext) -> Block:
    block = Block("Hot Path Analysis")
    block.add(
        "Tiers come from static evidence (handlers, loops, callers in loops, benchmarks, markers). Overheads "
        "are estimates from the cost model below, summed over each function's findings: ranges, not measurements."
    )
    profile_note = hot_path_note(ctx.result)
    if profile_note:
        block.add(profile_note)
    add_table(block, FUNCTION_HEADERS, [_function_row(s) for s in ctx.funcs], "touched functions")
    add_findings(block, ctx)
    block.add(details("Cost model (estimates, not measurements)", cost_table()), optional=True,
              label="the cost-model table (see analyzers/report/costs.py)")
    return block


def add_findings(block: Block, ctx: ReviewContext) -> None:
    if ctx.new:
        block.add(f"**New findings ({len(ctx.new):,})**")
        add_table(block, FINDING_HEADERS, finding_rows(ranked(ctx.new)), "new findings")
    else:
        block.add("**New findings:** none.")
    if ctx.pre:
        block.add(f"**Pre-existing findings ({len(ctx.pre):,})** — already in the base version of these functions.")
        add_table(block, FINDING_HEADERS, finding_rows(ranked(ctx.pre)), "pre-existing findings", fold_all=True)
    if ctx.fixed:
        block.add(f"**Fixed since the last review ({len(ctx.fixed):,})**")
        rows = [[str(i), f.severity, code(f.rule), code(where(f)), fn(f.function), f.hot_path, f.message]
                for i, f in enumerate(ctx.fixed, 1)]
        add_table(block, FINDING_HEADERS, rows, "fixed findings", fold_all=True)


def cost_table() -> str:
    rows = [[key, fmt_range(Range(c.low_ns, c.high_ns)), c.what] for key, c in COSTS.items()]
    for level, (lat_lo, lat_hi, bw_lo, bw_hi) in MEMORY_LEVELS.items():
        bandwidth = f"bandwidth est. ~{bw_lo:g}–{bw_hi:g} GB/s per core"
        rows.append([level, fmt_range(Range(lat_lo, lat_hi)) + " latency", bandwidth])
    return table(("Operation", "Cost (estimate)", "What"), rows)
