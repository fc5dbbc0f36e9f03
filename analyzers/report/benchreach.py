"""Which of a package's own benchmarks reach which of its functions: a call graph from each `Benchmark*`
function of its test files, followed through closures, methods (by the receiver's type where syntax
shows it) and function values passed as arguments.

Static and approximate on purpose: an interface call reaches nothing, and a method whose receiver's type
is unknown reaches the one method of that name in the package, when there is exactly one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.package import Package
from analyzers.source import Func, GoFile, descendants, strip_parens, text
from analyzers.typeinfer import infer_type

if TYPE_CHECKING:
    from analyzers.report.benchpaths import Hints


@dataclass(frozen=True)
class Reach:
    """An existing benchmark that reaches a function: its name, its file and the call path to it."""

    bench: str
    file: str
    path: tuple[str, ...]  # qualified names from the benchmark's first callee to the function


class PackageIndex:
    """Lookups over one package: functions by name, methods by type, field types, result types."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.functions: dict[str, Func] = {}
        self.methods: dict[str, dict[str, Func]] = {}
        self.by_method_name: dict[str, list[Func]] = {}
        self.guards: dict[tuple[Func, int], Hints] = {}  # what a helper's guards ask of its parameters (benchshapes)
        for f in pkg.funcs:
            if f.is_literal:
                continue
            if f.receiver:
                self.methods.setdefault(f.receiver, {})[f.name] = f
                self.by_method_name.setdefault(f.name, []).append(f)
            else:
                self.functions.setdefault(f.name, f)

    def constructor(self, type_name: str) -> Func | None:
        """The package's constructor of *T or T: NewT / newT first, then other New*, Make* functions
        returning it (alone or with an error); never generic ones."""
        best: tuple[int, str, Func] | None = None
        for f in self.functions.values():
            if f.node.child_by_field_name("type_parameters") is not None:
                continue
            results = [r.type for r in f.results]
            if not results or results[1:] not in ([], ["error"]):
                continue
            lowered = f.name.lower()
            if results[0].lstrip("*") != type_name:
                # NewTree() Tree returning &tree{...}: a constructor behind an interface
                under = self.pkg.type_defs.get(results[0], "").strip()
                if under.startswith("interface") and _returns_built(f, type_name) and \
                        lowered.startswith(("new", "make")):
                    rank = 3
                    if best is None or (rank, f.name) < best[:2]:
                        best = (rank, f.name, f)
                continue
            if lowered == "new" + type_name.lower():
                rank = 0
            elif lowered.startswith(("new", "make")):
                rank = 1
            elif _builds(f, type_name):
                rank = 2  # lex(...) *lexer: a function that makes the value it returns
            else:
                continue
            if best is None or (rank, f.name) < best[:2]:
                best = (rank, f.name, f)
        return best[2] if best is not None else None

    def method(self, type_text: str, name: str, seen: frozenset[str] = frozenset()) -> Func | None:
        """T.name or *T.name, also promoted from embedded fields."""
        base = _base(type_text)
        found = self.methods.get(base, {}).get(name)
        if found is not None or base in seen:
            return found
        struct = self.pkg.structs.get(base)
        for fname, ftype in struct.fields if struct is not None else []:
            if not fname:
                inner = self.method(ftype, name, seen | {base})
                if inner is not None:
                    return inner
        return None

    def field_type(self, type_text: str, name: str, seen: frozenset[str] = frozenset()) -> str:
        base = _base(type_text)
        struct = self.pkg.structs.get(base)
        if struct is None or base in seen:
            return ""
        for fname, ftype in struct.fields:
            if fname == name or (not fname and _base(ftype).rsplit(".", 1)[-1] == name):  # embedded net.Conn: Conn
                return ftype
        for fname, ftype in struct.fields:
            if not fname:
                inner = self.field_type(ftype, name, seen | {base})
                if inner:
                    return inner
        return ""

    def expr_type(self, node: Node | None, func: Func | None, depth: int = 0) -> str:
        """The type of an expression, with the package's own functions, methods and fields known."""
        node = strip_parens(node)
        if node is None or depth > 8:
            return ""
        kind = node.type
        if kind == "identifier" and func is not None:
            decl = func.lookup(text(node), node)
            if decl is not None:
                if decl.type:
                    return decl.type
                if decl.init is not None:
                    return self.expr_type(decl.init, func, depth + 1)
                if decl.multi_init is not None and decl.result_index is not None:
                    return self.call_result(decl.multi_init, func, decl.result_index, depth + 1)
                return ""
            return self.pkg.vars.get(text(node), "")
        if kind == "selector_expression":
            operand = node.child_by_field_name("operand")
            field = text(node.child_by_field_name("field"))
            return self.field_type(self.expr_type(operand, func, depth + 1), field)
        if kind == "call_expression":
            return self.call_result(node, func, 0, depth + 1)
        return infer_type(node, func)

    def call_result(self, call: Node, func: Func | None, index: int, depth: int) -> str:
        target = self.callee(call, func, depth)
        if target is None:
            return infer_type(call, func) if index == 0 else ""
        results = target.results
        return results[index].type if index < len(results) else ""

    def callee(self, call: Node, func: Func | None, depth: int = 0) -> Func | None:
        """The package function or method a call expression calls, when syntax shows it."""
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None:
            return None
        if fn.type == "identifier":
            if func is not None and func.lookup(text(fn), fn) is not None:
                return None  # a local function value
            return self.functions.get(text(fn))
        if fn.type == "selector_expression":
            return self.selected(fn, func, depth)
        return None

    def selected(self, sel: Node, func: Func | None, depth: int = 0) -> Func | None:
        """x.M as a method of the package (or pkg.F from an external test package)."""
        operand = sel.child_by_field_name("operand")
        name = text(sel.child_by_field_name("field"))
        if operand is not None and operand.type == "identifier" and func is not None:
            qual = text(operand)
            if func.lookup(qual, operand) is None and self._is_self_import(func.file, qual):
                return self.functions.get(name)
        recv_type = self.expr_type(operand, func, depth + 1)
        if recv_type:
            return self.method(recv_type, name)
        candidates = self.by_method_name.get(name, [])
        return candidates[0] if len(candidates) == 1 else None

    def _is_self_import(self, gf: GoFile, qual: str) -> bool:
        path = gf.imports.get(qual)
        if path is None:
            return False
        names = {f.package for f in self.pkg.files if f.package}
        return path.rsplit("/", 1)[-1] in names or qual in names


