"""What an input must look like for a call to reach a finding's line, read from the function's syntax.

From each target line up to the function body: the loops around it (their collections are what n
scales; two nested ones make the cost quadratic), the `if` branches and switch cases it sits in (their
conditions must hold), and the guard clauses before it at each level (`if !strings.HasPrefix(p, "/")
{ return }` must not fire). Conditions become hints on paths: a parameter ("p"), a field of one
("s.items"), an element of a collection ("items[].Quantity") or a query parameter of a request
("r?skus"). Solving is deliberately shallow (literals, nil, len, prefixes, parse calls); a condition
it does not understand is left to the diversity of the generated elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tree_sitter import Node

from analyzers.report.benchbounds import read_bounds
from analyzers.report.benchloops import collections_used, loop_drivers
from analyzers.report.benchnodes import _exits, _is_http_call, _leaves, _query_call, _runs_now, targets
from analyzers.report.benchreach import PackageIndex
from analyzers.report.benchshapes import Shape, solve
from analyzers.report.benchtypes import Facts
from analyzers.source import Func, descendants, strip_parens, text
from analyzers.typeinfer import element_type


@dataclass
class Hints:
    """Everything known about the inputs that reach the targets of one function."""

    drivers: list[str] = field(default_factory=list)  # paths whose size is n, outermost loop first
    loops: int = 0  # nested loops over drivers around the deepest target
    min_len: dict[str, int] = field(default_factory=dict)
    indexed: set[str] = field(default_factory=set)  # indexed alongside a driver: give them room
    same: dict[str, str] = field(default_factory=dict)  # path -> the path whose length it must equal
    shapes: dict[str, Shape] = field(default_factory=dict)
    chans: dict[str, str] = field(default_factory=dict)  # path -> "send" / "recv"
    asserted: dict[str, str] = field(default_factory=dict)  # parameter -> the type the code asserts it holds
    error_path: str | None = None  # the targets run only on an error we cannot cause
    forced: bool | None = None  # sized (or not) to match another revision's plan, whatever the code says

    @property
    def sized(self) -> bool:
        return self.forced if self.forced is not None else bool(self.drivers)

    @property
    def quadratic(self) -> bool:
        return self.loops >= 2

    def shape(self, path: str) -> Shape:
        return self.shapes.setdefault(path, Shape())


class PathReader:
    """Reads conditions and loops of one function into Hints."""

    def __init__(self, func: Func, index: PackageIndex, facts: Facts, depth: int = 0) -> None:
        self.func = func
        self.index = index
        self.facts = facts
        self.depth = depth
        self.hints = Hints()
        self.roots = {p.name for p in func.params if p.name and p.name != "_"}
        self.sites: dict[str, Node] = {}  # path -> where dereferenced() first found it
        if func.receiver_name:
            self.roots.add(func.receiver_name)

    def read(self, lines: Sequence[int]) -> Hints:
        found = targets(self.func, lines)
        for k, target in enumerate(_most_in_one_case(found)):
            # What the first target's way needs of a value stands: another target in a case of the same
            # switch wants that value otherwise (`case p.Prefix != "" && p.Suffix == ""` and `case
            # p.Suffix != "" && p.Prefix == ""`), and both at once reach neither.
            first = {path: replace(shape) for path, shape in self.hints.shapes.items()} if k else {}
            self._walk_up(target)
            self.hints.shapes.update(first)
            for lit in [n for n in descendants(target) if n.type == "func_literal" and _runs_now(n)]:
                body = lit.child_by_field_name("body")
                if body is not None:
                    self._loop_guards(body)  # once.Do(func() { if !ok { panic(...) } ... }): its guards too
        if found:
            read_bounds(self, max(t.end_byte for t in found))
        self._indexed()
        return self.hints

    def read_end(self) -> Hints:
        """What the inputs need for the function to get to its end (a constructor that returns no error):
        the guards on the way, also those inside the loops before it."""
        body = self.func.body
        stmts = [c for c in (body.named_children if body is not None else []) if c.type != "comment"]
        if stmts and stmts[-1].type == "statement_list":
            stmts = [c for c in stmts[-1].named_children if c.type != "comment"]
        if stmts:
            self._walk_up(stmts[-1])
        self.hints.drivers = []  # sizes belong to the benchmark, not to what builds its receiver
        return self.hints

    def dereferenced(self) -> list[str]:
        """Field paths the body calls methods on or selects through ("r.db", "shards[].db"): each must
        hold a usable value, never nil."""
        out: list[str] = []
        for site in self.func.sites("selector_expression"):
            operand = site.node.child_by_field_name("operand")
            path = self.path_of(operand)
            if path is not None and path not in out and ("." in path or "[]" in path) and "?" not in path:
                out.append(path)
                self.sites.setdefault(path, site.node)
        return out

    def path_type(self, path: str, at: Node | None = None) -> str:
        """The declared type at a path ("" when unknown), its root as declared where `at` is: a later
        local of the same name (`fs, _ := f.Stat()` after `fs.Root.Open`) is another variable."""
        head, _, rest = path.partition(".")
        root = head.split("[", 1)[0]
        t = self.func.type_of(root, at)
        steps = ["[]"] * head.count("[]")
        for part in rest.split(".") if rest else []:
            name = part.split("[", 1)[0]
            steps.append("." + name)
            steps += ["[]"] * part.count("[]")
        for step in steps:
            if not t:
                return ""
            t = element_type(t.lstrip("*")) if step == "[]" else self.index.field_type(t, step[1:])
        return t

    def _indexed(self) -> None:
        """Collections indexed in the body that are not what n scales: they get room for every index."""
        for site in self.func.sites("index_expression"):
            path = self.path_of(site.node.child_by_field_name("operand"))
            if path is not None and path not in self.hints.drivers and "?" not in path:
                self.hints.indexed.add(path)

    def _walk_up(self, target: Node) -> None:
        body = self.func.body
        loops: list[Node] = [target] if target.type == "for_statement" else []
        node = target
        while node.parent is not None and node != body:
            parent = node.parent
            if parent.type == "for_statement" and node == parent.child_by_field_name("body"):
                loops.append(parent)
            elif parent.type == "if_statement":
                self._branch(parent, node)
            elif parent.type == "expression_case":
                self._case(parent)
            elif parent.type == "type_case":
                self._type_case(parent)
            elif parent.type == "communication_case":
                self._communication(parent)
            if parent.type in ("block", "statement_list"):
                self._guards_before(parent, node)
            node = parent
        self._callee_guards(target)
        if target.type == "expression_switch_statement":
            self._switch_guard(target)
        driven = 0
        for loop in reversed(loops):  # outermost first
            found = loop_drivers(self, loop)
            if found:
                driven += 1
                for path in found:
                    if path not in self.hints.drivers:
                        self.hints.drivers.append(path)
        self.hints.loops = max(self.hints.loops, driven)
        if not loops:
            for path in collections_used(self, target):
                if path not in self.hints.drivers:
                    self.hints.drivers.append(path)

    # ----- conditions -----

    def _branch(self, stmt: Node, child: Node) -> None:
        cond = stmt.child_by_field_name("condition")
        if cond is None:
            return
        self._initializer(stmt)
        if child == stmt.child_by_field_name("consequence"):
            self._need(cond, True)
        elif child == stmt.child_by_field_name("alternative"):
            self._need(cond, False)

    def _initializer(self, stmt: Node) -> None:
        init = stmt.child_by_field_name("initializer")
        if init is not None and init.type == "short_var_declaration":
            solve(self, init.child_by_field_name("right"), None)

    def _case(self, case: Node) -> None:
        switch = case.parent
        value = switch.child_by_field_name("value") if switch is not None else None
        values = case.child_by_field_name("value")
        if values is None or not values.named_children:
            return
        if value is None:  # switch { case cond: ... }: the case's condition holds
            self._need(values.named_children[0], True)
            return
        path = self.path_of(value)
        if path is not None:
            self.hints.shape(path).literal = text(values.named_children[0])

    def _type_case(self, case: Node) -> None:
        """`switch v := x.(type) { case []any: ... }` on an interface parameter: the argument holds the
        case's type (its first)."""
        switch = case.parent
        value = strip_parens(switch.child_by_field_name("value")) if switch is not None else None
        if value is not None and value.type == "type_assertion_expression":
            value = strip_parens(value.child_by_field_name("operand"))
        cased = case.child_by_field_name("type")
        if value is None or value.type != "identifier" or cased is None or text(cased) == "nil":
            return
        name = text(value)
        decl = self.func.lookup(name, value)
        if decl is not None and decl.kind == "param" and name in self.roots:
            self.hints.asserted.setdefault(name, text(cased))

    def _communication(self, case: Node) -> None:
        comm = case.child_by_field_name("communication")
        if comm is None:
            return
        if comm.type == "send_statement":
            path = self.path_of(comm.child_by_field_name("channel"))
            if path is not None:
                self.hints.chans[path] = "send"
            return
        right = comm.child_by_field_name("right") if comm.type == "receive_statement" else comm
        operand = right.child_by_field_name("operand") if right is not None else None
        path = self.path_of(operand)
        if path is not None:
            self.hints.chans[path] = "recv"

    def _guards_before(self, block: Node, child: Node) -> None:
        for stmt in block.named_children:
            if stmt == child or stmt.start_byte >= child.start_byte:
                break
            if stmt.type == "if_statement" and _exits(stmt.child_by_field_name("consequence")):
                cond = stmt.child_by_field_name("condition")
                if cond is not None:
                    self._initializer(stmt)
                    self._need(cond, False)
            elif stmt.type == "expression_switch_statement":
                self._switch_guard(stmt)
            elif stmt.type in ("short_var_declaration", "assignment_statement"):
                solve(self, stmt.child_by_field_name("right"), None)
            elif stmt.type == "expression_statement" and stmt.named_children:
                solve(self, stmt.named_children[0], None)
            elif stmt.type == "for_statement":
                loop_body = stmt.child_by_field_name("body")
                if loop_body is not None:
                    self._loop_guards(loop_body)
            self._callee_guards(stmt)

    def _loop_guards(self, block: Node) -> None:
        """A loop before the target runs to its end on every element: its guards that return or panic
        (not those that only `continue`) must not fire."""
        stmts = [c for c in block.named_children if c.type != "comment"]
        if stmts and stmts[0].type == "statement_list":
            stmts = [c for c in stmts[0].named_children if c.type != "comment"]
        for stmt in stmts:
            if stmt.type == "if_statement" and _leaves(stmt.child_by_field_name("consequence")):
                self._initializer(stmt)
                self._need(stmt.child_by_field_name("condition"), False)
            elif stmt.type in ("short_var_declaration", "assignment_statement"):
                solve(self, stmt.child_by_field_name("right"), None)
            elif stmt.type == "expression_statement" and stmt.named_children:
                solve(self, stmt.named_children[0], None)  # filepath.Walk(c.Root, ...): a directory

    def _callee_guards(self, stmt: Node) -> None:
        """Methods of the same receiver called on the way (`b.writeTo(sb)`) must get through their own
        guards: their conditions on the receiver's fields count here too."""
        recv = self.func.receiver_name
        if not recv or self.depth >= 2 or stmt.type not in ("expression_statement", "return_statement",
                                                            "short_var_declaration", "assignment_statement"):
            return
        for node in [stmt, *descendants(stmt)]:
            if node.type != "call_expression":
                continue
            fn = strip_parens(node.child_by_field_name("function"))
            operand = fn.child_by_field_name("operand") if fn is not None and fn.type == "selector_expression" \
                else None
            if fn is None or operand is None or text(operand) != recv:
                continue
            callee = self.index.method(self.func.receiver or "", text(fn.child_by_field_name("field")))
            if callee is None or callee is self.func or not callee.receiver_name:
                continue
            sub = PathReader(callee, self.index, self.facts, self.depth + 1).read([])
            prefix = callee.receiver_name + "."
            for path, shape in sub.shapes.items():
                if path.startswith(prefix):
                    self.hints.shapes.setdefault(recv + "." + path[len(prefix):], shape)

    def _switch_guard(self, switch: Node) -> None:
        """A switch whose default panics (or returns) must take one of its cases: the first."""
        default = next((c for c in switch.named_children if c.type == "default_case"), None)
        first = next((c for c in switch.named_children if c.type == "expression_case"), None)
        if default is None or first is None or not _exits(default):
            return
        self._case(first)

    def _need(self, cond: Node | None, truth: bool) -> None:
        cond = strip_parens(cond)
        if cond is None:
            return
        if cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
            self._need(cond.child_by_field_name("operand"), not truth)
            return
        if cond.type == "binary_expression":
            op = text(cond.child_by_field_name("operator"))
            left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
            if (op == "&&" and truth) or (op == "||" and not truth):
                self._need(left, truth)
                self._need(right, truth)
                return
            if op in ("&&", "||"):
                self._need(left, truth)  # one side is enough: the first
                return
        if self._is_error_check(cond, truth) or self._is_lookup(cond, truth):
            return
        solve(self, cond, truth)

    def _is_lookup(self, cond: Node, truth: bool) -> bool:
        """`v, ok := m[k]; if !ok {...}`: the key must be in the map (the default) or, needed false, absent."""
        if cond.type != "identifier":
            return False
        decl = self.func.lookup(text(cond), cond)
        if decl is None or decl.multi_init is None or decl.result_index != 1:
            return False
        lookup = strip_parens(decl.multi_init)
        if lookup is None or lookup.type != "index_expression":
            return False
        key = self.path_of(lookup.child_by_field_name("index"))
        if key is not None and not truth:
            self.hints.shape(key).absent = True
        return True

    def _is_error_check(self, cond: Node, truth: bool) -> bool:
        """`err != nil` needed true: the target is on an error path (unless the error is ours to make)."""
        if cond.type != "binary_expression":
            return False
        op = text(cond.child_by_field_name("operator"))
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if left is None or right is None or text(right) != "nil" or left.type != "identifier":
            return False
        if self.func.type_of(text(left), cond) != "error" and text(left) != "err":
            return False
        if (op == "!=") == truth and self.hints.error_path is None:
            decl = self.func.lookup(text(left), cond)
            call = decl.multi_init or decl.init if decl is not None else None
            callee = text(call.child_by_field_name("function")) if call is not None and \
                call.type == "call_expression" else ""
            self.hints.error_path = f"only when {callee or text(left)} returns an error"
        return True

    # ----- paths -----

    def path_of(self, node: Node | None, depth: int = 0) -> str | None:
        """A root-relative path for an expression: "p", "s.items", "items[].SKU", "r?skus"."""
        node = strip_parens(node)
        if node is None or depth > 6:
            return None
        if node.type == "identifier":
            name = text(node)
            decl = self.func.lookup(name, node)
            if decl is None and name not in self.roots:
                switch = _switched(node, name)  # `switch val := scope.(type)`: val is scope, as a case sees it
                return self.path_of(switch.child_by_field_name("value"), depth + 1) if switch is not None else None
            if decl is None or (decl.kind == "param" and name in self.roots):
                return name if name in self.roots else None
            if decl.kind == "range":
                loop = next((lp for lp in self.func.loops if lp.node == decl.node), None)
                if loop is not None and loop.range_node is not None and name == loop.value:
                    inner = self.path_of(loop.range_node, depth + 1)
                    return inner + "[]" if inner is not None else None
                return None
            if decl.init is not None:
                return self.path_of(decl.init, depth + 1)
            if decl.multi_init is not None and decl.result_index == 0 and _is_http_call(decl.multi_init):
                return "@response"
            return None
        if node.type == "selector_expression":
            inner = self.path_of(node.child_by_field_name("operand"), depth + 1)
            return f"{inner}.{text(node.child_by_field_name('field'))}" if inner is not None else None
        if node.type == "index_expression" and _query_call(node.child_by_field_name("operand")) is not None:
            root = self.path_of(_query_call(node.child_by_field_name("operand")), depth + 1)
            key = text(node.child_by_field_name("index")).strip('"`')
            if root is None:
                return None
            self.hints.shape(f"{root}?{key}").sep = f"&{key}="  # a repeated parameter: u=a&u=b
            return f"{root}?{key}"
        if node.type in ("index_expression", "slice_expression"):
            inner = self.path_of(node.child_by_field_name("operand"), depth + 1)
            if inner is None or node.type == "slice_expression":
                return inner
            index = strip_parens(node.child_by_field_name("index"))
            split = self.hints.shapes.get(inner)
            if index is not None and index.type == "int_literal" and split is not None and split.sep is not None:
                return f"{inner}[{text(index)}]"  # part k of a string split on sep
            return inner + "[]"
        if node.type == "unary_expression" and text(node.child_by_field_name("operator")) in ("*", "&"):
            return self.path_of(node.child_by_field_name("operand"), depth + 1)
        if node.type == "call_expression":
            return solve(self, node, None)
        if node.type == "type_conversion_expression":
            return self.path_of(node.child_by_field_name("operand"), depth + 1)
        return None


