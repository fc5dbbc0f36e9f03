"""Hits -> findings: position, severity by hot-path tier, fingerprints, suppression comments."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from tree_sitter import Node

from analyzers.hotpath import NO_EVIDENCE, Heat, top_function
from analyzers.model import SEVERITY_ORDER, Evidence, Finding, Severity
from analyzers.rules import Hit, Rule
from analyzers.source import Func, GoFile, Loop, enclosing_branches, statements, text

# The reason is everything after the rule id, stripped in Python: `\s+(.*\S)` backtracked over every
# split of a run of blanks, and one comment line with 100,000 spaces froze the bot for minutes.
IGNORE_RE = re.compile(r"//\s*perf-review:ignore\s+([a-z0-9-]+)(.*)")
MISSING_REASON_RULE = "ignore-without-reason"
_WS = re.compile(r"\s+")
_ERR_COND = re.compile(r"\berr\s*!=\s*nil\b|^!ok$|\bok\s*==\s*false\b")
# Informational, success and redirect statuses (1xx-3xx): a branch on one of them is no failure.
_NOT_FAILED = tuple(f"{name}\\b" for name in (
    "Continue", "SwitchingProtocols", "Processing", "EarlyHints", "OK", "Created", "Accepted",
    "NonAuthoritativeInfo", "NoContent", "ResetContent", "PartialContent", "MultiStatus", "AlreadyReported",
    "IMUsed", "MultipleChoices", "MovedPermanently", "Found", "SeeOther", "NotModified", "UseProxy",
    "TemporaryRedirect", "PermanentRedirect"))
# A response that is not a success: `resp.StatusCode != http.StatusOK`, `== http.StatusBadRequest`, `>= 400`.
_ERR_STATUS = re.compile(
    r"StatusCode\s*(!=\s*(http\.StatusOK|200)\b|>=?\s*([345]\d\d|http\.Status(BadRequest|MultipleChoices|"
    r"InternalServerError))\b|==\s*(http\.Status(?!" + "|".join(_NOT_FAILED) + r")\w+|[45]\d\d)\b)"
)


def to_finding(hit: Hit, rule: Rule, heat: Mapping[Func, Heat], overrides: Mapping[str, Severity],
               evidence: Evidence = "measured") -> Finding:
    func = hit.func
    h = heat.get(func) or heat.get(top_function(func)) or Heat("warm", [])
    severity: Severity = hit.severity or rule.severity
    cold = h.tier == "cold" and (h.dev or not rule.correctness)
    warm_only = rule.hot_only and _warm_here(h, hit.node, func, rule.nested)
    # Once per tick lowers a cost paid per call; a lock held there still blocks everyone else meanwhile.
    per_tick = rule.category != "concurrency" and in_timer_case(hit.node, func)
    rare = not rule.correctness and (in_error_branch(hit.node, func) or per_tick)
    if cold or warm_only or rare:
        severity = "info"
    # How often code runs and how big its collections get, the code does not say: on public projects'
    # code, judged by hand, the fixed-cost and contention warnings that static tiers made were false
    # more often than not whatever the evidence (nested loops, handlers, benchmarks). Under the measured
    # policy they wait for the team's evidence; correctness findings and self-defeating constructs do not.
    # Correctness findings keep their severity wherever the code may run often; in code that runs once or at
    # an operator's pace (start-up, shutdown, a command's main, an admin API, diagnostics) what they leak or
    # race is bounded, and on the evaluated projects' code 15 of 17 such warnings were false. A function with no
    # evidence either way is not known to be rare: it keeps them.
    rare_correctness = rule.correctness and h.tier == "cold" and not h.dev and h.reasons != [NO_EVIDENCE]
    unmeasured = (evidence == "measured" and severity != "info" and not h.measured
                  and (rare_correctness or rule.waits_for_measurement))
    if unmeasured:
        severity = "info"
    if rule.id in overrides:
        severity = overrides[rule.id]
    node = hit.node
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=severity,
        file=func.file.path,
        line=node.start_point[0] + 1,
        column=node.start_point[1] + 1,
        end_line=node.end_point[0] + 1,
        function=top_function(func).qualified_name,
        hot_path=h.tier,
        message=hit.message,
        suggestion=hit.suggestion,
        fingerprint=_WS.sub(" ", hit.key).strip() if hit.key is not None else construct_key(node),
        loops=loops_around(node, func),
        callee=_callee(node),
        unmeasured=unmeasured and rule.id not in overrides,
    )


# A formatting method runs per element of whatever is printed; a loop inside it walks the parts of one
# value (a bootstrap's servers, a name's parameters), which that evidence says nothing about.
_FORMATTING = frozenset(f"per-element method {m}" for m in ("String", "GoString", "Format", "Error"))


def _warm_here(h: Heat, node: Node, func: Func, nested: bool = False) -> bool:
    """Whether the evidence for the finding's spot is only that of a warm path (for a rule about nested
    loops, nested loops are no evidence: they are what it flags, unless they walk the function's inputs)."""
    if h.tier == "warm":
        return True
    if nested and h.tier == "hot" and h.reasons and all(r.startswith("loops nested") for r in h.reasons):
        return not _walks_inputs(node, func)
    return h.tier == "hot" and bool(h.reasons) and set(h.reasons) <= _FORMATTING and bool(loops_around(node, func))


