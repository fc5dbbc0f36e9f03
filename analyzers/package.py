"""Package-level facts across a package's files: structs and their sizes, locks, variables, go.mod."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.source import FIELD, Func, GoFile, text

if TYPE_CHECKING:
    from analyzers.extern import External
    from analyzers.testfiles import TestFile
    from analyzers.typeinfer import TypeResolver

LOCK_TYPES = {
    "sync.Mutex": "Mutex",
    "sync.RWMutex": "RWMutex",
    "sync.WaitGroup": "WaitGroup",
    "sync.Once": "Once",
    "sync.Cond": "Cond",
}
ATOMIC_PREFIX = "atomic."

# Sizes on 64-bit platforms, in bytes, with alignment. Unknown types are None.
BASIC_SIZES: dict[str, int] = {
    "bool": 1, "int8": 1, "uint8": 1, "byte": 1,
    "int16": 2, "uint16": 2,
    "int32": 4, "uint32": 4, "rune": 4, "float32": 4,
    "int": 8, "uint": 8, "int64": 8, "uint64": 8, "uintptr": 8, "float64": 8, "complex64": 8,
    "complex128": 16, "string": 16, "error": 16, "any": 16,
    "time.Time": 24, "time.Duration": 8, "sync.Mutex": 8, "sync.RWMutex": 24, "sync.WaitGroup": 16,
    "sync.Once": 12, "atomic.Int64": 8, "atomic.Uint64": 8, "atomic.Int32": 4, "atomic.Bool": 4,
    "atomic.Value": 16, "atomic.Uint32": 4, "atomic.Pointer": 8,
}


@dataclass
class StructType:
    name: str
    fields: list[tuple[str, str]]  # (name, type text); embedded fields have name ""
    line: int
    file: str
    size: int | None = None
    locks: set[str] = field(default_factory=set)  # field names holding a sync lock
    lock_kinds: dict[str, str] = field(default_factory=dict)  # field name -> Mutex/RWMutex/...


@dataclass
class Package:
    """One package directory: its non-test files, its test files (read for facts only) and go.mod."""

    dir: str
    files: list[GoFile]
    test_files: list[TestFile] = field(default_factory=list)
    go_version: str = ""
    structs: dict[str, StructType] = field(default_factory=dict)
    type_defs: dict[str, str] = field(default_factory=dict)  # named non-struct types: name -> underlying
    vars: dict[str, str] = field(default_factory=dict)  # package-level variable -> type text
    var_nodes: dict[str, Node] = field(default_factory=dict)
    consts: dict[str, str] = field(default_factory=dict)  # package-level constant -> type ("" untyped/unknown)
    # Interfaces of the package: method name -> result types, and the interfaces they embed.
    iface_methods: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    iface_embeds: dict[str, list[str]] = field(default_factory=dict)
    # Types from other packages (the standard library's data, dependencies' source when available).
    external: External | None = None
    _types: TypeResolver | None = None
    _funcs: list[Func] | None = None
    # Types declared in more than one file (build-tagged variants): their shape is unknown.
    ambiguous: set[str] = field(default_factory=set)
    _methods: dict[str, set[str]] | None = None
    _call_names: frozenset[str] | None = None

    @property
    def funcs(self) -> list[Func]:
        """Every function of the package (literals included), in file order; listed once (rules
        walk it dozens of times)."""
        if self._funcs is None:
            self._funcs = [fn for f in self.files for fn in f.funcs]
        return self._funcs

    def struct_of(self, type_text: str) -> StructType | None:
        name = type_text.lstrip("*").split("[", 1)[0]
        return None if name in self.ambiguous else self.structs.get(name)

    def go_at_least(self, minor: int) -> bool:
        """True when go.mod says 1.<minor> or later; unknown versions count as recent."""
        if not self.go_version:
            return True
        m = re.match(r"1\.(\d+)", self.go_version)
        return m is None or int(m.group(1)) >= minor

    def has_lock(self, type_text: str) -> bool:
        s = self.struct_of(type_text)
        return bool(s and s.locks)

    def size_of(self, type_text: str) -> int | None:
        return _size(type_text, self, set())

    def calls_any(self, *names: str) -> bool:
        """Whether any function of the package makes a call named one of names (Func.calls_named's
        names): a rule that looks only at such calls skips a package that makes none instead of asking
        each of its functions."""
        if self._call_names is None:
            found: set[str] = set()
            for f in self.funcs:
                by_name = f._calls_by_name
                found.update(by_name if by_name is not None else (c.name for c in f.calls))
            self._call_names = frozenset(found)
        return not self._call_names.isdisjoint(names)

    def method_owners(self, name: str) -> set[str]:
        """The receiver types of the package that define a method of this name."""
        if self._methods is None:
            self._methods = {}
            for f in self.funcs:
                if f.receiver and not f.is_literal:
                    self._methods.setdefault(f.name, set()).add(f.receiver)
        return self._methods.get(name, set())

    @property
    def types(self) -> TypeResolver:
        """Expression types for this package (built on first use, shared by every rule)."""
        if self._types is None:
            from analyzers.typeinfer import TypeResolver

            self._types = TypeResolver(self)
        return self._types


def go_version_of(go_mod: bytes) -> str:
    m = re.search(rb"^go\s+(\d+\.\d+(?:\.\d+)?)", go_mod, re.MULTILINE)
    return m.group(1).decode() if m else ""


def build_package(
    directory: str,
    files: list[GoFile],
    test_files: Sequence[TestFile] | None = None,
    go_mod: bytes | None = None,
    external: External | None = None,
) -> Package:
    pkg = Package(dir=directory, files=files, test_files=list(test_files or []), external=external)
    if go_mod is not None:
        pkg.go_version = go_version_of(go_mod)
    for gf in files:
        _collect(gf, pkg)
    for s in pkg.structs.values():
        s.size = None if s.name in pkg.ambiguous else _size(s.name, pkg, set())
    # A struct holding a struct that holds a lock holds a lock: repeat until nothing changes, so the
    # order of declarations does not matter and nesting of any depth is found.
    changed = True
    while changed:
        changed = False
        for s in pkg.structs.values():
            before = len(s.locks)
            _find_locks(s, pkg)
            changed = changed or len(s.locks) != before
    return pkg


def _collect(gf: GoFile, pkg: Package) -> None:
    for node in gf.tree.root_node.named_children:
        if node.type == "type_declaration":
            for spec in node.named_children:
                if spec.type == "type_spec":
                    _type_spec(spec, gf, pkg)
        elif node.type == "var_declaration":
            from analyzers.typeinfer import infer_type

            for spec in _specs(node, "var_spec"):
                typ = text(spec.child_by_field_id(FIELD.type))
                vals = spec.child_by_field_id(FIELD.value)
                values = vals.named_children if vals is not None else []
                names = spec.children_by_field_name("name")
                for i, ident in enumerate(names):
                    value = values[i] if len(values) == len(names) else None
                    pkg.vars[text(ident)] = typ or (infer_type(value, None, gf.imports) if value is not None else "")
                    pkg.var_nodes[text(ident)] = spec
        elif node.type == "const_declaration":
            _consts(node, gf, pkg)


def _consts(node: Node, gf: GoFile, pkg: Package) -> None:
    """Constants with their types: as declared, repeated down an iota group, or the default type of
    an untyped literal value (what the constant becomes when passed to an `any` parameter)."""
    from analyzers.typeinfer import infer_type

    prev_type = ""
    prev_values: list[Node] = []
    for spec in _specs(node, "const_spec"):
        typ = spec.child_by_field_id(FIELD.type)
        vals = spec.child_by_field_id(FIELD.value)
        if typ is not None or vals is not None:
            prev_type = text(typ)
            prev_values = vals.named_children if vals is not None else []
        for i, ident in enumerate(spec.children_by_field_name("name")):
            value = prev_values[i] if i < len(prev_values) else None
            if prev_type:
                pkg.consts[text(ident)] = prev_type
            elif value is not None and value.type == "identifier" and text(value) in pkg.consts:
                pkg.consts[text(ident)] = pkg.consts[text(value)]
            else:
                pkg.consts[text(ident)] = infer_type(value, None, gf.imports) if value is not None else ""


def _specs(node: Node, kind: str) -> list[Node]:
    out: list[Node] = []
    for child in node.named_children:
        if child.type == kind:
            out.append(child)
        elif child.type.endswith("_spec_list"):
            out.extend(c for c in child.named_children if c.type == kind)
    return out


def _type_spec(spec: Node, gf: GoFile, pkg: Package) -> None:
    name = text(spec.child_by_field_id(FIELD.name))
    typ = spec.child_by_field_id(FIELD.type)
    if typ is None:
        return
    if name in pkg.structs or name in pkg.type_defs:
        pkg.ambiguous.add(name)
    if typ.type == "interface_type":
        _interface(name, typ, pkg)
    if typ.type != "struct_type":
        pkg.type_defs[name] = text(typ)
        return
    fields: list[tuple[str, str]] = []
    decls = next((c for c in typ.named_children if c.type == "field_declaration_list"), None)
    for decl in decls.named_children if decls is not None else []:
        if decl.type != "field_declaration":
            continue
        ftype = text(decl.child_by_field_id(FIELD.type))
        names = [text(n) for n in decl.children_by_field_name("name")]
        if not names:
            # An embedded `*T` carries its star as a separate token, outside the type field.
            if any(c.type == "*" for c in decl.children) and not ftype.startswith("*"):
                ftype = "*" + ftype
            fields.append(("", ftype))
        else:
            fields.extend((n, ftype) for n in names)
    pkg.structs[name] = StructType(name=name, fields=fields, line=spec.start_point[0] + 1, file=gf.path)


def _interface(name: str, node: Node, pkg: Package) -> None:
    from analyzers.walk import params_of

    methods: dict[str, tuple[str, ...]] = {}
    embeds: list[str] = []
    for elem in node.named_children:
        if elem.type == "method_elem":
            methods[text(elem.child_by_field_id(FIELD.name))] = tuple(
                p.type for p in params_of(elem.child_by_field_id(FIELD.result)))
        elif elem.type == "type_elem" and elem.named_child_count == 1:
            embeds.append(text(elem.named_children[0]))
    pkg.iface_methods[name] = methods
    pkg.iface_embeds[name] = embeds


def _lock_kind(ftype: str, pkg: Package) -> str | None:
    """Mutex/RWMutex/... for a sync type or a local named type defined as one (`type once sync.Once`)."""
    kind = LOCK_TYPES.get(ftype)
    if kind is None and ftype in pkg.type_defs:
        kind = LOCK_TYPES.get(pkg.type_defs[ftype])
    if kind is None and ftype.startswith(ATOMIC_PREFIX):
        kind = "atomic"
    return kind


def _find_locks(s: StructType, pkg: Package) -> None:
    for fname, ftype in s.fields:
        if (fname or ftype.split(".")[-1]) in s.locks:
            continue
        kind = _lock_kind(ftype, pkg)
        if kind is None:
            inner = pkg.structs.get(ftype)
            if inner is not None and inner is not s and inner.locks:
                kind = "struct-with-lock"
        if kind is not None:
            key = fname or ftype.split(".")[-1]
            s.locks.add(key)
            s.lock_kinds[key] = kind


def _align(t: str, pkg: Package, seen: set[str]) -> int:
    size = _size(t, pkg, seen)
    if size is None:
        return 8
    if t.startswith("[") and not t.startswith("[]"):
        return _align(t[t.index("]") + 1 :], pkg, seen)
    if t in pkg.structs:
        return max((_align(ft, pkg, seen | {t}) for _, ft in pkg.structs[t].fields), default=1)
    return min(size, 8) if size else 1


def _size(t: str, pkg: Package, seen: set[str]) -> int | None:
    t = t.strip()
    if t in BASIC_SIZES:
        return BASIC_SIZES[t]
    if t.startswith(("*", "map[", "chan ", "<-chan ", "chan<- ", "func(", "unsafe.Pointer")):
        return 8
    if t.startswith("[]"):
        return 24
    if t.startswith("interface") or t == "interface{}":
        return 16
    if t.startswith("[") and "]" in t:
        count = t[1 : t.index("]")]
        elem = _size(t[t.index("]") + 1 :], pkg, seen)
        return int(count) * elem if count.isdigit() and elem is not None else None
    if t in pkg.type_defs and t not in seen:
        return _size(pkg.type_defs[t], pkg, seen | {t})
    s = pkg.structs.get(t)
    if s is None or t in seen or t in pkg.ambiguous:
        return None
    offset, max_align = 0, 1
    for _, ft in s.fields:
        fs = _size(ft, pkg, seen | {t})
        if fs is None:
            return None
        a = _align(ft, pkg, seen | {t})
        max_align = max(max_align, a)
        offset = (offset + a - 1) // a * a + fs
    return (offset + max_align - 1) // max_align * max_align


def nearest_go_mod(path: str, go_mods: Mapping[str, bytes]) -> bytes | None:
    """The go.mod closest above path among go_mods (keys are go.mod paths, '/'-separated)."""
    parts = path.split("/")[:-1]
    while True:
        key = "/".join([*parts, "go.mod"]) if parts else "go.mod"
        if key in go_mods:
            return go_mods[key]
        if not parts:
            return None
        parts.pop()
