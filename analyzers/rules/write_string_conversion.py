"""write-string-conversion

**What it does**
Flags `w.Write([]byte(s))` with `s` a string, when `w` is a writer that can take the string
directly (`io.Writer`, `http.ResponseWriter`, `*bufio.Writer`, `*os.File`; `*bytes.Buffer` and
`*strings.Builder` before Go 1.22), and `w.Write([]byte(fmt.Sprintf(...)))` on any writer; also
`w.WriteString(fmt.Sprintf(...))` on a buffer, `*bufio.Writer` or `*os.File`, and
`io.WriteString(w, fmt.Sprintf(...))` (use `fmt.Fprintf(w, ...)`).

**Why is this bad?**
`[]byte(s)` copies the string into a new byte slice, which escapes to the heap when the writer is an
interface: one allocation and a copy of every byte (estimate: ~30 ns + ~0.1 ns/byte). `io.WriteString`
hands the string to writers that implement `io.StringWriter` with no copy. `[]byte(fmt.Sprintf(...))`
builds a string and then copies it; `fmt.Fprintf` formats straight into the writer (one allocation
and copy fewer, ~50-100 ns).

**Example**
```go
w.Write([]byte("ok\n"))
w.Write([]byte(fmt.Sprintf("user %d\n", id)))
```

**Use instead**
```go
io.WriteString(w, "ok\n")
fmt.Fprintf(w, "user %d\n", id)
```

**Known limits**
The writer's type must be known from its declaration. Hashes (`hash.Hash`, `sha256.New()`) are not
flagged: they do not implement `io.StringWriter`, so `io.WriteString` copies anyway, and a concrete
hash's `Write` does not let the bytes escape. From Go 1.22 the compiler converts `[]byte(s)` without
copying when the callee neither keeps nor mutates the bytes (as `bytes.Buffer.Write` and
`strings.Builder.Write` do), so in-memory buffers are flagged only for older modules, and never for a
string constant of up to 32 bytes (`buf.Write([]byte("\\n"))`): a conversion for a parameter that does
not escape is copied into a stack buffer of that size, with no allocation, in every Go version. Other writers
(`net.Conn`, custom types) are not flagged: without `WriteString` nothing is saved; nor are
`WriteString` methods (adapters that callers use only when the writer lacks `WriteString`).
`WriteString(fmt.Sprintf(...))` is flagged only on writers known to implement `io.Writer`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import Types, callee_in, import_name
from analyzers.source import Call, Func, strip_parens, text
from analyzers.typeinfer import infer_type

# Writers with their own WriteString method (the fix calls it directly).
STRING_WRITERS = frozenset({"*bufio.Writer", "*os.File"})
# In-memory buffers whose Write neither keeps nor mutates p: zero-copy conversion from Go 1.22.
BUFFERS = frozenset({"*bytes.Buffer", "bytes.Buffer", "*strings.Builder", "strings.Builder"})
# Interfaces whose common implementations implement io.StringWriter.
INTERFACES = frozenset({"io.Writer", "http.ResponseWriter", "io.ReadWriter", "io.WriteCloser", "io.ReadWriteCloser"})
_FORMATTERS = {"Sprintf": "Fprintf", "Sprint": "Fprint", "Sprintln": "Fprintln"}


@rule("write-string-conversion", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any("Write", "WriteString"):
        return
    types: Types | None = None
    for func in pkg.funcs:
        if func.name == "WriteString":
            continue  # an io.StringWriter adapter: its callers already tried WriteString
        for call in func.calls_named("Write"):
            arg = _byte_conversion(call)
            if arg is None:
                continue
            writer = call.node.child_by_field_name("function")
            writer = writer.child_by_field_name("operand") if writer is not None else None
            if writer is None:
                continue
            types = types or Types.of(pkg)
            wtype = types.type(writer, func)
            inner = strip_parens(arg)
            if inner is not None and inner.type == "call_expression":
                hit = _formatted(func, call, inner, wtype)
                if hit is not None:
                    yield hit
                    continue
            if not types.is_string(arg, func):
                continue
            hit = _plain(pkg, func, call, arg, wtype)
            if hit is not None:
                yield hit
        for call in func.calls_named("WriteString"):
            types = types or Types.of(pkg)
            hit = _write_string_formatted(func, call, types)
            if hit is not None:
                yield hit


def _write_string_formatted(func: Func, call: Call, types: Types) -> Hit | None:
    """`w.WriteString(fmt.Sprintf(...))` on a known writer, or `io.WriteString(w, fmt.Sprintf(...))`."""
    if callee_in(func, call.recv, "io"):
        if len(call.args) != 2:
            return None
        w, inner = text(call.args[0]), strip_parens(call.args[1])
    else:
        fn = call.node.child_by_field_name("function")
        operand = fn.child_by_field_name("operand") if fn is not None else None
        if len(call.args) != 1 or operand is None:
            return None
        wtype = types.type(operand, func)
        if wtype not in STRING_WRITERS and wtype not in BUFFERS:
            return None  # an unknown WriteString method: its type may not be an io.Writer
        w = call.recv if wtype.startswith("*") else "&" + call.recv
        inner = strip_parens(call.args[0])
    if inner is None or inner.type != "call_expression":
        return None
    found = _fmt_call(func, inner)
    if found is None:
        return None
    pkg_name, name, rest = found
    if not rest or "..." in rest:
        return None
    fix = f"{pkg_name}.{_FORMATTERS[name]}({w}, {rest})"
    return Hit(func, call.node, f"{pkg_name}.{name}(...) builds a string only to copy it into the writer (an extra "
               f"allocation); use {pkg_name}.{_FORMATTERS[name]}({w}, ...)", suggestion=fix)


def _byte_conversion(call: Call) -> Node | None:
    """The operand of `[]byte(x)` when it is the call's only argument."""
    if len(call.args) != 1 or not call.recv:
        return None
    conv = strip_parens(call.args[0])
    if conv is None or conv.type != "type_conversion_expression":
        return None
    if text(conv.child_by_field_name("type")) not in ("[]byte", "[]uint8"):
        return None
    return conv.child_by_field_name("operand")


