"""Run generated benchmarks for real and see what they exercise.

For each Go module: analyse it, write the benchmark plan of every package (functions with findings and
the hot and warm ones, with the finding lines), build one coverage-instrumented test binary per package
(one `go test -c` per workspace of modules), run every generated benchmark once on its own
(`-test.bench '^Name$' -test.benchtime 1x -test.coverprofile`) and check, per finding, whether the line
was executed by the benchmark of its function.

`python -m tests.benchcheck MODULE_DIR...` prints the figures (the modules are copied, never modified).
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.engine import analyze_files
from analyzers.hotpath import classify
from analyzers.report.benchmarks import BENCH_FILE, PlannedBenchmark, benchmark_plan, load_package
from tests.gotool import go_binary, go_env, module_go_version, module_path


@dataclass
class Target:
    """One generated benchmark to run, and the finding lines it should execute."""

    module: Path
    directory: str  # package directory inside the module
    import_path: str
    bench: PlannedBenchmark
    lines: list[tuple[str, int, str]]  # (file relative to the module, line, rule)
    signature: int = 0  # the function's first line


@dataclass
class Run:
    target: Target
    status: str  # ok, fail, skip, missing
    output: str
    covered: list[tuple[str, int, str]] = field(default_factory=list)
    uncovered: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class Figures:
    generated: int = 0
    failed: list[Run] = field(default_factory=list)
    skipped: list[Run] = field(default_factory=list)
    findings: int = 0  # findings in functions with a generated, not skipped benchmark
    covered: int = 0
    uncovered: list[tuple[Run, tuple[str, int, str]]] = field(default_factory=list)
    existing: int = 0  # plan entries naming the package's own benchmarks

    @property
    def coverage(self) -> float:
        return self.covered / self.findings if self.findings else 1.0

    def summary(self) -> str:
        return (f"generated {self.generated}, failed {len(self.failed)}, skipped {len(self.skipped)}, "
                f"existing {self.existing}, finding lines covered {self.covered}/{self.findings} "
                f"({100 * self.coverage:.0f}%)")


def module_files(module: Path) -> dict[str, bytes | None]:
    return {p.relative_to(module).as_posix(): p.read_bytes() for p in sorted(module.rglob("*"))
            if p.is_file() and (p.suffix == ".go" or p.name == "go.mod")
            and "testdata" not in p.relative_to(module).parts}


def plan_module(module: Path) -> tuple[list[Target], int]:
    """Write BENCH_FILE into every package of module; the generated benchmarks to run, and how many
    existing benchmarks the plans name."""
    files = module_files(module)
    result = analyze_files(files)
    by_func: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
    starts = {(fa.file, fa.qualified_name): fa.start_line for fa in result.functions}
    for f in result.findings:
        if f.rule.startswith("perf-review"):
            continue
        by_func.setdefault((posixpath.dirname(f.file), f.function), []).append((f.file, f.line, f.rule))
    root = module_path(module)
    targets: list[Target] = []
    existing = 0
    dirs = sorted({posixpath.dirname(p) for p in files if p.endswith(".go") and not p.endswith("_test.go")})
    for directory in dirs:
        pkg = load_package(directory, files)
        if pkg is None:
            continue
        heat = classify(pkg)
        names = [f.qualified_name for f in pkg.funcs if not f.is_literal and heat[f].tier in ("hot", "warm")]
        names += [fn for (d, fn) in by_func if d == directory and fn not in names]
        lines = {fn: [ln for _, ln, _ in found] for (d, fn), found in by_func.items() if d == directory}
        plan, code = benchmark_plan(pkg, names, lines)
        existing += sum(1 for p in plan if p.existing)
        generated = [p for p in plan if not p.existing]
        if not generated:
            continue
        (module / directory / BENCH_FILE).write_text(code)
        import_path = root + ("/" + directory if directory else "")
        for p in generated:
            found = by_func.get((directory, p.function), [])
            start = starts.get((found[0][0], p.function), 0) if found else 0
            targets.append(Target(module, directory, import_path, p, found, start))
    return targets, existing


def _binary_name(import_path: str) -> str:
    return import_path.rsplit("/", 1)[-1] + ".test"


def groups(modules: Sequence[Path], binaries: dict[Path, list[str]]) -> list[list[Path]]:
    """Modules in as few workspaces as unique module paths and unique test-binary names allow."""
    out: list[tuple[list[Path], set[str], set[str]]] = []
    for m in modules:
        path, names = module_path(m), set(binaries[m])
        for mods, paths, taken in out:
            if path not in paths and not names & taken:
                mods.append(m)
                paths.add(path)
                taken |= names
                break
        else:
            out.append(([m], {path}, names))
    return [g[0] for g in out]


def build(modules: Sequence[Path], imports: dict[Path, list[str]], work: Path, cache: Path) -> list[str]:
    """Coverage-instrumented test binaries into work/bin<k>/; returns the build errors."""
    errors: list[str] = []
    for k, group in enumerate(groups(modules, {m: [_binary_name(i) for i in imports[m]] for m in modules})):
        ws = work / f"ws{k}"
        ws.mkdir(parents=True, exist_ok=True)
        version = max(module_go_version(m) for m in group)
        uses = "\n".join(f"\t{m.resolve()}" for m in group)
        (ws / "go.work").write_text(f"go {'.'.join(map(str, version))}\n\nuse (\n{uses}\n)\n")
        env = go_env(cache)
        env.update(GOWORK=str(ws / "go.work"), GOFLAGS="")
        pkgs = sorted({i for m in group for i in imports[m]})
        proc = subprocess.run([go_binary(), "test", "-c", "-cover", "-vet=off", "-o", f"{ws}/bin/", *pkgs],
                              cwd=ws, env=env, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            errors.append(proc.stdout + proc.stderr)
        for m in group:
            for i in imports[m]:
                binary = ws / "bin" / _binary_name(i)
                if binary.exists():
                    binary.rename(work / "bin" / i.replace("/", "_"))
    return errors


_FAIL = re.compile(r"^--- FAIL: |^panic: |^FAIL\b", re.MULTILINE)
_SKIP = re.compile(r"^--- SKIP: ", re.MULTILINE)
_BLOCK = re.compile(r"^(.+?):(\d+)\.(\d+),(\d+)\.(\d+) \d+ (\d+)$", re.MULTILINE)


def run_one(t: Target, work: Path, cache: Path) -> Run:
    binary = work / "bin" / t.import_path.replace("/", "_")
    if not binary.exists():
        return Run(t, "missing", "no test binary (build failed)")
    profile = work / "cover" / f"{t.import_path.replace('/', '_')}.{t.bench.name}.out"
    cmd = [str(binary), "-test.run", "^$", "-test.bench", f"^{t.bench.name}$", "-test.benchtime", "1x",
           "-test.coverprofile", str(profile), "-test.timeout", "20s"]
    env = dict(os.environ, GOCACHE=str(cache))
    try:
        proc = subprocess.run(cmd, cwd=t.module / t.directory, env=env, capture_output=True, text=True,
                              timeout=40)
    except subprocess.TimeoutExpired:
        return Run(t, "fail", "timed out")
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or _FAIL.search(out):
        return Run(t, "fail", out)
    if _SKIP.search(out) or t.bench.skip_reason is not None:
        return Run(t, "skip", out)
    run = Run(t, "ok", out)
    blocks = _blocks(profile.read_text() if profile.exists() else "", t.import_path)
    for finding in t.lines:
        ran = line_ran(blocks.get(posixpath.basename(finding[0]), []), finding[1], finding[1] == t.signature)
        (run.covered if ran else run.uncovered).append(finding)
    return run


def line_ran(blocks: list[tuple[int, int, int]], line: int, signature: bool) -> bool:
    """Whether a block holding the line ran. A line no block holds counts as run when the block that
    leads to it ran: for a function's signature the first block after it, for anything else (a select
    case header) the last block before it."""
    holding = [count for start, end, count in blocks if start <= line <= end]
    if holding:
        return any(holding)
    if signature:
        after = [(start, count) for start, _, count in blocks if start > line]
        return bool(after) and min(after)[1] > 0
    before = [(end, count) for _, end, count in blocks if end < line]
    return bool(before) and max(before)[1] > 0


def _blocks(profile: str, import_path: str) -> dict[str, list[tuple[int, int, int]]]:
    """File name -> (first line, last line, count) of each block (a block ending at column 1 does not
    own its last line: that is the closing brace of an enclosing block)."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for m in _BLOCK.finditer(profile):
        path, start, _, end, end_col, count = m.groups()
        if posixpath.dirname(path) != import_path:
            continue
        last = int(end) - 1 if int(end_col) <= 1 and int(end) > int(start) else int(end)
        out.setdefault(posixpath.basename(path), []).append((int(start), last, int(count)))
    return out


