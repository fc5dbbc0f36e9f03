"""nested-loop-quadratic

**What it does**
Flags a loop nested in another loop where both walk collections that grow with the input and the
inner loop matches its element against the outer element by equality (`a.ID == b.ID`): a join or
de-duplication done in O(n·m) comparisons.

**Why is this bad?**
Every outer element scans the whole inner collection: 10,000 x 10,000 elements is 10⁸ comparisons
(estimate: ~0.1-1 s at 1-10 ns each), where a map built once makes each lookup O(1) (~20-50 ns) and
the whole join O(n + m).

**Example**
```go
for _, o := range orders {
    for _, c := range customers {
        if o.CustomerID == c.ID {
            o.CustomerName = c.Name
        }
    }
}
```

**Use instead**
```go
byID := make(map[int]*Customer, len(customers))
for i := range customers {
    byID[customers[i].ID] = &customers[i]
}
for _, o := range orders {
    if c, ok := byID[o.CustomerID]; ok {
        o.CustomerName = c.Name
    }
}
```

**Known limits**
Not flagged: an inner loop over the outer element's own children (`for _, it := range o.Items`,
linear overall), over a literal or constant of eight elements or fewer, pairwise work that does not
match by equality (distance matrices, ordering checks, `i == j` position tests), dynamic-programming
tables that index by position (`dp[i][j]`, `cur[j+1]`: edit distance, LCS), and an inner loop whose
only job is to find one element (that is linear-search-in-loop), and loops under a comment that
acknowledges the cost ("O(n^2) is deliberate: a page holds a few dozen"; a function's doc comment does
not count).
Loops over collections named for configured entities (`peers`, `endpoints`, `servers`, `replicas`,
`backends`, `upstreams`, `listeners`, `origins`, `configs`, `credentials`, a
peer's `caps`, a certificate's subject `altNames`; also when a getter returns
them, `p.Caps()`) are not flagged: a
handful of items, sized by the deployment, not by traffic.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import (
    acknowledged,
    base_collection,
    element_match,
    hot_loops,
    index_names,
    loop_collection,
    loop_names,
    loop_vars,
    mentions,
    search_if,
    small_literal,
    variadic_param,
)
from analyzers.rules._util import configuration_sized
from analyzers.source import Func, Loop, descendants, statements, text


@rule("nested-loop-quadratic", "complexity", nested=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for inner in func.loops:
            outer = inner.parent
            if outer is None or not hot_loops((outer, inner)) or len(hot_loops((outer, inner))) != 2:
                continue
            if configuration_sized(outer) or configuration_sized(inner):
                continue
            found = _join(pkg, func, outer, inner)
            if found is None or acknowledged(func, inner.node, outer.node):
                continue
            xs, ys, eq = found
            yield Hit(
                func,
                inner.node,
                f"nested loop matches {ys} against {xs} by equality ({eq}): O(n·m) comparisons; "
                f"index {ys} in a map once before the outer loop",
                key=f"join {xs} {ys} {eq}",
            )


def _join(pkg: Package, func: Func, outer: Loop, inner: Loop) -> tuple[str, str, str] | None:
    ifs = [st for st in statements(inner.body) if st.type == "if_statement" and not _skip_guard(st)]
    conds = [c for c in (i.child_by_field_name("condition") for i in ifs) if c is not None and "==" in text(c)]
    if not conds:
        return None
    outer_coll, inner_coll = loop_collection(outer), loop_collection(inner)
    if outer_coll is None or inner_coll is None or search_if(inner) is not None:
        return None
    outer_vars, inner_vars = loop_vars(outer), loop_vars(inner)
    inner_base = base_collection(inner_coll)
    if mentions(inner_base, loop_names(func, outer) | outer_vars):
        return None  # the outer element's own children, or a per-iteration collection
    if small_literal(pkg, inner_base, func) or small_literal(pkg, outer_coll, func):
        return None
    if _positional(inner, outer_vars, inner_vars):
        return None  # a dynamic-programming table (edit distance, LCS): O(n·m) by nature
    if variadic_param(func, outer_coll) or variadic_param(func, inner_base):
        return None  # `Del(names ...string)`: called with a handful of arguments
    inner_elem = inner_vars | _derived(func, inner, inner_vars)
    outer_elem = (outer_vars | _derived(func, outer, outer_vars)) - inner_elem
    if not outer_elem:
        return None  # the outer loop's element is unknown: `x == last` compares with an accumulator
    indices = index_names(pkg, func, outer) | index_names(pkg, func, inner)
    for cond in conds:
        eq = element_match(cond, inner_elem, outer_elem, indices)
        if eq is not None and not any(n.type == "call_expression" for n in descendants(eq)):
            return _short(outer_coll), _short(inner_base), _short(eq)
    return None


def _positional(inner: Loop, outer_vars: set[str], inner_vars: set[str]) -> bool:
    """The inner body indexes by position arithmetic (`cur[j+1]`, `a[i-1]`) or a 2-D table by both
    loops' variables (`dp[i][j]`): the positions matter, as in a DP table, not a lookup by key."""
    if inner.body is None or not inner_vars:
        return False
    for node in descendants(inner.body):
        if node.type != "index_expression":
            continue
        index = node.child_by_field_name("index")
        if index is None:
            continue
        if index.type == "binary_expression" and text(index.child_by_field_name("operator")) in ("+", "-") \
                and mentions(index, inner_vars | outer_vars):
            return True
        operand = node.child_by_field_name("operand")
        if operand is not None and operand.type == "index_expression" and mentions(index, inner_vars) \
                and mentions(operand.child_by_field_name("index") or operand, outer_vars):
            return True
    return False


def _derived(func: Func, loop: Loop, names: set[str]) -> set[str]:
    """Names declared directly in the loop body from its element (`a := xs[i]`, `o := &orders[i]`)."""
    out: set[str] = set()
    for name, decls in func.decls.items():
        for d in decls:
            if d.loops and d.loops[-1] is loop and d.kind == "short" and mentions(d.init, names) \
                    and d.init is not None and d.init.type != "call_expression":
                out.add(name)
    return out


def _skip_guard(node: Node) -> bool:
    """`if a == b { continue }`: skipping the diagonal of an all-pairs walk, not matching."""
    body = statements(node.child_by_field_name("consequence"))
    return len(body) == 1 and body[0].type == "continue_statement" and not body[0].named_child_count


def _short(node: Node) -> str:
    s = text(node)
    return s if len(s) <= 40 and "\n" not in s else s[:37] + "..."
