"""`perf-review analyze`: files and directories (every function), or a change in a local repository."""

from __future__ import annotations

import argparse
import dataclasses
import os
import posixpath
import sys
from pathlib import Path
from typing import Any

from analyzers.engine import Options, analyze_change, gc_tuned
from analyzers.model import EVIDENCE_POLICIES, SEVERITY_ORDER, Result
from bot.errors import UsageError
from bot.formats import to_json, to_sarif, to_text
from bot.gosrc import disk_sources
from bot.localgit import local_change
from bot.parallel import analyze_parallel, default_jobs
from bot.profiles import Loaded, find_default_pgo, load_at_revision, load_files, threshold_from_percent

# Below the paths named, what the go tool leaves out: vendor/ (analysed upstream), testdata/, and
# directories whose names start with "_" or "." (node_modules: never Go of this module).
SKIP_DIRS = {"vendor", "testdata", "node_modules"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("analyze", help="analyse Go files, directories or a change in a git repository")
    p.add_argument("paths", nargs="*", help="Go files or directories (recursive)")
    p.add_argument("--repo", type=Path, help="a local git repository: analyse only what changed")
    p.add_argument("--base", help="base revision (with --repo)")
    p.add_argument("--head", default="HEAD", help="head revision (with --repo; default HEAD)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--fail-on", choices=("info", "warning", "error"), default="warning")
    p.add_argument("--rules", help="comma-separated rule ids to run (default: all)")
    p.add_argument("--disable", help="comma-separated rule ids to skip")
    p.add_argument("--full", action="store_true", help="with --repo: every function of the changed files")
    p.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="packages analysed at once, in worker processes (default: the CPUs available, at most 8)")
    add_profile_args(p)
    add_evidence_arg(p)
    p.set_defaults(run=run)


def add_profile_args(p: Any) -> None:
    p.add_argument("--profile", action="append", type=Path, default=[], metavar="FILE",
                   help="a pprof CPU profile (repeatable); every default.pgo found is used too")
    p.add_argument("--no-default-pgo", action="store_true", help="do not look for default.pgo files")
    p.add_argument("--profile-threshold", type=_percent, metavar="PERCENT",
                   help="share of CPU samples (cumulative) that makes a function hot (default 1)")


def add_evidence_arg(p: Any) -> None:
    p.add_argument("--evidence", choices=EVIDENCE_POLICIES, default="measured",
                   help="what a fixed-cost or contention finding needs to be a warning: measured (default: a CPU "
                        "profile or a //perf-review:hot mark says its function is hot) or static (hot-path tiers "
                        "guessed from the code)")


def _percent(raw: str) -> float:
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {raw!r}") from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError("must be above 0 and at most 100")
    return value


def with_profiles(options: Options, args: argparse.Namespace, loaded: Loaded) -> Options:
    """options with the profiles loaded and the evidence policy of the command line."""
    with_evidence = dataclasses.replace(options, evidence=args.evidence)
    return loaded.options(with_evidence, threshold_from_percent(args.profile_threshold))


def profiles_for_paths(args: argparse.Namespace) -> Loaded:
    """Every default.pgo of the modules analysed (a library's profile sits beside the command that uses
    it, so `analyze lib/` still finds cmd/app/default.pgo), then the --profile files."""
    found = [] if args.no_default_pgo else find_default_pgo(_module_roots(args.paths))
    return load_files([*found, *args.profile])


def _module_roots(paths: list[str]) -> list[Path]:
    roots: list[Path] = []
    for raw in paths:
        start = Path(raw) if Path(raw).is_dir() else Path(raw).parent
        root = next((d for d in [start, *_parents(start)] if (d / "go.mod").is_file()), start)
        root = Path(posixpath.normpath(root.as_posix()))
        if root not in roots:
            roots.append(root)
    return roots


def _parents(path: Path) -> list[Path]:
    """Ancestors as relative paths where path is relative (so found files keep readable names)."""
    if path.is_absolute():
        return list(path.parents)
    depth = len(path.resolve().parents)
    return [path.joinpath(*([".."] * n)) for n in range(1, depth + 1)]


def profiles_for_change(args: argparse.Namespace, repo: Path, base_rev: str) -> Loaded:
    """default.pgo at the base revision (never the head under review, as the App), then --profile files."""
    if args.no_default_pgo:
        return load_files(args.profile)
    return load_at_revision(repo, base_rev, args.profile)


