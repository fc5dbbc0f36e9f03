"""Calls a benchmark cannot survive, found by reachability: what a call of the function (and of the
package's functions it calls, three deep) runs that ends the process, waits for a goroutine or a timer,
or fails the second time the benchmark's loop makes the call. Each check returns the reason the
benchmark gives to b.Skip, or None.

Two regions of a body are read. What every call runs (straight-line statements up to a return, the
headers of the `if`s, switches and loops, the branches that hold a finding, deferred calls; after the
last finding, up to a statement that may return) is where an exit or a panic makes every run fail:
`os.Exit`, `log.Fatal`, a logger's or a testing.TB's `Fatal`, `klog.Exit`, `runtime.Goexit`, `panic`
(unless a deferred `recover()` catches it). What a call may run (also inside branches and loops, but not
in `if err != nil` branches, goroutines or callbacks that are not run at once) is where a wait blocks: a
receive or a `select` without `default` on channels nobody sends on (a context's `Done()`, a channel the
package made, a parameter passed on), a `sync.Cond` `Wait`, a `time.Sleep` in a callee (a retry or a
poll), or a timer that is the only way out; and where a panic that says the value is there already
(`overlaps`, `already registered`) fires when the loop hands the same input over again. Channels the
generator builds or feeds (what the benchmarked function receives from its parameters and receiver, and
a callee from the fed parameters it is passed or the same receiver) end; a function that starts a
goroutine itself may be waiting for it, and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.report.benchnodes import _runs_now, targets
from analyzers.report.benchreach import PackageIndex
from analyzers.source import Func, descendants, statements, strip_parens, text

_EXIT_CALLS = frozenset({"os.Exit", "runtime.Goexit", "syscall.Exit"})
# Methods and package functions that end the process, or the goroutine (t.FailNow), whoever provides them.
_FATAL_NAMES = frozenset({"Fatal", "Fatalf", "Fatalln", "Fatalw", "FailNow"})
# Package functions of logging packages that exit (klog.Exit) or panic (log.Panicf, logrus.Panic).
_PKG_EXIT_NAMES = frozenset({"Exit", "Exitf", "Exitln", "Panic", "Panicf", "Panicln"})
_TIMERS = ("time.After", "time.Tick")
# What a panic says when the value was there already: a benchmark repeats the call with the same input.
_AGAIN = re.compile(r"\b(already|duplicated?|overlaps?|overlapping|twice|exists|registered|reused)\b", re.IGNORECASE)
_DEPTH = 3


@dataclass
class _Scope:
    """What is known where a body is read: the names whose channels the generator feeds (the benchmarked
    function's parameters, its receiver's fields), how deep the callees are, what was read already."""

    fed: frozenset[str]  # a parameter name, or "recv." for the fields of receiver recv
    depth: int
    seen: set[Func] = field(default_factory=set)


def halts(func: Func, lines: Sequence[int], index: PackageIndex) -> str | None:
    """Why a call of func ends the process, blocks for good or fails on its second run, or None."""
    body = func.body
    if body is None:
        return None
    marks = tuple(t.start_byte for t in targets(func, lines)) if lines else ()
    fed = {p.name for p in func.params if p.name and p.name != "_"}
    if func.receiver_name:
        fed.add(func.receiver_name + ".")
    return _exits(func, marks, index, set(), 0, func) or _waits(func, index, _Scope(frozenset(fed), 0), func) \
        or _rejects_again(func, index, set(), 0, func)


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
            name = _exit_name(call, func)
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
    qual = text(operand) if operand is not None and operand.type == "identifier" else ""
    is_pkg = bool(qual) and func.lookup(qual, operand) is None and qual in func.file.imports
    if is_pkg and f"{func.file.imports[qual].rsplit('/', 1)[-1]}.{name}" in _EXIT_CALLS:
        return callee
    if name in _FATAL_NAMES or (is_pkg and name in _PKG_EXIT_NAMES):
        return callee
    return None


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
    for node in _maybe(func.body):
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


# ----- waits -----

def _waits(func: Func, index: PackageIndex, scope: _Scope, top: Func) -> str | None:
    if func in scope.seen or func.body is None:
        return None
    scope.seen.add(func)
    starts = _starts_goroutines(func)
    for node in _maybe(func.body):
        found = None if starts else _wait_at(node, func, scope, index)
        if found is not None:
            where = "it" if func is top else f"{func.qualified_name}, which it calls,"
            if found[0] == "timer":
                return f"waits for a timer: {where} {found[1]}, so a benchmark would time the wait, not the code"
            return f"waits for another goroutine: {where} {found[1]}, and the benchmark starts none"
        if node.type == "call_expression":
            if func is not top and text(node.child_by_field_name("function")) == "time.Sleep":
                return (f"waits for a state that does not come: {func.qualified_name}, which it calls, sleeps "
                        f"(line {node.start_point[0] + 1}) until it changes (a retry or a poll)")
            if scope.depth < _DEPTH - 1:
                callee = index.callee(node, func)
                if callee is not None and callee.body is not None:
                    inner = _Scope(_fed_in(callee, node, func, scope), scope.depth + 1, scope.seen)
                    reason = _waits(callee, index, inner, top)
                    if reason is not None:
                        return reason
    return None


def _maybe(block: Node) -> list[Node]:
    """The nodes a call may run, in order: all but `if err != nil` branches, goroutines
    and function literals that are not run right away."""
    out: list[Node] = []
    stack = [block]
    while stack:
        n = stack.pop()
        if n.type == "go_statement" or (n.type == "func_literal" and not _runs_now(n)):
            continue
        if n.type == "if_statement" and _err_branch(n.child_by_field_name("condition")):
            stack += [c for c in reversed(n.named_children) if c != n.child_by_field_name("consequence")]
            continue
        if n is not block:
            out.append(n)
        stack.extend(reversed(n.named_children))
    return out


def _err_branch(cond: Node | None) -> bool:
    """`err != nil`, `ctx.Err() != nil`, `err != nil && ...`: a branch an error takes."""
    cond = strip_parens(cond)
    while cond is not None and cond.type == "binary_expression" and text(cond.child_by_field_name("operator")) == "&&":
        cond = strip_parens(cond.child_by_field_name("left"))
    if cond is None or cond.type != "binary_expression" or text(cond.child_by_field_name("operator")) != "!=":
        return False
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    return text(right) == "nil" and left is not None and ("err" in text(left) or "Err" in text(left))


def _starts_goroutines(func: Func) -> bool:
    """A go statement, or a callback handed to time.AfterFunc or an errgroup: the function may be waiting
    for what it started."""
    body = func.body
    if body is None:
        return False
    for n in descendants(body):
        if n.type == "go_statement":
            return True
        if n.type == "call_expression" and text(n.child_by_field_name("function")).endswith(("AfterFunc", ".Go")):
            return True
    return False


def _wait_at(node: Node, func: Func, scope: _Scope, index: PackageIndex) -> tuple[str, str] | None:
    """(what ends the wait: "goroutine" or "timer", what waits) for a wait at node, or None."""
    line = node.start_point[0] + 1
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "<-":
        if _in_select_case(node):
            return None
        operand = strip_parens(node.child_by_field_name("operand"))
        ends = _ends(operand, func, scope) if operand is not None else "fed"
        if ends == "fed":
            return None
        what = f"receives from {text(operand)} (line {line})"
        return ("timer", what) if ends == "timer" else ("goroutine", what + ", which only another goroutine sends on")
    if node.type == "range_clause":
        right = strip_parens(node.child_by_field_name("right"))
        if right is None or not _is_channel(right, func, index) or \
                any(c.callee == "close" and [text(a) for a in c.args] == [text(right)] for c in func.calls):
            return None  # a channel the function closes itself ends the loop
        ends = _ends(right, func, scope)
        if ends == "fed":
            return None
        what = f"ranges over {text(right)} (line {line}) until it is closed"
        return ("timer", what + ", which a ticker never is") if ends == "timer" else ("goroutine", what)
    if node.type == "send_statement" and not _in_select_case(node):
        channel = strip_parens(node.child_by_field_name("channel"))
        if channel is None or _ends(channel, func, scope) == "fed" or _buffered_here(channel, func):
            return None
        return "goroutine", f"sends on {text(channel)} (line {line}), which only another goroutine drains"
    if node.type == "select_statement":
        cases = [c for c in node.named_children if c.type in ("communication_case", "default_case")]
        if not cases or any(c.type == "default_case" for c in cases):
            return None if cases else ("goroutine", f"blocks forever in an empty select (line {line})")
        kinds = {_case_ends(c, func, scope) for c in cases}
        if "fed" in kinds:
            return None
        if "timer" in kinds:
            return "timer", f"waits in a select (line {line}) that only a timer ends"
        return "goroutine", f"waits in a select (line {line}) on channels only another goroutine sends on"
    if node.type == "call_expression":
        fn = strip_parens(node.child_by_field_name("function"))
        if fn is None or fn.type != "selector_expression" or text(fn.child_by_field_name("field")) != "Wait":
            return None
        args = node.child_by_field_name("arguments")
        if args is not None and args.named_child_count:
            return None
        operand = fn.child_by_field_name("operand")
        kind = index.expr_type(operand, func).lstrip("*")
        if kind == "sync.Cond":  # a WaitGroup no one added to returns at once
            return "goroutine", f"calls {text(fn)}() (line {line}) on a {kind} only another goroutine releases"
    return None


def _in_select_case(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in ("block", "function_declaration", "method_declaration",
                                                      "func_literal"):
        if parent.type == "communication_case":
            return True
        parent = parent.parent
    return False


def _is_channel(node: Node, func: Func, index: PackageIndex) -> bool:
    if text(node).endswith(".C") or (node.type == "call_expression" and
                                      text(node.child_by_field_name("function")).startswith(_TIMERS)):
        return True
    return index.expr_type(node, func).startswith(("chan ", "<-chan ", "chan<- "))


def _buffered_here(channel: Node, func: Func) -> bool:
    """`errs := make(chan error, len(items))` in the same function: sized for what it sends."""
    decl = func.lookup(text(channel), channel) if channel.type == "identifier" else None
    init = text(decl.init) if decl is not None and decl.init is not None else ""
    return init.startswith("make(chan") and "," in init


def _case_ends(case: Node, func: Func, scope: _Scope) -> str | None:
    comm = case.child_by_field_name("communication")
    if comm is None:
        return "fed"
    if comm.type == "send_statement":
        channel = strip_parens(comm.child_by_field_name("channel"))
        if channel is None or _buffered_here(channel, func):
            return "fed"
        return _ends(channel, func, scope)
    right = comm.child_by_field_name("right") if comm.type == "receive_statement" else comm
    right = strip_parens(right)
    operand = strip_parens(right.child_by_field_name("operand")) if right is not None and \
        right.type == "unary_expression" else None
    return "fed" if operand is None else _ends(operand, func, scope)


def _ends(operand: Node, func: Func, scope: _Scope) -> str | None:
    """What ends a receive from operand without a goroutine of the package's own: "timer", "fed" (a channel
    the generator builds or feeds), or None."""
    if operand.type == "call_expression":
        fn = text(operand.child_by_field_name("function"))
        return "timer" if fn.startswith(_TIMERS) else None
    raw = text(operand)
    if raw.endswith(".C"):
        return "timer"  # a time.Timer's or a time.Ticker's channel
    root = raw.split(".", 1)[0].split("[", 1)[0]
    decl = func.lookup(root, operand) if scope.depth == 0 else None
    if decl is not None and decl.kind != "param" and decl.init is not None:
        root = re.split(r"[.\[(]", text(decl.init), maxsplit=1)[0]  # ch := w.m[id]: a channel of the receiver's
    if scope.depth == 0:  # what the generator builds holds closed channels with values, or gets a partner
        fed = root in scope.fed or root + "." in scope.fed
    elif "." not in raw:
        fed = root in scope.fed
    else:
        fed = root + "." in scope.fed and raw.count(".") == 1
    return "fed" if fed else None


def _fed_in(callee: Func, call: Node, caller: Func, scope: _Scope) -> frozenset[str]:
    """The callee's names bound to channels the caller's scope feeds: parameters given a fed argument, and
    the receiver when it is the caller's own."""
    out: set[str] = set()
    args = call.child_by_field_name("arguments")
    values = [a for a in args.named_children if a.type != "comment"] if args is not None else []
    for p, a in zip(callee.params, values, strict=False):
        raw = text(a)
        if p.name and raw in scope.fed:  # a fed parameter passed on (a receiver's field is fed only where
            out.add(p.name)              # the receiver's own methods receive from it)
    fn = strip_parens(call.child_by_field_name("function"))
    if callee.receiver_name and fn is not None and fn.type == "selector_expression" and \
            text(fn.child_by_field_name("operand")) + "." in scope.fed:
        out.add(callee.receiver_name + ".")
    return frozenset(out)