def _fmt_call(func: Func, inner: Node) -> tuple[str, str, str] | None:
    """(package name, Sprintf/Sprint/Sprintln, argument text) when inner calls one of fmt's formatters."""
    fn = inner.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return None
    pkg_name = text(fn.child_by_field_name("operand"))
    name = text(fn.child_by_field_name("field"))
    if name not in _FORMATTERS or not callee_in(func, pkg_name, "fmt"):
        return None
    args = inner.child_by_field_name("arguments")
    rest = ", ".join(text(a) for a in args.named_children if a.type != "comment") if args is not None else ""
    return pkg_name, name, rest


def _formatted(func: Func, call: Call, inner: Node, wtype: str) -> Hit | None:
    found = _fmt_call(func, inner)
    if found is None:
        return None
    pkg_name, name, rest = found
    fix = f"{pkg_name}.{_FORMATTERS[name]}({call.recv}, {rest})" if rest else None
    known = wtype in STRING_WRITERS or wtype in BUFFERS or wtype in INTERFACES
    return Hit(
        func,
        call.node,
        f"[]byte({pkg_name}.{name}(...)) builds a string then copies it (an extra allocation); "
        f"use {pkg_name}.{_FORMATTERS[name]}({call.recv}, ...)",
        suggestion=fix if known else None,
    )


def _string_of(arg: Node, func: Func) -> str | None:
    """`b` when arg is `string(b)` and b is known to be a []byte: a round trip back to the same bytes."""
    node = strip_parens(arg)
    if node is None or node.type != "call_expression" or text(node.child_by_field_name("function")) != "string":
        return None
    args = node.child_by_field_name("arguments")
    if args is None or args.named_child_count != 1:
        return None
    inner = args.named_children[0]
    return text(inner) if infer_type(inner, func) == "[]byte" else None


def _short_constant(arg: Node) -> bool:
    node = strip_parens(arg)
    if node is None or node.type not in ("interpreted_string_literal", "raw_string_literal"):
        return False
    try:
        value = ast.literal_eval(text(node)) if node.type == "interpreted_string_literal" else text(node)[1:-1]
    except (ValueError, SyntaxError):
        return False
    return len(str(value).encode()) <= 32


def _plain(pkg: Package, func: Func, call: Call, arg: Node, wtype: str) -> Hit | None:
    w, s = call.recv, text(arg)
    round_trip = _string_of(arg, func)
    if round_trip is not None and wtype in STRING_WRITERS | BUFFERS | INTERFACES:
        # []byte(string(b)): two copies to get back the bytes we started with.
        return Hit(
            func,
            call.node,
            f"[]byte(string({round_trip})) copies {round_trip} twice to get the same bytes back; "
            f"use {w}.Write({round_trip})",
            suggestion=f"{w}.Write({round_trip})",
        )
    if wtype in BUFFERS and _short_constant(arg):
        return None  # a constant of <= 32 bytes for a parameter that does not escape: a stack copy
    if wtype in STRING_WRITERS or (wtype in BUFFERS and not pkg.go_at_least(22)):
        fix: str | None = f"{w}.WriteString({s})"
    elif wtype in INTERFACES:
        io_name = import_name(func, "io")
        fix = f"{io_name}.WriteString({w}, {s})" if io_name else None
    else:
        return None
    shown = s if len(s) <= 32 else "s"
    if wtype in STRING_WRITERS | BUFFERS:
        advice = f"{w}.WriteString({shown})"
    else:
        advice = f"io.WriteString({w}, {shown}) (no copy when {w} implements io.StringWriter)"
    return Hit(
        func,
        call.node,
        f"[]byte({shown}) copies the string to the heap (an allocation per call); use {advice}",
        suggestion=fix,
    )
