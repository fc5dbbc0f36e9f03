"""time-after-in-loop

**What it does**
Flags `time.After(d)` used as a case of a `select` inside a loop: every iteration makes a new timer
and channel. Flagged when the loop goes round again while the timer may still be pending (a
`default` case, or another case that continues the loop), and in a periodic loop (`for { ... }` left
only through the select) whose select is a cancellable sleep. Before Go 1.23 (the module's `go`
line) the message also says that pending timers are not freed until they fire.

**Why is this bad?**
Each call allocates a timer and a channel (~200 bytes, ~100-200 ns, estimate). Before Go 1.23
the runtime keeps every such timer until it fires: a loop that wakes 10,000 times a second with
a one-minute timeout keeps ~600,000 timers (~100 MB) alive, a leak that looks like growing memory.
Go 1.23 collects unreferenced timers, so what remains is the allocation per iteration: small next to
a long wait, but a periodic loop runs for the life of the process and a polling select with
`default` spins, allocating on every spin. One `time.NewTimer` reset per iteration, or a
`time.Ticker`, allocates once.

**Example**
```go
for {
    select {
    case msg := <-in:
        handle(msg)
    case <-time.After(time.Minute):
        return errIdle
    }
}
```

**Use instead**
```go
idle := time.NewTimer(time.Minute)
defer idle.Stop()
for {
    select {
    case msg := <-in:
        handle(msg)
        idle.Reset(time.Minute)
    case <-idle.C:
        return errIdle
    }
}
```

**Known limits**
Only `time.After` written directly as a select case is flagged; a timeout channel made once before
the loop (`timeout := time.After(d)`) is the right shape and is not flagged, nor is a ticker. A
cancellable sleep in a counted loop (a retry loop with `attempt < 5` and a growing backoff) is not
flagged: it runs a few times and each timer fires before the next one is made; nor is one in a loop
with another way out (a condition, a `return` or `break` once an attempt succeeds): a retry loop.
Nor is a select that the iteration follows with a `return` (loki's fan-out handler waits once for a
second backend, then answers): it makes one timer per call, not one per iteration.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import leaves_loop
from analyzers.rules._concurrency import has_default, is_pkg_call
from analyzers.source import Loop, descendants, text


@rule("time-after-in-loop", "concurrency")
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any("After"):
        return
    modern = pkg.go_at_least(23)
    for func in pkg.funcs:
        for call in func.calls_named("After"):
            if not call.loops or not is_pkg_call(func, call, "time", "After"):
                continue
            select = _select_of(call.node)
            loop = call.loops[-1]
            if select is None or not loop.contains(select):
                continue
            if leaves_loop(select, call.loops):
                continue  # the iteration that waits then returns: one timer per call, not per iteration
            polling = has_default(select)
            pending = polling or _other_case_continues(select, call.node)
            if not pending and not _periodic(loop, select):
                continue  # a cancellable sleep in a retry or counted loop: a few timers, each fired
            arg = _arg(call.args)
            if polling:
                message = (f"time.After({arg}) in a polling select loop allocates a timer and channel on every "
                           "spin (~200 B, ~100-200 ns); create one time.NewTimer before the loop")
            else:
                message = (f"time.After({arg}) in a select loop allocates a timer and channel per iteration "
                           "(~200 B, ~100-200 ns); reuse one time.NewTimer with Reset, or a time.Ticker")
            if pending and not modern:
                message += "; before Go 1.23 each pending timer is not freed until it fires"
            yield Hit(func, call.node, message)


def _periodic(loop: Loop, select: Node) -> bool:
    """`for { ...; select { case <-stop: return; case <-time.After(d): } }`: an endless loop left only
    through its select, ticking for the life of the component. A loop with another way out (a
    condition, a return or break on success) is a retry loop that waits a few times."""
    if loop.kind != "infinite" or loop.body is None:
        return False
    for node in descendants(loop.body):
        if node.type in ("return_statement", "break_statement", "goto_statement") and not (
                select.start_byte <= node.start_byte < select.end_byte):
            return False
    return True


def _other_case_continues(select: Node, after: Node) -> bool:
    """Whether a case other than the `time.After` one goes round the loop again. When every other
    case leaves the loop (`case <-ctx.Done(): return`), the select is a cancellable sleep: the timer
    fires before the next iteration and none piles up."""
    body = select.child_by_field_name("body") or select
    for case in body.named_children:
        if (
            case.type not in ("communication_case", "default_case")
            or case.start_byte <= after.start_byte < case.end_byte
        ):
            continue
        stmts = [c for lst in case.named_children if lst.type == "statement_list" for c in lst.named_children]
        stmts = [c for c in stmts if c.type != "comment"]
        if not stmts or not _leaves(stmts[-1]):
            return True
    return False


def _leaves(stmt: Node) -> bool:
    if stmt.type in ("return_statement", "goto_statement"):
        return True
    if stmt.type == "break_statement":
        return stmt.named_child_count > 0  # `break outer`: a plain break only leaves the select
    if stmt.type == "expression_statement" and stmt.named_child_count:
        call = stmt.named_children[0]
        fn = call.child_by_field_name("function") if call.type == "call_expression" else None
        return fn is not None and text(fn) in ("panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Panic")
    return False


def _arg(args: tuple[Node, ...]) -> str:
    return text(args[0]) if args else ""


def _select_of(node: Node) -> Node | None:
    """The select whose case communication is `<-time.After(d)` (None when used elsewhere)."""
    parent = node.parent
    if parent is None or parent.type != "unary_expression":
        return None
    stmt = parent.parent
    if stmt is not None and stmt.type == "receive_statement":
        stmt = stmt.parent
    if stmt is None or stmt.type != "communication_case":
        return None
    return stmt.parent
