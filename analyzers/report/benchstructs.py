"""Struct values for generated benchmarks: an element of a struct type (every buildable field filled
for index i), the empty value a method runs on (a shell: maps made, slices left to fill, positions at 0,
or the fields the package's own code sets when it makes one), and a field's value inside either."""

from __future__ import annotations

import re
from collections.abc import Callable

from analyzers.package import Package
from analyzers.report.benchreach import PackageIndex
from analyzers.report.benchstd import STD_ZERO_OK
from analyzers.report.benchtypes import Facts, mangle, type_node
from analyzers.report.benchvalues import TypeEnv
from analyzers.source import text

_INTEGERS = frozenset({"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                       "uintptr"})


class Unbuildable(Exception):
    """No valid value of a type can be written: the message says why."""


def local_names(t: str) -> list[str]:
    return re.findall(r"(?<![\w.])([A-Za-z_]\w*)(?![\w.])", t)


class StructValues:
    """The struct part of Values (benchinputs), which provides what is declared here."""

    pkg: Package
    index: PackageIndex
    facts: Facts
    envs: dict[str, TypeEnv]
    _building: set[str]

    def element(self, t: str, i: str, env: TypeEnv, in_bench: bool = False) -> str:
        raise NotImplementedError

    def type_text(self, t: str, env: TypeEnv) -> str:
        raise NotImplementedError

    def _helper(self, key: str, base: str, source_of: Callable[[str], str]) -> str:
        raise NotImplementedError

    def _struct_source(self, name: str, t: str) -> str:
        struct = self.pkg.structs[t]
        env = self.envs.get(struct.file) or next(iter(self.envs.values()))
        positions = {f for f in self._indexes(t) if self._integer(struct.fields, f)}
        self._building.add(t)
        try:
            fields: list[str] = []
            for fname, ftype in struct.fields:
                if fname == "_" or fname in positions:
                    continue  # a position into the element's own slices: 0 is in range, i + 1 may not be
                key = fname or ftype.lstrip("*").rsplit(".", 1)[-1].split("[", 1)[0]
                value = self.field_value(ftype, "i", env)
                if value is not None:
                    fields.append(f"\t\t{key}: {value},")
        finally:
            self._building.discard(t)
        body = "\n".join(fields)
        lit = f"{t}{{\n{body}\n\t}}" if fields else f"{t}{{}}"
        return f"// {name} returns the i-th distinct {t}.\nfunc {name}(i int) {t} {{\n\treturn {lit}\n}}\n"

    def shell(self, t: str) -> str:
        """A *T to call methods on: maps made and empty, slices and channels left for the caller to fill,
        every other field as in an element, so that what the benchmark adds stays consistent."""
        return self._helper("shell:" + t, "New" + mangle(t), lambda name: self._shell_source(name, t)) + "()"

    def _shell_source(self, name: str, t: str) -> str:
        struct = self.pkg.structs[t]
        env = self.envs.get(struct.file) or next(iter(self.envs.values()))
        positions = self._positions(t)
        own = self._package_literal(t)
        self._building.add(t)
        try:
            fields: list[str] = []
            for fname, ftype in struct.fields:
                if fname in own:
                    fields.append(f"\t\t{fname}: {own[fname]},")  # as the package itself makes it
                    continue
                if fname == "_" or fname in positions:
                    continue
                key = fname or ftype.lstrip("*").rsplit(".", 1)[-1].split("[", 1)[0]
                node = type_node(ftype)
                if node is None or node.type in ("slice_type", "channel_type"):
                    continue
                if node.type == "map_type":
                    fields.append(f"\t\t{key}: make({self.type_text(ftype, env)}),")
                    continue
                value = self.field_value(ftype, "1", env)
                if value is not None:
                    fields.append(f"\t\t{key}: {value},")
        finally:
            self._building.discard(t)
        body = "\n".join(fields)
        lit = f"&{t}{{\n{body}\n\t}}" if fields else f"&{t}{{}}"
        return f"// {name} returns an empty *{t} ready for use.\nfunc {name}() *{t} {{\n\treturn {lit}\n}}\n"

    def _package_literal(self, t: str) -> dict[str, str]:
        """Fields the package's own code sets when it makes a T (`&scratch{data: make([]byte, 1024)}`), from
        the first literal whose values are constants, `make` with constant sizes or literals."""
        for f in self.pkg.funcs:
            for site in f.sites("composite_literal"):
                kind = site.node.child_by_field_name("type")
                body = site.node.child_by_field_name("body")
                if kind is None or body is None or text(kind) != t:
                    continue
                found: dict[str, str] = {}
                for element in body.named_children:
                    key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
                    if element.type != "keyed_element" or key is None or value is None:
                        found = {}
                        break
                    if self._portable(text(value)):
                        found[text(key)] = text(value)
                if found:
                    return found
        return {}

    def _portable(self, value: str) -> bool:
        names = re.findall(r"(?<![\w.\"])[A-Za-z_]\w*(?![\w\"])", re.sub(r'"[^"\\]*"', '""', value))
        allowed = {"make", "true", "false", "nil", "byte", "int", "string", "rune", "uint8", "int64", "uint64",
                   "float64", "struct", "map", "chan", "any"} | set(self.facts.untyped) | set(self.pkg.structs) | \
            set(self.pkg.type_defs) | {c for cs in self.facts.consts.values() for c in cs}
        return len(value) < 80 and "\n" not in value and "(" not in value.replace("make(", "") and \
            all(n in allowed for n in names)

    def _integer(self, fields: list[tuple[str, str]], name: str) -> bool:
        """Whether the field is an integer (`ts.Cases[len(ts.Cases)-1]` names a slice inside the brackets)."""
        ftype = next((ft for fn, ft in fields if fn == name), "")
        return ftype in _INTEGERS or self.pkg.type_defs.get(ftype, "").strip() in _INTEGERS

    def _indexes(self, t: str) -> set[str]:
        """Fields the type's methods index one of its own slices with, alone (`d.tokens[d.cursor]`): a cursor,
        in range at 0. A bound in a slice expression (`d.storage[:d.rate]`) may be a stride, which 0 stalls."""
        out: set[str] = set()
        for m in self.index.methods.get(t, {}).values():
            recv = m.receiver_name
            if recv and m.body is not None:
                r = re.escape(recv)
                out |= set(re.findall(rf"\b{r}\.\w+\[\s*{r}\.(\w+)\s*\]", text(m.body)))
        return out

    def _positions(self, t: str) -> set[str]:
        """Fields the type's methods index its own slices with (`s.data[s.fill]`, `s.buf[s.r:s.w]`): in an
        empty value they are 0, consistent with the empty slices."""
        out: set[str] = set()
        for m in self.index.methods.get(t, {}).values():
            recv = m.receiver_name
            if not recv or m.body is None:
                continue
            pattern = re.compile(rf"\b{re.escape(recv)}\.\w+\[([^\]]*)\]")
            for found in pattern.finditer(text(m.body)):
                out |= set(re.findall(rf"\b{re.escape(recv)}\.(\w+)", found.group(1)))
        return out

    def inverted(self, t: str) -> list[str]:
        """*big.Int fields of T that T's methods invert or divide by (`pool.Get().ModInverse(c.z, P)`,
        `x.Mod(y, c.m)`): a constructor that takes them from a pool of zeros leaves them 0, which has no
        inverse (ModInverse returns nil, and the next use panics) and divides by zero."""
        struct = self.pkg.structs.get(t)
        if struct is None:
            return []
        env = self.envs.get(struct.file) or next(iter(self.envs.values()))
        bigs = {f for f, ftype in struct.fields if ftype.startswith("*") and env.is_(ftype[1:], "math/big", "Int")}
        found: list[str] = []
        for m in self.index.methods.get(t, {}).values():
            recv = m.receiver_name
            if not recv or m.body is None or not bigs:
                continue
            r = re.escape(recv)
            code = text(m.body)
            for f in re.findall(rf"\.ModInverse\(\s*{r}\.(\w+)\s*,", code) + \
                    re.findall(rf"\.(?:Div|Mod|Quo|Rem)\([^(),]+,\s*{r}\.(\w+)\s*\)", code):
                if f in bigs and f not in found:
                    found.append(f)
        return found

    def invertible(self, t: str, value: str) -> str:
        """value, a *T just made, with the fields T's methods invert set to 1 where they are 0."""
        fields = self.inverted(t)
        if not fields:
            return value
        checks = "".join(f"\tif v.{f} != nil && v.{f}.Sign() == 0 {{\n\t\tv.{f}.SetInt64(1)\n\t}}\n"
                         for f in fields)
        helper = self._helper("invertible:" + t, "Invertible" + mangle(t), lambda name: (
            f"// {name} sets what {t}'s methods invert ({', '.join(fields)}) to 1 where it is 0: zero has no "
            f"inverse.\nfunc {name}(v *{t}) *{t} {{\n{checks}\treturn v\n}}\n"))
        return f"{helper}({value})"

    def _names_within(self, ftype: str) -> set[str]:
        """The package's type names a field's type refers to, through named non-struct types too
        (`Headers` in `type Headers []Header` leads back to `Header`)."""
        seen: set[str] = set()
        todo = list(local_names(ftype))
        while todo and len(seen) < 64:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            underlying = self.pkg.type_defs.get(name)
            if underlying:
                todo.extend(local_names(underlying))
        return seen

    def field_value(self, ftype: str, i: str, env: TypeEnv) -> str | None:
        """A field's value inside a struct literal, or None to leave it at its zero value (locks,
        atomics, types that refer back to the struct being built, and what cannot be built)."""
        node = type_node(ftype)
        if node is None:
            return None
        if node.type == "qualified_type":
            path = env.resolve(text(node.child_by_field_name("package")))
            if (path, text(node.child_by_field_name("name"))) in STD_ZERO_OK:
                return None
        base = ftype.lstrip("*").split("[", 1)[0]
        if base in self._building or any(b in self._building for b in self._names_within(ftype)):
            return None
        try:
            return self.element(ftype, i, env)
        except Unbuildable:
            return None
