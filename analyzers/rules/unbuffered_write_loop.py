"""unbuffered-write-loop

**What it does**
Flags writes made once per iteration of a loop over a collection straight to an unbuffered
`*os.File` (`os.Create`/`os.OpenFile` results, `os.Stdout`, `*os.File` parameters and fields) or a
network connection (`net.Conn`, `*net.TCPConn`, `*tls.Conn`): `f.Write`, `f.WriteString`,
`fmt.Fprintf(f, ...)`, `io.WriteString(f, ...)`, and `fmt.Print*` (which writes to `os.Stdout`).

**Why is this bad?**
`*os.File` and network connections have no user-space buffer: every call is a `write` system call
(estimate: ~1-5 µs each, i.e. 1,000-5,000 ns, against ~10-50 ns for an append to a buffer), and on
a connection each small write can become its own TCP segment. Writing 100,000 lines costs
0.1-0.5 s in system calls alone.

**Example**
```go
f, err := os.Create(path)
if err != nil {
    return err
}
defer f.Close()
for _, r := range records {
    fmt.Fprintf(f, "%s,%d\n", r.Name, r.Count)
}
```

**Use instead**
```go
w := bufio.NewWriter(f)
for _, r := range records {
    fmt.Fprintf(w, "%s,%d\n", r.Name, r.Count)
}
if err := w.Flush(); err != nil {
    return err
}
```

**Known limits**
Writers of unknown concreteness (`io.Writer` parameters) are never flagged: the caller may pass a
buffered writer. `http.ResponseWriter`, `bufio.Writer`, `bytes.Buffer` and `strings.Builder` are
already buffered. `os.Stderr` is left alone (diagnostics are meant to be unbuffered), and so is
standard output in a `main` package or a package that builds a command with cobra, urfave/cli, kingpin
or kong (a command's output to a terminal, once per run); elsewhere a loop printing to standard output
is reported as information, not a warning (output read by people is a screenful). Loops without a
known length (`for {}`, condition loops, channel ranges) are left alone: each write usually must go out at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from analyzers.lifecycle import command_code_reason
from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import expr_type, import_names, is_pkg_call, is_sized_loop, receiver_node, underlying
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Call, Func, text

UNBUFFERED = {
    "*os.File": "file",
    "net.Conn": "connection",
    "*net.TCPConn": "connection",
    "*tls.Conn": "connection",
}
_METHODS = ("Write", "WriteString")
_FPRINT = ("Fprintf", "Fprint", "Fprintln")
_PRINT = ("Printf", "Print", "Println")
_DEBUG_FUNC = re.compile(r"debug|dump|trace", re.IGNORECASE)
_DEBUG = re.compile(r"debug|verbose|trace|dump|\bv\b|\bd\b|^\s*false\s*$", re.IGNORECASE)


@rule("unbuffered-write-loop", "io")
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*_METHODS, *_FPRINT, *_PRINT):
        return
    for func in pkg.funcs:
        for call in func.calls_named(*_METHODS, *_FPRINT, *_PRINT):
            if not call.loops:
                continue
            target = _target(pkg, func, call)
            if target is None:
                continue
            writer, kind = target
            if not any(is_sized_loop(pkg, func, lp) and not is_small_constant_loop(lp) for lp in call.loops):
                continue
            if _debug_only(func, call, kind == "stdout") or _then_exits(call):
                continue
            if kind == "stdout" and _command_line_output(pkg):
                continue
            what = call.callee or call.name
            yield Hit(
                func,
                call.node,
                f"{what} in a loop is one write syscall per iteration on an unbuffered {kind} (~1-5 µs each); "
                f"wrap {writer} in a bufio.Writer and Flush after the loop",
                # Standard output is read by people: a screenful of lines, information.
                severity="info" if kind == "stdout" else None,
            )


def _debug_only(func: Func, call: Call, stdout: bool) -> bool:
    """Output guarded by a debug/verbose flag, or printed by a debug/dump helper: diagnostics."""
    top = func
    while top.parent is not None:
        top = top.parent
    if stdout and _DEBUG_FUNC.search(top.name):
        return True
    stop = func.node.id
    node = call.node.parent
    while node is not None and node.id != stop:
        if node.type == "if_statement" and _DEBUG.search(text(node.child_by_field_name("condition"))):
            return True
        node = node.parent
    return False


def _command_line_output(pkg: Package) -> bool:
    """A command's own output: a `main` package or a package built on a command-line framework prints
    its results to the terminal once per run, where the write per line is no one's bottleneck."""
    return command_code_reason(pkg.files) is not None


def _then_exits(call: Call) -> bool:
    """`fmt.Printf("bad input"); return`: written once on the way out, not per iteration."""
    stmt = call.node.parent
    if stmt is None or stmt.type != "expression_statement":
        return False
    nxt = stmt.next_named_sibling
    while nxt is not None and nxt.type == "comment":
        nxt = nxt.next_named_sibling
    if nxt is None:
        return False
    return nxt.type in ("return_statement", "break_statement", "goto_statement") or text(nxt).startswith(
        ("os.Exit(", "panic(", "log.Fatal")
    )


def _target(pkg: Package, func: Func, call: Call) -> tuple[str, str] | None:
    """The unbuffered writer a call writes to, and what it is (file, connection, stdout)."""
    gf = func.file
    if is_pkg_call(call, gf, "fmt", *_PRINT):
        return "os.Stdout", "stdout"
    if is_pkg_call(call, gf, "fmt", *_FPRINT) or is_pkg_call(call, gf, "io", "WriteString"):
        node: Node | None = call.args[0] if call.args else None
    elif call.name in _METHODS and call.recv not in import_names(gf, "io"):
        node = receiver_node(call)
    else:
        return None
    if node is None:
        return None
    name = text(node)
    if name in {f"{os}.Stderr" for os in import_names(gf, "os")}:
        return None
    if name in {f"{os}.Stdout" for os in import_names(gf, "os")}:
        return name, "stdout"
    kind = UNBUFFERED.get(underlying(pkg, expr_type(pkg, func, node)))
    return (name, kind) if kind else None
