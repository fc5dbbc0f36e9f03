"""The cost model: what common operations cost, as ranges, and how each rule's finding pays for them.

Every figure is an order-of-magnitude ESTIMATE for a current 64-bit server (3-4 GHz, Go 1.2x, local
SSD, one data centre), rounded wide from Go runtime benchmarks and the usual latency tables, and
checked against benchmarks of the demo change (tests/test_estimates.py keeps the comparison). The
review prints them as ranges labelled "est."; the full table is docs/cost-model.md, generated from
COSTS by `make docs`.
"""

# ruff: noqa: RUF001, RUF002  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

from dataclasses import dataclass

PROJECT_URL = "https://github.com/example/perf-review"
COST_MODEL_URL = f"{PROJECT_URL}/blob/main/docs/cost-model.md"


@dataclass(frozen=True)
class Cost:
    low_ns: float
    high_ns: float
    what: str
    group: str = "CPU and memory"
    label: str = ""  # a few words for the review's inline list of the rows it used (default: the key)


_FS = "File system"
_NET = "Network and processes"

COSTS: dict[str, Cost] = {
    "func_call": Cost(1, 5, "a non-inlined function call", label="function call"),
    "compare": Cost(1, 5, "one step of a search or match loop (load, compare, branch)", label="search/match step"),
    "scalar_byte": Cost(0.3, 1.0, "one byte of a hand-written byte loop", label="byte of a byte loop"),
    "copy_byte": Cost(0.03, 0.1, "one byte copied by memmove (10–30 GB/s from cache)", label="byte copied"),
    "garbage_byte": Cost(0.1, 0.5, "one byte of a large short-lived allocation: fresh memory, then GC work",
                         label="byte of garbage"),
    "copy_struct": Cost(5, 30, "copying a 128–512-byte struct", label="struct copy"),
    "atomic_cas": Cost(5, 10, "an uncontended atomic CAS / Add", label="atomic op"),
    "mutex": Cost(15, 30, "sync.Mutex Lock + Unlock, uncontended", label="mutex lock+unlock"),
    "rwmutex_read": Cost(20, 40, "sync.RWMutex RLock + RUnlock, uncontended", label="RLock+RUnlock"),
    "map_lookup": Cost(20, 50, "a map lookup with a short key", label="map lookup"),
    "map_insert": Cost(30, 100, "a map insert, growth amortised", label="map insert"),
    "heap_alloc": Cost(20, 100, "a small heap allocation, GC work amortised", label="small allocation"),
    "channel_op": Cost(50, 100, "a channel send or receive with a waiting partner", label="channel op"),
    "defer_heap": Cost(30, 60, "a defer record that cannot be open-coded (defer in a loop)", label="heap defer"),
    "sprintf": Cost(50, 250, "fmt.Sprintf of a short format, its allocation included", label="fmt.Sprintf"),
    "timer": Cost(100, 300, "time.After / NewTimer: a timer, its channel and their allocations", label="timer"),
    "goroutine": Cost(300, 1_000, "starting a goroutine (2–8 KB stack)", label="goroutine start"),
    "reflection": Cost(500, 2_000, "encoding/json or reflect on a small value", label="reflection"),
    "regexp_compile": Cost(2_000, 20_000, "regexp.Compile of a short pattern (10–40 allocations)",
                           label="regexp compile"),
    "syscall": Cost(500, 5_000, "a small read(2) / write(2) on a file, pipe or socket buffer", _FS,
                    label="small read/write syscall"),
    "fs_stat": Cost(1_000, 10_000, "stat, or open + close of an existing file", _FS, label="stat/open"),
    "fs_read_file": Cost(5_000, 50_000, "os.ReadFile of a small file from the page cache", _FS, label="os.ReadFile"),
    "fs_meta": Cost(10_000, 100_000, "create, rename, remove or mkdir (a journaled metadata update)", _FS,
                    label="create/rename/remove"),
    "fs_write_file": Cost(20_000, 2_000_000, "os.WriteFile, or create/truncate + write + close of a small "
                          "file (ext4 flushes a truncated file's data on close)", _FS, label="os.WriteFile"),
    "fs_sync": Cost(100_000, 10_000_000, "fsync / File.Sync: a flush to the device", _FS, label="fsync"),
    "net_rtt": Cost(100_000, 1_000_000, "a request and its answer on an open connection inside one data centre "
                    "(SQL query, RPC, HTTP with keep-alive)", _NET, label="network round trip"),
    "connection_setup": Cost(1_000_000, 10_000_000, "a new TCP + TLS connection (keep-alive reuse lost)", _NET,
                             label="TCP+TLS connection"),
    "process": Cost(1_000_000, 10_000_000, "starting a process and waiting for it (exec.Command … Run)", _NET,
                    label="process start"),
}

