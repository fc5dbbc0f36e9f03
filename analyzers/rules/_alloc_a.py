"""Helpers for the alloc rules of group A: expression types with package facts, import names,
loop shapes for preallocation, and the statements that can skip part of a loop iteration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Func, Loop, descendants, statements, strip_parens, text
from analyzers.typeinfer import infer_type

# Results the shared table does not list, by callee text (single-result functions only).
EXTRA_RESULTS: dict[str, str] = {
    "strings.TrimPrefix": "string", "strings.TrimSuffix": "string", "strings.Trim": "string",
    "strings.TrimLeft": "string", "strings.TrimRight": "string", "strings.Replace": "string",
    "strings.ReplaceAll": "string", "strings.Title": "string", "strings.ToTitle": "string",
    "strconv.FormatUint": "string", "strconv.FormatFloat": "string", "strconv.FormatBool": "string",
    "strconv.QuoteToASCII": "string", "filepath.Join": "string", "filepath.Base": "string",
    "filepath.Dir": "string", "filepath.Ext": "string", "filepath.Clean": "string",
    "path.Join": "string", "path.Base": "string", "path.Dir": "string", "path.Ext": "string",
    "hex.EncodeToString": "string", "string": "string",
    "strings.Count": "int", "strings.Index": "int", "strings.IndexByte": "int",
    "strings.LastIndex": "int", "utf8.RuneCountInString": "int", "utf8.RuneLen": "int",
    "bytes.ToLower": "[]byte", "bytes.ToUpper": "[]byte", "bytes.TrimSpace": "[]byte",
}
# Results of common multi-result functions and methods (by callee text, or ".Method" for any receiver).
MULTI_RESULTS: dict[str, tuple[str, ...]] = {
    "io.ReadAll": ("[]byte", "error"), "ioutil.ReadAll": ("[]byte", "error"), "os.ReadFile": ("[]byte", "error"),
    "ioutil.ReadFile": ("[]byte", "error"), "json.Marshal": ("[]byte", "error"),
    "json.MarshalIndent": ("[]byte", "error"), "xml.Marshal": ("[]byte", "error"),
    "hex.DecodeString": ("[]byte", "error"), "httputil.DumpRequest": ("[]byte", "error"),
    "httputil.DumpResponse": ("[]byte", "error"), "strconv.Atoi": ("int", "error"),
    "strconv.ParseInt": ("int64", "error"), "strconv.ParseUint": ("uint64", "error"),
    "os.Getwd": ("string", "error"), "os.Hostname": ("string", "error"), "filepath.Abs": ("string", "error"),
    "filepath.Rel": ("string", "error"), "strings.Cut": ("string", "string", "bool"),
    "bytes.Cut": ("[]byte", "[]byte", "bool"), "strings.CutPrefix": ("string", "bool"),
    "strings.CutSuffix": ("string", "bool"), "net.SplitHostPort": ("string", "string", "error"),
    ".Output": ("[]byte", "error"), ".CombinedOutput": ("[]byte", "error"), ".DecodeString": ("[]byte", "error"),
    ".ReadString": ("string", "error"), ".ReadBytes": ("[]byte", "error"), ".ReadLine": ("[]byte", "bool", "error"),
}
# Methods whose result type is fixed by convention (fmt.Stringer, error, bytes.Buffer).
METHOD_RESULTS: dict[str, str] = {"String": "string", "Error": "string", "Bytes": "[]byte", "Len": "int"}
# Named map and slice types of the standard library, by their usual qualified name.
STD_NAMED: dict[str, str] = {
    "http.Header": "map[string][]string", "url.Values": "map[string][]string",
    "textproto.MIMEHeader": "map[string][]string", "sort.StringSlice": "[]string", "sort.IntSlice": "[]int",
}
# Package-level variables of the standard library with a known type.
STD_VARS: dict[str, str] = {"os.Stdout": "*os.File", "os.Stderr": "*os.File", "os.Stdin": "*os.File"}

INT_TYPES = frozenset({"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                       "uintptr", "byte", "rune"})


@dataclass
class Types:
    """Expression types from syntax plus package facts: struct fields, package variables and the
    results of the package's own functions and methods."""

    pkg: Package
    funcs: dict[str, str] = field(default_factory=dict)  # "Name" or "Recv.Name" -> single result type
    multi: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the same, for several results
    pending: set[int] = field(default_factory=set)  # declarations being typed (cycle guard)

    @classmethod
    def of(cls, pkg: Package) -> Types:
        t = cls(pkg)
        for f in pkg.funcs:
            if f.is_literal or not f.results:
                continue
            key = f"{f.receiver}.{f.name}" if f.receiver else f.name
            if len(f.results) == 1:
                t.funcs[key] = f.results[0].type
            else:
                t.multi[key] = tuple(r.type for r in f.results)
        return t

    def type(self, node: Node | None, func: Func) -> str:
        node = strip_parens(node)
        if node is None:
            return ""
        kind = node.type
        if kind == "identifier":
            name = text(node)
            if func.lookup(name) is not None:
                return (func.type_of(name, node) or self._multi_decl(name, node, func)
                        or self._init_call(name, node, func))
            return self.pkg.vars.get(name, "")
        if kind == "selector_expression":
            return self._field(node, func)
        if kind == "call_expression":
            t = infer_type(node, func)
            return t or self._call(node, func)
        return infer_type(node, func)

    def _init_call(self, name: str, at: Node, func: Func) -> str:
        """The type of `name` in `x := f()` from f's known result (`line := sc.Bytes()`), or in
        `x := v.field` from the struct's field."""
        decl = func.decl(name, at)
        init = strip_parens(decl.init) if decl is not None and decl.kind in ("short", "var") else None
        if init is None or init.type not in ("call_expression", "selector_expression") or init.id in self.pending:
            return ""
        self.pending.add(init.id)  # `x := x.Next()` refers to an outer x: guard against cycles
        try:
            return self._call(init, func) if init.type == "call_expression" else self._field(init, func)
        finally:
            self.pending.discard(init.id)

    def _multi_decl(self, name: str, at: Node, func: Func) -> str:
        """The type of `name` in `a, b := f()` from f's known results."""
        decl = func.decl(name, at)
        if decl is None or decl.kind not in ("short", "var") or decl.init is not None:
            return ""
        node = decl.node
        left = node.child_by_field_name("left") if node.type == "short_var_declaration" else None
        right = node.child_by_field_name("right" if left is not None else "value")
        names = [text(c) for c in left.named_children] if left is not None else [
            text(c) for c in node.children_by_field_name("name")]
        if right is None or right.named_child_count != 1 or name not in names:
            return ""
        call = strip_parens(right.named_children[0])
        if call is None or call.type != "call_expression":
            return ""
        results = self._results(call, func)
        i = names.index(name)
        return results[i] if len(results) == len(names) else ""

    def _results(self, call: Node, func: Func) -> tuple[str, ...]:
        fn = call.child_by_field_name("function")
        callee = text(fn)
        if callee in MULTI_RESULTS:
            return MULTI_RESULTS[callee]
        if fn is None:
            return ()
        if fn.type == "identifier":
            return self.multi.get(callee, ())
        if fn.type != "selector_expression":
            return ()
        method = text(fn.child_by_field_name("field"))
        operand = fn.child_by_field_name("operand")
        if operand is not None and operand.type == "identifier" and func.file.imports.get(text(operand)):
            return ()  # a package function not in the table
        recv = self.type(operand, func).lstrip("*")
        found = self.multi.get(f"{recv}.{method}", ()) if recv else ()
        return found or MULTI_RESULTS.get("." + method, ())

    def _field(self, node: Node, func: Func) -> str:
        full = text(node)
        if full in STD_VARS:
            return STD_VARS[full]
        operand = node.child_by_field_name("operand")
        name = text(node.child_by_field_name("field"))
        struct = self.pkg.struct_of(self.type(operand, func))
        if struct is None:
            return ""
        for fname, ftype in struct.fields:
            if fname == name:
                return ftype
        return ""

    def _call(self, node: Node, func: Func) -> str:
        fn = node.child_by_field_name("function")
        callee = text(fn)
        if callee in EXTRA_RESULTS:
            return EXTRA_RESULTS[callee]
        if fn is None:
            return ""
        if fn.type == "identifier":
            return self.funcs.get(callee, "")
        if fn.type != "selector_expression":
            return ""
        method = text(fn.child_by_field_name("field"))
        args = node.child_by_field_name("arguments")
        if method in METHOD_RESULTS and args is not None and args.named_child_count == 0:
            return METHOD_RESULTS[method]
        recv = self.type(fn.child_by_field_name("operand"), func).lstrip("*")
        return self.funcs.get(f"{recv}.{method}", "") if recv else ""

    def is_string(self, node: Node | None, func: Func) -> bool:
        return self.type(node, func) == "string"


