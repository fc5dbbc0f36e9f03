"""rune-slice-conversion

**What it does**
Flags `[]rune(s)` conversions that only serve to iterate or index: `for _, r := range []rune(s)`
(range over the string decodes the same runes), and `[]rune(s)[i]` inside a loop on a string that
does not change in that loop (the conversion is repeated on every iteration).

**Why is this bad?**
`[]rune(s)` decodes the whole string and allocates 4 bytes per rune (on the heap beyond 32 runes):
~1-3 ns per byte plus an allocation (estimate). Ranging over the string decodes in place with no
allocation. Indexing `[]rune(s)[i]` in a loop converts the whole string on every iteration: O(n²)
work and n allocations for n iterations.

**Example**
```go
for _, r := range []rune(name) {
    if !unicode.IsLetter(r) {
        return false
    }
}
```

**Use instead**
```go
for _, r := range name {
    if !unicode.IsLetter(r) {
        return false
    }
}
```

**Known limits**
`len([]rune(s))` is not flagged: the compiler rewrites it to a rune count without allocating (the
same work as `utf8.RuneCountInString`). A range that uses the index (`for i, r := range []rune(s)`)
is not flagged: over the string, `i` would be a byte offset, not a rune index. Conversions that are
stored and then indexed, sliced, reversed or mutated are not flagged, nor `[]rune(s)[i]` outside a
loop or on a string that changes every iteration (one conversion per value).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import declared_in_loop
from analyzers.source import Func, Site, descendants, strip_parens, text


@rule("rune-slice-conversion", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        reported: set[tuple[int, str]] = set()  # (loop, string): one finding per string per loop
        for site in func.sites("type_conversion_expression"):
            node = site.node
            if text(node.child_by_field_name("type")) != "[]rune":
                continue
            operand = node.child_by_field_name("operand")
            if operand is None or func.type_of(text(operand), node).startswith("["):
                continue
            parent = node.parent
            while parent is not None and parent.type == "parenthesized_expression":
                parent = parent.parent
            if parent is None:
                continue
            s = text(operand)
            if parent.type == "range_clause" and _rune_only_range(parent, node):
                yield Hit(func, node, f"[]rune({s}) decodes and copies the string to range over it; "
                          f"range over {s} directly (same runes, no allocation)", suggestion=s)
            elif parent.type == "index_expression" and _repeated(func, site, operand):
                key = (site.loops[-1].node.id, s)
                if key in reported:
                    continue
                reported.add(key)
                yield Hit(func, parent, f"[]rune({s})[i] converts the whole string on every iteration (O(n²), "
                          "an allocation each); convert once before the loop")


def _rune_only_range(clause: Node, conv: Node) -> bool:
    """`for _, r := range []rune(s)`: the index is not used (it would become a byte offset)."""
    right = strip_parens(clause.child_by_field_name("right"))
    if right is None or right.id != conv.id:
        return False
    left = clause.child_by_field_name("left")
    names = [text(c) for c in left.named_children] if left is not None else []
    return len(names) == 2 and names[0] == "_"


def _repeated(func: Func, site: Site, operand: Node) -> bool:
    """The indexed conversion runs in a loop that does not change the converted string."""
    parent = site.node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None or parent.type != "index_expression":
        return False
    op = strip_parens(parent.child_by_field_name("operand"))
    if op is None or op.id != site.node.id or not site.loops:
        return False
    varying = declared_in_loop(func, site.loops[-1])
    names = {text(n) for n in (operand, *descendants(operand)) if n.type == "identifier"}
    return not names & varying
