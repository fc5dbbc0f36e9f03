"""Expression types without a type checker: what syntax shows, what the package declares and what
other packages export ("" wherever none of them says).

Two levels. `infer_type` (analyzers/typesyntax.py) reads one expression's syntax, plus the results
of standard-library functions (`strings.ToLower(x)` is a string): the walk uses it while the model
is being built. `TypeResolver` (one per package, `pkg.types`) adds everything the finished model knows: local and
package declarations followed through initialisers, struct fields (embedded and promoted), the
package's own functions and methods, and other packages' functions, methods, fields, variables and
named types (analyzers/extern.py). Every rule asks the resolver; it replaces the per-family
resolvers the rule helpers used to keep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.apimodel import Sig
from analyzers.extern import instantiate, mentions, parse_named
from analyzers.source import FIELD, strip_parens, text
from analyzers.typesyntax import (
    BASIC_LITERALS,
    BUILTIN_RESULTS,
    CONVERSIONS,
    NO_RESULT,
    infer_type,
    multi_value_type,
    range_types,
    std_external,
)
from analyzers.typetext import (
    INT_TYPES,
    element_type,
    is_map_type,
    is_slice_type,
    map_key_type,
    range_pair,
    split_map_type,
)

if TYPE_CHECKING:
    from analyzers.package import Package
    from analyzers.source import Decl, Func

__all__ = [
    "INT_TYPES", "TypeResolver", "element_type", "expr_type", "infer_type", "is_map_type", "is_slice_type",
    "map_key_type", "multi_value_type", "range_types", "split_map_type", "underlying",
]

# Results of methods by convention when the receiver's type is unknown (fmt.Stringer, error, the
# Bytes/Text/Len accessors of buffers and scanners).
CONVENTIONAL_RESULTS = {"String": "string", "Error": "string", "Text": "string", "Bytes": "[]byte", "Len": "int"}
_MAX_DEPTH = 6


def expr_type(pkg: Package, func: Func, node: Node | None) -> str:
    return pkg.types.type(node, func)


def underlying(pkg: Package, typ: str) -> str:
    return pkg.types.underlying(typ.strip())


class TypeResolver:
    """Expression types for one package (see the module docstring). Answers are remembered per node."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.ext = pkg.external or std_external()
        self.funcs: dict[str, tuple[str, ...]] = {}  # "F" or "Recv.M" -> result types
        for f in pkg.funcs:
            if f.is_literal or not f.results:
                continue
            results = tuple(r.type for r in f.results)
            generic = _type_params(f)
            if generic and any(mentions(r, sorted(generic)) for r in results):
                continue  # `func Map[T any](...) T`: the result depends on the call
            self.funcs[f"{f.receiver}.{f.name}" if f.receiver else f.name] = results
        self._memo: dict[int, str] = {}
        self._busy: set[int] = set()
        self._cuts = 0

    @classmethod
    def of(cls, pkg: Package) -> TypeResolver:
        return pkg.types

    # -- expressions

    def type(self, node: Node | None, func: Func | None) -> str:
        node = strip_parens(node)
        if node is None:
            return ""
        key = node.id
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in self._busy or len(self._busy) > 64:
            self._cuts += 1
            return ""
        cuts = self._cuts
        self._busy.add(key)
        try:
            found = self._type(node, func)
        finally:
            self._busy.discard(key)
        # An answer worked out while a cycle was cut (an expression that needed itself, or one nested too
        # deep) depends on where the lookup started: kept only for this lookup, so that the result does
        # not depend on the order in which functions, or workers' chunks, are analysed.
        if self._cuts == cuts:
            self._memo[key] = found
        return found

    def is_string(self, node: Node | None, func: Func) -> bool:
        return self.type(node, func) == "string"

    def _type(self, node: Node, func: Func | None) -> str:
        kind = node.type
        if kind == "identifier":
            return self._identifier(node, func)
        if kind == "selector_expression":
            return self._selector(node, func)
        if kind == "call_expression":
            results = self.results(node, func)
            return results[0] if results else ""
        if kind == "unary_expression":
            op = text(node.child_by_field_id(FIELD.operator))
            inner = self.type(node.child_by_field_id(FIELD.operand), func)
            if op == "&":
                return "*" + inner if inner else ""
            if op == "*":
                return inner[1:] if inner.startswith("*") else ""
            if op == "<-":
                chan = self.underlying(inner, func)
                return chan.split(" ", 1)[1] if chan.startswith(("chan ", "<-chan ")) else ""
            return "bool" if op == "!" else inner
        if kind == "binary_expression":
            return self._binary(node, func)
        if kind == "index_expression":
            base = self.underlying(self.type(node.child_by_field_id(FIELD.operand), func), func)
            return element_type(base[1:] if base.startswith("*[") else base)
        if kind == "slice_expression":
            base = self.type(node.child_by_field_id(FIELD.operand), func)
            under = self.underlying(base, func).lstrip("*")
            if under.startswith("[") and not under.startswith("[]"):
                return "[]" + element_type(under)
            return base
        return infer_type(node, func, self._imports(func))

    def _binary(self, node: Node, func: Func | None) -> str:
        op = text(node.child_by_field_id(FIELD.operator))
        if op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||"):
            return "bool"
        left, right = node.child_by_field_id(FIELD.left), node.child_by_field_id(FIELD.right)
        lt = self.type(left, func)
        if op in ("<<", ">>"):
            return lt
        rt = self.type(right, func)
        # An untyped literal takes the other side's type: `d * 2` is a time.Duration.
        if lt and (strip_parens(left) or node).type not in BASIC_LITERALS:
            return lt
        return rt or lt

    def _identifier(self, node: Node, func: Func | None) -> str:
        name = text(node)
        decl = visible_decl(func, name, node) if func is not None else None
        if decl is not None:
            return self.decl_type(decl)
        if name in self.pkg.vars:
            return self.pkg.vars[name] or self._package_var(name)
        if name in self.pkg.consts:
            return self.pkg.consts[name]
        return "bool" if name in ("true", "false") else ""

    def decl_type(self, decl: Decl) -> str:
        """The type of a local: declared, or from its initialiser (one result of a multi-value one)."""
        if decl.kind == "range":
            return self._range_decl(decl)
        if decl.declared_type is not None:
            return decl.declared_type
        if decl.multi_init is not None and decl.result_index is not None:
            return self.multi(decl.multi_init, decl.result_index, decl.func)
        return self.type(decl.init, decl.func) if decl.init is not None else ""

    def _package_var(self, name: str) -> str:
        spec = self.pkg.var_nodes.get(name)
        values = spec.child_by_field_id(FIELD.value) if spec is not None else None
        names = [text(n) for n in spec.children_by_field_name("name")] if spec is not None else []
        if values is None or name not in names:
            return ""
        vals = values.named_children
        if len(vals) == len(names):
            return self.type(vals[names.index(name)], None)
        return self.multi(vals[0], names.index(name), None) if len(vals) == 1 else ""

    def _range_decl(self, decl: Decl) -> str:
        loop = decl.node
        clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
        if clause is None:
            return decl.declared_type or ""
        left = clause.child_by_field_id(FIELD.left)
        names = [text(c) for c in left.named_children] if left is not None else []
        if decl.name not in names:
            return decl.declared_type or ""
        t = self.type(clause.child_by_field_id(FIELD.right), decl.func)
        pair = range_pair(t) if t.startswith("iter.Seq") else range_pair(self.underlying(t, decl.func))
        return pair[names.index(decl.name)] or decl.declared_type or ""

    def multi(self, value: Node, index: int, func: Func | None) -> str:
        """The index-th value of `a, b := value`."""
        value = strip_parens(value) or value
        kind = value.type
        if kind == "call_expression":
            results = self.results(value, func)
            return results[index] if index < len(results) else ""
        if index == 1 and kind in ("index_expression", "type_assertion_expression", "unary_expression"):
            return "bool"
        return self.type(value, func) if index == 0 else ""

    def _selector(self, node: Node, func: Func | None) -> str:
        operand = strip_parens(node.child_by_field_id(FIELD.operand))
        name = text(node.child_by_field_id(FIELD.field))
        if operand is not None and operand.type == "identifier":
            path = self._package(text(operand), operand, func)
            if path is not None:
                return self.ext.value_type(path, name)
        return self.field(self.type(operand, func), name, func)

    def _package(self, name: str, at: Node, func: Func | None) -> str | None:
        """The import path `name` stands for at `at`, None when it names a variable."""
        if func is not None and visible_decl(func, name, at) is not None:
            return None
        if name in self.pkg.vars or name in self.pkg.consts:
            return None
        imports = self._imports(func)
        if name in imports:
            return imports[name]
        found = self.ext.candidates(name, {})
        return found[0] if len(found) == 1 else None

    @staticmethod
    def _imports(func: Func | None) -> Mapping[str, str]:
        return func.file.imports if func is not None else {}

    # -- calls

    def results(self, call: Node, func: Func | None) -> tuple[str, ...]:
        """The result types of a call ("" for each the resolver cannot tell)."""
        fn = strip_parens(call.child_by_field_id(FIELD.function))
        args_node = call.child_by_field_id(FIELD.arguments)
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
        if fn is None:
            return ()
        if fn.type == "identifier":
            return self._plain_call(fn, args, func)
        if fn.type == "func_literal":
            return _literal_results(fn)
        if fn.type != "selector_expression":
            t = infer_type(call, func, self._imports(func))
            return (t,) if t else ()
        operand = strip_parens(fn.child_by_field_id(FIELD.operand))
        name = text(fn.child_by_field_id(FIELD.field))
        if operand is not None and operand.type == "identifier":
            path = self._package(text(operand), operand, func)
            if path is not None:
                sig = self.ext.func_sig(path, name)
                if sig is not None:
                    return self._instantiate(sig, args, func)
                api = self.ext.package(path)
                return (f"{text(operand)}.{name}",) if api is not None and name in api.types else ()
        recv = self.type(operand, func)
        found = self.method(recv, name, func)
        if found is not None:
            return found
        if not args and name in CONVENTIONAL_RESULTS:
            return (CONVENTIONAL_RESULTS[name],)
        return ()

    def _plain_call(self, fn: Node, args: list[Node], func: Func | None) -> tuple[str, ...]:
        name = text(fn)
        decl = visible_decl(func, name, fn) if func is not None else None
        if decl is not None:  # a local function value
            init = strip_parens(decl.init)
            return _literal_results(init) if init is not None and init.type == "func_literal" else ()
        first = args[0] if args else None
        if name == "make" and first is not None:
            return (text(first),)
        if name == "new" and first is not None:
            return ("*" + text(first),)
        if name == "append" and first is not None:
            return (self.type(first, func),)
        if name in ("min", "max") and args:
            # A typed operand decides over untyped literals: `min(n, 8)` has n's type.
            typed = [self.type(a, func) for a in args if (strip_parens(a) or a).type not in BASIC_LITERALS]
            return (next((t for t in typed if t), self.type(args[0], func)),)
        if name in CONVERSIONS or name in self.pkg.structs or name in self.pkg.type_defs:
            return (name,)
        if name in BUILTIN_RESULTS:
            return (BUILTIN_RESULTS[name],)
        if name in NO_RESULT:
            return ()
        return self.funcs.get(name, ())

    def _instantiate(self, sig: Sig, args: Sequence[Node], func: Func | None) -> tuple[str, ...]:
        if not sig.tparams:
            return sig.results
        types = [self.type(a, func) for a in args]
        return instantiate(sig, types, lambda t: self.underlying(t, func))

    # -- types

    def method(self, recv: str, name: str, func: Func | None, depth: int = 0) -> tuple[str, ...] | None:
        """The result types of method `name` of type `recv` (promoted methods included), None when not found."""
        n = parse_named(recv.strip().lstrip("*"))
        if n is None or depth > _MAX_DEPTH:
            return None
        if n.qualifier:
            sig = self.ext.method(recv.lstrip("*"), name, self._imports(func))
            return sig.results if sig is not None else None
        pkg = self.pkg
        if n.name in pkg.ambiguous:
            return None
        found = self.funcs.get(f"{n.name}.{name}")
        if found is not None:
            return found
        if n.name in pkg.iface_methods:
            if name in pkg.iface_methods[n.name]:
                return pkg.iface_methods[n.name][name]
            embeds = pkg.iface_embeds.get(n.name, [])
        else:
            struct = pkg.structs.get(n.name)
            embeds = [ft for fname, ft in struct.fields if not fname] if struct is not None else []
            if struct is None and n.name in pkg.type_defs:
                defined = pkg.type_defs[n.name].strip()
                # A defined type keeps an interface's methods, not a concrete type's.
                if parse_named(defined) is not None and self.kind(defined, func) == "interface":
                    embeds = [defined]
        for emb in embeds:
            found = self.method(emb, name, func, depth + 1)
            if found is not None:
                return found
        return None

    def field(self, typ: str, name: str, func: Func | None, depth: int = 0) -> str:
        """The type of field `name` of a struct type (or pointer to one), embedded and promoted included."""
        base = typ.strip()
        base = base[1:] if base.startswith("*") else base
        if not base or depth > _MAX_DEPTH:
            return ""
        n = parse_named(base)
        if n is not None and n.qualifier:
            return self.ext.field(base, name, self._imports(func))
        struct = self.pkg.struct_of(self.underlying(base, func))
        if struct is None:
            return ""
        for fname, ftype in struct.fields:
            if fname == name or (not fname and ftype.lstrip("*").split("[", 1)[0].rsplit(".", 1)[-1] == name):
                return ftype
        for fname, ftype in struct.fields:
            if not fname:
                found = self.field(ftype, name, func, depth + 1)
                if found:
                    return found
        return ""

    def underlying(self, typ: str, func: Func | None = None) -> str:
        """The underlying type of a named non-struct type (the package's own, or another package's:
        `http.Header` is `map[string][]string`); other types unchanged."""
        t = typ.strip()
        for _ in range(8):
            if t in self.pkg.type_defs:
                t = self.pkg.type_defs[t].strip()
                continue
            n = parse_named(t)
            if n is not None and n.qualifier and not n.pointer:
                return self.ext.underlying(t, self._imports(func))
            break
        return t

    def kind(self, typ: str, func: Func | None = None) -> str:
        """struct, interface, named or "" for a named type of this package or another."""
        t = typ.strip()
        if t in self.pkg.structs:
            return "struct"
        if t in self.pkg.iface_methods:
            return "interface"
        if t in self.pkg.type_defs:
            return "named"
        return self.ext.kind(t, self._imports(func))


