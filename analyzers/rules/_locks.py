"""Lock regions and guarded mutexes for the concurrency rules (private; see _concurrency.py for the
blocking-operation and type helpers they share).

A lock region is the run of statements between `x.Lock()` and the matching `x.Unlock()` in the same
statement list, or from `x.Lock(); defer x.Unlock()` to the end of that list. Statements of nested
lists that follow an inner `x.Unlock()` (an early-exit unlock, or an unlock/relock around slow work)
are gaps: the lock is not held there.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.package import LOCK_TYPES, Package
from analyzers.rules._concurrency import UNLOCK_OF, expr_type
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Call, Func, Loop, strip_parens, text
from analyzers.typeinfer import underlying
from analyzers.typetext import INT_TYPES

# ---------------------------------------------------------------- lock regions


@dataclass(eq=False)
class Region:
    lock: Call
    mutex: str  # receiver text of the Lock call: "s.mu", "c" (embedded mutex)
    read: bool  # RLock
    stmts: list[Node]  # statements run with the lock held, in order (the unlock excluded)
    deferred: bool
    gaps: list[tuple[int, int]] = field(default_factory=list)

    def holds(self, node: Node) -> bool:
        if not self.stmts:
            return False
        if not (self.stmts[0].start_byte <= node.start_byte and node.end_byte <= self.stmts[-1].end_byte):
            return False
        return not any(a <= node.start_byte < b for a, b in self.gaps)


_REGIONS: weakref.WeakKeyDictionary[Func, list[Region]] = weakref.WeakKeyDictionary()


def stmt_call(stmt: Node) -> Node | None:
    """The call of an expression or defer statement `x.Unlock()` (None for other statements)."""
    if stmt.type in ("expression_statement", "defer_statement") and stmt.named_child_count:
        call = stmt.named_children[0]
        if call.type == "call_expression":
            return call
    return None


def _is_call_on(stmt: Node, mutex: str, name: str, kind: str = "expression_statement") -> bool:
    call = stmt_call(stmt) if stmt.type == kind else None
    if call is None:
        return False
    args = call.child_by_field_name("arguments")
    return (args is None or args.named_child_count == 0) and text(call.child_by_field_name("function")) == (
        f"{mutex}.{name}"
    )


def _is_deferred_unlock(stmt: Node, mutex: str, unlock: str) -> bool:
    if _is_call_on(stmt, mutex, unlock, "defer_statement"):
        return True
    return stmt.type == "defer_statement" and "func()" in text(stmt) and f"{mutex}.{unlock}()" in text(stmt)


def siblings(stmt: Node) -> list[Node]:
    parent = stmt.parent
    if parent is None:
        return [stmt]
    return [c for c in parent.named_children if c.type != "comment"]


def lock_regions(func: Func) -> list[Region]:
    """Every lock region of func's own body (closures have their own)."""
    cached = _REGIONS.get(func)
    if cached is not None:
        return cached
    regions: list[Region] = []
    for call in func.calls_named("Lock", "RLock"):
        stmt = call.node.parent
        if call.args or not call.recv or stmt is None or stmt.type != "expression_statement":
            continue
        region = _region_from(call, stmt)
        if region is not None:
            regions.append(region)
    if regions:
        unlocks = func.calls_named("Unlock", "RUnlock")
        for region in regions:
            _add_gaps(region, unlocks)
    _REGIONS[func] = regions
    return regions


def _region_from(call: Call, stmt: Node) -> Region | None:
    unlock = UNLOCK_OF[call.name]
    sibs = siblings(stmt)
    i = next(k for k, s in enumerate(sibs) if s.id == stmt.id)
    held: list[Node] = []
    for s in sibs[i + 1 :]:
        if _is_call_on(s, call.recv, unlock):
            return Region(call, call.recv, call.name == "RLock", held, deferred=False)
        if _is_deferred_unlock(s, call.recv, unlock):
            rest = [t for t in sibs[sibs.index(s) + 1 :]]
            return Region(call, call.recv, call.name == "RLock", held + rest, deferred=True)
        held.append(s)
    return None


