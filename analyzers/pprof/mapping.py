"""Profile functions mapped onto the analysed code, package by package.

A function matches by its full name (the package's import path from go.mod plus the engine's name for
it), else by its package-relative name plus the tail of its file name (commands are all package `main`
in a profile; a fork or a moved module changes the import path but not the files). A package is
covered by a profile when the profile has samples in it: its functions without samples did not run
while the profile was recorded. Matches are remembered, so the run can report which profile functions
of the analysed packages found nothing (renamed or deleted since the profile was taken).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.model import ProfileReport
from analyzers.pprof.decode import CpuProfile, FunctionSamples
from analyzers.pprof.names import file_matches, module_path_of, nearest_go_mod_key
from analyzers.source import Func

MAX_LISTED = 20
NS_PER_DAY = 86_400 * 10**9
STALE_DAYS = 90


@dataclass(frozen=True)
class PackageRef:
    """One analysed package as profiles name it. files: analysed path -> path relative to the module root."""

    import_path: str | None  # None without a go.mod
    module_path: str | None
    is_main: bool
    files: Mapping[str, str]


@dataclass(frozen=True)
class Share:
    cum: float  # 0-1 of the profile's total
    flat: float
    source: str


@dataclass
class PackageShares:
    """The shares of one package's functions. A function absent from `shares` has no samples in any
    covering profile; `covered_by` is empty when no profile covers the package."""

    covered_by: list[str] = field(default_factory=list)
    shares: dict[Func, Share] = field(default_factory=dict)
    # Functions the profiles cannot speak for (added by the change under review: they postdate them).
    unknown: set[Func] = field(default_factory=set)

    def share(self, func: Func) -> Share | None:
        """None: no profile covers the package (or the function is new); a zero Share: covered, no samples."""
        if not self.covered_by or func in self.unknown:
            return None
        return self.shares.get(func) or Share(0.0, 0.0, self.covered_by[0])


@dataclass
class MatchState:
    """Per profile (in the run's order): the profile functions matched and the profile packages seen in
    the analysed packages; and the analysed module paths. Picklable."""

    matched: list[set[FunctionSamples]]
    covered: list[set[str]]
    module_paths: set[str]


class _Indexed:
    def __init__(self, profile: CpuProfile) -> None:
        self.profile = profile
        self.by_full: dict[tuple[str, str], list[FunctionSamples]] = {}
        self.by_name: dict[str, list[FunctionSamples]] = {}
        for fs in profile.functions:
            if fs.package:
                self.by_full.setdefault((fs.package, fs.name), []).append(fs)
                self.by_name.setdefault(fs.name, []).append(fs)
        self.packages = {fs.package for fs in profile.functions}
        self.matched: set[FunctionSamples] = set()
        self.covered: set[str] = set()  # profile package names seen in analysed packages

    def lookup(self, func: Func, ref: PackageRef) -> FunctionSamples | None:
        name = func.qualified_name
        relative = ref.files.get(func.file.path, func.file.path)
        if ref.import_path and not ref.is_main:
            full = self.by_full.get((ref.import_path, name), [])
            if full:
                return next((fs for fs in full if file_matches(fs.file, relative)), full[0])
        return next((fs for fs in self.by_name.get(name, []) if file_matches(fs.file, relative)), None)


class ProfileIndex:
    """The loaded CPU profiles, queried once per analysed package."""

    def __init__(self, profiles: Sequence[CpuProfile]) -> None:
        self._indexed = [_Indexed(p) for p in profiles]
        self.module_paths: set[str] = set()

    def package_shares(self, ref: PackageRef, funcs: Iterable[Func]) -> PackageShares:
        if ref.module_path:
            self.module_paths.add(ref.module_path)
        out = PackageShares()
        funcs = list(funcs)
        for ix in self._indexed:
            found = {func: fs for func in funcs if (fs := ix.lookup(func, ref)) is not None}
            own = ref.import_path is not None and not ref.is_main and ref.import_path in ix.packages
            if not found and not own:
                continue
            out.covered_by.append(ix.profile.source)
            ix.covered |= {fs.package for fs in found.values()} | ({ref.import_path} if own and ref.import_path
                                                                    else set())
            ix.matched |= set(found.values())
            total = ix.profile.total
            for func, fs in found.items():
                share = Share(fs.cum / total, fs.flat / total, ix.profile.source)
                best = out.shares.get(func)
                if best is None or share.cum > best.cum:
                    out.shares[func] = share
        return out

    def match_state(self) -> MatchState:
        """What this index learnt from the packages it was asked about (to merge the parts of a run
        split across processes)."""
        return MatchState([set(ix.matched) for ix in self._indexed], [set(ix.covered) for ix in self._indexed],
                          set(self.module_paths))

    def absorb(self, state: MatchState) -> None:
        """Add what another part of the run learnt (the same profiles, other packages)."""
        if len(state.matched) != len(self._indexed):
            raise ValueError("match state from a run with other profiles")
        for ix, matched, covered in zip(self._indexed, state.matched, state.covered, strict=True):
            ix.matched |= matched
            ix.covered |= covered
        self.module_paths |= state.module_paths

    def reports(self, now_ns: int | None, threshold: float) -> list[ProfileReport]:
        return [self._report(ix, now_ns, threshold) for ix in self._indexed]

    def _report(self, ix: _Indexed, now_ns: int | None, threshold: float) -> ProfileReport:
        # A profile from `go test -cpuprofile` samples the benchmark itself: test code is never analysed,
        # so its functions matching nothing here says nothing about the profile's age.
        p = ix.profile
        unmatched = sorted((fs for fs in p.functions
                            if fs.package in ix.covered and fs not in ix.matched and not fs.file.endswith("_test.go")),
                           key=lambda fs: (-fs.cum, fs.symbol))
        age = (now_ns - p.time_nanos) / NS_PER_DAY if now_ns is not None and p.time_nanos > 0 else None
        warnings: list[str] = []
        if age is not None and age > STALE_DAYS:
            warnings.append(f"it was recorded {age:.0f} days ago (over {STALE_DAYS}): the code has likely changed "
                            "since; record a fresh one")
        if self.module_paths and not any(_in_module(fs, self.module_paths) for fs in p.functions) and not ix.matched:
            modules = ", ".join(sorted(self.module_paths))
            warnings.append(f"none of its functions is in {modules}: it seems to come from another module")
        return ProfileReport(
            source=p.source, sample_type=p.sample_type, total=p.total, samples=p.samples, time_nanos=p.time_nanos,
            duration_nanos=p.duration_nanos, age_days=None if age is None else round(age, 1),
            matched=len(ix.matched), unmatched=[fs.symbol for fs in unmatched[:MAX_LISTED]],
            unmatched_count=len(unmatched), warnings=warnings, threshold=threshold,
        )


def _in_module(fs: FunctionSamples, modules: set[str]) -> bool:
    return any(fs.package == m or fs.package.startswith(m + "/") for m in modules)


def package_ref(directory: str, sources: Sequence[tuple[str, str]], go_mods: Mapping[str, bytes]) -> PackageRef:
    """How profiles name the package in `directory`: sources are its files as (path, package clause)."""
    is_main = any(name == "main" for _, name in sources)
    key = nearest_go_mod_key(sources[0][0], go_mods) if sources else None
    if key is None:
        return PackageRef(None, None, is_main, {path: path for path, _ in sources})
    root = posixpath.dirname(key)
    module = module_path_of(go_mods[key])
    rel_dir = posixpath.relpath(directory or ".", root or ".")
    dirs: dict[str, str] = {}
    files = {path: _relative(path, root or ".", dirs) for path, _ in sources}
    if module is None or rel_dir.startswith(".."):
        return PackageRef(None, None, is_main, files)
    return PackageRef(module if rel_dir == "." else f"{module}/{rel_dir}", module, is_main, files)


def _relative(path: str, root: str, dirs: dict[str, str]) -> str:
    """posixpath.relpath(path, root), its directory's part worked out once per directory in `dirs`
    (relpath makes both paths absolute and compares them part by part, for every file of the run). A
    file name is a plain part: it stays last whichever way root lies."""
    directory, name = posixpath.split(path)
    if not name or name in (".", ".."):
        return posixpath.relpath(path, root)
    rel = dirs.get(directory)
    if rel is None:
        rel = dirs[directory] = posixpath.relpath(directory or ".", root)
    return name if rel == "." else f"{rel}/{name}"
