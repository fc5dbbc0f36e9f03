"""sort-slice-interface

**What it does**
Flags sorting through the `sort` package's interfaces when the module can use a generic `slices`
package (Go 1.21 or later, or a package that already imports `golang.org/x/exp/slices`):
`sort.Slice(xs, less)` and `sort.SliceStable(xs, less)`, and
`sort.Sort(x)` / `sort.Stable(x)` of a slice type of the package that implements `sort.Interface`
(`type byName []User` with `Len`, `Less`, `Swap`).

**Why is this bad?**
`sort.Slice` swaps elements through a reflection-built swapper and calls `less` with indexes through
a closure; `sort.Sort` makes three interface method calls per comparison step. `slices.SortFunc`
and `slices.Sort` are generic: comparisons and swaps are direct, often inlined (estimate: 1.5-3x faster,
~20-40 ns saved per element of a 1,000-element sort, and `sort.Slice` allocates for its swapper and
the boxed slice, ~2 allocations per call).

**Example**
```go
sort.Slice(users, func(i, j int) bool { return users[i].Name < users[j].Name })
sort.Sort(byID(ids))
```

**Use instead**
```go
slices.SortFunc(users, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
slices.Sort(ids)
```

**Known limits**
`sort.Strings`, `sort.Ints` and `sort.Float64s` are not flagged: since Go 1.22 they call `slices.Sort`.
`sort.Sort` of a type the package does not define, or that is not a slice type, is not flagged (a
heap, a multi-key sorter over several slices). `slices.SortFunc` takes a three-way comparison
(`cmp.Compare`, `strings.Compare`), not a boolean less; stability needs `slices.SortStableFunc`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import import_names
from analyzers.rules._concurrency import expr_type
from analyzers.source import Func, strip_parens, text

_EXP_SLICES = "golang.org/x/exp/slices"
# `return x[i] < x[j]`: the natural order of an ordered element type.
_NATURAL = re.compile(r"^return\s+(\w+)\[(\w+)\]\s*<\s*\1\[(\w+)\]$")


@rule("sort-slice-interface", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.go_at_least(21) and not any(_EXP_SLICES in gf.imports.values() for gf in pkg.files):
        return  # no generic slices package: not in the standard library yet, nor imported from x/exp
    if not pkg.calls_any("Slice", "SliceStable", "Sort", "Stable"):
        return
    sortable = _sortable_types(pkg)
    for func in pkg.funcs:
        calls = func.calls_named("Slice", "SliceStable", "Sort", "Stable")
        if not calls:
            continue
        names = import_names(func.file, "sort")
        for call in calls:
            if call.recv not in names or not call.args:
                continue
            if call.name in ("Slice", "SliceStable") and len(call.args) == 2:
                fix = "slices.SortFunc" if call.name == "Slice" else "slices.SortStableFunc"
                yield Hit(func, call.node, f"sort.{call.name} swaps through reflection and calls less through a "
                          f"closure; {fix}({text(call.args[0])}, cmp) compares and swaps directly (~1.5-3x faster)",
                          key=f"sort.{call.name} {text(call.args[0])}")
            elif call.name in ("Sort", "Stable") and len(call.args) == 1:
                typ = _sorted_type(pkg, func, call.args[0])
                natural = sortable.get(typ)
                if natural is None:
                    continue
                stable = call.name == "Stable"
                fix = "slices.SortStableFunc" if stable else ("slices.Sort" if natural else "slices.SortFunc")
                yield Hit(func, call.node, f"sort.{call.name} of {typ} makes three interface calls per step; "
                          f"{fix} on the slice compares and swaps directly (~1.5-3x faster)",
                          key=f"sort.{call.name} {typ}")


def _sortable_types(pkg: Package) -> dict[str, bool]:
    """Slice types of the package with Len, Less and Swap methods: name -> whether Less is the
    natural order (`x[i] < x[j]`)."""
    methods: dict[str, dict[str, Func]] = {}
    for f in pkg.funcs:
        if f.receiver and not f.is_literal and f.name in ("Len", "Less", "Swap"):
            methods.setdefault(f.receiver, {})[f.name] = f
    out: dict[str, bool] = {}
    for typ, found in methods.items():
        if len(found) != 3 or not pkg.type_defs.get(typ, "").startswith("[]"):
            continue
        body = found["Less"].body
        stmts = [c for c in body.named_children if c.type != "comment"] if body is not None else []
        if len(stmts) == 1 and stmts[0].type == "statement_list":
            stmts = [c for c in stmts[0].named_children if c.type != "comment"]
        out[typ] = len(stmts) == 1 and _NATURAL.match(" ".join(text(stmts[0]).split())) is not None
    return out


def _sorted_type(pkg: Package, func: Func, arg: Node) -> str:
    """The named type handed to sort.Sort: `byName(xs)`, `x` or `&x` of that type."""
    node = strip_parens(arg)
    if node is None:
        return ""
    if node.type in ("call_expression", "type_conversion_expression"):
        fn = node.child_by_field_name("function") or node.child_by_field_name("type")
        return text(fn)
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "&":
        node = strip_parens(node.child_by_field_name("operand"))
    if node is None:
        return ""
    typ = expr_type(pkg, func, node).lstrip("*")
    decl = func.lookup(text(node), node) if not typ and node.type == "identifier" else None
    init = strip_parens(decl.init) if decl is not None else None
    if init is not None and init.type in ("call_expression", "type_conversion_expression"):
        return _sorted_type(pkg, func, init)  # `sortable := refs(l)`
    return typ