def read_paths(func: Func, lines: Sequence[int], index: PackageIndex, facts: Facts) -> tuple[Hints, PathReader]:
    reader = PathReader(func, index, facts)
    return reader.read(lines), reader


def _case_of(node: Node) -> Node | None:
    """The switch case (expression or type) a statement sits in, innermost, or None."""
    parent = node.parent
    while parent is not None and parent.type not in ("function_declaration", "method_declaration", "func_literal"):
        if parent.type in ("expression_case", "type_case"):
            return parent
        parent = parent.parent
    return None


def _most_in_one_case(found: list[Node]) -> list[Node]:
    """The targets, those of the switch case that holds the most of them first: a call takes one case, and
    what the first target needs decides the input."""
    ids = [c.id if c is not None else -1 for c in (_case_of(t) for t in found)]
    order = sorted(range(len(found)), key=lambda k: -ids.count(ids[k]) if ids[k] != -1 else 0)
    return [found[k] for k in order]


def _switched(node: Node, name: str) -> Node | None:
    """The type switch around node that declares name as its alias (`switch name := x.(type)`)."""
    parent = node.parent
    while parent is not None and parent.type not in ("function_declaration", "method_declaration", "func_literal"):
        if parent.type == "type_switch_statement":
            alias = parent.child_by_field_name("alias")
            if alias is not None and text(alias) == name:
                return parent
        parent = parent.parent
    return None
