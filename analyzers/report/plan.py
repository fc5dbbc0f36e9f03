"""The benchmark plan a review carries: benchmarks only for the hot and warm touched functions that
have new findings (`perf-review benchmarks PKG_DIR` prints the full plan for every hot and warm function)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from analyzers.model import FunctionFact, Result
from analyzers.report.benchmarks import plan_for_change


def review_plan(result: Result, head: Mapping[str, bytes | None],
                order: Callable[[list[FunctionFact]], list[FunctionFact]] | None = None) -> str | None:
    """The plan for the functions with new findings, or None when none of them is hot or warm. `order`:
    as for plan_for_change (the profile-hottest first, when a CPU profile covers them)."""
    flagged = {(f.file, f.function) for f in result.findings if f.status != "pre-existing"}
    functions = [fa for fa in result.functions if (fa.file, fa.qualified_name) in flagged]
    if not functions:
        return None
    return plan_for_change(dataclasses.replace(result, functions=functions), head, order=order)