def _add_gaps(region: Region, unlocks: list[Call]) -> None:
    unlock = UNLOCK_OF[region.lock.name]
    for u in unlocks:
        if u.recv != region.mutex or u.name != unlock or not region.holds(u.node):
            continue
        stmt = u.node.parent
        if stmt is None or stmt.type != "expression_statement":
            continue
        sibs = siblings(stmt)
        i = next(k for k, s in enumerate(sibs) if s.id == stmt.id)
        end = sibs[-1].end_byte
        for s in sibs[i + 1 :]:
            if _is_call_on(s, region.mutex, region.lock.name):
                end = s.start_byte
                break
        region.gaps.append((stmt.start_byte, end))


# ---------------------------------------------------------------- loops


def _chan_like(typ: str) -> bool:
    return typ.startswith(("chan ", "<-chan ", "chan<- ", "func(", "func ", "iter."))


def data_loop(pkg: Package, func: Func, loop: Loop, *, counted: bool) -> bool:
    """A loop over the items of a collection whose size is known up front (not a channel, an
    iterator, a small literal list or an infinite loop). counted: `for i := 0; i < n; i++` and
    `range n` count too (else only `len(...)` bounds do)."""
    if is_small_constant_loop(loop):
        return False
    if loop.kind == "range":
        typ = expr_type(pkg, func, loop.range_node)
        if underlying(pkg, typ) in INT_TYPES:  # `for range runtime.NumCPU()`: a count, not a collection
            return "len(" in loop.range_expr or counted
        if typ:
            return not _chan_like(typ)
        node = strip_parens(loop.range_node)
        name = text(node).rsplit(".", 1)[-1]
        return not (node is not None and node.type == "call_expression") and not _CHAN_NAME.search(name)
    if loop.kind in ("range-int", "for"):
        bound = loop.range_expr if loop.kind == "range-int" else loop.cond
        return "len(" in bound or (counted and loop.sized)
    return False


_CHAN_NAME = re.compile(r"(?:^|[a-z])(?:ch|Ch|chan|Chan|C)$|^(?:jobs|tasks|work|queue|in|input|events)$")


def loop_locals(func: Func, loop: Loop, names: list[str], at: Node) -> bool:
    """Whether any of names is declared by the loop itself or inside its body."""
    for name in names:
        d = func.decl(name, at)
        if d is not None and (d.node.id == loop.node.id or any(lp is loop for lp in d.loops)):
            return True
    return False


IDENT = re.compile(r"[A-Za-z_]\w*")


# ---------------------------------------------------------------- critical sections per struct mutex


@dataclass(eq=False)
class Guarded:
    """Every critical section of one mutex field of one struct type, across the package."""

    struct: str  # "" for a package-level or function-local mutex variable
    name: str  # mutex field or variable name ("Mutex" for an embedded sync.Mutex)
    kind: str  # Mutex or RWMutex
    sections: list[tuple[Func, Region, str]] = field(default_factory=list)  # (func, region, base text)
    opaque: bool = False  # a Lock on it that does not form a clean region
    # `mu struct { sync.Mutex; n uint64 }`: the fields beside the mutex; for a function-local mutex,
    # the types of the function's other locals.
    field_types: dict[str, str] = field(default_factory=dict)
    local: bool = False  # a mutex declared in a function: it guards that function's locals


def guarded_mutexes(pkg: Package, *, with_gaps: bool = False) -> list[Guarded]:
    """Mutexes whose every Lock forms a clean region (no early unlock). with_gaps: every mutex, with
    the regions that have early unlocks too, and `opaque` set when some Lock forms no region at all;
    for rules that decide one critical section at a time."""
    groups: dict[tuple[str, str], Guarded] = {}
    for func in pkg.funcs:
        calls = func.calls_named("Lock", "RLock")
        if not calls:
            continue
        regions = {r.lock.node.id: r for r in lock_regions(func)}
        for call in calls:
            found = _mutex_of(pkg, func, call)
            if found is None:
                continue
            key, g_new, base = found
            g = groups.setdefault(key, g_new)
            region = regions.get(call.node.id)
            if region is None or (region.gaps and not with_gaps):
                g.opaque = True
            else:
                g.sections.append((func, region, base))
    if with_gaps:
        return [g for g in groups.values() if g.sections]
    return [g for g in groups.values() if not g.opaque and g.sections]


