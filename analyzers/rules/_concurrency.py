"""Blocking-operation shapes and buffered channels for the concurrency rules.

Private to lock-in-loop, lock-held-across-io, atomic-candidate, rwmutex-candidate, mutex-copy,
goroutine-per-item, goroutine-leak-sender, time-after-in-loop and sleep-polling; lock regions and
guarded mutexes are in _locks.py.
"""

from __future__ import annotations

from tree_sitter import Node

from analyzers.package import LOCK_TYPES, Package
from analyzers.source import FIELD, Call, Func, GoFile, text
from analyzers.typeinfer import expr_type

UNLOCK_OF = {"Lock": "Unlock", "RLock": "RUnlock"}
INT_TYPES = frozenset({"int", "int64", "int32", "uint", "uint64", "uint32", "uintptr"})
__all__ = ["expr_type", "field_type"]


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Package-level functions that block on the network, the disk or the clock, by import path.
_BLOCKING_FUNCS: dict[str, frozenset[str]] = {
    "net/http": _names("Get Post Head PostForm"),
    "net": _names(
        "Dial DialTimeout DialTCP DialUDP DialUnix Listen LookupHost LookupIP LookupAddr LookupCNAME LookupMX "
        "LookupTXT LookupSRV"
    ),
    "crypto/tls": _names("Dial DialWithDialer"),
    "os": _names("ReadFile WriteFile Open Create OpenFile ReadDir Remove RemoveAll Rename Mkdir MkdirAll Truncate"),
    "io/ioutil": _names("ReadFile WriteFile ReadDir"),
    "time": _names("Sleep"),
}
_SQL_QUERIES = "Query QueryContext QueryRow QueryRowContext Exec ExecContext Prepare PrepareContext "
# Methods that block, by the receiver's type as written (pointer or not).
_BLOCKING_METHODS: dict[str, frozenset[str]] = {
    "http.Client": _names("Do Get Post Head PostForm"),
    "os.File": _names("Read Write WriteString ReadAt WriteAt Sync ReadFrom ReadDir Readdir Readdirnames Truncate"),
    "net.Conn": _names("Read Write"),
    "net.TCPConn": _names("Read Write ReadFrom"),
    "net.UDPConn": _names("Read Write ReadFrom WriteTo ReadFromUDP WriteToUDP"),
    "net.UnixConn": _names("Read Write"),
    "tls.Conn": _names("Read Write Handshake"),
    "sql.DB": _names(_SQL_QUERIES + "Ping PingContext Begin BeginTx"),
    "sql.Tx": _names(_SQL_QUERIES + "Commit Rollback"),
    "sql.Conn": _names("QueryContext QueryRowContext ExecContext PingContext BeginTx"),
    "sql.Stmt": _names("Query QueryContext QueryRow QueryRowContext Exec ExecContext"),
    "sync.WaitGroup": _names("Wait"),
    "exec.Cmd": _names("Run Output CombinedOutput Wait"),
    "net.Listener": _names("Accept"),
}
# Readers that are network or disk streams whatever wraps them: `io.ReadAll(resp.Body)`.
_STREAM_READS = frozenset({"ReadAll", "Copy", "CopyN", "ReadFull"})
# When the receiver type is unknown or a local stand-in: database methods whose names say what
# they do, and receivers whose names say what they are.
_DB_CONTEXT_METHODS = frozenset({"QueryContext", "ExecContext", "QueryRowContext"})
_NAMED_RECEIVERS: dict[str, frozenset[str]] = {
    "db": _BLOCKING_METHODS["sql.DB"],
    "tx": _BLOCKING_METHODS["sql.Tx"],
    "conn": frozenset({"Read", "Write"}),
    "client": frozenset({"Do"}),
    "httpclient": frozenset({"Do"}),
    "wg": frozenset({"Wait"}),
}


# ---------------------------------------------------------------- package calls


def import_names(gf: GoFile, path: str) -> set[str]:
    """Local names under which gf imports path (the default name when the file shows no import)."""
    return set(gf.names_of(path)) or {path.rsplit("/", 1)[-1]}


def is_pkg_call(func: Func, call: Call, path: str, *names: str) -> bool:
    """`time.Sleep(...)`: a call of a package function through the file's import name."""
    if call.name not in names or not call.recv or "." in call.recv:
        return False
    return call.recv in import_names(func.file, path) and func.lookup(call.recv, call.node) is None


def field_type(pkg: Package, struct_type: str, name: str) -> str:
    return pkg.types.field(struct_type, name, None)


def holds_lock_value(pkg: Package, typ: str) -> bool:
    """A non-pointer type that is, or directly contains, a sync lock or an atomic value."""
    typ = typ.strip()
    if not typ or typ.startswith(("*", "[]", "map[", "chan ", "func", "...")):
        return False
    if typ in LOCK_TYPES or typ.startswith("atomic."):
        return True
    return pkg.has_lock(typ) and not typ.startswith("*")


# ---------------------------------------------------------------- blocking operations


