"""prepend-in-loop

**What it does**
Flags prepending to a slice inside a loop: `xs = append([]T{x}, xs...)` or
`xs = slices.Insert(xs, 0, x)`, where `xs` lives across iterations.

**Why is this bad?**
Each prepend copies the whole slice (and `append([]T{x}, xs...)` allocates a new backing array every
time), so n prepends copy O(n²) elements: 10,000 prepends of 8-byte elements copy ~400 MB and make
10,000 allocations (estimate: ~50-100 ms where appending costs ~50 µs).

**Example**
```go
var path []string
for n := node; n != nil; n = n.parent {
    path = append([]string{n.name}, path...)
}
```

**Use instead**
```go
var path []string
for n := node; n != nil; n = n.parent {
    path = append(path, n.name)
}
slices.Reverse(path)
```

**Known limits**
String prepends (`s = x + s`) are left to string-concat-loop. A prepend in a loop with a literal bound
of eight iterations or fewer is not flagged, nor one guarded by `if xs == nil` / `if len(xs) == 0`
(it runs the first time only).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import hot_loops, import_names
from analyzers.rules._util import loops_between
from analyzers.source import Func, Site, strip_parens, text


@rule("prepend-in-loop", "complexity")
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any("append", "Insert"):
        return
    for func in pkg.funcs:
        slices_names: set[str] | None = None
        for call in func.calls_named("append", "Insert"):
            if not call.all_loops or len(call.args) < 2:
                continue
            if call.name == "append" and (call.args[0].type != "composite_literal"
                                          or call.args[1].type != "variadic_argument"):
                continue
            stmt = call.node.parent.parent if call.node.parent is not None else None
            if stmt is None or stmt.type != "assignment_statement":
                continue
            if slices_names is None:
                slices_names = import_names(func.file, "slices")
            target = _prepend_target(stmt, slices_names)
            site = Site(stmt, call.loops, call.outer_loops)
            if target is None or not _accumulates(func, target, site) or _first_time_only(stmt, target):
                continue
            fix = "slices.Reverse" if pkg.go_at_least(21) else "a reversal"
            yield Hit(
                func,
                stmt,
                f"prepending to {target} copies the whole slice every iteration (O(n²)); append to the end "
                f"and reverse once after the loop ({fix})",
            )


def _first_time_only(stmt: Node, target: str) -> bool:
    """`if fields == nil { fields = append([]T{x}, fields...) }`: the guard fails once the slice has
    something in it, so the prepend runs once."""
    node = stmt.parent
    while node is not None and node.type not in ("for_statement", "func_literal", "function_declaration"):
        if node.type == "if_statement":
            cond = " ".join(text(node.child_by_field_name("condition")).split())
            if cond in (f"{target} == nil", f"len({target}) == 0"):
                return True
        node = node.parent
    return False


def _prepend_target(node: Node, slices_names: set[str]) -> str | None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return None
    if text(node.child_by_field_name("operator")) != "=":
        return None
    target = text(left.named_children[0])
    call = strip_parens(right.named_children[0])
    if call is None or call.type != "call_expression":
        return None
    fn = text(call.child_by_field_name("function"))
    args_node = call.child_by_field_name("arguments")
    args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
    if fn == "append" and len(args) == 2:
        first, rest = strip_parens(args[0]), args[1]
        if first is not None and first.type == "composite_literal" and first.child_by_field_name("type") is not None \
                and text(first.child_by_field_name("type")).startswith("[]") and rest.type == "variadic_argument" \
                and rest.named_child_count == 1 and text(rest.named_children[0]) == target:
            return target
        return None
    insert = "." in fn and fn.rsplit(".", 1)[0] in slices_names and fn.endswith(".Insert") and len(args) >= 3
    return target if insert and text(args[0]) == target and text(args[1]) == "0" else None


def _accumulates(func: Func, target: str, site: Site) -> bool:
    """The slice outlives the iteration (declared outside the loop, or a field) and the loop is not tiny."""
    root = target.split(".", 1)[0].split("[", 1)[0].strip("()*")
    if not root.isidentifier():
        return False
    # A field of the loop's own element (`e.idx = append([]int{i}, e.idx...)`) is prepended once.
    return bool(hot_loops(loops_between(func, root, site)))
