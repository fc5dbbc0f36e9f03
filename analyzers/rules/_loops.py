"""Shapes shared by the simd and io rules: byte-loop anatomy and import names (expression types
come from the shared resolver in analyzers/typeinfer.py).

Private to byte-loop-search, byte-loop-count, byte-loop-compare, copy-loop and the io rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from analyzers.package import Package
from analyzers.source import Call, Func, GoFile, Loop, statements, strip_parens, text
from analyzers.typeinfer import element_type, expr_type, underlying

__all__ = ["expr_type", "underlying"]

BYTE_ELEMS = frozenset({"byte", "uint8"})
# Words in a function, receiver, package or file name that mark code where timing must not leak.
_SECRET_WORDS = frozenset(
    {
        "constant",
        "consttime",
        "constanttime",
        "ct",
        "subtle",
        "crypto",
        "hmac",
        "mac",
        "token",
        "secret",
        "password",
        "passwd",
        "signature",
        "sig",
        "digest",
        "cipher",
        "secure",
        "timing",
        "auth",
        "nonce",
        "otp",
        "csrf",
        "hash",
        "apikey",
    }
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


# ---------------------------------------------------------------- import names


def import_names(gf: GoFile, path: str) -> set[str]:
    """Local names under which gf imports path (the default name even when absent: cheap guess)."""
    return set(gf.names_of(path)) or {path.rsplit("/", 1)[-1]}


def byte_seq_kind(pkg: Package, typ: str) -> str:
    """'string', 'slice' or 'array' for a sequence of bytes, '' otherwise."""
    t = underlying(pkg, typ.strip())
    if t.startswith("*["):
        t = t[1:]
    if t == "string":
        return "string"
    if t.startswith("[]") and underlying(pkg, t[2:]) in BYTE_ELEMS:
        return "slice"
    if t.startswith("[") and "]" in t and underlying(pkg, element_type(t)) in BYTE_ELEMS:
        return "array"
    return ""


# ---------------------------------------------------------------- loop anatomy


@dataclass
class Shape:
    """How a loop walks a sequence: `index` (i) and/or `value` (x) names, `base` for a range loop."""

    index: str
    value: str
    base: Node | None  # the ranged expression, when a range loop
    forward: bool
    body: list[Node]


def loop_shape(loop: Loop) -> Shape | None:
    """Range loops and counting 3-clause loops (`i++` / `i--` updates); others None."""
    body = statements(loop.body)
    if loop.kind == "range":
        if loop.range_node is None or ":=" not in text(loop.range_node.parent).split("range", 1)[0]:
            return None
        key = loop.key if loop.key != "_" else ""
        value = loop.value if loop.value != "_" else ""
        return Shape(key, value, loop.range_node, True, body)
    if loop.kind == "range-int":
        key = loop.key if loop.key != "_" else ""
        return Shape(key, "", None, True, body) if key else None
    if loop.kind != "for":
        return None
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    update = clause.child_by_field_name("update") if clause is not None else None
    if update is None or update.type not in ("inc_statement", "dec_statement") or not update.named_child_count:
        return None
    operand = update.named_children[0]
    if operand.type != "identifier":
        return None
    return Shape(text(operand), "", None, update.type == "inc_statement", body)


def element_base(node: Node | None, shape: Shape) -> Node | None:
    """The sequence whose current element `node` is: `b` for `b[i]`, the ranged expr for the value."""
    node = strip_parens(node)
    if node is None:
        return None
    if node.type == "identifier" and shape.value and text(node) == shape.value:
        return shape.base
    if node.type == "index_expression" and shape.index:
        idx = strip_parens(node.child_by_field_name("index"))
        if idx is not None and idx.type in ("identifier", "selector_expression") and text(idx) == shape.index:
            return node.child_by_field_name("operand")
    return None


def is_invariant(node: Node | None, shape: Shape) -> bool:
    """A literal, or a name/field that is not the loop variable (the body assigns nothing else)."""
    node = strip_parens(node)
    if node is None:
        return False
    if node.type in ("rune_literal", "int_literal"):
        return True
    if node.type == "identifier":
        return text(node) not in (shape.index, shape.value)
    if node.type == "selector_expression":
        return is_invariant(node.child_by_field_name("operand"), shape)
    return False


def byte_literal(node: Node | None) -> int | None:
    """The value of a rune or integer literal below 256, else None."""
    node = strip_parens(node)
    if node is None:
        return None
    raw = text(node)
    if node.type == "int_literal":
        try:
            value = int(raw.replace("_", ""), 0)
        except ValueError:
            return None
        return value if value < 256 else None
    if node.type != "rune_literal":
        return None
    body = raw[1:-1]
    escapes = {
        "\\n": 10,
        "\\t": 9,
        "\\r": 13,
        "\\\\": 92,
        "\\'": 39,
        "\\0": 0,
        "\\a": 7,
        "\\b": 8,
        "\\f": 12,
        "\\v": 11,
    }
    if body in escapes:
        return escapes[body]
    if body.startswith("\\x") and len(body) == 4:
        return int(body[2:], 16)
    if len(body) == 1:
        return ord(body)
    return None


def equality(cond: Node | None, op: str) -> tuple[Node, Node] | None:
    """The two sides of `a OP b`."""
    cond = strip_parens(cond)
    if cond is None or cond.type != "binary_expression" or text(cond.child_by_field_name("operator")) != op:
        return None
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    if left is None or right is None:
        return None
    return left, right


def sole_if(body: list[Node]) -> Node | None:
    """The body's only statement when it is an `if` with no else and no init statement."""
    if len(body) != 1 or body[0].type != "if_statement":
        return None
    node = body[0]
    if node.child_by_field_name("alternative") is not None or node.child_by_field_name("initializer") is not None:
        return None
    return node


