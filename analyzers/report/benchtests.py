"""Arguments the package's own tests pass to a function: calls in its (in-package) test and example
functions, and the first valid row of a table a test ranges over (`for _, tt := range tests { F(tt.in) }`).

Only expressions that mean the same thing in the generated file are taken: literals, composite literals
of them, the package's own names and qualified names of the test file's imports (recorded so the
generated file imports them too). A call whose error the test expects (checked with t.Error/t.Fatal when
non-nil) is preferred; table rows that expect an error are passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.package import Package
from analyzers.report.benchreach import PackageIndex
from analyzers.source import Func, GoFile, descendants, strip_parens, text

_BUILTINS = frozenset({"true", "false", "nil", "len", "cap", "make", "new", "append", "string", "byte", "rune",
                       "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                       "float32", "float64", "bool", "any", "error", "iota", "complex", "uintptr", "struct"})
_ERROR_FIELD = re.compile(r"(?i)err|fail|invalid|bad|panic")


@dataclass
class TestArgs:
    """Per parameter of one function, a Go expression from the tests (None: none found)."""

    values: list[str | None]
    imports: dict[str, str] = field(default_factory=dict)  # qualifier -> path the expressions use


class TestValues:
    def __init__(self, pkg: Package, index: PackageIndex, names: set[str]) -> None:
        self.pkg = pkg
        self.index = index
        self.names = names  # package-level names visible in the generated file
        pkg_name = next((gf.package for gf in pkg.files if gf.package), "")
        self.tests = [gf for gf in pkg.test_files if gf.package == pkg_name]
        self._cache: dict[str, TestArgs | None] = {}

    def arguments(self, func: Func) -> TestArgs | None:
        key = func.qualified_name
        if key not in self._cache:
            self._cache[key] = self._find(func)
        return self._cache[key]

    def _find(self, func: Func) -> TestArgs | None:
        best: tuple[int, TestArgs] | None = None
        for gf in self.tests:
            for caller in gf.funcs:
                for call in caller.calls_named(func.name):
                    if not self._calls(call.node, func, caller) or len(call.args) != len(func.params) \
                            or _expects_failure(call.node):
                        continue
                    found = self._portable_args(list(call.args), caller, gf.parsed)
                    if found is None:
                        continue
                    score = sum(v is not None for v in found.values) * 2 + (1 if _checked(call.node) else 0)
                    if best is None or score > best[0]:
                        best = (score, found)
        return best[1] if best is not None else None

    def receiver(self, func: Func) -> TestArgs | None:
        """The value the package's tests call the method on, when they write it as a literal of the
        receiver's type (`c.histogram.String()` over a table of `Histogram{Schema: 0, PositiveSpans: ...}`,
        or `h := &Histogram{...}; h.String()`): fields that must agree with each other do, as the test wrote
        them. The longest such literal wins (the most content); none that the test expects to fail."""
        if not func.receiver:
            return None
        best: tuple[int, TestArgs] | None = None
        for gf in self.tests:
            for caller in gf.funcs:
                for call in caller.calls_named(func.name):
                    fn = strip_parens(call.node.child_by_field_name("function"))
                    if fn is None or fn.type != "selector_expression" or _expects_failure(call.node):
                        continue  # the literal's own type says whose method it is (checked below)
                    operand = strip_parens(fn.child_by_field_name("operand"))
                    if operand is None:
                        continue
                    if operand.type == "identifier":
                        decl = caller.lookup(text(operand), operand)
                        operand = strip_parens(decl.init) if decl is not None and decl.kind == "short" else None
                    found = TestArgs([])
                    value = None if operand is None else (self._portable(operand, caller, gf.parsed, found.imports)
                                                          or self._table_value(operand, caller, gf.parsed,
                                                                               found.imports, longest=True))
                    if value is None or not re.match(rf"&?{re.escape(func.receiver)}\{{\s*\S", value) \
                            or value.rstrip().endswith(f"{func.receiver}{{}}"):
                        continue
                    found.values.append(value)
                    if best is None or len(value) > best[0]:
                        best = (len(value), found)
        return best[1] if best is not None else None

    def _calls(self, call: Node, func: Func, caller: Func) -> bool:
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None:
            return False
        if not func.receiver:
            return fn.type == "identifier"
        if fn.type != "selector_expression":
            return False
        recv_type = self.index.expr_type(fn.child_by_field_name("operand"), caller)
        if recv_type:
            return recv_type.lstrip("*").split("[", 1)[0] == func.receiver
        return len(self.index.by_method_name.get(func.name, [])) == 1

    def _portable_args(self, args: list[Node], caller: Func, gf: GoFile) -> TestArgs | None:
        out = TestArgs([])
        for arg in args:
            value = self._portable(arg, caller, gf, out.imports)
            if value is None:
                value = self._table_value(arg, caller, gf, out.imports)
            out.values.append(value)
        return out if any(v is not None for v in out.values) else None

    def _portable(self, node: Node, caller: Func, gf: GoFile, imports: dict[str, str]) -> str | None:
        """The expression's text when it means the same at package level of the generated file."""
        if node.type in ("func_literal", "nil"):
            return None  # a closure may capture the test's locals; nil has no type of its own
        wanted: dict[str, str] = {}
        for n in [node, *descendants(node)]:
            if n.type == "func_literal":
                return None
            if n.type == "type_identifier" and (n.parent is None or n.parent.type != "qualified_type") \
                    and text(n) not in self.names and text(n) not in _BUILTINS:
                return None  # a type the test declares for itself
            if n.type == "identifier":
                name = text(n)
                parent = n.parent
                key: Node = n
                if parent is not None and parent.type == "literal_element" and parent.parent is not None \
                        and parent.parent.type == "keyed_element":
                    key, parent = parent, parent.parent  # the grammar wraps a key in a literal_element
                if parent is not None and parent.type == "keyed_element" and parent.named_children \
                        and parent.named_children[0] == key and _in_struct_literal(parent):
                    continue  # a field name in a struct literal
                if caller.lookup(name, n) is not None:
                    return None  # a local of the test
                if name not in self.names and name not in _BUILTINS:
                    return None
            elif n.type == "package_identifier" or (n.type == "identifier" and n.parent is not None and
                                                    n.parent.type == "selector_expression"):
                pass
            if n.type == "selector_expression":
                operand = n.child_by_field_name("operand")
                if operand is not None and operand.type == "identifier" and text(operand) in gf.imports \
                        and caller.lookup(text(operand), operand) is None:
                    wanted[text(operand)] = gf.imports[text(operand)]
            if n.type == "qualified_type":
                q = text(n.child_by_field_name("package"))
                if q not in gf.imports:
                    return None
                wanted[q] = gf.imports[q]
        imports.update(wanted)
        return text(node)

    def _table_value(self, node: Node, caller: Func, gf: GoFile, imports: dict[str, str],
                     longest: bool = False) -> str | None:
        """`tt.in` where tt ranges over a table literal: the field of its first row that expects no error
        (longest: of the row where it is written longest)."""
        node = strip_parens(node) or node
        if node.type != "selector_expression":
            return None
        operand = node.child_by_field_name("operand")
        fieldname = text(node.child_by_field_name("field"))
        if operand is None or operand.type != "identifier":
            return None
        decl = caller.lookup(text(operand), operand)
        if decl is None or decl.kind != "range":
            return None
        loop = next((lp for f in _family(caller) for lp in f.loops if lp.node == decl.node), None)
        table = loop.range_node if loop is not None else None
        if table is not None and table.type == "identifier":
            tdecl = caller.lookup(text(table), table)
            table = tdecl.init if tdecl is not None else _file_var(gf, text(table))
        if table is None or table.type != "composite_literal":
            return None
        rows = table.child_by_field_name("body")
        order = _field_order(table, self.pkg)
        best: str | None = None
        for row in rows.named_children if rows is not None else []:
            lit = row.named_children[0] if row.type == "literal_element" and row.named_children else row
            if lit.type != "literal_value" and lit.type != "composite_literal":
                continue
            fields = _row_fields(lit, order)
            if any(_ERROR_FIELD.search(k) and v not in ("nil", "false", '""', "0") for k, v in fields.items()):
                continue
            value_node = fields.get(fieldname)
            if value_node is None:
                continue
            found = _row_node(lit, fieldname, order)
            value = self._portable(found, caller, gf, imports) if found is not None else None
            if value is not None and not longest:
                return value
            if value is not None and len(value) > len(best or ""):
                best = value
        return best


