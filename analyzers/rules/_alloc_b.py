"""Helpers for the alloc rules of group B and the complexity rules: names a loop declares,
loop-invariant collections, and the statements around a node (expression types: the shared resolver).

Private to defer-in-loop, make-in-loop, reflection-in-loop, range-value-copy, huge-param,
sync-pool-non-pointer, nested-loop-quadratic, linear-search-in-loop, sort-in-loop, prepend-in-loop.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Func, GoFile, Loop, descendants, statements, strip_parens, text
from analyzers.typeinfer import underlying

__all__ = ["underlying"]

SMALL_SET = 8  # a literal collection of this many elements or fewer is cheap to scan


def import_names(gf: GoFile, path: str) -> set[str]:
    """Local names under which gf imports path (empty when the file does not import it)."""
    return set(gf.names_of(path))


def is_pkg_call(gf: GoFile, callee: str, path: str, names: frozenset[str]) -> bool:
    """`json.Marshal` where `json` is this file's name for encoding/json and Marshal is in names."""
    if "." not in callee:
        return False
    qual, _, name = callee.rpartition(".")
    return name in names and qual in import_names(gf, path)


def hot_loops(loops: tuple[Loop, ...]) -> tuple[Loop, ...]:
    """The loops that can run many times (not a literal bound of eight or fewer)."""
    return tuple(lp for lp in loops if not is_small_constant_loop(lp))


_DUPLICATES: dict[int, tuple[Package, frozenset[str]]] = {}


def duplicated_types(pkg: Package) -> frozenset[str]:
    """Type names declared in more than one file of the package (per-OS files behind build tags):
    the package facts keep only one of them, so their fields and sizes are not trusted."""
    cached = _DUPLICATES.get(id(pkg))
    if cached is not None and cached[0] is pkg:
        return cached[1]
    seen: set[str] = set()
    dups: set[str] = set()
    for gf in pkg.files:
        for node in gf.tree.root_node.named_children:
            if node.type != "type_declaration":
                continue
            for spec in node.named_children:
                if spec.type == "type_spec":
                    name = text(spec.child_by_field_name("name"))
                    (dups if name in seen else seen).add(name)
    if len(_DUPLICATES) > 64:
        _DUPLICATES.clear()
    result = frozenset(dups)
    _DUPLICATES[id(pkg)] = (pkg, result)
    return result


def known_struct(pkg: Package, typ: str) -> bool:
    """typ is a struct of this package declared once (not per build tag)."""
    return typ in pkg.structs and typ not in duplicated_types(pkg)


def resolve_type(pkg: Package, func: Func, node: Node | None) -> str:
    """The type of an expression as far as syntax and package facts show ("" when unknown)."""
    return pkg.types.type(node, func)


def loop_names(func: Func, loop: Loop) -> set[str]:
    """Names declared inside the loop (its range variables included): they change per iteration."""
    out: set[str] = set()
    for name, decls in func.decls.items():
        for d in decls:
            if any(lp is loop for lp in d.loops):
                out.add(name)
                break
    return out


def identifiers(node: Node) -> list[str]:
    """Every identifier inside node (node itself included), iteratively."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "identifier":
            out.append(text(n))
        elif n.type == "field_identifier":
            continue
        else:
            stack.extend(n.named_children)
    return out


def mentions(node: Node | None, names: set[str]) -> bool:
    return node is not None and bool(names) and any(i in names for i in identifiers(node))


def small_literal(pkg: Package, node: Node | None, func: Func | None = None) -> bool:
    """A composite literal of eight elements or fewer, inline, as a package variable's value, or (with
    func) as the value of a local variable that is never assigned again."""
    node = strip_parens(node)
    if node is None:
        return False
    if func is not None and node.type == "identifier" and func.decl(text(node), node) is not None:
        decl = func.decl(text(node), node)
        if decl is None or decl.kind not in ("short", "var"):
            return False
        assigned = _assigned_values(func, text(node))
        if assigned is None:
            return False
        # `list := defaultSuites; if fips { list = fipsSuites }`: every value a small literal
        return all(v is not None and small_literal(pkg, base_collection(v)) for v in (decl.init, *assigned))
    if node.type == "identifier" and text(node) in pkg.var_nodes:
        values = pkg.var_nodes[text(node)].child_by_field_name("value")
        node = values.named_children[0] if values is not None and values.named_child_count == 1 else None
        node = strip_parens(node)
    if node is None or node.type != "composite_literal":
        return False
    body = node.child_by_field_name("body")
    return body is not None and body.named_child_count <= SMALL_SET


def _assigned_values(func: Func, name: str) -> list[Node | None] | None:
    """The values of the plain assignments `name = v` in func; None when name is otherwise written
    (`name[i] = v`, `name, err = f()`, `name += ...`)."""
    out: list[Node | None] = []
    for site in func.sites("assignment_statement"):
        left = site.node.child_by_field_name("left")
        targets = left.named_children if left is not None else []
        for target in targets:
            while target.type in ("index_expression", "slice_expression", "parenthesized_expression"):
                target = target.named_children[0]
            if text(target) != name:
                continue
            right = site.node.child_by_field_name("right")
            if len(targets) != 1 or text(site.node.child_by_field_name("operator")) != "=" \
                    or text(targets[0]) != name or right is None or right.named_child_count != 1:
                return None
            out.append(right.named_children[0])
    return out


_ACKNOWLEDGED = re.compile(
    r"quadratic|O\(\s*n\s*(\^\s*2|²|\*\s*[nm]|·\s*m|m)\s*\)|\bn\s+(is|are)\s+(small|tiny|bounded|at most|\d)",
    re.IGNORECASE)


def acknowledged(func: Func, *nodes: Node) -> bool:
    """The comment just above one of the loop statements (or trailing its first line) says the author
    chose the O(n·m) walk knowingly: "quadratic, but N is 5", "O(n^2) is fine", "n is small". A
    function's doc comment does not count: it often names the cost as a fact to fix."""
    for node in nodes:
        current = node
        while current.parent is not None and current.parent.type in ("expression_statement", "labeled_statement"):
            current = current.parent
        prev = current.prev_named_sibling
        if prev is None and current.parent is not None and current.parent.type == "statement_list":
            prev = current.parent.prev_named_sibling  # a block's leading comment sits before its statements
        lines = [text(node).split("\n", 1)[0]]  # a trailing comment on the loop's own line
        while prev is not None and prev.type == "comment":
            lines.append(text(prev))
            prev = prev.prev_named_sibling
        if any(_ACKNOWLEDGED.search(line) for line in lines):
            return True
    return False


