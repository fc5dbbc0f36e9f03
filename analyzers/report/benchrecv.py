"""What a method does with its receiver: the fields it (and the receiver's methods it calls) reads,
which channels it sends on or receives from, and which method adds elements while keeping the type's
invariants (an LRU's map and list together)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.report.benchreach import PackageIndex
from analyzers.report.benchwaits import waits
from analyzers.source import Func, descendants, strip_parens, text

ADDERS = ("Add", "Put", "Set", "Insert", "Store", "Push", "Append", "Register", "Observe", "Record", "Inc",
          "Handle", "HandleFunc", "Write", "Update", "Upsert", "Enqueue", "Offer", "add", "put", "set", "insert",
          "push", "store", "register")


@dataclass
class ReceiverUse:
    reads: list[str] = field(default_factory=list)  # field names read, first use first
    deep_reads: list[str] = field(default_factory=list)  # "f.g": a field of a struct-valued field
    writes: set[str] = field(default_factory=set)  # fields assigned, appended to or written into
    sends: set[str] = field(default_factory=set)  # channel fields sent on
    receives: set[str] = field(default_factory=set)  # channel fields received from
    ranges: set[str] = field(default_factory=set)  # channel fields ranged over (worker loops)
    pools: dict[str, str] = field(default_factory=dict)  # sync.Pool field -> the type its Get is asserted to
    asserted: dict[str, str] = field(default_factory=dict)  # interface field -> the type `recv.f.(T)` asserts
    nil_checked: set[str] = field(default_factory=set)  # fields compared with nil: nil is a state the code handles


def _receiver_field(node: Node | None, recv: str) -> str | None:
    """"f" for `recv.f` (also `recv.f.g`, `recv.f[k]`), else None."""
    node = strip_parens(node)
    while node is not None and node.type in ("index_expression", "slice_expression", "selector_expression"):
        operand = strip_parens(node.child_by_field_name("operand"))
        if node.type == "selector_expression" and operand is not None and operand.type == "identifier" \
                and text(operand) == recv:
            return text(node.child_by_field_name("field"))
        node = operand
    return None


def receiver_use(func: Func, index: PackageIndex, depth: int = 3) -> ReceiverUse:
    """How func and the methods it calls on the same receiver use the receiver's fields."""
    use = ReceiverUse()
    seen: set[Func] = set()
    _visit(func, index, use, seen, depth)
    return use


def _visit(func: Func, index: PackageIndex, use: ReceiverUse, seen: set[Func], depth: int) -> None:
    if func in seen or depth < 0 or not func.receiver_name or func.body is None:
        return
    seen.add(func)
    recv = func.receiver_name
    for node in descendants(func.body):
        kind = node.type
        if kind == "selector_expression":
            name = _receiver_field(node, recv)
            operand = node.child_by_field_name("operand")
            if name is not None and operand is not None and text(operand) == recv and name not in use.reads \
                    and not _is_method_call(node):
                use.reads.append(name)
            inner = strip_parens(operand)
            if inner is not None and inner.type == "selector_expression" and not _is_method_call(node):
                base = inner.child_by_field_name("operand")
                if base is not None and text(base) == recv:
                    deep = f"{text(inner.child_by_field_name('field'))}.{text(node.child_by_field_name('field'))}"
                    if deep not in use.deep_reads:
                        use.deep_reads.append(deep)
        elif kind == "send_statement":
            name = _receiver_field(node.child_by_field_name("channel"), recv)
            if name is not None:
                use.sends.add(name)
        elif kind == "unary_expression" and text(node.child_by_field_name("operator")) == "<-":
            name = _receiver_field(node.child_by_field_name("operand"), recv)
            if name is not None:
                use.receives.add(name)
        elif kind == "range_clause":
            name = _receiver_field(node.child_by_field_name("right"), recv)
            if name is not None:
                use.ranges.add(name)
        elif kind in ("assignment_statement", "inc_statement", "dec_statement"):
            left = node.child_by_field_name("left") if kind == "assignment_statement" else node
            for target in (left.named_children if left is not None else []):
                name = _receiver_field(target, recv)
                if name is not None:
                    use.writes.add(name)
        elif kind == "call_expression":
            _call(func, node, index, use, seen, depth)
        elif kind == "type_assertion_expression":
            _pool_get(node, recv, use)
            _field_assertion(node, recv, use)
        elif kind == "binary_expression" and text(node.child_by_field_name("operator")) in ("==", "!="):
            sides = [strip_parens(node.child_by_field_name(s)) for s in ("left", "right")]
            for a, b in (sides, sides[::-1]):
                if b is not None and text(b) == "nil" and a is not None and a.type == "selector_expression":
                    operand = strip_parens(a.child_by_field_name("operand"))
                    if operand is not None and text(operand) == recv:
                        use.nil_checked.add(text(a.child_by_field_name("field")))


