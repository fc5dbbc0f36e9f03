"""The Go model: tree-sitter-go parsing, functions, loops, local declarations and call sites.

One iterative walk per file builds everything the rules read, so that a rule is a cheap scan of
prepared lists rather than another walk of the tree (depth is unbounded in hostile input, so
nothing here recurses over the syntax tree).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Generic, Self, TypeVar, overload

import tree_sitter_go
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from analyzers.model import Param

# Node types the walk files under each function as it goes; rules look them up with Func.sites(kind).
INDEXED = frozenset(
    {
        "call_expression",
        "for_statement",
        "go_statement",
        "defer_statement",
        "short_var_declaration",
        "var_declaration",
        "assignment_statement",
        "composite_literal",
        "send_statement",
        "select_statement",
        "type_conversion_expression",
        "func_literal",
        "receive_statement",
    }
)
# Frequent node types few rules need: Func.sites(kind) finds them on first use, per function.
LAZY = frozenset(
    {
        "unary_expression",
        "binary_expression",
        "return_statement",
        "if_statement",
        "inc_statement",
        "dec_statement",
        "index_expression",
        "expression_switch_statement",
        "labeled_statement",
        "break_statement",
        "continue_statement",
        "selector_expression",
        "expression_statement",
    }
)
FUNC_TYPES = frozenset({"function_declaration", "method_declaration", "func_literal"})

_T = TypeVar("_T")


class cached_property(Generic[_T]):
    """functools.cached_property without its lock: on Python 3.11 every first access takes an RLock,
    and the model's objects (a call site's callee, receiver and arguments, a declaration's type) are
    read once each by the hundred thousand. The value goes into the instance's __dict__, which later
    reads find first; the model is not shared between threads."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> _T | Self:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


_GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)


@lru_cache(maxsize=1)
def go_language() -> Language:
    return Language(tree_sitter_go.language())


class _FieldIds:
    """tree-sitter-go's field ids by name, each looked up on first use: `node.child_by_field_id(FIELD.body)`
    is `node.child_by_field_name("body")` without the search of the grammar's field names by string on
    every call (over half a million calls per run of the standard library). An unknown name is id 0,
    which finds no child, as child_by_field_name finds none."""

    def __getattr__(self, name: str) -> int:
        found = go_language().field_id_for_name(name) or 0
        setattr(self, name, found)
        return found


FIELD = _FieldIds()


@cache
def _kind_query(kind: str) -> Query:
    return Query(go_language(), f"({kind}) @n")


def _start(node: Node) -> int:
    return node.start_byte


def parse(src: bytes) -> Tree:
    return Parser(go_language()).parse(src)


def text(node: Node | None) -> str:
    """The source text of a node ("" for None)."""
    if node is None:
        return ""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def is_generated(src: bytes) -> bool:
    head = src[: src.find(b"\npackage ") + 1] if b"\npackage " in src else src[:4096]
    return _GENERATED.search(head) is not None


def descendants(node: Node) -> Iterator[Node]:
    """Every named descendant of node in document order, iteratively (depth is unbounded)."""
    cursor = node.walk()
    depth = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
        else:
            while not cursor.goto_next_sibling():
                if depth == 0 or not cursor.goto_parent():
                    return
                depth -= 1
                if depth == 0:
                    return
        current = cursor.node
        if current is not None and current.is_named:
            yield current


def enclosing_branches(node: Node, stop: Node, limit: int | None = None) -> Iterator[tuple[Node, Node]]:
    """(condition, then-block) of each `if` whose then-block holds node, innermost first, up to stop (at
    most `limit` steps up the tree)."""
    current: Node | None = node
    steps = 0
    while current is not None and current.id != stop.id and (limit is None or steps < limit):
        parent = current.parent
        if parent is not None and parent.type == "if_statement":
            consequence = parent.child_by_field_id(FIELD.consequence)
            cond = parent.child_by_field_id(FIELD.condition)
            if consequence is not None and cond is not None and consequence.id == current.id:
                yield cond, consequence
        current = parent
        steps += 1


