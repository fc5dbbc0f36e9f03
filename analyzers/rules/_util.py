"""Helpers shared by rules: declarations relative to loops, small loops (also by their callers' constant
arguments), string typing."""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.package import Package
from analyzers.source import Func, Loop, Site, descendants, strip_parens, text
from analyzers.typeinfer import infer_type

_SMALL_BOUND = re.compile(r"^\s*\w+\s*<=?\s*(\d+)\s*$")
# Collections sized by a deployment's configuration, not by its traffic: a cluster's peers, a
# client's endpoints, the configured servers, origins or credentials (a handful each).
_CONFIGURED = re.compile(r"(?i)(peers|endpoints|^eps|servers|serverconfigs|replicas|backends|upstreams|"
                         r"listeners|origins|cfgs|configs|creds|credentials|encodings|alarms|"
                         r"altnames|^caps|capabilities)$")
_GETTER = re.compile(r"^(Get)?(?=[A-Z])")
# Per-call options (`opts.UserDefined`: a request's metadata) and specs (a container's) carry data, not
# configuration, and maintainers do size loops over them.
_CONFIG_HOLDER = re.compile(r"(?i)^(cfg|conf|config|configuration|settings)$|(Config|Cfg|Settings)$")


def loops_between(func: Func, name: str, site: Site) -> tuple[Loop, ...]:
    """Loops around `site` that are inside the scope where `name` was declared: the loops whose
    every iteration sees the same variable (so work on it accumulates across iterations)."""
    decl = func.decl(name, site.node)
    loops = site.all_loops
    if decl is None:
        # Declared in an enclosing function (closure) or at package level: every loop accumulates.
        return loops
    if decl.kind == "param":
        return site.loops
    declared_in = set(id(lp) for lp in decl.loops)
    return tuple(lp for lp in site.loops if id(lp) not in declared_in)


def is_small_constant_loop(loop: Loop) -> bool:
    """A loop with a literal bound of eight or fewer iterations (`for i := 0; i < 4; i++`, `range 3`)."""
    if loop.kind == "range-int":
        return loop.range_expr.isdigit() and int(loop.range_expr) <= 8
    if loop.kind == "range" and loop.range_node is not None and loop.range_node.type == "composite_literal":
        body = loop.range_node.child_by_field_name("body")
        return body is not None and body.named_child_count <= 8
    if loop.kind == "for":
        m = _SMALL_BOUND.match(loop.cond)
        return m is not None and int(m.group(1)) <= 8
    return False


def bounded_by_callers(pkg: Package, func: Func, loop: Loop) -> bool:
    """The loop runs eight times or fewer whatever the call: its bound is a parameter of an unexported
    plain function that every call in the package passes as a small constant (`for i := 0; i <
    measurements+2; i++` with every call `sntpDrift(ntpChecks)`, `ntpChecks = 3`). The function cannot
    be called from another package, and when it is never used as a value, its calls in the package are
    all its calls."""
    bound = _name_bound(loop.cond) if loop.kind == "for" and _counts_from_zero(loop) else None
    if bound is None or func.is_literal or func.receiver or not func.name or not func.name[0].islower():
        return False
    names = [p.name for p in func.params]
    param, extra = bound
    if param not in names or any(p.type.startswith("...") for p in func.params) or _written(func, param):
        return False
    values = _argument_values(pkg, func.name, names.index(param), len(names))
    return bool(values) and all(v is not None and v + extra <= 8 for v in values)


def _counts_from_zero(loop: Loop) -> bool:
    """`for i := 0; ...; i++`: the count starts at a non-negative literal and goes up by one."""
    clause = next((c for c in loop.node.named_children if c.type == "for_clause"), None)
    init = clause.child_by_field_name("initializer") if clause is not None else None
    update = clause.child_by_field_name("update") if clause is not None else None
    value = init.child_by_field_name("right") if init is not None else None
    return value is not None and text(value).isdigit() and update is not None \
        and update.type == "inc_statement"


