"""bytes-string-conversion

**What it does**
Flags a conversion made only to call the other package's twin function:
`strings.Contains(string(b), "x")` where `b` is a `[]byte` (use `bytes.Contains(b, []byte("x"))`),
and `bytes.HasPrefix([]byte(s), ...)` where `s` is a string (use `strings.HasPrefix(s, ...)`); and
the same for a `*regexp.Regexp`: `re.MatchString(string(b))` (use `re.Match(b)`),
`re.Match([]byte(s))` (use `re.MatchString(s)`), and the `FindIndex`/`FindSubmatchIndex` families.

**Why is this bad?**
`string(b)` and `[]byte(s)` copy every byte, and allocate on the heap when longer than 32 bytes
(estimate: ~20-40 ns plus ~0.1-0.3 ns per byte, one allocation), only to run a search that the other
package performs in place on the original value.

**Example**
```go
if strings.HasPrefix(string(line), "#") {
    continue
}
```

**Use instead**
```go
if bytes.HasPrefix(line, []byte("#")) {
    continue
}
```

**Known limits**
Only functions that return a bool or an int (`Contains`, `HasPrefix`, `Index`, `Count`,
`EqualFold`, ...) are flagged: twins that return a string or a slice change the result's type.
`strings.EqualFold(string(b), s)` with a string variable `s` is not flagged: the twin would copy `s`
instead, of about the same length. From Go 1.22 `bytes.HasPrefix([]byte(s), ...)` (and `HasSuffix`,
`EqualFold`, `LastIndex`, `LastIndexByte`, `LastIndexAny`) no longer copies `s` (the compiler proves
the bytes are only read), so those are flagged only for older modules.
Comparisons (`string(b) == "x"`), map lookups (`m[string(b)]`) and `switch string(b)` are not
flagged: the compiler does not allocate for those. The converted value must be known to be a
`[]byte` (or a string) from its declaration; `string(r)` of a rune is a different conversion.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_a import Types, callee_in, import_name
from analyzers.rules._util import is_string_literal
from analyzers.source import Call, Func, strip_parens, text

TWINS = frozenset({
    "Contains", "ContainsAny", "ContainsRune", "HasPrefix", "HasSuffix", "Index", "IndexAny", "IndexByte",
    "IndexRune", "LastIndex", "LastIndexAny", "LastIndexByte", "Count", "EqualFold",
})
# Arguments after the first that are strings in package strings (and []byte in package bytes).
_TEXT_ARGS = frozenset({"Contains", "HasPrefix", "HasSuffix", "Index", "LastIndex", "Count", "EqualFold"})
# bytes functions written in Go that neither keep nor modify their input: from Go 1.22 the compiler
# passes []byte(s) to them without copying (those backed by assembly still get a copy).
_ZERO_COPY = frozenset({"HasPrefix", "HasSuffix", "EqualFold", "LastIndex", "LastIndexByte", "LastIndexAny"})


# Searches of a long text for a short needle: converting the needle instead is still a saving.
_SEARCHES = _TEXT_ARGS - {"EqualFold"}
# *regexp.Regexp methods taking []byte, and their string twins with the same result type.
_REGEXP_TWINS = {"Match": "MatchString", "FindIndex": "FindStringIndex", "FindAllIndex": "FindAllStringIndex",
                 "FindSubmatchIndex": "FindStringSubmatchIndex",
                 "FindAllSubmatchIndex": "FindAllStringSubmatchIndex"}
_REGEXP_TWINS.update({v: k for k, v in list(_REGEXP_TWINS.items())})
_REGEXP_TYPES = frozenset({"*regexp.Regexp", "regexp.Regexp"})
_BYTE_TYPES = ("[]byte", "[]uint8")


@rule("bytes-string-conversion", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*TWINS, *_REGEXP_TWINS):
        return
    types: Types | None = None
    for func in pkg.funcs:
        for call in func.calls_named(*TWINS):
            if len(call.args) != 2:
                continue
            from_strings = callee_in(func, call.recv, "strings")
            if not from_strings and not callee_in(func, call.recv, "bytes"):
                continue
            types = types or Types.of(pkg)
            if not from_strings and call.name in _ZERO_COPY and pkg.go_at_least(22):
                continue
            hit = _strings_of_bytes(func, call, types) if from_strings else _bytes_of_string(func, call, types)
            if hit is not None:
                yield hit
        for call in func.calls_named(*_REGEXP_TWINS):
            if call.args and call.recv and not func.file.imports.get(call.recv):
                types = types or Types.of(pkg)
                hit = _regexp_twin(func, call, types)
                if hit is not None:
                    yield hit


def _regexp_twin(func: Func, call: Call, types: Types) -> Hit | None:
    """re.Match([]byte(s)) with s a string, or re.MatchString(string(b)) with b a []byte (and the
    FindIndex family): the regexp has a method for the original type with the same result."""
    fn = call.node.child_by_field_name("function")
    operand = fn.child_by_field_name("operand") if fn is not None else None
    if types.type(operand, func) not in _REGEXP_TYPES:
        return None
    first = strip_parens(call.args[0])
    if first is None:
        return None
    twin = _REGEXP_TWINS[call.name]
    rest = "".join(", " + text(a) for a in call.args[1:])
    if "String" in call.name:
        if first.type != "call_expression" or text(first.child_by_field_name("function")) != "string":
            return None
        args = first.child_by_field_name("arguments")
        if args is None or args.named_child_count != 1 or types.type(args.named_children[0], func) != "[]byte":
            return None
        b = text(args.named_children[0])
        fix = f"{call.recv}.{twin}({b}{rest})"
        return Hit(func, call.node, f"string({b}) copies the bytes (an allocation when over 32 bytes) just to match "
                   f"them; use {fix}", suggestion=fix)
    if first.type != "type_conversion_expression" or text(first.child_by_field_name("type")) not in _BYTE_TYPES:
        return None
    inner = first.child_by_field_name("operand")
    if inner is None or not types.is_string(inner, func):
        return None
    fix = f"{call.recv}.{twin}({text(inner)}{rest})"
    return Hit(func, call.node, f"[]byte({text(inner)}) copies the string (an allocation when over 32 bytes) just "
               f"to match it; use {fix}", suggestion=fix)


def _strings_of_bytes(func: Func, call: Call, types: Types) -> Hit | None:
    """strings.F(string(b), x) with b a []byte."""
    first = strip_parens(call.args[0])
    if first is None or first.type != "call_expression" or text(first.child_by_field_name("function")) != "string":
        return None
    args = first.child_by_field_name("arguments")
    if args is None or args.named_child_count != 1 or types.type(args.named_children[0], func) != "[]byte":
        return None
    b = text(args.named_children[0])
    other = _other_arg(call, to_bytes=True, func=func, types=types)
    if other is None:
        return None  # EqualFold with a string variable: the twin would copy that string instead
    bytes_name = import_name(func, "bytes")
    fix = f"{bytes_name}.{call.name}({b}, {other})" if other and bytes_name else None
    shown = fix or f"bytes.{call.name}({b}, ...)"
    return Hit(func, call.node, f"string({b}) copies the bytes (an allocation when over 32 bytes) just to search "
               f"them; use {shown}", suggestion=fix)


def _bytes_of_string(func: Func, call: Call, types: Types) -> Hit | None:
    """bytes.F([]byte(s), x) with s a string."""
    first = strip_parens(call.args[0])
    if first is None or first.type != "type_conversion_expression":
        return None
    if text(first.child_by_field_name("type")) not in ("[]byte", "[]uint8"):
        return None
    operand = first.child_by_field_name("operand")
    if operand is None or not types.is_string(operand, func):
        return None
    s = text(operand)
    other = _other_arg(call, to_bytes=False, func=func, types=types)
    strings_name = import_name(func, "strings")
    fix = f"{strings_name}.{call.name}({s}, {other})" if other is not None and strings_name else None
    shown = fix or f"strings.{call.name}({s}, ...)"
    return Hit(func, call.node, f"[]byte({s}) copies the string (an allocation when over 32 bytes) just to search "
               f"it; use {shown}", suggestion=fix)


def _other_arg(call: Call, to_bytes: bool, func: Func, types: Types) -> str | None:
    """The second argument rewritten for the twin package when that is mechanical; "" when it is
    not but the change still saves work, None when it would not."""
    arg = strip_parens(call.args[1])
    if arg is None:
        return None
    if call.name not in _TEXT_ARGS:
        return text(arg)  # a byte or rune: the same in both packages
    if to_bytes:
        if is_string_literal(arg):
            return f"[]byte({text(arg)})"
        return "" if call.name in _SEARCHES else None
    if arg.type == "type_conversion_expression" and text(arg.child_by_field_name("type")) in ("[]byte", "[]uint8"):
        inner = arg.child_by_field_name("operand")
        return text(inner) if inner is not None and types.is_string(inner, func) else None
    return None
