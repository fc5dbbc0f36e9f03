"""Types from outside the package under analysis: the standard library's API (generated data shipped
in analyzers/data, see tools/gen_stdlib_types.py) and, when a caller provides their source, the
APIs of other packages (the module's own packages, `vendor/`, the module cache), read lazily,
once per import path, within limits.

Type text names other packages by package name (`hash.Hash`, `*http.Request`). A name is turned
back into an import path with the importing file's imports first, then with the names every
package seen so far declares; a name two standard packages share (`rand`, `template`) is resolved
only when one of them declares the type asked for, or all give the same answer.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol, TypeVar

from analyzers.apimodel import PackageAPI, Sig, TypeInfo
from analyzers.buildtags import in_build, is_ignored
from analyzers.goapi import extract
from analyzers.skim import without_bodies
from analyzers.typetext import split_map_type, split_type_args

log = logging.getLogger(__name__)

DATA_NAME = "stdlib_types.json.gz"
_WORD = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\b")
_MAX_DEPTH = 5
_T = TypeVar("_T")


class SourceProvider(Protocol):
    """Where the source of a package outside the one analysed can be read (the caller does the I/O)."""

    def package_files(self, import_path: str) -> Sequence[tuple[str, bytes]] | None:
        """(file name, content) of the package's non-test .go files, or None when not available."""


@dataclass(frozen=True)
class Limits:
    max_packages: int = 300
    max_package_bytes: int = 4_000_000
    max_total_bytes: int = 48_000_000


class Stdlib:
    """The generated standard-library data: decoded per package on first use."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.go_version: str = data["go_version"]
        self.goos: str = data.get("goos", "")
        self.goarch: str = data.get("goarch", "")
        self._raw: Mapping[str, Any] = data["packages"]
        self._decoded: dict[str, PackageAPI] = {}
        self.names: dict[str, list[str]] = {}
        for path, pkg in self._raw.items():
            self.names.setdefault(pkg["n"], []).append(path)

    def __contains__(self, path: str) -> bool:
        return path in self._raw

    def paths(self) -> list[str]:
        return sorted(self._raw)

    def package(self, path: str) -> PackageAPI | None:
        api = self._decoded.get(path)
        if api is None and path in self._raw:
            api = self._decoded[path] = PackageAPI.from_json(path, self._raw[path])
        return api


def load_stdlib_bytes(blob: bytes) -> Stdlib:
    return Stdlib(json.loads(gzip.decompress(blob)))


@lru_cache(maxsize=1)
def stdlib() -> Stdlib:
    """The shipped data (loaded once per process, on first use). Missing or damaged data leaves the
    standard library's types unknown, as before there was any: logged, never fatal."""
    try:
        blob = resources.files("analyzers").joinpath("data", DATA_NAME).read_bytes()
        return load_stdlib_bytes(blob)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("standard-library types unavailable (%s): %s", DATA_NAME, exc)
        return Stdlib({"go_version": "", "packages": {}})


@dataclass(frozen=True)
class Named:
    """A named type as text shows it: `*pkg.Name[A, B]`."""

    pointer: bool
    qualifier: str
    name: str
    args: tuple[str, ...]


_NAMED = re.compile(r"^(\*?)(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)(?:\[(.*)\])?$")


def parse_named(t: str) -> Named | None:
    m = _NAMED.match(t.strip())
    if m is None:
        return None
    return Named(bool(m.group(1)), m.group(2) or "", m.group(3), tuple(split_type_args(m.group(4) or "")))


def substitute(t: str, mapping: Mapping[str, str]) -> str:
    if not mapping:
        return t
    return _WORD.sub(lambda m: mapping.get(m.group(1), m.group(1)), t)


def mentions(t: str, names: Sequence[str]) -> bool:
    return any(m.group(1) in names for m in _WORD.finditer(t))


