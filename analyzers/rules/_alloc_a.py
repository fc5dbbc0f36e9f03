"""Helpers for the alloc rules of group A: import names, loop shapes for preallocation, and the
statements that can skip part of a loop iteration (expression types: `Types`, the shared resolver)."""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.extern import parse_named
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Func, Loop, descendants, statements, strip_parens, text
from analyzers.typeinfer import TypeResolver, infer_type
from analyzers.typetext import INT_TYPES

# Expression types come from the package's shared resolver (analyzers/typeinfer.py); the name
# stays for the rules that ask for it.
Types = TypeResolver


def import_name(func: Func, path: str) -> str | None:
    """The name under which func's file imports path (None when it does not)."""
    name = func.file.import_name(path)
    return None if name in ("_", ".") else name


def callee_in(func: Func, call_recv: str, path: str) -> bool:
    """True when a call's receiver text is the file's name for package path (and not a local)."""
    return bool(call_recv) and call_recv == import_name(func, path) and func.lookup(call_recv) is None


def top_func(func: Func) -> Func:
    while func.parent is not None:
        func = func.parent
    return func


# --- Loops: sized collections and statements that skip or end iterations -------------------------

_INIT = re.compile(r"^\s*(\w+)\s*:=\s*(.+?)\s*$")
_LIMIT = re.compile(r"^\s*(\w+)\s*(<=?|>=?)\s*(.+?)\s*$")
_INC = re.compile(r"^\s*(\w+)\s*(\+\+|\+=\s*1)\s*$")
_STEP = re.compile(r"^\s*(\w+)\s*\+=\s*([2-9])\s*$")  # `i += 2`: pairs
_DEC = re.compile(r"^\s*(\w+)\s*(--|-=\s*1)\s*$")
_SIMPLE = re.compile(r"^\w+$")
_MINUS_ONE = re.compile(r"^(.+?)\s*-\s*1$")
_ARITHMETIC = re.compile(r"^\s*\d+(\s*[+-]\s*\d+)*\s*$")
_TERM = re.compile(r"[+-]?\s*\d+")
NO_LENGTH_PREFIXES = ("chan ", "<-chan ", "chan<- ", "func(", "iter.", "*bufio.Scanner")


def loop_count(loop: Loop, func: Func, types: Types) -> str | None:
    """An expression for the iteration count of a loop over a sized collection, known before the
    loop starts (`len(xs)`, `n`), or None for channels, iterators, conditions and tiny loops."""
    if is_small_constant_loop(loop):
        return None
    if loop.kind in ("range", "range-int"):
        return _range_count(loop, func, types)
    if loop.kind == "for":
        return _for_count(loop)
    return None


def _range_count(loop: Loop, func: Func, types: Types) -> str | None:
    node = strip_parens(loop.range_node)
    if node is None or node.type in ("composite_literal", "func_literal"):
        return None
    expr = text(node)
    if loop.kind == "range-int":
        return expr if node.type != "call_expression" or expr.startswith("len(") else None
    t = types.underlying(types.type(node, func), func)  # a named type: its underlying type decides
    if t.startswith(NO_LENGTH_PREFIXES):
        return None
    if t in INT_TYPES:  # `range n`: as for range-int, a count from a call is not hoisted
        return expr if node.type != "call_expression" or expr.startswith("len(") else None
    sized = t.startswith(("[", "map[", "*[")) or t == "string"
    if node.type == "call_expression":
        if t.startswith("[]"):
            return f"len({expr})"
        # A protobuf-style getter (`rc.GetVirtualHosts()`) with two iteration variables returns a
        # slice or a map: neither a channel nor a single-value iterator allows `for _, v := range`.
        getter = text(node.child_by_field_name("function")).rsplit(".", 1)[-1]
        return f"len({expr})" if not t and loop.value and _GETTER.match(getter) else None
    if sized:
        return f"len({expr})"
    # Unknown type (or another package's type whose source is not at hand): two iteration variables
    # rule out channels and single-value iterators, and so does indexing the collection with the key
    # in the body (`for i := range xs { ... xs[i] ... }`).
    if t and not _opaque(t, func, types):
        return None
    if node.type not in ("identifier", "selector_expression") or _iterator_var(node, func):
        return None
    indexed = bool(loop.key) and f"{expr}[{loop.key}]" in text(loop.body)
    return f"len({expr})" if loop.value or indexed else None


