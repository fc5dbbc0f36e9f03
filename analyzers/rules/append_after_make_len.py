"""append-after-make-len

**What it does**
Flags `xs := make([]T, n)` (a length, not only a capacity) when the function then only grows `xs`
with `xs = append(xs, ...)`: nothing writes `xs[i]`, reslices it, or hands it to a function that
could fill it (`copy`, `io.ReadFull`, a `Read`) before the append.

**Why is this bad?**
`make([]T, n)` already holds n zero values; append adds after them, so the result has 2n elements,
the first n of them zero. It is a bug (callers see empty entries, nil pointers, zero IDs) and it
doubles the memory: the first append past n reallocates and copies the whole slice (estimate: one
extra allocation and a copy of n elements, ~1-5 ns per element).

**Example**
```go
vhs := make([]VirtualHost, len(config.VirtualHosts))
for _, vh := range config.VirtualHosts {
    vhs = append(vhs, convert(vh))
}
```

**Use instead**
```go
vhs := make([]VirtualHost, 0, len(config.VirtualHosts))
for _, vh := range config.VirtualHosts {
    vhs = append(vhs, convert(vh))
}
```

**Known limits**
Only a slice declared in the function with `make([]T, n)` and a length other than 0 is followed. Any
other use before the first append (a call that takes it, a `range` over it, a reassignment), and an
index or slice expression of it anywhere (`b := make([]byte, 4); b = append(b, payload...);
binary.BigEndian.PutUint32(b[:4], n)`: a header reserved and filled later), is taken as filling the
made elements, and the slice is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.source import Decl, Func, descendants, strip_parens, text


@rule("append-after-make-len", "alloc", static_evidence=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        appends = [c for c in func.calls_named("append") if c.callee == "append" and c.args]
        if not appends or func.body is None:
            continue
        for name in {text(c.args[0]) for c in appends if c.args[0].type == "identifier"}:
            decl = _made_with_length(func, name)
            if decl is None or decl.init is None:
                continue
            first = _first_use(func, name, decl)
            if first is None or not _is_self_append(first, name) or _indexed(func, name):
                continue
            length = decl.make_args[0]
            typ = text(_make_type(decl.init))
            yield Hit(
                func,
                decl.init,
                f"make({typ}, {length}) then append: the {length} zero values stay in front of what is appended "
                f"(and the first append reallocates); use make({typ}, 0, {length})",
                key=f"make-len {name}",
            )


def _made_with_length(func: Func, name: str) -> Decl | None:
    """The declaration `name := make([]T, n)` (n not 0, no capacity given) when name has only that one."""
    decls = func.decls.get(name, [])
    if len(decls) != 1:
        return None
    decl = decls[0]
    init = strip_parens(decl.init)
    if init is None or init.type != "call_expression" or text(init.child_by_field_name("function")) != "make":
        return None
    typ = _make_type(init)
    if typ is None or not text(typ).startswith("[]") or len(decl.make_args) != 1 or decl.make_args[0] == "0":
        return None
    return decl


def _make_type(call: Node) -> Node | None:
    args = call.child_by_field_name("arguments")
    return args.named_children[0] if args is not None and args.named_child_count else None


def _indexed(func: Func, name: str) -> bool:
    """`binary.BigEndian.PutUint32(b[:4], n)` anywhere: the made elements are a placeholder the code
    fills later (a length prefix reserved before the payload is appended)."""
    body = func.body
    for node in descendants(body) if body is not None else ():
        if node.type in ("index_expression", "slice_expression"):
            operand = strip_parens(node.child_by_field_name("operand"))
            if operand is not None and text(operand) == name:
                return True
    return False


def _first_use(func: Func, name: str, decl: Decl) -> Node | None:
    """The first identifier `name` after its declaration, in source order."""
    body = func.body
    if body is None:
        return None
    for node in descendants(body):
        if node.type == "identifier" and text(node) == name and node.start_byte > decl.node.end_byte:
            return node
    return None


def _is_self_append(ident: Node, name: str) -> bool:
    """`name = append(name, ...)`: ident is the assignment's target or append's first argument."""
    node: Node | None = ident
    while node is not None and node.type != "assignment_statement":
        if node.type in ("block", "func_literal", "for_statement", "if_statement"):
            return False
        node = node.parent
    if node is None:
        return False
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return False
    call = strip_parens(right.named_children[0])
    if text(left.named_children[0]) != name or call is None or call.type != "call_expression":
        return False
    if text(call.child_by_field_name("function")) != "append":
        return False
    args = call.child_by_field_name("arguments")
    return args is not None and args.named_child_count >= 2 and text(args.named_children[0]) == name \
        and not any(name in text(a) for a in args.named_children[1:])
