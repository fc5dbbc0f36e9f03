"""Syntax the path reader needs: the statement a finding line starts, whether a block always leaves,
HTTP calls whose response comes from the local server, `r.URL.Query()` and `r.Form`."""

from __future__ import annotations

from collections.abc import Sequence

from tree_sitter import Node

from analyzers.source import Func, strip_parens, text

_TERMINATORS = ("return_statement", "continue_statement", "break_statement", "goto_statement")
_EXITS = frozenset({"panic", "log.Fatal", "log.Fatalf", "log.Panicf", "os.Exit", "log.Fatalln"})


def targets(func: Func, lines: Sequence[int]) -> list[Node]:
    """The outermost statement starting on each line (the loops of the function when no line is given)."""
    body = func.body
    if body is None:
        return []
    if not lines:
        deepest = [lp.node for lp in func.loops if lp.depth == max(x.depth for x in func.loops)]
        if deepest:
            return deepest
        stmts = [c for c in body.named_children if c.type == "statement_list"]
        last = stmts[-1].named_children[-1] if stmts and stmts[-1].named_children else None
        return [last] if last is not None else [body]  # the end: every guard before it must pass
    src = func.file.src.split(b"\n")
    out: list[Node] = []
    for line in lines:
        if not func.start_line <= line <= func.end_line or line - 1 >= len(src):
            continue
        raw = src[line - 1]
        col = len(raw) - len(raw.lstrip())
        node: Node | None = body.descendant_for_point_range((line - 1, col), (line - 1, col))
        while node is not None and node.parent is not None and node.parent != body \
                and node.parent.start_point[0] == line - 1 and node.parent.type not in ("block", "statement_list"):
            node = node.parent
        if node is not None and node not in out:
            out.append(node)
    return out


def _is_http_call(node: Node) -> bool:
    """resp, err := http.Get(u) / client.Do(req) / client.Get(u): a response from the local server."""
    if node.type != "call_expression":
        return False
    fn = text(node.child_by_field_name("function"))
    return fn in ("http.Get", "http.Post", "http.Head", "http.PostForm") or fn.endswith(
        (".Do", ".RoundTrip")) or (fn.rsplit(".", 1)[-1] in ("Get", "Post", "Head") and "lient" in fn)


def _query_call(node: Node | None) -> Node | None:
    """For `r.URL.Query()` (and `r.Form`), the request expression r."""
    node = strip_parens(node)
    if node is None:
        return None
    if node.type == "call_expression":
        fn = strip_parens(node.child_by_field_name("function"))
        field = text(fn.child_by_field_name("field")) if fn is not None else ""
        if fn is not None and fn.type == "selector_expression" and field == "Query":
            url = strip_parens(fn.child_by_field_name("operand"))
            if url is not None and url.type == "selector_expression" and \
                    text(url.child_by_field_name("field")) == "URL":
                return url.child_by_field_name("operand")
    if node.type == "selector_expression" and text(node.child_by_field_name("field")) in ("Form", "PostForm"):
        return node.child_by_field_name("operand")
    return None


def _exits(block: Node | None) -> bool:
    if block is None:
        return False
    stmts = [c for c in block.named_children if c.type != "comment"]
    if stmts and stmts[-1].type == "statement_list":
        stmts = [c for c in stmts[-1].named_children if c.type != "comment"]
    if not stmts:
        return False
    last = stmts[-1]
    if last.type in _TERMINATORS:
        return True
    if last.type == "expression_statement" and last.named_children:
        call = last.named_children[0]
        if call.type == "call_expression":
            fn = text(call.child_by_field_name("function"))
            return fn in _EXITS or fn.endswith((".Fatal", ".Fatalf", ".FailNow"))
    return False


def _leaves(block: Node | None) -> bool:
    """A block that ends the function (return, panic, log.Fatal), not only the loop's iteration."""
    if not _exits(block) or block is None:
        return False
    stmts = [c for c in block.named_children if c.type != "comment"]
    if stmts and stmts[-1].type == "statement_list":
        stmts = [c for c in stmts[-1].named_children if c.type != "comment"]
    return stmts[-1].type not in ("continue_statement", "break_statement")


def _runs_now(lit: Node) -> bool:
    """A function literal called right away: `func() {...}()` or the argument of `once.Do(...)`."""
    parent = lit.parent
    if parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == lit:
        return True
    call = parent.parent if parent is not None and parent.type == "argument_list" else None
    fn = call.child_by_field_name("function") if call is not None else None
    return fn is not None and fn.type == "selector_expression" and text(fn.child_by_field_name("field")) == "Do"
