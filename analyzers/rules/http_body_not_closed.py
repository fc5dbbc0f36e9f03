"""http-body-not-closed

**What it does**
Flags an HTTP client call (`http.Get`, `http.Post`, `http.Head`, `http.PostForm`, and
`Do`/`Get`/`Post`/`Head`/`PostForm` on an `*http.Client`) whose response body is never closed in
the function: no `resp.Body.Close()` (deferred or not, in any closure), and the response is not
returned, stored, sent or handed to another function of the program. A response discarded with
`_` is flagged too.

**Why is this bad?**
Until the body is closed the connection cannot go back to the pool: each such call leaks a
connection, a file descriptor and two goroutines of the Transport, and the next request must dial
anew (estimate: a TCP+TLS handshake of 1-100 ms, i.e. 1,000,000+ ns, per call), until the process
runs out of descriptors.

**Example**
```go
resp, err := http.Get(url)
if err != nil {
    return err
}
return json.NewDecoder(resp.Body).Decode(&v)
```

**Use instead**
```go
resp, err := http.Get(url)
if err != nil {
    return err
}
defer resp.Body.Close()
return json.NewDecoder(resp.Body).Decode(&v)
```

**Known limits**
Handing the response (or its body) to a function outside the standard library counts as handing
off ownership, since that function may close it, except a plain function of the package whose body
visibly only reads it (no `Close`, no return, send, store or further hand-off); storing the
response in a package-level variable counts too. Passing the body to standard-library readers
(`io.ReadAll`, `json.NewDecoder`, `io.Copy`) does not close it and does not count. Methods named
`Get`/`Post`/`Do` on other types are flagged only when the receiver is known to be an
`*http.Client` or is a client whose request or response is visibly an HTTP one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import expr_type, import_names, is_pkg_call, receiver_node, underlying
from analyzers.source import Call, Func, GoFile, descendants, strip_parens, text

FUNCS = ("Get", "Post", "Head", "PostForm")
_BUILTINS = frozenset({"panic", "print", "println", "len", "cap", "make", "new", "append", "copy", "min", "max"})
_READS = frozenset({"Read", "ReadByte", "ReadRune", "ReadString", "ReadLine", "Scan", "Text", "Bytes", "Decode", "Err"})
METHODS = ("Do", "Get", "Post", "Head", "PostForm")


@rule("http-body-not-closed", "io", "error", correctness=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*METHODS):
        return
    for func in pkg.funcs:
        for call in func.calls_named(*METHODS):
            evidence = _evidence(pkg, func, call)
            if not evidence:
                continue
            name = _response_name(call.node)
            if name is None:
                continue
            if name == "_":
                if evidence != "strong":
                    continue
            elif (evidence == "weak" and not _looks_http(func, name)) or _handled(pkg, func, name, call.node):
                continue
            shown = call.callee or call.name
            resp = name if name != "_" else "resp"
            fix = (
                f"close {resp}.Body in each iteration"
                if call.loops
                else f"defer {resp}.Body.Close() after the error check"
            )
            yield Hit(
                func,
                call.node,
                f"response body of {shown} is never closed: the connection leaks (no reuse, one fd per call); {fix}",
            )


def _evidence(pkg: Package, func: Func, call: Call) -> str:
    """'strong' when the call is surely net/http's, 'weak' for a client-named receiver, else ''."""
    gf = func.file
    if is_pkg_call(call, gf, "net/http", *FUNCS):
        return "strong"
    recv = receiver_node(call)
    if recv is None:
        return ""
    http = import_names(gf, "net/http")
    if call.recv in {f"{h}.DefaultClient" for h in http}:
        return "strong"
    typ = underlying(pkg, expr_type(pkg, func, recv)).lstrip("*")
    if typ in {f"{h}.Client" for h in http}:
        return "strong"
    last = call.recv.rsplit(".", 1)[-1].lower()
    if "client" not in last or typ:
        return ""
    if call.name == "Do" and call.args:
        arg_type = expr_type(pkg, func, call.args[0])
        if arg_type in {f"*{h}.Request" for h in http}:
            return "strong"
    return "weak"


def _response_name(call: Node) -> str | None:
    """The first name the call's results are bound to; '_' when discarded; None when unknown."""
    parent = call.parent
    if parent is not None and parent.type == "expression_statement":
        return "_"
    if parent is None or parent.type != "expression_list" or parent.named_child_count != 1:
        return None
    decl = parent.parent
    if decl is None or decl.type not in ("short_var_declaration", "assignment_statement"):
        return None
    if decl.child_by_field_name("right") != parent:
        return None
    left = decl.child_by_field_name("left")
    if left is None or left.named_child_count != 2:
        return None
    first = left.named_children[0]
    return text(first) if first.type == "identifier" else None


