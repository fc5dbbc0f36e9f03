"""Go symbol names as profiles spell them, in the engine's spelling.

A profile names `example.com/app/lib.(*Registry).Register`, `main.run`, `lib.Vowels.func1`,
`lib.Map[...]`; the engine calls the same functions `Registry.Register`, `run`, `Vowels.func1`, `Map`
in package directories whose import path comes from go.mod. Nothing here reads files.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from urllib.parse import unquote

_RECEIVER = re.compile(r"\(\*?([^()]+)\)")
_RANGE_BODY = re.compile(r"-range\d+")
_FUNC_N = re.compile(r"func\d+")
_INIT_N = re.compile(r"^init\.\d+$")
_MODULE = re.compile(rb"^\s*module\s+(\"[^\"]+\"|\S+)", re.MULTILINE)
# Symbols of the linker and the runtime's type algorithms name no source function.
_NOT_SOURCE = ("type:", "go:")


def split_symbol(symbol: str) -> tuple[str, str]:
    """('example.com/app/lib', '(*Registry).Register') for 'example.com/app/lib.(*Registry).Register'.
    The package path ends at the first dot after its last slash (the linker escapes dots in the last
    path element as %2e); ('', symbol) when the symbol names no Go package."""
    if symbol.startswith(_NOT_SOURCE):
        return "", symbol
    plain = strip_type_args(symbol)
    slash = plain.rfind("/")
    dot = plain.find(".", slash + 1)
    if dot <= 0:
        return "", plain
    return unquote(plain[:dot]), plain[dot + 1 :]


def strip_type_args(name: str) -> str:
    """'Map[go.shape.int]' -> 'Map', '(*List[...]).Push' -> '(*List).Push': instantiations of one
    generic function are one function of the source."""
    if "[" not in name:
        return name
    out: list[str] = []
    depth = 0
    for ch in name:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def engine_name(relative: str) -> str:
    """The engine's qualified name for a package-relative profile name: receivers lose their parentheses
    and star ('(*T).M' -> 'T.M'), nested closures take the engine's numbering ('F.func1.2' ->
    'F.func1.func2'), range-over-func loop bodies ('F-range1') and numbered init functions ('init.0')
    belong to the function they are written in."""
    name = _RECEIVER.sub(r"\1", relative)
    name = _RANGE_BODY.sub("", name)
    if _INIT_N.match(name):
        return "init"
    parts: list[str] = []
    for part in name.split("."):
        if parts and part.isdigit() and _FUNC_N.fullmatch(parts[-1]):
            part = "func" + part
        parts.append(part)
    return ".".join(parts)


def module_path_of(go_mod: bytes) -> str | None:
    m = _MODULE.search(go_mod)
    return m.group(1).decode("utf-8", "replace").strip('"') if m else None


def nearest_go_mod_key(path: str, go_mods: Mapping[str, bytes]) -> str | None:
    """The key of the go.mod closest above path among go_mods ('/'-separated keys)."""
    directory = posixpath.dirname(path)
    while True:
        key = posixpath.join(directory, "go.mod") if directory else "go.mod"
        if key in go_mods:
            return key
        if not directory or directory in (".", "/"):
            return None
        directory = posixpath.dirname(directory)


def file_matches(profile_file: str, relative: str) -> bool:
    """True when the profile's file name (absolute, or module path based under -trimpath, or with
    Windows separators) ends with the analysed file's module-relative path at a folder boundary."""
    if not relative:
        return False
    name = profile_file.replace("\\", "/")
    return name == relative or name.endswith("/" + relative)
