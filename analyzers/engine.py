"""The analysis engine: Go sources (and optionally a change) in, a Result out. No I/O here."""

from __future__ import annotations

import gc
import logging
import posixpath
import time
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from analyzers.buildtags import is_ignored
from analyzers.diff import FileChange, touched_lines
from analyzers.extern import External, SourceProvider
from analyzers.findings import apply_suppressions, assign_fingerprints, sort_findings, to_finding
from analyzers.globs import matches_any
from analyzers.hotpath import Heat, classify, top_function
from analyzers.model import (
    Evidence,
    FileFact,
    Finding,
    FunctionFact,
    ProfileProblem,
    ProfileReport,
    Result,
    Severity,
    Skipped,
)
from analyzers.package import Package, build_package, nearest_go_mod
from analyzers.pprof.decode import CpuProfile
from analyzers.pprof.mapping import MatchState, PackageShares, ProfileIndex, package_ref
from analyzers.pprof.tiers import DEFAULT_THRESHOLD, profile_heat
from analyzers.rules import Rule, all_rules
from analyzers.source import Func, GoFile, is_generated
from analyzers.sources import FilesSource
from analyzers.testfiles import TestFile, release_file
from analyzers.walk import build_file

log = logging.getLogger(__name__)

DEFAULT_MAX_FILE_BYTES = 5_000_000
DEFAULT_PACKAGE_BUDGET_S = 30.0


@dataclass(frozen=True)
class Options:
    """What to run. Selection lives here, not in rules: rules never read configuration."""

    disabled_rules: frozenset[str] = frozenset()
    enabled_rules: frozenset[str] | None = None  # None: every rule
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    hot_globs: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    full: bool = False  # change mode: every function of the changed files, not only touched ones
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    package_budget_s: float = DEFAULT_PACKAGE_BUDGET_S
    # Directory names whose Go files are not analysed (callers that walk trees prune them earlier).
    skip_dirs: tuple[str, ...] = ("vendor", "testdata")
    # Directories whose names start with `_` or `.` (the go tool ignores them).
    skip_hidden_dirs: bool = True
    # CPU profiles (decoded by analyzers.pprof): where one covers a package, tiers follow measured time.
    profiles: tuple[CpuProfile, ...] = ()
    # Profiles the caller could not read or decode: reported in the result as given.
    profile_problems: tuple[ProfileProblem, ...] = ()
    profile_hot_threshold: float = DEFAULT_THRESHOLD  # cumulative share (0-1) that makes a function hot
    # What a fixed-cost or contention finding needs to be a warning (analyzers.model.Evidence).
    evidence: Evidence = "measured"
    now_ns: int | None = None  # the clock for the profiles' age (None: age unknown)

    def rules(self) -> list[Rule]:
        chosen = []
        for r in all_rules():
            if r.id in self.disabled_rules:
                continue
            if self.enabled_rules is not None and r.id not in self.enabled_rules:
                continue
            chosen.append(r)
        return chosen


@dataclass
class _Analysed:
    pkg: Package
    heat: dict[Func, Heat]
    findings: list[Finding]
    shares: PackageShares | None = None


@dataclass
class _Profiling:
    """The profiles of one run, and which functions the change adds (they keep their static tiers)."""

    index: ProfileIndex
    threshold: float
    is_new: Callable[[Func], bool] = lambda _f: False

    @classmethod
    def of(cls, options: Options) -> _Profiling | None:
        return cls(ProfileIndex(options.profiles), options.profile_hot_threshold) if options.profiles else None

    def finish(self, result: Result, options: Options) -> None:
        result.profiles = self.index.reports(options.now_ns, self.threshold)


def skip_reason(path: str, src: bytes | None, options: Options) -> str | None:
    """Why a Go file is not analysed, or None. _test.go files are read for facts, not analysed.
    What the go tool leaves out of builds is left out here too: vendor/ (analysed upstream),
    testdata/, directories starting with `_` or `.`, and files constrained by `//go:build ignore`."""
    parts = path.split("/")[:-1]
    if "vendor" in options.skip_dirs and "vendor" in parts:
        return "vendored code"
    if "testdata" in options.skip_dirs and "testdata" in parts:
        return "testdata"
    if options.skip_hidden_dirs and any(p.startswith(("_", ".")) and p not in (".", "..") for p in parts):
        return "in a directory the go tool ignores (name starts with _ or .)"
    if options.include and not matches_any(path, options.include):
        return "not matched by include globs"
    if matches_any(path, options.exclude):
        return "matched by exclude globs"
    if src is None:
        return "could not be read"
    if len(src) > options.max_file_bytes:
        return f"larger than the {options.max_file_bytes} byte limit"
    if b"\x00" in src[:8192]:
        return "binary content"
    try:
        if not src.isascii():  # ASCII is UTF-8: most files need no decoding to tell
            src.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    if is_generated(src):
        return "generated code (DO NOT EDIT)"
    if is_ignored(src):
        return "excluded from every build (//go:build ignore)"
    return None


