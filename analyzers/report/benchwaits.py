"""Waits a benchmark never sees the end of, in what a call of the function runs (and the package's functions
it calls, two deep): a receive, a send, a `range` or a `select` without `default` on channels no goroutine
serves (a context's `Done()`, a channel the package made, a parameter passed on), a `sync.Cond` `Wait`, a
`time.Sleep` in a callee (a retry or a poll), or a timer that is the only way out (the benchmark would time
the timer). Read in what a call may run: branches and loops too, but not `if err != nil` branches,
goroutines or callbacks that are not run at once.

Channels the generator builds or feeds end: what the benchmarked function takes from its parameters and
receiver (closed channels holding values, or channel fields with a partner goroutine), and in a callee the
fed parameters it is passed or the same receiver. A function that starts a goroutine itself may be waiting
for it, and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.report.benchnodes import _runs_now
from analyzers.report.benchreach import PackageIndex
from analyzers.source import Func, descendants, strip_parens, text

_TIMERS = ("time.After", "time.Tick")
_DEPTH = 3


@dataclass
class _Scope:
    """What is known where a body is read: the names whose channels the generator feeds (the benchmarked
    function's parameters, its receiver's fields), how deep the callees are, what was read already."""

    fed: frozenset[str]  # a parameter name, or "recv." for the fields of receiver recv
    depth: int
    seen: set[Func] = field(default_factory=set)


def waits(func: Func, index: PackageIndex) -> str | None:
    """Why a call of func waits for good (or for a timer), or None."""
    fed = {p.name for p in func.params if p.name and p.name != "_"}
    if func.receiver_name:
        fed.add(func.receiver_name + ".")
    return _waits(func, index, _Scope(frozenset(fed), 0), func)


def _waits(func: Func, index: PackageIndex, scope: _Scope, top: Func) -> str | None:
    if func in scope.seen or func.body is None:
        return None
    scope.seen.add(func)
    starts = _starts_goroutines(func)
    for node in maybe(func.body):
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


def maybe(block: Node) -> list[Node]:
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
