"""The rule catalogue: one module per rule, named after its id, each exporting RULE.

A rule is a pure function of the parsed package: `check(pkg)` yields Hits. The engine turns hits
into findings (position, hot-path tier, severity, fingerprint, suppression); rules never read the
diff, the configuration or the network.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from tree_sitter import Node

from analyzers.model import Severity
from analyzers.package import Package
from analyzers.source import Func

CATEGORIES = ("alloc", "concurrency", "complexity", "simd", "io")


@dataclass(frozen=True)
class Hit:
    """One flagged node. `node` gives the finding's line and column; `func` its function."""

    func: Func
    node: Node
    message: str
    suggestion: str | None = None
    # Text that identifies the offence independently of its line (defaults to the node's text).
    key: str | None = None
    # Lower than the rule's severity when this hit's evidence is weaker (the engine may lower it more).
    severity: Severity | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: Severity
    check: Callable[[Package], Iterable[Hit]]
    # Correctness-adjacent rules keep their severity in cold code; micro-costs drop to info there.
    correctness: bool = False
    # A cost that matters only where the code runs often (a fixed cost per call: an allocation, a
    # boxing; or contention, which needs callers competing for a lock): a warning needs hot-path
    # evidence, and on a warm path (a loop, an exported method and nothing more) it is information.
    # Costs that grow with the data (quadratic, per byte) stay warnings there.
    hot_only: bool = False
    # The rule's pattern is a loop inside a loop (a quadratic search or comparison): the function's
    # nested loops are the finding itself, not evidence that it runs often, so a warning needs other
    # hot-path evidence. On public projects' code 14 of the 17 judged warnings of the two rules were
    # false (a certificate's few names, a query's few labels, a bucket's few targets).
    nested: bool = False
    # The construct defeats its own purpose whatever the frequency (a sync.Pool that allocates on
    # every Put, an http.Client per call that throws away its connection pool, a regexp compiled per
    # call to match once, zeros appended in front of the data): static evidence is enough for a
    # warning under the default evidence policy. Every other rule that is not about correctness needs
    # the team's own evidence (a CPU profile, a hot mark) for one: see analyzers.findings.
    static_evidence: bool = False
    # Correctness-adjacent, but whether it hurts depends on how long the loop runs, which the code does not
    # say (a defer in a loop over a handful of files holds a handful): under the measured policy it needs
    # the team's evidence like the fixed-cost rules. Of the 11 distinct defer-in-loop warnings left on the
    # evaluated projects' current trees and older releases after the fifth session's fixes, 7 were false.
    needs_measure: bool = False
    doc: str = ""

    @property
    def waits_for_measurement(self) -> bool:
        """Under the measured policy, a finding of this rule is a warning only where the team's evidence says
        its function is hot (a correctness rule also waits in code known to run once: analyzers.findings)."""
        return self.needs_measure or not (self.correctness or self.static_evidence)

    @property
    def summary(self) -> str:
        """The first sentence of **What it does**, for rule lists (at most ~160 characters)."""
        lines = self.doc.splitlines()
        para: list[str] = []
        for i, line in enumerate(lines):
            if line.strip().lower().startswith("**what it does**"):
                for nxt in lines[i + 1 :]:
                    if not nxt.strip():
                        if para:
                            break
                        continue
                    para.append(nxt.strip())
                break
        summary = " ".join(para) if para else (lines[0].strip() if lines else "")
        end = _sentence_end(summary)
        if end > 0:
            summary = summary[: end + 1]
        if len(summary) > 160:
            summary = summary[:157].rsplit(" ", 1)[0].rstrip(",;:")
            if summary.count("`") % 2:  # never leave a code span open
                summary = summary[: summary.rindex("`")].rstrip(" ,;:(")
            summary += "…"
        return summary


def _sentence_end(textline: str) -> int:
    """Index of the period ending the first sentence, ignoring periods inside `code spans`."""
    in_code = False
    for i, ch in enumerate(textline):
        if ch == "`":
            in_code = not in_code
        elif ch == "." and not in_code and textline[i + 1 : i + 2] in (" ", "") and textline[i - 1 : i] != ".":
            return i
    return -1


def rule(
    id: str, category: str, severity: Severity = "warning", *, correctness: bool = False, hot_only: bool = False,
    nested: bool = False, static_evidence: bool = False, needs_measure: bool = False,
) -> Callable[[Callable[[Package], Iterable[Hit]]], Rule]:
    """Decorator for a rule's check function; the module docstring becomes the rule's doc."""

    def wrap(fn: Callable[[Package], Iterable[Hit]]) -> Rule:
        import sys

        module = sys.modules.get(fn.__module__)
        doc = (module.__doc__ or "") if module is not None else ""
        return Rule(
            id=id, category=category, severity=severity, check=fn, correctness=correctness,
            hot_only=hot_only or nested, nested=nested, static_evidence=static_evidence,
            needs_measure=needs_measure, doc=doc,
        )

    return wrap


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule module under analyzers.rules, sorted by category then id."""
    found: list[Rule] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        r = getattr(module, "RULE", None)
        if isinstance(r, Rule):
            if r.id.replace("-", "_") != info.name:
                raise RuntimeError(f"rule module {info.name} declares id {r.id}")
            found.append(r)
    return tuple(sorted(found, key=lambda r: (CATEGORIES.index(r.category), r.id)))


def rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}