def import_name(func: Func, path: str) -> str | None:
    """The name under which func's file imports path (None when it does not)."""
    name = func.file.import_name(path)
    return None if name in ("_", ".") else name


def callee_in(func: Func, call_recv: str, path: str) -> bool:
    """True when a call's receiver text is the file's name for package path (and not a local)."""
    return bool(call_recv) and call_recv == import_name(func, path) and func.lookup(call_recv) is None


def top_func(func: Func) -> Func:
    while func.parent is not None:
        func = func.parent
    return func


# --- Loops: sized collections and statements that skip or end iterations -------------------------

# `(\S(?:.*\S)?)\s*$`, not `(.+?)\s*$`: the lazy form retries `\s*$` at every character, quadratic in a
# run of blanks inside the expression (tests/test_regex_linear.py).
_INIT = re.compile(r"^\s*(\w+)\s*:=\s*(\S(?:.*\S)?)\s*$")
_LIMIT = re.compile(r"^\s*(\w+)\s*(<=?|>=?)\s*(\S(?:.*\S)?)\s*$")
_INC = re.compile(r"^\s*(\w+)\s*(\+\+|\+=\s*1)\s*$")
_DEC = re.compile(r"^\s*(\w+)\s*(--|-=\s*1)\s*$")
_SIMPLE = re.compile(r"^\w+$")
_MINUS_ONE = re.compile(r"^(.*\S)\s*-\s*1$")
_ARITHMETIC = re.compile(r"^\s*\d+(\s*[+-]\s*\d+)*\s*$")
_TERM = re.compile(r"[+-]\s*\d+|\d+")  # `[+-]?\s*\d+` rescans every run of blanks from each of its characters
NO_LENGTH_PREFIXES = ("chan ", "<-chan ", "chan<- ", "func(", "iter.", "*bufio.Scanner")