def statements(block: Node | None) -> list[Node]:
    """The statements of a block (tree-sitter-go wraps them in a statement_list)."""
    if block is None:
        return []
    out: list[Node] = []
    for child in block.named_children:
        if child.type == "statement_list":
            out.extend(c for c in child.named_children if c.type != "comment")
        elif child.type != "comment":
            out.append(child)
    return out


def strip_parens(node: Node | None) -> Node | None:
    while node is not None and node.type == "parenthesized_expression" and node.named_child_count:
        node = node.named_children[0]
    return node


@dataclass(eq=False)
class Loop:
    """A for statement. kind: for (3-clause), cond (while-style), infinite, range, range-int."""

    node: Node
    kind: str
    depth: int
    parent: Loop | None
    line: int
    range_expr: str = ""
    range_node: Node | None = None
    key: str = ""
    value: str = ""
    cond: str = ""
    # A loop over a collection whose length is known before the loop starts.
    sized: bool = False

    @property
    def body(self) -> Node | None:
        return self.node.child_by_field_id(FIELD.body)

    def contains(self, node: Node) -> bool:
        return self.node.start_byte <= node.start_byte and node.end_byte <= self.node.end_byte


@dataclass(eq=False)
class Site:
    """An indexed node inside a function, with the loops around it.

    loops: loops of the same function body, outermost first. outer_loops: loops of enclosing
    functions around a function literal (a closure run per iteration still runs per iteration).
    """

    node: Node
    loops: tuple[Loop, ...]
    outer_loops: tuple[Loop, ...] = ()

    @property
    def line(self) -> int:
        return self.node.start_point[0] + 1

    @property
    def in_loop(self) -> bool:
        return bool(self.loops)

    @property
    def all_loops(self) -> tuple[Loop, ...]:
        return self.outer_loops + self.loops


@dataclass(eq=False)
class Call(Site):
    """A call site. `name` (the last identifier: "Sprintf") is known at once, for the name index;
    callee ("fmt.Sprintf", "append", "s.mu.Lock"), recv (text before the last dot) and args are
    worked out on first use: most calls are never looked at by any rule."""

    fn: Node | None = None
    name: str = ""

    @cached_property
    def callee(self) -> str:
        fn = self.fn
        return text(fn) if fn is not None and fn.type in ("identifier", "selector_expression") else ""

    @cached_property
    def recv(self) -> str:
        fn = self.fn
        if fn is not None and fn.type == "selector_expression":
            return text(fn.child_by_field_id(FIELD.operand))
        return ""

    @cached_property
    def args(self) -> tuple[Node, ...]:
        args_node = self.node.child_by_field_id(FIELD.arguments)
        return tuple(a for a in args_node.named_children if a.type != "comment") if args_node else ()


@dataclass(eq=False)
class Decl:
    """A local or parameter declaration with the type its syntax shows ("" when not shown).

    When the declaration states no type, `type` is inferred from `init` on first use (`result_index`
    picks one result of a multi-value right-hand side such as `f, err := os.Open(p)`)."""

    name: str
    declared_type: str | None
    node: Node
    line: int
    loops: tuple[Loop, ...]
    kind: str  # param, var, short, range
    init: Node | None = None
    # For make(...): the arguments after the type (len, cap) as written.
    make_args: tuple[str, ...] = ()
    func: Func | None = None
    # `f, err := os.Open(p)`: init stays None (no single value); the shared right-hand side is
    # multi_init and this name takes its result number result_index.
    multi_init: Node | None = None
    result_index: int | None = None
    # Set while the type is being inferred: `p := p[1:]` must see the earlier p, not itself.
    resolving: bool = False

    @cached_property
    def type(self) -> str:
        if self.declared_type is not None:
            return self.declared_type
        from analyzers.typeinfer import infer_type, multi_value_type

        if self.init is None and self.multi_init is None:
            return ""
        self.resolving = True
        try:
            if self.multi_init is not None and self.result_index is not None:
                return multi_value_type(self.multi_init, self.result_index, self.func)
            return infer_type(self.init, self.func)
        finally:
            self.resolving = False