def _walks_inputs(node: Node, func: Func) -> bool:
    """Every loop around node ranges over a parameter of the function, or over an element of the loop
    around it that does (`for _, o := range orders { for _, it := range items {`, `for _, row := range
    rows { for _, cell := range row {`): the cost is the product of sizes the caller supplies and nothing
    here bounds, unlike a value's fields, a lookup's answers or a fixed list (a certificate's names, a
    query's labels), which on public projects' code were small by construction."""
    names = {p.name for p in top_function(func).params if p.name}
    around = sorted(_loops_holding(node, func), key=lambda lp: lp.node.start_byte)
    if len(around) < 2:
        return False
    for lp in around:
        if lp.range_node is None or lp.range_node.type != "identifier" or text(lp.range_node) not in names:
            return False
        names |= {v for v in (lp.key, lp.value) if v and v != "_"}
    return True


# Children that hold what a construct contains rather than what it is: a loop's or an if's body,
# a function literal's body. An edit in there is not an edit of the flagged construct.
_INNER_FIELDS = ("body", "consequence", "alternative")
_WORDY = re.compile(r"\w")


def construct_key(node: Node) -> str:
    """The flagged construct's identity, independent of its line, its layout and its contents: the
    tokens of the node up to its body (a loop's header, not its statements), with comments dropped
    and the bodies of function literals inside it elided. New-vs-pre-existing follows this (with the
    rule and the enclosing function), so rewriting an unrelated expression nearby, or inside the
    loop a finding is about, does not make an old finding new."""
    end = node.end_byte
    for name in _INNER_FIELDS:
        child = node.child_by_field_name(name)
        if child is not None and child.start_byte > node.start_byte:
            end = min(end, child.start_byte)
    tokens: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.start_byte >= end or current.type == "comment":
            continue
        if current.type == "block" and current.parent is not None and current.parent.type == "func_literal":
            tokens.append("{…}")
            continue
        if current.child_count == 0:
            tokens.append(text(current))
            continue
        stack.extend(reversed(current.children))
    out = ""
    for tok in tokens:
        if out and _WORDY.match(out[-1]) and _WORDY.match(tok[:1]):
            out += " "
        out += tok
    return out


_LOOP_TEXT_MAX = 80


def loops_around(node: Node, func: Func) -> list[str]:
    """What each loop around node walks, outermost first; the flagged loop itself counts (its body
    runs per element)."""
    around = _loops_holding(node, func)
    around.sort(key=lambda lp: lp.node.start_byte)
    return [_WS.sub(" ", lp.range_expr or lp.cond).strip()[:_LOOP_TEXT_MAX] for lp in around]


def _loops_holding(node: Node, func: Func) -> list[Loop]:
    """The loops of func (and those around it, for a closure) that contain node."""
    return [lp for lp in (*func.outer_loops, *func.loops) if lp.contains(node)]


def _callee(node: Node) -> str:
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    if fn is None or fn.type not in ("identifier", "selector_expression"):
        return ""
    return _WS.sub("", text(fn))[:_LOOP_TEXT_MAX]


def in_error_branch(node: Node, func: Func) -> bool:
    """True inside `if err != nil { ... }` (or `if !ok`), or inside a branch that ends by failing
    (`return ..., fmt.Errorf(...)`, `panic(...)`, an error response then `return`): code that runs on
    the failure path."""
    if _builds_error_text(node):
        return True
    for cond_node, consequence in enclosing_branches(node, func.node, limit=400):
        cond = text(cond_node)
        if _ERR_COND.search(cond.strip()) or _ERR_STATUS.search(cond) or _ends_in_failure(consequence):
            return True
    return False


