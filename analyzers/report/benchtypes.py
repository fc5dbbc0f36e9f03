"""Go type texts as tree-sitter sees them, and the package facts value building needs: typed constants,
interface method sets, which local types implement an interface."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tree_sitter import Node, Tree

from analyzers.package import Package
from analyzers.source import parse, text


@dataclass(frozen=True)
class ParsedType:
    tree: Tree  # kept alive: the node belongs to it

    @property
    def node(self) -> Node | None:
        spec = self.tree.root_node.named_children[-1].named_children[0]
        return spec.child_by_field_name("type")


@lru_cache(maxsize=8192)
def parse_type(type_text: str) -> ParsedType | None:
    """The syntax node of a type written out, or None when the text is not a type."""
    tree = parse(f"package p\nvar _ {type_text}\n".encode())
    if tree.root_node.has_error:
        return None
    parsed = ParsedType(tree)
    return parsed if parsed.node is not None else None


def type_node(type_text: str) -> Node | None:
    parsed = parse_type(type_text.strip())
    return parsed.node if parsed is not None else None


def mangle(type_text: str) -> str:
    """A readable identifier part for a type: []Item -> SliceItem, map[string]*T -> MapStringToPtrT."""
    s = type_text.replace("[]", " slice ").replace("*", " ptr ").replace("map[", " map ").replace("]", " to ")
    s = s.replace("<-", " recv ").replace("chan", " chan ").replace("...", " slice ").replace(".", " ")
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", s) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Value"


class Facts:
    """Typed constants, interface method sets and methods by type, of one package."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.consts: dict[str, list[str]] = {}  # type -> constants declared with it
        self.untyped: list[str] = []
        self.methods: dict[str, dict[str, bool]] = {}  # type -> method name -> pointer receiver
        self.signatures: dict[tuple[str, str], str] = {}  # (type, method) -> "(params) results", normalised
        for gf in pkg.files:
            for node in gf.tree.root_node.named_children:
                if node.type == "const_declaration":
                    self._consts(node)
        for f in pkg.funcs:
            if f.receiver and not f.is_literal:
                self.methods.setdefault(f.receiver, {})[f.name] = f.pointer_receiver
                self.signatures[(f.receiver, f.name)] = _signature([p.type for p in f.params],
                                                                   [r.type for r in f.results])

    def _consts(self, decl: Node) -> None:
        current = ""
        for spec in decl.named_children:
            if spec.type != "const_spec":
                continue
            typ = spec.child_by_field_name("type")
            if typ is not None:
                current = text(typ)
            elif spec.child_by_field_name("value") is not None:
                current = ""  # an untyped constant starts a new run
            names = [text(n) for n in spec.children_by_field_name("name") if text(n) != "_"]
            if not current:
                self.untyped.extend(names)
                continue
            for name in names:
                self.consts.setdefault(current, []).append(name)

    def interface_signatures(self, type_text: str) -> dict[str, str]:
        """Method name -> normalised signature, for the methods an interface declares itself."""
        node = type_node(self.pkg.type_defs.get(type_text.strip(), type_text.strip()))
        out: dict[str, str] = {}
        for elem in node.named_children if node is not None and node.type == "interface_type" else []:
            if elem.type == "method_elem":
                params = elem.child_by_field_name("parameters")
                result = elem.child_by_field_name("result")
                out[text(elem.child_by_field_name("name"))] = _signature(
                    _param_types(params), _param_types(result) if result is not None and
                    result.type == "parameter_list" else ([text(result)] if result is not None else []))
        return out

    def interface_methods(self, type_text: str, seen: frozenset[str] = frozenset()) -> set[str] | None:
        """Method names an interface type requires (embedded local interfaces included); None when the
        text is not an interface or embeds one from elsewhere."""
        name = type_text.strip()
        if name.endswith("]") and "[" in name and not name.startswith("["):
            name = name.split("[", 1)[0]  # BucketIterator[float64]: an instance of a generic interface
        underlying = self.pkg.type_defs.get(name, name) if name not in seen else ""
        node = type_node(underlying) if underlying else None
        if node is None or node.type != "interface_type":
            return None
        out: set[str] = set()
        for elem in node.named_children:
            if elem.type == "method_elem":
                out.add(text(elem.child_by_field_name("name")))
            elif elem.type == "type_elem":
                inner = self.interface_methods(text(elem), seen | {name})
                if inner is None:
                    return None
                out |= inner
        return out

    def method_set(self, typ: str, seen: frozenset[str] = frozenset()) -> dict[str, bool]:
        """Methods of a local type, promoted ones from embedded fields included: name -> pointer receiver."""
        out = dict(self.methods.get(typ, {}))
        struct = self.pkg.structs.get(typ)
        if struct is None or typ in seen:
            return out
        for fname, ftype in struct.fields:
            if not fname and "." not in ftype:
                for name, pointer in self.method_set(ftype.lstrip("*"), seen | {typ}).items():
                    out.setdefault(name, pointer and not ftype.startswith("*"))
        return out

    def implementations(self, type_text: str) -> list[tuple[str, bool]]:
        """Local non-interface types whose method set covers the interface: (type, needs a pointer)."""
        wanted = self.interface_methods(type_text)
        if not wanted:
            return []
        out: list[tuple[str, bool]] = []
        candidates = sorted(set(self.methods) | set(self.pkg.structs))
        for typ in candidates:
            methods = self.method_set(typ)
            if typ == type_text or not wanted <= set(methods) or self.interface_methods(typ) is not None:
                continue
            declared = self.interface_signatures(type_text)
            if any(self.signatures.get((typ, m), sig) != sig for m, sig in declared.items()):
                continue  # same names, other signatures: not an implementation
            out.append((typ, any(methods[m] for m in wanted)))
        # Prefer types that are not themselves wrappers of the interface (fewer fields of that type).
        return out


def _param_types(params: Node | None) -> list[str]:
    out: list[str] = []
    for p in params.named_children if params is not None else []:
        if p.type in ("parameter_declaration", "variadic_parameter_declaration"):
            t = text(p.child_by_field_name("type"))
            t = "..." + t if p.type == "variadic_parameter_declaration" else t
            out += [t] * max(1, len(p.children_by_field_name("name")))
    return out


def _signature(params: list[str], results: list[str]) -> str:
    return "(" + ",".join(" ".join(t.split()) for t in params) + ")" + ",".join(" ".join(r.split()) for r in results)
