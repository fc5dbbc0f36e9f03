"""Values for generated benchmarks: Go expressions that build valid, distinct inputs of any type the
package can write.

`element(t, i)` is a value of type t that differs with the Go int expression i (element i of a
collection: strings "k<i>", ints i, bools alternating, structs with every buildable field filled the
same way, so keys, foreign keys and equality behave as with real data); `collection(t, size)` is a
slice, map, string or channel of `size` such elements. Struct, slice and map values come from helper
functions written once into the generated file (`perfReviewItem(i)`, `perfReviewSliceItem(n)`).
Nothing is ever a nil map, nil func, nil pointer or nil interface: what cannot be built raises
Unbuildable with the reason, and the caller skips (or leaves a field at its zero value).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tree_sitter import Node

from analyzers.package import Package
from analyzers.report.benchhelpers import FIXED_HELPERS
from analyzers.report.benchreach import PackageIndex
from analyzers.report.benchstd import STD_PATHS, STD_VALUES, STD_ZERO_OK, StdValue
from analyzers.report.benchstructs import StructValues, Unbuildable
from analyzers.report.benchtypes import Facts, mangle, type_node
from analyzers.report.benchvalues import TypeEnv
from analyzers.source import Func, text

__all__ = ["DEFAULT_SIZE", "NESTED_SIZE", "Unbuildable", "Values"]

DEFAULT_SIZE = 16  # elements of a collection whose size does not drive the cost
NESTED_SIZE = 2  # elements of a collection inside an element
INT_TYPES = frozenset(["int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                       "uintptr"])
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9/]*|i)\}")


class Values(StructValues):
    """Builds expressions and collects what they need (helpers, imports) for one generated file."""

    def __init__(self, pkg: Package, index: PackageIndex, envs: dict[str, TypeEnv], pkg_names: set[str]) -> None:
        self.pkg = pkg
        self.index = index
        self.facts = Facts(pkg)
        self.envs = envs  # file path -> the file's type environment
        self.pkg_names = pkg_names  # package-level names a file-level import must not shadow
        self.imports: dict[str, str] = {}  # local name -> path, of the generated file
        self.helpers: dict[str, str] = {}  # helper name -> Go source, in creation order
        self._names: dict[str, str] = {}  # type text (as resolved) -> helper name
        self._building: set[str] = set()

    def checkpoint(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        return dict(self.imports), dict(self.helpers), dict(self._names)

    def restore(self, saved: tuple[dict[str, str], dict[str, str], dict[str, str]]) -> None:
        """Forget what a benchmark that could not be built asked for."""
        self.imports, self.helpers, self._names = (dict(x) for x in saved)

    # ----- imports -----

    def use(self, local: str, path: str) -> str:
        """Import path under local (raising Unbuildable when the name means something else here)."""
        have = self.imports.get(local)
        if have == path:
            return local
        if have is not None or local in self.pkg_names:
            raise Unbuildable(f"import name {local} means another package elsewhere in this file")
        self.imports[local] = path
        return local

    def std(self, path: str) -> str:
        """The local name of a standard-library import, aliased when its usual name is taken."""
        for local, p in self.imports.items():
            if p == path:
                return local
        base = path.rsplit("/", 1)[-1]
        for local in (base, "pr" + base):
            if local not in self.pkg_names and local not in self.imports:
                return self.use(local, path)
        raise Unbuildable(f"no free import name for {path}")

    def fixed(self, name: str) -> str:
        """A helper of benchhelpers (perfReviewKey, perfReviewText, ...), with what it needs."""
        if name not in self.helpers:
            source, paths, deps = FIXED_HELPERS[name]
            for dep in deps:
                self.fixed(dep)
            for p in paths:
                source = source.replace("{" + p.rsplit("/", 1)[-1] + "}", self.std(p))
            self.helpers[name] = source
        return name

    def type_text(self, t: str, env: TypeEnv) -> str:
        """t as the generated file must write it: every qualifier imported."""
        problem = env.problem(t)
        if problem is not None:
            raise Unbuildable(problem)
        for q in env.qualifiers(t):
            path = env.resolve(q)
            assert path is not None  # env.problem checked it
            self.use(q, path)
        return t

    def _helper(self, key: str, base: str, source_of: Callable[[str], str]) -> str:
        name = self._names.get(key)
        if name is not None:
            return name
        name = "perfReview" + base
        k = 2
        while name in self.helpers or name in self.pkg_names:
            name, k = f"perfReview{base}{k}", k + 1
        self._names[key] = name
        try:
            self.helpers[name] = ""  # reserve the name while the body is built (recursive types)
            self.helpers[name] = source_of(name)
        except Unbuildable:
            del self.helpers[name]
            del self._names[key]
            raise
        return name

    # ----- elements -----

    def element(self, t: str, i: str, env: TypeEnv, in_bench: bool = False) -> str:
        """A value of type t distinct for each value of the Go int expression i."""
        t = t.strip()
        node = type_node(t)
        if node is None:
            raise Unbuildable(f"type {t} is not understood")
        return self._element(node, t, i, env, in_bench)

    def _element(self, node: Node, t: str, i: str, env: TypeEnv, in_bench: bool) -> str:
        kind = node.type
        if kind == "parenthesized_type" and node.named_children:
            inner = node.named_children[0]
            return self._element(inner, text(inner), i, env, in_bench)
        if kind == "type_identifier":
            return self._named(t, i, env, in_bench)
        if kind == "qualified_type":
            return self._qualified(t, "", i, env, in_bench)
        if kind == "pointer_type":
            return self._pointer(node, t, i, env, in_bench)
        if kind in ("slice_type", "map_type", "channel_type"):
            return self.collection(t, str(NESTED_SIZE), env)
        if kind == "array_type":
            return self._array(node, t, i, env)
        if kind == "function_type":
            return self.func_literal(t, env)
        if kind == "interface_type":
            if not node.named_children:
                return f"{self.fixed('perfReviewKey')}({i})"
            raise Unbuildable(f"no value of interface type {t} is known")
        if kind == "struct_type" and not node.named_children[0].named_children:
            return "struct{}{}"
        raise Unbuildable(f"type {t} has no value a benchmark can build")

    def _named(self, t: str, i: str, env: TypeEnv, in_bench: bool) -> str:
        scalar = self._builtin(t, i)
        if scalar is not None:
            return scalar
        if t == "error":
            return self._std_value(STD_VALUES[("error", "")], "", i, in_bench)
        if t in ("any",):
            return f"{self.fixed('perfReviewKey')}({i})"
        if t not in self.pkg.structs and t not in self.pkg.type_defs:
            raise Unbuildable(f"type {t} is not declared in this package")
        if t in self.pkg.ambiguous:
            raise Unbuildable(f"type {t} is declared more than once (build-tagged variants)")
        consts = self.facts.consts.get(t)
        if consts:
            if len(consts) == 1:
                return consts[0]
            return self._helper("const:" + t, mangle(t), lambda name: self._const_source(name, t, consts)) + f"({i})"
        if t in self.pkg.structs:
            return self._helper(t, mangle(t), lambda name: self._struct_source(name, t)) + f"({i})"
        return self._defined(t, i, env, in_bench)

    def _builtin(self, t: str, i: str) -> str | None:
        if t == "string":
            return f"{self.fixed('perfReviewKey')}({i})"
        # Numbers count from 1: zero often means "unset" (IDs, revisions, sizes) and guards treat it so.
        one = str(int(i) + 1) if i.isdigit() else f"{i} + 1"
        if t == "int":
            return one
        if t in INT_TYPES:
            return f"{t}({one})"
        if t in ("float32", "float64"):
            return f"{t}({i}) + 0.5"
        if t == "bool":
            return ("true" if int(i) % 2 == 0 else "false") if i.isdigit() else f"{i}%2 == 0"
        if t in ("rune", "int32"):
            return f"rune('a' + {i}%26)"
        if t in ("byte",):
            return f"byte('a' + {i}%26)"
        if t in ("complex64", "complex128"):
            return f"{t}(complex(float64({i}), 1))"
        return None

    def _const_source(self, name: str, t: str, consts: list[str]) -> str:
        cases = ", ".join(consts)
        return (f"// {name} cycles through the {t} constants the package declares.\n"
                f"func {name}(i int) {t} {{\n\tall := []{t}{{{cases}}}\n\treturn all[i%len(all)]\n}}\n")

    def _defined(self, t: str, i: str, env: TypeEnv, in_bench: bool) -> str:
        underlying = self.pkg.type_defs[t].strip()
        node = type_node(underlying)
        if node is not None and node.type == "interface_type":
            return self.implementation(t, i, env, in_bench)
        if node is not None and node.type in ("slice_type", "map_type"):
            return f"{t}({self.collection(underlying, str(NESTED_SIZE), env)})"
        if node is not None and node.type == "function_type":
            return f"{t}({self.func_literal(underlying, env)})"
        return f"{t}({self.element(underlying, i, env, in_bench)})"

    def implementation(self, t: str, i: str, env: TypeEnv, in_bench: bool) -> str:
        for impl, pointer in self.facts.implementations(t):
            if impl in self._building or impl in self.pkg.ambiguous:
                continue
            try:
                return self.element(("*" if pointer else "") + impl, i, env, in_bench)
            except Unbuildable:
                continue
        raise Unbuildable(f"no type in the package implements interface {t}")

    def _qualified(self, t: str, star: str, i: str, env: TypeEnv, in_bench: bool) -> str:
        qual, _, name = t.partition(".")
        path = env.resolve(qual)
        if path is None:
            raise Unbuildable(f"type {t} names package {qual}, whose import is not understood")
        value = STD_VALUES.get((path, star + name))
        if value is not None:
            return self._std_value(value, path, i, in_bench)
        if (path, name) in STD_ZERO_OK:
            written = self.type_text(t, env)
            return f"new({written})" if star else f"{written}{{}}"
        raise Unbuildable(f"no value of {star}{t} is known")

    def _std_value(self, value: StdValue, own: str, i: str, in_bench: bool) -> str:
        if value.needs_b and not in_bench:
            raise Unbuildable("needs the benchmark's temporary directory or test server")
        for h in value.helpers:
            self.fixed(h)
        paths = dict(STD_PATHS)
        if own:
            paths[own.rsplit("/", 1)[-1]] = own
        for p in value.imports:
            paths[p.rsplit("/", 1)[-1]] = p

        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            if key == "i":
                return f"({i})" if not i.isidentifier() and not i.isdigit() else i
            path = paths.get(key)
            return self.std(path) if path is not None else m.group(0)

        return _PLACEHOLDER.sub(sub, value.template)

    def _pointer(self, node: Node, t: str, i: str, env: TypeEnv, in_bench: bool) -> str:
        inner = node.named_children[0] if node.named_children else None
        if inner is None:
            raise Unbuildable(f"type {t} is not understood")
        if inner.type == "qualified_type":
            return self._qualified(text(inner), "*", i, env, in_bench)
        base = text(inner)
        if inner.type == "type_identifier" and base in self.pkg.structs:
            ctor = self.index.constructor(base)
            if ctor is not None and (ctor.results[0].type != "*" + base or len(ctor.results) > 1):
                # Behind an interface or by value: build the literal here. One that can fail needs the
                # arguments its own checks ask for, which only a benchmark's builder reads (benchreceiver).
                ctor = None
            if ctor is not None and base not in self._building:
                try:
                    return self.constructed(ctor, base, i, env, in_bench)
                except Unbuildable:
                    pass
            return self._helper("*" + base, mangle(t), lambda name: self._pointer_source(name, base, env)) + f"({i})"
        if inner.type == "pointer_type":
            written = self.type_text(t, env)
            value = self.element(base, i, env, in_bench)
            return f"func() {written} {{\n\tp := {value}\n\treturn &p\n}}()"
        written = self.type_text(t, env)
        value = self.element(base, i, env, in_bench)
        return f"func() {written} {{\n\tv := {value}\n\treturn &v\n}}()"

    def _pointer_source(self, name: str, base: str, env: TypeEnv) -> str:
        value = self.element(base, "i", env)
        return f"func {name}(i int) *{base} {{\n\tv := {value}\n\treturn &v\n}}\n"

    def constructed(self, ctor: Func, base: str, i: str, env: TypeEnv, in_bench: bool) -> str:
        """*T from the package's own constructor, its arguments built like any other value."""
        ctor_env = self.envs.get(ctor.file.path, env)
        self._building.add(base)
        try:
            args = [self.element(p.type.removeprefix("..."), i, ctor_env, in_bench) for p in ctor.params
                    if not p.type.startswith("...")]
        finally:
            self._building.discard(base)
        call = f"{ctor.name}({', '.join(args)})"
        if len(ctor.results) == 1:
            return self.invertible(base, call)
        helper = self._helper("ctor:" + base + ":" + ",".join(args), "New" + mangle(base), lambda name: (
            f"func {name}() *{base} {{\n\tv, err := {call}\n\tif err != nil {{\n\t\tpanic(err)\n\t}}\n\treturn v\n}}\n"
        ))
        return f"{helper}()"

    def _array(self, node: Node, t: str, i: str, env: TypeEnv) -> str:
        elem = text(node.child_by_field_name("element"))
        written = self.type_text(t, env)
        value = self.element(elem, "k", env)
        return self._helper(t, mangle(t), lambda name: (
            f"func {name}(i int) {written} {{\n\tvar a {written}\n\tfor k := range a {{\n"
            f"\t\ta[k] = {value}\n\t}}\n\t_ = i\n\treturn a\n}}\n")) + f"({i})"

    def func_literal(self, t: str, env: TypeEnv) -> str:
        """A closure of the signature: it returns valid values (true for bool, nil for error)."""
        written = self.type_text(t, env)
        node = type_node(t)
        assert node is not None
        result = node.child_by_field_name("result")
        if result is None:
            return f"{written} {{}}"
        types = [text(p.child_by_field_name("type")) for p in result.named_children
                 if p.type == "parameter_declaration"] if result.type == "parameter_list" else [text(result)]
        values = [self._result_value(r, env) for r in types]
        return f"{written} {{\n\treturn {', '.join(values)}\n}}"

    def _result_value(self, t: str, env: TypeEnv) -> str:
        if t == "error":
            return "nil"
        if t == "bool":
            return "true"
        try:
            return self.element(t, "1", env)
        except Unbuildable:
            return f"*new({self.type_text(t, env)})"

    # ----- collections -----

    def _returns(self, helper: str, t: str) -> bool:
        """Whether the helper's result type is t itself (perfReviewKey for string, a struct's own
        helper): a type argument inferred from it then makes exactly t's slice or map."""
        t = t.strip()
        if t == "string":
            return helper == "perfReviewKey"
        return helper in (self._names.get(t), self._names.get("const:" + t))

    def mixed(self, t: str, elem: str, size: str, env: TypeEnv) -> str:
        """A slice of interface values whose even elements hold the type the code asserts on each element
        (`if block, ok := v.([]any); ok`) and odd ones another: both ways run."""
        written = self.type_text(t, env)
        asserted = self.element(elem, "i", env)
        other = f"{self.fixed('perfReviewKey')}(i)"
        return self._helper(f"mixed:{t}:{elem}", mangle(t) + "Holding" + mangle(elem), lambda name: (
            f"// {name} returns n values, every other one a {elem}.\n"
            f"func {name}(n int) {written} {{\n\ts := make({written}, n)\n\tfor i := range s {{\n"
            f"\t\tif i%2 == 0 {{\n\t\t\ts[i] = {asserted}\n\t\t}} else {{\n\t\t\ts[i] = {other}\n\t\t}}\n"
            f"\t}}\n\treturn s\n}}\n")) + f"({size})"

    def collection(self, t: str, size: str, env: TypeEnv) -> str:
        """A string, []byte, slice, map or channel of `size` (a Go int expression) elements."""
        t = t.strip()
        if t == "string":
            return f"{self.fixed('perfReviewText')}({size})"
        if t in ("[]byte", "[]uint8"):
            return f"[]byte({self.fixed('perfReviewText')}({size}))"
        node = type_node(t)
        if node is None:
            raise Unbuildable(f"type {t} is not understood")
        written = self.type_text(t, env)
        if node.type == "slice_type":
            elem = text(node.child_by_field_name("element"))
            value = self.element(elem, "i", env)
            made = _element_func(value)
            if made is not None and self.pkg.go_at_least(18) and self._returns(made, elem):
                return f"{self.fixed('perfReviewSlice')}({size}, {made})"
            return self._helper(t, mangle(t), lambda name: (
                f"func {name}(n int) {written} {{\n\ts := make({written}, n)\n\tfor i := range s {{\n"
                f"\t\ts[i] = {value}\n\t}}\n\treturn s\n}}\n")) + f"({size})"
        if node.type == "map_type":
            key = self.element(text(node.child_by_field_name("key")), "i", env)
            value = self.element(text(node.child_by_field_name("value")), "i", env)
            made_key, made_value = _element_func(key), _element_func(value)
            if made_key is not None and made_value is not None and self.pkg.go_at_least(18) and \
                    self._returns(made_key, text(node.child_by_field_name("key"))) and \
                    self._returns(made_value, text(node.child_by_field_name("value"))):
                return f"{self.fixed('perfReviewMap')}({size}, {made_key}, {made_value})"
            return self._helper(t, mangle(t), lambda name: (
                f"func {name}(n int) {written} {{\n\tm := make({written}, n)\n\tfor i := 0; i < n; i++ {{\n"
                f"\t\tm[{key}] = {value}\n\t}}\n\treturn m\n}}\n")) + f"({size})"
        if node.type == "channel_type":
            value = self.element(text(node.child_by_field_name("value")), "i", env)
            full = "chan " + text(node.child_by_field_name("value"))
            return self._helper(t, mangle(t), lambda name: (
                f"// {name} returns a closed channel holding n values: receiving never blocks.\n"
                f"func {name}(n int) {written} {{\n\tc := make({full}, n)\n\tfor i := 0; i < n; i++ {{\n"
                f"\t\tc <- {value}\n\t}}\n\tclose(c)\n\treturn c\n}}\n")) + f"({size})"
        if node.type == "type_identifier" and t in self.pkg.type_defs:
            underlying = self.pkg.type_defs[t].strip()
            if underlying.startswith(("[]", "map[")) or underlying == "string":
                return f"{t}({self.collection(underlying, size, env)})"
        return self.element(t, "0", env)


_ELEMENT_CALL = re.compile(r"^(perfReview\w+)\(i\)$")


def _element_func(value: str) -> str | None:
    """`perfReviewItem(i)` -> `perfReviewItem`: a helper of the element's own type, which the generic
    perfReviewSlice and perfReviewMap can call for each index (their type argument is its result type)."""
    m = _ELEMENT_CALL.match(value)
    return m.group(1) if m else None
