"""Functions no generated input can run as a benchmark, read from their syntax: each check returns the
reason the benchmark gives to b.Skip, or None.

They name what the generator cannot see: a lock taken again before its deferred unlock, positions or
links between values that only the package's own callers keep consistent, a loop that advances only
while an invariant between values holds, a half of a pair (Unlock without Lock), a wait on a channel or
sync.Cond that only another goroutine signals, a body that always panics, a lexer's state function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tree_sitter import Node

from analyzers.package import Package
from analyzers.report.benchpaths import PathReader
from analyzers.report.benchreach import PackageIndex
from analyzers.source import Func, descendants, strip_parens, text

# Second halves of pairs: timed alone they undo what nothing did (and often panic saying so).
_PAIRS: dict[str, str | tuple[str, ...]] = {
    "Unlock": "Lock", "RUnlock": "RLock", "Done": ("Start", "Add"), "Release": "Acquire", "End": "Begin",
    "Leave": "Enter", "Exit": "Enter", "Pop": "Push", "Finish": "Start"}
_INT_PARAMS = ("int", "int32", "int64", "uint", "uint32", "uint64", "Pos")
_EXITS = ("return_statement", "break_statement", "goto_statement")
# Methods that undo the last read of a scanner or lexer.
_STEP_BACK = frozenset({"back", "backup", "unread", "unreadbyte", "unreadrune", "stepback"})


def relocks(func: Func) -> str | None:
    """`for ... { mu.Lock(); defer mu.Unlock() }` locks again before the deferred unlock runs."""
    for call in func.calls_named("Lock", "RLock"):
        if not call.loops:
            continue
        unlock = call.recv + (".Unlock()" if call.name == "Lock" else ".RUnlock()")
        for site in func.sites("defer_statement"):
            if site.loops and site.loops[-1] is call.loops[-1] and text(site.node).endswith(unlock):
                return (f"deadlocks from the second iteration (line {call.line}): {call.recv}.{call.name}() runs "
                        "again before the deferred unlock")
    return None


def positions(func: Func) -> str | None:
    """An unexported method whose int parameters index its receiver's own slices (directly or through a
    loop they bound) relies on the positions its callers compute: no valid value is visible here."""
    recv = func.receiver_name
    if not recv or func.name[:1].isupper():
        return None
    ints = {p.name for p in func.params if p.name and p.type in _INT_PARAMS}
    if not ints:
        return None
    bound = set(ints)
    for loop in func.loops:
        header = text(loop.node)[: text(loop.node).find("{")]
        if any(re.search(rf"\b{re.escape(p)}\b", header) for p in ints) and loop.key:
            bound.add(loop.key)
        for child in loop.node.named_children:
            if child.type == "for_clause":
                init = child.child_by_field_name("initializer")
                if init is not None and any(re.search(rf"\b{re.escape(p)}\b", text(init)) for p in ints):
                    left = init.child_by_field_name("left")
                    bound |= {text(c) for c in left.named_children} if left is not None else set()
    for site in func.sites("index_expression"):
        operand = text(site.node.child_by_field_name("operand"))
        index = text(site.node.child_by_field_name("index"))
        if operand.startswith(recv + ".") and any(re.search(rf"\b{re.escape(p)}\b", index) for p in bound):
            names = ", ".join(sorted(ints))
            return (f"its parameters ({names}) are positions into {operand}, which only its callers inside the "
                    "package know how to compute")
    return None


def steps_back(func: Func, index: PackageIndex) -> str | None:
    """A scanner's method that undoes a read (`d.back()`, `l.backup()`) which panics when there was none:
    valid only after the read its caller did first, which a benchmark of the method alone does not do."""
    for call in func.calls:
        if call.name.lower() not in _STEP_BACK:
            continue
        callee = index.callee(call.node, func)
        recv = callee.receiver_name if callee is not None else None
        if callee is None or not recv or callee.body is None:
            continue
        for site in callee.sites("if_statement"):
            cond = text(site.node.child_by_field_name("condition"))
            consequence = text(site.node.child_by_field_name("consequence"))
            if re.search(rf"\b{re.escape(recv)}\.\w+", cond) and re.search(r"\bpanic\(", consequence):
                return (f"it steps back with {callee.qualified_name} (line {call.line}), which panics unless "
                        f"a read came first ({cond.strip('() ')}): only its callers read before calling it")
    return None


def always_panics(func: Func) -> str | None:
    """A body whose first statement panics: every call fails, by design."""
    body = func.body
    stmts = [c for c in (body.named_children if body is not None else []) if c.type != "comment"]
    if stmts and stmts[0].type == "statement_list":
        stmts = [c for c in stmts[0].named_children if c.type != "comment"]
    if stmts and stmts[0].type == "expression_statement" and text(stmts[0]).startswith("panic("):
        return f"it always panics (line {stmts[0].start_point[0] + 1})"
    return None


def nil_package_pointer(func: Func, pkg: Package) -> str | None:
    """`injectCond.L.Lock()` on a package-level `var injectCond *sync.Cond` that has no initializer and
    that only the package's own set-up assigns (grpc's benchmark stats, set in RunTestMain): nil when a
    generated benchmark calls the function, which does not check it."""
    code = text(func.node)
    for name, typ in pkg.vars.items():
        if not typ.startswith("*") or f"{name}." not in code:
            continue
        spec = pkg.var_nodes.get(name)
        if spec is None or spec.child_by_field_name("value") is not None:
            continue
        if re.search(rf"\b{re.escape(name)}\s*[!=]=\s*nil\b|\bnil\s*[!=]=\s*{re.escape(name)}\b", code):
            continue  # the function checks it
        used = [c for c in func.calls if c.recv == name or c.recv.startswith(name + ".")]
        if used and func.decl(name, used[0].node) is None:
            return (f"uses the package variable {name} ({typ}), nil until the package's own set-up assigns it "
                    f"(line {used[0].line})")
    return None


def second_half(func: Func, methods: dict[str, Func]) -> str | None:
    """Unlock, Done, Release ... of a type that has the first half: alone it undoes what never happened."""
    lead = re.match(r"[A-Z][a-z]+", func.name)  # PopItem, PopFront: a Pop
    first = _PAIRS.get(func.name) or (_PAIRS.get(lead.group(0)) if lead else None)
    if not func.receiver or first is None:
        return None
    for name in (first,) if isinstance(first, str) else first:
        if name in methods:
            return f"{func.name} undoes {func.receiver}.{name}: timed alone it breaks the pairing the type checks"
    return None


def unlocks_unheld(func: Func) -> str | None:
    """`mux.mutex.Lock()` ... `s.mux.mutex.Unlock()` (go-ethereum's `TypeMux.del`), or an unlock of a mutex
    its caller locked: a benchmark calls it holding nothing, and unlocking an unlocked sync mutex is a fatal
    error, which no recover catches and which ends the whole benchmark binary. A lock through a helper of
    the package (`c.lockState()`) may be the one it releases: then it is not skipped."""
    locks = func.calls_named("Lock", "RLock", "TryLock", "TryRLock")  # TryLock: a lock when it returns true
    if any("lock" in c.name.lower() and c.name not in ("Lock", "RLock", "TryLock", "TryRLock", "Unlock", "RUnlock")
           for c in func.calls):
        return None
    for call in func.calls_named("Unlock", "RUnlock"):
        if call.recv and not any(c.recv == call.recv and c.node.start_byte < call.node.start_byte for c in locks):
            return (f"unlocks {call.recv} (line {call.line}), which it did not lock: only a caller that holds "
                    "it can call it, and unlocking an unlocked mutex ends the benchmark binary")
    return None


def done_unadded(func: Func, index: PackageIndex) -> str | None:
    """`jt.wg.Done()` on the receiver's sync.WaitGroup with no `jt.wg.Add` before it (minio's
    `JobTokens.Give`, which undoes `Take`): called alone, the counter goes below zero and Done panics
    ("sync: negative WaitGroup counter"). Whatever the method is named, only a caller that added can call it."""
    recv = func.receiver_name
    if not func.receiver or not recv:
        return None
    adds = func.calls_named("Add")
    for call in func.calls_named("Done"):
        owner, _, field = call.recv.partition(".")
        if owner != recv or not field or "." in field or call.args:
            continue
        if "WaitGroup" not in (index.field_type(func.receiver, field) or ""):
            continue
        if not any(c.recv == call.recv and c.node.start_byte < call.node.start_byte for c in adds):
            return (f"calls {call.recv}.Done() (line {call.line}) with no Add before it: only a caller that added "
                    "can call it, and alone the WaitGroup's counter goes negative (a panic)")
    return None


def state_function(func: Func) -> str | None:
    """`func lexText(l *lexer) stateFn`: a state of a state machine, which only the machine enters with
    its position where that state expects it."""
    if len(func.results) != 1 or not func.params:
        return None
    result = func.results[0].type
    under = func.file.src  # the result type's declaration: type stateFn func(*lexer) stateFn
    m = re.search(rb"\btype\s+" + re.escape(result.encode()) + rb"\s+func\(([^)]*)\)\s*(\w+)", under)
    if m is None or m.group(2).decode() != result:
        return None
    return f"a state of a state machine ({result}): only the machine enters it, with its input where it expects"


def linked(func: Func, reader: PathReader) -> str | None:
    """Follows links between values of a self-referential type (`x.left.parent`, `x.left != sentinel`):
    only the package's own insertions build such structures consistently."""
    for node in descendants(func.body) if func.body is not None else []:
        if node.type == "selector_expression":
            inner = strip_parens(node.child_by_field_name("operand"))
            if inner is not None and _is_link(reader, reader.path_of(inner)):
                return f"follows links between values (line {node.start_point[0] + 1}: {text(node)}) that only the " \
                    "package's own insertions keep consistent"
        elif node.type == "binary_expression" and text(node.child_by_field_name("operator")) in ("==", "!="):
            sides = [strip_parens(node.child_by_field_name(s)) for s in ("left", "right")]
            for a, b in (sides, sides[::-1]):
                if a is not None and b is not None and b.type in ("identifier", "selector_expression") and \
                        text(b) != "nil" and _is_link(reader, reader.path_of(a)):
                    return f"compares links to a sentinel (line {node.start_point[0] + 1}: {text(node)}) that " \
                        "only the package's own insertions set"
    return None


