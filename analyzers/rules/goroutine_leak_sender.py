"""goroutine-leak-sender

**What it does**
Flags the send of a lone goroutine on an unbuffered channel (`ch := make(chan T)`;
`go func() { ch <- v }()`) when the receiver can give up: it waits in a `select` that can also
take `<-ctx.Done()`, `<-time.After(...)`, another channel or `default`, and then returns. Also flags
first-response-wins over mirrors: goroutines started in a loop each send once on an unbuffered
channel that the function receives from only once, outside any loop.

**Why is this bad?**
On an unbuffered channel a send completes only when someone receives. Once the receiver has
returned on timeout or cancellation nobody ever will, so the goroutine blocks forever, with its
stack (2-8 KB, estimate) and everything it references: a leak of one goroutine per timed-out
request, which under load grows until the process runs out of memory. The fix costs nothing: a
buffer of one lets the send complete (~50-100 ns) and the goroutine exit.

**Example**
```go
ch := make(chan result)
go func() { ch <- compute() }()
select {
case r := <-ch:
    return r, nil
case <-ctx.Done():
    return result{}, ctx.Err() // the sender blocks forever
}
```

**Use instead**
```go
ch := make(chan result, 1) // the send never blocks
go func() { ch <- compute() }()
select { ... }
```

**Known limits**
The channel must be made without a capacity in the same function as the goroutine (a function
literal started with `go`, outside any loop, or in a loop for the first-response-wins form) and the
select or the single receive. A loop that receives until the first success and then returns (also a
leak) is not flagged. A sender that itself selects on
`ctx.Done()` is fine and not flagged, as is a receiver that receives from the channel again after
giving up (draining it), after the select or in the giving-up case itself, directly or in a goroutine
the case starts (`case <-time.After(d): go func() { <-ch }()`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import in_select_case, is_receive
from analyzers.source import Func, Loop, statements, strip_parens, text


@rule("goroutine-leak-sender", "concurrency", "error", correctness=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        if not func.sites("go_statement"):
            continue
        yield from _first_wins_hits(func)
        if not func.sites("select_statement"):
            continue
        for name in _unbuffered_chans(func):
            sends = _lone_sender(func, name)
            if not sends or not _receiver_gives_up(func, name):
                continue
            for closure, send in sends:
                yield Hit(
                    closure,
                    send,
                    f"send on unbuffered {name} blocks forever once the receiver gives up (goroutine leak); "
                    f"make the channel with a buffer of 1",
                )


def _unbuffered_chans(func: Func) -> list[str]:
    out: list[str] = []
    for call in func.calls_named("make"):
        if (
            not call.args
            or not text(call.args[0]).startswith("chan")
            or (len(call.args) > 1 and text(call.args[1]) != "0")
        ):
            continue
        parent = call.node.parent
        stmt = parent.parent if parent is not None and parent.type == "expression_list" else None
        if stmt is None or stmt.type not in ("short_var_declaration", "var_spec", "assignment_statement"):
            continue
        left = stmt.child_by_field_name("left") or stmt.child_by_field_name("name")
        if left is not None and left.type == "expression_list" and left.named_child_count == 1:
            left = left.named_children[0]
        if left is not None and left.type == "identifier":
            out.append(text(left))
    return out


def _first_wins_hits(func: Func) -> Iterator[Hit]:
    for name in _unbuffered_chans(func):
        found = _first_wins(func, name)
        if found is None:
            continue
        closure, sends, loop = found
        for send in sends:
            yield Hit(
                closure,
                send,
                f"one goroutine per item of {loop.range_expr or loop.cond or 'the loop'} sends on unbuffered {name} "
                f"but only the first is received: the others block forever (goroutine leak); "
                f"give the channel a buffer of one per goroutine",
            )


def _first_wins(func: Func, name: str) -> tuple[Func, list[Node], Loop] | None:
    """First-response-wins over mirrors: goroutines started in a loop each send once on the unbuffered
    channel, and the function receives from it once, outside any loop (the rest are never received)."""
    spawns = []
    for site in func.sites("go_statement"):
        call = site.node.named_children[0] if site.node.named_child_count else None
        lit = strip_parens(call.child_by_field_name("function")) if call is not None else None
        closure = (
            next((c for c in func.closures if c.node.id == lit.id), None)
            if lit is not None and lit.type == "func_literal"
            else None
        )
        if closure is None:
            args = call.child_by_field_name("arguments") if call is not None else None
            if args is not None and any(text(a) == name for a in args.named_children):
                return None  # handed to a named function: unknown use
            continue
        sends = [s.node for s in closure.sites("send_statement") if text(s.node.child_by_field_name("channel")) == name]
        if sends:
            spawns.append((site, closure, sends))
    if len(spawns) != 1:
        return None
    site, closure, sends = spawns[0]
    if not site.loops or site.outer_loops or closure.loops or any(in_select_case(s) for s in sends):
        return None
    if any(text(a) == name for call in func.calls for a in call.args):
        return None  # the channel escapes to another function
    for other in func.closures:
        if other is not closure and _word(name).search(text(other.node)):
            return None
    receives = [u for u in func.sites("unary_expression") if is_receive(u.node)
                and text(u.node.child_by_field_name("operand")) == name]
    if len(receives) != 1 or receives[0].loops:
        return None
    if any(loop.kind == "range" and loop.range_expr == name for loop in func.loops):
        return None
    if any(text(c.args[0]) == name for c in func.calls_named("close") if c.args):
        return None
    return closure, sends, site.loops[-1]


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")


def _lone_sender(func: Func, name: str) -> list[tuple[Func, Node]]:
    """The blocking sends on name of the one goroutine that sends on it (none when several do)."""
    found: list[tuple[Func, Node]] = []
    senders = 0
    for site in func.sites("go_statement"):
        call = site.node.named_children[0] if site.node.named_child_count else None
        lit = strip_parens(call.child_by_field_name("function")) if call is not None else None
        if lit is None or lit.type != "func_literal":
            continue
        closure = next((c for c in func.closures if c.node.id == lit.id), None)
        if closure is None:
            continue
        sends = [s.node for s in closure.sites("send_statement") if text(s.node.child_by_field_name("channel")) == name]
        if not sends:
            continue
        senders += 1
        if site.all_loops:
            return []
        found.extend((closure, s) for s in sends if not in_select_case(s))
    return found if senders == 1 else []


def _receiver_gives_up(func: Func, name: str) -> bool:
    waits = 0
    for site in func.sites("select_statement"):
        cases = _cases(site.node)
        mine = [c for c in cases if _receives_from(c, name)]
        if not mine:
            continue
        waits += 1
        others = [c for c in cases if c not in mine and not _drains(c, name)]
        if not others:
            continue
        if any(_returns(c) for c in others) or not site.loops:
            return _no_other_receive(func, name, site.node)
    return False


def _cases(select: Node) -> list[Node]:
    body = select.child_by_field_name("body") or select
    return [c for c in body.named_children if c.type in ("communication_case", "default_case")]


def _receives_from(case: Node, name: str) -> bool:
    comm = case.child_by_field_name("communication") if case.type == "communication_case" else None
    if comm is None:
        return False
    recv = comm.child_by_field_name("right") if comm.type == "receive_statement" else None
    recv = recv if recv is not None else (comm.named_children[-1] if comm.named_child_count else None)
    recv = strip_parens(recv)
    return recv is not None and is_receive(recv) and text(recv.child_by_field_name("operand")) == name


def _drains(case: Node, name: str) -> bool:
    """The giving-up case receives from the channel itself, in its own statements or in a goroutine it
    starts (`case <-time.After(d): close(stop); go func() { dr := <-synC; ... }()`: containerd's
    dialer closes the late connection): the send still completes."""
    comm = case.child_by_field_name("communication") if case.type == "communication_case" else None
    stack = [c for c in case.named_children if comm is None or c.id != comm.id]
    while stack:
        node = stack.pop()
        if node.type == "func_literal" and not _started(node):
            continue  # a function value kept for later: it may never run
        if is_receive(node) and text(node.child_by_field_name("operand")) == name:
            return True
        stack.extend(node.named_children)
    return False


def _started(lit: Node) -> bool:
    """The function literal is the callee of a `go` statement: `go func() { ... }()`."""
    call = lit.parent
    while call is not None and call.type == "parenthesized_expression":
        call = call.parent
    return call is not None and call.type == "call_expression" and call.parent is not None \
        and call.parent.type == "go_statement"


def _returns(case: Node) -> bool:
    return any(
        s.type == "return_statement" or (s.type == "break_statement" and s.named_child_count) for s in statements(case)
    )


def _no_other_receive(func: Func, name: str, select: Node) -> bool:
    for site in func.sites("unary_expression"):
        node = site.node
        if (
            is_receive(node)
            and text(node.child_by_field_name("operand")) == name
            and not (select.start_byte <= node.start_byte < select.end_byte)
        ):
            return False
    return not any(loop.kind == "range" and loop.range_expr == name for loop in func.loops)
