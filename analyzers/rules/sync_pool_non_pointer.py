"""sync-pool-non-pointer

**What it does**
Flags `pool.Put(x)` on a `sync.Pool` when `x` is not pointer-shaped: a slice (`[]byte`), an array,
a string, a number or a struct value (staticcheck SA6002).

**Why is this bad?**
`Put` takes an `any`: a value that is not a pointer is copied into a fresh heap allocation to box it
(estimate: one allocation of 24+ bytes, ~20-30 ns, per Put), which defeats the pool, whose whole point
is to avoid allocating.

**Example**
```go
var bufPool = sync.Pool{New: func() any { return make([]byte, 0, 4096) }}

buf := bufPool.Get().([]byte)
...
bufPool.Put(buf[:0])
```

**Use instead**
```go
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

bp := bufPool.Get().(*[]byte)
buf := (*bp)[:0]
...
*bp = buf
bufPool.Put(bp)
```

**Known limits**
Only `Put` on a value whose type the syntax shows to be `sync.Pool` or `*sync.Pool` (package variable,
struct field, local or parameter) is checked, so other `Put` methods (caches, typed pool wrappers)
are never flagged. The argument's type must be known; interfaces are not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.package import BASIC_SIZES, Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import import_names, known_struct, resolve_type, underlying
from analyzers.source import text

_VALUE_STRUCTS = frozenset({"bytes.Buffer", "strings.Builder", "time.Time", "bytes.Reader", "strings.Reader"})
_POINTER_SHAPED = ("*", "map[", "chan ", "<-chan ", "chan<- ", "func(", "func ", "unsafe.Pointer")
_INTERFACES = frozenset({"any", "error", "interface{}"})


@rule("sync-pool-non-pointer", "alloc", static_evidence=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not any("sync" in gf.imports.values() for gf in pkg.files):
        return
    for func in pkg.funcs:
        pool_types = {f"{n}.Pool" for n in import_names(func.file, "sync")} | {"sync.Pool"}
        for call in func.calls_named("Put"):
            if len(call.args) != 1 or not call.recv:
                continue
            fn = call.node.child_by_field_name("function")
            operand = fn.child_by_field_name("operand") if fn is not None else None
            if underlying(pkg, resolve_type(pkg, func, operand)).lstrip("*") not in pool_types:
                continue
            arg = call.args[0]
            typ = underlying(pkg, resolve_type(pkg, func, arg))
            kind = _non_pointer(pkg, typ)
            if not kind:
                continue
            yield Hit(
                func,
                call.node,
                f"{call.recv}.Put({text(arg)}) boxes a {kind} into an interface, allocating on every Put "
                f"(SA6002); pool a pointer instead ({'*' + typ if typ.startswith('[') else 'a *T'})",
            )


def _non_pointer(pkg: Package, typ: str) -> str:
    """"slice"/"array"/"string"/"struct"/"number" for a type that must be boxed, "" otherwise."""
    if not typ or typ in _INTERFACES or typ.startswith(_POINTER_SHAPED) or typ.startswith("interface"):
        return ""
    if typ.startswith("[]"):
        return "slice"
    if typ.startswith("["):
        return "array"
    if typ == "string":
        return "string"
    if typ in _VALUE_STRUCTS or known_struct(pkg, typ):
        return "struct value"
    if typ in BASIC_SIZES and typ not in ("error", "any", "sync.Mutex", "sync.RWMutex", "sync.WaitGroup",
                                          "sync.Once"):
        return "value"
    return ""
