"""range-value-copy

**What it does**
Flags `for _, v := range xs` over a slice or array of a same-package struct larger than 128 bytes
when the body only reads fields of `v` (or calls its value methods): each iteration copies the whole
element into `v` for nothing.

**Why is this bad?**
The range clause copies every element into the loop variable: a 512-byte struct costs ~10-30 ns of
memory traffic per iteration (estimate), and the copy evicts useful cache lines. Taking a pointer to
the element costs nothing.

**Example**
```go
for _, rec := range records { // Record is 320 bytes
    total += rec.Amount
}
```

**Use instead**
```go
for i := range records {
    rec := &records[i]
    total += rec.Amount
}
```

**Known limits**
The threshold is 128 bytes (gocritic's rangeValCopy default), with sizes estimated from the struct's
fields on 64-bit platforms; structs with a field of unknown size (another package's struct) are
skipped. Maps are never flagged (their values cannot be addressed), nor slices of pointers. A body
that uses `v` as a whole (passes it, stores it, compares it, assigns to its fields or takes its
address) needs a copy anyway and is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import identifiers, known_struct, resolve_type, underlying
from analyzers.source import Func, Loop, text
from analyzers.typeinfer import element_type

THRESHOLD = 128


@rule("range-value-copy", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.structs:
        return
    pointer_methods = _pointer_methods(pkg)
    for func in pkg.funcs:
        for loop in func.loops:
            if loop.kind != "range" or not loop.value or loop.value == "_" or loop.range_node is None:
                continue
            coll = underlying(pkg, resolve_type(pkg, func, loop.range_node))
            if coll.startswith("*["):
                coll = coll[1:]
            if not coll.startswith("["):
                continue  # maps, channels, strings, iterators, unknown
            elem = element_type(coll).strip()
            if elem.startswith("*") or not known_struct(pkg, elem):
                continue
            size = pkg.size_of(elem)
            if size is None or size <= THRESHOLD:
                continue
            if not _only_field_reads(func, loop, pointer_methods.get(elem, set())):
                continue
            xs = text(loop.range_node) if len(text(loop.range_node)) <= 30 else "xs"
            key = loop.key if loop.key and loop.key != "_" else _fresh_index(loop.range_node)
            yield Hit(
                func,
                loop.node,
                f"range copies {size} bytes of {elem} into {loop.value} per iteration; iterate by index "
                f"(for {key} := range {xs} {{ {loop.value} := &{xs}[{key}] ... }})",
                key=f"range {xs} {loop.value}",
            )


def _fresh_index(xs: Node) -> str:
    taken = set(identifiers(xs))
    return next((n for n in ("i", "j", "k", "idx") if n not in taken), "n")


def _pointer_methods(pkg: Package) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in pkg.funcs:
        if f.receiver and f.pointer_receiver and not f.is_literal:
            out.setdefault(f.receiver, set()).add(f.name)
    return out


def _only_field_reads(func: Func, loop: Loop, mutating: set[str]) -> bool:
    """Every use of the value variable in the body reads a field (or calls a value method)."""
    body = loop.body
    if body is None:
        return False
    name = loop.value
    stack: list[Node] = [body]
    used = False
    while stack:
        n = stack.pop()
        if n.type == "identifier" and text(n) == name:
            if not _field_read(n, mutating):
                return False
            used = True
            continue
        stack.extend(n.named_children)
    return used


def _field_read(ident: Node, mutating: set[str]) -> bool:
    sel = ident.parent
    if sel is None or sel.type != "selector_expression" or sel.child_by_field_name("operand") != ident:
        return False
    field = text(sel.child_by_field_name("field"))
    parent = sel.parent
    if parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == sel:
        return field not in mutating
    # Walk up the selector/index chain: v.a.b[i] = x writes into the copy.
    top = sel
    while top.parent is not None and top.parent.type in ("selector_expression", "index_expression") \
            and top.parent.named_children[0] == top:
        top = top.parent
    p = top.parent
    if p is None:
        return False
    if p.type == "unary_expression" and text(p.child_by_field_name("operator")) == "&":
        return False
    if p.type in ("inc_statement", "dec_statement"):
        return False
    if p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement":
        return p.parent.child_by_field_name("left") != p
    return True
