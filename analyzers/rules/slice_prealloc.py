"""slice-prealloc

**What it does**
Flags `xs = append(xs, x)` run once per iteration of a loop over a collection whose length is known
before the loop (a slice, map, string or array, `range n`, a counting loop such as
`for i := 0; i < n; i++`, `for i := m; i <= n; i++` or `for i := len(xs) - 1; i >= 0; i--`), when `xs`
is declared just outside that loop with no capacity (`var xs []T`, `xs := []T{}`, `make([]T, 0)`,
`[]T(nil)`).

**Why is this bad?**
A slice that starts empty is regrown each time it fills: about log2(n) reallocations, each copying
everything appended so far, and ~2x the final memory as garbage (estimate: 1,000 appends of 16-byte
elements make ~11 allocations and copy ~32 KB, ~2-5 µs; one `make` with the right capacity is one
allocation and ~0.3 µs, ~50-100 ns per avoided regrowth).

**Example**
```go
var names []string
for _, u := range users {
    names = append(names, u.Name)
}
```

**Use instead**
```go
names := make([]string, 0, len(users))
for _, u := range users {
    names = append(names, u.Name)
}
```

**Known limits**
Only an append that runs on every iteration is flagged: a statement directly in the loop body, with
no `continue` before it and no `break` or `goto` in the loop (an early `return` is fine). Filtered
appends (inside an `if`, or after `if ... { continue }`) are not flagged, although the length of the
collection is still an upper bound: when the filter keeps few elements, capacity `len(xs)` would
over-allocate, and the choice is the author's. Appends of several elements or of `ys...`, appends in
nested loops (the total is a sum, not a length), loops over channels, iterators, `bufio.Scanner` or
a condition, and slices preallocated with `make([]T, n)` or `make([]T, 0, n)` are not flagged. A
range over an expression of unknown type is flagged only when it names two iteration variables (a
channel cannot). Note `make([]T, 0, n)` returns a non-nil empty slice where `var xs []T` stays nil
when the loop does not run (visible to `xs == nil` and to encoding/json, which writes `[]` not `null`).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import (
    Types,
    body_statement,
    empty_collection,
    loop_count,
    skips_iterations,
)
from analyzers.source import Call, Func, text


@rule("slice-prealloc", "alloc")
def RULE(pkg: Package) -> Iterator[Hit]:
    types: Types | None = None
    for func in pkg.funcs:
        appends = [c for c in func.calls_named("append") if c.callee == "append" and c.loops]
        for call in appends:
            found = _append_statement(call)
            if found is None:
                continue
            name, stmt = found
            loop = call.loops[-1]
            if not body_statement(stmt, loop):
                continue
            typ = empty_collection(func, name, stmt, call.loops, "[]", pkg.type_defs)
            if typ is None or _appended_elsewhere(func, name, call, stmt) or skips_iterations(loop, stmt):
                continue
            types = types or Types.of(pkg)
            count = loop_count(loop, func, types)
            if count is None:
                continue
            decl = func.decl(name, stmt)
            assign = "=" if decl is not None and decl.kind == "param" else ":="
            hoist = ""
            if loop.range_node is not None and loop.range_node.type == "call_expression":
                if count.startswith("len("):
                    count, hoist = "len(items)", f" after items := {text(loop.range_node)}"
                else:
                    count, hoist = "n", f" after n := {count}"
            yield Hit(
                func,
                stmt,
                f"append regrows {name} ~log2(n) times (allocations and copies); "
                f"preallocate: {name} {assign} make({typ}, 0, {count}){hoist}",
            )


def _append_statement(call: Call) -> tuple[str, Node] | None:
    """(name, statement) for `name = append(name, x)` with exactly one non-spread element."""
    if len(call.args) != 2 or call.args[1].type == "variadic_argument" or call.args[0].type != "identifier":
        return None
    values = call.node.parent
    stmt = values.parent if values is not None and values.type == "expression_list" else None
    if stmt is None or stmt.type != "assignment_statement" or values is None or values.named_child_count != 1:
        return None
    if text(stmt.child_by_field_name("operator")) != "=":
        return None
    left = stmt.child_by_field_name("left")
    name = text(call.args[0])
    if left is None or left.named_child_count != 1 or text(left.named_children[0]) != name:
        return None
    return name, stmt


def _appended_elsewhere(func: Func, name: str, call: Call, stmt: Node) -> bool:
    """Another append to name anywhere in the function (the capacity would be a sum), or another
    assignment to it inside the same loop."""
    loop = call.loops[-1]
    for other in func.calls_named("append"):
        if other is not call and other.args and text(other.args[0]) == name:
            return True
    for site in func.sites("assignment_statement"):
        node = site.node
        if node.id == stmt.id or not loop.contains(node):
            continue
        left = node.child_by_field_name("left")
        if left is not None and any(text(c) == name for c in left.named_children):
            return True
    return False