def _is_link(reader: PathReader, path: str | None) -> bool:
    """`x.left` where x is a parameter or the receiver (or a local copied from one) and left has x's own
    pointer type."""
    if path is None or "." not in path or "?" in path or "#" in path or "[" in path or "@" in path:
        return False
    root = reader.path_type(path.split(".", 1)[0]).lstrip("*")
    owner = reader.path_type(path.rsplit(".", 1)[0]).lstrip("*")
    field = reader.path_type(path)
    return bool(owner) and owner == root == field.lstrip("*") and field.startswith("*")


def conditional_progress(func: Func, index: PackageIndex, depth: int = 2) -> str | None:
    """A loop without a post statement whose counter advances only in some branches: it ends only while
    an invariant between the values holds (`Slowest >= every latency`), which generated inputs may break.
    Also in the receiver's methods and the package's functions it calls."""
    found = _conditional_loop(func)
    if found is not None or depth == 0:
        return found
    for call in func.calls:
        callee = index.method(func.receiver or "", call.name) if call.recv == func.receiver_name and \
            func.receiver_name else (index.functions.get(call.name) if not call.recv else None)
        if callee is not None and callee is not func:
            inner = conditional_progress(callee, index, depth - 1)
            if inner is not None:
                return inner.replace("its loop", f"{callee.qualified_name}'s loop", 1) if "its loop" in inner \
                    else inner
    return None


