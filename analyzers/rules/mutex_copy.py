"""mutex-copy

**What it does**
Flags copies of a value that contains a `sync.Mutex`, `sync.RWMutex`, `sync.WaitGroup`,
`sync.Once`, `sync.Cond`, `sync.Map`, `sync.Pool` or an atomic counter type: value receivers and
by-value parameters of such types, `for _, v := range xs` over a slice of them, `a := *p` /
`b := a` / `x := s.field` (also of an array of locks), an existing value placed in a composite
literal (`[]T{t}`, `T{mu: *p}`), and returning one held in a variable.

**Why is this bad?**
The copy duplicates the lock's state: a copied locked mutex stays locked, a copied WaitGroup
counts separately, and two goroutines "sharing" the struct lock different mutexes, so the data
race the lock was meant to prevent comes back. It also copies the whole struct on every call or
iteration (estimate: ~1 ns per 8 bytes, e.g. ~30-60 ns for a 256-byte struct, plus the extra
memory traffic).

**Example**
```go
type Counter struct {
    mu sync.Mutex
    n  map[string]int
}

func (c Counter) Inc(k string) { // c is a copy: the lock protects nothing
    c.mu.Lock()
    c.n[k]++
    c.mu.Unlock()
}
```

**Use instead**
```go
func (c *Counter) Inc(k string) {
    c.mu.Lock()
    c.n[k]++
    c.mu.Unlock()
}
```

**Known limits**
Types are known from declarations in the package (`sync.*` and `atomic.*` are recognised by
name); a struct holding a `*sync.Mutex` is not a copy problem and is not flagged. Returning a
composite literal (`return T{}`) and calls that return such a value are not copies of an existing
lock. Arguments passed to functions outside the package are not checked (go vet's copylocks
reports those). A copy of an `atomic.Value` is not flagged (it holds an interface, like go vet).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._concurrency import expr_type, holds_lock_value
from analyzers.source import FIELD, Func, strip_parens, text
from analyzers.typeinfer import element_type

_NO_COPY = frozenset({"sync.Map", "sync.Pool"})
_ARRAY = re.compile(r"^\[[^\]]+\]")
_COPY_SOURCES = frozenset({"identifier", "selector_expression", "index_expression", "unary_expression"})


@rule("mutex-copy", "concurrency", correctness=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    has_lock_structs = any(s.locks for s in pkg.structs.values())
    for func in pkg.funcs:
        imports = func.file.imports.values()
        if not has_lock_structs and "sync" not in imports and "sync/atomic" not in imports:
            continue
        yield from _signature(pkg, func)
        yield from _ranges(pkg, func)
        yield from _assignments(pkg, func)
        yield from _returns(pkg, func)
        yield from _literals(pkg, func)


def _holds(pkg: Package, typ: str) -> bool:
    """A value of typ carries a lock: a sync type, a struct holding one, or an array of them."""
    typ = typ.strip()
    while _ARRAY.match(typ) and not typ.startswith("[]"):
        typ = _ARRAY.sub("", typ, count=1)
    if typ == "atomic.Value":
        return False  # an interface holder: go vet does not flag its copies either
    return typ in _NO_COPY or holds_lock_value(pkg, typ)


def _literals(pkg: Package, func: Func) -> Iterator[Hit]:
    """`[]T{t}`, `map[K]T{k: *p}`, `S{mu: *m}`: an existing lock-holding value copied into a literal."""
    for site in func.sites("composite_literal"):
        body = site.node.child_by_field_id(FIELD.body)
        reported = -1
        for elem in body.named_children if body is not None else ():
            if elem.type == "keyed_element" and elem.named_child_count == 2:
                elem = elem.named_children[1]
            if elem.type != "literal_element" or not elem.named_child_count:
                continue
            typ = _copied_value(pkg, func, elem.named_children[0])
            if typ and elem.start_point[0] != reported:  # one finding per line
                reported = elem.start_point[0]
                yield Hit(func, elem, f"literal copies a {typ} with its lock; store a pointer to it instead")


def _signature(pkg: Package, func: Func) -> Iterator[Hit]:
    if not func.is_literal and func.receiver and not func.pointer_receiver:
        recv = func.node.child_by_field_id(FIELD.receiver)
        if _holds(pkg, func.receiver) and recv is not None:
            yield Hit(
                func,
                recv,
                f"value receiver copies {func.receiver} and its lock on every call; "
                f"use a pointer receiver (*{func.receiver})",
            )
    params = func.node.child_by_field_id(FIELD.parameters)
    for decl in params.named_children if params is not None else ():
        if decl.type != "parameter_declaration":
            continue
        typ = text(decl.child_by_field_id(FIELD.type))
        if _holds(pkg, typ):
            yield Hit(func, decl, f"parameter passes {typ} (with its lock) by value, copying it; pass *{typ}")


def _ranges(pkg: Package, func: Func) -> Iterator[Hit]:
    for loop in func.loops:
        if loop.kind != "range" or not loop.value or loop.value == "_" or loop.range_node is None:
            continue
        clause = loop.range_node.parent
        left = clause.child_by_field_id(FIELD.left) if clause is not None else None
        if left is None or left.named_child_count < 2:
            continue
        d = func.decl(loop.value, loop.range_node)
        typ = d.type if d is not None and d.node.id == loop.node.id else ""
        if not typ:
            typ = element_type(expr_type(pkg, func, loop.range_node).lstrip("*"))
        if _holds(pkg, typ):
            yield Hit(
                func,
                left.named_children[1],
                f"range copies each {typ} (with its lock) into {loop.value}; "
                f"range by index and use &{loop.range_expr}[i]",
            )


def _copied_value(pkg: Package, func: Func, value: Node | None) -> str:
    """The lock-holding type of value when evaluating it copies an existing variable, else ""."""
    value = strip_parens(value)
    if value is None or value.type not in _COPY_SOURCES:
        return ""
    if value.type == "unary_expression" and text(value.child_by_field_id(FIELD.operator)) != "*":
        return ""
    typ = expr_type(pkg, func, value)
    return typ if _holds(pkg, typ) else ""


def _assignments(pkg: Package, func: Func) -> Iterator[Hit]:
    for kind in ("short_var_declaration", "assignment_statement"):
        for site in func.sites(kind):
            node = site.node
            if kind == "assignment_statement" and text(node.child_by_field_id(FIELD.operator)) != "=":
                continue
            left = node.child_by_field_id(FIELD.left)
            right = node.child_by_field_id(FIELD.right)
            if left is None or right is None or left.named_child_count != right.named_child_count:
                continue
            for target, value in zip(left.named_children, right.named_children, strict=True):
                typ = _copied_value(pkg, func, value) if text(target) != "_" else ""
                if typ:
                    yield Hit(
                        func, node, f"assignment copies a {typ} with its lock; keep a pointer to the original instead"
                    )
                    break
    for site in func.sites("var_declaration"):
        for spec in site.node.named_children:
            values = spec.child_by_field_id(FIELD.value) if spec.type == "var_spec" else None
            for value in values.named_children if values is not None else ():
                typ = _copied_value(pkg, func, value)
                if typ:
                    yield Hit(
                        func,
                        site.node,
                        f"declaration copies a {typ} with its lock; keep a pointer to the original instead",
                    )
                    break


def _already_copied(pkg: Package, func: Func, name: Node) -> bool:
    """`cp := *c; return cp`: the declaration's copy is reported; the return is the same copy."""
    d = func.decl(text(name), name)
    return d is not None and d.init is not None and bool(_copied_value(pkg, func, d.init))


def _returns(pkg: Package, func: Func) -> Iterator[Hit]:
    positions = [i for i, r in enumerate(func.results) if _holds(pkg, r.type)]
    if not positions:
        return
    for site in func.sites("return_statement"):
        exprs = next((c for c in site.node.named_children if c.type == "expression_list"), None)
        values = exprs.named_children if exprs is not None else []
        if len(values) != len(func.results):
            continue
        for i in positions:
            value = strip_parens(values[i])
            if value is not None and value.type == "identifier" and _already_copied(pkg, func, value):
                continue
            if (
                value is not None
                and value.type in _COPY_SOURCES
                and (value.type != "unary_expression" or text(value.child_by_field_id(FIELD.operator)) == "*")
            ):
                yield Hit(
                    func,
                    site.node,
                    f"return copies a {func.results[i].type} with its lock; return *{func.results[i].type}",
                )
                break
