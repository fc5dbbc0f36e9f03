"""lock-held-across-io

**What it does**
Flags a blocking operation performed while a `sync.Mutex`/`sync.RWMutex` is held: between
`x.Lock()` and the matching `x.Unlock()`, or after `x.Lock(); defer x.Unlock()`. Blocking means
network and HTTP calls (`http.Get`, `client.Do`, `conn.Read`/`Write`, `net.Dial`), file I/O on an
`*os.File` or through `os.ReadFile`/`os.WriteFile`, database calls (`db.Query`, `QueryContext`,
`Exec`, `QueryRow`...), running a process, channel sends and receives, `select` without `default`,
`time.Sleep` and `wg.Wait()`.

**Why is this bad?**
A critical section normally lasts ~20-100 ns; an I/O call lasts 10 µs to seconds (estimate: a
local disk write ~10-100 µs, a database round trip ~0.5-5 ms, an HTTP call ~1-500 ms). Every
other goroutine that needs the lock queues behind the I/O, so throughput collapses to one request
at a time, and a channel operation or a hung peer under a lock can deadlock the program.

**Example**
```go
func (c *Cache) Refresh(ctx context.Context) error {
    c.mu.Lock()
    defer c.mu.Unlock()
    resp, err := c.client.Do(req) // every reader waits for the HTTP round trip
    ...
}
```

**Use instead**
```go
func (c *Cache) Refresh(ctx context.Context) error {
    resp, err := c.client.Do(req) // no lock held during I/O
    ...
    c.mu.Lock()
    c.data = parsed
    c.mu.Unlock()
}
```

**Known limits**
Under a read lock (`RLock`) other readers proceed: that is flagged only when a function other than
start-up and shutdown code (`Stop`, `Close`, ...) takes the write lock (loki's file pool opens a file
under `RLock` and only `Stop` locks it for writing: not flagged). The lock and its unlock must sit in
the same statement list (or the unlock be deferred right
there). Calls are recognised by their package function or by the receiver's type as declarations
show it; writes through an `io.Writer` interface are not flagged (a logger that serialises output
with a mutex does so on purpose). `sync.Cond.Wait` releases the lock and is not flagged. A send in
a `select` with `default` does not block. A send to a channel the package makes with a capacity
(`make(chan T, 1)` assigned to that variable or field name) is not flagged: code that sizes a
buffer for a hand-off usually knows it has room (a full buffer would still block). Sends to
unbuffered channels, or channels whose making is not in sight, are flagged. A mutex whose name
says it serialises I/O (`writeMu`, `stdoutMu`, `logMu`, `connMu`) exists to be held across that
I/O and is not flagged, nor are reads and writes on a file or connection held by the same struct
as the mutex when no critical section of that mutex touches anything of the struct but its
streams (`c.mu.Lock(); c.conn.Write(frame)`: the lock keeps frames from interleaving). A mutex that
also guards a map or other state is flagged when held across that I/O. A receive from a channel
field of the struct whose mutex is held (`w.mu` held, `<-w.result`) is a hand-off, not flagged, when
the package sends on or closes that same field while holding that same mutex (`w.mu.Lock(); w.result
<- r; close(w.result)`): the struct owns the channel and the lock orders the signal with the wait (a
delivered result drained, a fired timer's close awaited). A receive from a channel of another value,
a local or a parameter, or from a field signalled without that mutex (a worker's answers), is
flagged; so are sends. Giving back a semaphore slot the function took earlier (`<-sem` then, under
the lock, `sem <- struct{}{}`) finds room and is not flagged. Start-up, recovery and shutdown code is
not flagged: constructors, `init`, functions named `Open*`/`load*`/`recover*`/`restore*`/`Start`/
`Stop`/`Close`/`Shutdown` and the like, and unexported functions called only from them; at start-up
nothing else can want the lock yet, and a shutdown holds it on purpose. Lazy initialisation is not
flagged either: I/O inside `if s.data == nil { s.data = ...; ... }` (or `if !s.loaded { ...; s.loaded =
true }`) under the lock runs once, on the first call, and the lock is what makes it run once. A mutex
field that only the flagged function locks (and whose address is never taken) serialises that
operation on purpose (`drainMutex` taken only by `Drain`): holding it across the operation's I/O is
its job, and it is not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.lifecycle import startup_functions
from analyzers.package import Package, StructType
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import Buffered, blocking_ops, expr_type, is_receive
from analyzers.rules._locks import Region, lock_regions
from analyzers.source import Func, descendants, strip_parens, text

# Words in a mutex's name that say it exists to serialise I/O (`writeMu`, `stdoutMu`, `logMu`).
_IO_LOCK_WORDS = frozenset(
    {
        "write",
        "writer",
        "wr",
        "out",
        "output",
        "stdout",
        "stderr",
        "print",
        "log",
        "logger",
        "trace",
        "file",
        "io",
        "conn",
        "send",
        "exec",
        "flush",
        "disk",
        "emit",
    }
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


def _serialises_io(mutex: str) -> bool:
    name = mutex.rsplit(".", 1)[-1]
    return any(w.lower() in _IO_LOCK_WORDS for w in _WORD.findall(name))


# Streams whose reads and writes must not interleave: the mutex beside one exists to serialise them.
_STREAMS = frozenset({"os.File", "net.Conn", "net.TCPConn", "net.UDPConn", "net.UnixConn", "tls.Conn"})
_STREAM_OPS = frozenset({"Read", "Write", "WriteString", "ReadAt", "WriteAt", "ReadFrom", "Sync", "WriteTo"})


def _owned_stream(pkg: Package, func: Func, mutex: str, node: Node, cache: dict[tuple[str, str], bool]) -> bool:
    """`s.mu.Lock(); s.f.Write(p)` / `c.conn.Write(frame)`: I/O on a file or connection held by the
    same struct as the mutex, when every critical section of that mutex touches nothing of the
    struct but its streams: the mutex exists to keep frames and records from interleaving."""
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    if fn is None or fn.type != "selector_expression" or text(fn.child_by_field_name("field")) not in _STREAM_OPS:
        return False
    operand = strip_parens(fn.child_by_field_name("operand"))
    base = operand.child_by_field_name("operand") if operand is not None else None
    if operand is None or operand.type != "selector_expression" or base is None:
        return False
    if mutex != text(base) and not mutex.startswith(text(base) + "."):
        return False
    if expr_type(pkg, func, operand).lstrip("*") not in _STREAMS:
        return False
    struct = pkg.struct_of(expr_type(pkg, func, base))
    if struct is None:
        return False
    key = (struct.name, mutex[len(text(base)) + 1 :])
    if key not in cache:
        cache[key] = _stream_only(pkg, struct, key[1])
    return cache[key]


def _stream_only(pkg: Package, struct: StructType, mutex_field: str) -> bool:
    """Whether every critical section of struct's mutex field touches only the struct's streams."""
    allowed = {name for name, typ in struct.fields if typ.lstrip("*") in _STREAMS} | struct.locks | {mutex_field}
    for func in pkg.funcs:
        for region in lock_regions(func):
            fn = region.lock.node.child_by_field_name("function")
            base = fn.child_by_field_name("operand") if fn is not None else None
            if base is not None and mutex_field:
                if base.type != "selector_expression" or text(base.child_by_field_name("field")) != mutex_field:
                    continue
                base = base.child_by_field_name("operand")
            if base is None or pkg.struct_of(expr_type(pkg, func, base)) is not struct:
                continue
            prefix = text(base)
            for stmt in region.stmts:
                for n in (stmt, *descendants(stmt)):
                    if n.type != "selector_expression" or text(n.child_by_field_name("operand")) != prefix:
                        continue
                    if text(n.child_by_field_name("field")) not in allowed:
                        return False
    return True


def _mutex_base(pkg: Package, func: Func, region: Region) -> tuple[StructType, str, Node] | None:
    """(struct, mutex field, base node) of a region on `base.mu` ("" for an embedded mutex)."""
    fn = region.lock.node.child_by_field_name("function")
    operand = fn.child_by_field_name("operand") if fn is not None else None
    if operand is None:
        return None
    base: Node | None = operand
    fname = ""
    if operand.type == "selector_expression":
        base, fname = operand.child_by_field_name("operand"), text(operand.child_by_field_name("field"))
    struct = pkg.struct_of(expr_type(pkg, func, base)) if base is not None else None
    if struct is None or base is None:
        return None
    if fname and fname not in struct.locks:
        return None
    if not fname and not any(not n and t.lstrip("*") in ("sync.Mutex", "sync.RWMutex") for n, t in struct.fields):
        return None
    return struct, fname, base


def _signalled_fields(pkg: Package) -> dict[tuple[str, str], set[str]]:
    """For each (struct, mutex field): the channel fields of that struct the package sends on or
    closes while holding that mutex (`w.mu.Lock(); ...; w.result <- r; close(w.result)`)."""
    out: dict[tuple[str, str], set[str]] = {}
    for func in pkg.funcs:
        regions = lock_regions(func)
        if not regions:
            continue
        targets = [
            s.node.child_by_field_name("channel") for s in func.sites("send_statement")
        ] + [c.args[0] for c in func.calls_named("close") if len(c.args) == 1 and not c.recv]
        for region in regions:
            found = _mutex_base(pkg, func, region)
            if found is None:
                continue
            struct, fname, base = found
            for chan in targets:
                chan = strip_parens(chan)
                if chan is None or chan.type != "selector_expression" or not region.holds(chan):
                    continue
                if text(chan.child_by_field_name("operand")) == text(base):
                    out.setdefault((struct.name, fname), set()).add(text(chan.child_by_field_name("field")))
    return out


class _Handoff:
    """A receive from a channel field of the struct whose mutex is held, when the package sends on
    or closes that field under the same mutex: the struct owns the channel, and the lock orders the
    hand-off with the signal (a delivered result drained, a deadline timer's close awaited)."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self._fields: dict[tuple[str, str], set[str]] | None = None

    def __call__(self, func: Func, region: Region, node: Node) -> bool:
        if node.type != "unary_expression":
            return False
        chan = strip_parens(node.child_by_field_name("operand"))
        if chan is None or chan.type != "selector_expression":
            return False
        found = _mutex_base(self.pkg, func, region)
        if found is None or text(chan.child_by_field_name("operand")) != text(found[2]):
            return False
        if self._fields is None:
            self._fields = _signalled_fields(self.pkg)
        return text(chan.child_by_field_name("field")) in self._fields.get((found[0].name, found[1]), set())


@rule("lock-held-across-io", "concurrency", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    buffered = Buffered(pkg)
    streams: dict[tuple[str, str], bool] = {}
    handoff = _Handoff(pkg)
    once: set[Func] | None = None
    lockers: dict[str, set[Func]] | None = None
    writers: dict[str, set[Func]] | None = None
    for func in pkg.funcs:
        regions = lock_regions(func)
        if not regions:
            continue
        if once is None:
            once = set(startup_functions(pkg))
        if _top(func) in once:
            continue  # start-up and recovery run before anyone else can want the lock; shutdown holds it on purpose
        seen: set[int] = set()
        for region in regions:
            if not region.stmts or _serialises_io(region.mutex):
                continue
            if lockers is None:
                lockers = _lockers(pkg)
            if _only_locker(region.mutex, _top(func), lockers):
                continue
            if region.read:
                if writers is None:
                    writers = _writers(pkg)
                if not _run_time_writers(region.mutex, writers, once):
                    continue  # readers proceed side by side; only start-up or shutdown takes the write lock
            ops = blocking_ops(pkg, func, region.stmts[0].start_byte, region.stmts[-1].end_byte, buffered)
            for node, what in ops:
                if node.id in seen or not region.holds(node) or _owned_stream(pkg, func, region.mutex, node, streams):
                    continue
                if what == "channel receive" and handoff(func, region, node):
                    continue
                if _releases_slot(func, node) or _lazy_init(node, region):
                    continue
                seen.add(node.id)
                held = (f"{what} while {region.mutex} is read-locked blocks every writer (and, once a writer "
                        "waits, every new reader)") if region.read else \
                    f"{what} while {region.mutex} is held blocks every goroutine waiting for the lock"
                yield Hit(func, node, f"{held}; copy what you need, unlock, then do the I/O")


_LOCKS = ("Lock", "RLock", "TryLock", "TryRLock")


def _lockers(pkg: Package) -> dict[str, set[Func]]:
    """Mutex field name -> the functions that lock a mutex of that name (`x.mu.Lock()` -> "mu"), and
    "&" + name for fields whose address is taken (`sync.NewCond(&s.mu)`: locked out of sight)."""
    out: dict[str, set[Func]] = {}
    for func in pkg.funcs:
        top = _top(func)
        for name in _LOCKS:
            for call in func.calls_named(name):
                field = call.recv.rsplit(".", 1)[-1] if "." in call.recv else ""
                if field:
                    out.setdefault(field, set()).add(top)
    for gf in pkg.files:
        for m in _ADDRESS_OF_FIELD.finditer(gf.src.decode("utf-8", "replace")):
            out.setdefault("&" + m.group(1), set())
    return out


# At most 16 fields deep: bounded, so a long `&a.b.c...` run is one short match, not one a megabyte long.
_ADDRESS_OF_FIELD = re.compile(r"&\w+(?:\.\w+){0,15}\.(\w+)\b(?!\s*[({])")


def _writers(pkg: Package) -> dict[str, set[Func]]:
    """Mutex name (its last field: `p.mtx.Lock()` -> "mtx") -> the functions that take its write lock."""
    out: dict[str, set[Func]] = {}
    for func in pkg.funcs:
        for call in func.calls_named("Lock", "TryLock"):
            out.setdefault(call.recv.rsplit(".", 1)[-1], set()).add(_top(func))
    return out


def _run_time_writers(mutex: str, writers: dict[str, set[Func]], once: set[Func]) -> bool:
    """Whether a function that runs after start-up and before shutdown takes the write lock of a mutex
    field of that name (loki's FilePool: only Stop does; Get and Put read-lock it)."""
    return any(f not in once for f in writers.get(mutex.rsplit(".", 1)[-1], ()))


def _only_locker(mutex: str, top: Func, lockers: dict[str, set[Func]]) -> bool:
    """A mutex field that no other function of the package locks, and whose address is never
    handed out, exists to serialise this function (`drainMutex` taken only by Drain, a resize lock
    taken only by ResizeWorkers): waiting under it holds up only another call of the same operation,
    which is the point of the lock."""
    if "." not in mutex:
        return False
    field = mutex.rsplit(".", 1)[-1]
    return lockers.get(field) == {top} and "&" + field not in lockers


def _top(func: Func) -> Func:
    while func.parent is not None:
        func = func.parent
    return func


def _releases_slot(func: Func, node: Node) -> bool:
    """Giving back a semaphore slot the function took earlier: `<-sem` then `sem <- struct{}{}`, or
    `sem <- struct{}{}` then `<-sem`. The slot is ours, so the release finds room and cannot block."""
    if node.type == "send_statement":
        if text(node.child_by_field_name("value")).replace(" ", "") != "struct{}{}":
            return False
        chan = text(node.child_by_field_name("channel"))
        earlier = [s.node for s in func.sites("unary_expression") if is_receive(s.node)]
        return any(text(n.child_by_field_name("operand")) == chan and n.end_byte <= node.start_byte for n in earlier)
    if node.type == "unary_expression" and node.parent is not None and node.parent.type == "expression_statement":
        chan = text(node.child_by_field_name("operand"))
        for s in func.sites("send_statement"):
            send = s.node
            if send.end_byte <= node.start_byte and text(send.child_by_field_name("channel")) == chan:
                return text(send.child_by_field_name("value")).replace(" ", "") == "struct{}{}"
    return False


def _lazy_init(node: Node, region: Region) -> bool:
    """I/O inside `if x.f == nil { ... x.f = ... }` (or `if !x.loaded { ... x.loaded = true }`) within the
    critical section: the branch fills what its condition tests, so it runs on the first call only."""
    n = node.parent
    while n is not None and region.holds(n):
        if n.type == "if_statement":
            tested = _unset_test(n.child_by_field_name("condition"))
            body = n.child_by_field_name("consequence")
            if tested is not None and body is not None and body.start_byte <= node.start_byte < body.end_byte \
                    and _assigns(body, tested):
                return True
        n = n.parent
    return False


def _unset_test(cond: Node | None) -> str | None:
    """`x.f == nil` / `nil == x.f` / `!x.f`: the text of the field tested, else None."""
    cond = strip_parens(cond)
    if cond is None:
        return None
    if cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
        operand = strip_parens(cond.child_by_field_name("operand"))
        return text(operand) if operand is not None and operand.type == "selector_expression" else None
    if cond.type == "binary_expression" and text(cond.child_by_field_name("operator")) == "==":
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        for a, b in ((left, right), (right, left)):
            if a is not None and b is not None and a.type == "selector_expression" and b.type == "nil":
                return text(a)
    return None


def _assigns(body: Node, target: str) -> bool:
    for n in descendants(body):
        if n.type == "assignment_statement":
            left = n.child_by_field_name("left")
            if left is not None and any(text(x) == target for x in left.named_children):
                return True
    return False
