"""sprintf-simple

**What it does**
Flags `fmt.Sprintf` and `fmt.Sprint` calls that only stringify one string, integer or bool, or only
join strings: `fmt.Sprintf("%d", n)`, `fmt.Sprintf("%s", s)`, `fmt.Sprint(n)`, `fmt.Sprintf("%s:%s", a, b)`,
`fmt.Sprintf("user-%d", id)`, `fmt.Sprintf("%t", ok)`, and hex encodings `fmt.Sprintf("%x", b)` of a
`[]byte` (use `hex.EncodeToString(b)`) or of an unsigned integer (`strconv.FormatUint(x, 16)`).

**Why is this bad?**
`fmt` parses the format at run time, boxes every operand in an interface (an allocation for most
values) and formats through reflection-like type switches: ~80-200 ns and 1-3 allocations per call
(estimate). `strconv.Itoa` is ~10-25 ns with at most one allocation, and `a + ":" + b` is one
allocation of the exact size (~20-40 ns).

**Example**
```go
key := fmt.Sprintf("%s:%s", tenant, name)
id := fmt.Sprintf("%d", n)
```

**Use instead**
```go
key := tenant + ":" + name
id := strconv.Itoa(n)
```

**Known limits**
Operands must be known to be exactly `string`, `bool`, `[]byte` or a sized or plain integer type
from their declaration (named types may have a `String` method, and mixing named and plain strings
in `+` does not compile). Formats with other verbs, flags, widths, `%q`, `%X`, `%T`, `%%`, `%x` of a
signed integer, an array or a string, or an `error` operand (`err.Error()` panics on nil where fmt
prints `<nil>`) are not flagged. At most two integer verbs may be mixed with `%s`/`%v` verbs. A named
type of the package whose underlying type is a string, integer or bool and that has no `String`,
`Error` or `Format` method is converted (`string(v)`). Outside loops, a function that also makes a
network, database, file or process call, or builds an HTTP request, is left alone: the URL, query or
path the `Sprintf` builds costs ~0.01% of that call. Nor is a `Sprintf` handed to a path join
(`filepath.Join`, `path.Join`, `url.JoinPath`, a package's own `pathJoin`), in a loop or not, directly
or through a variable used only there: the path names a file or URL for the I/O that follows, which
costs a hundred times the formatting. The engine
lowers the finding to info in cold code, where
`fmt` reads better and costs nothing that matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import Types, callee_in, import_name
from analyzers.rules._concurrency import call_blocks
from analyzers.source import Call, Func, descendants, strip_parens, text

_VERB = re.compile(r"%[^a-zA-Z%]*[a-zA-Z%]")
# Integer types and their strconv formatting, with "{}" for the operand.
_MAX_OPERANDS = 3
_MAX_LITERAL = 16
# Calls whose own formatting or rarity makes the inner Sprintf not worth changing.
_REPORTERS = frozenset({"panic", "New", "Errorf", "Print", "Printf", "Println", "Fatal", "Fatalf", "Panic",
                        "Panicf", "Error", "Warn", "Warnf", "Warning", "Info", "Infof", "Debug", "Debugf",
                        "Log", "Logf", "Skip", "Skipf"})
_INT_FORMAT = {"int": "{s}.Itoa({x})", "int64": "{s}.FormatInt({x}, 10)", "uint64": "{s}.FormatUint({x}, 10)"}
_INT_FORMAT.update({t: "{s}.FormatInt(int64({x}), 10)" for t in ("int8", "int16", "int32", "rune")})
_INT_FORMAT.update({t: "{s}.FormatUint(uint64({x}), 10)" for t in ("uint", "uint8", "uint16", "uint32", "byte")})
# %x of an unsigned integer: the same digits as strconv in base 16.
_HEX_FORMAT = {t: f.replace(", 10)", ", 16)") for t, f in _INT_FORMAT.items() if f.startswith("{s}.FormatUint")}
_HEX_IMPORT = "encoding/hex"


@rule("sprintf-simple", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any("Sprintf", "Sprint"):
        return
    types: Types | None = None
    for func in pkg.funcs:
        calls = func.calls_named("Sprintf", "Sprint")
        if not calls:
            continue
        beside_io = _beside_io(pkg, func)
        for call in calls:
            if beside_io and not call.all_loops:
                continue  # a URL, query or path built once for the I/O the function makes
            if not call.args or not callee_in(func, call.recv, "fmt") or _reporting(call.node) \
                    or _builds_path(call.node) or _named_path_part(call.node, func):
                continue
            if any(a.type == "variadic_argument" for a in call.args):
                continue
            types = types or Types.of(pkg)
            replacement = _sprint(call, func, types) if call.name == "Sprint" else _sprintf(call, func, types)
            if replacement is None:
                continue
            fix, needs_strconv = replacement
            strconv_name = import_name(func, "strconv")
            hex_name = import_name(func, _HEX_IMPORT) if "{h}" in fix else "hex"
            missing = [p for p, n in (("strconv", needs_strconv and strconv_name is None),
                                      (_HEX_IMPORT, hex_name is None)) if n]
            if missing:
                yield Hit(func, call.node, f"fmt.{call.name} boxes and formats at run time (~100 ns, allocations); "
                          f"use {fix.format(s='strconv', h='hex')} (import {', '.join(missing)})")
                continue
            fix = fix.format(s=strconv_name or "strconv", h=hex_name)
            yield Hit(func, call.node, f"fmt.{call.name} boxes and formats at run time (~100 ns, allocations); "
                      f"use {fix}", suggestion=fix)


def _sprint(call: Call, func: Func, types: Types) -> tuple[str, bool] | None:
    if len(call.args) != 1:
        return None
    return _single(call.args[0], "%v", func, types)


def _single(arg: Node, verb: str, func: Func, types: Types) -> tuple[str, bool] | None:
    t = types.type(arg, func)
    x = text(arg)
    under = _plain_named(t, types)
    if under:  # `type Verb string` without a String method: fmt prints the underlying value
        t, x = under, f"{under}({x})"
    if t == "string" and verb in ("%s", "%v"):
        return _escape(x), False
    if t in _INT_FORMAT and verb in ("%d", "%v"):
        return _INT_FORMAT[t].replace("{x}", _escape(x)), True
    if t in _HEX_FORMAT and verb == "%x":
        return _HEX_FORMAT[t].replace("{x}", _escape(x)), True
    if t == "bool" and verb in ("%t", "%v"):
        return "{s}.FormatBool(" + _escape(x) + ")", True
    if t in ("[]byte", "[]uint8") and verb == "%x":
        return "{h}.EncodeToString(" + _escape(x) + ")", False
    return None


def _sprintf(call: Call, func: Func, types: Types) -> tuple[str, bool] | None:
    fmt_node = strip_parens(call.args[0])
    if fmt_node is None or fmt_node.type not in ("interpreted_string_literal", "raw_string_literal"):
        return None
    raw = text(fmt_node)
    quote, body = raw[0], raw[1:-1]
    verbs = _VERB.findall(body)
    operands = call.args[1:]
    if len(verbs) != len(operands) or not verbs:
        return None
    if len(verbs) == 1 and body == verbs[0]:
        return _single(operands[0], verbs[0], func, types)
    if any(v not in ("%s", "%d", "%v") for v in verbs) or verbs.count("%d") > 2 or len(verbs) > _MAX_OPERANDS:
        return None
    literals = _VERB.split(body)
    if sum(len(lit) for lit in literals) > _MAX_LITERAL:
        return None  # a sentence: a message built for people, where fmt reads better
    parts: list[str] = []
    needs_strconv = False
    for i, operand in enumerate(operands):
        if literals[i]:
            parts.append(_escape(quote + literals[i] + quote))
        single = _single(operand, verbs[i], func, types)
        if single is None:
            return None
        parts.append(single[0])
        needs_strconv = needs_strconv or single[1]
    if literals[-1]:
        parts.append(_escape(quote + literals[-1] + quote))
    return " + ".join(parts), needs_strconv


def _plain_named(t: str, types: Types) -> str:
    """The underlying basic type of a package's named type that has no String or Error method."""
    under = types.pkg.type_defs.get(t, "")
    if under != "string" and under not in _INT_FORMAT and under != "bool":
        return ""
    if any(f.receiver == t and f.name in ("String", "Error", "Format") for f in types.pkg.funcs):
        return ""
    return under


