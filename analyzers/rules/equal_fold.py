"""equal-fold

**What it does**
Flags case-insensitive comparisons written by lowering (or uppering) both sides:
`strings.ToLower(a) == strings.ToLower(b)`, `strings.ToUpper(a) != "GET"`,
`bytes.Equal(bytes.ToLower(a), bytes.ToLower(b))`.

**Why is this bad?**
`ToLower`/`ToUpper` build a new string whenever the input has a letter to change: an allocation and
a full pass per side (estimate: ~30-80 ns and up to two allocations per comparison), and the whole
input is converted even when the first byte differs. `strings.EqualFold` compares in place, stops at
the first difference and never allocates (~5-20 ns for short ASCII strings).

**Example**
```go
if strings.ToLower(r.Header.Get("Upgrade")) == "websocket" {
```

**Use instead**
```go
if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
```

**Known limits**
Both sides must be lowered with the same function, or one side lowered and the other a literal that
the function leaves unchanged (a literal with upper-case letters compared to `ToLower(x)` never
matches: that is a bug for a reviewer, not a performance finding). `EqualFold` uses Unicode simple
folding, which differs from lowering for a few special cases (e.g. the Kelvin sign); those are
ignored. A lowered value that is stored or reused (`k := strings.ToLower(s)`) is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import callee_in
from analyzers.rules._util import is_string_literal
from analyzers.source import Func, strip_parens, text

CASE_FUNCS = ("ToLower", "ToUpper")


@rule("equal-fold", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*CASE_FUNCS):
        return
    for func in pkg.funcs:
        if not func.calls_named(*CASE_FUNCS):
            continue
        for site in func.sites("binary_expression"):
            node = site.node
            op = text(node.child_by_field_name("operator"))
            if op not in ("==", "!="):
                continue
            fix = _fold(func, node.child_by_field_name("left"), node.child_by_field_name("right"), "strings")
            if fix is not None:
                yield _hit(func, node, ("!" if op == "!=" else "") + fix)
        for call in func.calls_named("Equal"):
            if len(call.args) == 2 and callee_in(func, call.recv, "bytes"):
                fix = _fold(func, call.args[0], call.args[1], "bytes")
                if fix is not None:
                    yield _hit(func, call.node, fix)


def _hit(func: Func, node: Node, fix: str) -> Hit:
    return Hit(func, node, f"lowering to compare allocates (~50 ns and up to two allocations); use {fix}",
               suggestion=fix)


def _fold(func: Func, left: Node | None, right: Node | None, package: str) -> str | None:
    """The EqualFold call replacing a comparison of the two operands, or None."""
    a, b = _case_call(func, left, package), _case_call(func, right, package)
    if a is None and b is None:
        return None
    if a is not None and b is not None:
        if a[0] != b[0] or a[1] != b[1]:
            return None
        return f"{a[1]}.EqualFold({a[2]}, {b[2]})"
    lowered, other = (a, right) if a is not None else (b, left)
    assert lowered is not None
    other = strip_parens(other)
    if other is None or not is_string_literal(other) or package != "strings":
        return None
    literal = text(other)
    changed = literal.lower() if lowered[0] == "ToLower" else literal.upper()
    if changed != literal or "\\" in literal:
        return None  # never equal (a bug, not a cost), or escapes we do not interpret
    pair = (lowered[2], literal) if a is not None else (literal, lowered[2])
    return f"{lowered[1]}.EqualFold({pair[0]}, {pair[1]})"


def _case_call(func: Func, node: Node | None, package: str) -> tuple[str, str, str] | None:
    """(ToLower|ToUpper, package name, argument text) for `strings.ToLower(x)`."""
    node = strip_parens(node)
    if node is None or node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if fn is None or fn.type != "selector_expression" or args is None or args.named_child_count != 1:
        return None
    name = text(fn.child_by_field_name("field"))
    recv = text(fn.child_by_field_name("operand"))
    if name not in CASE_FUNCS or not callee_in(func, recv, package):
        return None
    if args.named_children[0].type == "variadic_argument":
        return None
    return name, recv, text(args.named_children[0])
