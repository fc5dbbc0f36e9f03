"""`perf-review analyze`: files and directories (every function), or a change in a local repository."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from analyzers.engine import Options, analyze_change, analyze_files
from analyzers.model import SEVERITY_ORDER, Result
from bot.errors import UsageError
from bot.formats import to_json, to_sarif, to_text
from bot.localgit import local_change

SKIP_DIRS = {".git", "vendor", "testdata", "node_modules"}


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
    p.set_defaults(run=run)


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
    files: dict[str, bytes | None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(part in SKIP_DIRS or part.startswith(".") for part in rel[:-1]):
                    continue
                if child.is_file() and (child.suffix == ".go" or child.name == "go.mod"):
                    files[child.as_posix()] = _read(child)
            _parent_go_mod(path, files)
        elif path.is_file():
            files[path.as_posix()] = _read(path)
            _parent_go_mod(path.parent, files)
        else:
            raise UsageError(f"{raw}: no such file or directory")
    return files


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
    options = options_from(args)
    if args.repo is not None:
        if not args.base:
            raise UsageError("--repo needs --base REV")
        if args.paths:
            raise UsageError("give either paths or --repo, not both")
        change = local_change(args.repo, args.base, args.head)
        result = analyze_change(change.changes, change.head, change.base, options)
        result.base, result.head = change.base_sha, change.head_sha
    else:
        if not args.paths:
            raise UsageError("nothing to analyse: give paths, or --repo DIR --base REV")
        # read_paths already prunes vendor/ and testdata/ below the named roots; a root named
        # explicitly (even inside testdata/) is what the user asked for.
        result = analyze_files(read_paths(args.paths), dataclasses.replace(options, skip_dirs=()))
    if args.format == "sarif":  # paths relative to the repository root with --repo, else to the current directory
        sys.stdout.write(to_sarif(result, root=args.repo.resolve() if args.repo is not None else Path.cwd()))
    else:
        sys.stdout.write((to_text if args.format == "text" else to_json)(result))
    return exit_status(result, args.fail_on)


def exit_status(result: Result, fail_on: str) -> int:
    threshold = SEVERITY_ORDER[fail_on]
    return 1 if any(SEVERITY_ORDER[f.severity] >= threshold for f in result.findings) else 0
