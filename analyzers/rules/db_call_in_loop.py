"""db-call-in-loop

**What it does**
Flags a database query or statement (`Query`, `QueryRow`, `Exec` and their `Context` forms, sqlx
`Get`/`Select`/`NamedExec`) made on a `*sql.DB`, `*sql.Tx` or `*sql.Conn` (or an sqlx/pgx
equivalent, or a receiver named `db`/`tx`) inside a loop over a collection: the N+1 pattern.

**Why is this bad?**
Each call is a network round trip to the database plus statement parsing and planning (estimate:
~0.1-1 ms, i.e. 100,000-1,000,000 ns, per call). A loop over 1,000 IDs spends 0.1-1 s waiting,
where one batched statement takes a single round trip.

**Example**
```go
for _, id := range ids {
    var u User
    err := db.QueryRowContext(ctx, "SELECT id, name FROM users WHERE id = $1", id).Scan(&u.ID, &u.Name)
    ...
}
```

**Use instead**
```go
rows, err := db.QueryContext(ctx, "SELECT id, name FROM users WHERE id = ANY($1)", pq.Array(ids))
// or: a multi-row INSERT / COPY for writes, or at least one prepared statement inside a transaction
```

**Known limits**
Prepared statements (`*sql.Stmt`, `stmt.Exec` in a transaction) are the standard fix for bulk
inserts and are not flagged. Retry loops, loops over batches or chunks, loops running a list of
different statements (migrations), loops over databases or shards (`for _, s := range shards {
s.db.Exec(...) }`: the receiver is the item), and loops without a known length are not flagged. A
receiver whose type is unknown is recognised by its name (`db`, `tx`, `...DB`) or by an SQL string
literal argument.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._loops import expr_type, import_names, is_sized_loop, receiver_node, underlying
from analyzers.rules._util import is_small_constant_loop
from analyzers.source import Call, Func, Loop, strip_parens, text

QUERY_METHODS = (
    "Query",
    "QueryRow",
    "Exec",
    "QueryContext",
    "QueryRowContext",
    "ExecContext",
    "Queryx",
    "QueryRowx",
    "QueryxContext",
    "QueryRowxContext",
    "NamedExec",
    "NamedExecContext",
)
SQLX_METHODS = ("Get", "Select", "GetContext", "SelectContext")
DB_TYPES = frozenset({"DB", "Tx", "Conn", "Pool"})
DB_PACKAGES = frozenset({"sqlx", "pgx", "pgxpool"})
_DB_NAME = re.compile(r"^(db|tx|dbx|sqldb|database|dbconn|dbpool|conn|pool|\w*(DB|Db|Tx))$")
_SQL = re.compile(r"^[`\"]\s*(SELECT|INSERT|UPDATE|DELETE|UPSERT|REPLACE|MERGE|WITH)\b", re.IGNORECASE)
_NOT_N_PLUS_ONE = re.compile(
    r"retr|attempt|tries|backoff|batch|chunk|page|migrat|statement|stmts|queries|schema|ddl", re.IGNORECASE
)


@rule("db-call-in-loop", "io")
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*QUERY_METHODS, *SQLX_METHODS):
        return
    for func in pkg.funcs:
        for call in func.calls_named(*QUERY_METHODS, *SQLX_METHODS):
            if not call.loops or not _is_db_call(pkg, func, call):
                continue
            loop = next((lp for lp in reversed(call.loops) if _iterates(pkg, func, lp)), None)
            if loop is None or _statement_list(call, loop) or _per_item_handle(call, loop):
                continue
            yield Hit(
                func,
                call.node,
                f"{call.callee} inside a loop: one database round trip per element (~0.1-1 ms each); "
                "batch it (IN (...), multi-row INSERT, COPY) or prepare once in a transaction",
            )


def _is_db_call(pkg: Package, func: Func, call: Call) -> bool:
    recv = receiver_node(call)
    if recv is None or "stmt" in call.recv.lower():
        return False
    typ = underlying(pkg, expr_type(pkg, func, recv)).lstrip("*")
    sql = import_names(func.file, "database/sql")
    if typ:
        pkgname, _, tname = typ.rpartition(".")
        if tname in DB_TYPES and (pkgname in sql or pkgname in DB_PACKAGES):
            return True
    else:
        last = call.recv.rsplit(".", 1)[-1]
        if call.name in SQLX_METHODS:
            return bool(_DB_NAME.match(last)) and last not in ("conn", "pool") and len(call.args) >= 2
        if _DB_NAME.match(last):
            return True
    # A wrapper of unknown or interface type taking SQL text is a database call all the same.
    return any(_SQL.match(text(a)) for a in call.args[:2])


def _iterates(pkg: Package, func: Func, loop: Loop) -> bool:
    """A loop over a collection (or a result set) that is not a retry or batching loop."""
    if is_small_constant_loop(loop):
        return False
    if _NOT_N_PLUS_ONE.search(" ".join((loop.key, loop.value, loop.range_expr, loop.cond))):
        return False
    if loop.kind == "cond" and loop.cond.endswith(".Next()"):
        return True
    return is_sized_loop(pkg, func, loop)


def _per_item_handle(call: Call, loop: Loop) -> bool:
    """`for _, s := range shards { s.db.Exec(...) }`: a different database per item, not N+1."""
    root = call.recv.split(".", 1)[0].split("[", 1)[0]
    return root in {n for n in (loop.key, loop.value) if n and n != "_"}


def _statement_list(call: Call, loop: Loop) -> bool:
    """`for _, q := range stmts { db.Exec(q) }`: different statements, not one query N times."""
    index = (1 if call.name.endswith("Context") else 0) + (1 if call.name in SQLX_METHODS else 0)
    if index >= len(call.args):
        return False
    query = strip_parens(call.args[index]) or call.args[index]
    names = {n for n in (loop.key, loop.value) if n and n != "_"}
    if query.type == "identifier":
        return text(query) in names
    if query.type == "index_expression":
        return text(query.child_by_field_name("index")) in names
    if query.type == "selector_expression":
        return text(query.child_by_field_name("operand")) in names
    return False
