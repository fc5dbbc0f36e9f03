"""linear-search-in-loop

**What it does**
Flags, inside a loop, a linear search of a collection that does not change per iteration:
`slices.Contains(xs, v)` / `slices.Index(xs, v)`, `slices.ContainsFunc` / `slices.IndexFunc` with a
predicate that matches one key by equality (`func(t T) bool { return t.ID == id }`), a call to a
same-package helper that is a linear search (`func contains(xs []string, s string) bool { for ... if x
== s { return true } ... }`), or an inner `for` loop whose only job is to find a matching element (`if x
== v { found = true; break }`).

**Why is this bad?**
Each search scans the collection: n iterations x m elements is O(n·m) comparisons (estimate: 10,000 x
10,000 strings ≈ 10⁸ comparisons, ~0.5 s) where a map or set built once answers each lookup in
O(1) (~20-50 ns).

**Example**
```go
for _, u := range users {
    if slices.Contains(banned, u.ID) {
        continue
    }
    ...
}
```

**Use instead**
```go
bannedSet := make(map[string]struct{}, len(banned))
for _, id := range banned {
    bannedSet[id] = struct{}{}
}
for _, u := range users {
    if _, ok := bannedSet[u.ID]; ok {
        continue
    }
    ...
}
```

**Known limits**
Not flagged: a searched collection that is a literal (inline, a package variable, or a local never
assigned again) of eight elements or fewer, a collection that differs per iteration (the element's own
field, a per-iteration local, a variable the loop reassigns as it walks down a tree), matches computed
from both elements (`re.FindString(s) == s`: no map can hold them),
`strings.Contains` (substring search), binary searches, loops with a literal bound of eight or
fewer iterations or that walk a literal of eight elements or fewer (also through a local that only
ever holds such literals: `prefs := defaultSuites; if fips { prefs = fipsSuites }`), a variadic
parameter (`allowed ...string`: a handful of arguments), a list the same loop appends to while it
walks a map (`for m := range node.endpoints { if !slices.Contains(allowed, m) { allowed = append(allowed,
m) } }`: a filter over the map's own keys, like the HTTP methods a route allows), a list named for a
small domain (protocols, methods, schemes, versions, ciphers, curves, algorithms), and loops under a
comment that acknowledges
the cost ("quadratic, but N is 5", "O(n^2) is fine here"; a function's doc comment does not count).
Loops over collections named for configured entities (`peers`, `endpoints`, `servers`, `replicas`,
`backends`, `upstreams`, `listeners`, `origins`, `configs`, `credentials`, a
peer's `caps`, a certificate's subject `altNames`; also when a getter returns
them, `p.Caps()`) are not flagged: a
handful of items, sized by the deployment, not by traffic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import (
    acknowledged,
    assigned_in,
    base_collection,
    element_match,
    equalities,
    hot_loops,
    import_names,
    index_names,
    loop_collection,
    loop_names,
    loop_vars,
    mentions,
    resolve_type,
    search_if,
    small_literal,
    underlying,
    variadic_param,
)
from analyzers.rules._util import configuration_sized
from analyzers.source import Func, Loop, statements, strip_parens, text

_SLICES = frozenset({"Contains", "Index"})
_SLICES_FUNC = frozenset({"ContainsFunc", "IndexFunc"})


@rule("linear-search-in-loop", "complexity", nested=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    helpers = _search_helpers(pkg)
    for func in pkg.funcs:
        slices_names = import_names(func.file, "slices")
        names = [*_SLICES, *_SLICES_FUNC, *helpers] if slices_names else list(helpers)
        for call in func.calls_named(*names) if names else ():
            loops = hot_loops(call.loops)
            if not loops:
                continue
            if call.recv and call.recv in slices_names and len(call.args) == 2 and (
                    call.name in _SLICES or (call.name in _SLICES_FUNC and _key_predicate(call.args[1]))):
                coll = call.args[0]
            elif not call.recv and call.name in helpers and len(call.args) > helpers[call.name]:
                coll = call.args[helpers[call.name]]
            else:
                continue
            if _invariant(pkg, func, loops[-1], coll) and not acknowledged(func, loops[-1].node):
                shown = _short(coll)
                yield Hit(func, call.node, f"{call.callee} scans {shown} on every iteration (O(n·m)); "
                          + _advice(func, loops[-1], coll, shown), key=f"{call.callee} {text(coll)}")
        for inner in func.loops:
            outer = inner.parent
            if outer is None or len(hot_loops((outer, inner))) != 2:
                continue
            searched = _searched(pkg, func, inner)
            if searched is not None and _invariant(pkg, func, outer, searched) \
                    and not acknowledged(func, inner.node, outer.node):
                shown = _short(searched)
                yield Hit(func, inner.node, f"inner loop searches {shown} linearly on every iteration of the "
                          f"outer loop (O(n·m)); " + _advice(func, outer, searched, shown))


def _invariant(pkg: Package, func: Func, loop: Loop, coll: Node) -> bool:
    """The same, large-or-unknown collection is searched on every iteration of loop."""
    base = base_collection(coll)
    if small_literal(pkg, base, func) or strip_parens(base) is None or variadic_param(func, base):
        return False  # a handful of elements: `allowed ...string`
    walked = loop_collection(loop)
    if walked is not None and small_literal(pkg, base_collection(walked), func):
        return False  # the loop itself walks a literal of a few elements: a few scans in all
    if base.type not in ("identifier", "selector_expression"):
        return False
    if underlying(pkg, resolve_type(pkg, func, base)) in ("string", "[]byte"):
        return False  # a rune/byte scan of a string: strings.ContainsRune territory, not a set lookup
    if _SMALL_BY_NAME.search(text(base).rsplit(".", 1)[-1]) or configuration_sized(loop):
        return False
    if _grown_in(func, loop, base) and _walks_map(pkg, func, loop):
        return False
    return not mentions(base, loop_names(func, loop) | loop_vars(loop)) and not assigned_in(func, loop, base)


# Lists that are small by construction: protocols, HTTP methods, schemes, TLS versions and suites.
_SMALL_BY_NAME = re.compile(r"(?i)^(protocols?|protos|methods(allowed)?|allowedmethods|schemes|versions|alpn|"
                            r"ciphers?|ciphersuites|curves|algorithms|algs)$")


def _advice(func: Func, loop: Loop, coll: Node, shown: str) -> str:
    if _grown_in(func, loop, base_collection(coll)):
        return f"keep a set of what {shown} holds beside it, filled as the loop appends"
    return f"build a map/set from {shown} once before the loop"


def _walks_map(pkg: Package, func: Func, loop: Loop) -> bool:
    node = loop_collection(loop)
    return node is not None and underlying(pkg, resolve_type(pkg, func, node)).startswith("map[")


def _grown_in(func: Func, loop: Loop, base: Node) -> bool:
    """`if !slices.Contains(seen, v) { seen = append(seen, v) }`: the list is built by this very loop
    from its own items."""
    name = text(base)
    for call in func.calls_named("append"):
        if call.callee == "append" and call.args and text(call.args[0]) == name and loop.contains(call.node):
            return True
    return False


def _key_predicate(node: Node) -> bool:
    """`func(t T) bool { return t.ID == id }`: a predicate that only matches one key by equality (a
    map can answer it), not a range test or a computed property."""
    lit = strip_parens(node)
    if lit is None or lit.type != "func_literal":
        return False
    params = lit.child_by_field_name("parameters")
    decls = [p for p in params.named_children if p.type == "parameter_declaration"] if params is not None else []
    names = [text(n) for p in decls for n in p.children_by_field_name("name")]
    body = statements(lit.child_by_field_name("body"))
    if len(names) != 1 or len(body) != 1 or body[0].type != "return_statement" or not body[0].named_child_count:
        return False
    values = body[0].named_children[0]
    value = strip_parens(values.named_children[0] if values.type == "expression_list" and values.named_child_count == 1
                         else values)
    if value is None or value.type != "binary_expression" or text(value.child_by_field_name("operator")) != "==":
        return False
    return element_match(value, {names[0]}, set(), set()) is not None


def _searched(pkg: Package, func: Func, inner: Loop) -> Node | None:
    """The collection an inner loop searches (its body is one equality test that leaves), else None."""
    found = search_if(inner)
    coll = loop_collection(inner)
    if found is not None and coll is None:
        coll = _prefix_scan(found, inner)
    if found is None or coll is None:
        return None
    inner_names = loop_vars(inner) | loop_names(func, inner)
    if element_match(found.child_by_field_name("condition"), inner_names, set(),
                     index_names(pkg, func, inner)) is None:
        return None
    return coll


def _prefix_scan(found: Node, inner: Loop) -> Node | None:
    """`for j := 0; j < i; j++ { if s[j] == v {...} }`: a scan of the first i elements of s (the
    de-duplication that checks every earlier element); returns s."""
    counter = loop_vars(inner)
    clause = next((c for c in inner.node.named_children if c.type == "for_clause"), None)
    cond = strip_parens(clause.child_by_field_name("condition")) if clause is not None else None
    if len(counter) != 1 or cond is None or cond.type != "binary_expression" \
            or text(cond.child_by_field_name("operator")) not in ("<", "<=") \
            or text(cond.child_by_field_name("left")) not in counter:
        return None
    for eq in equalities(found.child_by_field_name("condition")):
        for side in (eq.child_by_field_name("left"), eq.child_by_field_name("right")):
            side = strip_parens(side)
            if side is not None and side.type == "index_expression" \
                    and text(side.child_by_field_name("index")) in counter:
                operand = strip_parens(side.child_by_field_name("operand"))
                if operand is not None and operand.type in ("identifier", "selector_expression"):
                    return operand
    return None


def _search_helpers(pkg: Package) -> dict[str, int]:
    """Same-package functions that are a linear search: name -> index of the searched slice parameter."""
    out: dict[str, int] = {}
    for func in pkg.funcs:
        if func.is_literal or func.receiver or len(func.params) < 2 or len(func.loops) != 1:
            continue
        loop = func.loops[0]
        body = statements(func.body)
        if loop.kind != "range" or len(body) != 2 or body[0] != loop.node or body[1].type != "return_statement":
            continue
        index = next((i for i, p in enumerate(func.params) if p.type.startswith("[]") and p.name == loop.range_expr),
                     None)
        if index is None or search_if(loop) is None:
            continue
        cond = search_if(loop)
        others = {p.name for i, p in enumerate(func.params) if i != index}
        if cond is not None and element_match(cond.child_by_field_name("condition"), loop_vars(loop),
                                              others, index_names(pkg, func, loop)) is not None:
            out[func.name] = index
    return out


def _short(node: Node) -> str:
    s = text(node)
    return s if len(s) <= 40 and "\n" not in s else s[:37] + "..."
