"""map-prealloc

**What it does**
Flags `m[k] = v` run once per iteration of a loop over a collection whose length is known before
the loop, when `m` is created just outside that loop with no size hint (`map[K]V{}`, `make(map[K]V)`,
a named map type such as `Set{}`), or when `m` is a field (`x.m[k] = v`) last set that way just before
the loop (`x.m = make(map[K]V)`).

**Why is this bad?**
A map created without a hint starts with one bucket group and grows by doubling: filling it with n
entries rehashes every entry ~log2(n/8) times and allocates each new table (estimate: 1,000 inserts
cost ~30-60 µs without a hint and ~40% less with one, plus ~10 fewer allocations; ~50-100 ns per
entry moved).

**Example**
```go
byID := map[int]*User{}
for _, u := range users {
    byID[u.ID] = u
}
```

**Use instead**
```go
byID := make(map[int]*User, len(users))
for _, u := range users {
    byID[u.ID] = u
}
```

**Known limits**
Only an assignment that runs on every iteration is flagged (directly in the loop body, no `continue`
before it, no `break` or `goto` in the loop), whose key changes with the iteration. Accumulating
writes are not flagged: `m[k]++`, `m[k] += v`, `m[k] = append(m[k], v)`, and a value read from the
map, changed and stored back (`st := m[k]; st.n += x; m[k] = st`) (group-by: the number of distinct
keys is unknown and often much smaller). Nor is a store inside a loop over the map itself (`for k, v
:= range m { m[k] = adjust(v) }`: it re-sets keys the map holds, which cannot make it grow).
When the collection holds duplicate keys the hint
is an upper bound. Nested loops, channels, iterators and condition loops are not flagged, nor maps
created with a size hint. A map filled from several sources is sized to their sum (`len(a) + len(b)
+ 1`) and reported once, at the first loop; when some source's size is unknown (a loop over a channel,
a nested loop) it is not flagged.
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
from analyzers.rules._alloc_a import (
    Types,
    body_statement,
    declared_in_loop,
    empty_collection,
    loop_count,
    mentions,
    skips_iterations,
)
from analyzers.rules._util import configuration_sized
from analyzers.source import FIELD, Func, Loop, Site, descendants, statements, strip_parens, text


@rule("map-prealloc", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    types: Types | None = None
    for func in pkg.funcs:
        assigned: dict[str, list[Site]] | None = None
        for site in func.sites("assignment_statement"):
            if not site.loops:
                continue
            found = _map_store(site)
            if found is None:
                continue
            name, index, value = found
            stmt = site.node
            loop = site.loops[-1]
            if not body_statement(stmt, loop) or mentions(value, {name}) or ("." in name and name in text(value)):
                continue
            if any(lp.range_node is not None and text(lp.range_node) == name for lp in site.loops):
                continue  # `for k, v := range m { m[k] = f(v) }` re-sets keys m holds: it cannot grow there
            if value.type == "identifier" and _read_back(name, text(value), loop):
                continue  # `st := m[k]; st.n += x; m[k] = st`: an accumulation, like `m[k] += x`
            op = "="
            assigned = assigned if assigned is not None else _assigned(func)
            if "." in name:
                typ = _empty_field_map(func, assigned.get(name, []), loop, site.loops, name)
            else:
                typ = empty_collection(func, name, stmt, site.loops, "map[", pkg.types)
                op = ":=" if typ is not None else "="
                typ = typ or _empty_field_map(func, assigned.get(name, []), loop, site.loops, name)
            if typ is None or _written_elsewhere(func, name, stmt, loop) or skips_iterations(loop, stmt):
                continue
            if _made_lazily(name, loop):
                continue  # `if m == nil { m = make(...) }`: the map gathers from every round of an outer loop
            if configuration_sized(loop):
                continue
            if not mentions(index, declared_in_loop(func, loop)):
                continue
            types = types or Types.of(pkg)
            count = loop_count(loop, func, types)
            if count is None:
                continue
            hoist = ""
            if loop.range_node is not None and loop.range_node.type == "call_expression":
                count, hoist = "len(items)", f" after items := {text(loop.range_node)}"
            others = _other_sources(func, name, loop, types)
            if others is None or (others and others[0] == "first elsewhere"):
                continue  # another source's size is unknown, or another loop reports this map
            count = " + ".join([count, *others])
            yield Hit(
                func,
                stmt,
                f"{name} grows and rehashes ~log2(n) times as it fills; "
                f"size it up front: {name} {op} make({typ}, {count}){hoist}",
                key=f"store {name} over {loop.range_expr or loop.cond}",
            )


def _read_back(name: str, var: str, loop: Loop) -> bool:
    """The loop declares or assigns var from a read of the map (`st := m[k]`, `st, ok := m[k]`)."""
    body = loop.body
    if body is None:
        return False
    for node in descendants(body):
        if node.type not in ("short_var_declaration", "assignment_statement"):
            continue
        left, right = node.child_by_field_id(FIELD.left), node.child_by_field_id(FIELD.right)
        if left is None or right is None:
            continue
        names = [text(c) for c in left.named_children] if left.type == "expression_list" else [text(left)]
        if var in names and mentions(right, {name}):
            return True
    return False


def _made_lazily(name: str, loop: Loop) -> bool:
    """The map is made just before the loop under `if name == nil` (containerd's unpacker gathers the
    layer types of every platform into one set): it fills from several loops, not from this one's
    collection alone."""
    block = loop.node.parent
    if block is None:
        return False
    for stmt in statements(block):
        if stmt.start_byte >= loop.node.start_byte:
            break
        if stmt.type == "if_statement" and " ".join(text(stmt.child_by_field_id(FIELD.condition)).split()) \
                == f"{name} == nil":
            return True
    return False


def _map_store(site: Site) -> tuple[str, Node, Node] | None:
    """(map name, key expression, value) for `m[k] = v` with m a plain identifier."""
    node = site.node
    if text(node.child_by_field_id(FIELD.operator)) != "=":
        return None
    left = node.child_by_field_id(FIELD.left)
    right = node.child_by_field_id(FIELD.right)
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return None
    target = left.named_children[0]
    if target.type != "index_expression":
        return None
    operand = strip_parens(target.child_by_field_id(FIELD.operand))
    index = target.child_by_field_id(FIELD.index)
    if operand is None or index is None:
        return None
    if operand.type == "selector_expression":  # a field: x.m[k] = v
        base = strip_parens(operand.child_by_field_id(FIELD.operand))
        if base is None or base.type != "identifier":
            return None
    elif operand.type != "identifier":
        return None
    return text(operand), index, right.named_children[0]


def _other_sources(func: Func, name: str, loop: Loop, types: Types) -> list[str] | None:
    """What the map receives besides this loop, as terms of its size: `len(ys)` for another loop that
    stores once per item, `1` per single store, `len(src)` for maps.Copy(m, src). None when some
    source's size is unknown; ["first elsewhere"] when an earlier loop stores into it too (that loop
    reports the whole sum)."""
    terms: list[str] = []
    singles = 0
    scope = _creation_scope(func, name, loop)
    for site in func.sites("assignment_statement"):
        node = site.node
        if loop.contains(node) or not _stores_into(node, name):
            continue
        if scope is not None and not (scope[0] <= node.start_byte < scope[1]):
            continue  # another branch's or another iteration's map of the same name
        if not site.loops:
            singles += 1
            continue
        other = site.loops[-1]
        count = loop_count(other, func, types) if body_statement(node, other) else None
        if count is None or len(site.loops) > 1:
            return None
        if other.node.start_byte < loop.node.start_byte:
            return ["first elsewhere"]
        terms.append(count)
    for call in func.calls_named("Copy"):
        if call.recv == "maps" and len(call.args) == 2 and text(call.args[0]) == name and not loop.contains(call.node):
            if call.loops:
                return None
            terms.append(f"len({text(call.args[1])})")
    if singles:
        terms.append(str(singles))
    return terms


def _creation_scope(func: Func, name: str, loop: Loop) -> tuple[int, int] | None:
    """Byte range in which stores reach the map this loop fills: from where it was last made before
    the loop to the end of the block that made it."""
    made: Node | None = None
    decl = func.decl(name, loop.node) if "." not in name else None
    if decl is not None and decl.node.start_byte < loop.node.start_byte:
        made = decl.node
    for site in func.sites("assignment_statement"):
        node = site.node
        left = node.child_by_field_id(FIELD.left)
        if node.start_byte < loop.node.start_byte and left is not None and any(
                text(c) == name for c in left.named_children) and (made is None or node.start_byte > made.start_byte):
            made = node
    if made is None or made.parent is None:
        return None
    return made.start_byte, made.parent.end_byte


def _stores_into(node: Node, name: str) -> bool:
    """`name[k] = v` (or `name[k] op= v`)."""
    left = node.child_by_field_id(FIELD.left)
    for target in left.named_children if left is not None else ():
        target = strip_parens(target) or target
        if target.type == "index_expression" and text(target.child_by_field_id(FIELD.operand)) == name:
            return True
    return False


def _written_elsewhere(func: Func, name: str, stmt: Node, loop: Loop) -> bool:
    """Another store to, reassignment of, or delete from the map inside the same loop."""
    for site in func.sites("assignment_statement"):
        node = site.node
        if node.id == stmt.id or not loop.contains(node):
            continue
        left = node.child_by_field_id(FIELD.left)
        for target in left.named_children if left is not None else ():
            target = strip_parens(target) or target
            if target.type == "index_expression":
                target = target.child_by_field_id(FIELD.operand) or target
            if text(target) == name:
                return True
    return any(loop.contains(c.node) and c.args and text(c.args[0]) == name for c in func.calls_named("delete"))


def _assigned(func: Func) -> dict[str, list[Site]]:
    """The function's assignments by the text of each target, in order: one pass per function, not
    one per store (an unrolled loop of `a[i] = ...` stores asks about hundreds of them)."""
    out: dict[str, list[Site]] = {}
    for site in func.sites("assignment_statement"):
        left = site.node.child_by_field_id(FIELD.left)
        for target in {text(c) for c in left.named_children} if left is not None else ():
            out.setdefault(target, []).append(site)
    return out


def _empty_field_map(
    func: Func, assignments: list[Site], loop: Loop, loops: tuple[Loop, ...], name: str
) -> str | None:
    """The map type when the field `name` (`x.m`) was last set before the loop, at the loop's own
    nesting level, to a map with no size hint (`x.m = make(map[K]V)`, `x.m = map[K]V{}`).
    assignments: the function's assignments to name (see _assigned)."""
    last: Site | None = None
    for site in assignments:
        node = site.node
        if node.start_byte >= loop.node.start_byte:
            continue
        if last is None or node.start_byte > last.node.start_byte:
            last = site
    if last is None or [id(lp) for lp in last.loops] != [id(lp) for lp in loops[:-1]]:
        return None
    if text(last.node.child_by_field_id(FIELD.operator)) != "=":
        return None
    left = last.node.child_by_field_id(FIELD.left)
    right = last.node.child_by_field_id(FIELD.right)
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return None
    init = strip_parens(right.named_children[0])
    if init is None:
        return None
    if init.type == "composite_literal":
        typ = text(init.child_by_field_id(FIELD.type))
        body = init.child_by_field_id(FIELD.body)
        empty = body is not None and body.named_child_count == 0
    elif init.type == "call_expression" and text(init.child_by_field_id(FIELD.function)) == "make":
        args = init.child_by_field_id(FIELD.arguments)
        typ = text(args.named_children[0]) if args is not None and args.named_child_count else ""
        empty = args is not None and args.named_child_count == 1
    else:
        return None
    if not empty or not typ.startswith("map["):
        return None
    # Nothing between the initialisation and the loop may touch the map.
    between = [c for c in func.calls if last.node.end_byte <= c.node.start_byte < loop.node.start_byte]
    if any(text(a) == name for c in between for a in c.args):
        return None
    return typ