class External:
    """API lookups for packages other than the one analysed. One per analysis run."""

    def __init__(self, providers: Sequence[SourceProvider] = (), limits: Limits | None = None,
                 std: Stdlib | None = None) -> None:
        self.providers = list(providers)
        self.limits = limits or Limits()
        self._std = std
        self._deps: dict[str, PackageAPI | None] = {}
        self._dep_names: dict[str, set[str]] = {}
        self._loaded_bytes = 0

    @property
    def std(self) -> Stdlib:
        if self._std is None:
            self._std = stdlib()
        return self._std

    # -- packages

    def package(self, path: str) -> PackageAPI | None:
        if path in self.std:
            return self.std.package(path)
        if path in self._deps:
            return self._deps[path]
        api = self._load(path)
        self._deps[path] = api
        if api is not None:
            self._dep_names.setdefault(api.name, set()).add(path)
            for name, p in api.imports.items():
                self._dep_names.setdefault(name, set()).add(p)
        return api

    def _load(self, path: str) -> PackageAPI | None:
        if not self.providers or len(self._deps) >= self.limits.max_packages:
            return None
        if self._loaded_bytes >= self.limits.max_total_bytes:
            return None
        for provider in self.providers:
            try:
                files = provider.package_files(path)
            except OSError as exc:
                log.debug("cannot read %s: %s", path, exc)
                files = None
            if not files:
                continue
            sources = []
            total = 0
            for name, src in files:
                if name.endswith("_test.go") or is_ignored(src) or not in_build(name, src):
                    continue
                total += len(src)
                if total > self.limits.max_package_bytes:
                    break
                sources.append(without_bodies(src))
            self._loaded_bytes += total
            api = extract(path, sources) if sources else None
            if api is not None:
                return api
        return None

    def candidates(self, qualifier: str, imports: Mapping[str, str]) -> list[str]:
        """Import paths a package name may stand for, most likely first."""
        path = imports.get(qualifier)
        if path is not None:
            return [path]
        found = list(self.std.names.get(qualifier, ()))
        found += sorted(self._dep_names.get(qualifier, set()) - set(found))
        return found

    # -- lookups

    def func_sig(self, path: str, name: str) -> Sig | None:
        api = self.package(path)
        return api.funcs.get(name) if api is not None else None

    def value_type(self, path: str, name: str, depth: int = 0) -> str:
        """The type of a package-level variable or constant (`os.Stdout`, `time.Second`)."""
        api = self.package(path)
        if api is None or depth > _MAX_DEPTH:
            return ""
        found = api.vars.get(name) or api.consts.get(name)
        if found:
            return found
        deferred = api.deferred.get(name)
        if deferred is None:
            return ""
        dpath, dname, index = deferred
        if index < 0:
            return self.value_type(dpath, dname, depth + 1)
        dapi = self.package(dpath)
        if dapi is None:
            return ""
        sig = dapi.funcs.get(dname)
        if sig is not None:
            return sig.results[index] if index < len(sig.results) and not sig.tparams else ""
        # `T(x)` with T a type of that package: a conversion.
        return f"{dapi.name}.{dname}" if dname in dapi.types else ""

    def named(self, t: str, imports: Mapping[str, str]) -> list[tuple[PackageAPI, TypeInfo, Named]]:
        """The declarations a qualified named type (`*pkg.T[...]`) may stand for, aliases followed:
        one, or several when the package name is ambiguous (`rand.Rand`)."""
        n = parse_named(t)
        if n is None or not n.qualifier:
            return []
        out = []
        for path in self.candidates(n.qualifier, imports):
            api = self.package(path)
            info = api.types.get(n.name) if api is not None else None
            if api is None or info is None:
                continue
            if info.kind == "alias":
                target = substitute(info.underlying, dict(zip(info.tparams, n.args, strict=False)))
                if t.count("*") < _MAX_DEPTH:
                    out.extend(self.named(("*" if n.pointer else "") + target, api.imports))
                continue
            out.append((api, info, n))
        return out

    def _agreed(self, t: str, imports: Mapping[str, str], answer: Callable[[PackageAPI, TypeInfo, Named], _T | None],
                ) -> _T | None:
        """The one answer every declaration t may stand for gives (those without one left out)."""
        found = [a for api, info, n in self.named(t, imports) if (a := answer(api, info, n)) is not None]
        return found[0] if found and all(a == found[0] for a in found) else None

    def method(self, t: str, name: str, imports: Mapping[str, str], depth: int = 0) -> Sig | None:
        """A method of a named type, promoted ones included, with the type's arguments put in."""
        if depth > _MAX_DEPTH:
            return None

        def answer(api: PackageAPI, info: TypeInfo, n: Named) -> Sig | None:
            sig = info.methods.get(name)
            if sig is not None:
                mapping = dict(zip(sig.tparams or info.tparams, n.args, strict=False))
                return Sig(tuple(substitute(p, mapping) for p in sig.params),
                           tuple(substitute(r, mapping) for r in sig.results))
            for emb in info.embeds:
                found = self.method(emb, name, api.imports, depth + 1)
                if found is not None:
                    return found
            return None

        return self._agreed(t, imports, answer)

    def field(self, t: str, name: str, imports: Mapping[str, str], depth: int = 0) -> str:
        """The type of a struct field, embedded and promoted fields included."""
        if depth > _MAX_DEPTH:
            return ""

        def answer(api: PackageAPI, info: TypeInfo, n: Named) -> str | None:
            mapping = dict(zip(info.tparams, n.args, strict=False))
            if name in info.fields:
                return substitute(info.fields[name], mapping)
            for emb in info.embeds:
                if emb.lstrip("*").split("[", 1)[0].rsplit(".", 1)[-1] == name:
                    return substitute(emb, mapping)
            for emb in info.embeds:
                promoted = self.field(emb, name, api.imports, depth + 1)
                if promoted:
                    return promoted
            return None

        return self._agreed(t, imports, answer) or ""

    def underlying(self, t: str, imports: Mapping[str, str]) -> str:
        """The underlying type of a qualified named non-struct type (`http.Header` ->
        `map[string][]string`); t itself otherwise."""
        for _ in range(_MAX_DEPTH):
            if t.startswith("*"):
                return t

            def answer(api: PackageAPI, info: TypeInfo, n: Named) -> tuple[str, PackageAPI] | None:
                if info.kind != "named":
                    return None
                return substitute(info.underlying, dict(zip(info.tparams, n.args, strict=False))), api

            found = self._agreed(t, imports, answer)
            if found is None:
                return t
            t, api = found
            imports = api.imports
        return t

    def kind(self, t: str, imports: Mapping[str, str]) -> str:
        """struct, interface, named or "" (not a known qualified type)."""
        return self._agreed(t, imports, lambda api, info, n: info.kind) or ""