def loop_count(loop: Loop, func: Func, types: Types) -> str | None:
    """An expression for the iteration count of a loop over a sized collection, known before the
    loop starts (`len(xs)`, `n`), or None for channels, iterators, conditions and tiny loops."""
    if is_small_constant_loop(loop):
        return None
    if loop.kind in ("range", "range-int"):
        return _range_count(loop, func, types)
    if loop.kind == "for":
        return _for_count(loop)
    return None


def _range_count(loop: Loop, func: Func, types: Types) -> str | None:
    node = strip_parens(loop.range_node)
    if node is None or node.type in ("composite_literal", "func_literal"):
        return None
    expr = text(node)
    if loop.kind == "range-int":
        return expr if node.type != "call_expression" or expr.startswith("len(") else None
    t = types.type(node, func)
    t = types.pkg.type_defs.get(t, t)  # a named type: its underlying type decides
    t = STD_NAMED.get(t, t)
    if t.startswith(NO_LENGTH_PREFIXES):
        return None
    if t in INT_TYPES:
        return expr
    sized = t.startswith(("[", "map[", "*[")) or t == "string"
    if node.type == "call_expression":
        return f"len({expr})" if t.startswith("[]") else None
    if sized:
        return f"len({expr})"
    # Unknown type: two iteration variables rule out channels and single-value iterators, and so
    # does indexing the collection with the key in the body (`for i := range xs { ... xs[i] ... }`).
    if t or node.type not in ("identifier", "selector_expression") or _iterator_var(node, func):
        return None
    indexed = bool(loop.key) and f"{expr}[{loop.key}]" in text(loop.body)
    return f"len({expr})" if loop.value or indexed else None


