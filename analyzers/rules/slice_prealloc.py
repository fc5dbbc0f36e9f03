"""slice-prealloc

**What it does**
Flags `xs = append(xs, x)` run once per iteration of a loop over a collection whose length is known
before the loop (a slice, map, string or array, `range n`, a counting loop such as
`for i := 0; i < n; i++`, `for i := m; i <= n; i++`, `for i := len(xs) - 1; i >= 0; i--` or
`for i := 0; i < n; i += 2`), when `xs` is declared just outside that loop with no capacity
(`var xs []T`, `xs := []T{}`, `make([]T, 0)`, `[]T(nil)`), or is a field of a local declared just
outside it as a zero value or by a literal that does not set the field (`resp := &Resp{Header: h}`;
`resp.Items = append(resp.Items, it)`). Appends after the loop join the suggested capacity
(`len(xs) + len(more)`).

**Why is this bad?**
A slice that starts empty is regrown each time it fills: about log2(n) reallocations, each copying
everything appended so far, and ~2x the final memory as garbage (estimate: 1,000 appends of 16-byte
elements make ~11 allocations and copy ~32 KB, ~2-5 µs; one `make` with the right capacity is one
allocation and ~0.3 µs, ~50-100 ns per avoided regrowth).

**Example**
```go
var names []string
for _, u := range users {
    names = append(names, u.Name)
}
```

**Use instead**
```go
names := make([]string, 0, len(users))
for _, u := range users {
    names = append(names, u.Name)
}
```

**Known limits**
Only an append that runs on every iteration is flagged: a statement directly in the loop body, with
no `continue` before it (other than a guard against an invalid item: `if x == nil { continue }`,
`if s == "" { continue }`, `if err != nil { continue }`; a lookup miss, `if !ok { continue }`, is a
filter) and no `break` or `goto` in the loop (an early
`return` is fine). Filtered appends (inside an `if`, or after another `continue`) are not flagged,
although the length of the collection is still an upper bound: when the filter keeps few elements,
capacity `len(xs)` would over-allocate, and the choice is the author's. Appends of several elements
or of `ys...` inside the loop, other appends before the loop or in the same loop, appends in nested
loops (the total is a sum, not a length), loops over channels, iterators, `bufio.Scanner` or a
condition, slices preallocated with `make([]T, n)` or `make([]T, 0, n)`, and `[]error` slices (errors
gathered for one report, on the failure path) are not flagged. A range
over an expression of unknown type (or a named type of another package) is flagged only when it
names two iteration variables (a channel cannot). Note `make([]T, 0, n)` returns a non-nil empty slice
where `var xs []T` stays nil when the loop does not run (visible to `xs == nil` and to encoding/json,
which writes `[]` not `null`).
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
from analyzers.rules._alloc_a import (
    Types,
    body_statement,
    empty_collection,
    loop_count,
    skips_iterations,
)
from analyzers.rules._util import configuration_sized
from analyzers.source import Call, Func, Loop, descendants, statements, strip_parens, text


@rule("slice-prealloc", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    types: Types | None = None
    for func in pkg.funcs:
        appends = [c for c in func.calls_named("append") if c.callee == "append" and c.loops]
        for call in appends:
            found = _append_statement(call)
            if found is None:
                continue
            name, stmt = found
            loop = call.loops[-1]
            if not body_statement(stmt, loop):
                continue
            if "." in name:
                typ = _fresh_field(pkg, func, name, stmt, call.loops)
            else:
                typ = empty_collection(func, name, stmt, call.loops, "[]", pkg.types) or _foreign_make(
                    func, name, stmt, call.loops)
            if typ is None or _appended_in_loop(func, name, call, stmt) or _skips(loop, stmt):
                continue
            if typ.replace(" ", "") == "[]error":
                continue  # errors gathered for a report: the failure path, a handful of entries
            if configuration_sized(loop):
                continue
            types = types or Types.of(pkg)
            count = loop_count(loop, func, types)
            if count is None:
                continue
            later = _appended_after(func, name, loop)
            if later is None:
                continue
            decl = func.decl(name, stmt)
            assign = "=" if "." in name or (decl is not None and decl.kind == "param") else ":="
            hoist = ""
            if loop.range_node is not None and loop.range_node.type == "call_expression":
                if count.startswith("len("):
                    count, hoist = "len(items)", f" after items := {text(loop.range_node)}"
                else:
                    count, hoist = "n", f" after n := {count}"
            count = " + ".join([count, *later])
            yield Hit(
                func,
                stmt,
                f"append regrows {name} ~log2(n) times (allocations and copies); "
                f"preallocate: {name} {assign} make({typ}, 0, {count}){hoist}",
                key=f"append {name} over {loop.range_expr or loop.cond}",
            )


def _append_statement(call: Call) -> tuple[str, Node] | None:
    """(name, statement) for `name = append(name, x)` with exactly one non-spread element; name is
    a variable or a field of a local variable (`resp.Users`)."""
    if len(call.args) != 2 or call.args[1].type == "variadic_argument":
        return None
    first = call.args[0]
    if first.type == "selector_expression":
        base = first.child_by_field_name("operand")
        if base is None or base.type != "identifier":
            return None
    elif first.type != "identifier":
        return None
    values = call.node.parent
    stmt = values.parent if values is not None and values.type == "expression_list" else None
    if stmt is None or stmt.type != "assignment_statement" or values is None or values.named_child_count != 1:
        return None
    if text(stmt.child_by_field_name("operator")) != "=":
        return None
    left = stmt.child_by_field_name("left")
    name = text(first)
    if left is None or left.named_child_count != 1 or text(left.named_children[0]) != name:
        return None
    return name, stmt


def _appended_in_loop(func: Func, name: str, call: Call, stmt: Node) -> bool:
    """Another append to name in the same loop or before it (the capacity would be a sum the loop
    does not show), or another assignment to it inside the same loop."""
    loop = call.loops[-1]
    for other in func.calls_named("append"):
        if other is call or not other.args or text(other.args[0]) != name:
            continue
        if loop.contains(other.node) or other.node.start_byte < loop.node.start_byte:
            return True
    for site in func.sites("assignment_statement"):
        node = site.node
        if node.id == stmt.id or not loop.contains(node):
            continue
        left = node.child_by_field_name("left")
        if left is not None and any(text(c) == name for c in left.named_children):
            return True
    return False


def _appended_after(func: Func, name: str, loop: Loop) -> list[str] | None:
    """What is appended to name after the loop, as terms of the capacity (`len(more)` for a spread
    of a variable, 1 per element); None when a later loop appends an unknown number."""
    terms: list[str] = []
    singles = 0
    for other in func.calls_named("append"):
        if not other.args or text(other.args[0]) != name or other.node.start_byte < loop.node.end_byte:
            continue
        if any(lp is not loop and not lp.contains(loop.node) for lp in other.loops):
            return None
        for arg in other.args[1:]:
            if arg.type == "variadic_argument":
                spread = arg.named_children[0] if arg.named_child_count else None
                if spread is None or spread.type not in ("identifier", "selector_expression"):
                    return terms + ([str(singles)] if singles else [])  # a size we cannot name
                terms.append(f"len({text(spread)})")
            else:
                singles += 1
    return terms + ([str(singles)] if singles else [])


def _skips(loop: Loop, stmt: Node) -> bool:
    """The loop can skip the append: a `continue` before it (other than a guard against an invalid
    item, `if x == nil { continue }`, `if err != nil { continue }`), or a `break`/`goto`."""
    if not skips_iterations(loop, stmt):
        return False
    return not _only_guards(loop, stmt)


_UNSHOWN = "[]T"  # the element type of a field of a struct the package does not declare
_GUARD = re.compile(r"^\s*(\w[\w.]*\s*==\s*(nil|\"\")|err\s*!=\s*nil)\s*$")


def _only_guards(loop: Loop, stmt: Node) -> bool:
    """Every way the body skips the append is `if <item is nil, empty or failed> { continue }`."""
    body = loop.body
    if body is None:
        return False
    for node in descendants(body):
        if node.type in ("break_statement", "goto_statement") and loop.contains(node):
            return False
        if node.type != "continue_statement" or node.start_byte > stmt.start_byte:
            continue
        block = node.parent.parent if node.parent is not None and node.parent.type == "statement_list" else node.parent
        cond_if = block.parent if block is not None else None
        if cond_if is None or cond_if.type != "if_statement" or cond_if.parent is None:
            return False
        if cond_if.child_by_field_name("alternative") is not None or len(statements(block)) != 1:
            return False
        if not _GUARD.match(text(cond_if.child_by_field_name("condition"))):
            return False
    return True


def _fresh_field(pkg: Package, func: Func, name: str, stmt: Node, loops: tuple[Loop, ...]) -> str | None:
    """The slice type of `base.f` when base is a local declared before the loop, at the loop's own
    nesting, as a zero value (`var resp Resp`) or a literal that does not set f (`&Resp{Header: h}`),
    of a package struct whose field f is a slice, with nothing assigned to base.f in between."""
    base, _, field_name = name.partition(".")
    if "." in field_name:
        return None
    decl = func.decl(base, stmt)
    loop = loops[-1]
    if decl is None or decl.kind not in ("var", "short") or decl.node.start_byte >= loop.node.start_byte:
        return None
    if [id(lp) for lp in decl.loops] != [id(lp) for lp in loops[:-1]]:
        return None
    init = strip_parens(decl.init)
    if init is not None and init.type == "unary_expression" and text(init.child_by_field_name("operator")) == "&":
        init = strip_parens(init.child_by_field_name("operand"))
    if init is None:
        typ = decl.declared_type or ""
    elif init.type == "composite_literal":
        typ = text(init.child_by_field_name("type"))
        keys = re.findall(r"(?<!\w)(\w++)\s*+:", text(init.child_by_field_name("body")))
        if field_name in keys:
            return None
    else:
        return None
    for site in func.sites("assignment_statement"):
        node = site.node
        between = decl.node.end_byte <= node.start_byte < loop.node.start_byte
        if between and name in text(node.child_by_field_name("left")):
            return None
    struct = pkg.struct_of(typ)
    if struct is None:
        # A struct of another package (or one declared in the function): the zero value's field is
        # nil all the same, and append shows it is a slice; its element type is not shown here.
        return _UNSHOWN if typ else None
    ftype = next((t for n, t in struct.fields if n == field_name), "")
    return ftype if ftype.startswith("[]") else None


def _foreign_make(func: Func, name: str, stmt: Node, loops: tuple[Loop, ...]) -> str | None:
    """`make(types.Uint64Slice, 0)`: a named type of another package, shown to be a slice by the
    append itself."""
    decl = func.decl(name, stmt)
    init = strip_parens(decl.init) if decl is not None else None
    if decl is None or init is None or init.type != "call_expression" or decl.make_args != ("0",):
        return None
    if text(init.child_by_field_name("function")) != "make" or decl.node.start_byte >= loops[-1].node.start_byte:
        return None
    args = init.child_by_field_name("arguments")
    typ = text(args.named_children[0]) if args is not None and args.named_child_count else ""
    if not re.fullmatch(r"(?<!\w)\w++\.\w++", typ) or [id(lp) for lp in decl.loops] != [id(lp) for lp in loops[:-1]]:
        return None
    for site in func.sites("assignment_statement"):
        node = site.node
        if decl.node.end_byte <= node.start_byte < loops[-1].node.start_byte and name == text(
                node.child_by_field_name("left")):
            return None
    return typ
