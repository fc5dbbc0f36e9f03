"""Calls a benchmark cannot survive, found by reachability: what a call of the function (and of the
package's functions it calls, three deep) runs that ends the process, waits for good (benchwaits.py), or
fails the second time the benchmark's loop makes the call. Each check returns the reason the benchmark
gives to b.Skip, or None.

What every call runs (straight-line statements up to a return, the headers of the `if`s, switches and
loops, the branches that hold a finding, deferred calls; after the last finding, up to a statement that
may return) is where an exit or a panic makes every run fail: `os.Exit`, `log.Fatal`, a logger's or a
testing.TB's `Fatal`, `klog.Exit`, `runtime.Goexit`, `panic` (unless a deferred `recover()` catches it).
What a call may run is where a panic that says the value is there already (`overlaps`, `already
registered`) fires when the loop hands the same input over again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tree_sitter import Node

from analyzers.report.benchnodes import _runs_now, targets
from analyzers.report.benchreach import PackageIndex
from analyzers.report.benchwaits import maybe, waits
from analyzers.source import Func, descendants, statements, strip_parens, text

_EXIT_CALLS = frozenset({"os.Exit", "runtime.Goexit", "syscall.Exit"})
# Methods and package functions that end the process, or the goroutine (t.FailNow), whoever provides them.
_FATAL_NAMES = frozenset({"Fatal", "Fatalf", "Fatalln", "Fatalw", "FailNow"})
# Package functions of logging packages that exit (klog.Exit) or panic (log.Panicf, logrus.Panic).
_PKG_EXIT_NAMES = frozenset({"Exit", "Exitf", "Exitln", "Panic", "Panicf", "Panicln"})
# What a panic says when the value was there already: a benchmark repeats the call with the same input.
_AGAIN = re.compile(r"\b(already|duplicated?|overlaps?|overlapping|twice|exists|registered|reused)\b", re.IGNORECASE)
_DEPTH = 3


def halts(func: Func, lines: Sequence[int], index: PackageIndex) -> str | None:
    """Why a call of func ends the process, blocks for good or fails on its second run, or None."""
    body = func.body
    if body is None:
        return None
    marks = tuple(t.start_byte for t in targets(func, lines)) if lines else ()
    return _exits(func, marks, index, set(), 0, func) or waits(func, index) or \
        _rejects_again(func, index, set(), 0, func)


# ----- exits -----

def _exits(func: Func, marks: tuple[int, ...], index: PackageIndex, seen: set[Func], depth: int,
           top: Func) -> str | None:
    if func in seen or func.body is None:
        return None
    seen.add(func)
    if _recovers(func):
        return None
    for node in _always(func.body, marks):
        for call in _calls_in(node):
            name = _exit_name(call, func) or _exit_variable(call, func, index)
            if name is not None:
                where = "it calls" if func is top else f"{func.qualified_name}, which it calls on every call, calls"
                what = "fails on every call" if name == "panic" else "ends the process"
                return f"{what}: {where} {name} (line {call.start_point[0] + 1}) on every call"
            if depth < _DEPTH:
                callee = index.callee(call, func)
                if callee is not None and callee.body is not None:
                    found = _exits(callee, (), index, seen, depth + 1, top)
                    if found is not None:
                        return found
    return None


def _exit_name(call: Node, func: Func) -> str | None:
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None:
        return None
    callee = text(fn)
    if fn.type == "identifier":
        return "panic" if callee == "panic" and func.lookup("panic", fn) is None else None
    if fn.type != "selector_expression":
        return None
    name = text(fn.child_by_field_name("field"))
    operand = strip_parens(fn.child_by_field_name("operand"))
    full = _imported(fn, func.file.imports)
    is_pkg = full is not None and operand is not None and func.lookup(text(operand), operand) is None
    if is_pkg and full in _EXIT_CALLS:
        return callee
    if name in _FATAL_NAMES or (is_pkg and name in _PKG_EXIT_NAMES):
        return callee
    return None


def _exit_variable(call: Node, func: Func, index: PackageIndex) -> str | None:
    """`exit(1)` where the package declares `var exit = os.Exit` (a seam tests replace): os.Exit all the same."""
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "identifier" or func.lookup(text(fn), fn) is not None:
        return None
    decl = index.pkg.var_nodes.get(text(fn))
    value = decl.child_by_field_name("value") if decl is not None else None
    target = strip_parens(value.named_children[0]) if value is not None and value.named_children else None
    if target is None or target.type != "selector_expression":
        return None
    root = _root(target)
    full = _imported(target, next((gf.imports for gf in index.pkg.files if gf.tree.root_node == root), {}))
    return f"{text(fn)} (= {full})" if full in _EXIT_CALLS else None


def _imported(sel: Node, imports: Mapping[str, str]) -> str | None:
    """`os.Exit` for a selector on an imported package's name (its last path element, then the name)."""
    operand = strip_parens(sel.child_by_field_name("operand"))
    path = imports.get(text(operand)) if operand is not None and operand.type == "identifier" else None
    return None if path is None else f"{path.rsplit('/', 1)[-1]}.{text(sel.child_by_field_name('field'))}"


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _recovers(func: Func) -> bool:
    """A deferred recover() turns the panics of the body into a return."""
    return any("recover()" in text(site.node) for site in func.sites("defer_statement"))


