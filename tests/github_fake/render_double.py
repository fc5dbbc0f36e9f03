"""A small test double of analyzers.report.render_review (our own interface, not GitHub's): enough
structure for the publisher, and deterministic inline notes (one per new finding)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.model import Finding, Result
from analyzers.report.plan import ReviewPlan


@dataclass(frozen=True)
class Note:
    path: str
    line: int
    body: str
    fingerprint: str
    rule: str
    severity: str


@dataclass
class FakeReview:
    markdown: str
    title: str
    check_summary: str
    check_text: str
    inline: list[Note] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)


def render(result: Result, *, previous: Sequence[Finding] | None = None, benchmarks: str | ReviewPlan | None = None,
           sources: Mapping[str, bytes | None] | None = None, notes: Sequence[str] = ()) -> FakeReview:
    now = {f.fingerprint for f in result.findings}
    fixed = [f for f in (previous or []) if f.fingerprint not in now]
    before = {f.fingerprint for f in previous or []}
    new = [f for f in result.findings if f.status != "pre-existing" and f.fingerprint not in before]
    lines = ["## Summary", "", f"{len(result.findings)} finding(s), {len(new)} new since the last review."]
    lines += [f"- NEW `{f.file}:{f.line}` {f.rule}" for f in new]
    lines += [f"- FIXED `{f.file}` {f.rule} ({f.fingerprint})" for f in fixed]
    if benchmarks:
        text = benchmarks if isinstance(benchmarks, str) else benchmarks.text()
        lines += ["", "## Benchmark Plan", "", "```go", text, "```"]
    notes = [Note(f.file, f.line, f"**{f.rule}**: {f.message}", f.fingerprint, f.rule, f.severity)
             for f in result.findings if f.status != "pre-existing"]
    return FakeReview("\n".join(lines), f"{len(result.findings)} finding(s)", f"{len(result.findings)} finding(s)",
                      "details", notes, fixed)
