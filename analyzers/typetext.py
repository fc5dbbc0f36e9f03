"""Type text: the pieces of a Go type written out (`map[K]V`, `[]T`, `[4]T`, `iter.Seq2[K, V]`)."""

from __future__ import annotations

import re

_YIELD = re.compile(r"^func\(\s*(?:\w+\s+)?func\((.*)\)\s*bool\s*\)$")

INT_TYPES = frozenset({"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                       "uintptr", "byte", "rune"})


def split_map_type(container: str) -> tuple[str, str]:
    """("K", "V") for "map[K]V" written out (brackets inside K balanced); ("", "") otherwise."""
    t = container.strip()
    if not t.startswith("map["):
        return "", ""
    depth = 0
    for i, ch in enumerate(t):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return t[4:i].strip(), t[i + 1 :].strip()
    return "", ""


def element_type(container: str) -> str:
    """Element type of a slice, array, map or string type written out ("" when unknown)."""
    t = container.strip()
    if t.startswith("[]"):
        return t[2:]
    if t.startswith("[") and "]" in t:
        return t[t.index("]") + 1 :]
    if t.startswith("map["):
        return split_map_type(t)[1]
    if t == "string":
        return "byte"
    return ""


def map_key_type(container: str) -> str:
    return split_map_type(container)[0]


def is_slice_type(t: str) -> bool:
    return t.startswith("[]")


def is_map_type(t: str) -> bool:
    return t.startswith("map[")


def split_type_args(args: str) -> list[str]:
    """`K, map[K]V` -> ["K", "map[K]V"]: commas at bracket depth zero."""
    out: list[str] = []
    depth = 0
    cur = ""
    for ch in args:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def type_args(t: str) -> list[str]:
    """`iter.Seq2[K, map[K]V]` -> ["K", "map[K]V"]: the arguments of a generic type."""
    start = t.find("[")
    if start < 0 or not t.endswith("]"):
        return []
    return split_type_args(t[start + 1 : -1])


def range_pair(t: str) -> tuple[str, str]:
    """(key type, value type) of `for k, v := range x` for x of type t (underlying type expected;
    "" where unknown)."""
    t = t.strip()
    if t.startswith("*["):
        t = t[1:]
    if t == "string":
        return "int", "rune"
    if t.startswith("map["):
        return split_map_type(t)
    if t.startswith("["):
        return "int", element_type(t)
    if t in INT_TYPES:
        return t, ""
    if t.startswith(("chan ", "<-chan ")):
        return t.split(" ", 1)[1], ""
    m = _YIELD.match(t)
    if m is not None:  # range over a function: `func(yield func(K, V) bool)`
        args = [*split_type_args(m.group(1)), "", ""]
        return args[0], args[1]
    if t.startswith(("iter.Seq2[", "iter.Seq[")):
        args = type_args(t)
        if t.startswith("iter.Seq2[") and len(args) == 2:
            return args[0], args[1]
        if len(args) == 1:
            return args[0], ""
    return "", ""