def _conditional_loop(func: Func) -> str | None:
    for loop in func.loops:
        if loop.kind not in ("for", "cond"):
            continue
        clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
        if clause is not None and clause.child_by_field_name("update") is not None:
            continue
        cond = clause.child_by_field_name("condition") if clause is not None else next(
            (c for c in loop.node.named_children if c.type not in ("block", "comment", "for_clause")), None)
        if cond is None or loop.body is None:
            continue
        if _calls(cond):
            continue  # `for it.Next()`: the condition itself moves on
        counters = {text(n) for n in [cond, *descendants(cond)] if n.type == "identifier"} - {"len", "cap", "nil"}
        if counters and not _always_advances(loop.body, counters):
            return (f"its loop (line {loop.line}) advances only in some branches: it ends only while an invariant "
                    "between the values holds, which the generated ones may not")
    return None


def _always_advances(block: Node, counters: set[str]) -> bool:
    """Whether every way through the block changes a counter or leaves the loop."""
    stmts = [c for c in block.named_children if c.type != "comment"]
    if stmts and stmts[0].type == "statement_list":
        stmts = [c for c in stmts[0].named_children if c.type != "comment"]
    for stmt in stmts:
        if _advances(stmt, counters) or stmt.type in _EXITS:
            return True
        if stmt.type == "if_statement" and _if_advances(stmt, counters):
            return True
        if stmt.type in ("expression_switch_statement", "type_switch_statement"):
            cases = [c for c in stmt.named_children if c.type in ("expression_case", "default_case", "type_case")]
            if any(c.type == "default_case" for c in cases) and all(_always_advances(c, counters) for c in cases):
                return True
    return False