_ITERATOR_PACKAGES = ("maps.", "slices.", "iter.")
_ITERATOR_METHODS = frozenset({"All", "Keys", "Values", "Backward", "Seq", "Seq2", "Lines", "SplitSeq", "FieldsSeq"})


def _iterator_var(node: Node, func: Func) -> bool:
    """A variable initialised from a call that likely returns an iterator (Go 1.23 range-over-func)."""
    if node.type != "identifier":
        return False
    decl = func.decl(text(node), node)
    init = strip_parens(decl.init) if decl is not None else None
    if init is None or init.type != "call_expression":
        return False
    callee = text(init.child_by_field_name("function"))
    return callee.startswith(_ITERATOR_PACKAGES) or callee.rsplit(".", 1)[-1] in _ITERATOR_METHODS


def _for_count(loop: Loop) -> str | None:
    """The iteration count of a counting loop: `i := a; i < b; i++` (b - a), `i <= b` (one more), and
    `i := b; i > 0; i--` / `i >= 0` counting down."""
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    if clause is None:
        return None
    init = _INIT.match(text(clause.child_by_field_name("initializer")))
    cond = _LIMIT.match(text(clause.child_by_field_name("condition")))
    update = text(clause.child_by_field_name("update"))
    inc, dec = _INC.match(update), _DEC.match(update)
    step = inc or dec
    if not (init and cond and step) or not init.group(1) == cond.group(1) == step.group(1):
        return None
    start, op, limit = init.group(2), cond.group(2), cond.group(3)
    if "&&" in limit or "||" in limit or "," in start:
        return None
    if inc and op in ("<", "<="):
        if start != "0" and not _SIMPLE.match(start):
            return None
        count = limit if start == "0" else f"{limit} - {start}"
    elif dec and op in (">", ">=") and limit == "0":
        count = start
    else:
        return None
    if op in ("<=", ">="):
        trimmed = _MINUS_ONE.match(count)
        count = trimmed.group(1) if trimmed else f"{count} + 1"
    if _ARITHMETIC.match(count):
        value = sum(int(t.replace(" ", "")) for t in _TERM.findall(count))
        return str(value) if value > 8 else None
    return count


def body_statement(node: Node, loop: Loop) -> bool:
    """True when node is a statement directly in the loop body (runs once per iteration unless an
    earlier statement skips it)."""
    parent = node.parent
    if parent is not None and parent.type == "statement_list":
        parent = parent.parent
    body = loop.body
    return parent is not None and body is not None and parent.id == body.id


_NESTED_BREAK_SCOPES = frozenset({"for_statement", "expression_switch_statement", "type_switch_statement",
                                  "select_statement"})


def skips_iterations(loop: Loop, stmt: Node) -> bool:
    """True when the loop body can skip `stmt` in some iterations or leave the loop early: a
    `continue` before it, a `break` or `goto` anywhere (returns are allowed: they abandon the result)."""
    for s in statements(loop.body):
        before = s.start_byte < stmt.start_byte
        for node in (s, *descendants(s)):
            kind = node.type
            if kind == "goto_statement":
                return True
            if kind == "continue_statement" and before and _targets(node, loop, ("for_statement",)):
                return True
            if kind == "break_statement" and _targets(node, loop, _NESTED_BREAK_SCOPES):
                return True
    return False


