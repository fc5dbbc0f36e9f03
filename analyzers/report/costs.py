"""The cost model: one documented table of what common operations cost, and which of them each rule's
finding pays per occurrence (per call) and per loop iteration.

Every figure here is an order-of-magnitude ESTIMATE for a current 64-bit server CPU (3-4 GHz, Go 1.2x),
not a measurement; the review always prints them as ranges labelled "est.". Sources are the usual
rules of thumb (Go runtime benchmarks, "latency numbers every programmer should know") rounded wide.

| key              | range               | what                                                              |
| ---------------- | ------------------- | ----------------------------------------------------------------- |
| func_call        | 1-5 ns              | a non-inlined Go function call                                    |
| atomic_cas       | 5-10 ns             | an uncontended atomic CAS / Add                                   |
| mutex            | 15-30 ns            | sync.Mutex Lock+Unlock, uncontended                               |
| rwmutex_read     | 20-40 ns            | sync.RWMutex RLock+RUnlock, uncontended                           |
| map_lookup       | 20-50 ns            | a map lookup with a short key                                     |
| map_insert       | 30-100 ns           | a map insert, growth amortised                                    |
| heap_alloc       | 50-100 ns           | a small heap allocation, GC work amortised                        |
| channel_op       | 50-100 ns           | a channel send or receive, including the hand-off                 |
| defer_heap       | 30-60 ns            | a defer record that cannot be open-coded (defer in a loop)        |
| sprintf          | 80-250 ns           | fmt.Sprintf of a short format, its allocation included            |
| timer            | 100-300 ns          | time.After / NewTimer: timer, channel and their allocations       |
| goroutine        | 300-1,000 ns        | starting a goroutine (2-8 KB stack)                               |
| syscall          | 200-1,000 ns        | a small read(2)/write(2)                                          |
| reflection       | 500-2,000 ns        | encoding/json or reflect on a small value                         |
| regexp_compile   | 2,000-20,000 ns     | regexp.Compile of a short pattern (10-40 allocations)             |
| network_rtt      | 100-500 us          | a round trip inside one data centre (DB query, RPC)               |
| connection_setup | 1-10 ms             | a new TCP + TLS connection (lost keep-alive reuse)                |
| L1 / L2 / L3     | 1 / 4 / 10-20 ns    | cache hit latency; bandwidth 50-100 / 25-50 / 15-30 GB/s per core |
| DRAM             | 60-100 ns           | a cache miss; bandwidth 5-20 GB/s per core                        |
"""

# ruff: noqa: RUF001, RUF002  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cost:
    low_ns: float
    high_ns: float
    what: str


COSTS: dict[str, Cost] = {
    "func_call": Cost(1, 5, "a non-inlined function call"),
    "atomic_cas": Cost(5, 10, "an uncontended atomic CAS/Add"),
    "mutex": Cost(15, 30, "an uncontended sync.Mutex Lock+Unlock"),
    "rwmutex_read": Cost(20, 40, "an uncontended RLock+RUnlock"),
    "map_lookup": Cost(20, 50, "a map lookup"),
    "map_insert": Cost(30, 100, "a map insert (growth amortised)"),
    "heap_alloc": Cost(50, 100, "a small heap allocation"),
    "channel_op": Cost(50, 100, "a channel operation"),
    "defer_heap": Cost(30, 60, "a heap-allocated defer record"),
    "sprintf": Cost(80, 250, "a short fmt.Sprintf"),
    "timer": Cost(100, 300, "a timer and its channel"),
    "goroutine": Cost(300, 1_000, "starting a goroutine"),
    "syscall": Cost(200, 1_000, "a small read/write system call"),
    "reflection": Cost(500, 2_000, "reflection-based encoding of a small value"),
    "regexp_compile": Cost(2_000, 20_000, "compiling a short regular expression"),
    "network_rtt": Cost(100_000, 500_000, "a network round trip inside a data centre"),
    "connection_setup": Cost(1_000_000, 10_000_000, "a new TCP+TLS connection"),
    "cache_miss": Cost(60, 100, "a DRAM access (cache miss)"),
    "copy_64b": Cost(2, 10, "copying ~64-256 bytes from cache"),
    "scalar_byte": Cost(0.3, 1.0, "one byte of a hand-written byte loop"),
    "compare": Cost(1, 5, "one comparison step of a search loop"),
}

# Memory hierarchy: (latency ns low, high, bandwidth GB/s per core low, high).
MEMORY_LEVELS: dict[str, tuple[float, float, float, float]] = {
    "L1": (1, 1.5, 50, 100),
    "L2": (3, 5, 25, 50),
    "L3": (10, 20, 15, 30),
    "DRAM": (60, 100, 5, 20),
}


@dataclass(frozen=True)
class RuleCost:
    """What one finding of a rule costs. per_call/per_iter: (cost key, how many) pairs; allocation
    counts per call and per iteration; log_growth: the slice/map grows by doubling (~log2 n allocations)."""

    per_call: tuple[tuple[str, int], ...] = ()
    per_iter: tuple[tuple[str, int], ...] = ()
    allocs_call: int = 0
    allocs_iter: int = 0
    log_growth: bool = False

    @property
    def allocates(self) -> bool:
        return bool(self.allocs_call or self.allocs_iter or self.log_growth)