def _opaque(t: str, func: Func, types: Types) -> bool:
    """A named type of another package that the resolver cannot see into."""
    n = parse_named(t)
    return n is not None and bool(n.qualifier) and not n.pointer and types.kind(t, func) == ""


_GETTER = re.compile(r"^Get[A-Z]\w*$")
_ITERATOR_PACKAGES = ("maps.", "slices.", "iter.")
_ITERATOR_METHODS = frozenset({"All", "Keys", "Values", "Backward", "Seq", "Seq2", "Lines", "SplitSeq", "FieldsSeq"})


def _iterator_var(node: Node, func: Func) -> bool:
    """A variable initialised from a call that likely returns an iterator (Go 1.23 range-over-func)."""
    if node.type != "identifier":
        return False
    decl = func.decl(text(node), node)
    init = strip_parens(decl.init) if decl is not None else None
    if init is None or init.type != "call_expression":
        return False
    callee = text(init.child_by_field_name("function"))
    return callee.startswith(_ITERATOR_PACKAGES) or callee.rsplit(".", 1)[-1] in _ITERATOR_METHODS


def _for_count(loop: Loop) -> str | None:
    """The iteration count of a counting loop: `i := a; i < b; i++` (b - a), `i <= b` (one more), and
    `i := b; i > 0; i--` / `i >= 0` counting down."""
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    if clause is None:
        return None
    init = _INIT.match(text(clause.child_by_field_name("initializer")))
    cond = _LIMIT.match(text(clause.child_by_field_name("condition")))
    update = text(clause.child_by_field_name("update"))
    stride = _STEP.match(update)
    inc, dec = _INC.match(update) or stride, _DEC.match(update)
    step = inc or dec
    if not (init and cond and step) or not init.group(1) == cond.group(1) == step.group(1):
        return None
    start, op, limit = init.group(2), cond.group(2), cond.group(3)
    if "&&" in limit or "||" in limit or "," in start:
        return None
    if inc and op in ("<", "<="):
        if start != "0" and not _SIMPLE.match(start):
            return None
        count = limit if start == "0" else f"{limit} - {start}"
    elif dec and op in (">", ">=") and limit == "0":
        count = start
    else:
        return None
    if op in ("<=", ">="):
        trimmed = _MINUS_ONE.match(count)
        count = trimmed.group(1) if trimmed else f"{count} + 1"
    if stride is not None:
        k = int(stride.group(2))
        if _ARITHMETIC.match(count):
            return None
        count = f"({count} + {k - 1}) / {k}" if " " in count else f"({count}+{k - 1})/{k}"
    if _ARITHMETIC.match(count):
        value = sum(int(t.replace(" ", "")) for t in _TERM.findall(count))
        return str(value) if value > 8 else None
    return count


def body_statement(node: Node, loop: Loop) -> bool:
    """True when node is a statement directly in the loop body (runs once per iteration unless an
    earlier statement skips it)."""
    parent = node.parent
    if parent is not None and parent.type == "statement_list":
        parent = parent.parent
    body = loop.body
    return parent is not None and body is not None and parent.id == body.id


_NESTED_BREAK_SCOPES = frozenset({"for_statement", "expression_switch_statement", "type_switch_statement",
                                  "select_statement"})


def skips_iterations(loop: Loop, stmt: Node) -> bool:
    """True when the loop body can skip `stmt` in some iterations or leave the loop early: a
    `continue` before it, a `break` or `goto` anywhere (returns are allowed: they abandon the result)."""
    for s in statements(loop.body):
        before = s.start_byte < stmt.start_byte
        for node in (s, *descendants(s)):
            kind = node.type
            if kind == "goto_statement":
                return True
            if kind == "continue_statement" and before and _targets(node, loop, ("for_statement",)):
                return True
            if kind == "break_statement" and _targets(node, loop, _NESTED_BREAK_SCOPES):
                return True
    return False


