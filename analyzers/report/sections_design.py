"""Memory Strategy, Algorithmic Choices, SIMD Opportunities and Concurrency Design: what each group of
findings means for the design, referring to the findings table by number; one line when there is
nothing specific to say."""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

from collections.abc import Sequence

from analyzers.model import Finding
from analyzers.report.context import ReviewContext, advice_of, fn
from analyzers.report.costs import fmt_cost, rule_cost
from analyzers.report.limits import Block
from analyzers.report.md import details

SHOWN = 12


def groups(ctx: ReviewContext, section: str) -> list[list[Finding]]:
    """New findings of one section, one group per (rule, function), in table order (pre-existing ones
    are in the folded table: this change did not bring them)."""
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for f in ctx.new:
        if advice_of(f).section == section:
            out.setdefault((f.rule, f.file, f.function), []).append(f)
    return list(out.values())


def refs(ctx: ReviewContext, group: Sequence[Finding]) -> str:
    nums = [ctx.num(f) for f in group[:4]]
    return ", ".join(n for n in nums if n) + (", …" if len(group) > 4 else "")


def add_items(block: Block, items: list[str], what: str, shown: int = SHOWN) -> None:
    """A bullet list whose first items show and whose rest folds (and may be cut to fit)."""
    block.add("\n".join(items[:shown]))
    rest = items[shown:]
    for i in range(0, len(rest), 100):
        chunk = rest[i : i + 100]
        label = f"{what} {shown + i + 1:,}–{shown + i + len(chunk):,} of {len(items):,}"
        block.add(details(label, "\n".join(chunk)), optional=True, label=label, group=what)


def alloc_text(f: Finding) -> str:
    """The rule's expected allocation change, per iteration when the flagged code sits in a loop."""
    text = advice_of(f).alloc_change
    before, arrow, after = text.partition("→")
    one_op = rule_cost(f.rule, f.category).shape == "op"  # growth and concat patterns are their own loop
    if one_op and f.loops and "per call" in before and "iteration" not in before:
        before = before.replace("per call", "per iteration", 1)
    return f"{before.strip()} {arrow} {after.strip()}".strip()


def memory(ctx: ReviewContext) -> Block:
    block = Block("Memory Strategy")
    by_func: dict[tuple[str, str], list[list[Finding]]] = {}
    for g in groups(ctx, "memory"):
        by_func.setdefault((g[0].file, g[0].function), []).append(g)
    items = []
    for gs in by_func.values():
        f = gs[0][0]
        changes = "; ".join(f"{alloc_text(g[0])} ({refs(ctx, g)})" for g in gs if advice_of(g[0]).alloc_change)
        if changes:
            items.append(f"- {fn(f.function)} ({f.hot_path}): {changes}, est.")
    arena = [s for s in ctx.hot_warm if any(f.rule in ("make-in-loop", "bytes-string-conversion") and f.loops
                                            for f in s.findings)]
    if arena:
        names = ", ".join(fn(s.name) for s in arena[:5])
        items.append(f"- {names}: allocate the per-iteration buffers once per call and reslice (`buf = buf[:0]`), so "
                     "allocations stop growing with n.")
    if not items:
        block.add("No allocation findings.")
        return block
    add_items(block, items, "memory items")
    return block


def algorithmic(ctx: ReviewContext) -> Block:
    block = Block("Algorithmic Choices")
    items = []
    for g in groups(ctx, "algorithm") + groups(ctx, "memory"):
        f, adv = g[0], advice_of(g[0])
        if not adv.before:
            continue
        items.append(f"- {refs(ctx, g)} {fn(f.function)}: {adv.before} → {adv.after}.")
    if not items:
        block.add("No super-linear patterns.")
        return block
    add_items(block, items, "complexity items")
    return block


def simd(ctx: ReviewContext) -> Block:
    block = Block("SIMD Opportunities")
    items = []
    for g in groups(ctx, "simd"):
        f, adv = g[0], advice_of(g[0])
        lo, hi = adv.speedup
        speed = f", est. {lo}–{hi}× faster above ~64 bytes (below ~16 the loop can be as fast)" if hi else ""
        items.append(f"- {refs(ctx, g)} {fn(f.function)}: `{adv.simd_with or 'the library call'}`{speed}.")
    if not items:
        block.add("No byte loops the standard library vectorises.")
        return block
    add_items(block, items, "SIMD items")
    return block


def concurrency(ctx: ReviewContext) -> Block:
    block = Block("Concurrency Design")
    items = []
    for g in groups(ctx, "concurrency"):
        f, adv = g[0], advice_of(g[0])
        items.append(f"- {refs(ctx, g)} {fn(f.function)} ({f.hot_path}): {adv.why}.")
    lockers = [s for s in ctx.hot_warm if s.fact.takes_lock and not any(f.category == "concurrency"
                                                                          for f in s.findings)]
    if lockers:
        names = ", ".join(fn(s.name) for s in lockers[:5]) + (" …" if len(lockers) > 5 else "")
        items.append(f"- {names} lock{'s' if len(lockers) == 1 else ''} on every call ({fmt_cost('mutex')} "
                     "uncontended); under contention callers queue for the whole critical section: keep I/O and "
                     "allocation out of it, and measure with the `b.RunParallel` benchmark at `-cpu 1,4,16`.")
    if not items:
        block.add("No concurrency findings, and no lock taken in hot or warm code.")
        return block
    add_items(block, items, "concurrency items")
    return block


def design_sections(ctx: ReviewContext) -> list[Block]:
    return [memory(ctx), algorithmic(ctx), simd(ctx), concurrency(ctx)]