RULE_COSTS: dict[str, RuleCost] = {
    # alloc
    "slice-prealloc": RuleCost(per_iter=(("copy_64b", 1),), log_growth=True),
    "map-prealloc": RuleCost(per_iter=(("map_insert", 1),), log_growth=True),
    "string-concat-loop": RuleCost(per_iter=(("heap_alloc", 1), ("copy_64b", 1)), allocs_iter=1),
    "sprintf-simple": RuleCost(per_call=(("sprintf", 1),), allocs_call=1),
    "write-string-conversion": RuleCost(per_call=(("heap_alloc", 1), ("copy_64b", 1)), allocs_call=1),
    "regexp-compile-in-func": RuleCost(per_call=(("regexp_compile", 1),), allocs_call=20),
    "bytes-string-conversion": RuleCost(per_call=(("heap_alloc", 2), ("copy_64b", 2)), allocs_call=2),
    "equal-fold": RuleCost(per_call=(("heap_alloc", 2), ("copy_64b", 2)), allocs_call=2),
    "rune-slice-conversion": RuleCost(per_call=(("heap_alloc", 1), ("copy_64b", 4)), allocs_call=1),
    "defer-in-loop": RuleCost(per_iter=(("defer_heap", 1),), allocs_iter=1),
    "make-in-loop": RuleCost(per_iter=(("heap_alloc", 1),), allocs_iter=1),
    "reflection-in-loop": RuleCost(per_iter=(("reflection", 1), ("heap_alloc", 2)), allocs_iter=2),
    "range-value-copy": RuleCost(per_iter=(("copy_64b", 2),)),
    "huge-param": RuleCost(per_call=(("copy_64b", 2),)),
    "sync-pool-non-pointer": RuleCost(per_call=(("heap_alloc", 1),), allocs_call=1),
    # concurrency
    "lock-in-loop": RuleCost(per_iter=(("mutex", 1),)),
    "lock-held-across-io": RuleCost(per_call=(("syscall", 1),)),
    "mutex-copy": RuleCost(),
    "atomic-candidate": RuleCost(per_call=(("mutex", 1),)),
    "rwmutex-candidate": RuleCost(per_call=(("mutex", 1),)),
    "goroutine-per-item": RuleCost(per_iter=(("goroutine", 1),), allocs_iter=1),
    "goroutine-leak-sender": RuleCost(per_call=(("goroutine", 1),), allocs_call=1),
    "time-after-in-loop": RuleCost(per_iter=(("timer", 1),), allocs_iter=3),
    "sleep-polling": RuleCost(per_iter=(("syscall", 1),)),
    # complexity
    "nested-loop-quadratic": RuleCost(per_iter=(("compare", 1),)),
    "linear-search-in-loop": RuleCost(per_iter=(("compare", 1),)),
    "sort-in-loop": RuleCost(per_iter=(("compare", 8), ("func_call", 8))),
    "prepend-in-loop": RuleCost(per_iter=(("heap_alloc", 1), ("copy_64b", 1)), allocs_iter=1),
    # simd
    "byte-loop-search": RuleCost(per_iter=(("scalar_byte", 1),)),
    "byte-loop-count": RuleCost(per_iter=(("scalar_byte", 1),)),
    "byte-loop-compare": RuleCost(per_iter=(("scalar_byte", 1),)),
    "copy-loop": RuleCost(per_iter=(("scalar_byte", 1),)),
    # io
    "unbuffered-write-loop": RuleCost(per_iter=(("syscall", 1),)),
    "http-client-per-call": RuleCost(per_call=(("connection_setup", 1),), allocs_call=10),
    "http-body-not-closed": RuleCost(per_call=(("connection_setup", 1),)),
    "db-call-in-loop": RuleCost(per_iter=(("network_rtt", 1),)),
    "unbounded-read-all": RuleCost(per_call=(("copy_64b", 16),), log_growth=True),
}

# Rules not in the table yet (new rules land independently) fall back to their category.
CATEGORY_COSTS: dict[str, RuleCost] = {
    "alloc": RuleCost(per_call=(("heap_alloc", 1),), allocs_call=1),
    "concurrency": RuleCost(per_call=(("mutex", 1),)),
    "complexity": RuleCost(per_iter=(("compare", 1),)),
    "simd": RuleCost(per_iter=(("scalar_byte", 1),)),
    "io": RuleCost(per_call=(("syscall", 1),)),
}


def rule_cost(rule: str, category: str) -> RuleCost:
    return RULE_COSTS.get(rule) or CATEGORY_COSTS.get(category) or RuleCost()


@dataclass(frozen=True)
class Range:
    """A cost estimate in nanoseconds, low to high."""

    low: float = 0.0
    high: float = 0.0

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def __bool__(self) -> bool:
        return self.high > 0


def _sum(pairs: tuple[tuple[str, int], ...]) -> Range:
    total = Range()
    for key, count in pairs:
        c = COSTS[key]
        total = total + Range(c.low_ns * count, c.high_ns * count)
    return total


def per_call(rc: RuleCost) -> Range:
    return _sum(rc.per_call)


def per_iter(rc: RuleCost) -> Range:
    return _sum(rc.per_iter)


def _unit(ns: float) -> tuple[float, str]:
    if ns >= 1_000_000:
        return ns / 1_000_000, "ms"
    if ns >= 1_000:
        return ns / 1_000, "µs"
    return ns, "ns"


def _num(x: float) -> str:
    if x >= 100 or x == int(x):
        return f"{x:,.0f}"
    return f"{x:.1f}".rstrip("0").rstrip(".")


def fmt_range(r: Range) -> str:
    """'est. ~50–100 ns': always a range, always labelled as an estimate."""
    value, unit = _unit(r.high)
    scale = r.high / value if value else 1
    return f"est. ~{_num(r.low / scale)}–{_num(value)} {unit}"


def fmt_cost(key: str, count: int = 1) -> str:
    c = COSTS[key]
    return fmt_range(Range(c.low_ns * count, c.high_ns * count))
