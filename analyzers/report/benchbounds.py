"""Indexes, slice bounds and type assertions on the way to a finding's line: what they ask of the inputs.

`head[:16]` needs at least 16 elements in what `head` comes from, `parts[2]` needs 3; a number the code
uses as an index (`names[l]`, `[...]string{"low", "high"}[l]`) is position 0, the one every non-empty
collection has, rather than the first "distinct" number the generator would pick (1, 2, ...); an
interface parameter the code asserts (`c.(*Interval)`) holds that type.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.source import descendants, strip_parens, text

if TYPE_CHECKING:
    from analyzers.report.benchpaths import PathReader

_INTS = frozenset({"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                   "uintptr", "byte", "rune"})
_OFFSET = re.compile(r"^[+-]\s*(\d+)$")
SPAN = 8  # elements between two positions that delimit a span (a token)


def read_bounds(reader: PathReader, before: int) -> None:
    """Record lengths and positions that indexes and slices starting before byte `before` need."""
    body = reader.func.body
    if body is None:
        return
    for node in descendants(body):
        if node.start_byte >= before:
            break
        if node.type == "slice_expression":
            _slice(reader, node)
        elif node.type == "index_expression":
            _index(reader, node)
        elif node.type == "type_assertion_expression":
            _assertion(reader, node)


def _assertion(reader: PathReader, node: Node) -> None:
    """`c.(*Interval)` on an interface parameter: the argument must hold that type (the first assertion
    wins: later ones are usually the other cases of a comma-ok chain)."""
    operand = strip_parens(node.child_by_field_name("operand"))
    asserted = node.child_by_field_name("type")
    if operand is None or asserted is None or operand.type != "identifier":
        return
    name = text(operand)
    decl = reader.func.lookup(name, operand)
    if decl is not None and decl.kind == "param" and name in reader.roots:
        reader.hints.asserted.setdefault(name, text(asserted))
    elif decl is not None and decl.kind == "range":
        path = reader.path_of(operand)  # `if block, ok := v.([]any); ok` on each element: "scope[]"
        if path is not None and path.endswith("[]") and "." not in path:
            reader.hints.asserted.setdefault(path, text(asserted))


def _literal(node: Node | None) -> int | None:
    node = strip_parens(node)
    if node is None or node.type != "int_literal":
        return None
    try:
        return int(text(node).replace("_", ""), 0)
    except ValueError:
        return None


def _need(reader: PathReader, operand: Node | None, length: int) -> None:
    path = reader.path_of(operand)
    if path is None or "?" in path or length <= 0 or length > 1 << 16:
        return
    if length > reader.hints.min_len.get(path, 0):
        reader.hints.min_len[path] = length


def _slice(reader: PathReader, node: Node) -> None:
    operand = node.child_by_field_name("operand")
    start = strip_parens(node.child_by_field_name("start"))
    for name in ("start", "end", "capacity"):
        bound = node.child_by_field_name(name)
        k = _literal(bound)
        if k is not None:
            _need(reader, operand, k)
        elif name == "end" and start is not None and _literal(start) is None:
            _span_end(reader, operand, strip_parens(bound))
        else:
            _position(reader, strip_parens(bound))


def _span_end(reader: PathReader, operand: Node | None, bound: Node | None) -> None:
    """`lex.data[lex.ts:lex.te]`: a span between two positions of the receiver, which the code goes on to
    read (a token, `t[1:len(t)-1]`): start 0, end SPAN, so that the span holds SPAN elements rather than none."""
    if bound is None or bound.type != "selector_expression":
        _position(reader, bound)
        return
    recv = reader.func.receiver_name
    path = reader.path_of(bound)
    if not recv or path is None or path.count(".") != 1 or not path.startswith(recv + ".") \
            or not _is_int(reader, reader.path_type(path)) or path in reader.hints.drivers:
        return
    shape = reader.hints.shape(path)
    if shape.literal is None:
        shape.literal = str(SPAN)
        _need(reader, operand, SPAN)


def _index(reader: PathReader, node: Node) -> None:
    operand = node.child_by_field_name("operand")
    index = strip_parens(node.child_by_field_name("index"))
    k = _literal(index)
    if k is not None:
        _need(reader, operand, k + 1)
        return
    _position(reader, index)


def _position(reader: PathReader, index: Node | None) -> None:
    """A parameter or receiver of an integer type used as an index is 0, or the offset subtracted from
    it (`s[i-1]`: 1), unless n drives it."""
    offset = 0
    if index is not None and index.type == "binary_expression":
        right = strip_parens(index.child_by_field_name("right"))
        op = text(index.child_by_field_name("operator"))
        k = _literal(right)
        if k is None or op not in ("+", "-"):
            return
        offset = k if op == "-" else 0
        index = strip_parens(index.child_by_field_name("left"))
    if index is not None and index.type == "selector_expression":
        _field_position(reader, index, offset)
        return
    if index is None or index.type != "identifier":
        return
    name = text(index)
    decl = reader.func.lookup(name, index)
    if decl is None or decl.kind != "param" or name not in reader.roots:
        return
    if not _is_int(reader, decl.type or ""):
        return
    shape = reader.hints.shape(name)
    if shape.literal is None and name not in reader.hints.drivers:
        shape.literal = str(offset)


def _field_position(reader: PathReader, index: Node, offset: int) -> None:
    """`s.data[s.pos]`, `s.buf[:s.fill]`: a field of the receiver holding a position starts at the offset
    (0), which every filled collection has, not at the generated elements' 1, 2, ..."""
    recv = reader.func.receiver_name
    path = reader.path_of(index)
    if not recv or path is None or path.count(".") != 1 or not path.startswith(recv + "."):
        return
    if not _is_int(reader, reader.path_type(path)):
        return
    shape = reader.hints.shape(path)
    if shape.literal is None and path not in reader.hints.drivers:
        shape.literal = str(offset)
        shape.position = True


def _is_int(reader: PathReader, t: str) -> bool:
    t = t.strip()
    if t in _INTS:
        return True
    under = reader.index.pkg.type_defs.get(t, "").strip()
    return under in _INTS
