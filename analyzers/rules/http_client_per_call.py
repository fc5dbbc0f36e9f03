"""http-client-per-call

**What it does**
Flags an `http.Client` or `http.Transport` (a literal, or `DefaultTransport...Clone()`) that is
built inside a function, used there for requests (`Do`, `Get`, `Post`, `Head`, `PostForm`,
`RoundTrip`) and then dropped: one client per call, or per loop iteration.

**Why is this bad?**
A `Transport` owns the pool of idle keep-alive connections. A new one per call starts with an
empty pool, so every request pays a fresh TCP connect and TLS handshake (estimate: 1-100 ms, i.e.
1,000,000+ ns, against ~50 µs for a request on a pooled connection), and the abandoned transports
keep idle connections and goroutines open until they time out. A `Client` is safe for concurrent
use and meant to be shared; one built per call also discards its settings each time.

**Example**
```go
func fetch(url string) (*http.Response, error) {
    client := &http.Client{
        Timeout:   10 * time.Second,
        Transport: &http.Transport{MaxIdleConnsPerHost: 10},
    }
    return client.Get(url)
}
```

**Use instead**
```go
var client = &http.Client{
    Timeout:   10 * time.Second,
    Transport: &http.Transport{MaxIdleConnsPerHost: 10},
}

func fetch(url string) (*http.Response, error) {
    return client.Get(url)
}
```

**Known limits**
A client that is returned, stored in a struct field or package variable, or handed to another
function is not flagged (a constructor that stores it is the fix), nor one built once before a loop
that reuses it. `main`, `init`, tests and `New*` constructors are not flagged unless the client is
built inside a loop. A transport built on purpose for one exchange (torn down with
`CloseIdleConnections`, or dialling through a closure over per-call state) is left alone. A
`Client` without its own `Transport` shares `http.DefaultTransport`, so its pooled connections
survive; the message then only asks for reuse. A `Client` per call over a transport made elsewhere
(`&http.Client{Timeout: t, Transport: sharedTransport}`) reuses that pool and is not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import import_names
from analyzers.source import Func, Site, strip_parens, text

REQUEST_METHODS = ("Do", "Get", "Post", "Head", "PostForm", "RoundTrip")
_COLD = re.compile(r"^(main|init|Test|Example|Benchmark|Fuzz|New|new|Must|must)([A-Z_]|$)")
TRANSPORT_MSG = (
    "new http.Transport per call: no connection reuse, a TCP+TLS handshake per request (~1-100 ms); "
    "create it once and reuse it"
)
CLIENT_MSG = "http.Client created per call: create one client once and reuse it (safe for concurrent use)"


@rule("http-client-per-call", "io", static_evidence=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    for func in pkg.funcs:
        if func.file.is_test:
            continue
        http = import_names(func.file, "net/http")
        clients = {f"{h}.Client" for h in http}
        transports = {f"{h}.Transport" for h in http}
        wanted = clients | transports
        sites = [s for s in func.sites("composite_literal") if text(s.node.child_by_field_name("type")) in wanted]
        sites += [c for c in func.calls_named("Clone") if "Transport" in c.recv]
        if not sites:
            continue
        local_transports = _local_transports(sites, transports)
        for site in sites:
            is_client = text(site.node.child_by_field_name("type")) in clients
            if not is_client and _holder(site.node).type == "keyed_element":
                continue  # judged with the client that holds it
            if is_client and _transport_field(site.node) in local_transports:
                continue  # flagged at the transport's own line
            shared = _transport_field(site.node) if is_client else None
            if shared is not None and not shared.startswith("&"):
                continue  # `&http.Client{Transport: sharedTransport}`: the pool is reused, a Client is cheap
            if not _hot_only(func, site):
                continue
            if is_client:
                own = _transport_field(site.node)
                # No Transport of its own: http.DefaultTransport's pool is shared, only reuse is lost.
                if own is not None and own.startswith("&"):
                    yield Hit(func, _nested_transport(site.node) or _outer(site.node), TRANSPORT_MSG)
                else:
                    yield Hit(func, _outer(site.node), CLIENT_MSG)
            else:
                yield Hit(func, _outer(site.node), TRANSPORT_MSG)


def _outer(node: Node) -> Node:
    """The literal with its `&`, when taken by address."""
    parent = node.parent
    if parent is not None and parent.type == "unary_expression" and text(parent.child_by_field_name("operator")) == "&":
        return parent
    return node


def _holder(node: Node) -> Node:
    """The first ancestor that is not the literal's own `&`/parentheses/value wrapper."""
    node = _outer(node)
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "literal_element"):
        parent = parent.parent
    return parent if parent is not None else node