def infer_type_args(sig: Sig, args: Sequence[str], underlying: Callable[[str], str]) -> dict[str, str]:
    """Type arguments of a generic call from its argument types: `slices.Clone(xs)` binds S to the
    type of xs, and a constraint `~[]E` then binds E to its element type."""
    names = [tp.split(" ", 1)[0] for tp in sig.tparams]
    constraints = {tp.split(" ", 1)[0]: tp.split(" ", 1)[1] for tp in sig.tparams if " " in tp}
    mapping: dict[str, str] = {}
    for i, param in enumerate(sig.params):
        if param.startswith("..."):
            for a in args[i:]:
                _unify(param[3:], a, names, mapping)
            break
        if i < len(args):
            _unify(param, args[i], names, mapping)
    for name, constraint in constraints.items():
        bound = mapping.get(name)
        core = constraint.lstrip("~").strip()
        if bound and "|" not in core and core.startswith(("[]", "map[", "*", "chan ")):
            _unify(core, underlying(bound), names, mapping)
    return mapping


def _unify(param: str, arg: str, names: Sequence[str], mapping: dict[str, str]) -> None:
    if not arg:
        return
    if param in names:
        mapping.setdefault(param, arg)
        return
    for prefix in ("[]", "*", "chan ", "<-chan ", "chan<- "):
        if param.startswith(prefix) and arg.startswith(prefix):
            _unify(param[len(prefix):], arg[len(prefix):], names, mapping)
            return
    if param.startswith("map[") and arg.startswith("map["):
        pk, pv = split_map_type(param)
        ak, av = split_map_type(arg)
        _unify(pk, ak, names, mapping)
        _unify(pv, av, names, mapping)


def instantiate(sig: Sig, args: Sequence[str], underlying: Callable[[str], str]) -> tuple[str, ...]:
    """The result types of a call: type parameters replaced where the arguments tell, and "" for a
    result that still mentions one."""
    if not sig.tparams:
        return sig.results
    names = [tp.split(" ", 1)[0] for tp in sig.tparams]
    mapping = infer_type_args(sig, args, underlying)
    out = []
    for r in sig.results:
        s = substitute(r, mapping)
        out.append("" if mentions(s, names) else s)
    return tuple(out)
