"""defer-in-loop

**What it does**
Flags a `defer` statement directly inside a loop of the same function.

**Why is this bad?**
Deferred calls run when the function returns, not at the end of the iteration: every iteration's
file, lock, connection or response body stays held until then, and each pending defer record is kept
on the goroutine (estimate: ~2-40 ns and often a heap allocation per defer record; a loop over 10,000
files holds 10,000 descriptors and can hit the process limit).

**Example**
```go
for _, path := range paths {
    f, err := os.Open(path)
    if err != nil {
        return err
    }
    defer f.Close()
    if err := scan(f); err != nil {
        return err
    }
}
```

**Use instead**
```go
for _, path := range paths {
    err := func() error {
        f, err := os.Open(path)
        if err != nil {
            return err
        }
        defer f.Close()
        return scan(f)
    }()
    if err != nil {
        return err
    }
}
```

**Known limits**
A defer inside a function literal called per iteration is the fix and is not flagged. Loops with a
literal bound of eight iterations or fewer (`for i := 0; i < 3; i++`) are not flagged: the number of
pending defers is small and fixed. A defer followed, in its block, by a `return` (or a `break` out of
the only loop) runs once and is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import hot_loops, leaves_loop
from analyzers.source import text


@rule("defer-in-loop", "alloc", correctness=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for site in func.sites("defer_statement"):
            if not hot_loops(site.loops) or leaves_loop(site.node, site.loops):
                continue
            call = site.node.named_children[0] if site.node.named_child_count else None
            what = text(call) if call is not None and len(text(call)) <= 40 and "\n" not in text(call) else "call"
            yield Hit(
                func,
                site.node,
                f"defer {what} in a loop waits for the function to return, holding every iteration's "
                "resource; wrap the iteration in a func literal or release it at the end of the iteration",
            )