_gc_tuned_depth = 0


@contextmanager
def gc_tuned() -> Iterator[None]:
    """The model of a package is hundreds of thousands of small linked objects; with the default
    thresholds CPython's cycle collector rescans them over and over (measured: a quarter of the run
    time over the standard library). Objects from before the analysis are frozen out of the scans and
    young-generation collections run less often: only after half a million more objects live than at
    the last one, which a package's model seldom reaches (at 100k, each large package's model was
    rescanned, all of it alive: 0.1 s over the standard library); what it leaves is freed by reference
    counting once _release breaks its cycles. Both are restored afterwards. Nested uses (a
    command wrapping a whole run, the engine inside it, a forked worker inheriting it) freeze what
    exists when they start, and the outermost restores."""
    global _gc_tuned_depth
    outermost = _gc_tuned_depth == 0
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(500_000, 50, 1000)
    _gc_tuned_depth += 1
    try:
        yield
    finally:
        _gc_tuned_depth -= 1
        if outermost:
            gc.set_threshold(*before)
            gc.unfreeze()


def analyze_files(
    files: Mapping[str, bytes | None],
    options: Options | None = None,
    sources: Sequence[SourceProvider] = (),
    directories: Collection[str] | None = None,
) -> Result:
    """Every function of every Go file given. Keys are '/'-separated paths; go.mod files may be
    included to give each package its Go version and module path. Other packages' types come from
    the standard library's data, the files given (the module's packages, vendor/) and `sources`.
    With `directories`, only the packages in those directories are analysed (the others still
    give their types): a caller can split a large input across processes."""
    with gc_tuned():
        return _analyze_files(files, options, sources, directories)


def package_directories(files: Iterable[str]) -> list[str]:
    """The package directories of a set of paths, sorted: the order results come in."""
    return sorted({posixpath.dirname(p) for p in files if p.endswith(".go")})


def _analyze_files(
    files: Mapping[str, bytes | None],
    options: Options | None,
    sources: Sequence[SourceProvider],
    directories: Collection[str] | None,
) -> Result:
    options = options or Options()
    result, profiling = _analyze_part(files, options, sources, directories)
    if profiling is not None:
        profiling.finish(result, options)
    return result


def analyze_part(
    files: Mapping[str, bytes | None],
    options: Options,
    sources: Sequence[SourceProvider],
    directories: Collection[str],
) -> tuple[Result, MatchState | None]:
    """One part of a run split across processes: the packages in `directories`, and what the CPU
    profiles matched there (None without profiles). `profile_reports` turns the parts' states into
    the run's profile reports."""
    with gc_tuned():
        result, profiling = _analyze_part(files, options, sources, directories)
    return result, None if profiling is None else profiling.index.match_state()


def profile_reports(options: Options, states: Iterable[MatchState | None]) -> list[ProfileReport]:
    """The run's profile reports from the match states of its parts (see analyze_part)."""
    profiling = _Profiling.of(options)
    if profiling is None:
        return []
    for state in states:
        if state is not None:
            profiling.index.absorb(state)
    return profiling.index.reports(options.now_ns, profiling.threshold)


def _analyze_part(
    files: Mapping[str, bytes | None],
    options: Options,
    sources: Sequence[SourceProvider],
    directories: Collection[str] | None,
) -> tuple[Result, _Profiling | None]:
    result = Result(profile_problems=list(options.profile_problems))
    profiling = _Profiling.of(options)
    for analysed in _analyse(files, options, result, profiling=profiling, sources=sources, directories=directories):
        result.findings.extend(analysed.findings)
        result.functions.extend(_facts(analysed, None))
    result.findings = sort_findings(result.findings)
    return result, profiling


def analyze_change(
    changes: Sequence[FileChange],
    head: Mapping[str, bytes | None],
    base: Mapping[str, bytes | None],
    options: Options | None = None,
    head_sources: Sequence[SourceProvider] = (),
    base_sources: Sequence[SourceProvider] = (),
) -> Result:
    """Only the functions a change touches. head/base map paths to contents at each revision: the
    changed files at least, plus any other files of their packages and go.mod files for context;
    head_sources/base_sources give other packages' source at each revision (for their types)."""
    with gc_tuned():
        return _analyze_change(changes, head, base, options, head_sources, base_sources)


