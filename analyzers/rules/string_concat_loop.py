"""string-concat-loop

**What it does**
Flags `s += x` (or `s = s + x + y`) on a string declared outside the loop that does the appending,
and the same on a string field of a variable from outside the loop (`r.body += line`).

**Why is this bad?**
Go strings are immutable: every `+=` allocates a new string and copies everything built so far, so
n appends copy O(n²) bytes and make n heap allocations (estimate: ~50-100 ns per allocation plus the
copy; 1,000 appends of 10 bytes copy ~5 MB).

**Example**
```go
var out string
for _, w := range words {
    out += w + ","
}
```

**Use instead**
```go
var b strings.Builder
for _, w := range words {
    b.WriteString(w)
    b.WriteByte(',')
}
out := b.String()
```

**Known limits**
The variable must be known to be a string from its declaration or the appended value. Loops with a
small constant bound (eight iterations or fewer) are not flagged.
Loops over collections named for configured entities (`peers`, `endpoints`, `servers`, `replicas`,
`backends`, `upstreams`, `listeners`, `origins`, `configs`, `credentials`, a
peer's `caps`, a certificate's subject `altNames`; also when a getter returns
them, `p.Caps()`) are not flagged: a
handful of items, sized by the deployment, not by traffic.

A warning on hot paths only; on a warm path (a loop and no evidence of how often it runs) it is
info. The copy is quadratic in the number of items, but none of the 9 warnings of this rule drawn
from public projects' current code (benchmarks/realworld/cases.yaml) walked more than a handful: a
member's advertise URLs, a route's header matchers, a benchmark tool's ten percentiles.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import Types
from analyzers.rules._util import configuration_sized, is_small_constant_loop, loops_between, string_typed
from analyzers.source import FIELD, Func, strip_parens, text


@rule("string-concat-loop", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    types: Types | None = None
    for func in pkg.funcs:
        for site in func.sites("assignment_statement"):
            if not site.all_loops:
                continue
            node = site.node
            left = node.child_by_field_id(FIELD.left)
            right = node.child_by_field_id(FIELD.right)
            op = text(node.child_by_field_id(FIELD.operator))
            if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
                continue
            target = strip_parens(left.named_children[0])
            value = strip_parens(right.named_children[0])
            if target is None or value is None:
                continue
            name = text(target)
            if op == "=" and value.type == "binary_expression":
                appended = _after_self(value, name)
            elif op == "+=":
                appended = value
            else:
                continue
            if appended is None:
                continue
            if target.type == "identifier":
                if not string_typed(func, name, appended, node):
                    continue
                root = name
            else:
                types = types or Types.of(pkg)
                found = _field_root(target, func, types)
                if found is None:
                    continue
                root = found
            growing = loops_between(func, root, site)
            if not growing or all(is_small_constant_loop(loop) or configuration_sized(loop) for loop in growing):
                continue
            yield Hit(
                func,
                node,
                f"{name} += in a loop copies the string each iteration (O(n²) bytes); use strings.Builder",
                key=f"concat {name}",
            )


def _after_self(value: Node, name: str) -> Node | None:
    """For `name + a + b` (a left-nested chain of `+`), the part after `name`: the whole right side
    of the outermost `+` when name is the leftmost operand; None otherwise."""
    node: Node | None = value
    while node is not None and node.type == "binary_expression":
        if text(node.child_by_field_id(FIELD.operator)) != "+":
            return None
        left = strip_parens(node.child_by_field_id(FIELD.left))
        if left is not None and text(left) == name:
            return value.child_by_field_id(FIELD.right)
        node = left
    return None


def _field_root(target: Node, func: Func, types: Types) -> str | None:
    """For a string field `x.f` (x a variable, f a string field of x's same-package struct type),
    the variable name x; None for anything else."""
    if target.type != "selector_expression":
        return None
    operand = strip_parens(target.child_by_field_id(FIELD.operand))
    if operand is None or operand.type != "identifier" or types.type(target, func) != "string":
        return None
    return text(operand)
