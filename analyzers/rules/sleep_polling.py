"""sleep-polling

**What it does**
Flags busy-wait polling: a loop that checks a flag, an atomic, a length or a `done()` predicate
and otherwise sleeps (`for !ready.Load() { time.Sleep(d) }`, `for { if cond { break };
time.Sleep(d) }`), waiting for state that another goroutine changes.

**Why is this bad?**
Every wake-up costs a timer, a context switch and a check (~1,000-5,000 ns, estimate) even when nothing
changed, and the waiter notices the change only at the next tick: on average d/2 late (a 10 ms
poll adds ~5 ms latency per wait). Short sleeps burn CPU; long ones add latency. A channel close,
`sync.Cond` or a context wakes the waiter exactly once, immediately.

**Example**
```go
for atomic.LoadInt32(&s.ready) == 0 {
    time.Sleep(10 * time.Millisecond)
}
```

**Use instead**
```go
<-s.readyCh // closed by the goroutine that sets ready
```

**Known limits**
Only loops whose body does nothing but check state (fields, atomics, `len`, zero-argument
predicates, taking a lock to read) and sleep are flagged. Retry loops that call an operation and
check its error (`if err = op(); err == nil { break }`), periodic jobs that do work each tick,
countdown loops and deadline loops (`time.Now().Before(deadline)`) are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import is_pkg_call
from analyzers.source import Call, Func, Loop, descendants, statements, strip_parens, text

_STATE_NODES = frozenset(
    {
        "identifier",
        "field_identifier",
        "selector_expression",
        "unary_expression",
        "binary_expression",
        "parenthesized_expression",
        "int_literal",
        "nil",
        "true",
        "false",
        "interpreted_string_literal",
        "call_expression",
        "argument_list",
        "index_expression",
        "package_identifier",
    }
)
_LOCKING = frozenset({"Lock", "Unlock", "RLock", "RUnlock"})
_LOAD = re.compile(r"^Load(?:Int32|Int64|Uint32|Uint64|Uintptr|Pointer)?$")


@rule("sleep-polling", "concurrency")
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any("Sleep"):
        return
    for func in pkg.funcs:
        for sleep in func.calls_named("Sleep"):
            if not sleep.loops or not is_pkg_call(func, sleep, "time", "Sleep"):
                continue
            loop = sleep.loops[-1]
            if loop.kind not in ("infinite", "cond", "for"):
                continue
            conds = _conditions(loop)
            if not conds or not all(_state_like(c) for c in conds):
                continue
            if not _only_checks(func, loop, sleep, conds) or _counts_down(func, loop, conds):
                continue
            d = text(sleep.args[0]) if sleep.args else ""
            yield Hit(
                func,
                sleep.node,
                f"polling with time.Sleep({d}) until {text(conds[0])} wakes repeatedly and reacts late; "
                "wait on a channel close, sync.Cond or context instead",
            )


def _conditions(loop: Loop) -> list[Node]:
    """The polled conditions: the header condition of `for cond {}` or the `if c { break }` exits."""
    if loop.kind == "cond":
        node = next((c for c in loop.node.named_children if c.type not in ("block", "comment")), None)
        return [node] if node is not None else []
    out: list[Node] = []
    for stmt in statements(loop.body):
        if stmt.type != "if_statement" or stmt.child_by_field_name("initializer") is not None:
            continue
        if stmt.child_by_field_name("alternative") is not None:
            continue
        cons = statements(stmt.child_by_field_name("consequence"))
        if cons and all(_exit(s) for s in cons) and cons[-1].type in ("break_statement", "return_statement"):
            cond = stmt.child_by_field_name("condition")
            if cond is not None:
                out.append(cond)
    return out


def _exit(stmt: Node) -> bool:
    if stmt.type == "break_statement":
        return True
    if stmt.type == "expression_statement" and text(stmt).endswith((".Unlock()", ".RUnlock()")):
        return True
    return stmt.type == "return_statement" and "(" not in text(stmt)


def _state_like(cond: Node) -> bool:
    """A condition built from fields, flags, atomics, len and zero-argument predicates."""
    for node in [cond, *descendants(cond)]:
        if node.type not in _STATE_NODES:
            return False
        if node.type == "identifier" and "err" in text(node).lower():
            return False
        if node.type == "call_expression" and not _state_call(node):
            return False
    return True


def _state_call(call: Node) -> bool:
    fn = strip_parens(call.child_by_field_name("function"))
    args = call.child_by_field_name("arguments")
    nargs = args.named_child_count if args is not None else 0
    name = text(fn.child_by_field_name("field")) if fn is not None and fn.type == "selector_expression" else text(fn)
    if name in ("len", "cap") or _LOAD.match(name):
        return True
    return nargs == 0 and name not in ("Err", "Now", "Since", "Until")


def _only_checks(func: Func, loop: Loop, sleep: Call, conds: list[Node]) -> bool:
    """Nothing in the loop but the checks, the sleep, locking and state reads."""
    checks = [s.node for s in func.sites("select_statement") if loop.contains(s.node)]
    if not all(_cancel_check(sel) for sel in checks):
        return False
    for kind in ("send_statement", "go_statement", "func_literal"):
        if any(loop.contains(s.node) for s in func.sites(kind)):
            return False
    for call in func.calls:
        if not loop.contains(call.node) or call is sleep:
            continue
        if any(sel.start_byte <= call.node.start_byte < sel.end_byte for sel in checks):
            continue
        if call.name in _LOCKING or call.name in ("len", "cap") or _LOAD.match(call.name):
            continue
        if any(c.start_byte <= call.node.start_byte and call.node.end_byte <= c.end_byte for c in conds):
            continue
        return False
    return True


def _cancel_check(select: Node) -> bool:
    """`select { case <-ctx.Done(): return ctx.Err(); default: }`: a non-blocking cancellation check."""
    body = select.child_by_field_name("body") or select
    cases = [c for c in body.named_children if c.type != "comment"]
    if not any(c.type == "default_case" and not statements(_case_list(c)) for c in cases):
        return False
    for case in cases:
        if case.type == "default_case":
            continue
        comm = case.child_by_field_name("communication")
        stmts = statements(_case_list(case))
        if comm is None or not text(comm).replace(" ", "").endswith(".Done()") or not comm.type.startswith("receive"):
            return False
        if not stmts or stmts[-1].type != "return_statement":
            return False
    return True


def _case_list(case: Node) -> Node | None:
    return next((c for c in case.named_children if c.type == "statement_list"), None)


def _counts_down(func: Func, loop: Loop, conds: list[Node]) -> bool:
    """A local in the condition that the loop itself steps (`n--`, `i += 1`): a countdown, not a wait."""
    names = {text(n) for c in conds for n in [c, *descendants(c)] if n.type == "identifier"}
    for kind in ("inc_statement", "dec_statement", "assignment_statement"):
        for site in func.sites(kind):
            node = site.node
            if not loop.contains(node):
                continue
            if kind == "assignment_statement" and text(node.child_by_field_name("operator")) == "=":
                continue
            target = node.child_by_field_name("left") if kind == "assignment_statement" else node.named_children[0]
            if target is not None and target.type == "expression_list" and target.named_child_count:
                target = target.named_children[0]
            if target is not None and target.type == "identifier" and text(target) in names:
                return True
    return False
