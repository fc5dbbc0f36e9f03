"""Environment variables a benchmark sets: those the function reads (`os.Getenv("GOPATH")`, `os.LookupEnv`)
and leaves by when they are unset (`if len(path) == 0 { log.Fatal(...) }`, `if v == "" { return }`,
`if !ok { return }`). `go test` passes the environment through, and a variable usually unset there (GOPATH)
took the exit or the early return: the benchmark sets it with `b.Setenv`, to a temporary directory when its
name or the variable holding it says it is a path or a directory, else to "1" (non-empty, and a number or a
true boolean where parsed). A default put in its place (`if dir == "" { dir = "./out" }`) is left alone.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.source import Func, descendants, strip_parens, text

_EMPTY = re.compile(r'==\s*""|""\s*==|len\([^()]*\)\s*(==\s*0|<\s*1)|^\s*!\s*\w+\s*$')
_PATHLIKE = re.compile(r"(?i)(path|dir|home|root|tmp|temp|cache)")
_LEAVES = re.compile(r"(^|\.)(panic|Exit|Exitf|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln|Goexit)$")


def environment(func: Func) -> list[tuple[str, str]]:
    """(variable, Go expression of its value) for each variable func reads and checks for being unset."""
    body = func.body
    if body is None:
        return []
    reads: dict[str, set[str]] = {}  # variable -> names its value is assigned to (or "" for a direct check)
    for node in descendants(body):
        if node.type != "call_expression":
            continue
        name = _env_read(node, func)
        if name is None:
            continue
        reads.setdefault(name, set()).update(_assigned(node))
    if not reads:
        return []
    conditions = [c for c in (n.child_by_field_name("condition") for n in descendants(body)
                              if n.type == "if_statement" and _leaves(n)) if c is not None]
    out: list[tuple[str, str]] = []
    for name, holders in reads.items():
        for cond in conditions:
            if not _EMPTY.search(text(cond)):
                continue
            mentioned = {text(n) for n in descendants(cond) if n.type == "identifier"}
            direct = any(_env_read(n, func) == name for n in descendants(cond) if n.type == "call_expression")
            if direct or mentioned & holders:
                pathlike = any(_PATHLIKE.search(n) for n in (name, *holders))
                out.append((name, "b.TempDir()" if pathlike else '"1"'))
                break
    return out


def _leaves(stmt: Node) -> bool:
    """The `if`'s own branch returns, exits or panics."""
    branch = stmt.child_by_field_name("consequence")
    if branch is None:
        return False
    for n in descendants(branch):
        if n.type == "return_statement":
            return True
        if n.type == "call_expression" and _LEAVES.search(text(n.child_by_field_name("function"))):
            return True
    return False


def _env_read(call: Node, func: Func) -> str | None:
    """The variable `os.Getenv("X")` or `os.LookupEnv("X")` reads, by its literal name."""
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression":
        return None
    operand = fn.child_by_field_name("operand")
    if operand is None or operand.type != "identifier" or func.file.imports.get(text(operand)) != "os":
        return None
    if text(fn.child_by_field_name("field")) not in ("Getenv", "LookupEnv"):
        return None
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is None or first.type != "interpreted_string_literal":
        return None
    name = text(first)[1:-1]
    return name if re.fullmatch(r"\w+", name) else None


def _assigned(call: Node) -> set[str]:
    """The names the statement holding call assigns (`path := filepath.SplitList(os.Getenv("GOPATH"))`,
    `v, ok := os.LookupEnv("X")`)."""
    node: Node | None = call
    while node is not None and node.type not in ("short_var_declaration", "assignment_statement", "var_spec",
                                                  "block", "function_declaration", "method_declaration"):
        node = node.parent
    if node is None or node.type in ("block", "function_declaration", "method_declaration"):
        return set()
    left = node.child_by_field_name("left") or node.child_by_field_name("name")
    if left is None:
        return set()
    found = {text(n) for n in descendants(left) if n.type == "identifier"}
    if left.type == "identifier":
        found.add(text(left))
    return found
