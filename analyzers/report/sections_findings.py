"""Summary and Hot Path Analysis: the verdict, the one table of findings (numbered: the later
sections refer to #n instead of repeating them), the tiers and the cost-model rows used."""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

from collections.abc import Sequence

from analyzers.model import Finding
from analyzers.pprof.tiers import MEASURED_REASON
from analyzers.report.context import FuncStats, ReviewContext, fn, notable_skips, short_where, where
from analyzers.report.costs import COST_MODEL_URL
from analyzers.report.estimate import row_text
from analyzers.report.limits import Block, chunk_rows
from analyzers.report.md import bullets, code, details, plural, table
from analyzers.report.profile_notes import hot_path_note, summary_note, tier_cell

FINDING_HEADERS = ("#", "Where", "Finding", "Estimated cost", "Impact")
CHECK_HEADERS = ("#", "Severity", "Rule", "Where", "Function", "Tier", "Message")
TOP = 3
TIERS_SHOWN = 6


def verdict(ctx: ReviewContext) -> str:
    new = ctx.new
    if any(f.severity == "error" for f in new) or any(f.severity == "warning" and f.hot_path == "hot" for f in new):
        return "fix before merging"
    if any(f.severity == "warning" for f in new):
        return "worth a look before merging"
    if any(f.unmeasured for f in new):
        return "suggestions, unmeasured"
    return "no new performance problems"


def counts(findings: Sequence[Finding]) -> str:
    parts = [plural(sum(1 for f in findings if f.severity == s), s, s + "s") for s in ("error", "warning", "info")]
    return ", ".join(p for p in parts if not p.startswith("0 "))


def summary_lines(ctx: ReviewContext) -> list[str]:
    """The Summary's sentences; other parts of the report may append theirs (a profile's CPU share)."""
    tiers = ctx.tier_counts()
    r = ctx.result
    span = f" (`{r.base[:12]}`…`{r.head[:12]}`)" if r.base and r.head else ""
    tier_text = ", ".join(f"{tiers[t]} {t}" for t in ("hot", "warm", "cold") if tiers[t])
    lines = [
        f"{plural(len(ctx.funcs), 'touched Go function')} in {plural(ctx.go_files, 'file')}{span}: {tier_text}. "
        f"**Verdict: {verdict(ctx)}** — {plural(len(ctx.new), 'new finding')}"
        + (f" ({counts(ctx.new)})" if ctx.new else "")
        + (f", {len(ctx.pre):,} pre-existing" if ctx.pre else "")
        + (f", {len(ctx.fixed):,} fixed since the last review" if ctx.fixed else "")
        + "."
    ]
    unmeasured = sum(1 for f in ctx.new if f.unmeasured)
    if unmeasured:
        one = unmeasured == 1
        lines.append(
            f"{plural(unmeasured, 'is', 'are')} info until measured: by the code's shape alone "
            f"{'it would be a warning' if one else 'they would be warnings'}, but shapes guess how often code runs; "
            f"a CPU profile that shows {'its function' if one else 'their functions'} hot, or a `//perf-review:hot` "
            f"mark, makes {'it one' if one else 'them warnings'}.")
    top = [f for f in ctx.new or ctx.pre if ctx.est(f).impact == "high"][:TOP]
    if top and len(ctx.new) > 1:
        items = ", ".join(f"{ctx.num(f)} {fn(f.function)}" for f in top)
        lines.append(f"High estimated impact: {items}.")
    return lines


def summary(ctx: ReviewContext) -> Block:
    block = Block("Summary")
    block.add(" ".join(summary_lines(ctx)))
    note = summary_note(ctx.result)
    if note:
        block.add(note)
    return block


def _tier_line(funcs: Sequence[FuncStats], others: Sequence[FuncStats]) -> str:
    parts = []
    for s in funcs:
        why = s.fact.hot_reasons[0].split(",", 1)[0] if s.fact.hot_reasons else ""
        if s.fact.cpu_share is not None and MEASURED_REASON in why:
            why = ""  # the share in the cell says it
        change = {"added": ", new", "modified": ""}.get(s.fact.change or "", "")
        parts.append(f"{fn(s.name)} {tier_cell(s.fact)}{change}" + (f" ({why})" if why else ""))
    text = "Tiers: " + " · ".join(parts) + "."
    if others:
        tiers = {t: sum(1 for s in others if s.fact.hot_path == t) for t in ("hot", "warm", "cold")}
        split = ", ".join(f"{n} {t}" for t, n in tiers.items() if n)
        text += f" {plural(len(others), 'other touched function')} ({split}) without new findings."
    return text


