"""A local git repository as the engine's input: the change between two revisions, and the
contents of the Go packages it touches at both. Read-only; runs git, never the repository's code."""

from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.diff import FileChange, split_diff
from analyzers.extern import SourceProvider
from bot.errors import GitError
from bot.gosrc import git_sources

MAX_BLOB = 8_000_000


@dataclass
class LocalChange:
    changes: list[FileChange]
    head: dict[str, bytes | None]
    base: dict[str, bytes | None]
    base_sha: str
    head_sha: str
    # Other packages' source at each revision (the repository in git, then the module cache).
    head_sources: list[SourceProvider] = field(default_factory=list)
    base_sources: list[SourceProvider] = field(default_factory=list)


def _git(repo: Path, *args: str, binary: bool = False) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]} failed: {exc}") from exc
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {msg[-1] if msg else 'failed'}")
    return proc.stdout


def resolve(repo: Path, rev: str) -> str:
    if not (repo / ".git").exists() and not _is_repo(repo):
        raise GitError(f"{repo} is not a git repository")
    try:
        sha = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        sha = ""
    if not sha:
        raise GitError(f"unknown revision {rev!r} in {repo}")
    return sha


def _is_repo(repo: Path) -> bool:
    try:
        return subprocess.run(["git", "-C", str(repo), "rev-parse", "--git-dir"], capture_output=True,
                              check=False).returncode == 0
    except OSError:
        return False


@dataclass(frozen=True)
class Blob:
    path: str
    size: int
    sha: str


def blobs_at(repo: Path, sha: str) -> list[Blob]:
    """Every file of revision sha, with its size, without reading any."""
    out: list[Blob] = []
    for entry in _git(repo, "ls-tree", "-r", "-z", "--long", sha).split(b"\0"):
        meta, _, name_b = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != b"blob":
            continue
        size = int(parts[3]) if parts[3].isdigit() else 0
        out.append(Blob(name_b.decode("utf-8", "replace"), size, parts[2].decode()))
    return out


def read_blob(repo: Path, blob: Blob) -> bytes:
    return _git(repo, "cat-file", "blob", blob.sha)


class Revision:
    """The files of one revision, listed once and read on demand."""

    def __init__(self, repo: Path, sha: str) -> None:
        self.repo = repo
        self.sha = sha
        self.blobs: dict[str, Blob] = {}
        self.dirs: dict[str, list[str]] = {}  # directory -> its .go files
        for blob in blobs_at(repo, sha):
            self.blobs[blob.path] = blob
            if blob.path.endswith(".go"):
                self.dirs.setdefault(posixpath.dirname(blob.path), []).append(blob.path)

    def read(self, name: str) -> bytes | None:
        blob = self.blobs[name]
        return read_blob(self.repo, blob) if blob.size <= MAX_BLOB else None

    def read_dir(self, directory: str) -> list[tuple[str, bytes]]:
        """(file name, content) of the .go files directly in directory."""
        out = []
        for name in sorted(self.dirs.get(posixpath.normpath(directory) if directory else "", ())):
            src = self.read(name)
            if src is not None:
                out.append((posixpath.basename(name), src))
        return out

    def go_mods(self) -> dict[str, bytes | None]:
        return {name: self.read(name) for name in self.blobs if posixpath.basename(name) == "go.mod"}


def files_at(rev: Revision, directories: set[str]) -> dict[str, bytes | None]:
    """Go files of the given package directories and every go.mod, at one revision."""
    out = rev.go_mods()
    for directory in sorted(directories):
        for name in rev.dirs.get(directory, ()):
            out[name] = rev.read(name)
    return out


def local_change(repo: Path, base: str, head: str = "HEAD") -> LocalChange:
    base_sha, head_sha = resolve(repo, base), resolve(repo, head)
    diff = _git(repo, "diff", "-M", "--no-color", "--no-ext-diff", "-U3", base_sha, head_sha, "--", "*.go")
    changes = split_diff(diff.decode("utf-8", "replace"))
    head_dirs = {posixpath.dirname(c.path) for c in changes if c.status != "removed"}
    base_dirs = {posixpath.dirname(c.base_path) for c in changes if c.status != "added"}
    head_rev, base_rev = Revision(repo, head_sha), Revision(repo, base_sha)
    head_files, base_files = files_at(head_rev, head_dirs), files_at(base_rev, base_dirs)
    return LocalChange(
        changes=changes,
        head=head_files,
        base=base_files,
        base_sha=base_sha,
        head_sha=head_sha,
        head_sources=git_sources(head_rev.read_dir, {p: s for p, s in head_files.items() if p.endswith("go.mod")}),
        base_sources=git_sources(base_rev.read_dir, {p: s for p, s in base_files.items() if p.endswith("go.mod")}),
    )
