"""The review a performance architect would write about a change, and benchmark plans that compile.

`render_review(result, previous=..., benchmarks=...)` turns the engine's Result into the Markdown the
App posts (within GitHub's size limits), the check run's summary and text, and inline notes;
`benchmarks.benchmark_plan(pkg, functions, lines)` lists the benchmarks that measure each function (the
package's own that reach it, else generated ones that reach the finding lines) and writes the compilable
perf_review_bench_test.go; `plan.review_plan(result, head)` is the review's plan (`benchmarks=` of
render_review): the functions with new findings, their existing benchmarks first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyzers.report.inline import InlineNote
    from analyzers.report.review import SECTIONS, Review, render_review

__all__ = ["SECTIONS", "InlineNote", "Review", "render_review"]

# Loaded on first use (PEP 562): `analyze` needs only profile_notes of this package for its text
# output, and importing the review and benchmark modules with it was a third of its start-up.
_HOMES = {"SECTIONS": "review", "Review": "review", "render_review": "review", "InlineNote": "inline"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
