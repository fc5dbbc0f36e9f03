"""atomic-candidate

**What it does**
Flags the `Lock()` of a counter increment when the mutex guards nothing but that one integer
field: every critical section on it, across the package's methods, only increments, adds to,
sets or reads the same field (`c.mu.Lock(); c.n++; c.mu.Unlock()` plus a getter).

**Why is this bad?**
A Lock/Unlock pair costs ~15-30 ns uncontended (estimate) and, under contention, parks goroutines
and hands the lock around (a convoy costing microseconds). `atomic.Int64.Add` is a single locked
instruction, ~5-10 ns even when contended, and never parks.

**Example**
```go
type Counter struct {
    mu sync.Mutex
    n  int64
}

func (c *Counter) Inc() { c.mu.Lock(); c.n++; c.mu.Unlock() }
func (c *Counter) Value() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.n }
```

**Use instead**
```go
type Counter struct{ n atomic.Int64 }

func (c *Counter) Inc()         { c.n.Add(1) }
func (c *Counter) Value() int64 { return c.n.Load() }
```

**Known limits**
Not flagged when the mutex also guards another field, a map or a slice, when an update depends on
a condition (check-then-act), or when any Lock on that mutex has a shape the analysis does not
follow (a lock released on several paths, a lock handed to `sync.NewCond`).
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import counter_field, counter_use, guarded_mutexes


@rule("atomic-candidate", "concurrency")
def RULE(pkg: Package) -> Iterator[Hit]:
    for g in guarded_mutexes(pkg):
        name = counter_field(pkg, g)
        if not name:
            continue
        for func, region, base in g.sections:
            use = counter_use(region.stmts[0], base)
            if use is None or use[0] not in ("inc", "add"):
                continue
            yield Hit(
                func,
                region.lock.node,
                f"{region.mutex} guards only the counter {base}.{name}: atomic.Int64 Add/Load costs ~5-10 ns "
                "and never parks, a Lock/Unlock pair ~15-30 ns and convoys under contention",
            )