def _analyze_change(
    changes: Sequence[FileChange],
    head: Mapping[str, bytes | None],
    base: Mapping[str, bytes | None],
    options: Options | None,
    head_sources: Sequence[SourceProvider] = (),
    base_sources: Sequence[SourceProvider] = (),
) -> Result:
    options = options or Options()
    result = Result(profile_problems=list(options.profile_problems))
    go_changes = [c for c in changes if c.path.endswith(".go") or c.base_path.endswith(".go")]
    touched_files: dict[str, FileChange] = {}
    for c in go_changes:
        if c.status == "removed":
            result.skipped.append(Skipped(c.path, "deleted in this change"))
        elif c.path.endswith("_test.go"):
            result.skipped.append(Skipped(c.path, "test file (read for benchmark references only)"))
        else:
            touched_files[c.path] = c
    head_pkgs = {posixpath.dirname(p) for p in touched_files}
    head_view = {p: s for p, s in head.items() if posixpath.dirname(p) in head_pkgs or p.endswith("go.mod")}
    base_dirs = {posixpath.dirname(c.base_path) for c in touched_files.values()}
    base_view = {p: s for p, s in base.items() if posixpath.dirname(p) in base_dirs or p.endswith("go.mod")}
    base_result = Result()
    base_by_func = _base_fingerprints(_analyse(base_view, options, base_result, sources=base_sources))
    profiling = _Profiling.of(options)
    if profiling is not None:
        profiling.is_new = lambda func: _is_added(func, touched_files, base_by_func)
    for analysed in _analyse(head_view, options, result, only=set(touched_files), profiling=profiling,
                             sources=head_sources):
        _select_touched(analysed, touched_files, base_by_func, options, result)
    result.skipped = [s for s in result.skipped if s.file in touched_files or s.reason.startswith(("deleted", "test"))]
    result.findings = sort_findings(result.findings)
    if profiling is not None:
        profiling.finish(result, options)
    return result


def _is_added(func: Func, touched: Mapping[str, FileChange], base: Mapping[tuple[str, str], set[str]]) -> bool:
    """True for a function the change adds: in a changed file, and absent from the base version."""
    top = top_function(func)
    change = touched.get(top.file.path)
    return change is not None and (change.base_path, top.qualified_name) not in base