def check(modules: Sequence[Path], work: Path, cache: Path, jobs: int = 2) -> tuple[Figures, list[str], list[Run]]:
    """Copy modules into work, plan, build and run; (figures, build errors, runs)."""
    copies: list[Path] = []
    targets: list[Target] = []
    existing = 0
    for i, source in enumerate(modules):
        copy = work / "mods" / f"{i:03d}-{source.name}"
        shutil.copytree(source, copy)
        found, named = plan_module(copy)
        targets += found
        existing += named
        copies.append(copy)
    imports: dict[Path, list[str]] = {}
    for t in targets:
        imports.setdefault(t.module, [])
        if t.import_path not in imports[t.module]:
            imports[t.module].append(t.import_path)
    (work / "bin").mkdir(parents=True, exist_ok=True)
    (work / "cover").mkdir(parents=True, exist_ok=True)
    with_targets = [m for m in copies if m in imports]
    errors = build(with_targets, imports, work, cache) if with_targets else []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = list(pool.map(lambda t: run_one(t, work, cache), targets))
    figures = Figures(generated=len(runs), existing=existing)
    for r in runs:
        if r.status in ("fail", "missing"):
            figures.failed.append(r)
        elif r.status == "skip":
            figures.skipped.append(r)
        else:
            figures.findings += len(r.covered) + len(r.uncovered)
            figures.covered += len(r.covered)
            figures.uncovered += [(r, u) for u in r.uncovered]
    return figures, errors, runs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchcheck", description=__doc__)
    parser.add_argument("modules", nargs="+", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    cache = Path(__file__).resolve().parent.parent / ".venv" / "go-cache"
    with tempfile.TemporaryDirectory(prefix="benchcheck-") as tmp:
        figures, errors, runs = check(args.modules, Path(tmp), cache)
    for e in errors:
        print("BUILD:", e[:3000], file=sys.stderr)
    for r in figures.failed:
        t = r.target
        print(f"FAIL {t.import_path} {t.bench.name}: {r.output.strip()[-1500:]}")
    for r in figures.skipped:
        print(f"SKIP {r.target.import_path} {r.target.bench.name}: {r.target.bench.skip_reason}")
    for r, (file, line, rule) in figures.uncovered:
        print(f"UNCOVERED {r.target.module.name}/{file}:{line} {rule} by {r.target.bench.name}")
    if args.verbose:
        for r in runs:
            print(f"{r.status} {r.target.bench.name} covered={r.covered}")
    print(figures.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
