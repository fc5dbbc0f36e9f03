"""sort-in-loop

**What it does**
Flags `sort.Slice`, `sort.SliceStable`, `sort.Sort`, `sort.Stable`, `sort.Strings`, `sort.Ints`,
`sort.Float64s`, `slices.Sort`, `slices.SortFunc` and `slices.SortStableFunc` called inside a loop on
a collection that lives outside the loop: the same (often growing) data is re-sorted every iteration.

**Why is this bad?**
Sorting costs O(m log m) per call, so n iterations cost O(n·m log m): re-sorting a 10,000-element
slice 10,000 times is ~1.3·10⁹ comparisons (estimate: seconds), where one sort after the loop costs
~1 ms.

**Example**
```go
for _, ev := range incoming {
    events = append(events, ev)
    sort.Slice(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
}
```

**Use instead**
```go
events = append(events, incoming...)
sort.Slice(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
// or keep it ordered: i, _ := slices.BinarySearchFunc(...); events = slices.Insert(events, i, ev)
// or use container/heap for a priority queue.
```

**Known limits**
Sorting a collection that belongs to the iteration (a per-iteration local, the element's own field,
`groups[k]`, or a scratch slice the loop resets with `xs = xs[:0]`) is correct and not flagged; nor
is a sort followed by `return` or `break` in the same block (it runs once), nor loops with a literal
bound of eight iterations or fewer.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import hot_loops, import_names, leaves_loop, loop_names, loop_vars, mentions
from analyzers.source import Func, Loop, strip_parens, text

_SORT = frozenset({"Slice", "SliceStable", "Sort", "Stable", "Strings", "Ints", "Float64s"})
_SLICES = frozenset({"Sort", "SortFunc", "SortStableFunc"})


@rule("sort-in-loop", "complexity")
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*_SORT, *_SLICES):
        return
    for func in pkg.funcs:
        sort_names = import_names(func.file, "sort")
        slices_names = import_names(func.file, "slices")
        if not sort_names and not slices_names:
            continue
        for call in func.calls_named(*(_SORT | _SLICES)):
            if not call.args or not (
                (call.recv in sort_names and call.name in _SORT) or (call.recv in slices_names and call.name in _SLICES)
            ):
                continue
            loops = hot_loops(call.loops)
            if not loops or leaves_loop(call.node, call.loops):
                continue
            coll = strip_parens(call.args[0])
            if coll is None:
                continue
            if coll.type in ("call_expression", "type_conversion_expression") and call.name in ("Sort", "Stable") \
                    and call.recv in sort_names:
                args = coll.child_by_field_name("arguments")
                inner = args.named_children[0] if args is not None and args.named_child_count == 1 else None
                coll = strip_parens(inner) if inner is not None else coll  # sort.Sort(byName(xs)) -> xs
            if coll is None or coll.type not in ("identifier", "selector_expression"):
                continue
            loop = loops[-1]
            if mentions(coll, loop_names(func, loop) | loop_vars(loop)) or _reset_in(func, loop, text(coll)):
                continue
            shown = text(coll) if len(text(coll)) <= 40 else "the slice"
            yield Hit(
                func,
                call.node,
                f"{call.callee} re-sorts {shown} on every iteration (O(n·m log m)); sort once after the loop, "
                "or keep it ordered with a binary-search insert or container/heap",
            )


def _reset_in(func: Func, loop: Loop, name: str) -> bool:
    """The loop refills the collection each iteration (`xs = xs[:0]`, `xs = nil`, `xs = make(...)`):
    a scratch buffer reused per iteration, sorted once per batch."""
    for site in func.sites("assignment_statement"):
        node = site.node
        if not loop.contains(node) or text(node.child_by_field_name("operator")) != "=":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 1 or text(left) != name:
            continue
        value = text(right).replace(" ", "")
        if value in ("nil", name + "[:0]", name + "[:0:0]") or value.startswith(("make(", "[]")):
            return True
    return False
