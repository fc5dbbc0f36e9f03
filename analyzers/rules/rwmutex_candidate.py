"""rwmutex-candidate

**What it does**
Flags the `Lock()` of a read-only critical section: guarded fields and map entries read into
locals or returned, nothing guarded written, no call that could reach guarded state (calls of
`len`/`append` to a local, of read-only standard functions such as `json.Marshal` or `strings.*`, or
of functions handed nothing guarded are fine). Each section is decided on its own, also when other
sections of the same mutex are too complex to follow:
- on a `sync.RWMutex`, any such section that takes `Lock()` where `RLock()` would do;
- on a plain `sync.Mutex`, when some section of the same mutex writes and this read-only section
  does real reading (a lookup by a caller's key, a loop over guarded state, a call such as
  `json.Marshal` of it): the Get-beside-Set shape of a cache or registry.

**Why is this bad?**
With a Mutex, readers serialize: concurrent `Get`s queue behind each other although none changes
anything. Each waiter pays the lock hand-off (~100-1,000 ns under contention, estimate) and, on a
read-heavy path, throughput stays at one reader at a time. `RWMutex.RLock` lets readers run in
parallel and only writers exclude (an uncontended RLock costs about the same ~15-30 ns as Lock).

**Example**
```go
func (c *Cache) Get(k string) (V, bool) {
    c.mu.Lock()
    defer c.mu.Unlock()
    v, ok := c.m[k]
    return v, ok
}
```

**Use instead**
```go
type Cache struct {
    mu sync.RWMutex
    m  map[string]V
}

func (c *Cache) Get(k string) (V, bool) {
    c.mu.RLock()
    defer c.mu.RUnlock()
    v, ok := c.m[k]
    return v, ok
}
```

**Known limits**
Reads with side effects (an LRU `MoveToFront`, a method of the guarded value, a stats counter bumped
on read) are not read-only; neither is a section that calls a method of the receiver or of any other
value (a subscriber's callback run under the lock on purpose), whatever that method does. A mutex
guarding only one integer counter is left to atomic-candidate. On a Mutex, a section that only reads
a guarded cursor into guarded state (`p.urls[p.picked]`) is a few ns and RWMutex's costlier
bookkeeping buys nothing. Whether RWMutex pays off depends on the read/write ratio; on write-heavy
paths it is slower than Mutex. On a Mutex, a getter that only copies a field or two (`return
c.total`, `len(c.m)`) is not flagged either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._locks import Guarded, Region, guarded_mutexes, owner
from analyzers.rules.atomic_candidate import counter_field
from analyzers.source import Func, descendants, text

_PURE_CALLS = frozenset({"len", "cap", "append", "copy", "make", "string", "int", "int64", "float64", "min", "max"})
# Standard functions that only read their arguments (by the import name most files use).
_READ_ONLY_FUNCS = frozenset({
    "json.Marshal", "json.MarshalIndent", "fmt.Sprint", "fmt.Sprintf", "fmt.Sprintln", "fmt.Errorf",
    "errors.New", "maps.Clone", "slices.Clone", "slices.Contains", "slices.Index", "slices.Equal",
    "sort.SearchInts", "sort.SearchStrings", "bytes.Equal", "bytes.Compare", "bytes.Clone", "time.Since",
    "time.Now", "time.Until",
})
_READ_ONLY_PACKAGES = frozenset({"strings", "strconv", "utf8", "math"})
_NEUTRAL = frozenset(
    {
        "identifier",
        "field_identifier",
        "selector_expression",
        "index_expression",
        "expression_list",
        "argument_list",
        "parenthesized_expression",
        "binary_expression",
        "unary_expression",
        "int_literal",
        "interpreted_string_literal",
        "raw_string_literal",
        "nil",
        "true",
        "false",
        "return_statement",
        "short_var_declaration",
        "assignment_statement",
        "if_statement",
        "block",
        "statement_list",
        "expression_statement",
        "call_expression",
        "slice_expression",
        "type_identifier",
        "package_identifier",
        "keyed_element",
        "literal_value",
        "literal_element",
        "composite_literal",
        "var_declaration",
        "var_spec",
        "qualified_type",
        "slice_type",
        "map_type",
        "pointer_type",
        "for_statement",
        "range_clause",
        "continue_statement",
        "break_statement",
        "float_literal",
        "rune_literal",
        "escape_sequence",
        "interpreted_string_literal_content",
        "raw_string_literal_content",
        "type_assertion_expression",
        "expression_switch_statement",
        "expression_case",
        "default_case",
        "generic_type",
        "type_arguments",
        "type_elem",
    }
)


@rule("rwmutex-candidate", "concurrency", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for g in guarded_mutexes(pkg, with_gaps=True):
        if g.kind not in ("Mutex", "RWMutex") or counter_field(pkg, g):
            continue
        owners = {b: owner(pkg, b, g.name, g) for _, _, b in g.sections}
        reads = [(f, r, b) for f, r, b in g.sections if not r.read and _read_only(f, r, b, owners[b])]
        if not reads:
            continue
        if g.kind == "Mutex":
            if not any(_writes(r, owners[b]) for _, r, b in g.sections):
                continue
            # Decided per section: a getter of one field is a few ns under either lock.
            reads = [(f, r, b) for f, r, b in reads if _reads_enough(r, owners[b])]
        for func, region, _ in reads:
            if g.kind == "RWMutex":
                message = (
                    f"read-only section takes the write lock of sync.RWMutex {_name(g)}: readers serialize; "
                    "RLock/RUnlock lets them run in parallel"
                )
            else:
                message = (
                    f"read-only section on sync.Mutex {_name(g)}: readers serialize; "
                    "sync.RWMutex with RLock lets them run in parallel"
                )
            yield Hit(func, region.lock.node, message)


def _name(g: Guarded) -> str:
    return f"{g.struct}.{g.name}" if g.struct else g.name


def _nodes(region: Region) -> Iterator[Node]:
    """The nodes run with the lock held: statements after an early unlock are left out."""
    for stmt in region.stmts:
        if not region.holds(stmt):
            continue
        yield stmt
        for node in descendants(stmt):
            if region.holds(node):
                yield node


def _tainted(region: Region, own: Callable[[str], str]) -> set[str]:
    """Locals given a guarded value in the section (`e := c.m[k]`, `for _, v := range c.items`):
    a call on them could change what the mutex guards."""
    names: set[str] = set()
    for node in _nodes(region):
        if node.type in ("assignment_statement", "short_var_declaration", "range_clause"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None and _mentions(right, own, set()):
                names.update(text(t) for t in left.named_children if t.type == "identifier")
    return names


def _mentions(node: Node, own: Callable[[str], str], names: set[str]) -> bool:
    for n in (node, *descendants(node)):
        if n.type in ("selector_expression", "identifier") and (own(text(n)) or text(n) in names):
            return True
    return False


def _read_only(func: Func, region: Region, base: str, own: Callable[[str], str]) -> bool:
    reads_field = False
    tainted = _tainted(region, own)
    if base:
        tainted.add(base.split(".", 1)[0])
    for node in _nodes(region):
        kind = node.type
        if kind not in _NEUTRAL:
            return False
        if kind == "call_expression":
            if not _harmless_call(func, node, own, tainted):
                return False
        elif kind in ("assignment_statement", "short_var_declaration"):
            left = node.child_by_field_name("left")
            if left is None or not all(_local_target(func, t, own, tainted) for t in left.named_children):
                return False
        elif kind in ("selector_expression", "identifier") and own(text(node)):
            reads_field = True
        elif kind == "unary_expression":
            op = text(node.child_by_field_name("operator"))
            operand = node.child_by_field_name("operand")
            if op == "<-" or (op == "&" and (operand is None or operand.type != "composite_literal")):
                return False
    return reads_field


def _harmless_call(func: Func, call: Node, own: Callable[[str], str], tainted: set[str]) -> bool:
    """A call that cannot change guarded state: a builtin not appending to it, a read-only standard
    function, or any function handed nothing guarded (neither a guarded value nor the receiver)."""
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    callee = text(fn)
    first = text(args.named_children[0]) if args is not None and args.named_child_count else ""
    if callee in _PURE_CALLS:
        return not (callee in ("append", "copy") and (own(first) or first in tainted))
    if callee in _READ_ONLY_FUNCS or callee.split(".", 1)[0] in _READ_ONLY_PACKAGES:
        return True
    # A package function handed nothing guarded (`status.Error(codes.NotFound, msg)`); never a method
    # of a value, which may call back into the owner or be a subscriber run under the lock on purpose.
    if fn is None or (fn.type == "selector_expression" and not _package_qualified(func, fn)):
        return False
    return not _mentions(call, own, tainted)


def _package_qualified(func: Func, fn: Node) -> bool:
    operand = fn.child_by_field_name("operand")
    if operand is None or operand.type != "identifier":
        return False
    return text(operand) in func.file.imports and func.lookup(text(operand), operand) is None


def _local_target(func: Func, target: Node, own: Callable[[str], str], tainted: set[str]) -> bool:
    """An assignment target that is a local: `v`, or an element of a local map or slice made before
    the section (`out[k] = v`), never guarded state or something read from it."""
    if target.type == "identifier":
        return not own(text(target))
    if target.type != "index_expression":
        return False
    root = target.child_by_field_name("operand")
    if root is None or root.type != "identifier" or own(text(root)) or text(root) in tainted:
        return False
    return func.lookup(text(root), root) is not None


def _writes(region: Region, own: Callable[[str], str]) -> bool:
    for node in _nodes(region):
        kind = node.type
        if kind in ("inc_statement", "dec_statement"):
            if own(text(node)):
                return True
        elif kind == "assignment_statement":
            left = node.child_by_field_name("left")
            if left is not None and any(own(text(t)) for t in left.named_children):
                return True
        elif kind == "call_expression" and text(node.child_by_field_name("function")) == "delete":
            args = node.child_by_field_name("arguments")
            if args is not None and args.named_child_count and own(text(args.named_children[0])):
                return True
    return False


def _reads_enough(region: Region, own: Callable[[str], str]) -> bool:
    """Reading worth sharing: a lookup by a caller's key (`c.m[key]`), a loop over guarded state or a
    read-only function of it (`json.Marshal(s.m)`); not a guarded cursor into guarded state
    (`p.urls[p.picked]`), a tiny section where RWMutex's costlier bookkeeping buys nothing."""
    for node in _nodes(region):
        if node.type == "index_expression" and own(text(node.child_by_field_name("operand"))):
            index = node.child_by_field_name("index")
            if index is None or not own(text(index)):
                return True
        elif node.type == "range_clause" and own(text(node.child_by_field_name("right"))):
            return True
        elif node.type == "call_expression":
            callee = text(node.child_by_field_name("function"))
            args = node.child_by_field_name("arguments")
            read_only = callee in _READ_ONLY_FUNCS or callee.split(".", 1)[0] in _READ_ONLY_PACKAGES
            if read_only and args is not None and any(own(text(a)) for a in args.named_children):
                return True
    return False
