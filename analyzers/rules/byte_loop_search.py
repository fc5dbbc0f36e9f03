"""byte-loop-search

**What it does**
Flags a loop that walks a `[]byte` or `string` one byte at a time looking for one byte value and
stops at the first match: `for i := 0; i < len(b); i++ { if b[i] == c { return i } }`, the range
forms, `for i < len(s) && s[i] != c { i++ }` (also with a parser's cursor field, `for p.pos <
len(p.buf) && p.buf[p.pos] != c { p.pos++ }`), and backward loops (`LastIndexByte`).

**Why is this bad?**
`bytes.IndexByte`, `strings.IndexByte` and their `LastIndexByte` forms are written in vectorised
assembly that tests 16-64 bytes per instruction. On inputs over ~64 bytes they are roughly 4-16x
faster than a byte loop (estimate: ~0.3-1 ns per byte for the loop against ~0.05 ns per byte).
Very small inputs (a few bytes) see little gain: the call overhead is a few ns either way.

**Example**
```go
func firstLine(b []byte) []byte {
    for i := 0; i < len(b); i++ {
        if b[i] == '\n' {
            return b[:i]
        }
    }
    return b
}
```

**Use instead**
```go
func firstLine(b []byte) []byte {
    if i := bytes.IndexByte(b, '\n'); i >= 0 {
        return b[:i]
    }
    return b
}
```

**Known limits**
Only loops whose whole body is the test (or whose condition is the test) are flagged; loops that do
other work per byte (parsers, state machines, transforms) are left alone. The sequence must be known
to be a `[]byte`, byte array or `string` from its declaration. A `range` over a string decodes runes:
it is flagged only when the byte sought is ASCII, for which the first matching rune and the first
matching byte are at the same offset. Loops with a literal bound of eight or fewer are not flagged,
nor a `[]uint8` list searched for a package-level named code (`if m == pskModeDHE`): a short list of
protocol codes, not a buffer worth a vectorised scan.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import (
    Shape,
    byte_literal,
    byte_seq_kind,
    element_base,
    equality,
    exits_loop,
    expr_type,
    is_invariant,
    loop_shape,
    sole_if,
    underlying,
)
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Func, Loop, statements, strip_parens, text


@rule("byte-loop-search", "simd")
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for loop in func.loops:
            found = _cond_search(pkg, func, loop) if loop.kind == "cond" else _body_search(pkg, func, loop)
            if found is None:
                continue
            kind, sought, forward = found
            pkgname = "strings" if kind == "string" else "bytes"
            fn = f"{pkgname}.{'IndexByte' if forward else 'LastIndexByte'}"
            yield Hit(
                func,
                loop.node,
                f"byte-at-a-time search for {text(sought)}: {fn} is vectorised (~4-16x faster on long inputs)",
                key=f"{fn} {text(sought)} {loop.range_expr or loop.cond}",
            )


def _match(pkg: Package, func: Func, shape: Shape, elem: Node, sought: Node) -> str:
    """The byte-sequence kind when `elem` is the loop's current byte and `sought` a fixed byte."""
    base = element_base(elem, shape)
    if base is None or not is_invariant(sought, shape):
        return ""
    typ = expr_type(pkg, func, base)
    kind = byte_seq_kind(pkg, typ)
    if _code_list(pkg, func, typ, sought):
        return ""
    if kind == "string" and strip_parens(elem) is not None and text(strip_parens(elem)) == shape.value:
        # range over a string yields runes: only an ASCII byte keeps IndexByte equivalent.
        value = byte_literal(sought)
        if value is None or value >= 0x80:
            return ""
    return kind


def _code_list(pkg: Package, func: Func, typ: str, sought: Node) -> bool:
    """`for _, m := range msg.compressionMethods { if m == compressionNone {...} }`: a `[]uint8` (the
    spelling Go code uses for numbers, not text) searched for a package-level named code: a short list
    of protocol codes, not a buffer worth a vectorised scan."""
    sought = strip_parens(sought) or sought
    if sought.type != "identifier" or func.decl(text(sought), sought) is not None:
        return False
    outer = func.parent
    while outer is not None:
        if outer.decl(text(sought), sought) is not None:
            return False
        outer = outer.parent
    t = underlying(pkg, typ.strip()).lstrip("*")
    return t.startswith("[") and t.split("]", 1)[-1] == "uint8"


def _sides(pkg: Package, func: Func, shape: Shape, cond: Node | None, op: str) -> tuple[str, Node] | None:
    pair = equality(cond, op)
    if pair is None:
        return None
    for elem, sought in (pair, pair[::-1]):
        kind = _match(pkg, func, shape, elem, sought)
        if kind:
            return kind, sought
    return None


def _body_search(pkg: Package, func: Func, loop: Loop) -> tuple[str, Node, bool] | None:
    shape = loop_shape(loop)
    if shape is None or is_small_constant_loop(loop):
        return None
    test = sole_if(shape.body)
    if test is not None:
        if not exits_loop(test.child_by_field_name("consequence")):
            return None
        found = _sides(pkg, func, shape, test.child_by_field_name("condition"), "==")
        return (found[0], found[1], shape.forward) if found else None
    if shape.body or loop.kind != "for":
        return None
    # `for i = 0; i < len(s) && s[i] != c; i++ {}`: the condition is the search.
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    cond = clause.child_by_field_name("condition") if clause is not None else None
    return _conjunction(pkg, func, shape, cond)


def _conjunction(pkg: Package, func: Func, shape: Shape, cond: Node | None) -> tuple[str, Node, bool] | None:
    pair = equality(cond, "&&")
    if pair is None:
        return None
    bound, test = pair
    if not _is_bound(bound, shape.index):
        return None
    found = _sides(pkg, func, shape, test, "!=")
    return (found[0], found[1], shape.forward) if found else None


def _is_bound(node: Node | None, index: str) -> bool:
    """`i < len(s)`, `i >= 0`: a single comparison of the index (not a chain of other tests)."""
    node = strip_parens(node)
    if node is None or node.type != "binary_expression":
        return False
    if text(node.child_by_field_name("operator")) not in ("<", "<=", ">", ">=", "!="):
        return False
    return index in (text(node.child_by_field_name("left")), text(node.child_by_field_name("right")))


def _cursor_field(node: Node) -> bool:
    """`p.pos`, `l.r.off`: a parser's cursor field (a plain chain of names, no calls or indexing)."""
    while node.type == "selector_expression":
        operand = node.child_by_field_name("operand")
        if operand is None:
            return False
        node = operand
    return node.type == "identifier"


def _cond_search(pkg: Package, func: Func, loop: Loop) -> tuple[str, Node, bool] | None:
    """`for i < len(s) && s[i] != c { i++ }`, also with a cursor field (`for p.pos < len(p.buf) && ...`)."""
    body = statements(loop.body)
    if len(body) != 1 or body[0].type not in ("inc_statement", "dec_statement") or not body[0].named_child_count:
        return None
    index = body[0].named_children[0]
    if index.type != "identifier" and not _cursor_field(index):
        return None
    cond = next((c for c in loop.node.named_children if c.type not in ("block", "comment")), None)
    shape = Shape(text(index), "", None, body[0].type == "inc_statement", body)
    return _conjunction(pkg, func, shape, cond)
