"""split-then-index

**What it does**
Flags `strings.Split` (or `bytes.Split`) whose result is only used for its first field, and
`strings.SplitN(s, sep, 2)` whose result is only used for its two halves: `strings.Split(s, sep)[0]`,
and `parts := strings.SplitN(s, sep, 2)` followed only by `parts[0]`, `parts[1]` and length checks
(`len(parts) != 2`, `len(parts) > 1`).

**Why is this bad?**
Split scans the whole string for every separator, allocates a slice header array for all the fields
(one allocation of 16 bytes per field, ~50-150 ns for a short string, estimate) and builds every field
only for the caller to keep one or two. `strings.Cut(s, sep)` stops at the first separator and
allocates nothing (~5-20 ns): `before, after, found := strings.Cut(s, sep)`.

**Example**
```go
host := strings.Split(addr, ":")[0]

parts := strings.SplitN(method, "_", 2)
if len(parts) != 2 {
    return errBadMethod
}
service, name := parts[0], parts[1]
```

**Use instead**
```go
host, _, _ := strings.Cut(addr, ":")

service, name, ok := strings.Cut(method, "_")
if !ok {
    return errBadMethod
}
```

**Known limits**
`strings.Split(s, sep)[1]` is not flagged: the second field ends at the next separator, while Cut's
`after` keeps everything after the first one. A result used any other way (ranged over, passed on,
indexed by a variable, stored) is not flagged, nor is `SplitN` with a count other than 2, `SplitAfter`,
or `strings.Fields`. Where the separator may be missing, `parts[1]` panics but Cut's `after` is empty:
check `found` where the code checked `len(parts)`. Cut needs Go 1.18.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import import_names
from analyzers.source import Call, Func, descendants, strip_parens, text


@rule("split-then-index", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.go_at_least(18) or not pkg.calls_any("Split", "SplitN"):
        return
    for func in pkg.funcs:
        calls = func.calls_named("Split", "SplitN")
        if not calls:
            continue
        packages = import_names(func.file, "strings") | import_names(func.file, "bytes")
        for call in calls:
            if call.recv not in packages or not _splits_in_two(call):
                continue
            indexes = _direct_index(call) or _variable_uses(func, call)
            if not indexes:
                continue
            whole = call.name == "SplitN"
            if not whole and indexes != {"0"}:
                continue  # parts[1] of a Split stops at the next separator; Cut's `after` does not
            wanted = "before, after, found" if "1" in indexes else "before, _, found"
            yield Hit(
                func,
                call.node,
                f"{call.callee} allocates every field to use {'the first' if indexes == {'0'} else 'two'}; "
                f"{wanted} := {call.recv}.Cut({_args(call)}) allocates nothing",
                key=f"{call.callee} {_args(call)}",
            )


def _splits_in_two(call: Call) -> bool:
    if call.name == "Split":
        return len(call.args) == 2
    return len(call.args) == 3 and text(call.args[2]) == "2"


def _args(call: Call) -> str:
    return ", ".join(text(a) for a in call.args[:2])


def _direct_index(call: Call) -> set[str]:
    """`strings.Split(s, sep)[0]`: the index used directly on the call."""
    parent = call.node.parent
    if parent is not None and parent.type == "index_expression" and parent.child_by_field_name("operand") == call.node:
        index = text(parent.child_by_field_name("index"))
        return {index} if index in ("0", "1") else set()
    return set()


def _variable_uses(func: Func, call: Call) -> set[str]:
    """For `parts := strings.SplitN(...)`, the constant indexes of every use of parts; empty when
    parts is used any other way (or assigned again)."""
    name = _assigned_name(call.node)
    if name is None or func.body is None:
        return set()
    indexes: set[str] = set()
    for node in descendants(func.body):
        if node.type != "identifier" or text(node) != name or node.start_byte <= call.node.end_byte:
            continue
        use = _use(node)
        if use is None:
            return set()
        if use != "len":
            indexes.add(use)
    return indexes


def _assigned_name(call: Node) -> str | None:
    """The variable a split result is declared into: `parts := ...`, `var parts = ...`, `parts = ...`."""
    values = call.parent
    holder = values.parent if values is not None and values.type == "expression_list" else None
    if holder is None or values is None or values.named_child_count != 1:
        return None
    if holder.type in ("short_var_declaration", "assignment_statement", "var_spec"):
        left = holder.child_by_field_name("left") if holder.type != "var_spec" else None
        names = left.named_children if left is not None else holder.children_by_field_name("name")
        if len(names) == 1 and names[0].type == "identifier":
            return text(names[0])
    return None


def _use(ident: Node) -> str | None:
    """"0"/"1" for `parts[0]`/`parts[1]` read, "len" for `len(parts)` compared with 1 or 2, else None."""
    parent = ident.parent
    if parent is None:
        return None
    if parent.type == "index_expression" and parent.child_by_field_name("operand") == ident:
        index = text(parent.child_by_field_name("index"))
        outer = parent.parent
        written = outer is not None and outer.type == "expression_list" and outer.parent is not None \
            and outer.parent.type == "assignment_statement" and outer.parent.child_by_field_name("left") == outer
        return index if index in ("0", "1") and not written else None
    args = parent if parent.type == "argument_list" else None
    call = args.parent if args is not None else None
    if call is not None and text(call.child_by_field_name("function")) == "len" and args is not None \
            and args.named_child_count == 1:
        compare = strip_parens(call.parent)
        if compare is not None and compare.type == "binary_expression":
            other = compare.child_by_field_name("right")
            if other is not None and other.id == call.id:
                other = compare.child_by_field_name("left")
            if text(other) in ("1", "2"):
                return "len"
    return None