def _file_var(gf: GoFile, name: str) -> Node | None:
    """The value of a package-level `var name = ...` of the test file (a table shared by several tests)."""
    for decl in gf.tree.root_node.named_children:
        if decl.type != "var_declaration":
            continue
        for spec in descendants(decl):
            if spec.type != "var_spec" or [text(n) for n in spec.children_by_field_name("name")] != [name]:
                continue
            values = spec.child_by_field_name("value")
            return values.named_children[0] if values is not None and len(values.named_children) == 1 else None
    return None


def _in_struct_literal(keyed: Node) -> bool:
    body = keyed.parent
    lit = body.parent if body is not None else None
    return lit is not None and lit.type in ("composite_literal", "literal_value", "literal_element")


def _family(func: Func) -> list[Func]:
    out = [func]
    while out[-1].parent is not None:
        parent = out[-1].parent
        assert parent is not None
        out.append(parent)
    return out


_ERROR_EXPECTED = re.compile(r"\b(require|assert)\.(Error|ErrorIs|ErrorContains|EqualError|Panics)\w*\(")
_RECOVER = re.compile(r"\bdefer\b[^\n]*(\n[^\n]*){0,3}\brecover\(\)")


def _expects_failure(call: Node) -> bool:
    """Whether the test wants the call to fail: it checks `err == nil` (or require.Error, assert.Error ...)
    right after, or the function around it recovers a panic it expects."""
    following = _following(call)
    if following is not None:
        cond = following.child_by_field_name("condition") if following.type == "if_statement" else None
        if cond is not None and re.sub(r"[\s()]", "", text(cond)) == "err==nil":
            return True  # not `(err == nil && c.hasError) || ...`: that is a table's row deciding
        if _ERROR_EXPECTED.search(text(following)):
            return True
    scope = call.parent
    while scope is not None and scope.type not in ("func_literal", "function_declaration", "method_declaration"):
        scope = scope.parent
    if scope is not None and scope.type == "func_literal" and scope.parent is not None \
            and scope.parent.type == "argument_list" and scope.parent.parent is not None \
            and re.search(r"Panics\w*$", text(scope.parent.parent.child_by_field_name("function"))):
        return True  # assert.Panics(t, func() { New("[") })
    body = scope.child_by_field_name("body") if scope is not None else None
    return body is not None and _RECOVER.search(text(body)) is not None