@dataclass(eq=False)
class Func:
    name: str
    node: Node
    file: GoFile
    receiver: str | None = None
    receiver_name: str = ""
    pointer_receiver: bool = False
    params: list[Param] = field(default_factory=list)
    results: list[Param] = field(default_factory=list)
    parent: Func | None = None
    outer_loops: tuple[Loop, ...] = ()
    loops: list[Loop] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    decls: dict[str, list[Decl]] = field(default_factory=dict)
    closures: list[Func] = field(default_factory=list)
    _sites: dict[str, list[Site]] = field(default_factory=dict)
    _calls_by_name: dict[str, list[Call]] | None = None

    @property
    def body(self) -> Node | None:
        return self.node.child_by_field_id(FIELD.body)

    @property
    def start_line(self) -> int:
        return self.node.start_point[0] + 1

    @property
    def end_line(self) -> int:
        return self.node.end_point[0] + 1

    @property
    def qualified_name(self) -> str:
        return f"{self.receiver}.{self.name}" if self.receiver else self.name

    @cached_property
    def is_literal(self) -> bool:
        return self.node.type == "func_literal"

    def sites(self, kind: str) -> list[Site]:
        found = self._sites.get(kind)
        if found is None:
            found = self._lazy_sites(kind) if kind in LAZY else []
            self._sites[kind] = found
        return found

    def _lazy_sites(self, kind: str) -> list[Site]:
        body = self.body
        if body is None:
            return []
        nested = [(c.node.start_byte, c.node.end_byte) for c in self.closures]
        out: list[Site] = []
        for node in sorted(QueryCursor(_kind_query(kind)).captures(body).get("n", []), key=_start):
            start = node.start_byte
            if any(a <= start < b for a, b in nested):
                continue  # belongs to a function literal, which has its own sites
            loops = tuple(
                lp for lp in self.loops
                if (b := lp.body) is not None and b.start_byte <= start and node.end_byte <= b.end_byte
            )
            out.append(Site(node, loops, self.outer_loops))
        return out

    def calls_named(self, *names: str) -> list[Call]:
        """Calls whose last identifier is one of names (a dict lookup, not a scan)."""
        index = self._calls_by_name
        if index is None:
            index = {}
            for call in self.calls:
                index.setdefault(call.name, []).append(call)
            self._calls_by_name = index
        if len(names) == 1:  # the common case: the index's own list (callers only read it)
            return index.get(names[0]) or []
        out: list[Call] = []
        for name in names:
            found = index.get(name)
            if found:
                out.extend(found)
        return out

    def decl(self, name: str, before: Node | None = None) -> Decl | None:
        """The declaration of name visible at `before` (the latest one above it), else the last."""
        found = self.decls.get(name)
        if not found:
            return None
        if before is None:
            return found[-1]
        best = None
        for d in found:
            if d.node.start_byte <= before.start_byte and not d.resolving:
                best = d
        return best

    def lookup(self, name: str, before: Node | None = None) -> Decl | None:
        """The declaration of name here or in an enclosing function (a closure sees its parents')."""
        f: Func | None = self
        while f is not None:
            d = f.decl(name, before)
            if d is not None:
                return d
            f = f.parent
        return None

    def type_of(self, name: str, before: Node | None = None) -> str:
        d = self.lookup(name, before)
        return d.type if d is not None else ""


@dataclass(eq=False)
class GoFile:
    path: str
    src: bytes
    tree: Tree
    package: str = ""
    imports: dict[str, str] = field(default_factory=dict)  # local name -> import path
    funcs: list[Func] = field(default_factory=list)
    comments: dict[int, list[str]] = field(default_factory=dict)  # line -> comment texts
    parse_errors: int = 0
    is_test: bool = False
    _names_of: dict[str, frozenset[str]] | None = None
    lifecycle_code: str | None = None  # analyzers.lifecycle's per-file cache

    def import_name(self, path: str) -> str | None:
        for name, p in self.imports.items():
            if p == path:
                return name
        return None

    def names_of(self, path: str) -> frozenset[str]:
        """Every local name under which the file imports path (a per-file table, built once)."""
        table = self._names_of
        if table is None:
            built: dict[str, set[str]] = {}
            for name, p in self.imports.items():
                built.setdefault(p, set()).add(name)
            table = self._names_of = {p: frozenset(n) for p, n in built.items()}
        return table.get(path, frozenset())

    def comment_on(self, line: int) -> list[str]:
        return self.comments.get(line, [])
