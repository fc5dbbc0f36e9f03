"""Helpers for the alloc rules of group B and the complexity rules: expression types with package
facts, names a loop declares, loop-invariant collections, and the statements around a node.

Private to defer-in-loop, make-in-loop, reflection-in-loop, range-value-copy, huge-param,
sync-pool-non-pointer, nested-loop-quadratic, linear-search-in-loop, sort-in-loop, prepend-in-loop.
"""

from __future__ import annotations

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Func, GoFile, Loop, Site, statements, strip_parens, text
from analyzers.typeinfer import element_type, infer_type

SMALL_SET = 8  # a literal collection of this many elements or fewer is cheap to scan


def import_names(gf: GoFile, path: str) -> set[str]:
    """Local names under which gf imports path (empty when the file does not import it)."""
    return {name for name, p in gf.imports.items() if p == path}


def is_pkg_call(gf: GoFile, callee: str, path: str, names: frozenset[str]) -> bool:
    """`json.Marshal` where `json` is this file's name for encoding/json and Marshal is in names."""
    if "." not in callee:
        return False
    qual, _, name = callee.rpartition(".")
    return name in names and qual in import_names(gf, path)


def hot_loops(loops: tuple[Loop, ...]) -> tuple[Loop, ...]:
    """The loops that can run many times (not a literal bound of eight or fewer)."""
    return tuple(lp for lp in loops if not is_small_constant_loop(lp))


def declared_type(pkg: Package, func: Func, name: str, at: Node) -> str:
    f: Func | None = func
    while f is not None:
        d = f.decl(name, at)
        if d is not None:
            return d.type
        f = f.parent
    return pkg.vars.get(name, "")


def is_local(func: Func, name: str, at: Node) -> bool:
    f: Func | None = func
    while f is not None:
        if f.decl(name, at) is not None:
            return True
        f = f.parent
    return False


def resolve_type(pkg: Package, func: Func, node: Node | None) -> str:
    """The type of an expression as far as syntax and package facts show ("" when unknown)."""
    node = strip_parens(node)
    if node is None:
        return ""
    kind = node.type
    if kind == "identifier":
        return declared_type(pkg, func, text(node), node)
    if kind == "selector_expression":
        base = resolve_type(pkg, func, node.child_by_field_name("operand"))
        struct = pkg.struct_of(base)
        fname = text(node.child_by_field_name("field"))
        if struct is not None:
            for n, t in struct.fields:
                if n == fname or (not n and t.lstrip("*").rsplit(".", 1)[-1] == fname):
                    return t
        return ""
    if kind == "type_assertion_expression":
        return text(node.child_by_field_name("type"))
    if kind == "index_expression":
        return element_type(_underlying(pkg, resolve_type(pkg, func, node.child_by_field_name("operand"))))
    if kind == "slice_expression":
        base = _underlying(pkg, resolve_type(pkg, func, node.child_by_field_name("operand"))).lstrip("*")
        if base.startswith("[") and not base.startswith("[]"):
            return "[]" + element_type(base)
        return base
    return infer_type(node, func)


def _underlying(pkg: Package, typ: str) -> str:
    for _ in range(8):
        if typ not in pkg.type_defs:
            break
        typ = pkg.type_defs[typ].strip()
    return typ


def underlying(pkg: Package, typ: str) -> str:
    return _underlying(pkg, typ.strip())


def loop_names(func: Func, loop: Loop) -> set[str]:
    """Names declared inside the loop (its range variables included): they change per iteration."""
    out: set[str] = set()
    for name, decls in func.decls.items():
        for d in decls:
            if any(lp is loop for lp in d.loops):
                out.add(name)
                break
    return out


def identifiers(node: Node) -> list[str]:
    """Every identifier inside node (node itself included), iteratively."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "identifier":
            out.append(text(n))
        elif n.type == "field_identifier":
            continue
        else:
            stack.extend(n.named_children)
    return out


def mentions(node: Node | None, names: set[str]) -> bool:
    return node is not None and bool(names) and any(i in names for i in identifiers(node))


def small_literal(pkg: Package, node: Node | None) -> bool:
    """A composite literal of eight elements or fewer, inline or as a package variable's value."""
    node = strip_parens(node)
    if node is None:
        return False
    if node.type == "identifier" and text(node) in pkg.var_nodes:
        values = pkg.var_nodes[text(node)].child_by_field_name("value")
        node = values.named_children[0] if values is not None and values.named_child_count == 1 else None
        node = strip_parens(node)
    if node is None or node.type != "composite_literal":
        return False
    body = node.child_by_field_name("body")
    return body is not None and body.named_child_count <= SMALL_SET