def _targets(node: Node, loop: Loop, scopes: frozenset[str] | tuple[str, ...]) -> bool:
    """True when a break/continue applies to `loop`: labelled, or with no nearer enclosing scope."""
    if node.named_child_count:  # labelled: assume it names this loop or one outside it
        return True
    parent = node.parent
    while parent is not None and parent.id != loop.node.id:
        if parent.type in scopes or parent.type == "func_literal":
            return False
        parent = parent.parent
    return True


def mentions(node: Node, names: set[str]) -> bool:
    """True when an identifier in node (node included) is one of names."""
    return any(n.type == "identifier" and text(n) in names for n in (node, *descendants(node)))


# --- Preallocation: a collection declared empty outside the loop that fills it --------------------


def empty_collection(func: Func, name: str, stmt: Node, loops: tuple[Loop, ...], prefix: str,
                     types: TypeResolver | None = None) -> str | None:
    """The type of `name` when it is declared with no capacity (`var xs []T`, `[]T{}`, `make([]T, 0)`, `[]T(nil)`,
    `map[K]V{}`, `make(map[K]V)`) directly around the innermost of `loops` (one loop apart) and not
    reassigned before that loop starts; else None. Named results count for slices. With types, a named
    type (`type IDs []int`, `http.Header`) counts by its underlying type."""
    decl = func.decl(name, stmt)
    loop = loops[-1]
    if decl is None or decl.node.start_byte >= loop.node.start_byte:
        return None
    typ = decl.type or infer_type(decl.init, func)
    underlying = types.underlying(typ, func).strip() if types is not None else typ.strip()
    if not underlying.startswith(prefix):
        return None
    if decl.kind == "param":
        named_result = any(r.name == name for r in func.results) and prefix == "[]" and len(loops) == 1
        body = func.body
        if not named_result or body is None or _assigned_between(func, name, body.start_byte, loop.node.start_byte):
            return None
        return typ
    if [id(lp) for lp in decl.loops] != [id(lp) for lp in loops[:-1]]:
        return None
    init = strip_parens(decl.init)
    if init is None:
        empty = decl.kind == "var" and prefix == "[]" and decl.node.child_by_field_name("type") is not None
    elif init.type == "composite_literal":
        body = init.child_by_field_name("body")
        empty = body is not None and body.named_child_count == 0
    elif init.type == "call_expression" and text(init.child_by_field_name("function")) == "make":
        empty = decl.make_args == ("0",) or (prefix == "map[" and decl.make_args == ())
    elif init.type == "type_conversion_expression":
        empty = text(init.child_by_field_name("operand")) == "nil"  # `[]T(nil)`
    else:
        empty = False
    if not empty or _assigned_between(func, name, decl.node.end_byte, loop.node.start_byte):
        return None
    return typ


def _assigned_between(func: Func, name: str, start: int, end: int) -> bool:
    for site in func.sites("assignment_statement"):
        node = site.node
        if start <= node.start_byte < end:
            left = node.child_by_field_name("left")
            if left is not None and any(text(c) == name for c in left.named_children):
                return True
    return False


def loop_header_names(loop: Loop) -> set[str]:
    """Variables the loop header declares (range key/value, the 3-clause counter)."""
    names = {loop.key, loop.value}
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    init = clause.child_by_field_name("initializer") if clause is not None else None
    left = init.child_by_field_name("left") if init is not None and init.type == "short_var_declaration" else None
    if left is not None:
        names.update(text(c) for c in left.named_children)
    names.discard("")
    names.discard("_")
    return names


def declared_in_loop(func: Func, loop: Loop) -> set[str]:
    """Names declared inside the loop body (they change from one iteration to the next)."""
    out: set[str] = set()
    for name, decls in func.decls.items():
        if any(loop in d.loops and d.node.id != loop.node.id for d in decls):
            out.add(name)
    return out | loop_header_names(loop)