def _name_bound(cond: str) -> tuple[str, int] | None:
    """`i < n` -> (n, 0), `i <= n` -> (n, 1), `i < n+2` -> (n, 2): the bound is a name plus an optional
    literal (parsed without a regular expression: its spaces would backtrack)."""
    left, op, right = cond.partition("<")
    if not op or not left.strip().isidentifier():
        return None
    extra = 1 if right.startswith("=") else 0
    name, plus, literal = right.removeprefix("=").partition("+")
    name, literal = name.strip(), literal.strip()
    if not name.isidentifier() or (plus and not literal.isdigit()):
        return None
    return name, extra + (int(literal) if plus else 0)


def _written(func: Func, name: str) -> bool:
    """The parameter is assigned or incremented in the function: the bound is no longer the argument."""
    for site in func.sites("assignment_statement"):
        left = site.node.child_by_field_name("left")
        if left is not None and any(text(t) == name for t in left.named_children):
            return True
    for kind in ("inc_statement", "dec_statement"):
        for site in func.sites(kind):
            if site.node.named_child_count and text(site.node.named_children[0]) == name:
                return True
    return False


def _argument_values(pkg: Package, name: str, index: int, arity: int) -> list[int | None]:
    """The constant value of argument `index` at every call of the plain function `name` in the
    package (None for one that is not a small integer constant); empty when the function is also
    used as a value, or never called."""
    calls = [c for fn in pkg.funcs for c in fn.calls_named(name) if c.callee == name]
    mentions = sum(1 for gf in pkg.files for n in descendants(gf.tree.root_node)
                   if n.type == "identifier" and text(n) == name)
    if not calls or mentions != len(calls) + 1:  # + 1: the declaration's own name
        return []
    out: list[int | None] = []
    for call in calls:
        if len(call.args) != arity:
            return []
        out.append(_int_constant(pkg, call.args[index]))
    return out


def _int_constant(pkg: Package, node: Node | None) -> int | None:
    node = strip_parens(node)
    if node is None:
        return None
    if node.type == "int_literal" and text(node).isdigit():
        return int(text(node))
    if node.type != "identifier" or text(node) not in pkg.consts:
        return None
    for gf in pkg.files:
        for spec in descendants(gf.tree.root_node):
            if spec.type != "const_spec":
                continue
            idents = spec.children_by_field_name("name")
            value = spec.child_by_field_name("value")
            for i, ident in enumerate(idents):
                if text(ident) == text(node) and value is not None and i < value.named_child_count:
                    v = value.named_children[i]
                    return int(text(v)) if v.type == "int_literal" and text(v).isdigit() else None
    return None


def string_typed(func: Func, name: str, value: Node, at: Node) -> bool:
    declared = func.type_of(name, at)
    if declared:
        return declared == "string"
    return infer_type(value, func) == "string"


def is_string_literal(node: Node | None) -> bool:
    node = strip_parens(node)
    return node is not None and node.type in ("interpreted_string_literal", "raw_string_literal")


def callee_text(call: Node) -> str:
    return text(call.child_by_field_name("function"))


def configuration_sized(loop: Loop) -> bool:
    """A loop over a collection named for configured entities (`for _, ep := range c.endpoints`): a
    handful of items, so per-item micro-costs add up to nothing."""
    expr = loop.range_expr.strip().lstrip("*(")
    if expr.endswith("()"):  # a getter, `p.Caps()`, `cfg.GetMatchSubjectAltNames()`: the name it returns
        expr = expr[:-2]
    expr = expr.rstrip(")")
    parts = [p for p in re.split(r"[.\[\]()]", expr) if p] if expr else []
    last = _GETTER.sub("", parts[-1]) if parts else ""
    if not last or loop.kind != "range":
        return False
    # A collection held by a configuration value (`d.cfg.Filters`, `s.serverConfig.Peers`) is sized by
    # whoever wrote the configuration.
    return _CONFIGURED.search(last) is not None or any(_CONFIG_HOLDER.search(p) for p in parts[:-1])