def _mutex_of(pkg: Package, func: Func, call: Call) -> tuple[tuple[str, str], Guarded, str] | None:
    """(group key, a fresh group, base text) of a Lock call; the base is "" for a package-level or
    function-local mutex variable, `s.mu` for a mutex embedded in an anonymous struct field."""
    fn = call.node.child_by_field_name("function")
    operand = fn.child_by_field_name("operand") if fn is not None else None
    if operand is None or call.args:
        return None
    if operand.type == "identifier":
        name = text(operand)
        d = func.lookup(name, operand)
        if d is None:
            kind = LOCK_TYPES.get(pkg.vars.get(name, ""), "")
            return (("", name), Guarded("", name, kind), "") if kind in ("Mutex", "RWMutex") else None
        kind = LOCK_TYPES.get(d.type, "")
        if kind in ("Mutex", "RWMutex") and d.kind == "var" and d.func is not None:
            return _local_mutex(d.func, name, kind)
    if operand.type == "selector_expression":
        base_node = operand.child_by_field_name("operand")
        fname = text(operand.child_by_field_name("field"))
    else:
        base_node, fname = operand, ""
    typ = expr_type(pkg, func, base_node).lstrip("*")
    s = pkg.struct_of(typ)
    if s is None:
        return None
    if not fname:
        fname = next((k for k in ("Mutex", "RWMutex") if s.lock_kinds.get(k) == k), "")
    kind = s.lock_kinds.get(fname, "")
    if kind in ("Mutex", "RWMutex"):
        return (s.name, fname), Guarded(s.name, fname, kind), text(base_node)
    ftype = next((t for n, t in s.fields if n == fname), "")
    inner = anonymous_struct_fields(ftype) if ftype.startswith("struct") else {}
    kind = next((LOCK_TYPES[t] for n, t in inner.items() if not n and t in ("sync.Mutex", "sync.RWMutex")), "")
    if not kind:
        return None
    fields = {n: t for n, t in inner.items() if n}
    return (s.name, fname), Guarded(s.name, fname, kind, field_types=fields), text(operand)


def _local_mutex(owner_func: Func, name: str, kind: str) -> tuple[tuple[str, str], Guarded, str]:
    top = owner_func
    types = {n: ds[-1].type for n, ds in top.decls.items() if n != name and ds}
    key = (f"{top.file.path}:{top.start_line}:{top.qualified_name}", name)
    return key, Guarded("", name, kind, field_types=types, local=True), ""


_FIELD_LINE = re.compile(r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+(\S.*?)\s*$")


def anonymous_struct_fields(type_text: str) -> dict[str, str]:
    """The fields of `struct { sync.Mutex; n uint64 }` written out: name -> type, "" -> the embedded
    type (the last one, for the lock lookup)."""
    body = type_text.strip()
    if not body.startswith("struct") or "{" not in body:
        return {}
    body = body[body.index("{") + 1 : body.rindex("}")] if "}" in body else ""
    out: dict[str, str] = {}
    for raw in re.split(r"[;\n]", body):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        m = _FIELD_LINE.match(line)
        if m is None:
            out[""] = line.lstrip("*")
            continue
        for n in m.group(1).split(","):
            out[n.strip()] = m.group(2).split("`", 1)[0].strip()
    return out


def owner(pkg: Package, base: str, mutex: str, g: Guarded | None = None) -> Callable[[str], str]:
    """For an expression's text, the guarded state it reaches: "n" for "c.n" when base is "c"; for a
    package-level mutex (base ""), a package variable other than the mutex; for a function-local
    mutex, another local of that function ("" when neither)."""
    if base:
        prefix = base + "."
        return lambda expr: expr[len(prefix) :] if expr.startswith(prefix) else ""
    if g is not None and g.local:
        names = g.field_types

        def local_var(expr: str) -> str:
            root = IDENT.match(expr)
            return expr if root is not None and root.group(0) in names and root.group(0) != mutex else ""

        return local_var

    def package_var(expr: str) -> str:
        root = IDENT.match(expr)
        return expr if root is not None and root.group(0) in pkg.vars and root.group(0) != mutex else ""

    return package_var