def variadic_param(func: Func, node: Node) -> bool:
    """node is the function's variadic parameter (`Del(names ...string)`: called with a handful of
    arguments)."""
    node = strip_parens(node) or node
    if node.type != "identifier" or func.is_literal:
        return False
    params = func.node.child_by_field_name("parameters")
    return params is not None and any(
        p.type == "variadic_parameter_declaration" and text(p.child_by_field_name("name")) == text(node)
        for p in params.named_children)


def _reassigned(func: Func, name: str) -> bool:
    """name is the target of an assignment (`xs = append(xs, x)`, `xs[i] = v`) somewhere in func."""
    for site in func.sites("assignment_statement"):
        left = site.node.child_by_field_name("left")
        for target in left.named_children if left is not None else ():
            while target.type in ("index_expression", "slice_expression", "parenthesized_expression"):
                target = target.named_children[0]
            if text(target) == name:
                return True
    return False


def assigned_in(func: Func, loop: Loop, node: Node) -> bool:
    """The variable at the root of node (`cmd` in `cmd.Commands`) is reassigned inside loop, so the
    collection it leads to may change from one iteration to the next."""
    root = strip_parens(node)
    while root is not None and root.type in ("selector_expression", "index_expression", "slice_expression"):
        root = strip_parens(root.named_children[0])
    if root is None or root.type != "identifier":
        return False
    name = text(root)
    for site in func.sites("assignment_statement"):
        if not loop.contains(site.node) or text(site.node.child_by_field_name("operator")) != "=":
            continue
        left = site.node.child_by_field_name("left")
        right = site.node.child_by_field_name("right")
        targets = [text(c) for c in left.named_children] if left is not None else []
        if name not in targets or right is None or len(targets) != right.named_child_count:
            continue
        value = strip_parens(right.named_children[targets.index(name)])
        if value is not None and value.type == "call_expression" and text(value.child_by_field_name("function")) \
                == "append" and text(value).startswith(f"append({name},"):
            continue  # growing the same collection: still searched every iteration
        return True
    return False


def leaves_loop(node: Node, loops: tuple[Loop, ...]) -> bool:
    """After the defer, the iteration reaches a `return` (or a `break` out of the only loop) before
    the loop body ends: the defer runs at most once per call."""
    body = loops[-1].body
    current: Node | None = node
    while current is not None and current != body:
        if current.type in ("statement_list", "block") and current.named_child_count:
            block = current.parent if current.type == "statement_list" else current
            stmts = statements(block)
            if stmts and stmts[-1].type == "return_statement":
                return True
            if stmts and stmts[-1].type == "break_statement":
                return _breaks_out(stmts[-1], loops)
            if stmts and stmts[-1].type in ("continue_statement", "goto_statement"):
                return False  # the iteration goes on without reaching what the outer blocks end with
        current = current.parent
    return False


def _breaks_out(brk: Node, loops: tuple[Loop, ...]) -> bool:
    """A plain break that leaves the only loop (no switch or select in between), or a labelled one,
    `break Loop`, whose label names the outermost loop (prometheus' WAL actor: `case donec :=
    <-w.stopc: ...; break Loop`)."""
    if brk.named_child_count:
        label = text(brk.named_children[0])
        outer = loops[0].node.parent
        return outer is not None and outer.type == "labeled_statement" \
            and text(outer.child_by_field_name("label")) == label
    if len(loops) != 1:
        return False
    current = brk.parent
    while current is not None and current != loops[0].node:
        if current.type in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            return False
        current = current.parent
    return current is not None


# ---------------------------------------------------------------- loops over collections


