"""Loops on the way to a finding's line: which inputs they walk (what n scales), and the collections a
statement hands whole to a call (`json.Marshal(s.items)`), whose size is its cost even outside a loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.source import strip_parens, text

if TYPE_CHECKING:
    from analyzers.report.benchpaths import PathReader


def loop_drivers(reader: PathReader, loop: Node) -> list[str]:
    found: list[str] = []
    for child in loop.named_children:
        if child.type == "range_clause":
            right = child.child_by_field_name("right")
            path = reader.path_of(right)
            if path is not None and right is not None and right.type != "int_literal":
                found.append(path)
        elif child.type == "for_clause":
            found += _bounds(reader, child.child_by_field_name("condition"))
        elif child.type not in ("block", "comment"):
            found += _bounds(reader, child)
    return found


def _bounds(reader: PathReader, cond: Node | None) -> list[str]:
    cond = strip_parens(cond)
    if cond is None:
        return []
    if cond.type == "binary_expression" and text(cond.child_by_field_name("operator")) in ("&&", "||"):
        return _bounds(reader, cond.child_by_field_name("left")) + _bounds(reader, cond.child_by_field_name("right"))
    if cond.type != "binary_expression":
        path = reader.path_of(cond)
        return [path] if path is not None and "?" not in path else []
    out = []
    op = text(cond.child_by_field_name("operator"))
    left = strip_parens(cond.child_by_field_name("left"))
    # `i != end` bounds a counter; `table[i] != state` compares an element with a value, which sizes nothing
    # (n given to `state` would index past a fixed table).
    value_test = op in ("==", "!=") and (left is None or left.type not in ("identifier", "selector_expression"))
    for side in ("right", "left"):
        node = strip_parens(cond.child_by_field_name(side))
        if node is not None and node.type == "call_expression" and text(node.child_by_field_name("function")) \
                in ("len", "cap"):
            args = node.child_by_field_name("arguments")
            path = reader.path_of(args.named_children[0]) if args is not None and args.named_children else None
            if path is not None:
                out.append(path)
        elif node is not None and side == "right" and node.type in ("identifier", "selector_expression") \
                and not value_test:
            path = reader.path_of(node)
            if path is not None:
                out.append(path)
    return out


def collections_used(reader: PathReader, target: Node) -> list[str]:
    """Collections the target statement hands to a call whole (json.Marshal(s.items)), so that its
    cost grows with them even outside a loop."""
    out: list[str] = []
    stack = [target]
    seen: set[Node] = set()
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            decl = reader.func.lookup(text(node), node)
            init = (decl.init or decl.multi_init) if decl is not None and decl.kind in ("short", "var") \
                else None
            if init is not None and init.type == "call_expression" and init not in seen:
                seen.add(init)
                stack.append(init)
        elif node.type == "argument_list":
            for arg in node.named_children:
                path = reader.path_of(arg)
                if path is not None and _is_collection(reader, path):
                    out.append(path)
        stack.extend(c for c in node.named_children if c.type != "func_literal")
    return out


def _is_collection(reader: PathReader, path: str) -> bool:
    if "?" in path or path.endswith("[]"):
        return False
    root, *fields = path.split(".")
    t = reader.func.type_of(root)
    if fields == ["Body"] and t.lstrip("*").endswith("http.Request"):
        return True  # a request body read whole: its size is the cost
    for f in fields:
        t = reader.index.field_type(t, f)
    t = t.lstrip("*")
    return t.startswith(("[]", "map[")) and t not in ("[]byte",)
