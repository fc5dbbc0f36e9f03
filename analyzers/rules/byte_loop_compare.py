"""byte-loop-compare

**What it does**
Flags a loop that compares two byte slices (or strings, or byte arrays) element by element and
stops at the first difference: `for i := range a { if a[i] != b[i] { return false } }`, and the
ordering forms (`if a[i] != b[i] { return a[i] < b[i] }`, the same with `if a[i] < b[i] { return -1 };
return 1` inside, or a `<` test returning -1 beside a `>` test returning 1).

**Why is this bad?**
`bytes.Equal`, `string(a) == string(b)` (no allocation), `bytes.HasPrefix` and `bytes.Compare`
call the runtime's vectorised memequal/compare kernels, which test 16-64 bytes per instruction:
roughly 4-16x faster than the loop on inputs over ~64 bytes (estimate: ~0.5-1 ns per byte for the
loop against ~0.05 ns per byte). Very small inputs see little gain.

**Example**
```go
func same(a, b []byte) bool {
    if len(a) != len(b) {
        return false
    }
    for i := range a {
        if a[i] != b[i] {
            return false
        }
    }
    return true
}
```

**Use instead**
```go
func same(a, b []byte) bool {
    return bytes.Equal(a, b)
}
```

**Known limits**
Constant-time code is never flagged: a loop that accumulates differences (`v |= a[i] ^ b[i]`) does
not match, and functions, receivers, packages or files whose names speak of crypto, subtle,
constant time, HMAC/MAC, tokens, secrets, passwords or signatures are skipped (there the fix is
`subtle.ConstantTimeCompare`, not an early-exit compare). At least one side must be known to be a
`[]byte`, byte array or `string`.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import (
    Shape,
    byte_seq_kind,
    element_base,
    equality,
    expr_type,
    loop_shape,
    mentions_secret,
    sole_if,
)
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Func, statements, strip_parens, text


@rule("byte-loop-compare", "simd")
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        secret: bool | None = None
        for loop in func.loops:
            shape = loop_shape(loop)
            if shape is None or not shape.forward or is_small_constant_loop(loop):
                continue
            found = _equal_loop(pkg, func, shape) or _ordering_loop(pkg, func, shape)
            if found is None:
                continue
            if secret is None:
                secret = mentions_secret(pkg, func)
            if secret:
                break
            a, b, fix = found
            yield Hit(
                func,
                loop.node,
                f"byte-by-byte comparison of {a} and {b}: {fix} is vectorised (~4-16x faster on long inputs)",
                key=f"compare {a} {b}",
            )


def _pair(pkg: Package, func: Func, shape: Shape, cond: Node | None, op: str) -> tuple[str, str, str] | None:
    """(a, b, kind) when cond is `a[i] OP b[i]` over two byte sequences."""
    sides = equality(cond, op)
    if sides is None:
        return None
    bases = [element_base(s, shape) for s in sides]
    if bases[0] is None or bases[1] is None:
        return None
    a, b = text(bases[0]), text(bases[1])
    if a == b:
        return None
    kinds = [byte_seq_kind(pkg, expr_type(pkg, func, n)) for n in bases]
    known = [k for k in kinds if k]
    if not known:
        return None
    mixed = bool(kinds[0] and kinds[1]) and (kinds[0] == "string") != (kinds[1] == "string")
    return a, b, "mixed" if mixed else known[0]


def _fix(found: tuple[str, str, str], ordering: bool) -> str:
    a, b, kind = found
    if kind == "string":
        return "strings.Compare (or <)" if ordering else "== (or strings.HasPrefix)"
    if kind == "array":
        return f"bytes.Compare({a}[:], {b}[:])" if ordering else f"{a} == {b}"
    return "bytes.Compare" if ordering else "bytes.Equal (or bytes.HasPrefix)"


def _returns(block: Node | None) -> Node | None:
    """The single expression of a block that is exactly `return expr`."""
    stmts = statements(block)
    if len(stmts) != 1 or stmts[0].type != "return_statement":
        return None
    values = stmts[0].named_children
    if len(values) != 1 or values[0].type != "expression_list" or values[0].named_child_count != 1:
        return None
    return values[0].named_children[0]


def _is_mismatch_exit(block: Node | None, sides: tuple[str, str]) -> str:
    """'equal' for `return false` / `x = false; break`; 'order' for `return a[i] < b[i]`."""
    value = strip_parens(_returns(block))
    if value is not None:
        if value.type == "false":
            return "equal"
        if value.type == "binary_expression" and text(value.child_by_field_name("operator")) in ("<", ">"):
            operands = (text(value.child_by_field_name("left")), text(value.child_by_field_name("right")))
            return "order" if set(operands) == set(sides) else ""
        return ""
    stmts = statements(block)
    if len(stmts) == 2 and stmts[1].type == "break_statement" and stmts[0].type == "assignment_statement":
        right = stmts[0].child_by_field_name("right")
        if right is not None and text(right) == "false":
            return "equal"
    if len(stmts) == 2 and stmts[0].type == "if_statement" and _signs_order(stmts[0], stmts[1], sides):
        return "order"
    return ""


def _signs_order(test: Node, after: Node, sides: tuple[str, str]) -> bool:
    """`if a[i] < b[i] { return -1 }; return 1` inside the mismatch branch."""
    if test.child_by_field_name("alternative") is not None or after.type != "return_statement":
        return False
    cond = strip_parens(test.child_by_field_name("condition"))
    if cond is None or cond.type != "binary_expression" or text(cond.child_by_field_name("operator")) not in ("<", ">"):
        return False
    if {text(cond.child_by_field_name("left")), text(cond.child_by_field_name("right"))} != set(sides):
        return False
    first = _returns(test.child_by_field_name("consequence"))
    values = after.named_children[0].named_children if after.named_child_count == 1 else []
    signs = {text(first) if first is not None else "", text(values[0]) if len(values) == 1 else ""}
    return signs in ({"-1", "1"}, {"-1", "+1"})


def _equal_loop(pkg: Package, func: Func, shape: Shape) -> tuple[str, str, str] | None:
    test = sole_if(shape.body)
    if test is None:
        return None
    cond = test.child_by_field_name("condition")
    found = _pair(pkg, func, shape, cond, "!=")
    if found is None:
        return None
    sides = equality(cond, "!=")
    assert sides is not None
    exit_kind = _is_mismatch_exit(test.child_by_field_name("consequence"), (text(sides[0]), text(sides[1])))
    if not exit_kind:
        return None
    return found[0], found[1], _fix(found, exit_kind == "order")


def _ordering_loop(pkg: Package, func: Func, shape: Shape) -> tuple[str, str, str] | None:
    """`if a[i] < b[i] { return -1 }; if a[i] > b[i] { return 1 }` (either order)."""
    body = shape.body
    if len(body) != 2 or any(s.type != "if_statement" for s in body):
        return None
    seen: set[str] = set()
    found = None
    for stmt in body:
        if stmt.child_by_field_name("alternative") is not None:
            return None
        value = _returns(stmt.child_by_field_name("consequence"))
        cond = strip_parens(stmt.child_by_field_name("condition"))
        op = text(cond.child_by_field_name("operator")) if cond is not None else ""
        if op not in ("<", ">") or value is None or text(value) not in ("-1", "1", "+1"):
            return None
        found = _pair(pkg, func, shape, cond, op)
        if found is None:
            return None
        seen.add(op)
    if seen != {"<", ">"} or found is None:
        return None
    return found[0], found[1], _fix(found, True)