def _builds(func: Func, type_name: str) -> bool:
    """Whether the function makes a fresh T (`&T{...}`, `T{...}`, `new(T)`), not look one up."""
    for f in [func, *func.closures]:
        for site in f.sites("composite_literal"):
            if text(site.node.child_by_field_name("type")) == type_name:
                return True
    return any(c.callee == "new" and [text(a) for a in c.args] == [type_name] for c in func.calls)


def _returns_built(func: Func, type_name: str) -> bool:
    """Whether the function returns a fresh `&T{...}` (behind whatever type it declares)."""
    for site in func.sites("return_statement"):
        for node in descendants(site.node):
            if node.type == "composite_literal" and text(node.child_by_field_name("type")) == type_name:
                parent = node.parent
                if parent is not None and parent.type == "unary_expression" and parent.parent is not None \
                        and parent.parent.type == "expression_list":
                    return True
    return False


def _base(type_text: str) -> str:
    return type_text.strip().lstrip("*").split("[", 1)[0]


def _with_closures(func: Func) -> Iterator[Func]:
    stack = [func]
    while stack:
        f = stack.pop()
        yield f
        stack.extend(f.closures)


def callees(index: PackageIndex, func: Func) -> list[Func]:
    """Package functions func (or a closure in it) calls or passes as a value, in source order."""
    out: list[Func] = []
    for f in _with_closures(func):
        for call in f.calls:
            target = index.callee(call.node, f)
            if target is not None and target not in out:
                out.append(target)
        body = f.body
        if body is None:
            continue
        for node in descendants(body):
            if node.type not in ("identifier", "selector_expression") or _is_callee(node):
                continue
            parent = node.parent
            if parent is None or parent.type != "argument_list":
                continue
            target = _value_target(index, node, f)
            if target is not None and target not in out:
                out.append(target)
    return out


def _is_callee(node: Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == node


def _value_target(index: PackageIndex, node: Node, func: Func) -> Func | None:
    if node.type == "identifier":
        if func.lookup(text(node), node) is not None:
            return None
        return index.functions.get(text(node))
    return index.selected(node, func)


def benchmark_funcs(pkg: Package) -> list[Func]:
    """Top-level `func BenchmarkX(b *testing.B)` of the package's test files."""
    return [
        f for tf in pkg.test_files for f in tf.benchmark_funcs()
        if not f.is_literal and not f.receiver and f.name.startswith("Benchmark")
        and len(f.params) == 1 and f.params[0].type.endswith("testing.B")
    ]


def reaches(pkg: Package, index: PackageIndex | None = None) -> dict[str, list[Reach]]:
    """Qualified function name -> the existing benchmarks reaching it, shortest path first."""
    index = index or PackageIndex(pkg)
    graph: dict[Func, list[Func]] = {}
    out: dict[str, list[Reach]] = {}
    for bench in benchmark_funcs(pkg):
        # Breadth first, so each function's path is a shortest one.
        prev: dict[Func, Func | None] = {}
        queue: deque[Func] = deque()
        for first in callees(index, bench):
            if first not in prev:
                prev[first] = None
                queue.append(first)
        while queue:
            f = queue.popleft()
            if f not in graph:
                graph[f] = callees(index, f)
            for g in graph[f]:
                if g not in prev:
                    prev[g] = f
                    queue.append(g)
        for target in prev:
            path: list[str] = []
            step: Func | None = target
            while step is not None:
                path.append(step.qualified_name)
                step = prev[step]
            out.setdefault(target.qualified_name, []).append(
                Reach(bench.name, bench.file.path, tuple(reversed(path))))
    for found in out.values():
        found.sort(key=lambda r: (len(r.path), r.bench))
    return out