# What a select case receives from when it is a clock: `time.After(d)`, `time.Tick(d)`, a ticker's or
# timer's channel (`t.C`), or a channel named for one (`keepAliveTicker`, `flushTimer`, `tickCh`).
_CLOCK_MAX = 200
_CLOCK = re.compile(r"^(time\.(After|Tick)\(.*|[\w.]*\.C|\w*([Tt]ick|[Tt]imer)\w*)$", re.DOTALL)


def in_timer_case(node: Node, func: Func) -> bool:
    """node is in the body of a select case that receives from a clock (`case <-ticker.C:`), and in no
    loop of its own there: it runs once per tick (a keep-alive every few seconds), whatever the loop
    around the select walks. Periodic work that walks a collection per tick is not excused."""
    current = node
    while current.parent is not None and current.id != func.node.id:
        parent = current.parent
        if parent.type in ("for_statement", "func_literal"):
            return False
        if parent.type == "communication_case":
            comm = parent.child_by_field_name("communication")
            if comm is None or current.start_byte < comm.end_byte:
                return False  # the case's own receive (time-after-in-loop's call), not its body
            recv = comm.child_by_field_name("right") if comm.type == "receive_statement" else comm
            if recv is None or recv.type != "unary_expression" or recv.child_count < 2:
                return False
            operand = recv.child_by_field_name("operand")
            # A clock's channel is a short expression; a long one is not read (nor fed to the pattern).
            if operand is None or operand.end_byte - operand.start_byte > _CLOCK_MAX:
                return False
            return bool(_CLOCK.match(_WS.sub("", text(operand))))
        current = parent
    return False


# A variable that holds an error's text (`errDesc := fmt.Sprintf("unknown service %v", service)`).
_ERROR_TEXT_VAR = re.compile(r"^err(or)?_?(Desc|Msg|Message|Str|String|Text|Detail|Details|Reason)$", re.I)
_ASSIGNMENTS = frozenset({"short_var_declaration", "assignment_statement", "var_spec"})


def _builds_error_text(node: Node) -> bool:
    """node is part of the value assigned to an error-text variable: it runs on the way to a failure."""
    current = node
    for _ in range(40):
        parent = current.parent
        if parent is None or (parent.type.endswith(("_statement", "block", "func_literal"))
                              and parent.type not in _ASSIGNMENTS):
            return False
        if parent.type in _ASSIGNMENTS:
            left = parent.child_by_field_name("left") or parent.child_by_field_name("name")
            if left is None or left.id == current.id:
                return False
            names = [text(c) for c in left.named_children] if left.type == "expression_list" else [text(left)]
            return bool(names) and all(_ERROR_TEXT_VAR.match(n) for n in names)
        current = parent
    return False


# An error built on the way out: fmt.Errorf, errors.New/Join/Wrap, status.Errorf, a sentinel `ErrX` (not a
# bare `err`, which a success path returns too: `return n, err` after a write).
_ERROR_VALUE = re.compile(
    r"^(fmt\.Errorf|errors\.(New|Join|Wrap\w*|Errorf)|\w+\.(Errorf|Newf)|status\.Error|\w*Err(or)?[fs]?)\((?!\))"
    r"|^(Err\w+|\w+\.Err\w+)$"
)
# A call that answers with an error: http.Error, writeErrorResponse(...), c.AbortWithError(...).
_ERROR_REPLY = re.compile(r"(?i)error")


def _ends_in_failure(block: Node) -> bool:
    stmts = [c for c in statements(block) if c.type != "comment"]
    if not stmts:
        return False
    last = stmts[-1]
    if last.type == "expression_statement" and text(last).startswith("panic("):
        return True
    if last.type != "return_statement":
        return False
    values = last.named_children[0].named_children if last.named_child_count else []
    if any(_ERROR_VALUE.search(text(v).strip()) for v in values):
        return True
    if not values and len(stmts) >= 2 and stmts[-2].type == "expression_statement":
        call = stmts[-2].named_children[0] if stmts[-2].named_child_count else None
        fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
        return fn is not None and _ERROR_REPLY.search(text(fn).rsplit(".", 1)[-1]) is not None
    return False


def assign_fingerprints(findings: list[Finding]) -> None:
    """Replace each provisional key with a hash stable under line shifts (occurrence-numbered)."""
    seen: dict[tuple[str, str, str], int] = {}
    for f in sorted(findings, key=lambda f: (f.file, f.line, f.column)):
        key = (f.rule, f.function, f.fingerprint)
        n = seen.get(key, 0)
        seen[key] = n + 1
        raw = "\x1f".join((*key, str(n)))
        f.fingerprint = hashlib.sha1(raw.encode()).hexdigest()[:16]


