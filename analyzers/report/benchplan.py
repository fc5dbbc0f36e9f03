"""The plan's vocabulary, shared by the generator and its callers."""

from __future__ import annotations

from dataclasses import dataclass

BENCH_FILE = "perf_review_bench_test.go"


@dataclass(frozen=True)
class PlannedBenchmark:
    """One benchmark of a plan: the package's own (existing) or one in BENCH_FILE (generated)."""

    name: str  # top-level Benchmark function name, selectable with -bench '^name$'
    function: str  # the analysed function as the analyzer JSON spells it ("Join", "Store.Put")
    existing: bool  # True: the package's own benchmark that reaches the function
    file: str  # the *_test.go file holding it (BENCH_FILE for generated ones)
    reaches: tuple[str, ...] = ()  # existing ones: the call path from the benchmark to the function
    skip_reason: str | None = None  # generated but calls b.Skip: why no input reaches the finding's line
    sizes: tuple[int, ...] = ()  # sub-benchmark sizes (b.Run "n=<size>") when n drives the cost
    scales: tuple[str, ...] = ()  # what n is the size of: "items", "s.items", "r?skus" (a query parameter)
    unbuilt: tuple[str, ...] = ()  # calls building its input whose error skips it at run time ("NewStore")