def statement_of(node: Node) -> Node:
    """The statement that contains node (node itself when it is one)."""
    current = node
    while current.parent is not None and current.parent.type not in ("statement_list", "block"):
        current = current.parent
    return current


def exits_after(node: Node) -> bool:
    """The block holding node's statement ends in `return` or `break`: it runs once, then leaves."""
    stmt = statement_of(node)
    parent = stmt.parent
    if parent is None:
        return False
    block = parent.parent if parent.type == "statement_list" else parent
    stmts = statements(block)
    return bool(stmts) and stmts[-1].type in ("return_statement", "break_statement")


def site_loops(site: Site) -> tuple[Loop, ...]:
    return hot_loops(site.loops)


def root_name(node: Node | None) -> str:
    """`s.items` -> "s", `xs` -> "xs", `(*p).x` -> "p": the variable an lvalue belongs to."""
    node = strip_parens(node)
    while node is not None and node.type in ("selector_expression", "index_expression", "unary_expression",
                                             "parenthesized_expression", "slice_expression"):
        field = "operand"
        node = strip_parens(node.child_by_field_name(field))
    return text(node) if node is not None and node.type == "identifier" else ""


def leaves_loop(node: Node, loops: tuple[Loop, ...]) -> bool:
    """After the defer, the iteration reaches a `return` (or a `break` out of the only loop) before
    the loop body ends: the defer runs at most once per call."""
    body = loops[-1].body
    current: Node | None = node
    while current is not None and current != body:
        if current.type in ("statement_list", "block") and current.named_child_count:
            block = current.parent if current.type == "statement_list" else current
            stmts = statements(block)
            if stmts and stmts[-1].type == "return_statement":
                return True
            if stmts and stmts[-1].type == "break_statement":
                return _breaks_out(stmts[-1], loops)
        current = current.parent
    return False


def _breaks_out(brk: Node, loops: tuple[Loop, ...]) -> bool:
    """A plain break that leaves the only loop: no label, no switch or select in between."""
    if len(loops) != 1 or brk.named_child_count:
        return False
    current = brk.parent
    while current is not None and current != loops[0].node:
        if current.type in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            return False
        current = current.parent
    return current is not None


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
            return p.child_by_field_name("operand") == current
        if kind == "slice_expression":
            if p.child_by_field_name("operand") != current:
                return True  # used as a bound: an int
            current = p
            continue
        if kind == "unary_expression":
            op = text(p.child_by_field_name("operator"))
            if op not in ("&", "*"):
                return True
            current = p
            continue
        if kind == "selector_expression":
            call = p.parent
            if call is None or call.type != "call_expression" or call.child_by_field_name("function") != p:
                return False  # a field of a scratch slice/buffer: should not happen, be careful
            method = text(p.child_by_field_name("field"))
            if method in _ALIAS_METHODS:
                current = call
                continue
            return True
        if kind in ("argument_list", "variadic_argument"):
            return _safe_argument(p, current, name, uses)
        if kind == "range_clause":
            return p.child_by_field_name("right") == current
        if kind == "binary_expression":
            return True
        if kind == "expression_list":
            return _safe_assignment(p, current, name)
        if kind in ("inc_statement", "dec_statement", "expression_statement"):
            return True
        return False
    return False


def _safe_argument(p: Node, arg: Node, name: str, uses: Uses) -> bool:
    variadic = p.type == "variadic_argument"
    args = p.parent if variadic else p
    call = args.parent if args is not None else None
    if call is None or call.type != "call_expression":
        return False
    callee = text(call.child_by_field_name("function"))
    first = args.named_children[0] if args is not None and args.named_child_count else None
    is_first = first is not None and (first == arg or first == p)
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
    left = stmt.child_by_field_name("left")
    right = stmt.child_by_field_name("right")
    if left == p:
        return True
    if right != p or left is None:
        return False
    index = [c for c in p.named_children].index(value) if value in p.named_children else -1
    targets = left.named_children
    if len(targets) != len(p.named_children) or index < 0:
        return False
    return stmt.type == "assignment_statement" and text(targets[index]) == name