def _if_advances(stmt: Node, counters: set[str]) -> bool:
    consequence, alternative = stmt.child_by_field_name("consequence"), stmt.child_by_field_name("alternative")
    if consequence is None or alternative is None or not _always_advances(consequence, counters):
        return False
    if alternative.type == "if_statement":
        return _if_advances(alternative, counters)
    return _always_advances(alternative, counters)


def _advances(stmt: Node, counters: set[str]) -> bool:
    """An increment, assignment or call that changes a counter (`i++`, `i += n`, `i = next(i)`, a method of
    a counter's value such as `d.next()`)."""
    if stmt.type in ("inc_statement", "dec_statement"):
        return text(stmt.named_children[0]) in counters if stmt.named_children else False
    if stmt.type in ("assignment_statement", "short_var_declaration", "expression_statement") and _calls(stmt):
        return True  # a call may move the state on (heap.Pop, d.next())
    if stmt.type == "assignment_statement" or stmt.type == "short_var_declaration":
        left = stmt.child_by_field_name("left")
        return left is not None and any(text(t) in counters or text(t).split(".", 1)[0] in counters
                                        for t in left.named_children)
    return False


def _calls(node: Node) -> bool:
    return any(n.type == "call_expression" and text(n.child_by_field_name("function")) not in ("len", "cap")
               for n in [node, *descendants(node)])


def waits_alone(func: Func, reader: PathReader) -> str | None:
    """A receive (outside a select) from a channel the function makes itself, or a sync.Cond Wait: only
    another goroutine ends it, which a benchmark does not start."""
    made = {d.name for ds in func.decls.values() for d in ds
            if d.init is not None and text(d.init).startswith("make(chan")}
    if func.body is not None and any(n.type == "go_statement" for n in descendants(func.body)):
        made = set()  # `go func() { res <- v }(); return <-res`: the goroutine it starts sends
    for node in descendants(func.body) if func.body is not None else []:
        if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "<-":
            operand = strip_parens(node.child_by_field_name("operand"))
            around = _ancestors(node)
            in_select = any(p.type == "communication_case" for p in around)
            if in_select or operand is None or _in_literal(node):
                continue  # a goroutine's or a callback's wait is not this call's
            if (operand.type == "identifier" and text(operand) in made) or (
                    operand.type == "call_expression" and text(operand.child_by_field_name("function")).endswith(
                        (".After", ".Done"))):
                return (f"waits on a channel (line {node.start_point[0] + 1}: {text(node)}) that only another "
                        "goroutine sends on")
    for call in func.calls_named("Wait"):
        path = reader.path_of(call.fn.child_by_field_name("operand")) if call.fn is not None and \
            call.fn.type == "selector_expression" else None
        if path is not None and reader.path_type(path).lstrip("*") == "sync.Cond":
            return f"waits on {call.recv} (line {call.line}), a sync.Cond only another goroutine signals"
    return None


