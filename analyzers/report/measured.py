"""Measured figures next to the estimates: what `perf-review measure` found, as review text.

The data are plain values (built by bot/measure from its own run, or by the App from a downloaded
artifact, which is untrusted): every string from them is rendered inside a code span, with table pipes
escaped, so nothing in an artifact can add Markdown, HTML, links or @-mentions to the review. Numbers are
formatted here.
"""

# ruff: noqa: RUF001  (typographic signs in review text are deliberate)

from __future__ import annotations

import math
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

from analyzers.model import Finding
from analyzers.report.md import code, table

DECIDED = ("slower", "faster")
_RANK = {"slower": 0, "faster": 1, "inconclusive": 2, "unchanged": 3, "new": 4}
MAX_ROWS = 60
MAX_TEXT = 120  # longest artifact string shown


@dataclass(frozen=True)
class SideSample:
    ns_per_op: tuple[float, ...]
    allocs_per_op: int | None = None
    bytes_per_op: int | None = None

    @property
    def median(self) -> float | None:
        xs = sorted(self.ns_per_op)
        if not xs:
            return None
        mid = len(xs) // 2
        return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


@dataclass(frozen=True)
class MeasuredBenchmark:
    name: str  # BenchmarkRender/n=1000
    function: str  # Render, Store.Put: as the analyzer's JSON writes it
    file: str  # the benchmark's file, relative to the repository root
    existing: bool
    base: SideSample | None
    head: SideSample | None
    delta_pct: float | None = None
    ci_pct: tuple[float, float] | None = None  # None: unbounded (too few samples)
    p_value: float | None = None
    verdict: str = "inconclusive"  # slower | faster | unchanged | inconclusive | new
    allocs_verdict: str = "inconclusive"  # more | fewer | unchanged | inconclusive | new
    control_spread_pct: float | None = None  # this benchmark's base-against-base noise
    rounds: int = 0
    out_of_time: bool = False
    base_name: str = ""  # the base benchmark compared with, when its name differs (base has no sizes)

    @property
    def package(self) -> str:
        return posixpath.dirname(self.file)

    @property
    def top_level(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def sub(self) -> str:
        return self.name.split("/", 1)[1] if "/" in self.name else ""

    @property
    def changed(self) -> bool:
        return self.verdict in DECIDED or self.allocs_verdict in ("more", "fewer")


@dataclass(frozen=True)
class Measurement:
    base: str
    head: str
    go_version: str = ""
    cpu: str = ""
    goos: str = ""
    goarch: str = ""
    cores: int = 0
    benchmarks: tuple[MeasuredBenchmark, ...] = ()
    control_spread_pct: float | None = None  # median over the benchmarks
    skipped: tuple[tuple[str, str], ...] = ()
    rounds: int = 0
    benchtime: str = ""
    stopped: str = ""  # decided | count | budget
    out_of_time: tuple[str, ...] = field(default=())
    layouts: int = 0  # code layouts per side (base: per run of the control pair); 0: not stated

    def for_function(self, package: str, function: str) -> list[MeasuredBenchmark]:
        return [b for b in self.benchmarks if b.function == function and b.package == package]

    def for_benchmark(self, package: str, name: str) -> list[MeasuredBenchmark]:
        return [b for b in self.benchmarks if b.top_level == name and b.package == package]


def promote_measured(findings: Sequence[Finding], measurement: Measurement) -> list[Finding]:
    """The unmeasured findings whose function a base-against-head run measured `slower` (or allocating
    more) become warnings: the measurement is the evidence the code's shape could not give. Returns them.
    (An artifact can only add warnings to its own pull request this way, never take one away.)"""
    promoted = []
    for f in findings:
        if not f.unmeasured:
            continue
        runs = measurement.for_function(posixpath.dirname(f.file), f.function)
        if any(b.verdict == "slower" or b.allocs_verdict == "more" for b in runs):
            f.severity, f.unmeasured = "warning", False
            promoted.append(f)
    return promoted


# -- numbers -----------------------------------------------------------------------------------------


def fmt_pct(value: float) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    a = abs(value)
    digits = 0 if a >= 100 else 1
    return f"{sign}{a:,.{digits}f} %"


def fmt_ns(ns: float | None) -> str:
    if ns is None or not math.isfinite(ns):
        return "–"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "–"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_ci(ci: tuple[float, float] | None) -> str:
    return "unbounded (too few rounds)" if ci is None else f"{fmt_pct(ci[0])} … {fmt_pct(ci[1])}"


def fmt_count(base: int | None, head: int | None) -> str:
    if head is None:
        return "–"
    if base is None or base == head:
        return f"{head:,}"
    return f"{base:,} → {head:,}"


def _text(value: str) -> str:
    """An untrusted string as inline code, shortened."""
    value = " ".join(value.split())
    return code(value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…")


# -- phrases -----------------------------------------------------------------------------------------


def phrase(b: MeasuredBenchmark) -> str:
    """One benchmark's result in a clause: "measured: +7,100 % time/op, allocs/op 1 → 1,000, p < 0.001"."""
    where = f" ({_text(b.sub)})" if b.sub else ""
    base_allocs = b.base.allocs_per_op if b.base else None
    head_allocs = b.head.allocs_per_op if b.head else None
    allocs = f"allocs/op {fmt_count(base_allocs, head_allocs)}" if head_allocs is not None else ""
    if b.verdict == "new" or b.base is None:
        parts = [f"{fmt_ns(b.head.median if b.head else None)}/op"] + ([allocs] if allocs else [])
        return f"measured at head only{where}: " + ", ".join(parts)
    if b.delta_pct is None:
        return f"measured{where}: no comparison"
    if b.verdict in DECIDED:
        parts = [f"{fmt_pct(b.delta_pct)} time/op"] + ([allocs] if allocs else []) + [fmt_p(b.p_value)]
        return f"measured{where}: " + ", ".join(parts)
    detail = f"{fmt_pct(b.delta_pct)} time/op, 95 % CI {fmt_ci(b.ci_pct)}"
    if b.allocs_verdict in ("more", "fewer"):
        detail += f"; {allocs}"
    label = "unchanged" if b.verdict == "unchanged" else "inconclusive"
    suffix = ", ran out of time" if b.out_of_time else ""
    return f"measured{where}: {label} ({detail}{suffix})"


def by_effect(benchmarks: Sequence[MeasuredBenchmark]) -> list[MeasuredBenchmark]:
    def key(b: MeasuredBenchmark) -> tuple[int, float, str]:
        rank = 0 if b.changed else _RANK.get(b.verdict, 5)
        effect = abs(math.log1p(b.delta_pct / 100)) if b.delta_pct is not None and b.delta_pct > -100 else 0.0
        return rank, -effect, b.name

    return sorted(benchmarks, key=key)


def function_note(m: Measurement | None, package: str, function: str, limit: int = 3) -> str:
    """" — measured: …" for a function of the review (its benchmarks, largest effect first), or ""."""
    if m is None:
        return ""
    found = by_effect(m.for_function(package, function))
    if not found:
        return ""
    more = f"; {len(found) - limit} more in the check run" if len(found) > limit else ""
    return " — " + "; ".join(phrase(b) for b in found[:limit]) + more


def benchmark_note(m: Measurement | None, package: str, name: str, limit: int = 3) -> str:
    """" — measured: …" for a benchmark of the plan (its sub-benchmarks), or ""."""
    if m is None:
        return ""
    found = by_effect(m.for_benchmark(package, name))
    if not found:
        return ""
    more = f"; {len(found) - limit} more in the check run" if len(found) > limit else ""
    return " — " + "; ".join(phrase(b) for b in found[:limit]) + more


# -- the table ---------------------------------------------------------------------------------------


def _row(b: MeasuredBenchmark) -> list[str]:
    base_s, head_s = b.base, b.head
    verdict = f"**{b.verdict}**" if b.verdict in DECIDED else b.verdict
    if b.out_of_time and b.verdict == "inconclusive":
        verdict += " (out of time)"
    allocs = fmt_count(base_s.allocs_per_op if base_s else None, head_s.allocs_per_op if head_s else None)
    if b.allocs_verdict in ("more", "fewer"):
        allocs = f"**{allocs}**"
    name = _text(b.name) + (f" (base: {_text(b.base_name)})" if b.base_name else "")
    return [name, _text(b.function), fmt_ns(base_s.median if base_s else None),
            fmt_ns(head_s.median if head_s else None),
            fmt_pct(b.delta_pct) if b.delta_pct is not None else "–",
            fmt_ci(b.ci_pct) if b.delta_pct is not None else "–", fmt_p(b.p_value), verdict, allocs,
            fmt_count(base_s.bytes_per_op if base_s else None, head_s.bytes_per_op if head_s else None)]


def summary_line(m: Measurement) -> str:
    machine = ", ".join(x for x in (_text(m.cpu) if m.cpu else "", _text(f"{m.goos}/{m.goarch}") if m.goos else "",
                                    f"{m.cores} cores" if m.cores else "", _text(m.go_version) if m.go_version else "")
                        if x)
    spreads = [b.control_spread_pct for b in m.benchmarks if b.control_spread_pct is not None]
    if m.control_spread_pct is not None and spreads:
        spread = (f"noise within ±{abs(m.control_spread_pct):,.1f} % (95 % interval, median over the benchmarks; "
                  f"largest ±{max(spreads):,.1f} %)")
    else:
        spread = "not enough rounds to measure the noise"
    return (f"{m.rounds:,} interleaved round(s) of base, head, base (`-benchtime {_bare(m.benchtime)}`)"
            f"{_layouts(m.layouts)} on {machine}. "
            f"Control (base against base): {spread}. A verdict needs p ≤ 0.05 and a change larger than both the "
            "minimum effect (5 % unless set) and that benchmark's noise.")


def _layouts(n: int) -> str:
    if n > 1:
        return (f" over {n:,} code layouts per side (random function order at link time; the two base runs "
                "of a round in different layouts, so the control includes layout noise)")
    if n == 1:
        return " in one code layout per side (layout effects are not part of the noise)"
    return ""


def _bare(value: str) -> str:
    return "".join(c for c in value if c.isalnum() or c == ".")[:20] or "?"


def measured_table(m: Measurement, max_rows: int = MAX_ROWS) -> str:
    """The whole result as Markdown: a summary line, one table sorted by effect, then what did not run."""
    rows = by_effect(m.benchmarks)
    parts = [f"**Measured** {_text(m.base[:12])} → {_text(m.head[:12])}: " + summary_line(m)]
    if rows:
        headers = ("benchmark", "function", "base time/op", "head time/op", "time/op", "95 % CI", "p", "verdict",
                   "allocs/op", "B/op")
        parts.append(table(headers, [_row(b) for b in rows[:max_rows]]))
        if len(rows) > max_rows:
            parts.append(f"…and {len(rows) - max_rows:,} more benchmarks (in the JSON).")
    else:
        parts.append("No benchmark ran.")
    if m.out_of_time:
        names = ", ".join(_text(n) for n in m.out_of_time[:20])
        parts.append(f"Out of time before a verdict: {names}. Give the run a larger time budget for these.")
    if m.skipped:
        parts.append("Not measured: " + "; ".join(f"{_text(n)} ({_text(r)})" for n, r in m.skipped[:20]) + ".")
    return "\n\n".join(parts)
