"""unbounded-read-all

**What it does**
Flags `io.ReadAll` / `ioutil.ReadAll` of a server-side HTTP request body (`r.Body` of an
`*http.Request`, gin's `c.Request.Body`, echo's `c.Request().Body`) or of a network connection,
when the function never bounds the body with `http.MaxBytesReader` or `io.LimitReader`.

**Why is this bad?**
The client chooses the size: a single request with a multi-gigabyte (or endless chunked) body
makes the server allocate all of it, and a few concurrent ones exhaust memory (a denial of
service). Even for honest clients, `ReadAll` grows its buffer by doubling, copying the data about
twice (estimate: ~0.1-0.3 ns per byte, ~50 ns per growth step, plus GC pressure).

**Example**
```go
func upload(w http.ResponseWriter, r *http.Request) {
    data, err := io.ReadAll(r.Body)
    ...
}
```

**Use instead**
```go
func upload(w http.ResponseWriter, r *http.Request) {
    r.Body = http.MaxBytesReader(w, r.Body, 1<<20) // 1 MiB
    data, err := io.ReadAll(r.Body)
    ...
}
```

**Known limits**
A read in the branch taken when a configured limit is off (`if maxBodySize < 0 { return
io.ReadAll(r.Body) }`, `limit == 0`, `limit <= 0`) is not flagged: the bound exists and the operator
lifted it. Limits applied by middleware elsewhere cannot be seen: a handler behind a body-limiting middleware
is flagged all the same (add a suppression comment there). Client-side response bodies
(`resp.Body`) are not flagged: the server you call is usually trusted, and `json.NewDecoder`
streaming is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import expr_type, import_names, is_pkg_call, underlying
from analyzers.source import Func, enclosing_branches, strip_parens, text

LIMITS = ("MaxBytesReader", "LimitReader", "LimitedReader", "MaxBytesHandler")
REQUEST_HOLDERS = {"*gin.Context": "Request", "echo.Context": "Request()"}
CONN_TYPES = frozenset({"net.Conn", "*net.TCPConn", "*net.UnixConn", "*tls.Conn"})


@rule("unbounded-read-all", "io", correctness=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any("ReadAll"):
        return
    for func in pkg.funcs:
        calls = [c for c in func.calls_named("ReadAll") if c.args]
        calls = [
            c
            for c in calls
            if is_pkg_call(c, func.file, "io", "ReadAll") or is_pkg_call(c, func.file, "io/ioutil", "ReadAll")
        ]
        if not calls:
            continue
        for call in calls:
            what = _unbounded_source(pkg, func, call.args[0])
            if what is None or _limited(func) or _client_side(func) or _configured_unlimited(call.node, func):
                continue
            fix = "http.MaxBytesReader (or io.LimitReader)" if what.endswith("body") else "io.LimitReader"
            yield Hit(
                func,
                call.node,
                f"{call.callee} of {what} is unbounded: the sender decides how much memory it takes; wrap it in {fix}",
            )


def _unbounded_source(pkg: Package, func: Func, arg: Node) -> str | None:
    arg = strip_parens(arg) or arg
    if arg.type == "selector_expression" and text(arg.child_by_field_name("field")) == "Body":
        holder = arg.child_by_field_name("operand")
        if holder is None:
            return None
        http = import_names(func.file, "net/http")
        if _type(pkg, func, holder) in {f"*{h}.Request" for h in http}:
            return "the request body"
        # gin: c.Request.Body; echo: c.Request().Body
        suffix = ""
        if holder.type == "call_expression":  # echo: c.Request().Body
            holder = holder.child_by_field_name("function") or holder
            suffix = "()"
        if holder.type != "selector_expression":
            return None
        base = holder.child_by_field_name("operand")
        field = text(holder.child_by_field_name("field")) + suffix
        if base is not None and REQUEST_HOLDERS.get(_type(pkg, func, base)) == field:
            return "the request body"
        return None
    if _type(pkg, func, arg) in CONN_TYPES:
        return "a network connection"
    return None


# `if fa.maxBodySize < 0 {`, `if limit == 0 {`, `if cfg.MaxBytes <= 0 {`: the branch taken when the
# configured limit is off.
_NO_LIMIT = re.compile(r"(?i)\b[\w.]*(max|limit)\w*\s*(<=?\s*0|==\s*(0|-1))(?![\w.])")


def _configured_unlimited(node: Node, func: Func) -> bool:
    """The read is in the branch for a limit configured off (traefik's forwardAuth.readBodyBytes:
    `if fa.maxBodySize < 0 { return io.ReadAll(req.Body) }`, then a bounded read): the bound exists
    and the operator chose to lift it."""
    return any(_NO_LIMIT.search(text(cond)) for cond, _ in enclosing_branches(node, func.node))


def _client_side(func: Func) -> bool:
    """An outgoing request (a RoundTripper, a client wrapper): our own body, not a client's."""
    top = func
    while top.parent is not None:
        top = top.parent
    return top.name == "RoundTrip" or any(w in (top.receiver or "") for w in ("Transport", "RoundTripper", "Client"))


def _type(pkg: Package, func: Func, node: Node) -> str:
    return underlying(pkg, expr_type(pkg, func, node))


def _limited(func: Func) -> bool:
    top = func
    while top.parent is not None:
        top = top.parent
    return any(f.calls_named(*LIMITS) for f in (top, *_closures(top)))


def _closures(func: Func) -> list[Func]:
    out: list[Func] = []
    stack = list(func.closures)
    while stack:
        f = stack.pop()
        out.append(f)
        stack.extend(f.closures)
    return out
