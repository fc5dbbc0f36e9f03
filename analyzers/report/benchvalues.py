"""Go expressions that build a benchmark's inputs from parameter types as written in the source.

Set-up runs outside the timed loop; inputs whose size matters (strings, slices, maps, []byte, readers)
depend on `n`, the sub-benchmark's input size. Anything without a realistic default gets its zero value
and a TODO marker, so that the generated file always compiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from analyzers.source import descendants, parse, text
from analyzers.typeinfer import split_map_type

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
INT_TYPES = frozenset(
    ["int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "rune", "byte"]
)
NUMERIC_TYPES = INT_TYPES | {"float32", "float64"}

# Helpers emitted into the generated file when used: name -> (Go source, imports it needs).
HELPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "perfReviewBytes": (
        "// perfReviewBytes returns n bytes of text-like input.\n"
        "// TODO: replace with input shaped like production data.\n"
        "func perfReviewBytes(n int) []byte {\n\tb := make([]byte, n)\n\tfor i := range b {\n"
        "\t\tb[i] = 'a' + byte(i%26)\n\t}\n\treturn b\n}\n",
        (),
    ),
    "perfReviewStrings": (
        "// perfReviewStrings returns n distinct short strings.\n"
        "// TODO: replace with input shaped like production data.\n"
        "func perfReviewStrings(n int) []string {\n\ts := make([]string, n)\n\tfor i := range s {\n"
        "\t\ts[i] = strconv.Itoa(i)\n\t}\n\treturn s\n}\n",
        ("strconv",),
    ),
}
STD_IMPORTS = {
    "testing": "testing",
    "strconv": "strconv",
    "context": "context",
    "httptest": "net/http/httptest",
    "bytes": "bytes",
    "io": "io",
    "sync": "sync",
}


@dataclass
class Arg:
    """How to build one argument: set-up statements, the expression passed, what it needs."""

    expr: str
    setup: list[str] = field(default_factory=list)
    per_iter: list[str] = field(default_factory=list)  # cheap resets inside the timed loop
    sized: bool = False
    per_worker: bool = False  # state a parallel worker must not share (recorders, readers)
    std: set[str] = field(default_factory=set)  # our imports, by local name (see STD_IMPORTS)
    helpers: set[str] = field(default_factory=set)


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
        elif node.type == "type_identifier" and (parent is None or parent.type != "qualified_type"):
            names.add(text(node))
            if parent is None or parent.type != "generic_type":
                bare.add(text(node))
    return frozenset(names), frozenset(quals), frozenset(bare)


def build_arg(typ: str, var: str, env: TypeEnv) -> Arg:
    t = typ.strip()
    if t.startswith("..."):
        inner = build_arg("[]" + t[3:], var, env)
        inner.expr += "..."
        return inner
    if env.is_(t, "context", "Context"):
        return Arg("context.Background()", std={"context"})
    if env.is_(t, "net/http", "ResponseWriter"):
        return Arg(
            var, [f"{var} := httptest.NewRecorder()"], [f"{var}.Body.Reset()"], per_worker=True, std={"httptest"}
        )
    if t.startswith("*") and env.is_(t[1:], "net/http", "Request"):
        return Arg(
            var,
            [f'{var} := httptest.NewRequest("GET", "/", nil) // TODO: a realistic method, URL and body'],
            per_worker=True,
            std={"httptest"},
        )
    if env.is_(t, "io", "Reader"):
        data = f"{var}Data"
        return Arg(
            var,
            [f"{data} := perfReviewBytes(n)", f"{var} := bytes.NewReader({data})"],
            [f"{var}.Reset({data})"],
            sized=True,
            per_worker=True,
            std={"bytes"},
            helpers={"perfReviewBytes"},
        )
    if env.is_(t, "io", "Writer"):
        return Arg("io.Discard", std={"io"})
    return _container(t, var) or _scalar(t, var)


def _container(t: str, var: str) -> Arg | None:
    if t == "string":
        return Arg(var, [f"{var} := string(perfReviewBytes(n))"], sized=True, helpers={"perfReviewBytes"})
    if t in ("[]byte", "[]uint8"):
        return Arg(var, [f"{var} := perfReviewBytes(n)"], sized=True, helpers={"perfReviewBytes"})
    if t == "[]string":
        return Arg(var, [f"{var} := perfReviewStrings(n)"], sized=True, helpers={"perfReviewStrings"})
    if t.startswith("[]"):
        elem = t[2:]
        setup = [f"{var} := make({t}, n)"]
        if elem in NUMERIC_TYPES:
            setup.append(f"for i := range {var} {{\n\t{var}[i] = {elem}(i)\n}}")
        else:
            setup[0] += " // TODO: fill with realistic elements"
        return Arg(var, setup, sized=True)
    if t.startswith("map["):
        key, value = _map_types(t)
        setup = [f"{var} := make({t}, n)"]
        if key == "string":
            fill = f"{var}[strconv.Itoa(i)] = *new({value}) // TODO: realistic values"
            setup.append(f"for i := 0; i < n; i++ {{\n\t{fill}\n}}")
            return Arg(var, setup, sized=True, std={"strconv"})
        if key in NUMERIC_TYPES:
            setup.append(f"for i := 0; i < n; i++ {{\n\t{var}[{key}(i)] = *new({value}) // TODO: realistic values\n}}")
            return Arg(var, setup, sized=True)
        setup[0] += " // TODO: fill with realistic entries"
        return Arg(var, setup, sized=True)
    return None


def _scalar(t: str, var: str) -> Arg:
    if t in NUMERIC_TYPES or t == "bool":
        return Arg(var, [f"var {var} {t} // TODO: a realistic value"])
    if t.startswith("*") and not t.startswith("**"):
        return Arg(var, [f"{var} := new({t[1:]}) // TODO: set the fields the function reads"])
    return Arg(var, [f"var {var} {t} // TODO: zero value; set a realistic one"])


def zero_literal(t: str, env: TypeEnv) -> tuple[str, set[str]] | None:
    """A literal for a constructor argument, or None when there is no obvious one."""
    t = t.strip()
    if t == "string":
        return '""', set()
    if t in NUMERIC_TYPES:
        return "0", set()
    if t == "bool":
        return "false", set()
    if env.is_(t, "context", "Context"):
        return "context.Background()", {"context"}
    return None


def _map_types(t: str) -> tuple[str, str]:
    return split_map_type(t)


def is_sized_type(t: str) -> bool:
    t = t.strip().lstrip(".")
    return t == "string" or t.startswith(("[]", "map["))
