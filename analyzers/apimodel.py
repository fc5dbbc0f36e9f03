"""The API of a Go package as data: function and method signatures, declared types (fields,
embedded types, methods), package variables and constants, with their compact JSON form (the shape of
analyzers/data/stdlib_types.json.gz). analyzers/goapi.py reads one from source."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_MAJOR = re.compile(r"^v\d+$")
Deferred = tuple[str, str, int]


def package_name_of(path: str) -> str:
    """The name a package is usually declared with: its path's last element, without a major-version
    element (`math/rand/v2` -> rand) or a gopkg.in suffix (`gopkg.in/yaml.v3` -> yaml)."""
    parts = path.strip("/").split("/")
    last = parts[-1]
    if _MAJOR.match(last) and len(parts) > 1:
        last = parts[-2]
    if parts[0] == "gopkg.in":
        last = re.sub(r"\.v\d+$", "", last)
    last = last.removeprefix("go-").removesuffix(".go").removesuffix("-go")
    return re.sub(r"[^A-Za-z0-9_]", "_", last) or "_"


def is_exported(name: str) -> bool:
    return name[:1].isupper()





@dataclass(frozen=True)
class Sig:
    """A function or method: parameter and result types (`...T` for a variadic parameter) and its
    type parameters: "Name constraint" for a function (`S ~[]E`), the names its receiver gives its
    type's parameters for a method."""

    params: tuple[str, ...]
    results: tuple[str, ...]
    tparams: tuple[str, ...] = ()


@dataclass
class TypeInfo:
    """A declared type. kind: struct, interface, named (any other underlying type) or alias."""

    kind: str
    underlying: str = ""  # named: the underlying type; alias: the aliased type
    fields: dict[str, str] = field(default_factory=dict)
    embeds: list[str] = field(default_factory=list)  # embedded fields / interfaces (`*T` for a pointer)
    methods: dict[str, Sig] = field(default_factory=dict)
    tparams: tuple[str, ...] = ()


@dataclass
class PackageAPI:
    path: str
    name: str
    funcs: dict[str, Sig] = field(default_factory=dict)
    types: dict[str, TypeInfo] = field(default_factory=dict)
    vars: dict[str, str] = field(default_factory=dict)
    consts: dict[str, str] = field(default_factory=dict)
    # Values whose type is another package's: name -> (import path, function or value name, result
    # index; -1 for a value). `var ErrX = errors.New("x")` is ("errors", "New", 0).
    deferred: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    # Import path of every package name the type text above uses.
    imports: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.name}
        if self.funcs:
            out["f"] = {k: _sig_json(s) for k, s in sorted(self.funcs.items())}
        if self.types:
            out["t"] = {k: _type_json(t) for k, t in sorted(self.types.items())}
        if self.vars:
            out["v"] = dict(sorted(self.vars.items()))
        if self.consts:
            out["c"] = dict(sorted(self.consts.items()))
        if self.deferred:
            out["d"] = {k: list(v) for k, v in sorted(self.deferred.items())}
        if self.imports:
            out["i"] = dict(sorted(self.imports.items()))
        return out

    @classmethod
    def from_json(cls, path: str, data: Mapping[str, Any]) -> PackageAPI:
        return cls(
            path=path,
            name=data["n"],
            funcs={k: _sig_from(v) for k, v in data.get("f", {}).items()},
            types={k: _type_from(v) for k, v in data.get("t", {}).items()},
            vars=dict(data.get("v", {})),
            consts=dict(data.get("c", {})),
            deferred={k: (v[0], v[1], int(v[2])) for k, v in data.get("d", {}).items()},
            imports=dict(data.get("i", {})),
        )


def _sig_json(s: Sig) -> list[list[str]]:
    out = [list(s.params), list(s.results)]
    if s.tparams:
        out.append(list(s.tparams))
    return out


def _sig_from(v: Sequence[Sequence[str]]) -> Sig:
    return Sig(tuple(v[0]), tuple(v[1]), tuple(v[2]) if len(v) > 2 else ())


def _type_json(t: TypeInfo) -> dict[str, Any]:
    out: dict[str, Any] = {"k": t.kind}
    if t.underlying:
        out["u"] = t.underlying
    if t.fields:
        out["f"] = dict(sorted(t.fields.items()))
    if t.embeds:
        out["e"] = list(t.embeds)
    if t.methods:
        out["m"] = {k: _sig_json(s) for k, s in sorted(t.methods.items())}
    if t.tparams:
        out["tp"] = list(t.tparams)
    return out


def _type_from(v: Mapping[str, Any]) -> TypeInfo:
    return TypeInfo(
        kind=v["k"],
        underlying=v.get("u", ""),
        fields=dict(v.get("f", {})),
        embeds=list(v.get("e", [])),
        methods={k: _sig_from(s) for k, s in v.get("m", {}).items()},
        tparams=tuple(v.get("tp", ())),
    )
