"""string-concat-loop

**What it does**
Flags `s += x` (or `s = s + x`) on a string declared outside the loop that does the appending.

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
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._util import is_small_constant_loop, loops_between, string_typed
from analyzers.source import strip_parens, text


@rule("string-concat-loop", "alloc")
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for site in func.sites("assignment_statement"):
            if not site.all_loops:
                continue
            node = site.node
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            op = text(node.child_by_field_name("operator"))
            if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
                continue
            target = left.named_children[0]
            value = strip_parens(right.named_children[0])
            name = text(target)
            if target.type != "identifier" or value is None:
                continue
            if op == "=" and value.type == "binary_expression" and text(value.child_by_field_name("left")) == name:
                appended = value.child_by_field_name("right")
            elif op == "+=":
                appended = value
            else:
                continue
            if appended is None or not string_typed(func, name, appended, node):
                continue
            growing = loops_between(func, name, site)
            if not growing or all(is_small_constant_loop(loop) for loop in growing):
                continue
            yield Hit(
                func,
                node,
                f"{name} += in a loop copies the string each iteration (O(n²) bytes); use strings.Builder",
            )