# Memory hierarchy: (latency ns low, high, bandwidth GB/s per core low, high).
MEMORY_LEVELS: dict[str, tuple[float, float, float, float]] = {
    "L1": (1, 1.5, 50, 100),
    "L2": (3, 5, 25, 50),
    "L3": (10, 20, 15, 30),
    "DRAM": (60, 100, 5, 20),
}

# Shapes: how a finding's cost grows.
SHAPES: dict[str, str] = {
    "op": "one flagged operation, repeated by every loop around it",
    "loop": "the flagged code is a loop: the cost is per element it walks",
    "concat": "each iteration copies everything built so far: n allocations and n²/2 elements copied",
    "search": "one linear search per iteration: the cost is per element searched",
    "sort": "one sort of m elements per iteration: m·log₂m comparisons",
    "growth": "a slice or map regrown by doubling while a loop fills it",
    "wait": "blocks on another goroutine or the clock: a latency, no fixed cost",
    "none": "a correctness or resource problem, not a per-call cost",
}


@dataclass(frozen=True)
class RuleCost:
    """What one finding of a rule costs: `op` the (cost key, count) pairs of one occurrence; `shape`
    how it grows (see SHAPES); `allocs` heap allocations per occurrence; `elem_bytes` the bytes one
    iteration appends (concat, growth); `io`: the cost key comes from the blocking call's kind."""

    op: tuple[tuple[str, float], ...] = ()
    shape: str = "op"
    allocs: int = 0
    elem_bytes: int = 0
    io: bool = False
    note: str = ""  # what the cost is ("lock held longer", "leaked per call")
    loops: int = 0  # loops the pattern implies: a finding that does not say where it sits gets these


