"""CPU profiles for the engine: found and read here, decoded by analyzers.pprof.

Sources: every `default.pgo` (Go's PGO convention: a CPU profile beside a main package), files named
with `--profile`, and, for the App, globs under `profiles:` in `.github/perf-review.yml`. The App reads
them from the default branch, like its configuration, never from the pull request under review: a
PR cannot make its own code look cold. Each file that cannot be used (missing, over the size cap,
empty, truncated, a gzip bomb, not a CPU profile) becomes a reported problem and the review goes on.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import posixpath
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analyzers.engine import Options
from analyzers.globs import matches_any
from analyzers.model import ProfileProblem
from analyzers.pprof.decode import MAX_COMPRESSED, CpuProfile, ProfileError, decode_profile
from analyzers.pprof.tiers import DEFAULT_THRESHOLD
from bot.errors import GitError, PerfReviewError

if TYPE_CHECKING:  # the CLI never talks to GitHub: PyGithub stays out of its start-up
    from bot.github import GitHubClient
from bot.localgit import blobs_at, read_blob

log = logging.getLogger(__name__)

PGO_NAME = "default.pgo"
MAX_PROFILES = 8  # per review: each is one more API read the first time it is seen
SKIP_DIRS = frozenset({".git", "vendor", "testdata", "node_modules"})
_TOO_BIG = f"larger than the {MAX_COMPRESSED // (1024 * 1024)} MB limit for a profile"


@dataclass
class Loaded:
    profiles: list[CpuProfile] = field(default_factory=list)
    problems: list[ProfileProblem] = field(default_factory=list)

    def add(self, source: str, read: Callable[[], bytes]) -> None:
        """Decode what read() returns; any failure is a problem named after source, never an exception."""
        try:
            self.profiles.append(decode_profile(read(), source))
        except ProfileError as exc:
            self.problems.append(ProfileProblem(source, str(exc)))
        except (OSError, PerfReviewError) as exc:
            self.problems.append(ProfileProblem(source, f"could not be read ({_reason(exc)})"))

    def options(self, options: Options, threshold: float | None = None) -> Options:
        """options with these profiles (and the clock for their age)."""
        return dataclasses.replace(
            options, profiles=tuple(self.profiles), profile_problems=tuple(self.problems), now_ns=time.time_ns(),
            profile_hot_threshold=options.profile_hot_threshold if threshold is None else threshold,
        )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def threshold_from_percent(percent: float | None) -> float:
    return DEFAULT_THRESHOLD if percent is None else percent / 100


# -- local files (the command line) ------------------------------------------------------------------


def find_default_pgo(roots: Iterable[Path]) -> list[Path]:
    """Every default.pgo below the given directories, outside vendor/, testdata/ and hidden folders."""
    found: list[Path] = []
    for root in roots:
        if not root.is_dir():
            continue
        for directory, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            if PGO_NAME in files:
                found.append(Path(directory) / PGO_NAME)
    return found


def load_files(paths: Sequence[Path]) -> Loaded:
    loaded = Loaded()
    seen: set[Path] = set()
    for path in paths:
        key = path.resolve()
        if key in seen or len(seen) >= MAX_PROFILES:
            continue
        seen.add(key)
        loaded.add(path.as_posix(), functools.partial(_read_capped, path))
    return loaded


def _read_capped(path: Path) -> bytes:
    if not path.is_file():
        raise ProfileError("no such file")
    if path.stat().st_size > MAX_COMPRESSED:
        raise ProfileError(_TOO_BIG)
    return path.read_bytes()


# -- a revision of a local repository (review --repo, analyze --repo) --------------------------------


def load_at_revision(repo: Path, rev: str, extra: Sequence[Path] = ()) -> Loaded:
    """The default.pgo files of revision rev (the base of a change, as the App reads the default branch),
    then the extra files named on the command line."""
    loaded = Loaded()
    try:
        blobs = [b for b in blobs_at(repo, rev) if posixpath.basename(b.path) == PGO_NAME
                 and not set(b.path.split("/")[:-1]) & SKIP_DIRS]
    except GitError as exc:
        loaded.problems.append(ProfileProblem(f"{PGO_NAME} files at {rev}", str(exc)))
        blobs = []
    for blob in blobs[:MAX_PROFILES]:
        if blob.size > MAX_COMPRESSED:
            loaded.problems.append(ProfileProblem(blob.path, _TOO_BIG))
            continue
        loaded.add(blob.path, functools.partial(read_blob, repo, blob))
    more = load_files(extra)
    loaded.profiles += more.profiles
    loaded.problems += more.problems
    return loaded


# -- the App: the default branch on GitHub -----------------------------------------------------------

_cache: OrderedDict[tuple[str, str], CpuProfile | ProfileProblem] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 64


def load_from_github(client: GitHubClient, repo: str, ref: str, globs: Sequence[str] = ()) -> Loaded:
    """Every default.pgo and every file matching globs in ref's tree. One request lists the tree; each
    profile is read once per blob (content-addressed, so an unchanged profile is never read again)."""
    loaded = Loaded()
    try:
        entries = client.list_tree(repo, ref)
    except PerfReviewError as exc:
        loaded.problems.append(ProfileProblem(f"{PGO_NAME} files on {ref}", f"could not list them ({exc})"))
        return loaded
    wanted = [e for e in entries if _wanted(e.path, globs)]
    for entry in wanted[:MAX_PROFILES]:
        key = (repo, entry.sha)
        with _cache_lock:
            cached = _cache.get(key)
        if cached is None:
            cached, lasting = _fetch(client, repo, entry.path, entry.sha, entry.size)
            if lasting:
                with _cache_lock:
                    _cache[key] = cached
                    while len(_cache) > _CACHE_SIZE:
                        _cache.popitem(last=False)
        if isinstance(cached, ProfileProblem):
            loaded.problems.append(dataclasses.replace(cached, source=entry.path))
        else:
            loaded.profiles.append(dataclasses.replace(cached, source=entry.path))
    if len(wanted) > MAX_PROFILES:
        skipped = ", ".join(e.path for e in wanted[MAX_PROFILES:][:5])
        loaded.problems.append(ProfileProblem(skipped, f"not read: at most {MAX_PROFILES} profiles are used"))
    return loaded


def _wanted(path: str, globs: Sequence[str]) -> bool:
    if matches_any(path, globs):  # the config's globs, validated and compiled once (analyzers.globs)
        return True
    return posixpath.basename(path) == PGO_NAME and not set(path.split("/")[:-1]) & SKIP_DIRS


def _fetch(client: GitHubClient, repo: str, path: str, sha: str,
           size: int) -> tuple[CpuProfile | ProfileProblem, bool]:
    """The decoded profile or its problem, and whether that answer lasts (a failed read may not)."""
    if size > MAX_COMPRESSED:
        return ProfileProblem(path, _TOO_BIG), True
    try:
        data = client.get_blob(repo, sha)
    except PerfReviewError as exc:
        return ProfileProblem(path, f"could not be read ({exc})"), False
    loaded = Loaded()
    loaded.add(path, lambda: data)
    log.info("profile read", extra={"repo": repo, "path": path, "ok": bool(loaded.profiles)})
    return (loaded.profiles[0] if loaded.profiles else loaded.problems[0]), True
