"""huge-param

**What it does**
Flags a function or method that takes a same-package struct larger than 128 bytes by value, as a
parameter or as the receiver, and only reads it; likewise a parameter of an array type larger than
128 bytes (`[256]byte`, `[32]Point`).

**Why is this bad?**
Every call copies the whole struct onto the callee's stack (estimate: ~5-10 ns per 256 bytes, more
when the copy misses the cache), and the copy defeats inlining budgets; a pointer costs 8 bytes.

**Example**
```go
func (s Server) handle(req Request) { // Server and Request are both ~400 bytes
    ...
}
```

**Use instead**
```go
func (s *Server) handle(req *Request) {
    ...
}
```

**Known limits**
The threshold is 128 bytes: above gocritic's hugeParam default of 80 (which flags structs ordinary code
passes by value without harm), so that what is flagged is unambiguously large. Sizes are estimated from
the fields on 64-bit platforms; a struct with a field of unknown size (another package's struct) is
skipped. Not flagged: parameters the function assigns to or takes the address of (it relies on its own
copy), or stores whole (`m[id] = sb`, `append(xs, sb)`, a send, a composite literal: a pointer parameter
would be copied from all the same), function literals (their signature is usually imposed), constructors
(`New*`), `main`/`init`, and methods whose value receiver is conventional for an interface (`String`,
`Error`, `Format`, `MarshalJSON`, `Value`, ...). A method may need a value receiver to satisfy an
interface the rule cannot see. Methods that an interface of the package lists are not flagged (their
signature is imposed), nor value receivers of one-statement accessors without calls (`return c.Name`):
the compiler inlines them and the copy goes with the call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import known_struct
from analyzers.source import FIELD, Func, text

THRESHOLD = 128
_ARRAY = re.compile(r"^\[\d+\]")  # an array type written out: `[256]byte`, `[16]Point`
_SKIP_NAMES = frozenset({"main", "init", "String", "Error", "Format", "GoString", "MarshalJSON", "MarshalText",
                         "MarshalBinary", "MarshalYAML", "Value", "Clone", "Copy", "With"})
_CTOR = re.compile(r"^(New|new|Must|must|Make|make|Test|Benchmark|Fuzz|Example)([A-Z_]|$)")


@rule("huge-param", "alloc", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    ptr: dict[str, set[str]] = {}
    for f in pkg.funcs:
        if f.receiver and f.pointer_receiver and not f.is_literal:
            ptr.setdefault(f.receiver, set()).add(f.name)
    imposed = _interface_methods(pkg)
    for func in pkg.funcs:
        if func.is_literal or func.name in _SKIP_NAMES or _CTOR.match(func.name):
            continue
        if func.receiver and func.name in imposed:
            continue  # an interface of the package fixes the signature
        if func.receiver and not func.pointer_receiver and func.receiver_name not in ("", "_") \
                and not _accessor(func):
            size = _big(pkg, func.receiver)
            recv = func.node.child_by_field_id(FIELD.receiver)
            writes = ptr.get(func.receiver, set())
            if size is not None and recv is not None and not _written(func, func.receiver_name, writes):
                yield Hit(
                    func,
                    recv,
                    f"value receiver {func.receiver_name} {func.receiver} copies {size} bytes per call; "
                    f"use a pointer receiver (*{func.receiver})",
                    key=f"receiver {func.receiver}",
                )
        params = func.node.child_by_field_id(FIELD.parameters)
        for decl in params.named_children if params is not None else []:
            if decl.type != "parameter_declaration":
                continue
            typ = text(decl.child_by_field_id(FIELD.type))
            size = _big(pkg, typ)
            names = [text(n) for n in decl.children_by_field_name("name") if text(n) != "_"]
            if size is None or not names or any(_written(func, n, ptr.get(typ, set())) for n in names):
                continue
            shown = ", ".join(names)
            yield Hit(
                func,
                decl,
                f"{shown} {typ} is passed by value, copying {size} bytes per call; pass *{typ}",
                key=f"param {shown} {typ}",
            )


def _interface_methods(pkg: Package) -> set[str]:
    """Method names that interfaces declared in the package list: their signatures are imposed."""
    out: set[str] = set()
    for body in pkg.type_defs.values():
        if body.startswith("interface"):
            out.update(_METHOD_NAME.findall(body))
    return out


_METHOD_NAME = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def _accessor(func: Func) -> bool:
    """A one-statement method with no calls (`return c.Name`, `return op.t == tPut`): the compiler
    inlines it and the receiver copy disappears with the call."""
    body = func.body
    stmts = [c for c in body.named_children if c.type != "comment"] if body is not None else []
    if len(stmts) == 1 and stmts[0].type == "statement_list":
        stmts = [c for c in stmts[0].named_children if c.type != "comment"]
    if len(stmts) != 1 or stmts[0].type != "return_statement":
        return False
    return "(" not in text(stmts[0]) or all(c.name in ("len", "cap") for c in func.calls)


def _big(pkg: Package, typ: str) -> int | None:
    typ = typ.strip()
    if not known_struct(pkg, typ) and not _ARRAY.match(typ):
        return None
    size = pkg.size_of(typ)
    return size if size is not None and size > THRESHOLD else None


def _written(func: Func, name: str, mutating: set[str]) -> bool:
    """The body assigns to name or its fields, increments it, or takes its address."""
    body = func.body
    if body is None:
        return True
    stack: list[Node] = [body]
    while stack:
        n = stack.pop()
        if n.type == "identifier" and text(n) == name and _writes(n, mutating):
            return True
        stack.extend(n.named_children)
    return False


def _kept_whole(ident: Node) -> bool:
    """The bare value is stored or handed on whole: the right side of an assignment (`m[id] = sb`), an
    element of a composite literal, an argument of append or a send (containerd's sandbox Store.Add
    stores the Sandbox in its map: a pointer parameter would be copied from all the same)."""
    p = ident.parent
    if p is None:
        return False
    if p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement":
        return p.parent.child_by_field_id(FIELD.right) == p
    if p.type in ("literal_element", "keyed_element") or p.type == "send_statement":
        return p.type != "send_statement" or p.child_by_field_id(FIELD.value) == ident
    if p.type == "argument_list" and p.parent is not None and p.parent.type == "call_expression":
        fn = p.parent.child_by_field_id(FIELD.function)
        return fn is not None and text(fn) == "append" and p.named_children[:1] != [ident]
    return False


def _writes(ident: Node, mutating: set[str]) -> bool:
    top = ident
    while top.parent is not None and top.parent.type in ("selector_expression", "index_expression",
                                                         "parenthesized_expression") \
            and top.parent.named_children[0] == top:
        top = top.parent
    p = top.parent
    if p is None:
        return False
    if top is ident and _kept_whole(ident):
        return True  # the function keeps a copy of the whole value: a pointer would be copied from
    if p.type == "unary_expression" and text(p.child_by_field_id(FIELD.operator)) == "&":
        return True
    if p.type in ("inc_statement", "dec_statement"):
        return True
    sel = ident.parent
    if sel is not None and sel.type == "selector_expression" and sel.parent is not None \
            and sel.parent.type == "call_expression" and sel.parent.child_by_field_id(FIELD.function) == sel:
        return text(sel.child_by_field_id(FIELD.field)) in mutating  # a pointer method writes the copy
    if p.type == "expression_list" and p.parent is not None and p.parent.type in (
        "assignment_statement", "short_var_declaration"
    ):
        return p.parent.child_by_field_id(FIELD.left) == p and p.parent.type == "assignment_statement"
    return False
