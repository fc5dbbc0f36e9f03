"""Writes one package's perf_review_bench_test.go: a benchmark per selected function, in the package itself,
with inputs that reach the finding lines, or a b.Skip that says why none can."""

from __future__ import annotations

import re
from collections.abc import Sequence

from analyzers.model import Param
from analyzers.package import Package
from analyzers.report.benchbuild import BenchBuilder
from analyzers.report.benchconsistent import (
    array_walk,
    branching_recursion,
    foreign_length,
    heap_position,
    stored_positions,
    unreached_base,
)
from analyzers.report.benchenv import environment
from analyzers.report.benchgen import (
    SIZES,
    Bench,
    Scope,
    constrained,
    file_imports,
    go_minor,
    go_string,
    render_bench,
    render_file,
    render_skip,
    type_names,
)
from analyzers.report.benchhalts import halts
from analyzers.report.benchinputs import Unbuildable, Values
from analyzers.report.benchpaths import Hints, PathReader, read_paths
from analyzers.report.benchplan import BENCH_FILE, PlannedBenchmark
from analyzers.report.benchreach import PackageIndex
from analyzers.report.benchrecv import receiver_use
from analyzers.report.benchskips import (
    always_panics,
    conditional_progress,
    derived_positions,
    done_unadded,
    linked,
    nil_package_pointer,
    positions,
    relocks,
    second_half,
    state_function,
    steps_back,
    stored_closure,
    unlocks_unheld,
    waits_alone,
)
from analyzers.report.benchstd import STD_VALUES, STD_ZERO_OK
from analyzers.report.benchtests import TestArgs, TestValues
from analyzers.report.benchtypes import Facts
from analyzers.report.benchvalues import TypeEnv
from analyzers.source import Func, GoFile, text

_COMMENT = re.compile(r"//[^\n]*")
_BLOCKING_TYPES = {"database/sql": "a database connection", "net": "a network connection"}
# The types of those packages that are connections (None: all of them); net.IP, net.IPNet are values.
_CONNECTIONS: dict[str, frozenset[str] | None] = {
    "database/sql": None,
    "net": frozenset({"Conn", "Listener", "PacketConn", "TCPConn", "UDPConn", "UnixConn", "IPConn", "TCPListener",
                      "UnixListener", "Dialer", "Resolver"}),
}


def _blocking(t: str, env: TypeEnv) -> str | None:
    """What connection a type needs ("a network connection" for net.Conn), or None."""
    for m in re.finditer(r"\b(\w+)\.(\w+)", t):
        path = env.resolve(m.group(1)) or ""
        if path in _CONNECTIONS:
            names = _CONNECTIONS[path]
            if names is None or m.group(2) in names:
                return _BLOCKING_TYPES[path]
    return None


def top_level_names(gf: GoFile) -> set[str]:
    """Every name a file declares at package level (functions, types, variables, constants)."""
    out: set[str] = set()
    for node in gf.tree.root_node.named_children:
        if node.type in ("function_declaration",):
            out.add(text(node.child_by_field_name("name")))
        elif node.type in ("type_declaration", "var_declaration", "const_declaration"):
            stack = list(node.named_children)
            while stack:
                spec = stack.pop()
                if spec.type in ("var_spec_list", "const_spec_list"):
                    stack.extend(spec.named_children)
                    continue
                for name in spec.children_by_field_name("name"):
                    out.add(text(name))
    return out


