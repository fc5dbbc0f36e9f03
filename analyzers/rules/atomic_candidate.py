"""atomic-candidate

**What it does**
Flags the `Lock()` of a counter increment when the mutex guards nothing but that one integer
field: every critical section on it, across the package's methods, only increments, adds to,
sets or reads the same field (`c.mu.Lock(); c.n++; c.mu.Unlock()` plus a getter), or increments
it and reads the new value (`g.next++; id := g.next`, what `atomic.AddUint64` returns).

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

import re
from collections.abc import Callable, Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import INT_TYPES, field_type
from analyzers.rules._locks import IDENT, Guarded, guarded_mutexes, owner
from analyzers.source import text


@rule("atomic-candidate", "concurrency", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for g in guarded_mutexes(pkg):
        name = counter_field(pkg, g)
        if not name:
            continue
        for func, region, base in g.sections:
            use = section_use(region.stmts, owner(pkg, base, g.name, g))
            if use is None or use[0] not in ("inc", "add"):
                continue
            shown = f"{base}.{name}" if base else name
            yield Hit(
                func,
                region.lock.node,
                f"{region.mutex} guards only the counter {shown}: atomic.Int64 Add/Load costs ~5-10 ns "
                "and never parks, a Lock/Unlock pair ~15-30 ns and convoys under contention",
            )


def section_use(stmts: list[Node], own: Callable[[str], str]) -> tuple[str, str] | None:
    """The use of a critical section of one or two statements: `c.n++`, or `c.next++; id := c.next`
    (an increment then a read of the new value, which atomic Add returns)."""
    if len(stmts) == 1:
        return counter_use(stmts[0], own)
    if len(stmts) != 2:
        return None
    first, second = counter_use(stmts[0], own), counter_use(stmts[1], own)
    if first is None or second is None or first[0] not in ("inc", "add") or second != ("read", first[1]):
        return None
    return first


def counter_use(stmt: Node, own: Callable[[str], str]) -> tuple[str, str] | None:
    """(use, field) when stmt only touches one guarded field: inc, add, set or read."""
    kind = stmt.type
    if kind in ("inc_statement", "dec_statement"):
        target = own(text(stmt.named_children[0])) if stmt.named_child_count else ""
        return ("inc", target) if _plain(target) else None
    left = stmt.child_by_field_name("left")
    right = stmt.child_by_field_name("right")
    if kind == "return_statement":
        exprs = stmt.named_children[0] if stmt.named_child_count == 1 else None
        value = own(text(exprs.named_children[0])) if exprs is not None and exprs.named_child_count == 1 else ""
        return ("read", value) if _plain(value) else None
    if kind not in ("assignment_statement", "short_var_declaration") or left is None or right is None:
        return None
    if left.named_child_count != 1 or right.named_child_count != 1:
        return None
    target, value = own(text(left.named_children[0])), text(right.named_children[0])
    op = text(stmt.child_by_field_name("operator")) if kind == "assignment_statement" else ":="
    if _plain(target) and not any(own(w) for w in _REFS.findall(value)):
        use = {"+=": "add", "-=": "add", "=": "set"}.get(op)
        return (use, target) if use else None
    if not target and left.named_children[0].type == "identifier" and op in ("=", ":=") and _plain(own(value)):
        return "read", own(value)
    return None


_REFS = re.compile(r"[A-Za-z_][\w.]*")


def _plain(name: str) -> bool:
    return bool(name) and IDENT.fullmatch(name) is not None


def counter_field(pkg: Package, g: Guarded) -> str:
    """The one integer field every section of g only increments, adds to, sets or reads ("" if not)."""
    fields: set[str] = set()
    bumps = 0
    for _, region, base in g.sections:
        use = section_use(region.stmts, owner(pkg, base, g.name, g))
        if use is None:
            return ""
        fields.add(use[1])
        bumps += use[0] in ("inc", "add")
    if len(fields) != 1 or not bumps:
        return ""
    name = next(iter(fields))
    if name in g.field_types:
        typ = g.field_types[name]
    else:
        typ = field_type(pkg, g.struct, name) if g.struct else pkg.vars.get(name, "")
    return name if typ in INT_TYPES else ""