def _beside_io(pkg: Package, func: Func) -> bool:
    """A function that also makes a network, database, file or process call (or builds an HTTP
    request): the Sprintf that builds its URL, query or path costs ~0.01% of that call."""
    top = func
    while top.parent is not None:
        top = top.parent
    for f in (top, *top.closures):
        for c in f.calls:
            if c.name in ("NewRequest", "NewRequestWithContext") or call_blocks(pkg, f, c):
                return True
    return False


def _outer_callee(call: Node) -> Node | None:
    """The function of the call this call is an argument of (`log.Printf` in `log.Printf("%s",
    fmt.Sprintf(...))`), or None."""
    args = call.parent
    outer = args.parent if args is not None and args.type == "argument_list" else None
    if outer is None or outer.type != "call_expression":
        return None
    return outer.child_by_field_name("function")


def _reporting(call: Node) -> bool:
    """True when the call is an argument of panic, errors.New, a logger or a test report."""
    fn = _outer_callee(call)
    if fn is not None and fn.type == "selector_expression":
        fn = fn.child_by_field_name("field")
    return fn is not None and text(fn) in _REPORTERS


_PATH_JOIN = re.compile(r"(?i)path\w*join|join\w*path|^(filepath|path)\.Join$")


def _builds_path(call: Node) -> bool:
    """True when the call is an argument of a path join (`filepath.Join(dir, fmt.Sprintf("part.%d", n))`,
    `path.Join`, `url.JoinPath`, a package's own `pathJoin`): the path names a file or URL for the I/O
    that follows, which costs a hundred times the formatting."""
    fn = _outer_callee(call)
    return fn is not None and _PATH_JOIN.search(text(fn)) is not None


def _named_path_part(call: Node, func: Func) -> bool:
    """`endpoint := fmt.Sprintf("/api/%v/alerts", v); return path.Join("/", pre, endpoint)`: the formatted
    value goes, under a name, only into path joins (prometheus' notifier postPath)."""
    parent = call.parent
    if parent is not None and parent.type == "expression_list":
        parent = parent.parent
    if parent is None or parent.type not in ("short_var_declaration", "var_spec"):
        return False
    left = parent.child_by_field_name("left") or parent.child_by_field_name("name")
    name = text(left).strip() if left is not None else ""
    if not name.isidentifier():
        return False
    body = func.body
    after = parent.end_byte
    uses = [n for n in descendants(body) if n.type == "identifier" and n.start_byte > after and text(n) == name] \
        if body is not None else []
    return bool(uses) and all(
        n.parent is not None and n.parent.type == "argument_list" and (fn := _outer_callee(n)) is not None
        and _PATH_JOIN.search(text(fn)) is not None for n in uses)


def _escape(s: str) -> str:
    """Protect braces from str.format (the strconv package name is filled in later)."""
    return s.replace("{", "{{").replace("}", "}}")
