"""goroutine-per-item

**What it does**
Flags `go f(x)` / `go func() { ... }()` started once per item of a collection (a range over a
slice or map, or a `len(...)`-bounded loop) with nothing bounding how many run at once: no
semaphore acquired before the spawn or at the top of the goroutine, no errgroup `SetLimit`, no
wait inside the loop.

**Why is this bad?**
Each goroutine costs ~0.3-1 µs to start and at least a 2-8 KB stack (estimate), and all of them
compete for the CPUs, the network and any downstream service at once: 100,000 items mean
100,000 live goroutines, ~200-800 MB of stacks, and a burst of connections or open files that
can exhaust limits. Throughput stops improving beyond a few times GOMAXPROCS for CPU work.

**Example**
```go
for _, u := range urls {
    wg.Add(1)
    go func(u string) {
        defer wg.Done()
        fetch(u)
    }(u)
}
```

**Use instead**
```go
sem := make(chan struct{}, 16)
for _, u := range urls {
    sem <- struct{}{}
    wg.Add(1)
    go func(u string) {
        defer func() { <-sem; wg.Done() }()
        fetch(u)
    }(u)
}
// or: errgroup.Group with g.SetLimit(16), or a fixed pool of workers reading a channel
```

`g.Go(func() error { ... })` on a `golang.org/x/sync/errgroup` group with no `g.SetLimit(n)` in
the function counts as a spawn too.

**Known limits**
Loops over a count (`for i := 0; i < workers; i++`, `range runtime.NumCPU()`) start worker pools and are
not flagged; nor are loops over channels, iterators or small literal lists, over collections of
functions, or over registered sets named like workers, listeners, servers, shards, hooks, handlers,
peers, replicas, nodes, backends, endpoints or hosts (sized by configuration, not by data), nor a range
over an integer (`for i := range workers`: the pool itself). A goroutine that runs for the life of its
item (`go inf.Run(stop)`, `go sl.loop()`, `go srv.Serve(l)`) is one per registered item by design, and
is not flagged. A `break` before the spawn is
taken as a limit check (`if running >= max { break }`). Strided loops (`i += chunk`) start one goroutine
per chunk and are not flagged. A range over a field of the method's receiver whose item handed to the
goroutine is a live object (a pointer, a channel, a connection or other interface value: `for _, sp :=
range m.scrapePools { go sp.Sync(cfg) }`, `for c := range s.conns { go s.closeConn(c) }`) walks the
struct's long-lived registry, sized by what was configured or connected, and is not flagged; a receiver
field of plain values (`for _, addr := range n.subscribers`) and collections from parameters or locals
are (so a registry of `*User` records is missed). A semaphore is recognised as a channel send or an
`Acquire`/`Wait` call before the spawn in the loop, or a send/`Acquire` as the goroutine's first
statement.

Its default severity is info: every one of the 14 warnings of this rule drawn from public projects'
current code (benchmarks/realworld/cases.yaml) was a fan-out over a collection sized by
configuration or topology (a bucket's replication targets, erasure sets, peer sites, discoverer
roles), by design, and the rule cannot tell those from data-sized collections. A team whose loops
walk request data can raise it with `severity: {goroutine-per-item: warning}` in `.perf-review.yml`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import INT_TYPES, expr_type, is_receive
from analyzers.rules._locks import IDENT, data_loop
from analyzers.source import Func, Loop, Site, statements, text
from analyzers.typeinfer import element_type, split_map_type

_POOL_NAMES = re.compile(
    r"(?i)(worker|listener|server|shard|pool|hook|callback|handler|watcher|task|goroutine|fn|func|peer|replica|node"
    r"|member|backend|upstream|partition|broker|endpoint|ep|host)s?$"
)
# A goroutine that runs for the life of its item (an informer, a send loop, a server): one per
# registered item is the design, and a pool would starve the items it does not run.
_LONG_RUNNING = re.compile(r"^(Serve|serve|Listen|listen|Watch|watch)$|[a-z]Loop$|^loop$")
_STOP_ARG = re.compile(r"Done\(\)|\bstop|\bquit|\bctx\b|\bcontext\b", re.IGNORECASE)
_ACQUIRE = frozenset({"Acquire", "TryAcquire", "Wait", "WaitN", "Take", "Reserve"})


@rule("goroutine-per-item", "concurrency", "info")
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        spawns: list[Site] = [*func.sites("go_statement"), *_group_spawns(func)]
        if not spawns or func.calls_named("SetLimit"):
            continue
        for site in spawns:
            if not site.loops:
                continue
            loop = site.loops[-1]
            if not data_loop(pkg, func, loop, counted=False):
                continue
            if _bounded(func, loop, site) or _acquires_first(site.node) or _pool_like(pkg, func, loop):
                continue
            if _registry(pkg, func, loop, site.node):
                continue
            if _strided(loop) or _long_running(site.node) or _counted(pkg, func, loop):
                continue
            yield Hit(
                func,
                site.node,
                f"one goroutine per item of {loop.range_expr or loop.cond} with no bound (~1 µs and 2-8 KB "
                "stack each, all at once); use a worker pool, a semaphore channel or errgroup SetLimit",
            )


def _counted(pkg: Package, func: Func, loop: Loop) -> bool:
    """`for i := range concurrency`: ranging over an integer starts that many workers: the pool."""
    if loop.kind != "range" or loop.range_node is None or loop.value:
        return False
    return expr_type(pkg, func, loop.range_node) in INT_TYPES


def _long_running(go: Node) -> bool:
    """`go inf.Run(stop)`, `go sl.loop()`: the goroutine lives as long as its item."""
    call = go.named_children[0] if go.type == "go_statement" and go.named_child_count else None
    if call is None or call.type != "call_expression":
        return False
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    name = text(fn.child_by_field_name("field")) if fn.type == "selector_expression" else text(fn)
    if fn.type == "func_literal":
        return False
    if name in ("Run", "run"):  # `go inf.Run(ctx.Done())`: runs until told to stop
        return _STOP_ARG.search(text(call.child_by_field_name("arguments"))) is not None
    return _LONG_RUNNING.search(name) is not None


def _strided(loop: Loop) -> bool:
    """`for i := 0; i < len(xs); i += chunk`: one goroutine per chunk, a count chosen by the code."""
    if loop.kind != "for":
        return False
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    update = clause.child_by_field_name("update") if clause is not None else None
    if update is None or update.type == "inc_statement":
        return False
    return not (update.type == "assignment_statement" and text(update).replace(" ", "").endswith("+=1"))


def _group_spawns(func: Func) -> list[Site]:
    """`g.Go(func() error { ... })` on an errgroup.Group: a goroutine per call unless SetLimit is set."""
    calls = func.calls_named("Go")
    if not calls or "golang.org/x/sync/errgroup" not in func.file.imports.values():
        return []
    return [c for c in calls if len(c.args) == 1 and c.args[0].type == "func_literal" and c.recv]


def _pool_like(pkg: Package, func: Func, loop: Loop) -> bool:
    """Long-lived goroutines for a registered set (workers, listeners, hooks): sized by configuration."""
    name = loop.range_expr.rsplit(".", 1)[-1]
    if _POOL_NAMES.search(name):
        return True
    elem = element_type(expr_type(pkg, func, loop.range_node).lstrip("*")) if loop.range_node else ""
    return elem.startswith("func")


# Interfaces of live objects (connections, listeners, closers) a struct keeps a registry of.
_OBJECT_INTERFACES = frozenset(
    {"net.Conn", "net.Listener", "net.PacketConn", "io.Closer", "io.ReadWriteCloser", "io.WriteCloser", "io.ReadCloser"}
)


def _registry(pkg: Package, func: Func, loop: Loop, go: Node) -> bool:
    """`for _, sp := range m.scrapePools { go sp.Sync(cfg) }`, `for c := range s.conns { go s.closeConn(c) }`:
    a range over a field of the method's receiver whose item the goroutine is given is a live object
    (a pointer, channel or interface value): the struct's long-lived registry of pools, connections or
    subscribers, sized by what was registered or connected, not by the data of one request."""
    root = func
    while root.parent is not None:
        root = root.parent
    node = loop.range_node
    if loop.kind != "range" or node is None or node.type != "selector_expression" or not root.receiver_name:
        return False
    if text(node.child_by_field_name("operand")) != root.receiver_name:
        return False
    typ = expr_type(pkg, func, node).lstrip("*")
    if typ.startswith("map["):
        key, value = split_map_type(typ)
        items = [(loop.key, key), (loop.value, value)]
    elif typ.startswith("["):
        items = [(loop.value, element_type(typ))]
    else:
        return False
    used = set(IDENT.findall(text(go)))
    return any(name and name != "_" and name in used and _live_object(pkg, t) for name, t in items)


def _live_object(pkg: Package, typ: str) -> bool:
    if typ.startswith(("*", "chan ")) or typ in _OBJECT_INTERFACES:
        return True
    return pkg.type_defs.get(typ, "").startswith("interface")


def _bounded(func: Func, loop: Loop, site: Site) -> bool:
    """A semaphore acquired before the spawn, a limit check that breaks out, or a wait after the
    spawn, in the same loop iteration."""
    go = site.node
    for b in func.sites("break_statement"):
        if loop.contains(b.node) and b.node.start_byte < go.start_byte and b.loops and b.loops[-1] is loop:
            return True
    for s in func.sites("send_statement"):
        if loop.contains(s.node) and s.node.start_byte < go.start_byte and s.loops and s.loops[-1] is loop:
            return True
    for call in func.calls_named(*_ACQUIRE):
        if loop.contains(call.node) and call.loops and call.loops[-1] is loop:
            return True
    for u in func.sites("unary_expression"):
        if loop.contains(u.node) and u.node.start_byte > go.end_byte and is_receive(u.node):
            return True
    return False


def _acquires_first(go: Node) -> bool:
    """`go func() { sem <- struct{}{}; defer func() { <-sem }() ... }()`: the goroutine waits its turn."""
    if go.type == "go_statement":
        call = go.named_children[0] if go.named_child_count else None
        fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    else:  # g.Go(func() error { ... })
        args = go.child_by_field_name("arguments")
        fn = args.named_children[0] if args is not None and args.named_child_count else None
    if fn is None or fn.type != "func_literal":
        return False
    body = statements(fn.child_by_field_name("body"))
    for stmt in body[:3]:
        if stmt.type == "send_statement":
            return True
        if (
            stmt.type == "expression_statement"
            and any(f".{name}(" in text(stmt) for name in ("Acquire", "Wait"))
            and "Done" not in text(stmt)
        ):
            return True
    return False