def _base_fingerprints(analysed: Iterable[_Analysed]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for a in analysed:
        for f in a.findings:
            out.setdefault((f.file, f.function), set()).add(f.fingerprint)
        for func in a.pkg.funcs:
            if not func.is_literal:
                out.setdefault((func.file.path, func.qualified_name), set())
    return out


def _select_touched(
    analysed: _Analysed,
    touched_files: Mapping[str, FileChange],
    base: Mapping[tuple[str, str], set[str]],
    options: Options,
    result: Result,
) -> None:
    # Findings indexed by file and function: a file of thousands of functions must not rescan them all.
    by_func: dict[tuple[str, str], list[Finding]] = {}
    by_file: dict[str, list[Finding]] = {}
    for f in analysed.findings:
        by_func.setdefault((f.file, f.function), []).append(f)
        by_file.setdefault(f.file, []).append(f)
    for gf in analysed.pkg.files:
        change = touched_files.get(gf.path)
        if change is None:
            continue
        lines = touched_lines(change)
        for fact in _facts(analysed, gf):
            is_touched = lines.touches(fact.start_line, fact.end_line)
            if not (is_touched or options.full):
                continue
            base_fps = base.get((change.base_path, fact.qualified_name))
            if is_touched:
                fact.change = "added" if base_fps is None else "modified"
            result.functions.append(fact)
            for f in by_func.get((gf.path, fact.qualified_name), []):
                if fact.start_line <= f.line <= fact.end_line:
                    f.status = "pre-existing" if base_fps and f.fingerprint in base_fps else "new"
                    result.findings.append(f)
        # Findings outside any top-level function (e.g. ignore comments) belong to the file.
        spans = sorted((fn.start_line, fn.end_line) for fn in gf.funcs if not fn.is_literal)
        starts = [a for a, _ in spans]
        for f in by_file.get(gf.path, []):
            i = bisect_right(starts, f.line) - 1
            if i < 0 or spans[i][1] < f.line:
                f.status = "new"
                result.findings.append(f)


def _analyse(
    files: Mapping[str, bytes | None],
    options: Options,
    result: Result,
    only: set[str] | None = None,
    profiling: _Profiling | None = None,
    sources: Sequence[SourceProvider] = (),
    directories: Collection[str] | None = None,
) -> Iterator[_Analysed]:
    """Packages one at a time: each package's trees are freed once its caller moves on."""
    go_mods = {p: s for p, s in files.items() if p.endswith("go.mod") and s is not None}
    by_dir: dict[str, list[str]] = {}
    for path in sorted(files):
        if path.endswith(".go"):
            directory = posixpath.dirname(path)
            if directories is None or directory in directories:
                by_dir.setdefault(directory, []).append(path)
    # Other packages' types: what was handed in (the module's packages, vendor/), then the caller's.
    external = External([FilesSource(files), *sources])
    for directory, paths in sorted(by_dir.items()):
        go_files: list[GoFile] = []
        tests: list[TestFile] = []
        for path in paths:
            loaded = _load(path, files[path], options, result, only)
            if isinstance(loaded, TestFile):
                tests.append(loaded)
            elif loaded is not None:
                go_files.append(loaded)
        if not go_files:
            continue
        go_mod = nearest_go_mod(go_files[0].path, go_mods)
        pkg = build_package(directory, go_files, tests, go_mod, external)
        if pkg.go_version:
            result.go_versions[directory or "."] = pkg.go_version
        shares = None
        if profiling is not None:
            ref = package_ref(directory, [(gf.path, gf.package) for gf in go_files], go_mods)
            shares = profiling.index.package_shares(ref, pkg.funcs)
            shares.unknown = {f for f in pkg.funcs if profiling.is_new(f)}
        yield _run_rules(pkg, options, result, shares, profiling)
        _release(pkg)


def _release(pkg: Package) -> None:
    """Break the model's reference cycles (file <-> functions, function <-> closures and declarations)
    once the caller is done with a package, so reference counting frees it at once instead of leaving
    it to the cycle collector: memory stays flat across thousands of packages."""
    for gf in pkg.files:
        release_file(gf)
    for tf in pkg.test_files:
        tf.release()
    pkg._types = None
    pkg._funcs = None


def _load(
    path: str, src: bytes | None, options: Options, result: Result, only: set[str] | None
) -> GoFile | TestFile | None:
    is_test = path.endswith("_test.go")
    reported = not is_test and (only is None or path in only)
    reason = skip_reason(path, src, options)
    if reason is not None or src is None:
        if reported:
            result.skipped.append(Skipped(path, reason or "could not be read"))
        return None
    if is_test:
        return TestFile(path, src)  # read lazily: only what hot-path evidence or benchmarks need
    gf = build_file(path, src)
    if reported:
        result.files.append(FileFact(path, sum(1 for f in gf.funcs if not f.is_literal), gf.parse_errors))
    return gf


def _run_rules(pkg: Package, options: Options, result: Result, shares: PackageShares | None = None,
               profiling: _Profiling | None = None) -> _Analysed:
    heat = classify(pkg, options.hot_globs)
    if shares is not None and profiling is not None:
        heat = profile_heat(heat, shares, profiling.threshold, profiling.is_new)
    findings: list[Finding] = []
    started = time.monotonic()
    for r in options.rules():
        if time.monotonic() - started > options.package_budget_s:
            result.skipped.append(Skipped(pkg.dir or ".", f"analysis budget exceeded before rule {r.id}"))
            break
        try:
            for hit in r.check(pkg):
                findings.append(to_finding(hit, r, heat, options.severity_overrides, options.evidence))
        except Exception:  # a rule that crashes on one package is logged and skipped
            log.exception("rule crashed", extra={"rule": r.id, "package": pkg.dir})
    findings = apply_suppressions(findings, pkg.files)
    assign_fingerprints(findings)
    if shares is not None and shares.covered_by:
        top = {(f.file.path, f.qualified_name): f for f in pkg.funcs if not f.is_literal}
        for finding in findings:
            func = top.get((finding.file, finding.function))
            share = shares.share(func) if func is not None else None
            finding.cpu_share = None if share is None else round(share.cum, 6)
    return _Analysed(pkg, heat, findings, shares)


def _facts(analysed: _Analysed, only_file: GoFile | None) -> list[FunctionFact]:
    facts: list[FunctionFact] = []
    for func in analysed.pkg.funcs:
        if func.is_literal or (only_file is not None and func.file is not only_file):
            continue
        h = analysed.heat.get(func, Heat("cold", []))
        share = analysed.shares.share(func) if analysed.shares is not None else None
        facts.append(
            FunctionFact(
                file=func.file.path,
                name=func.name,
                receiver=func.receiver,
                start_line=func.start_line,
                end_line=func.end_line,
                hot_path=h.tier,
                hot_reasons=list(h.reasons),
                package=analysed.pkg.dir,
                package_name=func.file.package,
                params=list(func.params),
                results=list(func.results),
                takes_lock=bool(func.calls_named("Lock", "RLock")),
                cpu_share=None if share is None else round(share.cum, 6),
                cpu_share_flat=None if share is None else round(share.flat, 6),
            )
        )
    return facts
