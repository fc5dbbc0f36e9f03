"""make-in-loop

**What it does**
Flags a scratch buffer (`make([]byte, n)`, `make([]T, 0, n)`, `new(bytes.Buffer)`, `&bytes.Buffer{}`,
`var buf bytes.Buffer`) allocated on every iteration of a loop when the value never outlives the
iteration: it is only indexed, sliced, copied, read into, written out or converted to a string.

**Why is this bad?**
Each iteration pays a heap allocation plus zeroing of the whole buffer, and the garbage collector
reclaims it again (estimate: ~30 ns + ~0.25 ns per byte per iteration; a 32 KiB buffer read in a loop
of 100,000 iterations allocates 3.2 GB). Hoisted out of the loop, one buffer serves every iteration.

**Example**
```go
for _, path := range paths {
    buf := make([]byte, 32*1024)
    n, err := io.ReadFull(open(path), buf)
    ...
}
```

**Use instead**
```go
buf := make([]byte, 32*1024)
for _, path := range paths {
    n, err := io.ReadFull(open(path), buf)
    ...
}
// bytes.Buffer: declare it before the loop and call buf.Reset() at the top of each iteration.
```

**Known limits**
The value must provably stay inside the iteration: passing it to a function the rule does not know,
storing it, returning it, sending it or capturing it in a closure all count as escaping and are not
flagged. A constant-size slice that is only used locally (indexing, `copy`, `binary.BigEndian.Put*`)
is not flagged, since the compiler keeps it on the stack. Loops with a literal bound of eight
iterations or fewer are not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import BUFFER_TYPES, classify_uses, hot_loops, identifiers, is_local, leaves_loop
from analyzers.source import Func, Site, strip_parens, text


@rule("make-in-loop", "alloc")
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for kind in ("short_var_declaration", "var_declaration"):
            for site in func.sites(kind):
                if not hot_loops(site.loops) or leaves_loop(site.node, site.loops):
                    continue
                found = _allocation(site)
                if found is None:
                    continue
                name, node, what = found
                verdict = classify_uses(func, name, site.node)
                if verdict is None:
                    continue
                if what == "slice" and not verdict.sink and _constant_size(func, pkg, node):
                    continue  # stays on the stack
                yield Hit(func, node, _message(name, node, what))


def _allocation(site: Site) -> tuple[str, Node, str] | None:
    """(name, flagged node, "slice"/"buffer") for `name := <scratch allocation>`."""
    node = site.node
    if node.type == "short_var_declaration":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
            return None
        ident, value = left.named_children[0], strip_parens(right.named_children[0])
        what = _scratch(value)
        return (text(ident), value, what) if what and value is not None else None
    specs = [c for c in node.named_children if c.type == "var_spec"]
    if len(specs) != 1:
        return None
    spec = specs[0]
    names = spec.children_by_field_name("name")
    if len(names) != 1:
        return None
    values = spec.child_by_field_name("value")
    typ = text(spec.child_by_field_name("type"))
    if values is None:
        return (text(names[0]), spec, "buffer") if typ in BUFFER_TYPES else None
    if values.named_child_count != 1:
        return None
    value = strip_parens(values.named_children[0])
    what = _scratch(value)
    return (text(names[0]), value, what) if what and value is not None else None


def _scratch(value: Node | None) -> str:
    if value is None:
        return ""
    if value.type == "call_expression":
        fn = text(value.child_by_field_name("function"))
        args = value.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_child_count else None
        if fn == "make" and first is not None and first.type == "slice_type" and args is not None \
                and args.named_child_count >= 2:
            return "slice"
        if fn == "new" and first is not None and text(first) in BUFFER_TYPES:
            return "buffer"
        if fn == "bytes.NewBuffer" and first is not None and (
            text(first) == "nil" or (first.type == "call_expression" and text(first).startswith("make("))
        ):
            return "buffer"
        return ""
    if value.type == "unary_expression" and text(value.child_by_field_name("operator")) == "&":
        value = strip_parens(value.child_by_field_name("operand"))
    if value is not None and value.type == "composite_literal":
        body = value.child_by_field_name("body")
        if text(value.child_by_field_name("type")) in BUFFER_TYPES and body is not None \
                and body.named_child_count == 0:
            return "buffer"
    return ""


def _constant_size(func: Func, pkg: Package, make: Node) -> bool:
    """Every size argument is built from literals and names that are neither locals nor package
    variables (constants, as far as syntax shows)."""
    if make.type != "call_expression":
        return False
    args = make.child_by_field_name("arguments")
    if args is None:
        return False
    sizes = args.named_children[1:]
    for arg in sizes[-1:]:  # the capacity when given, else the length, fixes the allocation size
        if any(n.type == "call_expression" for n in [arg, *arg.named_children]):
            return False
        for name in identifiers(arg):
            if is_local(func, name, make) or name in pkg.vars:
                return False
    return True


def _message(name: str, node: Node, what: str) -> str:
    if what == "buffer":
        return (f"{name} is a new bytes.Buffer on every iteration; declare it once before the loop "
                f"and call {name}.Reset() at the top of each iteration")
    alloc = text(node) if len(text(node)) <= 40 else "make(...)"
    return (f"{alloc} allocates on every iteration but does not outlive it; allocate {name} once "
            f"before the loop and reuse it ({name} = {name}[:0] or re-slice)")
