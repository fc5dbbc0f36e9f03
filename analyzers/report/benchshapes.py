"""Shapes of inputs the code parses, and the shallow solver that reads them off conditions and calls.

A Shape says what a string-like input must look like (a prefix, a separator between n keys, digits, a
file that exists, JSON of some type); `solve` reads one condition or call and records shapes on the
paths it names (see benchpaths), returning the path a value-producing call derives from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.source import Func, strip_parens, text

if TYPE_CHECKING:
    from analyzers.report.benchpaths import PathReader

_PASS_THROUGH = frozenset({
    "strings.TrimSpace", "strings.ToLower", "strings.ToUpper", "strings.TrimPrefix", "strings.TrimSuffix",
    "strings.Trim", "strings.TrimLeft", "strings.TrimRight", "bytes.TrimSpace", "bytes.ToLower", "io.ReadAll",
    "bytes.NewReader", "strings.NewReader", "bufio.NewReader", "bufio.NewScanner", "bytes.NewBuffer",
    "bytes.NewBufferString", "string", "[]byte", "[]rune", "filepath.Clean", "path.Clean", "html.UnescapeString",
    "strings.ToTitle", "utf8.RuneCountInString", "ioutil.ReadAll", "reflect.ValueOf", "reflect.TypeOf",
    "reflect.Indirect",
})
_SPLITS = {"strings.Split": 1, "strings.SplitN": 1, "strings.SplitAfter": 1, "bytes.Split": 1, "bytes.SplitN": 1,
           "strings.Fields": -1, "bytes.Fields": -1, "strings.Cut": 1, "bytes.Cut": 1}
_DIGITS = frozenset({"strconv.Atoi", "strconv.ParseInt", "strconv.ParseUint", "strconv.ParseFloat"})
_LITERALS = {"strconv.ParseBool": '"true"', "time.ParseDuration": '"1s"', "net.ParseIP": '"10.0.0.1"',
             "netip.ParseAddr": '"10.0.0.1"', "regexp.Compile": '"k[0-9]+"', "regexp.MustCompile": '"k[0-9]+"',
             "mail.ParseAddress": '"k@example.com"', "net.ParseCIDR": '"10.0.0.0/8"',
             "netip.ParsePrefix": '"10.0.0.0/8"', "netip.ParseAddrPort": '"10.0.0.1:80"',
             "net.SplitHostPort": '"10.0.0.1:80"', "net.ParseMAC": '"00:00:5e:00:53:01"',
             "strconv.Unquote": '"\\"k1\\""', "base64.StdEncoding.DecodeString": '"azE="',
             "base64.URLEncoding.DecodeString": '"azE="', "base64.RawStdEncoding.DecodeString": '"azE"',
             "base64.RawURLEncoding.DecodeString": '"azE"'}
# Calls that list a directory: the directory gets files, or the loop over its entries never runs.
_LISTS = frozenset({"os.ReadDir", "ioutil.ReadDir"})
_KINDS = {"url.Parse": "url", "url.ParseRequestURI": "url", "os.Open": "file", "os.ReadFile": "file",
          "os.Stat": "file", "http.Get": "url", "http.Head": "url", "http.Post": "url", "http.PostForm": "url",
          "os.Create": "path", "os.WriteFile": "path",
          "os.MkdirAll": "dir", "os.ReadDir": "dir", "ioutil.ReadDir": "dir", "os.Mkdir": "dir",
          "ioutil.ReadFile": "file",
          "ioutil.WriteFile": "path", "filepath.Walk": "dir", "filepath.WalkDir": "dir", "os.Lstat": "file",
          "hex.DecodeString": "hex", "os.Remove": "file", "os.RemoveAll": "dir"}
_BUFFERS = frozenset({"bytes.Buffer", "strings.Builder"})
_REQUEST_GETTERS = frozenset({"FormValue", "PostFormValue", "PathValue"})


@dataclass
class Shape:
    """What a string, []byte or reader input must look like; literal wins over the rest."""

    literal: str | None = None  # a Go expression for the exact value ("\"GET\"", "true", "SomeConst")
    prefix: str = ""
    suffix: str = ""
    contains: str = ""
    sep: str | None = None  # the input is n keys joined by sep
    parts: int = 0  # exactly this many sep-separated parts
    digits: bool = False
    kind: str = ""  # url, file (exists, with content), path (may be created), dir, hex, json:<type>
    nil: bool = False  # the code wants nil here
    absent: bool = False  # a key the code must not find (in a map filled with keys 0..n-1)
    entries: bool = False  # a directory the code lists: it holds files
    position: bool = False  # literal is the position 0 a receiver field indexes or slices from (benchbounds)


def _lit(node: Node | None) -> str | None:
    """The Go value of a string or rune literal, or None."""
    node = strip_parens(node)
    if node is None:
        return None
    if node.type == "interpreted_string_literal":
        raw = text(node)[1:-1]
        try:
            return raw.encode().decode("unicode_escape") if "\\" in raw else raw
        except UnicodeDecodeError:
            return None
    if node.type == "raw_string_literal":
        return text(node)[1:-1]
    if node.type == "rune_literal":
        raw = text(node)[1:-1]
        try:
            return raw.encode().decode("unicode_escape") if "\\" in raw else raw
        except UnicodeDecodeError:
            return None
    return None


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def solve(reader: PathReader, node: Node | None, truth: bool | None) -> str | None:
    """Record what `node` asks of the inputs (truth: the value a condition must take; None for a
    value-producing expression); return the path such an expression derives from."""
    node = strip_parens(node)
    if node is None:
        return None
    if node.type == "expression_list":
        for child in node.named_children:
            solve(reader, child, truth)
        return None
    if node.type == "call_expression":
        return _call(reader, node, truth)
    if truth is None:
        return None
    if node.type in ("identifier", "selector_expression"):
        path = reader.path_of(node)
        if path is not None and reader.func.type_of(text(node).split(".")[0]) != "":
            shape = reader.hints.shape(path)
            if shape.literal is None:
                shape.literal = "true" if truth else "false"
        return None
    if node.type == "binary_expression":
        _comparison(reader, node, truth)
    return None


def _path_head(reader: PathReader, args: list[Node]) -> str | None:
    """The parameter a file name is built from (`os.Create(basename + ext)`): the leftmost operand of a
    concatenation. Given a temporary directory's path, the file lands there, not in the package directory
    the benchmark runs in."""
    node = strip_parens(args[0]) if args else None
    if node is None or node.type != "binary_expression":
        return None
    while node is not None and node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        node = strip_parens(node.child_by_field_name("left"))
    return reader.path_of(node) if node is not None and node.type in ("identifier", "selector_expression") else None


def _call(reader: PathReader, call: Node, truth: bool | None) -> str | None:
    fn = call.child_by_field_name("function")
    callee = text(fn)
    name = callee.rsplit(".", 1)[-1]
    args = _args(call)
    first = reader.path_of(args[0]) if args else None
    if callee in _PASS_THROUGH or _replaces(reader, fn, args):
        return first
    if callee in _SPLITS and args:
        if first is not None:
            sep = _lit(args[1]) if len(args) > 1 and _SPLITS[callee] == 1 else " "
            param = reader.path_of(args[1]) if sep is None and len(args) > 1 else None
            if param is not None and "." not in param and "[" not in param:
                sep = ","  # a separator the caller passes: give it one the input is joined with
                if reader.hints.shape(param).literal is None:
                    reader.hints.shape(param).literal = '","'
            if sep:
                reader.hints.shape(first).sep = sep
        return first
    if callee in _DIGITS and first is not None:
        reader.hints.shape(first).digits = True
    elif callee in _LITERALS and first is not None:
        reader.hints.shape(first).literal = _LITERALS[callee]
    elif callee == "os.Open" and first is not None and _listed(reader, call):
        reader.hints.shape(first).kind = "dir"
        reader.hints.shape(first).entries = True
    elif callee in _KINDS or callee == "os.OpenFile":
        target = first if first is not None else _path_head(reader, args)
        if target is not None:
            shape = reader.hints.shape(target)
            shape.kind = _KINDS.get(callee) or ("path" if "O_CREATE" in text(call) else "file")
            shape.entries = callee in _LISTS and first is not None
    elif callee in ("http.NewRequest", "http.NewRequestWithContext"):
        url = args[-2] if len(args) >= 3 else None
        path = reader.path_of(url) if url is not None else None
        if path is not None:
            reader.hints.shape(path).kind = "url"
    elif name in ("Get", "Head", "Post", "PostForm") and first is not None and fn is not None and \
            fn.type == "selector_expression" and reader.func.type_of(text(fn.child_by_field_name("operand"))).lstrip(
                "*") == "http.Client":
        reader.hints.shape(first).kind = "url"
    elif callee in ("json.Unmarshal", "xml.Unmarshal") and len(args) == 2 and first is not None:
        reader.hints.shape(first).kind = "json:" + _target_type(reader, args[1])
    elif name == "Decode" and fn is not None and fn.type == "selector_expression" and len(args) == 1:
        decoder = strip_parens(fn.child_by_field_name("operand"))
        if decoder is not None and decoder.type == "call_expression" and \
                text(decoder.child_by_field_name("function")) == "json.NewDecoder":
            inner = _args(decoder)
            source = reader.path_of(inner[0]) if inner else None
            if source is not None:
                reader.hints.shape(source).kind = "json:" + _target_type(reader, args[0])
    elif truth is not None and callee.split(".")[0] in ("strings", "bytes") and first is not None and len(args) > 1:
        _string_test(reader, name, first, _lit(args[1]), truth)
    elif (name == "WriteHeader" and len(args) == 1) or (callee == "http.Error" and len(args) == 3):
        status = reader.path_of(args[-1])
        if status is not None and reader.hints.shape(status).literal is None:
            reader.hints.shape(status).literal = "200"  # a valid HTTP status (WriteHeader panics on others)
    elif name == "Kind" and not args and fn is not None and fn.type == "selector_expression":
        operand = reader.path_of(fn.child_by_field_name("operand"))
        if operand is not None and "." not in operand:
            return operand + "@kind"  # reflect.ValueOf(v).Kind(): what kind of value v must be
    elif name in ("Bytes", "String") and not args and fn is not None and fn.type == "selector_expression":
        operand = reader.path_of(fn.child_by_field_name("operand"))
        if operand is not None and reader.path_type(operand).lstrip("*") in _BUFFERS:
            return operand  # buf.Bytes() is the buffer's content
    else:
        _parsed_by_callee(reader, call, args)
    return _request_value(reader, call, fn, name, args)


def _listed(reader: PathReader, call: Node) -> bool:
    """`f, err := os.Open(dirname)` and then `f.Readdir(-1)` (minio's ioutils): the path names a directory, and
    the code goes on to walk what is in it."""
    parent = call.parent
    while parent is not None and parent.type == "expression_list":
        parent = parent.parent
    if parent is None or parent.type not in ("short_var_declaration", "assignment_statement"):
        return False
    left = parent.child_by_field_name("left")
    names = [text(c) for c in left.named_children] if left is not None else []
    return bool(names) and any(c.recv == names[0] and c.name in ("Readdir", "Readdirnames", "ReadDir")
                               for c in reader.func.calls)


def _replaces(reader: PathReader, fn: Node | None, args: list[Node]) -> bool:
    """`ws.Replace(s)` with `ws` a *strings.Replacer: s, with some characters swapped or dropped (go-ethereum's
    ParseNetlist strips blanks before it splits the list), is what the code goes on to split and parse."""
    if fn is None or fn.type != "selector_expression" or len(args) != 1:
        return False
    if text(fn.child_by_field_name("field")) != "Replace":
        return False
    operand = text(fn.child_by_field_name("operand"))
    return reader.func.type_of(operand, fn).lstrip("*") == "strings.Replacer"


def _parsed_by_callee(reader: PathReader, call: Node, args: list[Node]) -> None:
    """`parseRate(rate)` where the package's parseRate hands its parameter to strconv.ParseFloat: the
    argument must parse there too (a constructor that fails on "k1" fails the benchmark)."""
    callee = reader.index.callee(call, reader.func)
    if callee is None or callee is reader.func:
        return
    _guards_of(reader, callee, args)
    names = [p.name for p in callee.params]
    for c in callee.calls:
        inner = _args(c.node)
        arg = strip_parens(inner[0]) if inner else None
        while arg is not None and arg.type == "call_expression" and \
                text(arg.child_by_field_name("function")) in _PASS_THROUGH and _args(arg):
            arg = strip_parens(_args(arg)[0])
        if arg is None or arg.type != "identifier" or text(arg) not in names:
            continue
        at = names.index(text(arg))
        path = reader.path_of(args[at]) if at < len(args) else None
        if path is None:
            continue
        shape = reader.hints.shape(path)
        if c.callee in _DIGITS:
            shape.digits = True
        elif c.callee in _LITERALS and shape.literal is None:
            shape.literal = _LITERALS[c.callee]
        elif c.callee in _KINDS and not shape.kind:
            shape.kind = _KINDS[c.callee]


def _guards_of(reader: PathReader, callee: Func, args: list[Node]) -> None:
    """What the package function's own guard clauses ask of its parameters (`if !strings.HasPrefix(p, "/")
    { return errBad }` in parsePattern) is asked of the arguments passed to it."""
    if reader.depth >= 2:
        return
    paths = [reader.path_of(a) for a in args]
    if not any(paths):
        return
    from analyzers.report.benchpaths import PathReader  # benchpaths reads conditions with this module

    key = (callee, reader.depth + 1)
    sub = reader.index.guards.get(key)
    if sub is None:
        sub = reader.index.guards[key] = PathReader(callee, reader.index, reader.facts, reader.depth + 1).read_end()
    for p, path in zip(callee.params, paths, strict=False):
        theirs = sub.shapes.get(p.name) if p.name else None
        if theirs is None or path is None:
            continue
        mine = reader.hints.shape(path)
        for attr in ("prefix", "suffix", "contains", "sep", "parts", "digits", "kind"):
            if getattr(theirs, attr) and not getattr(mine, attr):
                setattr(mine, attr, getattr(theirs, attr))
        if mine.literal is None and theirs.literal is not None and re.fullmatch(r'"[^"]*"|-?\d+|true|false',
                                                                                theirs.literal):
            mine.literal = theirs.literal  # a literal, not a name only the callee sees


def _request_value(reader: PathReader, call: Node, fn: Node | None, name: str, args: list[Node]) -> str | None:
    """r.URL.Query().Get("k"), r.FormValue("k"), r.Header.Get("k"): the path "r?k" (or "r#k" for a header)."""
    if fn is None or fn.type != "selector_expression" or len(args) != 1 or _lit(args[0]) is None:
        return None
    key = _lit(args[0])
    operand = strip_parens(fn.child_by_field_name("operand"))
    if name in _REQUEST_GETTERS:
        root = reader.path_of(operand)
        return f"{root}?{key}" if root is not None else None
    if name == "Get" and operand is not None:
        if operand.type == "call_expression" and text(operand.child_by_field_name("function")).endswith(
                ".URL.Query"):
            query = strip_parens(operand.child_by_field_name("function"))
            url = query.child_by_field_name("operand") if query is not None else None
            root = reader.path_of(url.child_by_field_name("operand")) if url is not None else None
            return f"{root}?{key}" if root is not None else None
        if operand.type == "selector_expression" and text(operand.child_by_field_name("field")) == "Header":
            root = reader.path_of(operand.child_by_field_name("operand"))
            return f"{root}#{key}" if root is not None else None
    return None


def _target_type(reader: PathReader, node: Node) -> str:
    arg = strip_parens(node)
    if arg is not None and arg.type == "unary_expression":
        operand = arg.child_by_field_name("operand")
        if operand is not None and operand.type == "identifier":
            return reader.func.type_of(text(operand), arg)
    return ""


def _string_test(reader: PathReader, name: str, path: str, lit: str | None, truth: bool) -> None:
    if lit is None or not truth:
        return
    shape = reader.hints.shape(path)
    if name == "HasPrefix":
        shape.prefix = lit
    elif name == "HasSuffix":
        shape.suffix = lit
    elif name in ("Contains", "ContainsAny", "ContainsRune", "Index", "IndexByte"):
        shape.contains = shape.contains or lit[:1] if name == "ContainsAny" else lit
    elif name == "EqualFold":
        shape.literal = '"' + lit.replace("\\", "\\\\").replace('"', '\\"') + '"'


_FLIP = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
_MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def _comparison(reader: PathReader, node: Node, truth: bool) -> None:
    op = text(node.child_by_field_name("operator"))
    if op not in _FLIP:
        return
    if not truth:
        op = _FLIP[op]
    left, right = strip_parens(node.child_by_field_name("left")), strip_parens(node.child_by_field_name("right"))
    if left is None or right is None:
        return
    if _is_len(left) and _is_len(right) and op == "==":
        a, b = reader.path_of(_args(left)[0]), reader.path_of(_args(right)[0])
        if a is not None and b is not None and a != b:
            reader.hints.same.setdefault(b, a)
        return
    if _constant(reader, left) is not None and _constant(reader, right) is None:
        left, right, op = right, left, _MIRROR[op]
    value = _constant(reader, right)
    if value is None:
        if op == "==":
            _same_as_field(reader, left, right)
        return
    if left.type == "call_expression" and text(left.child_by_field_name("function")) == "len":
        args = _args(left)
        path = reader.path_of(args[0]) if args else None
        if path is not None and value.lstrip("-").isdigit():
            _length(reader, path, op, int(value))
        return
    path = reader.path_of(left)
    if path is None:
        return
    shape = reader.hints.shape(path)
    if value == "nil":
        shape.nil = op == "=="
        return
    if op == "==" and shape.literal is None:
        shape.literal = value
    elif value.lstrip("-").isdigit() and op in ("<", "<=", ">", ">=") and shape.literal is None:
        k = int(value)
        # Strictly inside `>= k` (k + 1): a minimum, a growth factor (`s = s * factor` must grow).
        shape.literal = str({"<": k - 1, "<=": k, ">": k + 1, ">=": k + 1}[op])
    elif value[:1].isalpha() and op in ("<", "<=", ">", ">=") and shape.literal is None:
        shape.literal = {"<": f"{value} - 1", ">": f"{value} + 1"}.get(op, value)  # a named constant


def _same_as_field(reader: PathReader, left: Node, right: Node) -> None:
    """`if p.count == p.Capacity { return <-p.c }`: two fields of the receiver that must be equal; the
    first gets the second's value (written `p.Capacity`, the receiver's name for the variable)."""
    recv = reader.func.receiver_name
    paths = [reader.path_of(left), reader.path_of(right)]
    if not recv or any(p is None or not p.startswith(recv + ".") or p.count(".") != 1 or "[" in p or "?" in p
                       for p in paths):
        return
    mine, other = paths
    assert mine is not None and other is not None
    if mine != other and reader.hints.shape(mine).literal is None and other not in reader.hints.shapes:
        reader.hints.shape(mine).literal = other


def _is_len(node: Node) -> bool:
    return node.type == "call_expression" and text(node.child_by_field_name("function")) == "len" \
        and len(_args(node)) == 1


def _length(reader: PathReader, path: str, op: str, k: int) -> None:
    need = {">": k + 1, ">=": k, "==": k, "!=": 0, "<": 0, "<=": 0}[op]
    if op in ("==", ">=", ">"):
        shape = reader.hints.shape(path)
        if shape.sep is not None or (op == "==" and path in reader.hints.shapes):
            shape.parts = max(shape.parts, need)
    if need > reader.hints.min_len.get(path, 0):
        reader.hints.min_len[path] = need


def _constant(reader: PathReader, node: Node) -> str | None:
    """The Go text of a literal, nil or a package constant compared against."""
    if node.type in ("interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal",
                     "rune_literal", "nil", "true", "false"):
        return text(node)
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "-":
        inner = node.child_by_field_name("operand")
        return "-" + text(inner) if inner is not None and inner.type == "int_literal" else None
    if node.type == "identifier" and reader.func.lookup(text(node), node) is None:
        name = text(node)
        facts = reader.facts
        if name in facts.untyped or any(name in names for names in facts.consts.values()):
            return name
    if node.type == "selector_expression" and text(node).startswith(("http.Method", "http.Status", "reflect.")):
        return text(node)
    if node.type == "call_expression" and text(node.child_by_field_name("function")) in ("string", "[]byte"):
        converted = _args(node)
        if len(converted) == 1 and _constant(reader, converted[0]) is not None:
            return text(node)  # string(arnPrefix): a constant converted
    return None