RULE_COSTS: dict[str, RuleCost] = {
    # alloc
    "slice-prealloc": RuleCost((("heap_alloc", 1),), "growth", elem_bytes=16, loops=1),
    "map-prealloc": RuleCost((("map_insert", 1),), "growth", elem_bytes=32, loops=1),
    "string-concat-loop": RuleCost((("heap_alloc", 1),), "concat", allocs=1, elem_bytes=32, loops=1),
    "prepend-in-loop": RuleCost((("heap_alloc", 1),), "concat", allocs=1, elem_bytes=16, loops=1),
    "sprintf-simple": RuleCost((("sprintf", 1),), allocs=1),
    # A written response of ~1 KB: copied into a fresh allocation that the GC then reclaims.
    "write-string-conversion": RuleCost((("heap_alloc", 1), ("copy_byte", 1024), ("garbage_byte", 1024)), allocs=1),
    "regexp-compile-in-func": RuleCost((("regexp_compile", 1),), allocs=20),
    "bytes-string-conversion": RuleCost((("heap_alloc", 2), ("copy_byte", 128)), allocs=2),
    "equal-fold": RuleCost((("heap_alloc", 2), ("copy_byte", 64)), allocs=2),
    "rune-slice-conversion": RuleCost((("heap_alloc", 1), ("copy_byte", 256)), allocs=1),
    "defer-in-loop": RuleCost((("defer_heap", 1),), allocs=1, note="resources held until return", loops=1),
    "make-in-loop": RuleCost((("heap_alloc", 1),), allocs=1, loops=1),
    "reflection-in-loop": RuleCost((("reflection", 1),), allocs=2, loops=1),
    "range-value-copy": RuleCost((("copy_struct", 1),), loops=1),
    "huge-param": RuleCost((("copy_struct", 1),)),
    "sync-pool-non-pointer": RuleCost((("heap_alloc", 1),), allocs=1),
    "unbounded-read-all": RuleCost(shape="none", note="memory grows with the request body"),
    # concurrency
    "lock-in-loop": RuleCost((("mutex", 1),), loops=1),
    "lock-held-across-io": RuleCost(io=True, note="lock held longer"),
    "mutex-copy": RuleCost(shape="none", note="a copied lock guards nothing"),
    "atomic-candidate": RuleCost((("mutex", 1), ("atomic_cas", -1))),
    "rwmutex-candidate": RuleCost(shape="none", note="readers serialise under load"),
    "goroutine-per-item": RuleCost((("goroutine", 1),), allocs=1, loops=1),
    "goroutine-leak-sender": RuleCost(shape="none", note="one goroutine (2–8 KB) leaked per call"),
    "time-after-in-loop": RuleCost((("timer", 1),), allocs=3, loops=1),
    "sleep-polling": RuleCost(shape="wait", note="latency up to the sleep interval", loops=1),
    # complexity
    "nested-loop-quadratic": RuleCost((("compare", 1),), loops=2),
    "linear-search-in-loop": RuleCost((("compare", 1),), "search", loops=1),
    "sort-in-loop": RuleCost((("compare", 1), ("func_call", 1)), "sort", loops=1),
    # simd
    "byte-loop-search": RuleCost((("scalar_byte", 1),), "loop", loops=1),
    "byte-loop-count": RuleCost((("scalar_byte", 1),), "loop", loops=1),
    "byte-loop-compare": RuleCost((("scalar_byte", 1),), "loop", loops=1),
    "copy-loop": RuleCost((("scalar_byte", 1),), "loop", loops=1),
    # io
    "unbuffered-write-loop": RuleCost((("syscall", 1),), loops=1),
    "http-client-per-call": RuleCost((("connection_setup", 1),), allocs=10),
    "http-body-not-closed": RuleCost((("connection_setup", 1),), note="paid by the next request"),
    "db-call-in-loop": RuleCost((("net_rtt", 1),), loops=1),
}

# Rules not in the table yet (new rules land independently) fall back to their category.
CATEGORY_COSTS: dict[str, RuleCost] = {
    "alloc": RuleCost((("heap_alloc", 1),), allocs=1),
    "concurrency": RuleCost((("mutex", 1),)),
    "complexity": RuleCost((("compare", 1),)),
    "simd": RuleCost((("scalar_byte", 1),), "loop"),
    "io": RuleCost((("syscall", 1),)),
}


def rule_cost(rule: str, category: str) -> RuleCost:
    return RULE_COSTS.get(rule) or CATEGORY_COSTS.get(category) or RuleCost(shape="none")


@dataclass(frozen=True)
class Range:
    """A cost estimate in nanoseconds, low to high."""

    low: float = 0.0
    high: float = 0.0

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def __mul__(self, k: float) -> Range:
        return Range(self.low * k, self.high * k)

    def __bool__(self) -> bool:
        return self.high > 0

    def contains_within(self, value: float, factor: float) -> bool:
        """value inside [low/factor, high·factor]: the range holds the value, or misses by less than factor×."""
        return self.low / factor <= value <= self.high * factor


def cost_range(key: str, count: float = 1) -> Range:
    c = COSTS[key]
    return Range(c.low_ns * count, c.high_ns * count)


def sum_pairs(pairs: tuple[tuple[str, float], ...]) -> Range:
    total = Range()
    for key, count in pairs:
        total = total + cost_range(key, count)
    return Range(max(total.low, 0.0), max(total.high, 0.0))