def apply_suppressions(findings: list[Finding], files: Iterable[GoFile]) -> list[Finding]:
    """Drop findings silenced by `//perf-review:ignore <rule> <reason>` on their line or the one above;
    an ignore comment without a reason still silences, and is itself reported. A suppression written
    for a linter whose check the rule mirrors (`//nolint:prealloc`, `//lint:ignore SA6002 why`) silences
    the finding too (see LINTER_EQUIVALENTS)."""
    by_path = {f.path: f for f in files}
    kept: list[Finding] = []
    reported: set[tuple[str, int]] = set()
    extra: list[Finding] = []
    for f in findings:
        gf = by_path.get(f.file)
        match = _ignore_for(gf, f.line, f.rule) if gf is not None else None
        if match is None:
            if gf is None or silenced_by_linter(gf, f.line, f.rule) is None:
                kept.append(f)
            continue
        line, reason = match
        if not reason and (f.file, line) not in reported:
            reported.add((f.file, line))
            extra.append(
                Finding(
                    rule=MISSING_REASON_RULE, category="meta", severity="warning", file=f.file, line=line,
                    column=1, end_line=line, function=f.function, hot_path=f.hot_path,
                    message=f"perf-review:ignore {f.rule} needs a reason after the rule id",
                    fingerprint=f"{MISSING_REASON_RULE}:{f.rule}:{f.function}",
                )
            )
    return kept + extra


def _ignore_for(gf: GoFile, line: int, rule_id: str) -> tuple[int, str] | None:
    for candidate in (line, line - 1):
        for comment in gf.comment_on(candidate):
            m = IGNORE_RE.search(comment)
            if m and m.group(1) == rule_id:
                return candidate, _reason(m.group(2))
    return None


# Linters whose checks a rule mirrors, by the names their suppression comments use: a team that wrote
# `//nolint:prealloc` or `//lint:ignore SA6002 reason` on a line has already decided about it, and
# perf-review honours that instead of asking again (loki silences SA6002 on its series pool's Put).
LINTER_EQUIVALENTS: dict[str, frozenset[str]] = {
    "sync-pool-non-pointer": frozenset({"staticcheck", "SA6002"}),
    "equal-fold": frozenset({"staticcheck", "SA6005"}),
    "regexp-compile-in-func": frozenset({"staticcheck", "SA6000"}),
    "mutex-copy": frozenset({"govet", "vet", "copylocks"}),
    "huge-param": frozenset({"gocritic", "hugeParam"}),
    "range-value-copy": frozenset({"gocritic", "rangeValCopy"}),
    "defer-in-loop": frozenset({"gocritic", "deferInLoop", "revive"}),
    "slice-prealloc": frozenset({"prealloc"}),
    "sprintf-simple": frozenset({"perfsprint"}),
    "string-concat-loop": frozenset({"perfsprint"}),
}
# `//nolint`, `//nolint:all`, `//nolint:a,b // why` (golangci-lint); `//lint:ignore SA6002 why` (staticcheck).
_NOLINT = re.compile(r"^//\s?nolint(?::([\w,-]+))?(?![\w:])")
_LINT_IGNORE = re.compile(r"^//lint:ignore ([\w,]+)\s+\S")


def silenced_by_linter(gf: GoFile, line: int, rule_id: str) -> str | None:
    """The suppression comment for an equivalent linter check on the finding's line or the line above,
    or None."""
    names = LINTER_EQUIVALENTS.get(rule_id)
    if names is None:
        return None
    for candidate in (line, line - 1):
        for comment in gf.comment_on(candidate):
            c = comment.strip()
            m = _NOLINT.match(c)
            if m is not None:
                listed = set(m.group(1).split(",")) if m.group(1) else {"all"}
                if "all" in listed or listed & names:
                    return c
            m = _LINT_IGNORE.match(c)
            if m is not None and set(m.group(1).split(",")) & names:
                return c
    return None


def _reason(rest: str) -> str:
    """The reason after the rule id: only when whitespace separates them (`rule-idX` has none)."""
    return rest.strip() if rest[:1].isspace() else ""


def sort_findings(findings: list[Finding]) -> list[Finding]:
    tier = {"hot": 0, "warm": 1, "cold": 2}
    return sorted(
        findings, key=lambda f: (-SEVERITY_ORDER[f.severity], tier[f.hot_path], f.file, f.line, f.column, f.rule)
    )