def _top(func: Func) -> Func:
    while func.parent is not None:
        func = func.parent
    return func


def _looks_http(func: Func, name: str) -> bool:
    """The response is used like an *http.Response (`.Body`, `.StatusCode`)."""
    body = _top(func).body
    src = text(body)
    return f"{name}.Body" in src or f"{name}.StatusCode" in src


def _is_std(gf: GoFile, call: Node) -> bool:
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return False
    operand = fn.child_by_field_name("operand")
    if operand is None or operand.type != "identifier":
        return False
    path = gf.imports.get(text(operand))
    return path is not None and "." not in path.split("/", 1)[0]


def _handled(pkg: Package, func: Func, name: str, at: Node) -> bool:
    """Closed, returned, stored, sent or handed to a non-standard function anywhere in the function."""
    top = _top(func)
    if any(r.name == name for r in top.results):
        return True  # a named result: returned to the caller
    if name in pkg.vars and func.decl(name, at) is None and top.decl(name, at) is None:
        return True  # stored in a package-level variable: its owner closes it
    body = top.body
    if body is None or name not in text(body):
        return False
    for node in descendants(body):
        if node.type != "identifier" or text(node) != name:
            continue
        if _hands_off(func.file, node, _keeps(pkg)):
            return True
    return False


def _keeps(pkg: Package) -> Callable[[str], bool]:
    """Whether the package function of that name may close, keep or pass on what it is given:
    true unless it is a known function of the package whose body never closes, returns, sends,
    stores or hands anything to a function outside the standard library."""
    cache = pkg.__dict__.setdefault("_http_body_keeps", {})
    if not cache:
        funcs: dict[str, list[Func]] = {}
        for f in pkg.funcs:
            if not f.is_literal and not f.receiver:
                funcs.setdefault(f.name, []).append(f)
        cache[""] = funcs

    def keeps(name: str) -> bool:
        found = cache[""].get(name)
        if name not in cache:
            cache[name] = found is None or len(found) != 1 or _may_keep(found[0])
        return bool(cache[name])

    return keeps


def _may_keep(callee: Func) -> bool:
    body = callee.body
    if body is None:
        return True
    src = text(body)
    if any(w in src for w in ("Close", "return", "<-", "go ", "defer ")):
        return True
    for c in callee.calls:
        if c.callee not in _BUILTINS and c.name not in _READS and not _is_std(callee.file, c.node):
            return True  # passed on: not followed further
    for site in callee.sites("assignment_statement"):
        left = site.node.child_by_field_name("left")
        if left is not None and any(t.type != "identifier" for t in left.named_children):
            return True  # stored into a field, an element or through a pointer
    return False


def _hands_off(gf: GoFile, ident: Node, keeps: Callable[[str], bool]) -> bool:
    parent = ident.parent
    if parent is None:
        return False
    if parent.type == "selector_expression":
        if text(parent.child_by_field_name("field")) != "Body":
            return False
        outer = parent.parent
        if outer is not None and outer.type == "selector_expression":
            return text(outer.child_by_field_name("field")) == "Close"
        return _escapes(gf, parent, keeps)
    if parent.type == "expression_list" and parent.parent is not None:
        decl = parent.parent
        binding = decl.type in ("short_var_declaration", "assignment_statement")
        if binding and decl.child_by_field_name("left") == parent:
            return False  # the binding itself
    if parent.type == "binary_expression":
        return False  # resp != nil
    return _escapes(gf, ident, keeps)


def _escapes(gf: GoFile, node: Node, keeps: Callable[[str], bool]) -> bool:
    """The value (resp or resp.Body) flows somewhere: an argument of a non-std call, a return,
    an assignment's right side, a composite literal, a channel send."""
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "unary_expression"):
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "argument_list":
        call = parent.parent
        if call is None or _is_std(gf, call):
            return False
        fn = call.child_by_field_name("function")
        return fn is None or fn.type != "identifier" or keeps(text(fn))
    if parent.type in ("literal_element", "keyed_element", "send_statement", "return_statement"):
        return True
    if parent.type == "expression_list":
        holder = parent.parent
        if holder is None:
            return False
        if holder.type == "return_statement":
            return True
        if holder.type in ("short_var_declaration", "assignment_statement", "var_spec"):
            return holder.child_by_field_name("right") == parent or holder.child_by_field_name("value") == parent
    return strip_parens(node) is None