def loop_collection(loop: Loop) -> Node | None:
    """What the loop walks: `range xs` -> xs, `for i := 0; i < len(xs); i++` -> xs (else None)."""
    if loop.kind == "range":
        return loop.range_node
    if loop.kind != "for":
        return None
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    cond = strip_parens(clause.child_by_field_name("condition")) if clause is not None else None
    if cond is None or cond.type != "binary_expression" or text(cond.child_by_field_name("operator")) != "<":
        return None
    right = strip_parens(cond.child_by_field_name("right"))
    if right is None or right.type != "call_expression" or text(right.child_by_field_name("function")) != "len":
        return None
    args = right.child_by_field_name("arguments")
    return args.named_children[0] if args is not None and args.named_child_count == 1 else None


def index_names(pkg: Package, func: Func, loop: Loop) -> set[str]:
    """Names that hold a position, not an element: the counter of a 3-clause loop, the key of a range
    over a slice, array or string (a map's key is an element)."""
    if loop.kind == "for":
        return loop_vars(loop)
    if loop.kind == "range-int":
        return {loop.key} if loop.key else set()
    if loop.kind == "range" and loop.key and loop.key != "_":
        typ = underlying(pkg, resolve_type(pkg, func, loop.range_node))
        return set() if typ.startswith("map[") or not typ else {loop.key}
    return set()


def loop_vars(loop: Loop) -> set[str]:
    """The loop's own key/value (or counter) names."""
    if loop.kind in ("range", "range-int"):
        return {n for n in (loop.key, loop.value) if n and n != "_"}
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    init = clause.child_by_field_name("initializer") if clause is not None else None
    if init is None or init.type != "short_var_declaration":
        # `for ; gi < n; gi++` walks a counter declared before the loop
        update = clause.child_by_field_name("update") if clause is not None else None
        if update is not None and update.type in ("inc_statement", "dec_statement"):
            counter = strip_parens(update.named_children[0]) if update.named_child_count else None
            if counter is not None and counter.type == "identifier":
                return {text(counter)}
        return set()
    left = init.child_by_field_name("left")
    return {text(c) for c in left.named_children} if left is not None else set()


def base_collection(node: Node) -> Node:
    """`xs[i+1:]` -> xs: a sub-slice walks the same collection."""
    node = strip_parens(node) or node
    while node.type == "slice_expression":
        operand = strip_parens(node.child_by_field_name("operand"))
        if operand is None:
            break
        node = operand
    return node


def equalities(cond: Node | None) -> list[Node]:
    """The `==` comparisons of a condition joined by `&&` (the ones that must all hold)."""
    out: list[Node] = []
    stack = [strip_parens(cond)]
    while stack:
        n = stack.pop()
        if n is None or n.type != "binary_expression":
            continue
        op = text(n.child_by_field_name("operator"))
        if op == "&&":
            stack.append(strip_parens(n.child_by_field_name("left")))
            stack.append(strip_parens(n.child_by_field_name("right")))
        elif op == "==":
            out.append(n)
    return out


def search_if(loop: Loop) -> Node | None:
    """A loop whose only job is to find an element: its body is one `if` (no else) that leaves the loop
    (`return`, `break`, `continue outer`, possibly after assignments). Returns that if statement."""
    body = statements(loop.body)
    if len(body) != 1 or body[0].type != "if_statement":
        return None
    node = body[0]
    if node.child_by_field_name("alternative") is not None or node.child_by_field_name("initializer") is not None:
        return None
    stmts = statements(node.child_by_field_name("consequence"))
    if not stmts or stmts[-1].type not in ("return_statement", "break_statement", "continue_statement"):
        return None
    if stmts[-1].type == "continue_statement" and not stmts[-1].named_child_count:
        return None  # a plain continue goes on scanning: not a search
    ok = ("assignment_statement", "short_var_declaration", "inc_statement", "expression_statement")
    return node if all(s.type in ok for s in stmts[:-1]) else None


def element_match(cond: Node | None, inner: set[str], outer: set[str], indices: set[str]) -> Node | None:
    """An `==` in cond with one side built from `inner` names and the other from `outer` names (or,
    when outer is empty, from names other than inner); bare `indices` (positions) do not count."""
    for eq in equalities(cond):
        left, right = eq.child_by_field_name("left"), eq.child_by_field_name("right")
        if left is None or right is None:
            continue
        for a, b in ((left, right), (right, left)):
            ids_a, ids_b = set(identifiers(a)), set(identifiers(b))
            if not (ids_a & inner) or ids_b & inner or b.type in _LITERALS:
                continue
            if (a.type == "identifier" and text(a) in indices) or (b.type == "identifier" and text(b) in indices):
                continue  # comparing positions (`i == j`), not elements
            if outer and not (ids_b & outer):
                continue
            if any(n.type == "argument_list" and set(identifiers(n)) & ids_b for n in descendants(a)):
                continue  # `re.FindString(s) == s`: a predicate computed per pair, not a key a map can hold
            return eq
    return None


_LITERALS = frozenset({"interpreted_string_literal", "raw_string_literal", "int_literal", "rune_literal", "nil",
                       "true", "false", "float_literal"})
