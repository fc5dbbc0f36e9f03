"""The review's estimates for the demo change agree with what its findings were measured to cost.

MEASURED holds one run of `.venv/bin/python benchmarks/demo_estimates.py` on the development machine
(2 cores shared with other work, load average ~15; 2026-12-02): for each finding, how much more the
flagged code costs than the same code fixed, per call or per iteration as the review states it, with
the hand-written benchmarks of benchmarks/demo_estimates/perf_measure_test.go (CPU time of the
benchmark process, GC included; wall time for the file write). Each estimate's range must contain the
figure or miss it by less than 3 times. Rerun the command after changing the cost model or the demo, and
update the table with what it prints.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from analyzers.engine import analyze_change
from analyzers.report import render_review
from analyzers.report.context import build_context
from bot.localgit import local_change
from tests.gotool import run_go

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
from build_demo import build  # noqa: E402

COMMAND = ".venv/bin/python benchmarks/demo_estimates.py"
TOLERANCE = 3.0
# (rule, file, line) -> measured ns, and the basis the review must state it in.
MEASURED: dict[tuple[str, str, int], tuple[float, str]] = {
    ("sprintf-simple", "handler.go", 25): (116, "per iteration"),
    ("write-string-conversion", "handler.go", 27): (703, "per call"),
    ("nested-loop-quadratic", "handler.go", 34): (3_605_225, "per call at n=m=1,000"),
    ("lock-held-across-io", "store.go", 48): (1_549_363, "per call"),
    ("byte-loop-count", "handler.go", 46): (562, "per call at n=1,000"),
    ("string-concat-loop", "store.go", 55): (7_524_200, "per call at n=1,000"),
}
IMPACT = {"sprintf-simple": "low", "write-string-conversion": "low", "nested-loop-quadratic": "high",
          "lock-held-across-io": "high", "byte-loop-count": "medium", "string-concat-loop": "high"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    repo = build(tmp_path_factory.mktemp("demo"))
    change = local_change(repo, "base", "head")
    result = analyze_change(change.changes, change.head, change.base)
    return repo, result


def test_every_demo_estimate_agrees_with_its_measurement(demo: tuple[Path, object]) -> None:
    _, result = demo
    ctx = build_context(result, None, None)  # type: ignore[arg-type]
    seen = set()
    for f in ctx.current:
        key = (f.rule, f.file, f.line)
        assert key in MEASURED, f"no measurement for {key}: run `{COMMAND}` and add it"
        measured, basis = MEASURED[key]
        e = ctx.est(f)
        assert e.basis == basis, (key, e.basis)
        assert e.cost.contains_within(measured, TOLERANCE), (
            f"{key}: estimate {e.text} vs measured {measured:,.0f} ns (more than {TOLERANCE:g} times off)")
        seen.add(key)
    assert seen == set(MEASURED)


def test_impact_labels_follow_the_estimates(demo: tuple[Path, object]) -> None:
    _, result = demo
    ctx = build_context(result, None, None)  # type: ignore[arg-type]
    assert {f.rule: ctx.est(f).impact for f in ctx.current} == IMPACT
    md = render_review(result).markdown  # type: ignore[arg-type]
    for f in ctx.current:
        row = next(line for line in md.splitlines() if f"`{f.rule}`:" in line and line.startswith("| "))
        assert ctx.est(f).text in row and row.rstrip(" |").endswith(ctx.est(f).impact)


def test_measurement_benchmarks_reach_every_finding(demo: tuple[Path, object], tmp_path: Path) -> None:
    """The figures above come from benchmarks that run the flagged lines (coverage of one iteration)."""
    repo, _ = demo
    work = tmp_path / "repo"
    shutil.copytree(repo, work, ignore=shutil.ignore_patterns(".git"))
    shutil.copy(ROOT / "benchmarks" / "demo_estimates" / "perf_measure_test.go", work)
    profile = tmp_path / "cover.out"
    proc = run_go(["test", "-run", "^$", "-bench", "Measure", "-benchtime", "1x", f"-coverprofile={profile}", "."],
                  work, ROOT / ".venv" / "go-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    covered: set[tuple[str, int]] = set()
    for line in profile.read_text().splitlines()[1:]:
        m = re.match(r".*/(\w+\.go):(\d+)\.\d+,(\d+)\.\d+ \d+ (\d+)$", line)
        if m and int(m.group(4)) > 0:
            covered.update((m.group(1), n) for n in range(int(m.group(2)), int(m.group(3)) + 1))
    for _, file, line in MEASURED:
        assert (file, line) in covered, f"{file}:{line} is not reached by the measurement benchmarks"
