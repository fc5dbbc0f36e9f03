"""One iterative walk per Go file: functions, loops, call sites, declarations, comments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import cast

from tree_sitter import Node, Query, QueryCursor

from analyzers.model import Param
from analyzers.source import (
    FIELD,
    FUNC_TYPES,
    INDEXED,
    Call,
    Decl,
    Func,
    GoFile,
    Loop,
    Site,
    go_language,
    line_of,
    parse,
    text,
)
from analyzers.typeinfer import range_types

_START = attrgetter("start_byte")
_END = attrgetter("end_byte")


def _in_order(nodes: list[Node]) -> None:
    """Sort nodes by start, the longest first among those starting together: two stable sorts with
    C-level keys (a Python key function called per node cost more than the sorting)."""
    nodes.sort(key=_END, reverse=True)
    nodes.sort(key=_START)


@lru_cache(maxsize=1)
def _nodes_query() -> Query:
    kinds = sorted(INDEXED | FUNC_TYPES | {"import_spec"})
    pattern = "\n".join(f"({k}) @n" for k in kinds)
    pattern += "\n(for_statement body: (block) @n)\n(package_clause (package_identifier) @n)"
    return Query(go_language(), pattern)


@lru_cache(maxsize=1)
def _comments_query() -> Query:
    return Query(go_language(), "(comment) @c")


_TOP_FUNCS = frozenset({"function_declaration", "method_declaration"})


def _parts(root: Node) -> list[tuple[Node, bool]]:
    """What the walk visits, in document order: each top-level function or method, searched by the
    query (True), the package name and the import specs, visited themselves (False). Outside
    functions nothing else is recorded, and package-level tables (composite literals by the
    thousand, in unicode/ or crypto/) cost the query a third of its time. A tree with syntax errors
    (its root may itself be an ERROR node, declarations may sit inside ERROR nodes) is searched whole."""
    if root.has_error or root.type != "source_file":
        return [(root, True)]
    parts: list[tuple[Node, bool]] = []
    for child in root.named_children:
        kind = child.type
        if kind in _TOP_FUNCS:
            parts.append((child, True))
        elif kind == "package_clause":
            parts.extend((c, False) for c in child.named_children if c.type == "package_identifier")
        elif kind == "import_declaration":
            for spec in child.named_children:
                if spec.type == "import_spec_list":
                    parts.extend((c, False) for c in spec.named_children if c.type == "import_spec")
                elif spec.type == "import_spec":
                    parts.append((spec, False))
    return parts


@dataclass(eq=False)
class _Frame:
    end: int
    func: Func | None
    loops: tuple[Loop, ...]


def build_file(path: str, src: bytes) -> GoFile:
    """Parse src and index it. Never raises on malformed Go: tree-sitter recovers."""
    tree = parse(src)
    gf = GoFile(path=path, src=src, tree=tree, is_test=path.endswith("_test.go"))
    root = tree.root_node
    if root.has_error:
        gf.parse_errors = _count_errors(root)
    _Walker(gf).run(root)
    return gf


def _count_errors(root: Node) -> int:
    count = 0
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and (node.type == "ERROR" or node.is_missing):
            count += 1
        if node is not None and node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


class _Walker:
    def __init__(self, gf: GoFile) -> None:
        self.gf = gf
        self.stack: list[_Frame] = [_Frame(end=1 << 62, func=None, loops=())]
        self.pending_bodies: dict[tuple[int, int], Loop] = {}
        self.literal_counts: dict[int, int] = {}

    def run(self, root: Node) -> None:
        # A compiled query finds the nodes of interest in C; Python touches only those, parents
        # before children (sorted by start, longest first), instead of walking every node.
        for part, search in _parts(root):
            if search:
                nodes = QueryCursor(_nodes_query()).captures(part).get("n", [])
                _in_order(nodes)
                for node in nodes:
                    self.visit(node)
            else:
                self.visit(part)
        src = self.gf.src
        # Comments matter for perf-review's own markers and for other linters' suppressions.
        if b"perf-review:" in src or b"nolint" in src or b"lint:ignore" in src:
            for node in QueryCursor(_comments_query()).captures(root).get("c", []):
                self.gf.comments.setdefault(node.start_point[0] + 1, []).append(text(node))

    def visit(self, node: Node) -> None:
        start = node.start_byte
        end = node.end_byte
        stack = self.stack
        while start >= stack[-1].end or end > stack[-1].end:
            stack.pop()
        frame = stack[-1]
        kind = node.type
        if kind == "block":
            loop = self.pending_bodies.pop((start, node.end_byte), None)
            if loop is not None:
                stack.append(_Frame(node.end_byte, frame.func, (*frame.loops, loop)))
            return
        if kind in FUNC_TYPES:
            self.enter_func(node, frame)
            return
        func = frame.func
        if func is None:
            self.top_level(node)
            return
        if kind not in INDEXED:
            return
        outer = func.outer_loops
        if kind == "call_expression":
            call = _call(node, frame.loops, outer, self.gf.src)
            func.calls.append(call)  # also the function's call_expression sites (enter_func)
            by_name = func._calls_by_name
            if by_name is not None:
                same = by_name.get(call.name)
                if same is None:
                    by_name[call.name] = [call]
                else:
                    same.append(call)
            return
        func._sites.setdefault(kind, []).append(Site(node, frame.loops, outer))
        if kind == "for_statement":
            loop = _loop(node, frame.loops[-1] if frame.loops else None)
            func.loops.append(loop)
            body = node.child_by_field_id(FIELD.body)
            if body is not None:
                self.pending_bodies[(body.start_byte, body.end_byte)] = loop
            self.range_decls(func, loop, frame.loops)
        elif kind == "short_var_declaration":
            self.short_decl(func, node, frame.loops)
        elif kind == "var_declaration":
            self.var_decl(func, node, frame.loops)

    def enter_func(self, node: Node, frame: _Frame) -> None:
        parent = frame.func
        if node.type == "func_literal":
            assert_parent = parent
            if assert_parent is None:
                return  # package-level func literal: analysed as part of no function
            n = self.literal_counts.get(id(assert_parent), 0) + 1
            self.literal_counts[id(assert_parent)] = n
            func = Func(
                name=f"{assert_parent.name}.func{n}",
                node=node,
                file=self.gf,
                receiver=assert_parent.receiver,
                parent=assert_parent,
                outer_loops=assert_parent.outer_loops + frame.loops,
            )
            assert_parent.closures.append(func)
            assert_parent._sites.setdefault("func_literal", []).append(
                Site(node, frame.loops, assert_parent.outer_loops)
            )
        else:
            receiver, recv_name, pointer = _receiver(node)
            func = Func(
                name=text(node.child_by_field_id(FIELD.name)),
                node=node,
                file=self.gf,
                receiver=receiver,
                receiver_name=recv_name,
                pointer_receiver=pointer,
            )
            if recv_name and receiver:
                func.decls[recv_name] = [
                    Decl(recv_name, ("*" if pointer else "") + receiver, node, func.start_line, (), "param")
                ]
        # The name index of calls_named and the call sites are filled as the walk finds calls.
        func._calls_by_name = {}
        func._sites["call_expression"] = cast(list[Site], func.calls)
        func.params = params_of(node.child_by_field_id(FIELD.parameters))
        func.results = params_of(node.child_by_field_id(FIELD.result))
        for p in func.params:
            if p.name and p.name != "_":
                func.decls.setdefault(p.name, []).append(
                    Decl(p.name, p.type.replace("...", "[]", 1), node, func.start_line, (), "param")
                )
        for r in func.results:
            if r.name and r.name != "_":
                func.decls.setdefault(r.name, []).append(Decl(r.name, r.type, node, func.start_line, (), "param"))
        self.gf.funcs.append(func)
        self.stack.append(_Frame(node.end_byte, func, ()))

    def top_level(self, node: Node) -> None:
        kind = node.type
        if kind == "package_identifier" and not self.gf.package:
            parent = node.parent
            if parent is not None and parent.type == "package_clause":
                self.gf.package = text(node)
        elif kind == "import_spec":
            path = text(node.child_by_field_id(FIELD.path)).strip('"`')
            alias = text(node.child_by_field_id(FIELD.name))
            self.gf.imports[alias or path.rsplit("/", 1)[-1]] = path

    def short_decl(self, func: Func, node: Node, loops: tuple[Loop, ...]) -> None:
        left = node.child_by_field_id(FIELD.left)
        right = node.child_by_field_id(FIELD.right)
        names = [c for c in left.named_children] if left is not None else []
        values = [c for c in right.named_children] if right is not None else []
        multi = len(values) == 1 and len(names) > 1
        for i, ident in enumerate(names):
            if ident.type != "identifier":
                continue
            name = text(ident)
            if name == "_":
                continue
            value = values[i] if len(values) == len(names) else None
            decl = Decl(name, None, node, ident.start_point[0] + 1, loops, "short", value, func=func)
            if multi:  # x, err := f() / v, ok := m[k] / v, ok := x.(T) / v, ok := <-ch
                decl.multi_init, decl.result_index = values[0], i
            self.add_decl(func, decl)

    def var_decl(self, func: Func, node: Node, loops: tuple[Loop, ...]) -> None:
        for spec in node.named_children:
            specs = spec.named_children if spec.type == "var_spec_list" else [spec]
            for s in specs:
                if s.type != "var_spec":
                    continue
                typ_node = s.child_by_field_id(FIELD.type)
                value_list = s.child_by_field_id(FIELD.value)
                values = value_list.named_children if value_list is not None else []
                names = s.children_by_field_name("name")
                declared = text(typ_node) if typ_node is not None else None
                for i, ident in enumerate(names):
                    value = values[i] if len(values) == len(names) else None
                    self.add_decl(
                        func, Decl(text(ident), declared, s, ident.start_point[0] + 1, loops, "var", value, func=func)
                    )

    def range_decls(self, func: Func, loop: Loop, loops: tuple[Loop, ...]) -> None:
        if loop.kind not in ("range", "range-int") or loop.range_node is None:
            return
        clause = loop.range_node.parent
        if clause is None or ":=" not in text(clause).split("range", 1)[0]:
            return
        key_type, value_type = range_types(loop.range_node, func)
        inner = (*loops, loop)
        for name, typ in ((loop.key, key_type), (loop.value, value_type)):
            if name and name != "_":
                self.add_decl(func, Decl(name, typ, loop.node, loop.line, inner, "range", func=func))

    @staticmethod
    def add_decl(func: Func, decl: Decl) -> None:
        if decl.init is not None and decl.init.type == "call_expression" and _is_make(decl.init):
            args = decl.init.child_by_field_id(FIELD.arguments)
            if args is not None:
                decl.make_args = tuple(text(a) for a in args.named_children[1:])
        func.decls.setdefault(decl.name, []).append(decl)


def _is_make(call: Node) -> bool:
    return text(call.child_by_field_id(FIELD.function)) == "make"


__all__ = ["Call", "Site", "build_file", "params_of"]


def params_of(node: Node | None) -> list[Param]:
    out: list[Param] = []
    if node is None:
        return out
    if node.type != "parameter_list":  # a single unnamed result type
        return [Param("", text(node))]
    for decl in node.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        typ = text(decl.child_by_field_id(FIELD.type))
        if decl.type == "variadic_parameter_declaration":
            typ = "..." + typ
        names = [text(c) for c in decl.children_by_field_name("name")]
        if names:
            out.extend(Param(n, typ) for n in names)
        else:
            out.append(Param("", typ))
    return out


def _receiver(node: Node) -> tuple[str | None, str, bool]:
    recv = node.child_by_field_id(FIELD.receiver)
    if recv is None:
        return None, "", False
    for decl in recv.named_children:
        if decl.type != "parameter_declaration":
            continue
        typ = decl.child_by_field_id(FIELD.type)
        name = text(decl.child_by_field_id(FIELD.name))
        pointer = typ is not None and typ.type == "pointer_type"
        raw = text(typ).lstrip("*").strip()
        raw = raw.split("[", 1)[0]  # generic receivers: List[T] -> List
        return raw, name, pointer
    return None, "", False


def _loop(node: Node, parent: Loop | None) -> Loop:
    depth = parent.depth + 1 if parent else 1
    loop = Loop(node=node, kind="infinite", depth=depth, parent=parent, line=line_of(node))
    for child in node.named_children:
        if child.type == "range_clause":
            right = child.child_by_field_id(FIELD.right)
            loop.range_node = right
            loop.range_expr = text(right)
            left = child.child_by_field_id(FIELD.left)
            names = [text(c) for c in left.named_children] if left is not None else []
            loop.key = names[0] if names else ""
            loop.value = names[1] if len(names) > 1 else ""
            loop.kind = "range-int" if right is not None and _looks_int(right) else "range"
            # Ranging over a channel or an iterator function has no length known up front.
            loop.sized = True
            return loop
        if child.type == "for_clause":
            loop.kind = "for"
            loop.cond = text(child.child_by_field_id(FIELD.condition))
            loop.sized = "len(" in loop.cond or bool(re.search(r"<=?\s*\w", loop.cond))
            return loop
        if child.type not in ("block", "comment"):
            loop.kind = "cond"
            loop.cond = text(child)
            return loop
    return loop


def _looks_int(node: Node) -> bool:
    return node.type == "int_literal" or (node.type == "call_expression" and text(
        node.child_by_field_id(FIELD.function)) == "len")


def _call(node: Node, loops: tuple[Loop, ...], outer: tuple[Loop, ...], src: bytes) -> Call:
    fn = node.child_by_field_id(FIELD.function)
    name = ""
    if fn is not None:
        kind = fn.type
        if kind == "selector_expression":
            fn_field = fn.child_by_field_id(FIELD.field)
            if fn_field is not None:
                name = src[fn_field.start_byte : fn_field.end_byte].decode("utf-8", "replace")
        elif kind == "identifier":
            name = src[fn.start_byte : fn.end_byte].decode("utf-8", "replace")
    return Call(node, loops, outer, fn, name)
