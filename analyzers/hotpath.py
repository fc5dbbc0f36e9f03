"""Hot-path tiers: hot, warm or cold for every function of a package, with the evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from analyzers.globs import matches_any
from analyzers.model import Tier
from analyzers.package import Package
from analyzers.source import Func, text

PER_ELEMENT_METHODS = frozenset(
    {
        "Less", "Swap", "Len", "Compare", "Hash", "Equal", "String", "Format", "Error",
        "MarshalJSON", "UnmarshalJSON", "MarshalText", "UnmarshalText", "MarshalBinary",
        "UnmarshalBinary", "Encode", "Decode", "EncodeTo", "DecodeFrom", "Read", "Write",
        "ReadByte", "WriteByte", "ReadRune", "WriteRune", "WriteString", "ReadFrom", "WriteTo",
        "Next", "Scan", "Value", "Seek",
    }
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
HOT_MARKER = "//perf-review:hot"
_CTOR = re.compile(r"^(New|new|Must|must)[A-Z_]?")


@dataclass
class Heat:
    tier: Tier
    reasons: list[str] = field(default_factory=list)


def classify(pkg: Package, hot_globs: Sequence[str] = ()) -> dict[Func, Heat]:
    looped_callers = _called_in_loops(pkg)
    bench_refs = _benchmark_refs(pkg)
    once_bodies = _once_bodies(pkg)
    callbacks = _callback_literals(pkg)
    out: dict[Func, Heat] = {}
    for func in pkg.funcs:
        if func.is_literal:
            continue
        out[func] = _classify_one(func, pkg, looped_callers, bench_refs, hot_globs)
    for func in pkg.funcs:
        if not func.is_literal:
            continue
        out[func] = _classify_literal(func, out, once_bodies, callbacks)
    return out


def _classify_one(
    func: Func, pkg: Package, looped: dict[str, str], bench: dict[str, str], hot_globs: Sequence[str]
) -> Heat:
    hot: list[str] = []
    strong: list[str] = []
    name = func.name
    if any(HOT_MARKER in c for line in (func.start_line - 1, func.start_line) for c in func.file.comment_on(line)):
        strong.append("marked //perf-review:hot")
    if matches_any(func.file.path, hot_globs):
        strong.append("file matches a configured hot-path glob")
    key = f".{name}" if func.receiver else name
    if key in looped:
        strong.append(f"called inside a loop in {looped[key]}")
    if name in bench:
        strong.append(f"exercised by {bench[name]}")
    hot.extend(_handler_reasons(func))
    if func.receiver and name in PER_ELEMENT_METHODS:
        hot.append(f"per-element method {name}")
    elif func.receiver and name in ACCESSOR_METHODS:
        hot.append(f"accessor method {name}, called per request or per element")
    depth = max((loop.depth for loop in func.loops), default=0)
    if depth >= 2:
        hot.append(f"loops nested {depth} deep")
    cold = _cold_reasons(func)
    if strong:
        return Heat("hot", strong + hot)
    if cold:
        return Heat("cold", cold)
    if hot:
        return Heat("hot", hot)
    if depth == 1:
        return Heat("warm", ["contains a loop"])
    if func.receiver and name[:1].isupper():
        return Heat("warm", ["exported method"])
    return Heat("cold", ["no hot-path evidence"])


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
    if not func.receiver and _CTOR.match(name):
        return ["constructor" if name.lower().startswith("new") else "Must* helper, runs at start-up"]
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
    if reasons:
        return Heat("hot", reasons)
    return Heat(parent_heat.tier, [f"inside {top.qualified_name}", *parent_heat.reasons])


def _called_in_loops(pkg: Package) -> dict[str, str]:
    """Names called inside a loop: "F" for a plain call F(...), ".M" for a method call x.M(...).
    Calls into imported packages (strings.Split) name nothing of this package."""
    found: dict[str, str] = {}
    for func in pkg.funcs:
        imports = func.file.imports
        for call in func.calls:
            if not (call.loops or call.outer_loops) or not call.name:
                continue
            fn = call.fn
            if fn is None:
                continue
            if fn.type == "identifier":
                key = call.name
            elif fn.type == "selector_expression" and call.recv not in imports:
                key = "." + call.name
            else:
                continue
            found.setdefault(key, func.qualified_name)
    return found


def _benchmark_refs(pkg: Package) -> dict[str, str]:
    refs: dict[str, str] = {}
    for tf in pkg.test_files:
        for func in tf.funcs:
            top = func
            while top.parent is not None:
                top = top.parent
            if not top.name.startswith("Benchmark"):
                continue
            for call in func.calls:
                if call.name:
                    refs.setdefault(call.name, top.name)
    return refs


def _once_bodies(pkg: Package) -> set[int]:
    ids: set[int] = set()
    for func in pkg.funcs:
        for call in func.calls_named("Do"):
            if call.args and call.args[0].type == "func_literal":
                ids.add(call.args[0].id)
    return ids


def _callback_literals(pkg: Package) -> dict[int, str]:
    ids: dict[int, str] = {}
    for func in pkg.funcs:
        for call in func.calls:
            if call.callee in SORT_CALLBACKS:
                for arg in call.args:
                    if arg.type == "func_literal":
                        ids[arg.id] = call.callee
    return ids


def top_function(func: Func) -> Func:
    while func.parent is not None:
        func = func.parent
    return func


__all__ = ["Heat", "classify", "text", "top_function"]
