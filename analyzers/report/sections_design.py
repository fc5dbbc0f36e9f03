"""Memory Strategy, Algorithmic Choices, SIMD Opportunities and Concurrency Design."""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

from collections.abc import Sequence

from analyzers.model import Finding
from analyzers.report.context import ReviewContext, advice_of, cost_of, fn, ranked
from analyzers.report.costs import fmt_cost, fmt_range, per_call, per_iter
from analyzers.report.limits import Block
from analyzers.report.md import code, details
from analyzers.report.sections_findings import add_table

# Rules whose per-iteration allocation a buffer kept across iterations removes.
ARENA_RULES = frozenset({"make-in-loop", "bytes-string-conversion", "rune-slice-conversion"})
SIMD_CAVEAT = (
    "Speed-ups are estimates for inputs of a few hundred bytes or more. Below ~16–64 bytes the call overhead "
    "dominates and the hand-written loop can be as fast: check the n=10 sub-benchmark before and after."
)


def groups(findings: Sequence[Finding], section: str) -> list[list[Finding]]:
    """Findings of one section, one group per (rule, function), most important first."""
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for f in ranked(findings):
        if advice_of(f).section == section:
            out.setdefault((f.rule, f.file, f.function), []).append(f)
    return list(out.values())


def _lines(group: Sequence[Finding]) -> str:
    f = group[0]
    lines = ", ".join(str(g.line) for g in group[:6]) + (", …" if len(group) > 6 else "")
    return f"{f.file.rsplit('/', 1)[-1]}:{lines}"


def _label(group: Sequence[Finding]) -> str:
    f = group[0]
    status = "pre-existing" if f.status == "pre-existing" else "new"
    return f"{fn(f.function)} ({_lines(group)}, {f.hot_path}, {status})"


def _saving(f: Finding) -> str:
    rc = cost_of(f)
    parts = []
    if per_iter(rc):
        parts.append(f"{fmt_range(per_iter(rc))} per iteration")
    if per_call(rc):
        parts.append(f"{fmt_range(per_call(rc))} per call")
    return " + ".join(parts)


def memory(ctx: ReviewContext) -> Block:
    block = Block("Memory Strategy")
    items = []
    for g in groups(ctx.current, "memory"):
        f, adv = g[0], advice_of(g[0])
        change = f" Expected allocation change: {adv.alloc_change} (estimate)." if adv.alloc_change else ""
        saving = _saving(f)
        items.append(f"- {_label(g)} — {code(f.rule)}: {adv.fix}.{change}"
                     + (f" Saves {saving} at each site." if saving else ""))
    handlers = [s for s in ctx.hot_warm if any("handler" in r for r in s.fact.hot_reasons)]
    alloc_handlers = [s for s in handlers if s.allocs_call or s.allocs_iter or s.growth_sites]
    for s in alloc_handlers:
        items.append(
            f"- Request-scoped buffers in {fn(s.name)}: take them from a `sync.Pool` of pointer types "
            f"(`*bytes.Buffer`, `*[]byte`), `Reset` before `Put`; each pooled buffer saves one allocation per "
            f"request ({fmt_cost('heap_alloc')})."
        )
    loops = [s for s in ctx.hot_warm if any(f.rule in ARENA_RULES for f in s.findings)]
    if loops:
        names = ", ".join(fn(s.name) for s in loops[:5])
        items.append(
            f"- Arena-style reuse in {names}: allocate the per-iteration buffers once per call and reslice "
            f"(`buf = buf[:0]`) each iteration, so allocations per call stop growing with n."
        )
    if not items:
        block.add("No allocation findings in the touched code: nothing to change here.")
        return block
    add_items(block, items, "memory items")
    return block


def add_items(block: Block, items: list[str], what: str, shown: int = 12) -> None:
    """A bullet list whose first items show and whose rest folds (and may be cut to fit)."""
    block.add("\n".join(items[:shown]))
    rest = items[shown:]
    for i in range(0, len(rest), 100):
        chunk = rest[i : i + 100]
        label = f"{what} {shown + i + 1:,}–{shown + i + len(chunk):,} of {len(items):,}"
        block.add(details(label, "\n".join(chunk)), optional=True, label=label, group=what)


def algorithmic(ctx: ReviewContext) -> Block:
    block = Block("Algorithmic Choices")
    rows = []
    for g in groups(ctx.current, "algorithm") + groups(ctx.current, "memory"):
        f, adv = g[0], advice_of(g[0])
        if not adv.before:
            continue
        rows.append([_label(g), code(f.rule), adv.before, adv.after, adv.fix])
    if not rows:
        block.add("No super-linear patterns found in the touched code.")
        return block
    block.add("Complexity before and after the suggested change (n, m: the sizes of the collections involved):")
    add_table(block, ("Where", "Pattern", "Before", "After", "How"), rows, "complexity items")
    return block


def simd(ctx: ReviewContext) -> Block:
    block = Block("SIMD Opportunities")
    rows = []
    for g in groups(ctx.current, "simd"):
        f, adv = g[0], advice_of(g[0])
        lo, hi = adv.speedup
        speed = f"est. ~{lo}–{hi}× on large inputs" if hi else "est. faster on large inputs"
        rows.append([_label(g), code(f.rule), code(adv.simd_with or "see message"), speed, adv.fix])
    if not rows:
        block.add("No hand-written byte loops that the standard library vectorises.")
        return block
    add_table(block, ("Where", "Loop", "Replace with", "Expected speed-up", "How"), rows, "SIMD items")
    block.add(SIMD_CAVEAT)
    return block


def concurrency(ctx: ReviewContext) -> Block:
    block = Block("Concurrency Design")
    items = []
    for g in groups(ctx.current, "concurrency"):
        f, adv = g[0], advice_of(g[0])
        saving = _saving(f)
        items.append(f"- {_label(g)} — {code(f.rule)}: {adv.why}; {adv.fix}."
                     + (f" Cost today: {saving}." if saving else ""))
    lockers = [s for s in ctx.funcs if s.fact.takes_lock]
    for s in lockers[:5]:
        items.append(
            f"- {fn(s.name)} ({s.fact.hot_path}) takes a lock on every call: {fmt_cost('mutex')} uncontended. "
            "Under contention callers serialise on the critical section: with P goroutines calling it, each "
            "waits up to (P−1)× the critical-section time (estimate); the benchmark plan measures it with "
            "`b.RunParallel`."
        )
    if lockers:
        items.append(
            "- Options, cheapest first: shrink the critical section (no I/O, no allocation under the lock); "
            f"`sync.RWMutex` when reads dominate; `atomic` for single counters ({fmt_cost('atomic_cas')}); shard a "
            "hot map by key hash (16–64 shards); batch updates; bound fan-out to `GOMAXPROCS` workers."
        )
    if not items:
        block.add("No locks, channels or goroutines in the touched code.")
        return block
    add_items(block, items, "concurrency items")
    return block


def design_sections(ctx: ReviewContext) -> list[Block]:
    return [memory(ctx), algorithmic(ctx), simd(ctx), concurrency(ctx)]