class FileGen:
    def __init__(self, pkg: Package, lines: dict[str, Sequence[int]] | None = None,
                 like: Sequence[PlannedBenchmark] | None = None) -> None:
        self.pkg = pkg
        self.lines = lines or {}
        self.like = {p.function: p for p in like or () if not p.existing}
        self.planned: list[PlannedBenchmark] = []
        minor = go_minor(pkg.go_version)
        self.loop_b = minor is not None and minor >= 24
        self.local_types, self.generic_types = type_names(pkg)
        names: set[str] = set()
        for gf in pkg.files:
            names |= top_level_names(gf)
        for tf in pkg.test_files:  # test files are skimmed, not parsed (analyzers/testfiles.py): their functions
            names |= set(tf.func_names)
        self.pkg_names = names
        self.taken = set(names)
        self.index = PackageIndex(pkg)
        self.facts = Facts(pkg)
        self.envs = {gf.path: self._env(gf) for gf in pkg.files}
        imports: dict[str, str] = {}
        for gf in pkg.files:
            for local, path in file_imports(gf).items():
                imports.setdefault(local, path)
        self.pkg_env = TypeEnv(self.local_types, self.generic_types, imports)  # field types of any file
        self.values = Values(pkg, self.index, self.envs, names)
        source_names: set[str] = set()
        for gf in pkg.files:
            source_names |= top_level_names(gf)
        self.tests = TestValues(pkg, self.index, source_names)  # test files' own names may not build
        self.values.std("testing")
        self.benches: list[str] = []
        self.names: list[str] = []
        self.sinks: list[str] = []
        self.sized = False

    def generate(self, funcs: list[Func], existing: Sequence[PlannedBenchmark] = ()) -> str:
        for func in funcs:
            reason = self._skip_reason(func)
            if reason is None:
                reason = self._add(func)
            if reason is not None:
                self._add_skip(func, reason)
        v = self.values
        if any(not p.skip_reason for p in self.planned):
            v.fixed("perfReviewGuard")
        if self.sized:
            v.fixed("perfReviewSized")
        code = "\n".join([*self.benches, *self.sinks, *v.helpers.values()])
        code = _COMMENT.sub("", code)
        used = {q: path for q, path in v.imports.items() if re.search(rf"(?<![\w.]){re.escape(q)}\.", code)}
        return render_file(self._package_name(), self.pkg.dir, self.benches, self.names, used,
                           list(v.helpers.values()), self.sinks, self.sized, _existing_note(existing),
                           list(dict.fromkeys(p.name for p in existing)))

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
        env = self.envs[func.file.path]
        for p in func.params:
            if p.type.removeprefix("...").lstrip("*").removeprefix("[]") in ("reflect.Value", "reflect.Type"):
                return (f"takes a {p.type}: a reflection walker's values (settable, of the kind it expects) come "
                        "only from its callers")
        for p in [*func.params, *func.results]:
            problem = env.problem(p.type.removeprefix("..."))
            if problem is not None:
                return problem
            needs = _blocking(p.type, env)
            if needs is not None:
                return f"needs {needs} ({p.type})"
        needs = self._receiver_connection(func)
        if needs is not None:
            return needs
        reader = PathReader(func, self.index, self.facts)
        for check in (relocks(func), positions(func), always_panics(func), nil_package_pointer(func, self.pkg),
                      second_half(func, self.index.methods.get(func.receiver or "", {})), state_function(func),
                      unlocks_unheld(func), done_unadded(func, self.index), linked(func, reader),
                      conditional_progress(func, self.index), waits_alone(func, reader),
                      derived_positions(func), steps_back(func, self.index), branching_recursion(func, self.index),
                      unreached_base(func, self.index), heap_position(func), stored_positions(func),
                      foreign_length(func), array_walk(func, self.index),
                      stored_closure(func, self.lines.get(func.qualified_name, ()))):
            if check is not None:
                return check
        sleeps = [c for c in func.calls if c.callee == "time.Sleep"]
        if sleeps:
            return f"sleeps (line {sleeps[0].line}): a benchmark would time the sleep, not the code"
        return self._worker_loop(func) or halts(func, self.lines.get(func.qualified_name, ()), self.index)

    def _receiver_connection(self, func: Func) -> str | None:
        """A field of the receiver that the method uses holds a connection (an embedded net.Conn): none
        exists offline, and a pipe would wait for a peer."""
        struct = self.pkg.structs.get(func.receiver or "")
        if struct is None:
            return None
        env = self.envs.get(struct.file, self.envs[func.file.path])
        reads = set(receiver_use(func, self.index).reads)
        for name, ftype in struct.fields:
            fname = name or ftype.lstrip("*").rsplit(".", 1)[-1].split("[", 1)[0]
            needs = _blocking(ftype, env) if fname in reads else None
            if needs is not None:
                return f"needs {needs} ({func.receiver_name}.{fname} has type {ftype})"
        return None

    def _worker_loop(self, func: Func) -> str | None:
        """A function that loops forever, or until a channel of its receiver closes, is a worker, not a
        call a benchmark can repeat."""
        for loop in func.loops:
            if loop.depth != 1:
                continue
            body = loop.body
            raw = text(body) if body is not None else ""
            if loop.kind == "infinite" and not re.search(r"\b(return|break|goto)\b", raw):
                return f"loops forever (line {loop.line}): a worker, not a call a benchmark can repeat"
            if loop.kind == "infinite" and any(loop.contains(s.node) for s in func.sites("select_statement")):
                return (f"waits in a select loop (line {loop.line}) on channels, timers or a context: a "
                        "benchmark cannot end it on its own")
            recv = func.receiver_name
            if loop.kind == "range" and recv and loop.range_expr.startswith(recv + ".") \
                    and loop.range_expr.count(".") == 1:
                ftype = self.index.field_type(func.receiver or "", loop.range_expr.split(".", 1)[1])
                if ftype.startswith(("chan ", "<-chan ")):
                    return (f"ranges over channel {loop.range_expr} until it is closed: a worker, not a call a "
                            "benchmark can repeat")
        return None

    def _bench_name(self, func: Func) -> str:
        qualified = func.qualified_name.replace(".", "_")
        name = "Benchmark" + qualified[:1].upper() + qualified[1:]
        other = self.like.get(func.qualified_name)
        if other is not None and other.name not in self.taken:
            name = other.name
        while name in self.taken:
            name += "_PerfReview"
        self.taken.add(name)
        return name

    def _add_skip(self, func: Func, reason: str) -> None:
        reason = " ".join(reason.split())
        if len(reason) > 200:
            reason = reason[:197] + "..."
        name = self._bench_name(func)
        self.benches.append(render_skip(name, func, reason))
        self.planned.append(PlannedBenchmark(name, func.qualified_name, False, BENCH_FILE, skip_reason=reason))

    def _add(self, func: Func) -> str | None:
        lines = list(self.lines.get(func.qualified_name, ()))
        closure = self._returned_closure(func)
        hints, reader = read_paths(closure[0] if closure else func, lines, self.index, self.facts)
        if hints.error_path is not None:
            where = f"line {lines[0]}" if lines else "the flagged code"
            return f"{where} runs {hints.error_path} (an error path a benchmark would not measure)"
        env = self.envs[func.file.path]
        unmet = self._unmet(reader, env)
        if unmet is not None:
            return unmet
        other = self.like.get(func.qualified_name)
        if other is not None and other.skip_reason is None:
            hints.forced = bool(other.sizes)
            hints.drivers = list(other.scales) if other.sizes else []
        scope = Scope(self.pkg_names | set(self.values.imports))
        parallel = bool(func.receiver) and bool(func.calls_named("Lock", "RLock")) and not hints.sized
        saved = self.values.checkpoint()
        taken = set(self.taken)
        try:
            bench = self._build(func, hints, env, scope, parallel)
            if parallel and (bench.rebuild or bench.per_iter):
                # Inputs consumed per call cannot be shared by parallel workers: measure serially.
                self.values.restore(saved)
                self.taken, self.sinks = taken, self.sinks[:len(self.sinks) - len(bench.sinks)]
                parallel = False
                bench = self._build(func, hints, env, Scope(self.pkg_names | set(self.values.imports)), False)
        except Unbuildable as exc:
            self.values.restore(saved)
            self.taken = taken
            return str(exc)
        if parallel:
            self.values.fixed("perfReviewWorkerGuard")
        self.benches.append(render_bench(bench, self.loop_b))
        self.names.append(bench.name)
        self.sized = self.sized or bench.sized
        self.planned.append(PlannedBenchmark(bench.name, func.qualified_name, False, BENCH_FILE,
                                             sizes=SIZES if bench.sized else (),
                                             scales=tuple(hints.drivers) if bench.sized else (),
                                             unbuilt=tuple(bench.unbuilt)))
        return None

    def _unmet(self, reader: PathReader, env: TypeEnv) -> str | None:
        """Why a field the body uses cannot hold a usable value (a *sql.DB, an interface nothing in the
        package implements), or None."""
        env = self.pkg_env
        for path in reader.dereferenced():
            t = reader.path_type(path, reader.sites.get(path))
            if not t or (not t.startswith(("*", "map[", "func(")) and not self._maybe_interface(t, env)):
                continue
            needs = _blocking(t, env)
            if needs is not None:
                return f"needs {needs} ({path} has type {t})"
            saved = self.values.checkpoint()
            try:
                self.values.element(t, "1", env, in_bench=True)
            except Unbuildable as exc:
                return f"{path} needs a usable {t}: {exc}"
            finally:
                self.values.restore(saved)
        return None

    def _maybe_interface(self, t: str, env: TypeEnv) -> bool:
        if "." in t:
            qual, _, name = t.partition(".")
            key = (env.resolve(qual) or "", name.split("[", 1)[0])
            return key not in STD_ZERO_OK and key not in STD_VALUES  # known value types are never nil
        return self.facts.interface_methods(t) is not None

    def _build(self, func: Func, hints: Hints, env: TypeEnv, scope: Scope, parallel: bool) -> Bench:
        closure = self._returned_closure(func)
        literal = self._test_receiver(func, hints) if closure is None else None
        builder = BenchBuilder(self.values, func, hints if closure is None else Hints(), env, scope.take, parallel,
                               self.tests.arguments(func), self.tests.arguments)
        builder.test_receiver = literal
        target = func.name
        if func.receiver:
            target = f"{builder.receiver()}.{func.name}"
        args = [builder.argument(p, i) for i, p in enumerate(func.params)]
        # Variables it reads and checks for being unset (GOPATH, usually unset under go test) are set.
        builder.out.setup[:0] = [f"b.Setenv({go_string(var)}, {value})"
                                 for var, value in environment(closure[0] if closure else func)]
        name = self._bench_name(func)
        if closure is not None:
            # The flagged code is in the function the call returns: build that once, time calls to it.
            inner, how = closure
            made = scope.take("handler")
            builder.out.setup.append(f"{made} := {target}({', '.join(args)})")
            called = BenchBuilder(self.values, inner, hints, env, scope.take, parallel, None, self.tests.arguments)
            called.out = builder.out
            inner_args = [called.argument(p, i) for i, p in enumerate(inner.params)]
            out = builder.out
            return Bench(name, func, out.setup, f"{made}{how}({', '.join(inner_args)})", [], out.per_iter,
                         out.rebuild, out.worker, self._notes(hints) + out.notes, hints.sized, parallel,
                         out.unbuilt)
        sinks = self._sinks(name, func.results, env)
        out = builder.out
        return Bench(name, func, out.setup, f"{target}({', '.join(args)})", [s.split(' ')[0] for s in sinks],
                     out.per_iter, out.rebuild, out.worker, self._notes(hints) + out.notes, hints.sized, parallel,
                     out.unbuilt)

    def _test_receiver(self, func: Func, hints: Hints) -> TestArgs | None:
        """The tests' literal of the receiver (benchtests.receiver), for a struct the package has no
        constructor for; the receiver's collections are then the test's, so n no longer sizes them."""
        t = func.receiver
        if not t or t not in self.pkg.structs or self.index.constructor(t) is not None:
            return None
        found = self.tests.receiver(func)
        root = func.receiver_name
        if found is not None and root and hints.forced is None:
            hints.drivers = [d for d in hints.drivers if d != root and not d.startswith((root + ".", root + "["))]
        return found

    @staticmethod
    def _notes(hints: Hints) -> list[str]:
        if not hints.sized:
            return []
        if not hints.drivers:
            return ["n follows the other revision's benchmark: nothing here walks a collection of that size."]
        what = ", ".join(hints.drivers[:3])
        return [f"n is the size of {what}" + (" (nested loops: the cost grows with n²)." if hints.quadratic else ".")]

    def _returned_closure(self, func: Func) -> tuple[Func, str] | None:
        """The function literal the function returns, when the finding lines are all inside it and the
        result can be called: (the literal, "" for a func value or ".ServeHTTP" for an http.Handler)."""
        lines = list(self.lines.get(func.qualified_name, ()))
        if not lines or len(func.results) != 1:
            return None
        env = self.envs[func.file.path]
        result = func.results[0].type
        if env.is_(result, "net/http", "Handler"):
            how = ".ServeHTTP"
        elif result.startswith("func(") or env.is_(result, "net/http", "HandlerFunc") or \
                self.pkg.type_defs.get(result, "").startswith("func("):
            how = ""
        else:
            return None
        for lit in func.closures:
            if not all(lit.start_line <= ln <= lit.end_line for ln in lines):
                continue
            node = lit.node.parent
            while node is not None and node.type not in ("return_statement", "block"):
                node = node.parent
            if node is not None and node.type == "return_statement":
                return lit, how
        return None

    def _sinks(self, name: str, results: list[Param], env: TypeEnv) -> list[str]:
        if not results:
            return []
        written = []
        for r in results:
            try:
                written.append(self.values.type_text(r.type, env))
            except Unbuildable:
                return []
        base = f"perfReviewSink{name.removeprefix('Benchmark')}"
        decls = [f"{base}{i if len(results) > 1 else ''} {t}" for i, t in enumerate(written)]
        self.sinks += decls
        return decls


def _existing_note(existing: Sequence[PlannedBenchmark]) -> list[str]:
    """Header lines naming, per selected function, the package's own benchmark that reaches it closest
    (the run command selects all of them)."""
    lines: list[str] = []
    shown: set[str] = set()
    for p in existing:
        if p.function in shown:
            continue  # the plan keeps every one; the header names the closest
        shown.add(p.function)
        path = " → ".join(p.reaches)
        lines.append(f"{p.name} ({p.file.rsplit('/', 1)[-1]}) reaches {p.function}" +
                     (f" via {path}" if len(p.reaches) > 1 else ""))
    return list(dict.fromkeys(lines))
