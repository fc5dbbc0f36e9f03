"""The review a performance architect would write about a change, and benchmark plans that compile.

`render_review(result, previous=..., benchmarks=...)` turns the engine's Result into the Markdown the
App posts (within GitHub's size limits), the check run's summary and text, and inline notes;
`benchmarks.benchmark_file(pkg, functions)` writes a compilable perf_review_bench_test.go.
"""

from __future__ import annotations

from analyzers.report.inline import InlineNote
from analyzers.report.review import SECTIONS, Review, render_review

__all__ = ["SECTIONS", "InlineNote", "Review", "render_review"]
