"""defer-in-loop

**What it does**
Flags a `defer` statement directly inside a loop of the same function.

**Why is this bad?**
Deferred calls run when the function returns, not at the end of the iteration: every iteration's
file, lock, connection or response body stays held until then, and each pending defer record is kept
on the goroutine (estimate: ~2-40 ns and often a heap allocation per defer record; a loop over 10,000
files holds 10,000 descriptors and can hit the process limit).

**Example**
```go
for _, path := range paths {
    f, err := os.Open(path)
    if err != nil {
        return err
    }
    defer f.Close()
    if err := scan(f); err != nil {
        return err
    }
}
```

**Use instead**
```go
for _, path := range paths {
    err := func() error {
        f, err := os.Open(path)
        if err != nil {
            return err
        }
        defer f.Close()
        return scan(f)
    }()
    if err != nil {
        return err
    }
}
```

**Known limits**
A defer inside a function literal called per iteration is the fix and is not flagged. Loops with a
literal bound of eight iterations or fewer (`for i := 0; i < 3; i++`) are not flagged: the number of
pending defers is small and fixed. Nor are ranges over a local literal of eight elements or fewer
that the function only shortens (`probes = probes[:1]`), or over a package variable declared as such
a literal that the function does not assign (`var freezers = []string{...}`), nor loops bounded by a
parameter of an unexported function that every call in the package passes as a small constant
(`for i := 0; i < n+2; i++` with `sntpDrift(3)`, eight iterations or fewer). A defer followed, in
its block, by a `return` (or a `break` out of the only loop, or a `break Label` out of the outermost
loop) runs once and is not flagged. In a `for { select { ... } }`
event loop, a defer in a case that provably fires once is not flagged: the case sets its own channel
to nil unconditionally (and nothing in the loop sets it to anything else), or it receives from
`t.C` of a `t := time.NewTimer(d)` that is never reset, or reset only under a successful `t.Stop()`
(the timer had not fired). Tickers, reset timers and other channels are flagged. A defer in an `if !flag
{ ...; flag = true }` block runs once and is not flagged, nor is one in the lazy initialisation of a
variable declared outside the loop (`if sub == nil { sub = subscribe(); defer sub.Unsubscribe() }`), nor
is a defer that closes the loop's own range item (`for _, l := range old { defer l.Close() }`): the
iteration acquired nothing, nor a cleanup that runs only when the function fails (`defer func() { if err
== nil { return }; l.Close() }()`): on success the resources go to the caller. Nor is a defer whose
resource the iteration stores where it outlives the iteration (`blocks = append(blocks, b)`, `writers[i]
= bytes.NewBuffer(buf[:0])` into a collection declared before the loop): the code after the loop uses
it, so it must stay held until the function returns; likewise when a goroutine the iteration starts
uses it (`go func() { work(conn) }()`, `g.Go(func() error { return read(f) })`): releasing it at the
end of the iteration would pull it from under the goroutine (a goroutine the iteration waits for
itself is not told apart). Nor is a deferred safety net guarded by a flag that
the iteration sets once it has released the resource itself (`defer func() { if !closed { w.Close() }
}()` ... `w.Close(); closed = true` at the end of the iteration): only an early exit leaves the resource
to the defer; likewise a deferred call without arguments that the iteration's own block makes again
further down (`defer cancel()` ... `cancel()`). Nor are locks taken per iteration and released when the
function returns (`t.locks[i].RLock(); defer t.locks[i].RUnlock()`, `unlock := g.LockAndSet(b); defer
unlock()` with `g` the iteration's): holding every shard's lock together is what the code after the loop
relies on. The same lock taken again each iteration (`s.mu.Lock(); defer s.mu.Unlock()`) is flagged. """

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import body_statement, declared_in_loop
from analyzers.rules._alloc_b import SMALL_SET, hot_loops, leaves_loop, small_literal
from analyzers.rules._util import bounded_by_callers
from analyzers.source import Func, Loop, statements, strip_parens, text

