"""rwmutex-candidate

**What it does**
Flags the `Lock()` of a read-only critical section (field reads and map lookups copied into
locals, nothing written, no calls beyond `len`/`append` to a local) on a plain `sync.Mutex` that
also has writing sections: the Get-beside-Set shape of a cache or registry. Also flags such a
read-only section that takes `Lock()` on a `sync.RWMutex` where `RLock()` would do.

**Why is this bad?**
With a Mutex, readers serialize: concurrent `Get`s queue behind each other although none changes
anything. Each waiter pays the lock hand-off (~100-1,000 ns under contention, estimate) and, on a
read-heavy path, throughput stays at one reader at a time. `RWMutex.RLock` lets readers run in
parallel and only writers exclude (an uncontended RLock costs about the same ~15-30 ns as Lock).

**Example**
```go
func (c *Cache) Get(k string) (V, bool) {
    c.mu.Lock()
    defer c.mu.Unlock()
    v, ok := c.m[k]
    return v, ok
}
```

**Use instead**
```go
type Cache struct {
    mu sync.RWMutex
    m  map[string]V
}

func (c *Cache) Get(k string) (V, bool) {
    c.mu.RLock()
    defer c.mu.RUnlock()
    v, ok := c.m[k]
    return v, ok
}
```

**Known limits**
Conservative: the struct needs at least one read-only section that looks up a map or slice by a
key it did not take from guarded state (not `p.urls[p.picked]`), and at least one section that
writes, and every Lock on that mutex must have a shape the analysis follows. Reads with side
effects (an LRU `MoveToFront`, any method call) are not read-only. A mutex guarding only one
integer counter is left to atomic-candidate. Whether RWMutex pays off
depends on the read/write ratio; on write-heavy paths it is slower than Mutex.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._locks import Guarded, Region, guarded_mutexes, owner
from analyzers.rules.atomic_candidate import counter_field
from analyzers.source import descendants, text

_PURE_CALLS = frozenset({"len", "cap", "append", "copy", "make", "string", "int", "int64", "float64", "min", "max"})
_NEUTRAL = frozenset(
    {
        "identifier",
        "field_identifier",
        "selector_expression",
        "index_expression",
        "expression_list",
        "argument_list",
        "parenthesized_expression",
        "binary_expression",
        "unary_expression",
        "int_literal",
        "interpreted_string_literal",
        "raw_string_literal",
        "nil",
        "true",
        "false",
        "return_statement",
        "short_var_declaration",
        "assignment_statement",
        "if_statement",
        "block",
        "statement_list",
        "expression_statement",
        "call_expression",
        "slice_expression",
        "type_identifier",
        "package_identifier",
        "keyed_element",
        "literal_value",
        "literal_element",
        "composite_literal",
        "var_declaration",
        "var_spec",
        "qualified_type",
        "slice_type",
        "map_type",
        "pointer_type",
        "for_statement",
        "range_clause",
        "continue_statement",
        "break_statement",
        "float_literal",
        "rune_literal",
        "escape_sequence",
    }
)


@rule("rwmutex-candidate", "concurrency")
def RULE(pkg: Package) -> Iterator[Hit]:
    for g in guarded_mutexes(pkg):
        if g.kind not in ("Mutex", "RWMutex") or counter_field(pkg, g):
            continue
        owners = {b: owner(pkg, b, g.name) for _, _, b in g.sections}
        reads = [(f, r, b) for f, r, b in g.sections if not r.read and _read_only(r, owners[b])]
        if not reads or not any(_writes(r, owners[b]) for _, r, b in g.sections):
            continue
        if not any(_looks_up(r, owners[b]) for _, r, b in reads):
            continue
        for func, region, _ in reads:
            if g.kind == "RWMutex":
                message = (
                    f"read-only section takes the write lock of sync.RWMutex {_name(g)}: readers serialize; "
                    "RLock/RUnlock lets them run in parallel"
                )
            else:
                message = (
                    f"read-only section on sync.Mutex {_name(g)}: readers serialize; "
                    "sync.RWMutex with RLock lets them run in parallel"
                )
            yield Hit(func, region.lock.node, message)


def _name(g: Guarded) -> str:
    return f"{g.struct}.{g.name}" if g.struct else g.name


def _nodes(region: Region) -> Iterator[Node]:
    for stmt in region.stmts:
        yield stmt
        yield from descendants(stmt)


def _read_only(region: Region, own: Callable[[str], str]) -> bool:
    reads_field = False
    for node in _nodes(region):
        kind = node.type
        if kind not in _NEUTRAL:
            return False
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            first = text(args.named_children[0]) if args is not None and args.named_child_count else ""
            if fn is None or text(fn) not in _PURE_CALLS or (text(fn) in ("append", "copy") and own(first)):
                return False
        elif kind in ("assignment_statement", "short_var_declaration"):
            left = node.child_by_field_name("left")
            if left is None or any(t.type != "identifier" or own(text(t)) for t in left.named_children):
                return False
        elif kind in ("selector_expression", "identifier") and own(text(node)):
            reads_field = True
        elif kind == "unary_expression" and text(node.child_by_field_name("operator")) in ("<-", "&"):
            return False
    return reads_field


def _writes(region: Region, own: Callable[[str], str]) -> bool:
    for node in _nodes(region):
        kind = node.type
        if kind in ("inc_statement", "dec_statement"):
            if own(text(node)):
                return True
        elif kind == "assignment_statement":
            left = node.child_by_field_name("left")
            if left is not None and any(own(text(t)) for t in left.named_children):
                return True
        elif kind == "call_expression" and text(node.child_by_field_name("function")) == "delete":
            args = node.child_by_field_name("arguments")
            if args is not None and args.named_child_count and own(text(args.named_children[0])):
                return True
    return False


def _looks_up(region: Region, own: Callable[[str], str]) -> bool:
    """A lookup by a caller's key (`c.m[key]`); not a guarded cursor into guarded state
    (`p.urls[p.picked]`), a tiny section where RWMutex's costlier bookkeeping buys nothing."""
    for node in _nodes(region):
        if node.type == "index_expression" and own(text(node.child_by_field_name("operand"))):
            index = node.child_by_field_name("index")
            if index is None or not own(text(index)):
                return True
    return False
