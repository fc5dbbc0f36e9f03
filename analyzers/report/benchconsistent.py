"""Functions whose input only the package's own callers keep consistent, read from their syntax: each
check returns the reason the benchmark gives to b.Skip, or None (benchskips.py has the others).

A recursion whose work multiplies per element, or that ends only at a value its callers line up; a
position in a heap; one field's elements holding positions into another field; a parameter's positions
indexing a value whose length a call decides.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.report.benchreach import PackageIndex
from analyzers.source import Call, Func, descendants, strip_parens, text

_INT_PARAMS = ("int", "int32", "int64", "uint", "uint32", "uint64", "Pos")


def _self_calls(func: Func, index: PackageIndex) -> list[Call]:
    return [c for c in func.calls if index.callee(c.node, func) is func]


def branching_recursion(func: Func, index: PackageIndex) -> str | None:
    """`for _, l := range labels[0] { rs := expand(labels[1:]) ... }`: a call of itself on the rest of a
    parameter, once per element of a loop, multiplies the work by each element's length: exponential in
    the parameter's length, which no size n shows as a per-element cost (the generated one never ends).
    A function that hands a value to such a function has that cost too."""
    found = _branching(func, index)
    if found is not None:
        return found
    for call in func.calls:
        callee = index.callee(call.node, func)
        if callee is not None and callee is not func:
            inner = _branching(callee, index)
            if inner is not None:
                return f"it calls {callee.qualified_name} (line {call.line}), which {inner}"
    return None


def _branching(func: Func, index: PackageIndex) -> str | None:
    params = {p.name for p in func.params if p.name and p.type.startswith("[]")}
    for call in _self_calls(func, index):
        # Once per element of a range loop, its result kept: a call the loop returns (a matcher's
        # `return match(s, p[1:]) || ...`) happens once per call, however many elements there are.
        if not call.loops or call.loops[-1].kind != "range" or _returned(call.node):
            continue
        for raw in call.args:
            arg = strip_parens(raw)
            operand = arg.child_by_field_name("operand") if arg is not None and arg.type == "slice_expression" \
                else None
            if arg is not None and operand is not None and operand.type == "identifier" and text(operand) in params:
                return (f"calls itself on {text(arg)} once per element of a loop (line {call.line}): the work "
                        f"multiplies with each element of {text(operand)}, exponential in its length, which no "
                        "size n shows")
    return None


def _returned(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in ("block", "statement_list", "function_declaration",
                                                     "method_declaration", "func_literal"):
        if parent.type == "return_statement":
            return True
        parent = parent.parent
    return False


def unreached_base(func: Func, index: PackageIndex) -> str | None:
    """`if length == rh.sectionLength { ... } else { length /= 2; rh.hash(d[:length], length) }`: a
    recursion that ends only when an int parameter equals a value the callers line up (a field, a
    variable): a generated value may never reach it, and the stack overflows."""
    if not _self_calls(func, index):
        return None
    ints = {p.name for p in func.params if p.name and p.type in _INT_PARAMS}
    body = func.body
    if not ints or body is None:
        return None
    bases: list[tuple[str, str, int]] = []  # (parameter, what it must equal, line)
    for node in descendants(body):
        if node.type != "binary_expression":
            continue
        op = text(node.child_by_field_name("operator"))
        sides = [strip_parens(node.child_by_field_name(f)) for f in ("left", "right")]
        if op in ("<", "<=", ">", ">=") and any(s is not None and text(s) in ints for s in sides):
            return None  # a bound ends it whatever the value
        left, right = sides
        if op != "==" or left is None or right is None:
            continue
        for mine, other in ((left, right), (right, left)):
            if mine.type == "identifier" and text(mine) in ints and \
                    other.type in ("selector_expression", "identifier") and other.type != "int_literal":
                if other.type == "identifier" and not re.fullmatch(r"[a-z]\w*", text(other)):
                    continue  # a constant (Go names them too, but a lower-case one is usually a variable)
                bases.append((text(mine), text(other), node.start_point[0] + 1))
    if not bases:
        return None
    name, value, line = bases[0]
    return (f"its recursion ends only when {name} equals {value} (line {line}), a value its callers inside the "
            f"package line up: a generated {name} may never reach it, and the stack overflows")


def heap_position(func: Func) -> str | None:
    """`heap.Remove(p.cont, i)`, `heap.Fix(h, i)` with an int parameter: a position in a heap, valid only
    for an element it holds (its callers got it from the heap's index callback); Remove uses one up on
    every call, and an empty heap panics."""
    ints = {p.name for p in func.params if p.name and p.type in _INT_PARAMS}
    for call in func.calls:
        if call.callee not in ("heap.Remove", "heap.Fix") or len(call.args) != 2:
            continue
        index = strip_parens(call.args[1])
        if index is not None and text(index) in ints:
            return (f"its parameter {text(index)} is a position in the heap {text(call.args[0])} ({call.callee}, "
                    f"line {call.line}): valid only for an element the heap holds, which only its callers know")
    return None


def stored_positions(func: Func) -> str | None:
    """`for _, head := range w.lheads { n := copy(out[pos:], w.str[strpos:head.offset]) }`: the elements of
    one field of the receiver hold positions into another field. Only the methods that fill both keep them
    consistent; generated elements point anywhere."""
    recv = func.receiver_name
    if not recv:
        return None
    for loop in func.loops:
        if loop.kind != "range" or not loop.value or not loop.range_expr.startswith(recv + ".") or loop.body is None:
            continue
        for node in descendants(loop.body):
            if node.type != "slice_expression":
                continue
            operand = text(node.child_by_field_name("operand"))
            if not operand.startswith(recv + ".") or operand == loop.range_expr:
                continue
            for bound in (node.child_by_field_name(f) for f in ("start", "end")):
                bound = strip_parens(bound)
                if bound is not None and bound.type == "selector_expression" and \
                        text(bound.child_by_field_name("operand")) == loop.value:
                    return (f"the elements of {loop.range_expr} hold positions into {operand} (line "
                            f"{node.start_point[0] + 1}: {text(node)}): only the methods that fill both keep them "
                            "consistent")
    return None


_SIZED_BY_CALLER = frozenset({"make", "append", "len", "cap", "copy", "string", "min", "max"})


def foreign_length(func: Func) -> str | None:
    """`for j := 0; j < len(in); j++ { out[j] = in[j] ^ key[j] }` where `key := h.Sum(nil)`: positions of a
    parameter index a local whose length a call decides (a hash's size), with no check against it. Only
    the callers keep the parameter that short (swarm's Transcrypt gets segments of the key's length)."""
    params = {p.name for p in func.params if p.name and p.name != "_"}
    for loop in func.loops:
        counter, less, bound = loop.cond.partition("<")  # `j < n`, `j < len(in)`
        counter, bound = counter.strip(), bound.strip()
        if loop.kind != "for" or not less or not counter.isidentifier() or bound.startswith("=") or loop.body is None:
            continue
        if bound.isidentifier():  # inLength := len(in)
            decl = func.lookup(bound, loop.node)
            bound = text(strip_parens(decl.init)) if decl is not None and decl.init is not None else ""
        param = bound[4:-1] if bound.startswith("len(") and bound.endswith(")") else ""
        if param not in params:
            continue
        for node in descendants(loop.body):
            if node.type != "index_expression":
                continue
            operand, index = node.child_by_field_name("operand"), strip_parens(node.child_by_field_name("index"))
            if operand is None or operand.type != "identifier" or index is None or text(index) != counter:
                continue
            decl = func.lookup(text(operand), operand)
            init = strip_parens(decl.init) if decl is not None and decl.kind != "param" else None
            if init is None or init.type != "call_expression":
                continue
            fn = text(init.child_by_field_name("function"))
            if fn in _SIZED_BY_CALLER or re.search(rf"\b{re.escape(param)}\b", text(init)):
                continue
            if re.search(rf"\blen\({re.escape(text(operand))}\)", text(func.body)):
                continue  # checked against
            return (f"line {node.start_point[0] + 1} indexes {text(operand)}, whose length {fn} decides, at every "
                    f"position of {param}: only its callers keep {param} that short")
    return None


_ARRAY = re.compile(r"^\[(\w+)\]")


def array_walk(func: Func, index: PackageIndex) -> str | None:
    """`for i := 0; len(b) >= 8; i++ { put(b, d.a[i]); b = b[8:] }` (go-ethereum's sha3 `copyOutGeneric`):
    the loop runs as long as a parameter has bytes left and indexes a fixed-size array field by its
    counter. Only its callers keep the parameter within the array (25 lanes of the sponge); n bytes past
    that index out of range."""
    params = {p.name for p in func.params if p.name and p.name != "_"}
    types = {p.name: p.type for p in func.params if p.name}
    if func.receiver_name and func.receiver:
        types[func.receiver_name] = func.receiver
    for loop in func.loops:
        clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
        init = clause.child_by_field_name("initializer") if clause is not None else None
        left = init.child_by_field_name("left") if init is not None else None
        if loop.body is None or left is None or len(left.named_children) != 1:
            continue
        counter = text(left.named_children[0])
        walked = [p for p in params if re.search(rf"\blen\({re.escape(p)}\)", loop.cond)]
        if not walked or re.search(rf"\b{re.escape(counter)}\b", loop.cond):
            continue  # bounded by the counter itself (`i < len(d.a)`): not this shape
        for node in descendants(loop.body):
            operand = node.child_by_field_name("operand") if node.type == "index_expression" else None
            index_node = strip_parens(node.child_by_field_name("index")) if operand is not None else None
            if operand is None or operand.type != "selector_expression" or index_node is None or \
                    text(index_node) != counter:
                continue
            owner = text(operand.child_by_field_name("operand"))
            field_type = index.field_type(types.get(owner, "").lstrip("*"), text(operand.child_by_field_name("field")))
            m = _ARRAY.match(field_type or "")
            if m is not None:
                return (f"line {node.start_point[0] + 1} indexes {text(operand)}, an array of {m.group(1)}, at each "
                        f"step over {walked[0]}: only its callers keep {walked[0]} within it")
    return None
