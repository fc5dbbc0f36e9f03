"""What a type written in a function's file may refer to, as seen from the generated test file: the
package's own types (generic ones flagged) and the file's imports."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from analyzers.source import descendants, parse, text

BUILTIN_TYPES = frozenset(
    [
        "bool",
        "byte",
        "complex64",
        "complex128",
        "error",
        "float32",
        "float64",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "rune",
        "string",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "any",
        "comparable",
        "map",
        "chan",
        "func",
        "struct",
        "interface",
    ]
)
@dataclass
class TypeEnv:
    """What a type's text may refer to: the package's types and the declaring file's imports."""

    local_types: frozenset[str]
    generic_types: frozenset[str]
    imports: dict[str, str]  # local name -> path, of the function's file

    def resolve(self, qualifier: str) -> str | None:
        return self.imports.get(qualifier)

    def problem(self, type_text: str) -> str | None:
        """Why type_text cannot be written in the test file, or None when it can."""
        refs = type_refs(type_text)
        if refs is None:
            return f"type {type_text} is not understood"
        names, qualifiers, bare = refs
        for q in qualifiers:
            if self.resolve(q) is None:
                return f"type {type_text} names package {q}, whose import is not understood"
        for name in names:
            if name not in BUILTIN_TYPES and name not in self.local_types:
                return f"type {type_text} is not declared in this package (a type parameter?)"
            if name in self.generic_types and name in bare:
                return f"type {type_text} is generic"
        return None

    def qualifiers(self, type_text: str) -> set[str]:
        refs = type_refs(type_text)
        return set(refs[1]) if refs is not None else set()

    def is_(self, type_text: str, path: str, name: str) -> bool:
        t = type_text.strip()
        if "." not in t:
            return False
        qual, _, member = t.partition(".")
        return member == name and self.resolve(qual) == path


@lru_cache(maxsize=4096)
def type_refs(type_text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """(unqualified type names, package qualifiers, names used without type arguments) of a type's
    text, from tree-sitter-go; None when the text does not parse as a type."""
    tree = parse(f"package p\nvar _ {type_text.removeprefix('...')}\n".encode())
    root = tree.root_node
    if root.has_error:
        return None
    names: set[str] = set()
    quals: set[str] = set()
    bare: set[str] = set()
    for node in descendants(root):
        parent = node.parent
        if node.type == "package_identifier" and parent is not None and parent.type == "qualified_type":
            quals.add(text(node))
        elif node.type == "selector_expression":  # an array length: `[sha256.Size]byte`
            operand = node.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier":
                quals.add(text(operand))
        elif node.type == "type_identifier" and (parent is None or parent.type != "qualified_type"):
            names.add(text(node))
            if parent is None or parent.type != "generic_type":
                bare.add(text(node))
    return frozenset(names), frozenset(quals), frozenset(bare)
