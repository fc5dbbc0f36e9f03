"""make-in-loop

**What it does**
Flags a scratch buffer (`make([]byte, n)`, `make([]T, 0, n)`, `new(bytes.Buffer)`, `&bytes.Buffer{}`,
`var buf bytes.Buffer`) allocated on every iteration of a loop when the value never outlives the
iteration: it is only indexed, sliced, copied, read into, written out or converted to a string.

**Why is this bad?**
Each iteration pays a heap allocation plus zeroing of the whole buffer, and the garbage collector
reclaims it again (estimate: ~30 ns + ~0.25 ns per byte per iteration; a 32 KiB buffer read in a loop
of 100,000 iterations allocates 3.2 GB). Hoisted out of the loop, one buffer serves every iteration.

**Example**
```go
for _, path := range paths {
    buf := make([]byte, 32*1024)
    n, err := io.ReadFull(open(path), buf)
    ...
}
```

**Use instead**
```go
buf := make([]byte, 32*1024)
for _, path := range paths {
    n, err := io.ReadFull(open(path), buf)
    ...
}
// bytes.Buffer: declare it before the loop and call buf.Reset() at the top of each iteration.
```

**Known limits**
The value must provably stay inside the iteration: passing it to a function the rule does not know,
storing it, returning it, sending it or capturing it in a closure all count as escaping and are not
flagged. A constant-size slice that is only used locally (indexing, `copy`, `binary.BigEndian.Put*`)
is not flagged, since the compiler keeps it on the stack. Loops with a literal bound of eight
iterations or fewer are not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import hot_loops, identifiers, leaves_loop
from analyzers.source import FIELD, Func, Site, strip_parens, text


@rule("make-in-loop", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        for kind in ("short_var_declaration", "var_declaration"):
            for site in func.sites(kind):
                if not site.loops:
                    continue
                found = _allocation(site)
                if found is None or not hot_loops(site.loops) or leaves_loop(site.node, site.loops):
                    continue
                name, node, what = found
                verdict = classify_uses(func, name, site.node)
                if verdict is None:
                    continue
                if what == "slice" and not verdict.sink and _constant_size(func, pkg, node):
                    continue  # stays on the stack
                yield Hit(func, node, _message(name, node, what))


def _allocation(site: Site) -> tuple[str, Node, str] | None:
    """(name, flagged node, "slice"/"buffer") for `name := <scratch allocation>`."""
    node = site.node
    if node.type == "short_var_declaration":
        left, right = node.child_by_field_id(FIELD.left), node.child_by_field_id(FIELD.right)
        if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
            return None
        ident, value = left.named_children[0], strip_parens(right.named_children[0])
        what = _scratch(value)
        return (text(ident), value, what) if what and value is not None else None
    specs = [c for c in node.named_children if c.type == "var_spec"]
    if len(specs) != 1:
        return None
    spec = specs[0]
    names = spec.children_by_field_name("name")
    if len(names) != 1:
        return None
    values = spec.child_by_field_id(FIELD.value)
    typ = text(spec.child_by_field_id(FIELD.type))
    if values is None:
        return (text(names[0]), spec, "buffer") if typ in BUFFER_TYPES else None
    if values.named_child_count != 1:
        return None
    value = strip_parens(values.named_children[0])
    what = _scratch(value)
    return (text(names[0]), value, what) if what and value is not None else None


def _scratch(value: Node | None) -> str:
    if value is None:
        return ""
    if value.type == "call_expression":
        fn = text(value.child_by_field_id(FIELD.function))
        args = value.child_by_field_id(FIELD.arguments)
        first = args.named_children[0] if args is not None and args.named_child_count else None
        if fn == "make" and first is not None and first.type == "slice_type" and args is not None \
                and args.named_child_count >= 2:
            return "slice"
        if fn == "new" and first is not None and text(first) in BUFFER_TYPES:
            return "buffer"
        if fn == "bytes.NewBuffer" and first is not None and (
            text(first) == "nil" or (first.type == "call_expression" and text(first).startswith("make("))
        ):
            return "buffer"
        return ""
    if value.type == "unary_expression" and text(value.child_by_field_id(FIELD.operator)) == "&":
        value = strip_parens(value.child_by_field_id(FIELD.operand))
    if value is not None and value.type == "composite_literal":
        body = value.child_by_field_id(FIELD.body)
        if text(value.child_by_field_id(FIELD.type)) in BUFFER_TYPES and body is not None \
                and body.named_child_count == 0:
            return "buffer"
    return ""


def _constant_size(func: Func, pkg: Package, make: Node) -> bool:
    """Every size argument is built from literals and names that are neither locals nor package
    variables (constants, as far as syntax shows)."""
    if make.type != "call_expression":
        return False
    args = make.child_by_field_id(FIELD.arguments)
    if args is None:
        return False
    sizes = args.named_children[1:]
    for arg in sizes[-1:]:  # the capacity when given, else the length, fixes the allocation size
        if any(n.type == "call_expression" for n in [arg, *arg.named_children]):
            return False
        for name in identifiers(arg):
            if func.lookup(name, make) is not None or name in pkg.vars:
                return False
    return True


def _message(name: str, node: Node, what: str) -> str:
    if what == "buffer":
        return (f"{name} is a new bytes.Buffer on every iteration; declare it once before the loop "
                f"and call {name}.Reset() at the top of each iteration")
    alloc = text(node) if len(text(node)) <= 40 else "make(...)"
    return (f"{alloc} allocates on every iteration but does not outlive it; allocate {name} once "
            f"before the loop and reuse it ({name} = {name}[:0] or re-slice)")


# ---------------------------------------------------------------- does a scratch value escape?

BUFFER_TYPES = frozenset({"bytes.Buffer"})
# Calls that read or write through a slice without keeping it; "sink" ones hide it from escape
# analysis (interfaces, I/O), so a constant-size make passed to them is heap-allocated anyway.
_LOCAL_CALLS = frozenset({"copy", "len", "cap", "string", "clear", "bytes.Equal", "bytes.Compare",
                          "bytes.HasPrefix", "bytes.HasSuffix", "bytes.Contains", "bytes.Index",
                          "bytes.IndexByte", "bytes.Count", "utf8.Valid", "utf8.DecodeRune",
                          "utf8.EncodeRune", "utf8.RuneCount", "hex.Encode", "hex.Decode",
                          "hex.EncodeToString", "sha256.Sum256", "sha1.Sum", "md5.Sum", "sha512.Sum512",
                          "crc32.ChecksumIEEE", "crc32.Checksum", "strconv.Itoa", "strings.NewReader"})
_SINK_FUNCS = frozenset({"io.ReadFull", "io.ReadAtLeast", "io.Copy", "io.CopyN", "io.CopyBuffer",
                         "io.WriteString", "fmt.Fprintf", "fmt.Fprint", "fmt.Fprintln", "binary.Read",
                         "binary.Write", "json.Unmarshal", "os.WriteFile"})
_SINK_METHODS = frozenset({"Read", "Write", "ReadAt", "WriteAt", "ReadFull", "WriteTo", "ReadFrom",
                           "Encode", "Decode", "Execute", "ExecuteTemplate", "Sum", "ReadFromUDP",
                           "WriteToUDP", "ReadMsgUDP", "Scan"})
# Methods of bytes.Buffer returning a view of its memory: their result is the buffer again.
_ALIAS_METHODS = frozenset({"Bytes", "Next", "AvailableBuffer"})
# Wrappers whose result holds the argument: the result is the buffer again (and is an interface user).
_WRAPPERS = frozenset({"json.NewEncoder", "json.NewDecoder", "bufio.NewWriter", "bufio.NewReader",
                       "bufio.NewScanner", "bufio.NewWriterSize", "bufio.NewReaderSize", "gob.NewEncoder",
                       "gob.NewDecoder", "csv.NewWriter", "csv.NewReader", "bytes.NewReader"})
# Results that are the first argument again (appended to, or a view of it).
_ALIAS_FIRST = frozenset({"append", "strconv.AppendInt", "strconv.AppendUint", "strconv.AppendQuote",
                          "strconv.AppendFloat", "strconv.AppendBool", "binary.BigEndian.AppendUint16",
                          "binary.BigEndian.AppendUint32", "binary.BigEndian.AppendUint64",
                          "binary.LittleEndian.AppendUint16", "binary.LittleEndian.AppendUint32",
                          "binary.LittleEndian.AppendUint64", "utf8.AppendRune", "hex.AppendEncode"})


class Uses:
    """Every use of a scratch value stays in the iteration; sink: one hides it from escape analysis."""

    def __init__(self) -> None:
        self.sink = False


def classify_uses(func: Func, name: str, decl: Node) -> Uses | None:
    """How `name`, declared by the statement `decl`, is used in the rest of its block; None when a
    use may let it outlive the iteration."""
    parent = decl.parent
    if parent is None:
        return None
    siblings = parent.named_children
    uses = Uses()
    after = False
    for stmt in siblings:
        if stmt == decl:
            after = True
            continue
        if not after:
            continue
        stack = [stmt]
        while stack:
            n = stack.pop()
            if n.type == "func_literal":
                if name in identifiers(n):
                    return None
                continue
            if n.type == "identifier":
                if text(n) == name and not _safe_use(n, name, uses):
                    return None
                continue
            stack.extend(n.named_children)
    return uses


def _safe_use(node: Node, name: str, uses: Uses) -> bool:
    current = node
    for _ in range(16):
        p = current.parent
        if p is None:
            return False
        kind = p.type
        if kind == "parenthesized_expression":
            current = p
            continue
        if kind == "index_expression":
            return p.child_by_field_id(FIELD.operand) == current
        if kind == "slice_expression":
            if p.child_by_field_id(FIELD.operand) != current:
                return True  # used as a bound: an int
            current = p
            continue
        if kind == "unary_expression":
            op = text(p.child_by_field_id(FIELD.operator))
            if op not in ("&", "*"):
                return True
            current = p
            continue
        if kind == "selector_expression":
            call = p.parent
            if call is None or call.type != "call_expression" or call.child_by_field_id(FIELD.function) != p:
                return False  # a field of a scratch slice/buffer: should not happen, be careful
            method = text(p.child_by_field_id(FIELD.field))
            if method in _ALIAS_METHODS:
                current = call
                continue
            return True
        if kind in ("argument_list", "variadic_argument"):
            return _safe_argument(p, current, name, uses)
        if kind == "range_clause":
            return p.child_by_field_id(FIELD.right) == current
        if kind == "binary_expression":
            return True
        if kind == "expression_list":
            return _safe_assignment(p, current, name)
        return kind in ("inc_statement", "dec_statement", "expression_statement")
    return False


def _safe_argument(p: Node, arg: Node, name: str, uses: Uses) -> bool:
    variadic = p.type == "variadic_argument"
    args = p.parent if variadic else p
    call = args.parent if args is not None else None
    if call is None or call.type != "call_expression":
        return False
    callee = text(call.child_by_field_id(FIELD.function))
    first = args.named_children[0] if args is not None and args.named_child_count else None
    is_first = first is not None and first in (arg, p)
    if callee == "append":
        if variadic:
            return True  # append(out, buf...) copies the elements
        if not is_first:
            return False  # append(out, buf) stores the slice itself
    if variadic:
        return False
    if (callee in _ALIAS_FIRST or callee in _WRAPPERS) and is_first:
        uses.sink = uses.sink or callee in _WRAPPERS
        return _safe_use(call, name, uses)
    short = callee.split(".")[-1]
    if callee in _LOCAL_CALLS or callee.startswith(("binary.BigEndian.", "binary.LittleEndian.")):
        return True
    if callee in _SINK_FUNCS or callee.startswith(("base64.", "hex.")) or (
        "." in callee and short in _SINK_METHODS
    ):
        uses.sink = True
        return True
    return False


def _safe_assignment(p: Node, value: Node, name: str) -> bool:
    """`name = name[:n]` and `name = append(name, ...)` keep the value in the same variable;
    `name[i] = v` or `name = other` on the left are fine; anything else copies it elsewhere."""
    stmt = p.parent
    if stmt is None or stmt.type not in ("assignment_statement", "short_var_declaration"):
        return False
    left = stmt.child_by_field_id(FIELD.left)
    right = stmt.child_by_field_id(FIELD.right)
    if left == p:
        return True
    if right != p or left is None:
        return False
    index = [c for c in p.named_children].index(value) if value in p.named_children else -1
    targets = left.named_children
    if len(targets) != len(p.named_children) or index < 0:
        return False
    return stmt.type == "assignment_statement" and text(targets[index]) == name