def options_from(args: argparse.Namespace) -> Options:
    def ids(raw: str | None) -> frozenset[str]:
        return frozenset(x.strip() for x in (raw or "").split(",") if x.strip())

    from analyzers.rules import rules_by_id

    known = set(rules_by_id())
    for rid in ids(args.rules) | ids(args.disable):
        if rid not in known:
            raise UsageError(f"unknown rule id {rid!r}")
    return Options(
        enabled_rules=ids(args.rules) or None, disabled_rules=ids(args.disable), full=bool(getattr(args, "full", False))
    )


def read_paths(paths: list[str]) -> dict[str, bytes | None]:
    """The Go files (and go.mod files) of the paths named, directories walked recursively. A path
    that gives no Go file to analyse is bad input."""
    files: dict[str, bytes | None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = _walk(path, files)
            if not found:
                raise UsageError(f"{raw}: no Go files to analyse (test files, vendor/, testdata/ and "
                                 "directories starting with _ or . are skipped)")
            _parent_go_mod(path, files)
        elif path.is_file():
            if path.suffix != ".go":
                raise UsageError(f"{raw}: not a Go file")
            files[path.as_posix()] = _read(path)
            _parent_go_mod(path.parent, files)
        else:
            raise UsageError(f"{raw}: no such file or directory")
    return files


def _walk(root: Path, files: dict[str, bytes | None]) -> int:
    """Add root's Go files, pruning what the go tool skips; the number of non-test Go files found."""
    found = 0
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(("_", ".")))
        for name in sorted(filenames):
            if name.endswith(".go") or name == "go.mod":
                child = Path(directory) / name
                files[child.as_posix()] = _read(child)
                found += name.endswith(".go") and not name.endswith("_test.go")
    return found


def _parent_go_mod(start: Path, files: dict[str, bytes | None]) -> None:
    current = start.resolve()
    for directory in [current, *current.parents]:
        candidate = directory / "go.mod"
        if candidate.is_file():
            rel = Path(start.as_posix())
            # Key it where nearest_go_mod looks: a prefix of the analysed paths.
            depth = len(current.relative_to(directory).parts)
            key = (rel.joinpath(*([".."] * depth)) / "go.mod").as_posix() if depth else (rel / "go.mod").as_posix()
            files.setdefault(_norm(key), _read(candidate))
            return


def _norm(p: str) -> str:
    import posixpath

    return posixpath.normpath(p)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def run(args: argparse.Namespace) -> int:
    # The whole command, output included, under the engine's collector tuning: the result is tens
    # of thousands of objects, and with the default thresholds writing it out rescans them all.
    with gc_tuned():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    options = options_from(args)
    if args.repo is not None:
        if not args.base:
            raise UsageError("--repo needs --base REV")
        if args.paths:
            raise UsageError("give either paths or --repo, not both")
        change = local_change(args.repo, args.base, args.head)
        options = with_profiles(options, args, profiles_for_change(args, args.repo, change.base_sha))
        result = analyze_change(change.changes, change.head, change.base, options,
                                change.head_sources, change.base_sources)
        result.base, result.head = change.base_sha, change.head_sha
    else:
        if not args.paths:
            raise UsageError("nothing to analyse: give paths, or --repo DIR --base REV")
        # read_paths already prunes vendor/, testdata/, _ and . directories below the named roots; a
        # root named explicitly (even inside testdata/) is what the user asked for.
        files = read_paths(args.paths)
        options = with_profiles(options, args, profiles_for_paths(args))
        options = dataclasses.replace(options, skip_dirs=(), skip_hidden_dirs=False)
        sources = disk_sources([Path(p) for p in args.paths])
        result = analyze_parallel(files, options, sources, args.jobs or default_jobs())
    if args.format == "sarif":  # paths relative to the repository root with --repo, else to the current directory
        sys.stdout.write(to_sarif(result, root=args.repo.resolve() if args.repo is not None else Path.cwd()))
    else:
        sys.stdout.write((to_text if args.format == "text" else to_json)(result))
    return exit_status(result, args.fail_on)


def exit_status(result: Result, fail_on: str) -> int:
    threshold = SEVERITY_ORDER[fail_on]
    return 1 if any(SEVERITY_ORDER[f.severity] >= threshold for f in result.findings) else 0