_SCOPES = frozenset({"block", "if_statement", "for_statement", "expression_switch_statement",
                     "type_switch_statement", "select_statement", "expression_case", "type_case",
                     "default_case", "communication_case", "func_literal"})


def visible_decl(func: Func, name: str, at: Node) -> Decl | None:
    """The declaration of name in scope at `at`: the latest one above it whose block (or loop, for a
    range variable) still encloses it, here or in an enclosing function. Func.lookup takes the latest
    one above, even from a loop that has ended."""
    f: Func | None = func
    pos = at.start_byte
    while f is not None:
        best = None
        for d in f.decls.get(name, ()):
            if d.node.start_byte <= pos and not d.resolving and _encloses(d, pos):
                best = d
        if best is not None:
            return best
        f = f.parent
    return None


def _encloses(decl: Decl, pos: int) -> bool:
    if decl.kind == "param":
        return True
    if decl.kind == "range":
        scope: Node | None = decl.node
    else:
        scope = decl.node.parent
        while scope is not None and scope.type not in _SCOPES:
            scope = scope.parent
    return scope is None or scope.start_byte <= pos < scope.end_byte


def _literal_results(node: Node) -> tuple[str, ...]:
    from analyzers.walk import params_of

    return tuple(p.type for p in params_of(node.child_by_field_id(FIELD.result)))


def _type_params(func: Func) -> set[str]:
    """Names of the type parameters a function declares or its generic receiver names."""
    names: set[str] = set()
    tparams = func.node.child_by_field_id(FIELD.type_parameters)
    for decl in tparams.named_children if tparams is not None else []:
        names.update(text(n) for n in decl.children_by_field_name("name"))
    recv = func.node.child_by_field_id(FIELD.receiver)
    if recv is not None and "[" in text(recv):
        inner = text(recv).split("[", 1)[1].rsplit("]", 1)[0]
        names.update(part.strip() for part in inner.split(","))
    return names