def _transport_field(lit: Node) -> str | None:
    """The Transport field's value text in a Client literal ('&...' for one built there), None if unset."""
    body = lit.child_by_field_name("body")
    for elem in body.named_children if body is not None else []:
        if elem.type != "keyed_element" or elem.named_child_count < 2:
            continue
        key, value = elem.named_children[0], elem.named_children[-1]
        if text(key) == "Transport":
            inner = value.named_children[0] if value.type == "literal_element" and value.named_child_count else value
            inner = strip_parens(inner) or inner
            if inner.type in ("unary_expression", "composite_literal"):
                return "&" + text(inner)
            if inner.type == "call_expression" and "Clone" in text(inner):
                return "&" + text(inner)
            return text(inner)
    return None


def _nested_transport(lit: Node) -> Node | None:
    body = lit.child_by_field_name("body")
    for elem in body.named_children if body is not None else []:
        if elem.type == "keyed_element" and elem.named_child_count >= 2 and text(elem.named_children[0]) == "Transport":
            return elem.named_children[-1]
    return None


def _bound_name(node: Node) -> str | None:
    """`x := <node>` / `var x = <node>` / `x = <node>`: the local name, else None."""
    holder = _holder(node)
    if holder.type != "expression_list":
        return None
    decl = holder.parent
    if decl is None or decl.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
        return None
    if decl.type == "var_spec":
        names = decl.children_by_field_name("name")
        values = holder.named_children
    else:
        left = decl.child_by_field_name("left")
        if left is None or decl.child_by_field_name("right") != holder:
            return None
        names = left.named_children
        values = holder.named_children
    if len(names) != len(values):
        return None
    for name, value in zip(names, values, strict=True):
        if value.start_byte <= node.start_byte and node.end_byte <= value.end_byte:
            return text(name) if name.type == "identifier" else None
    return None


def _local_transports(sites: list[Site], transports: set[str]) -> set[str]:
    out = set()
    for s in sites:
        if s.node.type == "call_expression" or text(s.node.child_by_field_name("type")) in transports:
            name = _bound_name(s.node)
            if name:
                out.add(name)
    return out


def _escapes(func: Func, name: str) -> bool:
    """The value leaves the function: returned, stored, sent, or handed to another call."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])(?!\s*\.)")
    for kind in ("return_statement", "send_statement"):
        for s in func.sites(kind):
            if pattern.search(text(s.node)):
                return True
    for s in func.sites("assignment_statement"):
        right = s.node.child_by_field_name("right")
        if right is not None and pattern.search(text(right)):
            return True
    for s in func.sites("composite_literal"):
        body = s.node.child_by_field_name("body")
        if body is not None and pattern.search(text(body)) and "Transport" not in text(body):
            return True
    for call in func.calls:
        if call.name in REQUEST_METHODS and call.recv == name:
            continue
        if any(pattern.search(text(a)) for a in call.args):
            return True
    return False


def _uses(func: Func, name: str) -> list[Site]:
    """Request calls on the client named `name`, or on a client built around the transport `name`."""
    uses: list[Site] = [c for c in func.calls_named(*REQUEST_METHODS) if c.recv == name]
    for s in func.sites("composite_literal"):
        if _transport_field(s.node) == name:
            client = _bound_name(s.node)
            if client:
                uses.extend(c for c in func.calls_named(*REQUEST_METHODS) if c.recv == client)
            elif _inline_request(s.node):
                uses.append(s)
    return uses


def _inline_request(node: Node) -> bool:
    """`(&http.Client{...}).Do(req)`."""
    holder = _holder(node)
    if holder.type != "selector_expression":
        return False
    field = text(holder.child_by_field_name("field"))
    return field in REQUEST_METHODS and holder.parent is not None and holder.parent.type == "call_expression"


def _deliberate(func: Func, lit: Node, name: str) -> bool:
    """A throwaway transport on purpose: a dialer closure over per-call state, or torn down after use."""
    if any(c.recv == name for c in func.calls_named("CloseIdleConnections")):
        return True
    body = lit.child_by_field_name("body")
    for elem in body.named_children if body is not None else []:
        if elem.type != "keyed_element" or elem.named_child_count < 2:
            continue
        if text(elem.named_children[0]).startswith("Dial") and "func(" in text(elem.named_children[-1]):
            return True
    return False


def _hot_only(func: Func, site: Site) -> bool:
    top = func
    while top.parent is not None:
        top = top.parent
    if _COLD.match(top.name) and not site.loops:
        return False
    if _inline_request(site.node):
        return True
    name = _bound_name(site.node)
    if name is None or _escapes(func, name) or _deliberate(func, site.node, name):
        return False
    depth = len(site.loops)
    # Built once before a loop that reuses it: fine. Used at the loop depth it was built at: per call.
    return any(len(u.loops) <= depth for u in _uses(func, name))
