"""The benchmark plan a review carries: benchmarks only for the hot and warm touched functions that
have new findings (`perf-review benchmarks PKG_DIR` prints the full plan for every hot and warm function)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from analyzers.model import Result
from analyzers.report.benchmarks import plan_for_change


def review_plan(result: Result, head: Mapping[str, bytes | None]) -> str | None:
    """The plan for the functions with findings, or None when none of them is hot or warm."""
    flagged = {(f.file, f.function) for f in result.findings if f.status != "pre-existing"}
    functions = [fa for fa in result.functions if (fa.file, fa.qualified_name) in flagged]
    if not functions:
        return None
    return plan_for_change(dataclasses.replace(result, functions=functions), head)