_WS = re.compile(r"\s+")


@rule("defer-in-loop", "alloc", correctness=True, needs_measure=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for site in func.sites("defer_statement"):
            loops = tuple(lp for lp in hot_loops(site.loops)
                          if not _small_local_list(func, lp) and not _small_package_list(pkg, func, lp)
                          and not bounded_by_callers(pkg, func, lp))
            if not loops or leaves_loop(site.node, site.loops) or _once_case(func, site.node, site.loops):
                continue
            if _once_guarded(func, site.node, loops[-1]) or _releases_range_item(site.node, loops[-1]) \
                    or _cleanup_on_error(site.node) or _kept_after_iteration(func, site.node, loops[-1]) \
                    or _safety_net(site.node, loops[-1]) or _released_again(site.node, loops[-1]) \
                    or _handed_to_goroutine(func, site.node, loops[-1]) or _unlocks(func, site.node, loops[-1]):
                continue
            call = site.node.named_children[0] if site.node.named_child_count else None
            what = text(call) if call is not None and len(text(call)) <= 40 and "\n" not in text(call) else "call"
            yield Hit(
                func,
                site.node,
                f"defer {what} in a loop waits for the function to return, holding every iteration's "
                "resource; wrap the iteration in a func literal or release it at the end of the iteration",
            )


def _once_guarded(func: Func, defer: Node, loop: Loop) -> bool:
    """`if !locked { mu.Lock(); defer mu.Unlock(); locked = true }`: the guard's own block sets the
    flag it tests, so the defer runs at most once. Likewise lazy initialisation, `if sub == nil {
    sub = subscribe(); defer sub.Unsubscribe() }`, of a variable declared outside the loop (the block
    or a closure it calls sets it: go-ethereum's table.waitForNodes)."""
    node = defer.parent
    while node is not None and loop.contains(node) and node.id != loop.node.id:
        if node.type == "if_statement":
            cond = text(node.child_by_field_name("condition")).strip()
            flag = cond[1:].strip() if cond.startswith("!") else ""
            block = node.child_by_field_name("consequence")
            if flag.isidentifier() and block is not None and re.search(
                    rf"(^|\W){re.escape(flag)}\s*=\s*true\b", text(block)):
                return True
            lazy = cond.removesuffix("nil").rstrip().removesuffix("==").strip() if cond.endswith("nil") else ""
            if lazy.isidentifier() and block is not None and lazy not in declared_in_loop(func, loop):
                return True  # lazy initialisation of a value from outside the loop: once
        node = node.parent
    return False


_UNLOCK = re.compile(r"^(R?Unlock|[Uu]n[Ll]ock\w*|[Rr]elease[Ll]ock\w*)$")
_LOCKER = re.compile(r"[Ll]ock")


def _unlocks(func: Func, defer: Node, loop: Loop) -> bool:
    """Locks taken per iteration and released when the function returns are held together on purpose
    (`t.locks[i].RLock(); defer t.locks[i].RUnlock()`, then work on every shard; `unlock :=
    g.LockAndSet(x); defer unlock()` with g the iteration's): releasing each at the end of its iteration
    would change what the code after the loop may assume. Not a resource piling up, and the suggested fix
    changes behaviour."""
    call = defer.named_children[0] if defer.named_child_count else None
    if call is None or call.type != "call_expression":
        return False
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    changing = declared_in_loop(func, loop)
    if fn.type == "selector_expression":
        # One lock per iteration's item (`t.locks[i]`): the same mutex each time (`s.mu`) would deadlock
        # on the second iteration, which stays flagged.
        field, operand = fn.child_by_field_name("field"), fn.child_by_field_name("operand")
        return field is not None and operand is not None and _UNLOCK.match(text(field)) is not None \
            and _mentions(operand, changing)
    args = call.child_by_field_name("arguments")
    if fn.type != "identifier" or args is None or args.named_child_count:
        return False
    # `unlock := g.LockAndSet(...)`, declared in the loop from a call named for locking on the iteration's g.
    d = func.decl(text(fn), defer)
    value = d.init if d is not None and d.kind == "short" and loop.contains(d.node) else None
    callee = value.child_by_field_name("function") if value is not None and value.type == "call_expression" else None
    return callee is not None and _LOCKER.search(text(callee).rsplit(".", 1)[-1]) is not None \
        and _mentions(callee, changing)


def _released(defer: Node) -> set[str]:
    """Names of what the deferred call releases: the receiver of `b.Close()`, the identifier
    arguments of `put(buf)`."""
    call = defer.named_children[0] if defer.named_child_count else None
    if call is None or call.type != "call_expression":
        return set()
    fn = call.child_by_field_name("function")
    names: set[str] = set()
    operand = fn.child_by_field_name("operand") if fn is not None and fn.type == "selector_expression" else None
    if operand is not None and operand.type == "identifier":
        names.add(text(operand))
    args = call.child_by_field_name("arguments")
    for raw in args.named_children if args is not None else []:
        arg = strip_parens(raw)
        if arg is not None and arg.type == "identifier":
            names.add(text(arg))
    return names


def _kept_after_iteration(func: Func, defer: Node, loop: Loop) -> bool:
    """What the defer releases is stored, in the iteration, where it outlives it: appended to a
    collection declared before the loop (`blocks = append(blocks, b)`), or put into an element or
    field of one (`writers[i] = bytes.NewBuffer(buf[:0])`). The code after the loop uses it, so it
    must stay held until the function returns: the defer is where it belongs."""
    names = _released(defer)
    if not names:
        return False
    for site in func.sites("assignment_statement"):
        node = site.node
        if not loop.contains(node) or text(node.child_by_field_name("operator")) != "=":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
            continue
        target, value = strip_parens(left.named_children[0]), strip_parens(right.named_children[0])
        if target is None or value is None or not _declared_before(func, target, loop):
            continue
        if target.type in ("index_expression", "selector_expression"):
            if _mentions(value, names):
                return True
        elif value.type == "identifier" and text(value) in names:
            return True
        elif value.type == "call_expression" and text(value.child_by_field_name("function")) == "append":
            args = value.child_by_field_name("arguments")
            if args is not None and any(_mentions(a, names) for a in args.named_children[1:]):
                return True
    return False


def _handed_to_goroutine(func: Func, defer: Node, loop: Loop) -> bool:
    """What the defer releases is used by a goroutine the iteration starts: `go func() { use(conn)
    }()`, `go serve(conn)`, or a function literal given to an errgroup's `g.Go(func() error {...})`
    (thanos' per-block series clients). The goroutine outlives the iteration, so releasing at the end
    of the iteration would pull the resource from under it; the defer is where it belongs."""
    names = _released(defer)
    if not names:
        return False
    for site in func.sites("go_statement"):
        if loop.contains(site.node) and _mentions(site.node, names):
            return True
    for call in func.calls_named("Go"):
        if not call.recv or not loop.contains(call.node):
            continue
        if any(a.type == "func_literal" and _mentions(a, names) for a in call.args):
            return True
    return False


def _declared_before(func: Func, target: Node, loop: Loop) -> bool:
    """The assignment's target is (an element or field of) a variable declared outside the loop."""
    root: Node | None = target
    while root is not None and root.type in ("index_expression", "selector_expression"):
        root = root.child_by_field_name("operand")
    if root is None or root.type != "identifier":
        return False
    decl = func.decl(text(root), target)
    return decl is None or not loop.contains(decl.node)  # None: an enclosing function's or the package's


def _mentions(node: Node, names: set[str]) -> bool:
    if node.type == "identifier":
        return text(node) in names
    return any(_mentions(c, names) for c in node.named_children)


def _cleanup_on_error(defer: Node) -> bool:
    """`defer func() { if err == nil { return }; l.Close() }()`: undoes each iteration's work only when
    the function fails; on success the resources are handed to the caller, not released here."""
    call = defer.named_children[0] if defer.named_child_count else None
    fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    if fn is None or fn.type != "func_literal":
        return False
    body = statements(fn.child_by_field_name("body"))
    if not body or body[0].type != "if_statement":
        return False
    cond = " ".join(text(body[0].child_by_field_name("condition")).split())
    then = statements(body[0].child_by_field_name("consequence"))
    return cond.startswith("err == nil") and len(then) == 1 and then[0].type == "return_statement"


def _safety_net(defer: Node, loop: Loop) -> bool:
    """`defer func() { if !closed { w.Close() } }()` with `closed = true` after an explicit release
    further down the same iteration: the iteration releases its resource itself, and the deferred
    closure only covers the paths that leave early (prometheus' promtool backfill)."""
    call = defer.named_children[0] if defer.named_child_count else None
    fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    if fn is None or fn.type != "func_literal":
        return False
    body = statements(fn.child_by_field_name("body"))
    if len(body) != 1 or body[0].type != "if_statement" or body[0].child_by_field_name("alternative") is not None:
        return False
    cond = strip_parens(body[0].child_by_field_name("condition"))
    if cond is None or cond.type != "unary_expression" or text(cond.child_by_field_name("operator")) != "!":
        return False
    flag = text(cond.child_by_field_name("operand"))
    loop_body = loop.node.child_by_field_name("body")
    if loop_body is None:
        return False
    for stmt in statements(loop_body):
        if stmt.start_byte <= defer.start_byte or stmt.type != "assignment_statement":
            continue
        left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
        if left is not None and right is not None and text(left) == flag and text(right) == "true":
            return True
    return False


def _released_again(defer: Node, loop: Loop) -> bool:
    """`defer cancel()` and, further down the iteration's own block (not in a branch), `cancel()`: the
    iteration releases its resource itself, and the defer only covers the paths that leave early
    (thanos' compaction loop, `workCtxCancel`). The call takes no arguments: the same text then names
    the same release."""
    call = defer.named_children[0] if defer.named_child_count else None
    if call is None or call.type != "call_expression":
        return False
    args = call.child_by_field_name("arguments")
    if args is None or args.named_child_count:
        return False
    if not body_statement(defer, loop):
        return False  # the defer itself sits in a branch: another shape
    wanted = _WS.sub("", text(call))
    for stmt in statements(loop.body):
        if stmt.start_byte > defer.end_byte and stmt.type == "expression_statement" \
                and _WS.sub("", text(stmt)) == wanted:
            return True
    return False


def _releases_range_item(defer: Node, loop: Loop) -> bool:
    """`for _, l := range oldLoggers { defer l.Close() }`: closing, at the end of the function, things
    that existed before the loop; the iteration acquires nothing that the defer keeps."""
    call = defer.named_children[0] if defer.named_child_count else None
    fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    operand = fn.child_by_field_name("operand") if fn is not None and fn.type == "selector_expression" else None
    return operand is not None and operand.type == "identifier" and text(operand) in {loop.key, loop.value} - {""}


def _small_local_list(func: Func, loop: Loop) -> bool:
    """`probes := []probe{{...}, {...}}; ...; for i := range probes`: a local literal of eight elements
    or fewer that the function only ever shrinks (`probes = probes[:1]`)."""
    node = strip_parens(loop.range_node) if loop.kind == "range" else None
    if node is None or node.type != "identifier":
        return False
    name = text(node)
    decl = func.decl(name, node)
    init = strip_parens(decl.init) if decl is not None and decl.kind in ("short", "var") else None
    body = init.child_by_field_name("body") if init is not None and init.type == "composite_literal" else None
    if body is None or body.named_child_count > SMALL_SET:
        return False
    for site in func.sites("assignment_statement"):
        left = site.node.child_by_field_name("left")
        targets = left.named_children if left is not None else []
        if any(text(t) == name for t in targets):
            right = site.node.child_by_field_name("right")
            value = strip_parens(right.named_children[0]) if right is not None and right.named_child_count else None
            if len(targets) != 1 or value is None or value.type != "slice_expression" or text(
                value.child_by_field_name("operand")
            ) != name:
                return False
    return True


def _small_package_list(pkg: Package, func: Func, loop: Loop) -> bool:
    """`for _, name := range freezers` where the package declares `var freezers = []string{...}` with
    eight elements or fewer, and the function does not assign the name (go-ethereum's builtin
    freezers): a handful of iterations by construction."""
    node = strip_parens(loop.range_node) if loop.kind == "range" else None
    if node is None or node.type != "identifier" or func.decl(text(node), node) is not None:
        return False
    name = text(node)
    if name not in pkg.var_nodes or not small_literal(pkg, node):
        return False
    for site in func.sites("assignment_statement"):
        left = site.node.child_by_field_name("left")
        if left is not None and any(text(t).split("[", 1)[0] == name for t in left.named_children):
            return False
    return True


def _once_case(func: Func, defer: Node, loops: tuple[Loop, ...]) -> bool:
    """A defer in a case of `for { select { ... } }` whose case can fire only once: the case sets its
    channel to nil (`ch = nil`), or it receives from a timer's `t.C` (`t := time.NewTimer(d)`) that is
    never reset, or only reset under a successful `t.Stop()` (the timer had not fired yet)."""
    loop = loops[-1]
    if loop.kind != "infinite":
        return False
    case = defer.parent
    while case is not None and case.type != "communication_case" and case.id != loop.node.id:
        if case.type in ("for_statement", "func_literal"):
            return False
        case = case.parent
    if case is None or case.type != "communication_case":
        return False
    comm = case.child_by_field_name("communication")
    if comm is not None and comm.type == "receive_statement":
        comm = comm.child_by_field_name("right")
    comm = strip_parens(comm)
    if comm is None or comm.type != "unary_expression":
        return False
    chan = strip_parens(comm.child_by_field_name("operand"))
    if chan is None:
        return False
    if _disabled(func, loop, case, text(chan)):
        return True
    return chan.type == "selector_expression" and _one_shot_timer(func, chan)


def _disabled(func: Func, loop: Loop, case: Node, name: str) -> bool:
    """The case's own statements set its channel to nil, and nothing in the loop sets it to
    anything else: a nil channel's case never fires again."""
    nil_here = False
    for site in func.sites("assignment_statement"):
        node = site.node
        left = node.child_by_field_name("left")
        if not loop.contains(node) or left is None or name not in (text(t) for t in left.named_children):
            continue
        if not re.fullmatch(rf"{re.escape(name)}\s*=\s*nil", text(node)):
            return False
        parent = node.parent
        nil_here = nil_here or (parent is not None and parent.parent is not None and parent.parent.id == case.id)
    return nil_here


def _one_shot_timer(func: Func, chan: Node) -> bool:
    operand = chan.child_by_field_name("operand")
    if text(chan.child_by_field_name("field")) != "C" or operand is None or operand.type != "identifier":
        return False
    timer = text(operand)
    decl = func.decl(timer, operand)
    init = strip_parens(decl.init) if decl is not None else None
    if init is None or init.type != "call_expression" or text(init.child_by_field_name("function")) != "time.NewTimer":
        return False
    for call in func.calls_named("Reset"):
        if call.recv != timer:
            continue
        guard = call.node.parent
        while guard is not None and guard.type != "if_statement":
            guard = guard.parent
        cond = guard.child_by_field_name("condition") if guard is not None else None
        if cond is None or f"{timer}.Stop()" not in [c.strip() for c in text(cond).split("&&")]:
            return False
    return True