def _unit(ns: float) -> tuple[float, str]:
    if ns >= 1_000_000_000:
        return ns / 1_000_000_000, "s"
    if ns >= 1_000_000:
        return ns / 1_000_000, "ms"
    if ns >= 1_000:
        return ns / 1_000, "µs"
    return ns, "ns"


def _num(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{round(x):.0f}"
    if x >= 1:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".")


def fmt_ns(ns: float) -> str:
    value, unit = _unit(ns)
    return f"{_num(value)} {unit}"


def fmt_span(r: Range) -> str:
    """'20 µs–2 ms', '50–250 ns': a range, each end in its own unit when they differ."""
    lo_v, lo_u = _unit(r.low)
    hi_v, hi_u = _unit(r.high)
    if lo_u == hi_u:
        return f"{_num(lo_v)}–{_num(hi_v)} {hi_u}"
    return f"{_num(lo_v)} {lo_u}–{_num(hi_v)} {hi_u}"


def fmt_range(r: Range) -> str:
    """'est. 50–100 ns': always a range, always labelled as an estimate."""
    return f"est. {fmt_span(r)}"


def fmt_cost(key: str, count: float = 1) -> str:
    return fmt_range(cost_range(key, count))


def cost_model_markdown() -> str:
    """docs/cost-model.md: every row, grouped, plus the memory hierarchy."""
    lines = [
        "# The cost model",
        "",
        "What perf-review's estimates are made of. Every figure is an order-of-magnitude **estimate** for a",
        "current 64-bit server (3–4 GHz, Go 1.2x, local SSD, one data centre), not a measurement of your code:",
        "run the benchmark plan of a review and trust `benchstat` over these numbers.",
        "This file is generated from `analyzers/report/costs.py` by `make docs`; a review shows the rows it used.",
        "",
        "How a finding's estimate is built: the cost of the flagged operation, times every loop around it.",
        "A loop that walks one of the function's parameters counts as n = 1,000 and the estimate is stated",
        "per call at that n; a loop over anything else leaves the estimate per iteration. Quadratic patterns",
        "(a string rebuilt by `+=`, a slice prepended to) are stated per call at n = 1,000 appends of ~32 bytes.",
        "Impact: high from 100 µs, medium from 1 µs, low below (the upper end of the estimate).",
        "",
    ]
    for group in ("CPU and memory", _FS, _NET):
        lines += [f"## {group}", "", "| key | cost (estimate) | what |", "| --- | --- | --- |"]
        lines += [f"| `{k}` | {fmt_span(cost_range(k))} | {c.what} |" for k, c in COSTS.items() if c.group == group]
        lines.append("")
    lines += ["## Per rule", "", "What one finding of each rule is priced at (`×` a count), and its shape:", ""]
    lines += [f"- **{shape}**: {what}" for shape, what in SHAPES.items()]
    lines += ["",
              "`lock-held-across-io` prices the blocking call by its kind: a file write, an fsync, a network round",
              "trip, a process; a lock held while waiting on another goroutine is labelled a deadlock risk instead.",
              "", "| rule | shape | rows |", "| --- | --- | --- |"]
    for rule, rc in sorted(RULE_COSTS.items()):
        rows = ", ".join(f"`{k}`" + (f" ×{n:g}" if n != 1 else "") for k, n in rc.op) or ("by the call's kind" if rc.io
                                                                                         else rc.note or "—")
        lines.append(f"| `{rule}` | {rc.shape} | {rows} |")
    lines.append("")
    lines += ["## Memory hierarchy", "", "| level | latency (estimate) | bandwidth per core (estimate) |",
              "| --- | --- | --- |"]
    for level, (lat_lo, lat_hi, bw_lo, bw_hi) in MEMORY_LEVELS.items():
        lines.append(f"| {level} | {fmt_span(Range(lat_lo, lat_hi))} | {bw_lo:g}–{bw_hi:g} GB/s |")
    return "\n".join(lines) + "\n"