def mentions_secret(pkg: Package, func: Func) -> bool:
    """Constant-time territory: names of the function, receiver, package or file speak of secrets."""
    names = [func.name, func.receiver or "", func.file.package, func.file.path, pkg.dir]
    top = func.parent
    while top is not None:
        names.append(top.name)
        top = top.parent
    for name in names:
        for part in re.split(r"[/_.\-]", name):
            words = {w.lower() for w in _WORD.findall(part)}
            if words & _SECRET_WORDS or part.lower() in _SECRET_WORDS:
                return True
    return False


def quote_byte(node: Node, runes: bool) -> str | None:
    """A Go string literal matching what `elem == node` matches (runes: elem is a decoded rune),
    None when not certain."""
    raw = text(node)
    if runes and node.type == "rune_literal" and len(raw) == 3 and ord(raw[1]) >= 0x80:
        return '"' + raw[1] + '"'
    value = byte_literal(node)
    if value is None or value >= 0x80:
        return None
    if 0x20 <= value < 0x7F:
        ch = chr(value)
        return '"' + ("\\" + ch if ch in '"\\' else ch) + '"'
    return {10: '"\\n"', 9: '"\\t"', 13: '"\\r"'}.get(value, f'"\\x{value:02x}"')


def exits_loop(block: Node | None) -> bool:
    """A block of plain assignments ending in `return` or `break`: the loop stops at the match."""
    stmts = statements(block)
    if not stmts or stmts[-1].type not in ("return_statement", "break_statement"):
        return False
    return all(s.type in ("assignment_statement", "short_var_declaration", "inc_statement") for s in stmts[:-1])


# ---------------------------------------------------------------- io helpers


def receiver_node(call: Call) -> Node | None:
    """The operand of a method call's selector (`f` in `f.Write(b)`)."""
    fn = call.node.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return None
    return fn.child_by_field_name("operand")


def is_pkg_call(call: Call, gf: GoFile, path: str, *names: str) -> bool:
    """`pkg.Name(...)` where pkg is the file's import name for path."""
    return call.name in names and bool(call.recv) and call.recv in import_names(gf, path)


def is_sized_loop(pkg: Package, func: Func, loop: Loop) -> bool:
    """A loop over a collection known up front: not `for {}`, not a condition loop, not a channel."""
    if loop.kind == "range":
        t = underlying(pkg, expr_type(pkg, func, loop.range_node))
        return not t.startswith(("chan ", "<-chan ", "chan<-"))
    if loop.kind == "range-int":
        return True
    return loop.kind == "for" and loop.sized and not _strided(loop)


def _strided(loop: Loop) -> bool:
    """`for off := 0; off < len(b); off += chunk`: one iteration per chunk, already a batch."""
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    update = clause.child_by_field_name("update") if clause is not None else None
    if update is None or update.type != "assignment_statement":
        return False
    return text(update.child_by_field_name("operator")) in ("+=", "-=") and text(
        update.child_by_field_name("right")) != "1"
