"""regexp-compile-in-func

**What it does**
Flags `regexp.MustCompile` / `regexp.Compile` (and the POSIX forms) and `regexp.MatchString` /
`regexp.Match` / `regexp.MatchReader` (which compile their pattern on every call) of a constant
pattern inside a function body.

**Why is this bad?**
Compiling a pattern parses it, builds and optimises a program, and allocates dozens of objects:
~2-20 µs and 20-100 allocations for a typical pattern (estimate), paid again on every call, where
matching with a compiled `*regexp.Regexp` often costs only ~100s of ns. `regexp.MatchString`
compiles its pattern on every call. A `*regexp.Regexp` is safe for concurrent use, so one compiled
at package level serves every goroutine.

**Example**
```go
func validID(s string) bool {
    return regexp.MustCompile(`^[a-z0-9-]{3,32}$`).MatchString(s)
}
```

**Use instead**
```go
var idPattern = regexp.MustCompile(`^[a-z0-9-]{3,32}$`)

func validID(s string) bool {
    return idPattern.MatchString(s)
}
```

**Known limits**
Only literal patterns (or concatenations of literals) are flagged: a pattern built from a variable
may need compiling per call. Not flagged: `init` and `main`, `sync.Once` bodies and the functions
given to `sync.OnceValue`/`OnceFunc`/`OnceValues`, compiled regexps stored in a struct field or a
package variable (compiled once per object or cached lazily). In code that runs once (start-up,
configuration) the engine lowers the finding to info, and likewise on a warm path (a loop and no
evidence of how often the function runs): compiling is a fixed cost per call, which matters where the
function runs often (on public projects' code the drawn warm-path findings were an esbuild run and an
admin health report).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import callee_in, top_func
from analyzers.rules._util import is_string_literal
from analyzers.source import Call, Func, descendants, strip_parens, text

COMPILERS = frozenset({"MustCompile", "Compile", "MustCompilePOSIX", "CompilePOSIX"})
MATCHERS = frozenset({"MatchString", "Match", "MatchReader"})
ONCE_CALLS = frozenset({"Do", "OnceValue", "OnceFunc", "OnceValues"})


@rule("regexp-compile-in-func", "alloc", hot_only=True, static_evidence=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*COMPILERS, *MATCHERS):
        return
    for func in pkg.funcs:
        calls = func.calls_named(*COMPILERS, *MATCHERS)
        if not calls or _runs_once(func):
            continue
        for call in calls:
            if not call.args or not _literal_pattern(call.args[0]) or not callee_in(func, call.recv, "regexp"):
                continue
            if call.name in MATCHERS:
                where = "on every iteration" if call.all_loops else "on every call"
                yield Hit(func, call.node, f"regexp.{call.name} compiles the pattern {where} "
                          "(~µs, dozens of allocations); compile it once into a package-level var")
                continue
            if _cached(pkg, func, call):
                continue
            where = "on every iteration" if call.all_loops else "on every call"
            yield Hit(func, call.node, f"regexp.{call.name} compiles the pattern {where} (~µs, dozens of "
                      "allocations); hoist it to a package-level var")


_LITERAL_PARTS = frozenset({"binary_expression", "parenthesized_expression", "interpreted_string_literal",
                            "raw_string_literal", "interpreted_string_literal_content", "raw_string_literal_content",
                            "escape_sequence"})


def _literal_pattern(node: Node) -> bool:
    """A string literal, or literals joined with + (checked iteratively: nesting depth is unbounded)."""
    inner = strip_parens(node)
    if inner is None or inner.type != "binary_expression":
        return is_string_literal(inner)
    return all(n.type in _LITERAL_PARTS for n in descendants(inner))


def _runs_once(func: Func) -> bool:
    """init, main, or a function literal (or one nested in one) given to sync.Once-style helpers."""
    top = top_func(func)
    if top.receiver is None and top.name in ("init", "main"):
        return True
    f: Func | None = func
    while f is not None and f.is_literal:
        args = f.node.parent
        outer = args.parent if args is not None and args.type == "argument_list" else None
        if outer is not None and outer.type == "call_expression":
            fn = outer.child_by_field_name("function")
            if fn is not None and fn.type == "selector_expression":
                fn = fn.child_by_field_name("field")
            if text(fn) in ONCE_CALLS:
                return True
        f = f.parent
    return False


def _cached(pkg: Package, func: Func, call: Call) -> bool:
    """The compiled regexp is stored in a struct field or a package variable, outside loops."""
    if call.all_loops:
        return False
    parent = call.node.parent
    if parent is not None and parent.type == "keyed_element":
        return True
    if parent is not None and parent.type == "literal_element":
        keyed = parent.parent
        if keyed is not None and keyed.type == "keyed_element":
            return True
    values = parent if parent is not None and parent.type == "expression_list" else None
    stmt = values.parent if values is not None else None
    if stmt is None or stmt.type != "assignment_statement":
        return False
    left = stmt.child_by_field_name("left")
    for target in left.named_children if left is not None else ():
        if target.type in ("selector_expression", "index_expression"):
            return True
        if target.type == "identifier" and func.lookup(text(target)) is None and text(target) in pkg.vars:
            return True
    return False
