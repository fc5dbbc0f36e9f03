"""copy-loop

**What it does**
Flags a loop whose whole body copies one element from a slice (or array, or string) into another at
the same position, possibly at a fixed offset: `for i := range src { dst[i] = src[i] }`,
`for i, v := range src { dst[off+i] = v }`, `for i := 0; i < n; i++ { dst[i] = src[i] }`.

**Why is this bad?**
The built-in `copy` compiles to `memmove`, which moves 16-64 bytes per instruction and needs no
per-element bounds check: roughly 4-16x faster than the loop on copies over ~64 bytes (estimate:
~0.5-1 ns per element for the loop against ~0.05 ns per byte). Very small copies see little gain.

**Example**
```go
for i := range src {
    dst[i] = src[i]
}
```

**Use instead**
```go
copy(dst, src)
```

**Known limits**
Loops that convert or transform elements (`dst[i] = byte(src[i])`, `dst[i] = src[i] * 2`), strided
or reversed copies, and copies within one slice (where overlap makes the loop's order matter) are
not flagged. The destination must be known to be a slice or array whose element type is the
source's (identical, not only assignable: `[]byte` into a named `Bytes` is not flagged), so that `copy`
type-checks. Loops with a literal bound of eight or
fewer are not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import Shape, expr_type, is_invariant, loop_shape, underlying
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Func, strip_parens, text
from analyzers.typeinfer import element_type


@rule("copy-loop", "simd")
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for loop in func.loops:
            shape = loop_shape(loop)
            if shape is None or not shape.index or not shape.forward or len(shape.body) != 1:
                continue
            stmt = shape.body[0]
            if stmt.type != "assignment_statement" or text(stmt.child_by_field_name("operator")) != "=":
                continue
            if is_small_constant_loop(loop):
                continue
            found = _copy(pkg, func, shape, stmt)
            if found is None:
                continue
            dst, src = found
            yield Hit(
                func,
                loop.node,
                f"element-by-element copy into {dst}: copy({dst}, {src}) is a memmove (~4-16x faster on long inputs)",
                key=f"copy {dst} {src}",
            )


def _single(node: Node | None) -> Node | None:
    if node is None or node.named_child_count != 1:
        return None
    return strip_parens(node.named_children[0])


def _offset(index: Node | None, shape: Shape) -> str | None:
    """'' for `i`, the offset text for `i+off` / `off+i`, None for anything else."""
    index = strip_parens(index)
    if index is None:
        return None
    if index.type == "identifier":
        return "" if text(index) == shape.index else None
    if index.type != "binary_expression" or text(index.child_by_field_name("operator")) != "+":
        return None
    left, right = index.child_by_field_name("left"), index.child_by_field_name("right")
    for a, b in ((left, right), (right, left)):
        if a is not None and text(a) == shape.index and is_invariant(b, shape):
            return text(b)
    return None


def _copy(pkg: Package, func: Func, shape: Shape, stmt: Node) -> tuple[str, str] | None:
    left = _single(stmt.child_by_field_name("left"))
    right = _single(stmt.child_by_field_name("right"))
    if left is None or right is None or left.type != "index_expression":
        return None
    dst_off = _offset(left.child_by_field_name("index"), shape)
    dst = left.child_by_field_name("operand")
    if dst_off is None or dst is None:
        return None
    src_off: str | None = ""
    if right.type == "identifier" and shape.value and text(right) == shape.value:
        src = shape.base
    elif right.type == "index_expression":
        src, src_off = right.child_by_field_name("operand"), _offset(right.child_by_field_name("index"), shape)
    else:
        return None
    if src is None or src_off is None or text(src) == text(dst):
        return None
    if not _copyable(pkg, func, dst, src):
        return None
    d = f"{text(dst)}[{dst_off}:]" if dst_off else _as_slice(pkg, func, dst)
    s = f"{text(src)}[{src_off}:]" if src_off else _as_slice(pkg, func, src)
    return d, s


def _as_slice(pkg: Package, func: Func, node: Node) -> str:
    t = underlying(pkg, expr_type(pkg, func, node))
    return text(node) + ("[:]" if t.lstrip("*").startswith("[") and not t.startswith("[]") else "")


def _seq_elem(pkg: Package, typ: str) -> str | None:
    """Element type of a slice/array/string type, '' when the type is unknown, None when not a sequence."""
    t = underlying(pkg, typ.strip())
    if not t:
        return ""
    if t.startswith("*["):
        t = t[1:]
    if t == "string":
        return "byte"
    if t.startswith("["):
        return element_type(t)
    return None


def _copyable(pkg: Package, func: Func, dst: Node, src: Node) -> bool:
    """`copy(dst, src)` type-checks: both known sequences (not maps) with identical element types. An
    assignment `dst[i] = src[i]` needs only assignability, which lets `[]byte` into a named `Bytes`
    (go-ethereum's `hexutil.Bytes`); copy does not."""
    d_elem = _seq_elem(pkg, expr_type(pkg, func, dst))
    s_elem = _seq_elem(pkg, expr_type(pkg, func, src))
    if not d_elem or not s_elem:
        return False
    return _ALIAS.get(d_elem, d_elem) == _ALIAS.get(s_elem, s_elem)


# Predeclared aliases: the same type under two names.
_ALIAS = {"uint8": "byte", "int32": "rune"}