def _method_blocks(pkg: Package, func: Func, call: Call) -> bool:
    fn = call.node.child_by_field_id(FIELD.function)
    operand = fn.child_by_field_id(FIELD.operand) if fn is not None and fn.type == "selector_expression" else None
    if operand is None:
        return False
    typ = expr_type(pkg, func, operand).lstrip("*")
    if typ in _BLOCKING_METHODS:
        return call.name in _BLOCKING_METHODS[typ]
    if typ in LOCK_TYPES or typ.startswith(("bytes.", "strings.", "bufio.", "atomic.")):
        return False
    if call.name in _DB_CONTEXT_METHODS:
        return True
    last = call.recv.rsplit(".", 1)[-1].lower()
    return call.name in _NAMED_RECEIVERS.get(last, frozenset())


def call_blocks(pkg: Package, func: Func, call: Call) -> bool:
    """A call that waits on the network, the disk, a database, a process, a WaitGroup or the clock."""
    if not call.recv:
        return False
    if "." not in call.recv:
        for path, names in _BLOCKING_FUNCS.items():
            if call.name in names and is_pkg_call(func, call, path, call.name):
                return True
        if call.name in _STREAM_READS and is_pkg_call(func, call, "io", call.name):
            return any(text(a).endswith(".Body") or "conn" in text(a).lower() for a in call.args)
    return _method_blocks(pkg, func, call)


def in_select_case(node: Node) -> bool:
    """A send or receive that is the communication of a select case (the select decides blocking)."""
    parent = node.parent
    if parent is not None and parent.type == "receive_statement":
        parent = parent.parent
    return parent is not None and parent.type == "communication_case"


def has_default(select: Node) -> bool:
    body = select.child_by_field_id(FIELD.body) or select
    return any(c.type == "default_case" for c in body.named_children)


def locally_buffered(func: Func, chan: Node) -> bool:
    """`ch := make(chan T, n)` in this function with a capacity written out."""
    if chan.type != "identifier":
        return False
    d = func.decl(text(chan), chan)
    return d is not None and bool(d.make_args) and d.make_args[0] not in ("0", "")


def buffered_fields(pkg: Package) -> set[str]:
    """Field names the package ever sets to a channel made with a capacity (`x.ch = make(chan T, 1)`,
    `T{ch: make(chan T, 1)}`)."""
    out: set[str] = set()
    for func in pkg.funcs:
        for call in func.calls_named("make"):
            if len(call.args) < 2 or not text(call.args[0]).startswith("chan") or text(call.args[1]) == "0":
                continue
            parent = call.node.parent
            if parent is not None and parent.type == "literal_element":
                parent = parent.parent
            if parent is not None and parent.type == "keyed_element" and parent.named_child_count == 2:
                out.add(text(parent.named_children[0]))
            elif parent is not None and parent.type == "expression_list" and parent.parent is not None:
                stmt = parent.parent
                left = stmt.child_by_field_id(FIELD.left)
                if stmt.type == "assignment_statement" and left is not None and left.named_child_count == 1:
                    target = left.named_children[0]
                    if target.type == "selector_expression":
                        out.add(text(target.child_by_field_id(FIELD.field)))
    return out


class Buffered:
    """Whether a channel expression is known to be buffered (package facts computed on first use)."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self._fields: set[str] | None = None

    def __call__(self, func: Func, chan: Node) -> bool:
        if chan.type == "identifier":
            return locally_buffered(func, chan)
        if chan.type != "selector_expression":
            return False
        if self._fields is None:
            self._fields = buffered_fields(self.pkg)
        return text(chan.child_by_field_id(FIELD.field)) in self._fields


def is_receive(node: Node) -> bool:
    return node.type == "unary_expression" and text(node.child_by_field_id(FIELD.operator)) == "<-"


def blocking_ops(
    pkg: Package, func: Func, start: int, end: int, buffered: Buffered | None = None
) -> list[tuple[Node, str]]:
    """Blocking operations of func (closures excluded) between byte offsets start and end. Sends to
    channels known to be buffered are left out when `buffered` is given."""
    out: list[tuple[Node, str]] = []

    def inside(n: Node) -> bool:
        return start <= n.start_byte and n.end_byte <= end

    for call in func.calls:
        if inside(call.node) and call_blocks(pkg, func, call):
            out.append((call.node, call.callee or call.name))
    for site in func.sites("send_statement"):
        node = site.node
        if inside(node) and not in_select_case(node):
            chan = node.child_by_field_id(FIELD.channel)
            if chan is None or not (locally_buffered(func, chan) if buffered is None else buffered(func, chan)):
                out.append((node, "channel send"))
    for site in func.sites("unary_expression"):
        if inside(site.node) and is_receive(site.node) and not in_select_case(site.node):
            out.append((site.node, "channel receive"))
    for site in func.sites("select_statement"):
        if inside(site.node) and not has_default(site.node):
            out.append((site.node, "select without default"))
    return out
