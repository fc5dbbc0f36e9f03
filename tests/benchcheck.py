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
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.engine import analyze_files
from analyzers.hotpath import classify
from analyzers.report.benchmarks import BENCH_FILE, PlannedBenchmark, benchmark_plan, load_package
from analyzers.source import parse
from tests.gotool import go_binary, go_env, module_go_version, module_path

log = logging.getLogger(__name__)


@dataclass
class Target:
    """One generated benchmark to run, and the finding lines it should execute."""

    module: Path
    directory: str  # package directory inside the module
    import_path: str
    bench: PlannedBenchmark
    lines: list[tuple[str, int, str]]  # (file relative to the module, line, rule)
    origin: Path = Path()  # the module this copy was made from


@dataclass
class Run:
    target: Target
    status: str  # ok, fail, skip, missing, unbuildable (the package does not build without the generated file)
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
    unbuildable: list[Run] = field(default_factory=list)  # in packages that do not build as committed

    @property
    def coverage(self) -> float:
        return self.covered / self.findings if self.findings else 1.0

    def summary(self) -> str:
        at_run = sum(1 for r in self.skipped if not r.target.bench.skip_reason)
        broken = (f"; {len(self.unbuildable)} more in packages that do not build without the generated file "
                  "(not run, not counted)") if self.unbuildable else ""
        return (f"generated {self.generated}, failed {len(self.failed)}, skipped {len(self.skipped)} "
                f"({at_run} at run time), "
                f"existing {self.existing}, finding lines covered {self.covered}/{self.findings} "
                f"({100 * self.coverage:.0f}%){broken}")


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
            targets.append(Target(module, directory, import_path, p, by_func.get((directory, p.function), [])))
    return targets, existing


_IMPORT_PATH = re.compile(rb'"([\w./-]+)"')


def _internal(data: bytes) -> bool:
    """Whether a Go file imports a package only the standard library itself may import."""
    head = data[: data.find(b"\nfunc ")] if b"\nfunc " in data else data
    for m in _IMPORT_PATH.finditer(head):
        path = m.group(1).decode()
        if path.startswith(("internal/", "vendor/")) or "/internal/" in path or path.endswith("/internal"):
            return True
    return False


