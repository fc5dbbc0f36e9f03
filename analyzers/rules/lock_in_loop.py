"""lock-in-loop

**What it does**
Flags `mu.Lock()`/`mu.RLock()` taken and released on every iteration of a loop over a collection
(the same mutex each time, with no blocking work outside the critical section).

**Why is this bad?**
An uncontended Lock/Unlock pair costs ~15-30 ns (estimate), and far more under contention, where
each iteration may park the goroutine and hand the lock to another (a convoy). For n items that
is n pairs where one would do; the work inside is often a map write of ~20-50 ns, so the locking
can double the loop's cost.

**Example**
```go
for _, it := range items {
    c.mu.Lock()
    c.m[it.ID] = it
    c.mu.Unlock()
}
```

**Use instead**
```go
c.mu.Lock()
for _, it := range items {
    c.m[it.ID] = it
}
c.mu.Unlock()
```

**Known limits**
Not flagged: loops over channels, iterators or small literal lists; infinite and condition loops
(worker loops); per-item mutexes (`for _, s := range shards { s.mu.Lock() ... }`); loops that
block outside the critical section (I/O, channel operations, `time.Sleep`) or start goroutines,
where releasing the lock between items is deliberate; loops that call other code (a package
function or a method) outside the critical section, where the lock was narrowed on purpose so
that work runs unlocked.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import blocking_ops
from analyzers.rules._locks import IDENT, Region, data_loop, lock_regions, loop_locals
from analyzers.source import Func, Loop, text


@rule("lock-in-loop", "concurrency", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for region in lock_regions(func):
            found = _loop_of(func, region)
            if found is None:
                continue
            owner, loop = found
            if not data_loop(pkg, owner, loop, counted=True):
                continue
            names = IDENT.findall(region.mutex)
            if loop_locals(owner, loop, names, region.lock.node) or _varies(owner, loop, names):
                continue
            spawns = any(loop.contains(s.node) for s in owner.sites("go_statement"))
            if spawns or _blocks_outside(pkg, owner, loop, region) or _works_outside(owner, loop, region):
                continue
            over = loop.range_expr or loop.cond
            yield Hit(
                func,
                region.lock.node,
                f"{region.mutex}.{region.lock.name} per iteration of the loop over {over} costs ~15-30 ns "
                "uncontended, far more contended; take the lock once around the loop",
            )


def _varies(func: Func, loop: Loop, names: list[str]) -> bool:
    """A different mutex each iteration: `series = batch[i]; series.Lock()`, `locks[i].Lock()`."""
    per_iteration = {loop.key, loop.value} - {"", "_"}
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    init = clause.child_by_field_name("initializer") if clause is not None else None
    if init is not None and init.type == "short_var_declaration":
        left = init.child_by_field_name("left")
        per_iteration.update(text(c) for c in (left.named_children if left is not None else []))
    if per_iteration & set(names):
        return True
    for site in func.sites("assignment_statement"):
        if loop.contains(site.node):
            left = site.node.child_by_field_name("left")
            if left is not None and any(text(c) in names for c in left.named_children):
                return True
    return False


def _loop_of(func: Func, region: Region) -> tuple[Func, Loop] | None:
    """The loop whose every iteration takes and releases the lock, with the function owning it."""
    lock = region.lock
    if lock.loops:
        return (func, lock.loops[-1]) if not region.deferred else None
    # `for ... { func() { mu.Lock(); defer mu.Unlock(); ... }() }`: a closure run per iteration.
    parent = func.node.parent
    if func.parent is None or not func.outer_loops or parent is None or parent.type != "call_expression":
        return None
    if text(parent.child_by_field_name("function")) != text(func.node):
        return None
    loop = func.outer_loops[-1]
    if not any(lp is loop for lp in func.parent.loops):
        return None
    return func.parent, loop


# Calls cheap enough that running them outside the lock is no reason to keep the lock per item.
_CHEAP_BUILTINS = frozenset(
    [
        "len",
        "cap",
        "append",
        "make",
        "new",
        "min",
        "max",
        "copy",
        "delete",
        "clear",
        "string",
        "int",
        "int64",
        "int32",
        "uint",
        "uint64",
        "uint32",
        "float64",
        "byte",
        "rune",
    ]
)
_CHEAP_PACKAGES = frozenset(
    ["strings", "strconv", "bytes", "unicode", "utf8", "math", "time", "fmt", "errors", "sort", "slices", "maps"]
)


def _works_outside(func: Func, loop: Loop, region: Region) -> bool:
    """`for _, w := range part { s := score(w); mu.Lock(); out[w] = s; mu.Unlock() }`: the loop calls
    other code between critical sections, so the lock was narrowed on purpose (holding it across the
    loop would serialise that work across goroutines)."""
    body = loop.body
    if body is None:
        return False
    for call in func.calls:
        node = call.node
        if not (body.start_byte <= node.start_byte and node.end_byte <= body.end_byte) or region.holds(node):
            continue
        if node.id == region.lock.node.id or call.recv == region.mutex or _runs_literal(node):
            continue
        if (not call.recv and call.name in _CHEAP_BUILTINS) or call.recv in _CHEAP_PACKAGES:
            continue
        return True
    return False


def _runs_literal(call: Node) -> bool:
    fn = call.child_by_field_name("function")
    return fn is not None and fn.type == "func_literal"


def _blocks_outside(pkg: Package, func: Func, loop: Loop, region: Region) -> bool:
    def outside(node: Node) -> bool:
        return not region.holds(node)

    ops = blocking_ops(pkg, func, loop.node.start_byte, loop.node.end_byte)
    return any(outside(node) for node, _ in ops)