def _following(call: Node) -> Node | None:
    """The statement that checks the call's result: the next one, or the `if` whose initializer it is."""
    stmt = call.parent
    while stmt is not None and not stmt.type.endswith(("_statement", "_declaration")):
        stmt = stmt.parent
    if stmt is not None and stmt.parent is not None and stmt.parent.type == "if_statement" \
            and stmt.parent.child_by_field_name("initializer") == stmt:
        return stmt.parent
    return stmt.next_named_sibling if stmt is not None else None


def _checked(call: Node) -> bool:
    """Whether the statement after the call fails the test on a non-nil error (the input is valid)."""
    following = _following(call)
    if following is None or following.type != "if_statement":
        return False
    cond = text(following.child_by_field_name("condition"))
    body = text(following.child_by_field_name("consequence"))
    return "err != nil" in cond and re.search(r"\bt\.(Fatal|Error)", body) is not None


def _field_order(table: Node, pkg: Package) -> list[str]:
    """Field names of the row type, in order, for positional rows."""
    t = table.child_by_field_name("type")
    elem = t.child_by_field_name("element") if t is not None else None
    if elem is None:
        return []
    if elem.type == "struct_type":
        names: list[str] = []
        for decl in descendants(elem):
            if decl.type == "field_declaration":
                names += [text(n) for n in decl.children_by_field_name("name")]
        return names
    struct = pkg.structs.get(text(elem).lstrip("*"))
    return [f for f, _ in struct.fields] if struct is not None else []


def _row_fields(lit: Node, order: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    elements = [c for c in lit.named_children if c.type in ("keyed_element", "literal_element")]
    for i, el in enumerate(elements):
        if el.type == "keyed_element" and len(el.named_children) == 2:
            out[text(el.named_children[0])] = text(el.named_children[1])
        elif i < len(order):
            out[order[i]] = text(el)
    return out


def _row_node(lit: Node, name: str, order: list[str]) -> Node | None:
    elements = [c for c in lit.named_children if c.type in ("keyed_element", "literal_element")]
    for i, el in enumerate(elements):
        if el.type == "keyed_element" and len(el.named_children) == 2 and text(el.named_children[0]) == name:
            value = el.named_children[1]
            return value.named_children[0] if value.type == "literal_element" and value.named_children else value
        if el.type == "literal_element" and i < len(order) and order[i] == name:
            return el.named_children[0] if el.named_children else el
    return None
