"""The review: a pure function from the engine's Result (plus the previous review's findings and the
benchmark plan) to the Markdown the App posts, the check run's summary and text, and inline notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzers.model import Finding, Result
from analyzers.report.context import ReviewContext, build_context, fn, notable_skips, short_where
from analyzers.report.inline import InlineNote, inline_notes
from analyzers.report.limits import CHECK_LIMIT, COMMENT_LIMIT, READ_BUDGET, REVIEW_BUDGET, Block, fit
from analyzers.report.md import code, plural
from analyzers.report.measured import Measurement, measured_table
from analyzers.report.plan import ReviewPlan
from analyzers.report.profile_notes import share_text, summary_note
from analyzers.report.sections_design import design_sections
from analyzers.report.sections_findings import add_findings, counts, hot_path, pre_existing, summary, verdict
from analyzers.report.sections_plan import plan_sections

SECTIONS = (
    "Summary", "Hot Path Analysis", "Memory Strategy", "Algorithmic Choices", "SIMD Opportunities",
    "Concurrency Design", "Performance Targets", "Benchmark Plan", "Risks", "Recommendations", "Next Steps",
)
HEADING = "## perf-review: performance review"


@dataclass
class Review:
    markdown: str
    title: str
    check_summary: str
    check_text: str
    inline: list[InlineNote] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "markdown": self.markdown,
            "check_summary": self.check_summary,
            "check_text": self.check_text,
            "inline": [n.to_json() for n in self.inline],
            "fixed": [f.to_json() for f in self.fixed],
        }


def render_review(
    result: Result,
    *,
    previous: Sequence[Finding] | None = None,
    benchmarks: str | ReviewPlan | None = None,
    sources: Mapping[str, bytes | None] | None = None,
    notes: Sequence[str] = (),
    measured: Measurement | None = None,
) -> Review:
    """The whole review. `previous`: findings of the last review (for "fixed"); `benchmarks`: the plan
    from plan.review_plan (or the text of benchmarks.plan_for_change); `sources`: head file contents,
    which let inline notes carry exact ```suggestion``` lines; `notes`: what the caller must say about
    its input (files it could not read); `measured`: what `perf-review measure` found for this head
    (shown next to the estimates, and as a table in the check run's summary)."""
    ctx = build_context(result, previous, benchmarks)
    ctx.notes = list(notes)
    ctx.measured = measured
    short = not ctx.new  # pre-existing findings alone: a short review with them folded
    blocks = short_review(ctx) if short else full_review(ctx)
    markdown = fit(blocks, REVIEW_BUDGET, COMMENT_LIMIT, read_budget=READ_BUDGET)
    return Review(
        markdown=markdown,
        title=title(ctx),
        check_summary=_check_summary(blocks, short, ctx, measured),
        check_text=fit(check_blocks(ctx), CHECK_LIMIT, CHECK_LIMIT),
        inline=inline_notes(ctx.new, sources, ctx.est),
        fixed=list(ctx.fixed),
    )


def _check_summary(blocks: list[Block], short: bool, ctx: ReviewContext, measured: Measurement | None) -> str:
    """The check run's summary; with measurements, their table after it (cut first when too long)."""
    block = Block("", list(blocks[0].parts)) if short else summary(ctx)
    if measured is not None:
        block.add(measured_table(measured), optional=True, label="the table of measurements (in the artifact)")
    return fit([block], CHECK_LIMIT, CHECK_LIMIT)


def title(ctx: ReviewContext) -> str:
    if not ctx.funcs and not ctx.current:
        return "perf-review: no Go functions changed"
    where = plural(len(ctx.funcs), "touched function")
    if ctx.new:
        return f"perf-review: {plural(len(ctx.new), 'new finding')} ({counts(ctx.new)}) in {where}"
    if ctx.pre:
        return f"perf-review: no new findings ({len(ctx.pre):,} pre-existing) in {where}"
    return f"perf-review: no performance findings in {where}"


def full_review(ctx: ReviewContext) -> list[Block]:
    head = Block("")
    head.add(HEADING)
    blocks = [head, summary(ctx), hot_path(ctx), *design_sections(ctx), *plan_sections(ctx)]
    assert [b.title for b in blocks[1:]] == list(SECTIONS)
    return blocks


def short_review(ctx: ReviewContext) -> list[Block]:
    """A change with no Go, or with nothing found: what was checked, in a few lines."""
    block = Block("")
    block.add(HEADING)
    block.add(_checked(ctx))
    for text in ctx.notes:
        block.add(text)
    note = summary_note(ctx.result)
    if note:
        block.add(note)
    if ctx.fixed:
        items = ", ".join(f"{code(f.rule)} in {fn(f.function)} ({short_where(f)})" for f in ctx.fixed[:10])
        more = f" …and {len(ctx.fixed) - 10:,} more" if len(ctx.fixed) > 10 else ""
        block.add(f"**Fixed since the last review ({len(ctx.fixed):,}):** {items}{more}.")
    if ctx.pre:
        block.add(pre_existing(ctx), optional=True, label="the list of pre-existing findings")
    skipped = notable_skips(ctx)
    if skipped:
        block.add(f"Not analysed: {skipped}.")
    return [block]


def _checked(ctx: ReviewContext) -> str:
    if not ctx.funcs:
        return "**Nothing to review:** this change touches no Go functions."
    tiers = ctx.tier_counts()
    hot = [fn(s.name) + share_text(s.fact) for s in ctx.funcs if s.fact.hot_path == "hot"][:8]
    hot_text = f" Hot: {', '.join(hot)}." if hot else ""
    found = (f"nothing new; {plural(len(ctx.pre), 'pre-existing finding')} in these functions, listed below"
             if ctx.pre else "nothing found")
    return (
        f"**{'No new' if ctx.pre else 'No'} performance findings.** Checked "
        f"{plural(len(ctx.funcs), 'touched Go function')} in "
        f"{plural(ctx.go_files, 'file')} ({tiers['hot']} hot, {tiers['warm']} warm, {tiers['cold']} cold) for "
        f"allocation, concurrency, complexity, SIMD and I/O patterns: {found}.{hot_text}"
    )


def check_blocks(ctx: ReviewContext) -> list[Block]:
    """The check run's text: every finding, grouped, with the verdict first."""
    head = Block("")
    head.add(f"Verdict: **{verdict(ctx)}**." if ctx.current else _checked(ctx))
    block = Block("Findings")
    if ctx.current or ctx.fixed:
        add_findings(block, ctx)
    else:
        block.add("None.")
    return [head, block]
