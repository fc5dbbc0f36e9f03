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
The lock and its unlock must sit in the same statement list (or the unlock be deferred right
there). Calls are recognised by their package function or by the receiver's type as declarations
show it; writes through an `io.Writer` interface are not flagged (a logger that serialises output
with a mutex does so on purpose). `sync.Cond.Wait` releases the lock and is not flagged. A send in
a `select` with `default` does not block. A send to a channel the package makes with a capacity
(`make(chan T, 1)` assigned to that variable or field name) is not flagged: code that sizes a
buffer for a hand-off usually knows it has room (a full buffer would still block). Sends to
unbuffered channels, or channels whose making is not in sight, are flagged. A mutex whose name
says it serialises I/O (`writeMu`, `stdoutMu`, `logMu`, `connMu`) exists to be held across that
I/O and is not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import Buffered, blocking_ops, lock_regions

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


@rule("lock-held-across-io", "concurrency", correctness=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    buffered = Buffered(pkg)
    for func in pkg.funcs:
        regions = lock_regions(func)
        if not regions:
            continue
        seen: set[int] = set()
        for region in regions:
            if not region.stmts or _serialises_io(region.mutex):
                continue
            ops = blocking_ops(pkg, func, region.stmts[0].start_byte, region.stmts[-1].end_byte, buffered)
            for node, what in ops:
                if node.id in seen or not region.holds(node):
                    continue
                seen.add(node.id)
                yield Hit(
                    func,
                    node,
                    f"{what} while {region.mutex} is held blocks every goroutine waiting for the lock; "
                    "copy what you need, unlock, then do the I/O",
                )