def _in_literal(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in ("function_declaration", "method_declaration"):
        if parent.type == "func_literal":
            return True
        parent = parent.parent
    return False


def _ancestors(node: Node) -> list[Node]:
    out = []
    parent = node.parent
    while parent is not None and parent.type not in ("function_declaration", "method_declaration", "func_literal"):
        out.append(parent)
        parent = parent.parent
    return out


def derived_positions(func: Func) -> str | None:
    """`pos := int(n.Position()); text := t.text[:pos]`: a position read from one argument (a method or
    field of it, not its length) indexes another value, with no check against that value's length. Only
    the package's own callers hand over a node and the text it came from together."""
    body = func.body
    if body is None:
        return None
    params = {p.name for p in func.params if p.name and p.name != "_" and p.type not in _INT_PARAMS}
    derived: dict[str, str] = {}
    for node in descendants(body):
        if node.type in ("short_var_declaration", "assignment_statement"):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
                continue
            source = _position_of(right.named_children[0], params)
            if source is not None and left.named_children[0].type == "identifier":
                derived[text(left.named_children[0])] = source
        elif node.type == "slice_expression":  # an index may be a map's key: a slice bound never is
            found = _unchecked_index(node, derived, params, body)
            if found is not None:
                return found
    return None


def _position_of(expr: Node | None, params: set[str]) -> str | None:
    """The parameter a position is read from: `p.Pos()`, `p.Offset`, `int(p.Pos())`."""
    expr = strip_parens(expr)
    if expr is not None and expr.type in ("call_expression", "type_conversion_expression"):
        fn = expr.child_by_field_name("function") or expr.child_by_field_name("type")
        args = expr.child_by_field_name("arguments") or expr.child_by_field_name("operand")
        if fn is not None and fn.type in ("identifier", "type_identifier") and text(fn) in (*_INT_PARAMS, "int"):
            inner = args.named_children[0] if args is not None and args.type == "argument_list" and \
                args.named_child_count == 1 else args
            return _position_of(inner, params) if inner is not None else None
        fn = strip_parens(expr.child_by_field_name("function"))
        if fn is not None and fn.type == "selector_expression":
            operand = strip_parens(fn.child_by_field_name("operand"))
            if operand is not None and operand.type == "identifier" and text(operand) in params:
                return text(operand)
        return None
    if expr is not None and expr.type == "selector_expression":
        operand = strip_parens(expr.child_by_field_name("operand"))
        if operand is not None and operand.type == "identifier" and text(operand) in params:
            return text(operand)
    return None


def _unchecked_index(node: Node, derived: dict[str, str], params: set[str], body: Node) -> str | None:
    operand = node.child_by_field_name("operand")
    if operand is None:
        return None
    bounds = [node.child_by_field_name(f) for f in ("start", "end")]
    for bound in [strip_parens(b) for b in bounds if b is not None]:
        if bound is None:
            continue
        name = text(bound) if bound.type == "identifier" else None
        source = derived.get(name) if name is not None else _position_of(bound, params)
        if source is None or text(operand).split(".", 1)[0].split("[", 1)[0] == source:
            continue
        if name is not None and _length_checked(name, body, node.start_byte):
            continue
        return (f"a position read from {source} (line {node.start_point[0] + 1}: {text(node)}) must fall inside "
                f"{text(operand)}: only the package's own callers keep the two consistent")
    return None


def _length_checked(name: str, body: Node, before: int) -> bool:
    """`if pos > len(t.text)` (or with cap, or min) before the index."""
    for node in descendants(body):
        if node.start_byte >= before:
            break
        if node.type == "binary_expression" and text(node.child_by_field_name("operator")) in ("<", "<=", ">", ">="):
            sides = text(node)
            if re.search(rf"\b{re.escape(name)}\b", sides) and re.search(r"\b(len|cap)\(", sides):
                return True
        if node.type == "call_expression" and text(node.child_by_field_name("function")) == "min" and \
                re.search(rf"\b{re.escape(name)}\b", text(node)):
            return True
    return False


def stored_closure(func: Func, lines: Sequence[int]) -> str | None:
    """Every finding line is in a function literal the call only stores, as a value of a composite literal,
    directly or through a local variable used nowhere else (caddy's `createTestingTransport`:
    `dialContext := func(...) {...}` then `&http.Transport{DialContext: dialContext}`): what it builds calls
    it later (on a dial), calling the function never does."""
    if not lines or func.body is None:
        return None
    for lit in func.closures:
        if not all(lit.start_line <= ln <= lit.end_line for ln in lines):
            continue
        node = lit.node
        if _element_value(node):
            return (f"line {lines[0]} is in a function literal (line {lit.start_line}) it only stores in a "
                    "composite literal: calling it does not run that line")
        name = _declared_as(node)
        if name is None:
            continue
        uses = [n for n in descendants(func.body) if n.type == "identifier" and text(n) == name
                and n.start_byte > node.end_byte]
        if uses and all(_element_value(u) for u in uses):
            return (f"line {lines[0]} is in a function literal (line {lit.start_line}) it only stores in a "
                    f"composite literal ({name}): calling it does not run that line")
    return None


def _element_value(node: Node) -> bool:
    """node is an element of a composite literal (`{fn}`, `{Key: fn}`), not its key."""
    parent = node.parent
    if parent is None or parent.type != "literal_element":
        return False
    holder = parent.parent
    if holder is None:
        return False
    if holder.type == "literal_value":
        return True
    return holder.type == "keyed_element" and holder.named_children[-1] == parent


def _declared_as(node: Node) -> str | None:
    """`name := func(...) {...}` or `var name = func...`: the one name the literal is declared as."""
    parent = node.parent
    if parent is None or parent.type != "expression_list" or parent.named_child_count != 1:
        return None
    decl = parent.parent
    if decl is None or decl.type not in ("short_var_declaration", "var_spec"):
        return None
    left = decl.child_by_field_name("left") or decl.child_by_field_name("name")
    if left is None:
        return None
    names = [n for n in ([left] if left.type == "identifier" else left.named_children) if n.type == "identifier"]
    return text(names[0]) if len(names) == 1 else None