def goroot() -> Path:
    out = subprocess.run([go_binary(), "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def stdlib_module(package: str, dest: Path, root: Path | None = None) -> Path | None:
    """A copy of a standard-library package as a module of its own (never committed: made at test time),
    with its in-package test files; None when it imports GOROOT-internal packages or has assembly."""
    src = (root or goroot()) / "src" / package
    if not src.is_dir() or any(src.glob("*.s")):
        return None
    files: dict[str, bytes] = {}
    for path in sorted(src.glob("*.go")):
        data = path.read_bytes()
        internal = _internal(data)
        if path.name.endswith("_test.go"):
            if internal or re.search(rb"^package \w+_test\b", data, re.MULTILINE):
                continue
        elif internal:
            return None
        files[path.name] = data
    if not files:
        return None
    dest.mkdir(parents=True)
    for name, data in files.items():
        (dest / name).write_bytes(data)
    (dest / "go.mod").write_text(f"module std.example/{package}\n\ngo 1.24\n")
    return dest


def binary_path(work: Path, module: Path, import_path: str) -> Path:
    """Where a package's test binary is kept: two copies may share an import path (base and head)."""
    return work / "bin" / f"{module.name}-{import_path.replace('/', '_')}"


def _unbuildable(work: Path, module: Path, import_path: str) -> Path:
    """The mark of a package whose own (non-test) files do not build: no generated benchmark is to blame."""
    binary = binary_path(work, module, import_path)
    return binary.with_name(binary.name + ".unbuildable")


def _missing(t: Target, work: Path) -> Run:
    if _unbuildable(work, t.module, t.import_path).exists():
        return Run(t, "unbuildable", "the package does not build without the generated file")
    return Run(t, "missing", "no test binary (build failed)")


def _binary_name(import_path: str) -> str:
    """go test -c's name for a package's binary: its last path element, before a major version (…/iter/v2:
    iter.test)."""
    parts = import_path.split("/")
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        return parts[-2] + ".test"
    return parts[-1] + ".test"


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
        for _attempt in range(3):
            proc = subprocess.run([go_binary(), "test", "-c", "-cover", "-vet=off", "-o", f"{ws}/bin/", *pkgs],
                                  cwd=ws, env=env, capture_output=True, text=True, timeout=900)
            if proc.returncode == 0:
                break
            errors.append(proc.stdout + proc.stderr)
            # One package that does not build stops the others' binaries: build again without it.
            broken = set(re.findall(r"^# (\S+)", proc.stdout + proc.stderr, re.MULTILINE))
            broken |= set(re.findall(r"^FAIL\s+(\S+) \[", proc.stdout + proc.stderr, re.MULTILINE))
            remaining = [p for p in pkgs if p not in broken]
            if not remaining or remaining == pkgs:
                break
            pkgs = remaining
        for m in group:
            for i in imports[m]:
                binary = ws / "bin" / _binary_name(i)
                if binary.exists():
                    binary.rename(binary_path(work, m, i))
                elif subprocess.run([go_binary(), "build", "-o", os.devnull, i], cwd=ws, env=env,
                                    capture_output=True, timeout=900).returncode != 0:
                    # Its non-test files alone do not build (prometheus' web/blob uses `files`, which a
                    # Makefile generates and nothing commits): the generated file is not what failed.
                    _unbuildable(work, m, i).touch()
    return errors


_FAIL = re.compile(r"^--- FAIL: |^panic: |^FAIL\b", re.MULTILINE)
# What a generated benchmark prints (perfReviewUnbuilt) when it skips at run time: go test shows a
# benchmark's own skip message only with -v.
_UNBUILT = re.compile(r"^perf-review: (Benchmark\w+)\S* skipped: (could not build the input: .*)$", re.MULTILINE)


def runtime_skip(output: str) -> str:
    """Why a generated benchmark skipped when it ran (its input could not be built), or ""."""
    m = _UNBUILT.search(output)
    return m.group(2) if m else ""
_SKIP = re.compile(r"^--- SKIP: ", re.MULTILINE)
_BLOCK = re.compile(r"^(.+?):(\d+)\.(\d+),(\d+)\.(\d+) \d+ (\d+)$", re.MULTILINE)


def run_one(t: Target, work: Path, cache: Path) -> Run:
    binary = binary_path(work, t.module, t.import_path)
    if not binary.exists():
        return _missing(t, work)
    profile = work / "cover" / f"{t.module.name}-{t.import_path.replace('/', '_')}.{t.bench.name}.out"
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
    if _SKIP.search(out) or _UNBUILT.search(out) or t.bench.skip_reason is not None:
        return Run(t, "skip", out)
    return _covered(Run(t, "ok", out), _blocks(profile.read_text() if profile.exists() else "", t.import_path))


def run_package(group: list[Target], work: Path, cache: Path) -> list[Run]:
    """All generated benchmarks of one package in one process (`-test.bench '^(A|B)$'`): a failure is
    read from its `--- FAIL: Name` line, and coverage is the package's, shared by its benchmarks."""
    first = group[0]
    binary = binary_path(work, first.module, first.import_path)
    if not binary.exists():
        return [_missing(t, work) for t in group]
    profile = work / "cover" / f"{first.module.name}-{first.import_path.replace('/', '_')}.out"
    pattern = "^(" + "|".join(t.bench.name for t in group) + ")$"
    cmd = [str(binary), "-test.run", "^$", "-test.bench", pattern, "-test.benchtime", "1x",
           "-test.coverprofile", str(profile), "-test.timeout", "60s"]
    try:
        proc = subprocess.run(cmd, cwd=first.module / first.directory, env=dict(os.environ, GOCACHE=str(cache)),
                              capture_output=True, text=True, timeout=90)
        out = proc.stdout + proc.stderr
        crashed = proc.returncode != 0 and not re.search(r"^--- FAIL: ", out, re.MULTILINE)
    except subprocess.TimeoutExpired:
        out, crashed = "timed out", True
    failed = set(re.findall(r"^--- FAIL: (Benchmark\w+)", out, re.MULTILINE))
    unbuilt = {m.group(1): m.group(0) for m in _UNBUILT.finditer(out)}
    blocks = _blocks(profile.read_text() if profile.exists() else "", first.import_path)
    runs = []
    for t in group:
        if crashed or t.bench.name in failed:
            runs.append(Run(t, "fail", out))
            continue
        if t.bench.skip_reason is not None or t.bench.name in unbuilt:
            runs.append(Run(t, "skip", unbuilt.get(t.bench.name, "")))
            continue
        runs.append(_covered(Run(t, "ok", ""), blocks))
    return runs


def _covered(run: Run, blocks: dict[str, list[tuple[int, int, int]]]) -> Run:
    for finding in run.target.lines:
        src = (run.target.module / finding[0]).read_bytes()
        ran = line_ran(blocks.get(posixpath.basename(finding[0]), []), finding[1], enclosing_lines(src, finding[1]))
        (run.covered if ran else run.uncovered).append(finding)
    return run


def enclosing_lines(src: bytes, line: int) -> list[int]:
    """First lines of the statements around `line`, innermost first; 0 stands for a function's
    signature (its body's first block decides)."""
    tree = parse(src)
    raw = src.split(b"\n")[line - 1] if line - 1 < len(src.split(b"\n")) else b""
    col = len(raw) - len(raw.lstrip())
    node = tree.root_node.descendant_for_point_range((line - 1, col), (line - 1, col))
    out: list[int] = []
    while node is not None:
        if node.type in ("function_declaration", "method_declaration", "func_literal"):
            if node.start_point[0] + 1 == line:
                out.append(0)
            break
        if node.start_point[0] + 1 < line:
            out.append(node.start_point[0] + 1)
        node = node.parent
    return out


def line_ran(blocks: list[tuple[int, int, int]], line: int, enclosing: list[int]) -> bool:
    """Whether a block holding the line ran. A line no block holds (a select case header, a function's
    signature) counts as run when the statement around it ran, or for a signature the body's first block."""
    for candidate in [line, *enclosing]:
        if candidate == 0:
            after = [(start, count) for start, _, count in blocks if start > line]
            return bool(after) and min(after)[1] > 0
        holding = [count for start, end, count in blocks if start <= candidate <= end]
        if holding:
            return any(holding)
    return False


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


def check(modules: Sequence[Path], work: Path, cache: Path, jobs: int = 2,
          per_benchmark: bool = True) -> tuple[Figures, list[str], list[Run]]:
    """Copy modules into work, plan, build and run; (figures, build errors, runs). per_benchmark: one
    process per benchmark, so each finding's coverage is its own benchmark's (else one per package)."""
    started = time.monotonic()
    copies: list[Path] = []
    targets: list[Target] = []
    existing = 0
    for i, source in enumerate(modules):
        copy = work / "mods" / f"{i:03d}-{source.name}"
        shutil.copytree(source, copy)
        found, named = plan_module(copy)
        for t in found:
            t.origin = source
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
    planned = time.monotonic()
    errors = build(with_targets, imports, work, cache) if with_targets else []
    built = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        if per_benchmark:
            runs = list(pool.map(lambda t: run_one(t, work, cache), targets))
        else:
            by_package: dict[str, list[Target]] = {}
            for t in targets:
                by_package.setdefault(t.import_path + "@" + str(t.module), []).append(t)
            runs = [r for rs in pool.map(lambda g: run_package(g, work, cache), by_package.values()) for r in rs]
    log.info("plan %.1fs, build %.1fs, run %.1fs", planned - started, built - planned, time.monotonic() - built)
    return summarise(runs, existing), errors, runs


def check_packages(packages: Mapping[str, str], files: Mapping[str, str], module: Path, work: Path,
                   cache: Path) -> tuple[list[str], dict[str, Run]]:
    """A module example.com/u at `module` with one package per entry (NAME/NAME.go) and the other `files`
    (paths relative to the module, e.g. a package's _test.go), planned, built and run once per package:
    (build errors, runs by benchmark name)."""
    for name, src in packages.items():
        (module / name).mkdir(parents=True)
        (module / name / f"{name}.go").write_text(src)
    for rel, src in files.items():
        (module / rel).write_text(src)
    (module / "go.mod").write_text("module example.com/u\n\ngo 1.24\n")
    _, errors, runs = check([module], work, cache, per_benchmark=False)
    return errors, {r.target.bench.name: r for r in runs}


def assert_ran_and_covered(run: Run) -> None:
    """The benchmark ran without failing and executed every finding line it was generated for."""
    assert run.status == "ok", run.output[-1500:]
    assert not run.uncovered, run.uncovered


def summarise(runs: Sequence[Run], existing: int = 0) -> Figures:
    figures = Figures(generated=len(runs), existing=existing)
    for r in runs:
        if r.status == "unbuildable":
            figures.generated -= 1
            figures.unbuildable.append(r)
        elif r.status in ("fail", "missing"):
            figures.failed.append(r)
        elif r.status == "skip":
            figures.skipped.append(r)
        else:
            figures.findings += len(r.covered) + len(r.uncovered)
            figures.covered += len(r.covered)
            figures.uncovered += [(r, u) for u in r.uncovered]
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchcheck", description=__doc__)
    parser.add_argument("modules", nargs="+", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--per-package", action="store_true",
                        help="one process per package (coverage shared by its benchmarks): faster")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cache = Path(__file__).resolve().parent.parent / ".venv" / "go-cache"
    with tempfile.TemporaryDirectory(prefix="benchcheck-") as tmp:
        figures, errors, runs = check(args.modules, Path(tmp), cache, per_benchmark=not args.per_package)
    for e in errors:
        print("BUILD:", e[:3000], file=sys.stderr)
    for r in figures.failed:
        t = r.target
        print(f"FAIL {t.import_path} {t.bench.name}: {r.output.strip()[-1500:]}")
    for r in figures.unbuildable:
        print(f"UNBUILDABLE {r.target.import_path} {r.target.bench.name}: {r.output}")
    for r in figures.skipped:
        why = r.target.bench.skip_reason or f"at run time: {runtime_skip(r.output)}"
        print(f"SKIP {r.target.import_path} {r.target.bench.name}: {why}")
    for r, (file, line, rule) in figures.uncovered:
        print(f"UNCOVERED {r.target.module.name}/{file}:{line} {rule} by {r.target.bench.name}")
    if args.verbose:
        for r in runs:
            print(f"{r.status} {r.target.bench.name} covered={r.covered}")
        by_origin: dict[Path, list[Run]] = {}
        for r in runs:
            by_origin.setdefault(r.target.origin, []).append(r)
        for origin, group in sorted(by_origin.items()):
            print(f"{origin}: {summarise(group).summary()}")
    print(figures.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
