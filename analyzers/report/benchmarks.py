"""Benchmark plans: a compilable perf_review_bench_test.go per package, for its hot and warm functions.

Each benchmark calls ReportAllocs, builds its input outside the timed loop, runs sub-benchmarks over
input sizes when a parameter is a string, slice, map, []byte or reader, uses b.RunParallel for functions
that take a lock, httptest for handlers, context.Background() for contexts, a constructed receiver for
methods, `for b.Loop()` from Go 1.24 (else the b.N loop), and assigns results to package-level sinks.
What cannot be built gets its zero value and a TODO; what cannot be written at all is skipped with a
comment saying why, so the file always compiles.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analyzers.hotpath import classify
from analyzers.model import FunctionFact, Result
from analyzers.package import Package, build_package, nearest_go_mod
from analyzers.report.benchgen import (
    SIZES,
    Bench,
    Scope,
    build_args,
    constrained,
    constructor_setup,
    file_imports,
    go_minor,
    render_bench,
    render_file,
    render_skip,
    type_names,
)
from analyzers.report.benchreach import reaches
from analyzers.report.benchvalues import HELPERS, STD_IMPORTS, TypeEnv
from analyzers.source import Func, GoFile
from analyzers.walk import build_file

BENCH_FILE = "perf_review_bench_test.go"
_SEPARATOR = re.compile(r"^// ----- (\S+) -----$", re.MULTILINE)
_MEASURES = re.compile(r"^// (Benchmark\w+) measures (\S+) \((\S+)\)\.$", re.MULTILINE)
_COMMENT = re.compile(r"//[^\n]*")
_SKIPPED = re.compile(r"^// Benchmark\w+ skips (\S+) \(\S+\): (.*)\.$", re.MULTILINE)


class BenchmarkError(ValueError):
    """A request for benchmarks that cannot be met (unknown function names)."""


@dataclass(frozen=True)
class BenchInfo:
    name: str
    function: str
    location: str


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


def benchmark_file(pkg: Package, functions: Sequence[str] | None = None) -> str:
    """perf_review_bench_test.go for pkg: the named functions (plain or Recv.Name), or by default every
    hot or warm function. Raises BenchmarkError for a name the package does not define."""
    return _FileGen(pkg).generate(_select(pkg, functions))


def benchmark_plan(
    pkg: Package, functions: Sequence[str] | None = None, lines: Mapping[str, Sequence[int]] | None = None
) -> tuple[list[PlannedBenchmark], str]:
    """The plan for the named functions (default: hot and warm ones), existing benchmarks first, and the
    text of BENCH_FILE holding only the generated (missing) ones. `lines` maps a function to the finding
    lines its benchmark must reach. Raises BenchmarkError for a name the package does not define."""
    chosen = _select(pkg, functions)
    found = reaches(pkg)
    existing: list[PlannedBenchmark] = []
    missing: list[Func] = []
    for func in chosen:
        hits = found.get(func.qualified_name, [])
        if not hits:
            missing.append(func)
        for r in hits:
            existing.append(PlannedBenchmark(r.bench, func.qualified_name, True, r.file, r.path))
    gen = _FileGen(pkg, dict(lines or {}))
    code = gen.generate(missing)
    return existing + gen.planned, code


def _select(pkg: Package, functions: Sequence[str] | None) -> list[Func]:
    candidates = [f for f in pkg.funcs if not f.is_literal]
    if functions is None:
        heat = classify(pkg)
        return [f for f in candidates if heat[f].tier in ("hot", "warm")]
    chosen: list[Func] = []
    for name in functions:
        found = [f for f in candidates if name in (f.qualified_name, f.name)]
        if not found:
            raise BenchmarkError(f"no function {name!r} in package {pkg.dir or '.'}")
        chosen.extend(f for f in found if f not in chosen)
    return chosen


class _FileGen:
    def __init__(self, pkg: Package, lines: dict[str, Sequence[int]] | None = None) -> None:
        self.pkg = pkg
        self.lines = lines or {}
        self.planned: list[PlannedBenchmark] = []
        minor = go_minor(pkg.go_version)
        self.loop_b = minor is not None and minor >= 24
        self.local_types, self.generic_types = type_names(pkg)
        self.pkg_names = set(self.local_types) | set(pkg.vars) | {f.name for f in pkg.funcs if not f.receiver}
        self.taken = {f.name for tf in pkg.test_files for f in tf.funcs if not f.receiver} | self.pkg_names
        self.imports: dict[str, str] = {}
        self.helpers: set[str] = set()
        self.benches: list[str] = []
        self.names: list[str] = []
        self.sinks: list[str] = []
        self.skips: list[str] = []
        self.sized = self.parallel = False

    def generate(self, funcs: list[Func]) -> str:
        for func in funcs:
            reason = self._skip_reason(func)
            if reason is None:
                reason = self._add(func)
            if reason is not None:
                self._add_skip(func, reason)
        if self.parallel:
            self.imports.setdefault("sync", "sync")
        for h in self.helpers:
            for std in HELPERS[h][1]:
                self.imports.setdefault(std, STD_IMPORTS[std])
        code = "\n".join([*self.benches, *self.sinks, *(HELPERS[h][0] for h in self.helpers)])
        code = _COMMENT.sub("", code) + ("\nsync.Mutex" if self.parallel else "")
        used = {q: path for q, path in self.imports.items() if re.search(rf"(?<![\w.]){re.escape(q)}\.", code)}
        return render_file(self._package_name(), self.pkg.dir, self.benches, self.names, self.skips, used,
                           self.helpers, self.sinks, self.sized, self.parallel)

    def _package_name(self) -> str:
        names = [gf.package for gf in self.pkg.files if gf.package and not constrained(gf)]
        names = names or [gf.package for gf in self.pkg.files if gf.package]
        return max(set(names), key=names.count) if names else "main"

    def _env(self, gf: GoFile) -> TypeEnv:
        return TypeEnv(self.local_types, self.generic_types, file_imports(gf))

    def _skip_reason(self, func: Func) -> str | None:
        if not func.receiver and func.name in ("init", "main"):
            return f"{func.name} runs once"
        if func.name == "_":
            return "a blank function cannot be called"
        if func.node.child_by_field_name("type_parameters") is not None:
            return "generic function: instantiate it by hand"
        if func.receiver in self.generic_types:
            return "method of a generic type: instantiate the type by hand"
        if constrained(func.file):
            return "its file has build constraints or uses cgo"
        if func.file.package != self._package_name():
            return f"its file is in package {func.file.package}"
        env = self._env(func.file)
        for p in [*func.params, *func.results]:
            problem = env.problem(p.type.removeprefix("..."))
            if problem is not None:
                return problem
        return None

    def _add_skip(self, func: Func, reason: str) -> None:
        name = self._bench_name(func)
        self.taken.add(name)
        self.imports["testing"] = "testing"
        self.benches.append(render_skip(name, func, reason))
        self.skips.append(f"{func.qualified_name} ({reason})")
        self.planned.append(PlannedBenchmark(name, func.qualified_name, False, BENCH_FILE, skip_reason=reason))

    def _bench_name(self, func: Func) -> str:
        qualified = func.qualified_name.replace(".", "_")
        name = "Benchmark" + qualified[:1].upper() + qualified[1:]
        while name in self.taken:
            name += "_PerfReview"
        return name

    def _add(self, func: Func) -> str | None:
        env = self._env(func.file)
        scope = Scope(self.pkg_names | set(env.imports) | set(STD_IMPORTS))
        receiver_setup: list[str] = []
        std: set[str] = set()
        call_target = func.name
        if func.receiver:
            var = scope.take(func.receiver_name or func.receiver[:1].lower())
            built = constructor_setup(self.pkg, func.receiver, var, env)
            if built is None:
                receiver_setup = [f"var {var} {func.receiver} // TODO: zero value; set the fields {func.name} needs"]
            else:
                receiver_setup, std = built
            call_target = f"{var}.{func.name}"
        args = build_args(func.params, env, scope)
        for a in args:
            std |= a.std
        needed = {q: env.resolve(q) or "" for p in [*func.params, *func.results] for q in env.qualifiers(p.type)}
        needed.update({s: STD_IMPORTS[s] for s in std})
        needed["testing"] = "testing"
        if any(a.sized for a in args):
            needed["strconv"] = "strconv"
        clash = [q for q, path in needed.items() if self.imports.get(q, path) != path]
        if clash:
            return f"import name {clash[0]} means another package elsewhere in this file"
        name = self._bench_name(func)
        self.taken.add(name)
        bench = Bench(name, func, args, f"{call_target}({', '.join(a.expr for a in args)})", list(func.results),
                      receiver_setup, parallel=_takes_lock(func))
        sinks = [f"perfReviewSink{name.removeprefix('Benchmark')}{i if len(func.results) > 1 else ''}"
                 for i in range(len(func.results))]
        self.benches.append(render_bench(bench, self.loop_b, sinks))
        self.names.append(name)
        self.planned.append(PlannedBenchmark(name, func.qualified_name, False, BENCH_FILE,
                                             sizes=SIZES if bench.sized else ()))
        self.sinks += [f"{s} {r.type}" for s, r in zip(sinks, func.results, strict=True)]
        self.imports.update(needed)
        for a in args:
            self.helpers |= a.helpers
        self.sized = self.sized or bench.sized
        self.parallel = self.parallel or (bench.parallel and bool(sinks))
        return None


def _takes_lock(func: Func) -> bool:
    return bool(func.calls_named("Lock", "RLock"))


def load_package(directory: str, files: Mapping[str, bytes | None]) -> Package | None:
    """The package in `directory` (a '/'-separated key prefix of files), or None when it has no Go source."""
    go_mods = {p: s for p, s in files.items() if p.endswith("go.mod") and s is not None}
    sources: list[GoFile] = []
    tests: list[GoFile] = []
    for path in sorted(files):
        src = files[path]
        if src is None or not path.endswith(".go") or posixpath.dirname(path) != directory:
            continue
        if path.rsplit("/", 1)[-1] == BENCH_FILE:
            continue
        (tests if path.endswith("_test.go") else sources).append(build_file(path, src))
    if not sources:
        return None
    return build_package(directory, sources, tests, nearest_go_mod(sources[0].path, go_mods))


def plan_for_change(result: Result, head: Mapping[str, bytes | None],
                    order: Callable[[list[FunctionFact]], list[FunctionFact]] | None = None) -> str | None:
    """The benchmark plan for a change: one file per package with hot or warm touched functions. `order`
    may rearrange the functions (files then follow their first function); by default packages come in
    directory order and functions in source order."""
    facts = [f for f in result.functions if f.change is not None and f.hot_path in ("hot", "warm")]
    if order is not None:
        facts = order(facts)
    by_dir: dict[str, list[str]] = {}
    for fact in facts:
        names = by_dir.setdefault(fact.package, [])
        if fact.qualified_name not in names:
            names.append(fact.qualified_name)
    files: dict[str, str] = {}
    for directory, names in by_dir.items() if order is not None else sorted(by_dir.items()):
        pkg = load_package(directory, head)
        if pkg is None:
            continue
        present = {f.qualified_name for f in pkg.funcs if not f.is_literal}
        files[posixpath.join(directory, BENCH_FILE)] = benchmark_file(pkg, [n for n in names if n in present])
    return join_plan(files) if files else None


def join_plan(files: Mapping[str, str]) -> str:
    return "\n".join(f"// ----- {path} -----\n{code}" for path, code in files.items())


def split_plan(plan: str) -> list[tuple[str, str]]:
    """(path, code) per file of a plan made by join_plan; a bare file comes back with path BENCH_FILE."""
    marks = list(_SEPARATOR.finditer(plan))
    if not marks:
        return [(BENCH_FILE, plan)] if plan.strip() else []
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(plan)
        out.append((m.group(1), plan[m.end() :end].strip("\n") + "\n"))
    return out


def benchmarks_in(code: str) -> list[BenchInfo]:
    return [BenchInfo(m.group(1), m.group(2), m.group(3)) for m in _MEASURES.finditer(code)]


def skipped_in(code: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _SKIPPED.finditer(code)]
