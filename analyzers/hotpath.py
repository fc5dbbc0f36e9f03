"""Hot-path tiers: hot, warm or cold for every function of a package, with the evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.globs import matches_any
from analyzers.lifecycle import (
    call_key,
    callers_of,
    command_code_reason,
    config_code_reason,
    dev_code_reason,
    func_key,
    generator_reason,
    only_called_from,
    receiver_type,
    referenced_as_values,
    startup_functions,
    test_support_reason,
    typed_key,
)
from analyzers.model import Tier
from analyzers.package import Package
from analyzers.source import FIELD, Func, statements, text

PER_ELEMENT_METHODS = frozenset(
    {
        "Less", "Swap", "Len", "Compare", "Hash", "Equal", "String", "Format", "Error",
        "MarshalJSON", "UnmarshalJSON", "MarshalText", "UnmarshalText", "MarshalBinary",
        "UnmarshalBinary", "Encode", "Decode", "EncodeTo", "DecodeFrom", "Read", "Write",
        "ReadByte", "WriteByte", "ReadRune", "WriteRune", "WriteString", "ReadFrom", "WriteTo",
        "Next", "Scan", "Value", "Seek",
    }
)
# A type's own JSON/text/binary encoding runs once per value encoded, which may be per request or once
# at load: on public projects' code the drawn warnings in these methods were a legacy format, an ABI
# definition being loaded, a configuration. Warm, not hot.
_CODEC_METHODS = frozenset(
    {"MarshalJSON", "UnmarshalJSON", "MarshalText", "UnmarshalText", "MarshalBinary", "UnmarshalBinary"}
)
# Accessors of caches, stores and pools: called once per request or per element by their users.
ACCESSOR_METHODS = frozenset({"Get", "Put", "Set", "Load", "Store", "Add", "Lookup", "Handle", "Intercept"})
HANDLER_PARAM_TYPES = {
    "*gin.Context": "gin handler",
    "echo.Context": "echo handler",
    "*fiber.Ctx": "fiber handler",
    "fiber.Ctx": "fiber handler",
    "*fasthttp.RequestCtx": "fasthttp handler",
}
SORT_CALLBACKS = frozenset({"sort.Slice", "sort.SliceStable", "slices.SortFunc", "slices.SortStableFunc",
                            "slices.BinarySearchFunc", "sort.Search", "slices.IndexFunc",
                            "slices.ContainsFunc", "strings.Map", "bytes.Map", "strings.FieldsFunc"})
# Methods every other type has (error, fmt.Stringer): a call `x.Error()` in a loop names no type of
# the package, so it is no evidence that any one of them runs there.
_INTERFACE_METHODS = frozenset({"Error", "String"})
HOT_MARKER = "//perf-review:hot"
# The reasons that are the team's word, not a guess from the code's shape.
USER_MARKS = ("marked //perf-review:hot", "file matches a configured hot-path glob")
_CTOR = re.compile(r"^(New|new|Must|must)[A-Z_]?")
# A function named for an error that takes one (`errToEntry(err error)`, `joinErrs(errs []error)`,
# `writeErrorResponse(w, apiErr APIError)`): the word err, errs, error or errors in its camel-case name
# and in a parameter's type. Not a middleware or handler factory that wraps every request
# (`errorHandler`, `ErrGroup`), nor a name about something else called an error (an ABI's
# `errorName(name string)`).
_ERROR_WORD = re.compile(r"(^|[a-z0-9])(err|Err|ERR)(s|or|ors|Msg|msg)?([A-Z_0-9]|$)")
_ERROR_TYPE = re.compile(r"(?<![A-Za-z])err|Err")
_NOT_FAILURE_WORD = re.compile(r"Handler|Middleware|Group|Wrap|Interceptor")


@dataclass
class Heat:
    tier: Tier
    reasons: list[str] = field(default_factory=list)
    # Development code (tests' helpers, test doubles, examples, tools, generators): not shipped to run
    # in production, so even a correctness rule's finding there is information, not a warning.
    dev: bool = False
    # The team's own evidence says the function is hot: a CPU profile's samples, a `//perf-review:hot`
    # mark or a `hot_paths:` glob, on it or on a function that calls it per request or per element.
    # Static shapes (nested loops, handler signatures, names) guess; on code nobody here wrote, most
    # of the fixed-cost findings they made warnings were on paths that run rarely or over a handful
    # of items, so under the default evidence policy those findings need this to be warnings.
    measured: bool = False


def classify(pkg: Package, hot_globs: Sequence[str] = ()) -> dict[Func, Heat]:
    # Each function's cold reasons, read four times below, worked out once (copied where kept).
    cold = {f: _cold_reasons(f) for f in pkg.funcs if not f.is_literal}
    once = _runs_once(pkg, hot_globs, cold)
    # Constructors, init and main keep their own tier and reason, but run once all the same.
    starters = {f: Heat("cold", list(reasons)) for f, reasons in cold.items() if reasons}
    runs_once = {**starters, **once}
    bench_refs = _benchmark_refs(pkg)
    once_bodies = _once_bodies(pkg)
    callbacks = _callback_literals(pkg)
    out: dict[Func, Heat] = {}
    for func in pkg.funcs:
        if func.is_literal:
            continue
        out[func] = once.get(func) or _classify_one(func, pkg, bench_refs, hot_globs, cold[func])
    _propagate_loops(pkg, out, set(runs_once), set(once), once_bodies, callbacks)
    for func in pkg.funcs:
        if not func.is_literal:
            continue
        heat = _classify_literal(func, out, once_bodies, callbacks)
        top = top_function(func)
        # A closure inside code that runs once (start-up, a command, a tool) runs a bounded few times too.
        out[func] = runs_once[top] if top in runs_once and heat.tier != "cold" else heat
        if top in runs_once and runs_once[top].dev and not out[func].dev:
            out[func] = Heat(out[func].tier, out[func].reasons, dev=True, measured=out[func].measured)
    return out


def _propagate_loops(
    pkg: Package, out: dict[Func, Heat], skip: set[Func], keep: set[Func], once: set[int], callbacks: dict[int, str]
) -> None:
    """A function called inside a loop runs as often as that loop's body: per element of a hot
    caller's data it is hot; inside the loop of a function that is itself only warm (a loop and no
    evidence of how often it runs) it is warm too, like the loop body it stands for. A function a
    request-level function calls (an HTTP or gRPC handler, a benchmark's timed loop, code marked hot,
    and what they call in turn) runs per request too, loop or not: hot. Repeated until nothing changes:
    a caller made hot makes its own callees hot. Functions in `keep` (development code, start-up) stay
    as they are."""
    loop_callers, direct_callers = _callers(pkg, skip)
    tops: dict[str, list[Func]] = {func_key(f): [] for f in out}
    for f in out:
        tops[func_key(f)].append(f)
    # Functions hot because they serve requests (or are measured, or marked), not because of their shape.
    origins = {f for f, h in out.items() if h.tier == "hot" and any(r.startswith(_ORIGINS) for r in h.reasons)}
    # A function nobody in the package calls (in a loop or from a function that could be an origin)
    # keeps its heat: only the others are looked at, round after round.
    called = [f for key, funcs in tops.items() for f in funcs
              if key in loop_callers or typed_key(f) in loop_callers or typed_key(f) in direct_callers]
    changed = True
    while changed:
        changed = False
        for func in called:
            h = out[func]
            if func in keep or (h.tier == "cold" and h.reasons and h.reasons[0] in _FAILURE):
                continue
            exact = typed_key(func)
            # Calls on a receiver of unknown type may be any method of the name; calls on a known
            # type are that type's method only (`m.decode(b)` with `var m meta` is meta.decode).
            sites = [c for c in callers_of(func, loop_callers) if top_function(c) is not func]
            heats = [(c, _heat_of(c, out, once, callbacks)) for c in sites]
            hot = next((c for c, h in heats if h.tier == "hot"), None)
            warm = next((c for c, h in heats if h.tier == "warm"), None)
            direct = next((c for c in direct_callers.get(exact, ()) if top_function(c) in origins), None)
            from_origin = (hot is not None and top_function(hot) in origins) or direct is not None
            if from_origin and func not in origins:
                origins.add(func)
                changed = True
            if hot is not None:
                reason = f"called inside a loop in {hot.qualified_name}"
            elif direct is not None:
                reason = f"called by {direct.qualified_name}"
            else:
                reason = f"called inside a loop in {(warm or sites[0]).qualified_name}" if sites else ""
            # The team's evidence (a mark, a glob) on a caller that runs it per element or per request.
            measured = h.measured or any(ch.measured for _c, ch in heats if ch.tier == "hot") or any(
                _heat_of(c, out, once, callbacks).measured
                for c in direct_callers.get(exact, ()) if top_function(c) in origins)
            if h.tier == "hot":  # the strongest evidence goes first; the tier stays
                reasons = h.reasons
                if (hot or direct) is not None and not any(r.startswith(_CALLED) for r in h.reasons):
                    reasons = [reason, *h.reasons]
                if reasons is not h.reasons or measured != h.measured:
                    out[func] = Heat("hot", reasons, dev=h.dev, measured=measured)
                    changed = changed or measured != h.measured
                continue
            if hot is not None or direct is not None:
                kept = [r for r in h.reasons if h.tier != "cold" and not r.startswith(_CALLED)]
                out[func] = Heat("hot", [reason, *kept], dev=h.dev, measured=measured)
            elif warm is not None and h.tier == "cold" and h.reasons == [NO_EVIDENCE]:
                out[func] = Heat("warm", [reason], dev=h.dev)
            else:
                continue
            changed = True


_CALLED = ("called inside a loop in", "called by ")
# Code that runs when something went wrong stays cold whoever calls it.
_ERROR_NAMED = "named for an error: builds, reports or handles a failure"
_FAILURE = frozenset({"ends by panicking: reports a failure", "Error() formats a failure's message", _ERROR_NAMED})
_ORIGINS = ("HTTP handler", "gRPC server method", "exercised by", "marked //perf-review:hot", "file matches",
            *sorted(set(HANDLER_PARAM_TYPES.values())))


def _heat_of(caller: Func, out: dict[Func, Heat], once: set[int], callbacks: dict[int, str]) -> Heat:
    if caller.is_literal:
        return _classify_literal(caller, out, once, callbacks)
    return out.get(caller) or Heat("cold", [])


NO_EVIDENCE = "no hot-path evidence"


def _classify_one(func: Func, pkg: Package, bench: dict[str, str], hot_globs: Sequence[str],
                  cold_reasons: list[str]) -> Heat:
    hot: list[str] = []
    strong: list[str] = []
    name = func.name
    if any(HOT_MARKER in c for line in (func.start_line - 1, func.start_line) for c in func.file.comment_on(line)):
        strong.append("marked //perf-review:hot")
    if matches_any(func.file.path, hot_globs):
        strong.append("file matches a configured hot-path glob")
    # A benchmark's `x.String()` names no type: a method name several types of the package define is
    # no evidence for any one of them (prometheus' BenchmarkExprString is not about the lexer's item).
    if name in bench and not (func.receiver and len(pkg.method_owners(name)) > 1):
        strong.append(f"exercised by {bench[name]}")
    hot.extend(_handler_reasons(func))
    if func.receiver and name in _CODEC_METHODS:
        pass  # below: warm
    elif func.receiver and name in PER_ELEMENT_METHODS:
        hot.append(f"per-element method {name}")
    elif func.receiver and name in ACCESSOR_METHODS:
        hot.append(f"accessor method {name}, called per request or per element")
    depth = max((loop.depth for loop in func.loops), default=0)
    if depth >= 2:
        hot.append(f"loops nested {depth} deep")
    cold = list(cold_reasons)
    if strong:
        return Heat("hot", strong + hot, measured=any(r in USER_MARKS for r in strong))
    if cold:
        return Heat("cold", cold)
    if hot:
        return Heat("hot", hot)
    if func.receiver and name in _CODEC_METHODS:
        return Heat("warm", [f"encoding method {name}", *(["contains a loop"] if depth == 1 else [])])
    if depth == 1:
        return Heat("warm", ["contains a loop"])
    if func.receiver and name[:1].isupper():
        return Heat("warm", ["exported method"])
    return Heat("cold", [NO_EVIDENCE])


def _runs_once(pkg: Package, hot_globs: Sequence[str], cold: dict[Func, list[str]]) -> dict[Func, Heat]:
    """Development code (tests' helpers, examples, tools, generators), configuration packages,
    command-line programs and start-up, configuration and shutdown functions are cold, unless marked
    hot or matched by a configured hot glob."""
    out: dict[Func, Heat] = {}
    command = command_code_reason(pkg.files)
    generator = generator_reason(pkg.files)
    for gf in pkg.files:
        dev = dev_code_reason(gf.path, gf.package) or generator
        reason = dev or config_code_reason(gf.path) or command
        if reason is not None:
            for func in gf.funcs:
                if not func.is_literal:
                    out[func] = Heat("cold", [reason], dev=dev is not None)
        for func in gf.funcs:
            double = None if func.is_literal or func in out else test_support_reason(func)
            if double is not None:
                out[func] = Heat("cold", [double], dev=True)
    for func, reason in startup_functions(pkg).items():
        if not (cold[func] if func in cold else _cold_reasons(func)):  # constructors, init and main keep theirs
            out.setdefault(func, Heat("cold", [reason]))
    for func in _message_helpers(pkg):
        out.setdefault(func, Heat("cold", ["called only to format error and log messages"]))
    # What only failure code calls (minio's getTrace, called by errToEntry) runs on a failure too.
    failing = {f: r[0] for f, r in cold.items() if r and r[0] in _FAILURE}
    for func, reason in only_called_from(pkg, failing).items():
        if func not in failing:
            out.setdefault(func, Heat("cold", [reason]))
    return {f: h for f, h in out.items() if not _marked_hot(f, hot_globs)}


# Calls that report: the error, log or panic a helper's result goes into runs on a failure or for
# diagnostics (`errors.New` by its package: other packages' `New` build values).
_REPORTING = frozenset({"Errorf", "panic", "Print", "Printf", "Println", "Fatal", "Fatalf", "Panic", "Panicf",
                        "Error", "Warn", "Warnf", "Warning", "Info", "Infof", "Debug", "Debugf", "Log", "Logf"})


def _message_helpers(pkg: Package) -> list[Func]:
    """Unexported functions and methods whose every call in the package is inside an argument of an
    error, log or panic call (`fmt.Errorf("bad node at %s", loc.string())`), and that are never used
    as a value: they run when something is reported."""
    private = {func_key(f): f for f in pkg.funcs if not f.is_literal and f.name[:1].islower() and f.name != "init"}
    names = {f.name for f in private.values()}
    reporting: dict[str, bool] = {}
    for func in pkg.funcs:
        for call in func.calls:
            key = call_key(call, func.file.imports) if call.name in names else None
            if key in private:
                reporting[key] = reporting.get(key, True) and _in_report(call.node)
    found = [private[k] for k, only in reporting.items() if only]
    escaped = referenced_as_values(pkg, {f.name for f in found if not f.receiver})
    methods = {f.name for f in found if f.receiver}
    # A method value needs a selector (`x.name` not called); the bare name may be a type (`string`).
    for gf in pkg.files:
        if not methods:
            break  # nothing left to look for: the files need not be decoded
        code = gf.src.decode("utf-8", "replace")
        methods -= {m for m in methods if m in code and re.search(rf"\.{m}\b(?!\s*\()", code)}
    return [f for f in found if (f.name in methods if f.receiver else f.name not in escaped)]


def _in_report(node: Node) -> bool:
    parent = node.parent
    while parent is not None and not parent.type.endswith(("_statement", "_declaration", "func_literal")):
        if parent.type == "call_expression" and parent.id != node.id:
            fn = parent.child_by_field_id(FIELD.function)
            callee = text(fn) if fn is not None else ""
            name = callee.rsplit(".", 1)[-1]
            if name in _REPORTING or callee == "errors.New":
                return True
        parent = parent.parent
    return False


def _marked_hot(func: Func, hot_globs: Sequence[str]) -> bool:
    if matches_any(func.file.path, hot_globs):
        return True
    return any(HOT_MARKER in c for line in (func.start_line - 1, func.start_line) for c in func.file.comment_on(line))


def _handler_reasons(func: Func) -> list[str]:
    reasons: list[str] = []
    types = [p.type for p in func.params]
    if func.name == "ServeHTTP" or ("http.ResponseWriter" in types and "*http.Request" in types):
        reasons.append("HTTP handler")
    for t in types:
        if t in HANDLER_PARAM_TYPES:
            reasons.append(HANDLER_PARAM_TYPES[t])
    if (
        func.receiver
        and func.receiver.endswith(("Server", "Service", "server", "service"))
        and types[:1] == ["context.Context"]
        and len(types) == 2
        and types[1].startswith("*")
        and [r.type for r in func.results][-1:] == ["error"]
    ):
        reasons.append("gRPC server method")
    return reasons


def _cold_reasons(func: Func) -> list[str]:
    name = func.name
    if func.receiver is None and name in ("init", "main"):
        return [f"{name} runs once"]
    if func.file.is_test or (name.startswith(("Test", "Example", "Fuzz")) and not func.receiver):
        return ["test code"]
    if func.receiver and name == "Error" and not func.params:
        return ["Error() formats a failure's message"]
    if func.receiver and name == "Set" and [q.type for q in func.params] == ["string"] \
            and [r.type for r in func.results] == ["error"]:
        return ["Set(string) error: a flag.Value, parses a command-line flag"]
    if _ERROR_WORD.search(name) and not _NOT_FAILURE_WORD.search(name) and not func.is_literal \
            and any(_ERROR_TYPE.search(q.type) for q in func.params) \
            and not any(r.type.startswith("func") or "Handler" in r.type for r in func.results):
        return [_ERROR_NAMED]
    if not func.receiver and _CTOR.match(name):
        return ["constructor" if name.lower().startswith("new") else "Must* helper, runs at start-up"]
    if not func.results and not func.is_literal:
        body = statements(func.body)
        if body and body[-1].type == "expression_statement" and text(body[-1]).startswith("panic("):
            return ["ends by panicking: reports a failure"]
    return []


def _classify_literal(
    func: Func, done: dict[Func, Heat], once: set[int], callbacks: dict[int, str]
) -> Heat:
    top = func
    while top.parent is not None:
        top = top.parent
    parent_heat = done.get(top, Heat("cold", []))
    if func.node.id in once:
        return Heat("cold", ["sync.Once body"])
    reasons = []
    if func.node.id in callbacks:
        reasons.append(f"callback of {callbacks[func.node.id]}, called per element")
    if func.outer_loops:
        reasons.append("function literal inside a loop")
    if reasons and parent_heat.tier == "hot":
        return Heat("hot", reasons, measured=parent_heat.measured)
    if reasons and not (parent_heat.tier == "cold" and parent_heat.reasons != [NO_EVIDENCE]):
        # Per element of a function that is itself only warm (or has no evidence at all): the loop
        # body it stands for is warm, like a callee called in that loop (hugo's codegen walking a
        # package's files with ast.Inspect).
        return Heat("warm", [*reasons, f"inside {top.qualified_name}, which is {parent_heat.tier}"])
    return Heat(parent_heat.tier, [f"inside {top.qualified_name}", *parent_heat.reasons],
                measured=parent_heat.measured)


def _callers(pkg: Package, skip: set[Func] | None = None) -> tuple[dict[str, list[Func]], dict[str, list[Func]]]:
    """Who calls what, in one pass over the package's calls: (inside a loop, outside any loop), each a
    name -> the functions (or function literals) making the call: "F" for F(...); "T.M" for x.M(...) when
    the receiver's type is known to be the package's type T with that method (`globalTargets.set(...)`
    is not every `set` of the package), else ".M" inside a loop (any method of the name) and nothing
    outside one. Calls into imported
    packages (strings.Split) name nothing of this package; functions of `skip` (code that runs once)
    call nothing hot."""
    looped: dict[str, list[Func]] = {}
    direct: dict[str, list[Func]] = {}
    # Only a call named like one of the package's functions (`F(...)`) or methods (`x.M(...)`) can be
    # looked up, and its receiver's type is worth inferring: most calls go to other packages.
    names = {f.name for f in pkg.funcs if not f.is_literal and not f.receiver}
    methods = {f.name for f in pkg.funcs if not f.is_literal and f.receiver}
    for func in pkg.funcs:
        top = top_function(func)
        if skip and top in skip:
            continue
        imports = func.file.imports
        for call in func.calls:
            key = call_key(call, imports) if call.name in names or call.name in methods else None
            if key is None or (key[0] == "." and (call.name in _INTERFACE_METHODS or call.name not in methods)):
                continue
            if key[0] != "." and key not in names:
                continue
            found = looped if call.loops or call.outer_loops else direct
            if found is looped and func in looped.get(key, ()):
                continue  # already listed: whatever the receiver's type, nothing changes
            typ = receiver_type(pkg, call, func) if key[0] == "." else ""
            if _foreign(typ):
                continue
            # Recursion (a tree printer calling itself per child) says how deep the data is, not how
            # often the function runs. A method calling the method of the same name on a receiver of
            # another known type (caddy's `MatcherSet.Match` asking each `RequestMatcher`) is not
            # recursion: it is a composite dispatching to its parts.
            if key == func_key(top) and (not typ or not top.receiver or typ == top.receiver):
                continue
            if key[0] == ".":
                if typ and typ in pkg.method_owners(call.name):
                    key = f"{typ}{key}"
                elif found is direct:
                    continue
            if func not in found.get(key, ()):
                found.setdefault(key, []).append(func)
    return looped, direct


def _foreign(typ: str) -> bool:
    """A receiver of a known type from another package (`ks.mu.Lock()` on a sync.RWMutex field) calls
    none of this package's methods of that name."""
    return "." in typ and not typ.startswith(("func", "map[", "[", "chan", "struct", "interface"))


def _benchmark_refs(pkg: Package) -> dict[str, str]:
    """Names the package's benchmarks call (only the benchmark code of test files is parsed)."""
    refs: dict[str, str] = {}
    for tf in pkg.test_files:
        for name, bench in tf.benchmark_calls().items():
            refs.setdefault(name, bench)
    return refs


def _once_bodies(pkg: Package) -> set[int]:
    ids: set[int] = set()
    for func in pkg.funcs:
        for call in func.calls_named("Do"):
            if call.args and call.args[0].type == "func_literal":
                ids.add(call.args[0].id)
    return ids


_CALLBACK_NAMES = frozenset(c.rsplit(".", 1)[1] for c in SORT_CALLBACKS)


def _callback_literals(pkg: Package) -> dict[int, str]:
    ids: dict[int, str] = {}
    for func in pkg.funcs:
        for call in func.calls:
            if call.name in _CALLBACK_NAMES and call.callee in SORT_CALLBACKS:
                for arg in call.args:
                    if arg.type == "func_literal":
                        ids[arg.id] = call.callee
    return ids


def top_function(func: Func) -> Func:
    while func.parent is not None:
        func = func.parent
    return func


__all__ = ["Heat", "classify", "text", "top_function"]