def _targets(node: Node, loop: Loop, scopes: frozenset[str] | tuple[str, ...]) -> bool:
    """True when a break/continue applies to `loop`: labelled, or with no nearer enclosing scope."""
    if node.named_child_count:  # labelled: assume it names this loop or one outside it
        return True
    parent = node.parent
    while parent is not None and parent.id != loop.node.id:
        if parent.type in scopes or parent.type == "func_literal":
            return False
        parent = parent.parent
    return True


def mentions(node: Node, names: set[str]) -> bool:
    """True when an identifier in node (node included) is one of names."""
    return any(n.type == "identifier" and text(n) in names for n in (node, *descendants(node)))


# --- Preallocation: a collection declared empty outside the loop that fills it --------------------


def empty_collection(func: Func, name: str, stmt: Node, loops: tuple[Loop, ...], prefix: str,
                     type_defs: dict[str, str] | None = None) -> str | None:
    """The type of `name` when it is declared with no capacity (`var xs []T`, `[]T{}`, `make([]T, 0)`, `[]T(nil)`,
    `map[K]V{}`, `make(map[K]V)`) directly around the innermost of `loops` (one loop apart) and not
    reassigned before that loop starts; else None. Named results count for slices. With type_defs,
    a named type (`type IDs []int`) counts by its underlying type."""
    decl = func.decl(name, stmt)
    loop = loops[-1]
    if decl is None or decl.node.start_byte >= loop.node.start_byte:
        return None
    typ = decl.type or infer_type(decl.init, func)
    underlying = (type_defs or {}).get(typ, typ).strip()
    if not underlying.startswith(prefix):
        return None
    if decl.kind == "param":
        named_result = any(r.name == name for r in func.results) and prefix == "[]" and len(loops) == 1
        body = func.body
        if not named_result or body is None or _assigned_between(func, name, body.start_byte, loop.node.start_byte):
            return None
        return typ
    if [id(lp) for lp in decl.loops] != [id(lp) for lp in loops[:-1]]:
        return None
    init = strip_parens(decl.init)
    if init is None:
        empty = decl.kind == "var" and prefix == "[]" and decl.node.child_by_field_name("type") is not None
    elif init.type == "composite_literal":
        body = init.child_by_field_name("body")
        empty = body is not None and body.named_child_count == 0
    elif init.type == "call_expression" and text(init.child_by_field_name("function")) == "make":
        empty = decl.make_args == ("0",) or (prefix == "map[" and decl.make_args == ())
    elif init.type == "type_conversion_expression":
        empty = text(init.child_by_field_name("operand")) == "nil"  # `[]T(nil)`
    else:
        empty = False
    if not empty or _assigned_between(func, name, decl.node.end_byte, loop.node.start_byte):
        return None
    return typ


def _assigned_between(func: Func, name: str, start: int, end: int) -> bool:
    for site in func.sites("assignment_statement"):
        node = site.node
        if start <= node.start_byte < end:
            left = node.child_by_field_name("left")
            if left is not None and any(text(c) == name for c in left.named_children):
                return True
    return False


def loop_header_names(loop: Loop) -> set[str]:
    """Variables the loop header declares (range key/value, the 3-clause counter)."""
    names = {loop.key, loop.value}
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    init = clause.child_by_field_name("initializer") if clause is not None else None
    left = init.child_by_field_name("left") if init is not None and init.type == "short_var_declaration" else None
    if left is not None:
        names.update(text(c) for c in left.named_children)
    names.discard("")
    names.discard("_")
    return names


def declared_in_loop(func: Func, loop: Loop) -> set[str]:
    """Names declared inside the loop body (they change from one iteration to the next)."""
    out: set[str] = set()
    for name, decls in func.decls.items():
        if any(loop in d.loops and d.node.id != loop.node.id for d in decls):
            out.add(name)
    return out | loop_header_names(loop)