def _always(block: Node, marks: tuple[int, ...]) -> list[Node]:
    """The nodes every call runs (one that reaches the findings' statements at `marks`): straight-line
    statements, the headers of the ifs, switches and loops, the branches that hold a finding, deferred
    calls; up to a return, or a statement that may return once no finding is left after it (the
    `panic("unreachable")` after `switch k { case A: return "a" }` is not run by every call)."""
    out: list[Node] = []
    _straight(block, marks, out)
    return out


def _straight(block: Node, marks: tuple[int, ...], out: list[Node]) -> bool:
    """Adds the always-run nodes of block; True when the function may have left by the end of it."""
    for stmt in statements(block):
        kind = stmt.type
        if kind == "return_statement":
            out.append(stmt)
            return True
        holding = [m for m in marks if stmt.start_byte <= m < stmt.end_byte]
        later = any(m >= stmt.end_byte for m in marks)
        if kind in ("block", "labeled_statement"):
            inner = stmt if kind == "block" else next((c for c in stmt.named_children if c.type == "block"), None)
            if inner is not None and _straight(inner, marks, out):
                return True
            continue
        if kind in ("if_statement", "expression_switch_statement", "type_switch_statement", "for_statement",
                    "select_statement"):
            out += _headers(stmt)
            branch = _branch_holding(stmt, holding[0]) if holding else None
            if branch is not None and stmt.type != "for_statement":
                if _straight(branch, marks, out):
                    return True
            elif branch is not None:
                _straight(branch, marks, out)  # a loop's break or continue is not the function's return
            elif not later and _may_return(stmt):
                return True
            continue
        if kind == "go_statement":
            continue
        out.append(stmt)
    return False


def _may_return(stmt: Node) -> bool:
    stack = list(stmt.named_children)
    while stack:
        n = stack.pop()
        if n.type == "return_statement":
            return True
        if n.type != "func_literal":
            stack.extend(n.named_children)
    return False


def _headers(stmt: Node) -> list[Node]:
    """The parts of a compound statement that run before any of its branches."""
    out: list[Node] = []
    for name in ("initializer", "condition", "value"):
        part = stmt.child_by_field_name(name)
        if part is not None:
            out.append(part)
    for child in stmt.named_children:
        if child.type == "for_clause":
            out += [p for p in (child.child_by_field_name("initializer"), child.child_by_field_name("condition"))
                    if p is not None]
        elif child.type == "range_clause":
            right = child.child_by_field_name("right")
            if right is not None:
                out.append(right)
        elif stmt.type == "for_statement" and child.type not in ("block", "comment"):
            out.append(child)  # for cond { ... }
    return out


def _branch_holding(stmt: Node, mark: int) -> Node | None:
    """The outermost block or case of a compound statement that holds byte mark."""
    for child in descendants(stmt):
        if child.type in ("block", "expression_case", "type_case", "default_case", "communication_case") \
                and child.start_byte <= mark < child.end_byte:
            return child
    return None


def _calls_in(node: Node) -> list[Node]:
    """Call expressions of node that run now (not inside a function literal that does not)."""
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "func_literal":
            body = n.child_by_field_name("body")
            if _runs_now(n) and body is not None:  # once.Do(func() {...}): what its body always runs
                out += [c for part in _always(body, ()) for c in _calls_in(part)]
            continue
        if n.type == "call_expression":
            out.append(n)
        stack.extend(reversed(n.named_children))
    return out


# ----- values given again -----

def _rejects_again(func: Func, index: PackageIndex, seen: set[Func], depth: int, top: Func) -> str | None:
    """A panic that says the value is there already (`file %s overlaps with file %s`, `duplicate name`):
    the benchmark's loop hands the same value over again, and generated values may overlap each other."""
    if func in seen or func.body is None or _recovers(func) or not (top.params or top.receiver):
        return None  # without inputs, nothing the benchmark gives can be there already
    seen.add(func)
    for node in maybe(func.body):
        if node.type != "call_expression":
            continue
        if _exit_name(node, func) is not None:
            args = node.child_by_field_name("arguments")
            said = text(args) if args is not None else ""
            if _AGAIN.search(said):
                where = "it panics" if func is top else f"{func.qualified_name}, which it calls, panics"
                return (f"rejects a value it holds already: {where} (line {node.start_point[0] + 1}: "
                        f"{' '.join(said.split())[1:-1][:80]}), and a benchmark repeats the call with the same input")
        elif depth < _DEPTH - 1 and _hands_on_input(node, func):
            callee = index.callee(node, func)
            if callee is not None and callee.body is not None:
                found = _rejects_again(callee, index, seen, depth + 1, top)
                if found is not None:
                    return found
    return None


def _hands_on_input(call: Node, func: Func) -> bool:
    """Whether a call passes on one of func's parameters (or an element of one it ranges over): only then
    can the callee be given a value the benchmark gives it again (a set rebuilt from decoded data is not)."""
    params = {p.name for p in func.params if p.name and p.name != "_"}
    for loop in func.loops:
        if loop.kind == "range" and loop.range_expr.split(".", 1)[0] in params and loop.contains(call):
            params |= {loop.key, loop.value} - {"", "_"}
    args = call.child_by_field_name("arguments")
    return args is not None and any(text(a) in params for a in args.named_children)
