"""A package's `_test.go` files, read only as far as a question needs.

Test files are nearly as large as the code they test and are never analysed, so the engine does
not parse them whole. What reading them is for:

- hot-path evidence: which functions the package's benchmarks call. Only the benchmark code is
  parsed: `Benchmark*` functions and helpers taking a `*testing.B` (`benchmarkFoo(b, 10)`), from a
  line scan of the file (analyzers/skim.py), positions intact (`benchmark_funcs`, `benchmark_calls`);
- names already taken in the package's tests, so generated benchmarks do not clash
  (`func_names`, from the same line scan, no parsing);
- anything else (values the tests use, helpers, table cases): `parsed`, the full model of the
  file, built on first access and only then.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from tree_sitter import Node, Query, QueryCursor

from analyzers.skim import FuncSpan, func_spans, only_funcs
from analyzers.source import Func, GoFile, cached_property, go_language, parse, text
from analyzers.walk import build_file

_PACKAGE = re.compile(rb"^package\s+(\w+)", re.MULTILINE)
_BENCHMARK_SIGNATURE = re.compile(rb"^func\s+Benchmark|\*testing\.B\b", re.MULTILINE)
_BENCHMARK_WORDS = (b"Benchmark", b"*testing.B")  # one is in every match of _BENCHMARK_SIGNATURE


@lru_cache(maxsize=1)
def _calls_and_loops_query() -> Query:
    """The called name of every call (`f(...)`, and `M` of `x.M(...)`) and every loop, in one pass."""
    return Query(go_language(), """
        (call_expression function: (identifier) @name)
        (call_expression function: (selector_expression field: (field_identifier) @name))
        (for_statement) @loop
    """)


# The loop a benchmark times: `for i := 0; i < b.N; i++`, `for range b.N`, `for b.Loop()`,
# `for pb.Next()` in RunParallel.
_TIMED_HEADER = re.compile(r"\.N\b|\.Loop\(\)|\.Next\(\)")


def _timed_loop(node: Node) -> bool:
    body = node.child_by_field_name("body")
    end = body.start_byte if body is not None else node.end_byte
    header = (node.text or b"")[: end - node.start_byte].decode("utf-8", "replace")
    return _TIMED_HEADER.search(header) is not None


def _inside(node: Node, loops: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.id in loops:
            return True
        parent = parent.parent
    return False


@dataclass(eq=False)
class TestFile:
    path: str
    src: bytes

    is_test = True
    __test__ = False  # not a pytest test class

    @cached_property
    def package(self) -> str:
        """The package clause: the package's own name, or `<name>_test` for an external test package."""
        m = _PACKAGE.search(self.src)
        return m.group(1).decode() if m else ""

    @cached_property
    def func_names(self) -> frozenset[str]:
        """Names of the file's top-level functions (methods excluded)."""
        return frozenset(s.name for s in func_spans(self.src) if not s.receiver)

    @cached_property
    def benchmark_spans(self) -> list[FuncSpan]:
        """Benchmarks and benchmark helpers (functions with a `*testing.B` in their signature)."""
        if b"Benchmark" not in self.src and b"*testing.B" not in self.src:
            return []
        return [s for s in func_spans(self.src, _BENCHMARK_SIGNATURE, _BENCHMARK_WORDS) if not s.receiver]

    @cached_property
    def benchmarks(self) -> GoFile:
        """The model of the benchmark code alone (other lines emptied): Benchmark functions, the
        helpers they share, their closures and calls, at their real positions."""
        return build_file(self.path, only_funcs(self.src, self.benchmark_spans))

    def benchmark_funcs(self) -> list[Func]:
        """Top-level benchmark functions and benchmark helpers, each with its calls (closures are
        separate Funcs whose `parent` chain leads to one of these)."""
        if not self.benchmark_spans:
            return []
        return [f for f in self.benchmarks.funcs if f.parent is None]

    def benchmark_calls(self) -> dict[str, str]:
        """Call name (the last identifier: `Parse` for `p.Parse(x)`) -> the first benchmark making it.
        One query over the benchmark view's syntax tree: no function model is built."""
        refs: dict[str, str] = {}
        spans = self.benchmark_spans
        if not spans:
            return refs
        tree = parse(only_funcs(self.src, spans))
        captured = QueryCursor(_calls_and_loops_query()).captures(tree.root_node)
        found = captured.get("name", [])
        starts = [s.start for s in spans]
        timed = [n for n in captured.get("loop", []) if _timed_loop(n)]
        with_loop = {bisect_right(starts, n.start_point[0]) - 1 for n in timed}
        timed_ids = {n.id for n in timed}
        for node in sorted(found, key=lambda n: n.start_byte):
            i = bisect_right(starts, node.start_point[0]) - 1
            if i < 0 or node.start_point[0] > spans[i].end:
                continue
            # Set-up before the timed loop (`s := NewServer()`) runs once per benchmark, not per op.
            if i in with_loop and not _inside(node, timed_ids):
                continue
            refs.setdefault(text(node), spans[i].name)
        return refs

    @cached_property
    def parsed(self) -> GoFile:
        """The full model of the file (parsed on first access)."""
        return build_file(self.path, self.src)

    @property
    def funcs(self) -> list[Func]:
        """Every function of the file: the full parse."""
        return self.parsed.funcs

    def release(self) -> None:
        """Drop the parsed models (the engine calls this once a package is done)."""
        for attr in ("benchmarks", "parsed"):
            gf = self.__dict__.pop(attr, None)
            if isinstance(gf, GoFile):
                release_file(gf)


def release_file(gf: GoFile) -> None:
    """Break a file model's reference cycles (file <-> functions, function <-> closures)."""
    for func in gf.funcs:
        func.decls.clear()
        func.closures.clear()
        func._sites.clear()
        func.calls.clear()
        func.parent = None
    gf.funcs.clear()
