"""Helpers shared by rules: declarations relative to loops, small loops, string typing."""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.source import Func, Loop, Site, strip_parens, text
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