def _pool_get(node: Node, recv: str, use: ReceiverUse) -> None:
    """`recv.pool.Get().(T)`: the pool must make T values."""
    call = strip_parens(node.child_by_field_name("operand"))
    if call is None or call.type != "call_expression":
        return
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression" or text(fn.child_by_field_name("field")) != "Get":
        return
    name = _receiver_field(fn.child_by_field_name("operand"), recv)
    if name is not None:
        use.pools.setdefault(name, text(node.child_by_field_name("type")))


def _field_assertion(node: Node, recv: str, use: ReceiverUse) -> None:
    """`recv.f.(*pipe)`: the field must hold that type (the first assertion wins)."""
    operand = strip_parens(node.child_by_field_name("operand"))
    asserted = node.child_by_field_name("type")
    if operand is None or asserted is None or operand.type != "selector_expression":
        return
    inner = strip_parens(operand.child_by_field_name("operand"))
    if inner is not None and inner.type == "identifier" and text(inner) == recv:
        use.asserted.setdefault(text(operand.child_by_field_name("field")), text(asserted))


def _is_method_call(sel: Node) -> bool:
    parent = sel.parent
    return parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == sel


def _call(func: Func, call: Node, index: PackageIndex, use: ReceiverUse, seen: set[Func], depth: int) -> None:
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression":
        return
    operand = strip_parens(fn.child_by_field_name("operand"))
    recv = func.receiver_name
    if operand is not None and operand.type == "identifier" and text(operand) == recv:
        target = index.method(func.receiver or "", text(fn.child_by_field_name("field")))
        if target is not None and target.receiver_name:
            _visit(target, index, use, seen, depth - 1)
        return
    name = _receiver_field(operand, recv)
    if name is not None and text(fn.child_by_field_name("field")) in ("Write", "WriteString", "Add", "Set", "Store",
                                                                       "PushBack", "PushFront", "Push"):
        use.writes.add(name)


def _asserts_its_interface(m: Func) -> bool:
    """`func (s *sstack) Push(data any) { s.active = append(s.active, data.(*item)) }`: the method wants
    one dynamic type behind its interface parameter, and generated values (strings) are not it."""
    code = text(m.node)
    return any(p.type in ("any", "interface{}") and bool(p.name)
               and re.search(rf"\b{re.escape(p.name)}\s*\.\s*\(", code) is not None for p in m.params)


def asserting_adder(type_name: str, index: PackageIndex) -> Func | None:
    """The type's adder when it takes an interface and asserts one dynamic type behind it."""
    methods = index.methods.get(type_name, {})
    return next((methods[n] for n in ADDERS if n in methods and _asserts_its_interface(methods[n])), None)


def adder(type_name: str, fields: set[str], index: PackageIndex, exclude: Func | None) -> Func | None:
    """A method of the type that writes one of `fields` and at least one other field: adding through it
    keeps the type's parts consistent, which filling the field directly would not."""
    methods = index.methods.get(type_name, {})
    for name in ADDERS:
        m = methods.get(name)
        if m is None or m is exclude or not m.params or _asserts_its_interface(m):
            continue
        use = receiver_use(m, index, depth=2)
        if use.writes & fields and len(use.writes) >= 2 and not use.sends and not use.receives \
                and waits(m, index) is None:  # a pipe's Write blocks once its buffer is full
            return m
    return None