def finding_rows(ctx: ReviewContext, findings: Sequence[Finding]) -> list[list[str]]:
    rows = []
    for f in findings:
        e = ctx.est(f)
        # A warning goes without saying; an unmeasured finding is info, and says why instead.
        shown = "unmeasured" if f.unmeasured else "" if f.severity == "warning" else f.severity
        label = ", ".join(x for x in (shown, f.hot_path,
                                      "pre-existing" if f.status == "pre-existing" else "") if x)
        rows.append([str(ctx.numbers.get(id(f), "")), f"{fn(f.function)} {short_where(f)} ({label})",
                     f"{code(f.rule)}: {f.message}", e.text, e.impact])
    return rows


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


def cost_rows_used(ctx: ReviewContext) -> str:
    keys = list(dict.fromkeys(k for f in ctx.new or ctx.pre for k in ctx.est(f).keys))
    if not keys:
        return f"Estimates come from the [cost model]({COST_MODEL_URL}); they are not measurements."
    rows = "; ".join(row_text(k) for k in keys[:8])
    return f"Estimates, not measurements ([cost model]({COST_MODEL_URL})): {rows}."


def hot_path(ctx: ReviewContext) -> Block:
    block = Block("Hot Path Analysis")
    flagged = {(f.file, f.function) for f in ctx.new}
    shown = [s for s in ctx.funcs if (s.fact.file, s.name) in flagged]
    others = [s for s in ctx.funcs if (s.fact.file, s.name) not in flagged]
    if len(shown) + len(others) <= TIERS_SHOWN:  # few enough to name them all
        shown, others = shown + [s for s in others if s.fact.hot_path != "cold"], []
    if shown:
        block.add(_tier_line(shown[:TIERS_SHOWN], others + shown[TIERS_SHOWN:]))
    profile_note = hot_path_note(ctx.result)
    if profile_note:
        block.add(profile_note)
    if ctx.new:
        add_table(block, FINDING_HEADERS, finding_rows(ctx, ctx.new), "new findings")
    if ctx.pre:
        block.add(pre_existing(ctx), optional=True, label="the list of pre-existing findings")
    if ctx.fixed:
        items = ", ".join(f"{code(f.rule)} in {fn(f.function)} ({short_where(f)})" for f in ctx.fixed[:10])
        more = f" …and {len(ctx.fixed) - 10:,} more" if len(ctx.fixed) > 10 else ""
        block.add(f"Fixed since the last review: {items}{more}.")
    skipped = notable_skips(ctx)
    if skipped:
        block.add(f"Not analysed: {skipped}.")
    for note in ctx.notes:
        block.add(note)
    block.add(cost_rows_used(ctx))
    return block


def pre_existing(ctx: ReviewContext, shown: int = 100) -> str:
    """The pre-existing findings, folded, one line each (their messages are in the check run): they are
    in the base version of the touched functions, not brought by this change."""
    label = f"Pre-existing findings ({len(ctx.pre):,}), already in the base version of these functions"
    items = [f"{ctx.num(f)} {code(f.rule)} at `{short_where(f)}` in {fn(f.function)}"
             + (f", {ctx.est(f).text}" if ctx.est(f).cost else "") for f in ctx.pre[:shown]]
    more = f"\n\n…and {len(ctx.pre) - shown:,} more." if len(ctx.pre) > shown else ""
    return details(label, bullets(items) + more + "\n\nTheir messages are in the check run.")


def add_findings(block: Block, ctx: ReviewContext) -> None:
    """Every finding, for the check run's text (which has room for all of them)."""
    if ctx.new:
        block.add(f"**New findings ({len(ctx.new):,})**")
        add_table(block, CHECK_HEADERS, check_rows(ctx.new), "new findings")
    else:
        block.add("**New findings:** none.")
    if ctx.pre:
        block.add(f"**Pre-existing findings ({len(ctx.pre):,})** — already in the base version of these functions.")
        add_table(block, CHECK_HEADERS, check_rows(ctx.pre), "pre-existing findings", fold_all=True)
    if ctx.fixed:
        block.add(f"**Fixed since the last review ({len(ctx.fixed):,})**")
        add_table(block, CHECK_HEADERS, check_rows(ctx.fixed), "fixed findings", fold_all=True)


def check_rows(findings: Sequence[Finding]) -> list[list[str]]:
    return [[str(i), f.severity, code(f.rule), code(where(f)), fn(f.function), f.hot_path, f.message]
            for i, f in enumerate(findings, 1)]
