"""The exported API of a Go package, read from its source with tree-sitter: function and method
signatures, struct fields, interface methods, named types, package variables and constants.

Types are kept as text, qualified the way code outside the package writes them: a type of the
package itself carries the package name (`*Reader` in package strings is `*strings.Reader`), and a
type of an imported package carries that package's own name even when the file imports it under
another (`urlpkg.URL` in net/http is `url.URL`). Only top-level declarations are read: function
bodies are never walked.

The standard library's API is generated once into analyzers/data (tools/gen_stdlib_types.py); the
CLI reads dependencies' APIs the same way from their source on disk (analyzers/extern.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tree_sitter import Node

from analyzers.apimodel import Deferred, PackageAPI, Sig, TypeInfo, is_exported, package_name_of
from analyzers.source import descendants, parse, text


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


PREDECLARED = _words(
    "any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 "
    "rune string uint uint8 uint16 uint32 uint64 uintptr"
)
_SPACE = re.compile(r"\s+")


# ---------------------------------------------------------------- extraction


@dataclass
class _File:
    root: Node
    imports: dict[str, str]  # local name -> import path


class _Extractor:
    def __init__(self, path: str, name: str, files: list[_File], exported_only: bool,
                 names_of: Mapping[str, str]) -> None:
        self.api = PackageAPI(path=path, name=name)
        self.files = files
        self.exported_only = exported_only
        self.names_of = names_of  # import path -> package name, where known better than the path says
        self.local_types: set[str] = set()
        self.pending_vars: list[tuple[str, Node, int, _File]] = []
        self.const_values: dict[str, Node] = {}

    def wanted(self, name: str) -> bool:
        return bool(name) and name != "_" and (is_exported(name) or not self.exported_only)

    def run(self) -> PackageAPI:
        for f in self.files:
            for node in f.root.named_children:
                if node.type == "type_declaration":
                    for spec in node.named_children:
                        if spec.type in ("type_spec", "type_alias"):
                            self.local_types.add(text(spec.child_by_field_name("name")))
        for f in self.files:
            for node in f.root.named_children:
                kind = node.type
                if kind == "type_declaration":
                    for spec in node.named_children:
                        if spec.type in ("type_spec", "type_alias"):
                            self.type_spec(spec, f)
        for f in self.files:
            for node in f.root.named_children:
                kind = node.type
                if kind == "function_declaration":
                    self.function(node, f)
                elif kind == "method_declaration":
                    self.method(node, f)
                elif kind == "var_declaration":
                    self.var_decl(node, f)
                elif kind == "const_declaration":
                    self.const_decl(node, f)
        self.resolve_vars()
        if self.exported_only:
            self.prune_types()
        return self.api

    # -- type text

    def qualify(self, node: Node | None, f: _File, tparams: Iterable[str] = ()) -> str:
        if node is None:
            return ""
        base = node.start_byte
        raw = node.text or b""
        skip = set(tparams)
        edits: list[tuple[int, int, str]] = []
        for n in (node, *descendants(node)):
            if n.type == "type_identifier":
                parent = n.parent
                name = text(n)
                if parent is not None and parent.type == "qualified_type":
                    continue
                if name in self.local_types and name not in skip:
                    edits.append((n.start_byte - base, n.end_byte - base, f"{self.api.name}.{name}"))
            elif n.type == "package_identifier":
                parent = n.parent
                if parent is None or parent.type != "qualified_type":
                    continue
                alias = text(n)
                path = f.imports.get(alias)
                if path is None:
                    continue
                canonical = self.names_of.get(path) or package_name_of(path)
                self.api.imports[canonical] = path
                if canonical != alias:
                    edits.append((n.start_byte - base, n.end_byte - base, canonical))
        out = raw
        for start, end, repl in sorted(edits, reverse=True):
            out = out[:start] + repl.encode() + out[end:]
        return _SPACE.sub(" ", out.decode("utf-8", "replace")).strip()

    def params(self, node: Node | None, f: _File, tparams: Iterable[str]) -> tuple[str, ...]:
        if node is None:
            return ()
        if node.type != "parameter_list":  # a single unnamed result
            return (self.qualify(node, f, tparams),)
        out: list[str] = []
        for decl in node.named_children:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            typ = self.qualify(decl.child_by_field_name("type"), f, tparams)
            if decl.type == "variadic_parameter_declaration":
                typ = "..." + typ
            count = max(1, len(decl.children_by_field_name("name")))
            out.extend([typ] * count)
        return tuple(out)

    # -- declarations

    def function(self, node: Node, f: _File) -> None:
        name = text(node.child_by_field_name("name"))
        if not self.wanted(name):
            return
        tp_node = node.child_by_field_name("type_parameters")
        tparams = _tparam_names(tp_node)
        sig = Sig(
            self.params(node.child_by_field_name("parameters"), f, tparams),
            self.params(node.child_by_field_name("result"), f, tparams),
            self.constraints(tp_node, f, tparams),
        )
        self.api.funcs.setdefault(name, sig)

    def constraints(self, node: Node | None, f: _File, tparams: tuple[str, ...]) -> tuple[str, ...]:
        """Type parameters as "Name constraint" (`S ~[]E`), one per name."""
        out: list[str] = []
        for decl in node.named_children if node is not None else []:
            if decl.type == "type_parameter_declaration":
                constraint = self.qualify(decl.child_by_field_name("type"), f, tparams)
                out.extend(f"{text(n)} {constraint}".strip() for n in decl.children_by_field_name("name"))
        return tuple(out)

    def method(self, node: Node, f: _File) -> None:
        name = text(node.child_by_field_name("name"))
        recv = node.child_by_field_name("receiver")
        decl = next((c for c in recv.named_children if c.type == "parameter_declaration"), None) if recv else None
        typ = decl.child_by_field_name("type") if decl is not None else None
        while typ is not None and typ.type in ("pointer_type", "parenthesized_type"):
            typ = typ.named_children[0] if typ.named_child_count else None
        if typ is None or not self.wanted(name) or (self.exported_only and not is_exported(name)):
            return
        tparams: tuple[str, ...] = ()
        if typ.type == "generic_type":
            args = typ.child_by_field_name("type_arguments")
            tparams = tuple(text(a) for a in args.named_children) if args is not None else ()
            typ = typ.child_by_field_name("type")
        info = self.api.types.get(text(typ))
        if info is None:
            return
        sig = Sig(
            self.params(node.child_by_field_name("parameters"), f, tparams),
            self.params(node.child_by_field_name("result"), f, tparams),
            tparams,
        )
        info.methods.setdefault(name, sig)

    def type_spec(self, spec: Node, f: _File) -> None:
        name = text(spec.child_by_field_name("name"))
        if not name or name in self.api.types:
            return
        tparams = _tparam_names(spec.child_by_field_name("type_parameters"))
        typ = spec.child_by_field_name("type")
        if spec.type == "type_alias":
            self.api.types[name] = TypeInfo("alias", self.qualify(typ, f, tparams), tparams=tparams)
        elif typ is not None and typ.type == "struct_type":
            self.api.types[name] = self.struct(typ, f, tparams)
        elif typ is not None and typ.type == "interface_type":
            self.api.types[name] = self.interface(typ, f, tparams)
        else:
            self.api.types[name] = TypeInfo("named", self.qualify(typ, f, tparams), tparams=tparams)

    def struct(self, node: Node, f: _File, tparams: tuple[str, ...]) -> TypeInfo:
        info = TypeInfo("struct", tparams=tparams)
        decls = next((c for c in node.named_children if c.type == "field_declaration_list"), None)
        for decl in decls.named_children if decls is not None else []:
            if decl.type != "field_declaration":
                continue
            ftype = self.qualify(decl.child_by_field_name("type"), f, tparams)
            names = [text(n) for n in decl.children_by_field_name("name")]
            if not names:
                star = any(c.type == "*" for c in decl.children) and not ftype.startswith("*")
                info.embeds.append(("*" if star else "") + ftype)
                continue
            for n in names:
                if self.wanted(n):
                    info.fields[n] = ftype
        return info

    def interface(self, node: Node, f: _File, tparams: tuple[str, ...]) -> TypeInfo:
        info = TypeInfo("interface", tparams=tparams)
        for elem in node.named_children:
            if elem.type == "method_elem":
                name = text(elem.child_by_field_name("name"))
                if self.wanted(name):
                    info.methods[name] = Sig(
                        self.params(elem.child_by_field_name("parameters"), f, tparams),
                        self.params(elem.child_by_field_name("result"), f, tparams),
                    )
            elif elem.type == "type_elem" and elem.named_child_count == 1:
                inner = elem.named_children[0]
                if inner.type in ("type_identifier", "qualified_type", "generic_type"):
                    info.embeds.append(self.qualify(inner, f, tparams))
        return info

    def var_decl(self, node: Node, f: _File) -> None:
        for spec in _specs(node, "var_spec"):
            names = [text(n) for n in spec.children_by_field_name("name")]
            typ = spec.child_by_field_name("type")
            values = spec.child_by_field_name("value")
            vals = values.named_children if values is not None else []
            for i, name in enumerate(names):
                if not self.wanted(name):
                    continue
                if typ is not None:
                    self.api.vars[name] = self.qualify(typ, f)
                elif len(vals) == len(names):
                    self.pending_vars.append((name, vals[i], 0, f))
                elif len(vals) == 1:
                    self.pending_vars.append((name, vals[0], i, f))

    def const_decl(self, node: Node, f: _File) -> None:
        prev_type: Node | None = None
        prev_vals: list[Node] = []
        for spec in _specs(node, "const_spec"):
            names = [text(n) for n in spec.children_by_field_name("name")]
            typ = spec.child_by_field_name("type")
            values = spec.child_by_field_name("value")
            if values is not None or typ is not None:  # a spec with neither repeats the one above
                prev_type = typ
                prev_vals = values.named_children if values is not None else []
            for i, name in enumerate(names):
                if prev_type is not None:
                    if self.wanted(name):
                        self.api.consts[name] = self.qualify(prev_type, f)
                elif i < len(prev_vals):
                    self.const_values[name] = prev_vals[i]
                    if self.wanted(name):
                        self.pending_vars.append((name, prev_vals[i], -1, f))

    # -- values: types of initialisers

    def resolve_vars(self) -> None:
        for name, value, index, f in self.pending_vars:
            typ, deferred = self.value_type(value, f, index, 0)
            if typ:
                (self.api.consts if index < 0 else self.api.vars)[name] = typ
            elif deferred is not None:
                self.api.deferred[name] = deferred

    def value_type(self, node: Node | None, f: _File, index: int, depth: int) -> tuple[str, Deferred | None]:
        while node is not None and node.type == "parenthesized_expression" and node.named_child_count:
            node = node.named_children[0]
        if node is None or depth > 6:
            return "", None
        kind = node.type
        if kind in _LITERAL_DEFAULTS:
            return _LITERAL_DEFAULTS[kind], None
        if kind == "composite_literal":
            return self.qualify(node.child_by_field_name("type"), f), None
        if kind == "unary_expression":
            op = text(node.child_by_field_name("operator"))
            inner, deferred = self.value_type(node.child_by_field_name("operand"), f, 0, depth + 1)
            if op == "&" and inner:
                return "*" + inner, None
            return (inner, deferred) if op in ("-", "+", "^") else ("bool" if op == "!" else "", None)
        if kind == "binary_expression":
            op = text(node.child_by_field_name("operator"))
            if op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||"):
                return "bool", None
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            lt, ld = self.value_type(left, f, 0, depth + 1)
            if op in ("<<", ">>"):
                return lt, ld
            rt, rd = self.value_type(right, f, 0, depth + 1)
            # A typed operand decides; two untyped ones take the wider default.
            if lt and not _untyped(left):
                return lt, None
            if rt and not _untyped(right):
                return rt, None
            if ld or rd:
                return "", ld or rd
            return ("float64" if "float64" in (lt, rt) else lt or rt), None
        if kind == "identifier":
            name = text(node)
            if name in self.api.consts:
                return self.api.consts[name], None
            if name in self.const_values:
                return self.value_type(self.const_values[name], f, 0, depth + 1)
            return ("bool" if name in ("true", "false") else ""), None
        if kind == "call_expression":
            return self.call_type(node, f, index)
        if kind == "selector_expression":
            operand = node.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier" and text(operand) in f.imports:
                return "", (f.imports[text(operand)], text(node.child_by_field_name("field")), -1)
        return "", None

    def call_type(self, node: Node, f: _File, index: int) -> tuple[str, Deferred | None]:
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_child_count else None
        if fn is None:
            return "", None
        name = text(fn)
        if fn.type == "identifier":
            if name == "new" and first is not None:
                return "*" + self.qualify(first, f), None
            if name in ("make",) and first is not None:
                return self.qualify(first, f), None
            if name in PREDECLARED or name in self.local_types:
                return (f"{self.api.name}.{name}" if name in self.local_types else name), None
            sig = self.api.funcs.get(name)
            if sig is not None and index < len(sig.results) and not sig.tparams:
                return sig.results[index], None
            return "", None
        if fn.type == "selector_expression":
            operand = fn.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier" and text(operand) in f.imports:
                return "", (f.imports[text(operand)], text(fn.child_by_field_name("field")), index)
        if fn.type in ("qualified_type", "pointer_type", "slice_type", "map_type", "generic_type"):
            return self.qualify(fn, f), None
        return "", None

    def prune_types(self) -> None:
        """Keep unexported types only when an exported one embeds them (their members are promoted)."""
        keep = {n for n in self.api.types if is_exported(n)}
        todo = list(keep)
        prefix = self.api.name + "."
        while todo:
            info = self.api.types[todo.pop()]
            refs = [*info.embeds, info.underlying] if info.kind == "alias" else list(info.embeds)
            for emb in refs:
                local = emb.lstrip("*").split("[", 1)[0]
                if local.startswith(prefix):
                    local = local[len(prefix):]
                    if local in self.api.types and local not in keep:
                        keep.add(local)
                        todo.append(local)
        self.api.types = {n: t for n, t in self.api.types.items() if n in keep}


_LITERAL_DEFAULTS = {
    "interpreted_string_literal": "string",
    "raw_string_literal": "string",
    "int_literal": "int",
    "float_literal": "float64",
    "rune_literal": "rune",
    "imaginary_literal": "complex128",
    "iota": "int",
    "true": "bool",
    "false": "bool",
}


def _untyped(node: Node | None) -> bool:
    return node is not None and node.type in _LITERAL_DEFAULTS


def _specs(node: Node, kind: str) -> list[Node]:
    out: list[Node] = []
    for child in node.named_children:
        if child.type == kind:
            out.append(child)
        elif child.type.endswith("_spec_list"):
            out.extend(c for c in child.named_children if c.type == kind)
    return out


def _tparam_names(node: Node | None) -> tuple[str, ...]:
    if node is None:
        return ()
    out: list[str] = []
    for decl in node.named_children:
        if decl.type == "type_parameter_declaration":
            out.extend(text(n) for n in decl.children_by_field_name("name"))
    return tuple(out)


def file_imports(root: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in root.named_children:
        if node.type != "import_declaration":
            continue
        for spec in (s for c in node.named_children for s in ([c] if c.type == "import_spec" else c.named_children)):
            if spec.type != "import_spec":
                continue
            path = text(spec.child_by_field_name("path")).strip('"`')
            alias = text(spec.child_by_field_name("name"))
            if alias in ("_", "."):
                continue
            out[alias or package_name_of(path)] = path
    return out


def package_clause(root: Node) -> str:
    for node in root.named_children:
        if node.type == "package_clause":
            return text(node.named_children[0]) if node.named_child_count else ""
    return ""


def extract(path: str, sources: Sequence[bytes], *, exported_only: bool = True,
            names_of: Mapping[str, str] | None = None) -> PackageAPI | None:
    """The API of one package from the sources of its files (test files and files of other builds
    already left out by the caller). None when no file declares a package. names_of: import path ->
    package name for imports whose name differs from what their path suggests."""
    files: list[_File] = []
    name = ""
    for src in sources:
        root = parse(src).root_node
        clause = package_clause(root)
        if not clause or clause.endswith("_test") or (name and clause != name):
            continue
        name = name or clause
        files.append(_File(root, file_imports(root)))
    if not files:
        return None
    return _Extractor(path, name, files, exported_only, names_of or {}).run()
