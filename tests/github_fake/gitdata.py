"""What the stand-in reads from the test's git repository: diffs in GitHub's PR-files shape, blobs,
trees, commits. Every answer is computed with real git."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "C": "copied", "T": "changed"}


@dataclass(frozen=True)
class DiffFile:
    filename: str
    status: str
    previous_filename: str | None
    patch: str | None  # None for binary files
    additions: int
    deletions: int
    blob_sha: str | None  # head blob (None when removed)


class GitData:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._diff_cache: dict[tuple[str, str], list[DiffFile]] = {}

    def git(self, *args: str) -> bytes:
        proc = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True, check=False)
        if proc.returncode != 0:
            raise LookupError(proc.stderr.decode("utf-8", "replace").strip())
        return proc.stdout

    def rev(self, ref: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip() or None
        except LookupError:
            return None

    def merge_base(self, a: str, b: str) -> str:
        return self.git("merge-base", a, b).decode().strip()

    def show(self, rev: str, path: str) -> bytes | None:
        try:
            return self.git("show", f"{rev}:{path}")
        except LookupError:
            return None

    def object_type(self, rev: str, path: str) -> str | None:
        try:
            return self.git("cat-file", "-t", f"{rev}:{path}").decode().strip()
        except LookupError:
            return None

    def blob_sha(self, rev: str, path: str) -> str | None:
        try:
            return self.git("rev-parse", f"{rev}:{path}").decode().strip()
        except LookupError:
            return None

    def cat_blob(self, sha: str) -> bytes | None:
        try:
            return self.git("cat-file", "blob", sha)
        except LookupError:
            return None

    def ls_tree(self, rev: str, recursive: bool) -> list[tuple[str, str, str, str]]:
        """(mode, type, sha, path) per entry."""
        args = ["ls-tree", "-z", "--full-tree"] + (["-r", "-t"] if recursive else []) + [rev]
        out = []
        for entry in self.git(*args).decode().split("\0"):
            if entry:
                meta, path = entry.split("\t", 1)
                mode, typ, sha = meta.split()
                out.append((mode, typ, sha, path))
        return out

    def blob_sizes(self, rev: str) -> dict[str, int]:
        """path -> size of every blob below rev (GitHub's tree listing carries them)."""
        out = {}
        for entry in self.git("ls-tree", "-z", "-r", "--long", "--full-tree", rev).decode().split("\0"):
            if entry:
                meta, path = entry.split("\t", 1)
                out[path] = int(meta.split()[3])
        return out

    def commits(self, base: str, head: str) -> list[dict[str, str]]:
        fmt = "%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e"
        raw = self.git("log", "--reverse", f"--format={fmt}", f"{base}..{head}").decode()
        out = []
        for rec in raw.split("\x1e"):
            rec = rec.strip("\n")
            if rec:
                sha, name, email, date, subject = rec.split("\x1f")
                out.append({"sha": sha, "name": name, "email": email, "date": date, "message": subject})
        return out

    def archive(self, rev: str) -> bytes:
        return self.git("archive", "--format=tar.gz", rev)

    def diff(self, base: str, head: str) -> list[DiffFile]:
        """The change from the merge base of base and head to head, one entry per file (GitHub order)."""
        key = (self.rev(base) or base, self.rev(head) or head)
        if key not in self._diff_cache:
            self._diff_cache[key] = self._diff(self.merge_base(*key), key[1])
        return self._diff_cache[key]

    def _diff(self, base: str, head: str) -> list[DiffFile]:
        names = self.git("diff", "-M", "--name-status", "-z", base, head).decode().split("\0")
        entries: list[tuple[str, str, str | None]] = []
        i = 0
        while i < len(names) and names[i]:
            code = names[i][0]
            if code in "RC":
                entries.append((_STATUS[code], names[i + 2], names[i + 1]))
                i += 3
            else:
                entries.append((_STATUS.get(code, "modified"), names[i + 1], None))
                i += 2
        patches = self._patches(base, head)
        blobs = {path: sha for _, typ, sha, path in self.ls_tree(head, True) if typ == "blob"}
        out = []
        for status, path, old in entries:
            patch = patches.get(path)
            adds = sum(1 for ln in (patch or "").splitlines() if ln.startswith("+"))
            dels = sum(1 for ln in (patch or "").splitlines() if ln.startswith("-"))
            sha = None if status == "removed" else blobs.get(path)
            out.append(DiffFile(path, status, old, patch, adds, dels, sha))
        return out

    def _patches(self, base: str, head: str) -> dict[str, str | None]:
        """GitHub's per-file `patch`: the hunks without the diff/index/---/+++ header."""
        text = self.git("diff", "-M", "--no-color", "--no-ext-diff", base, head).decode("utf-8", "replace")
        out: dict[str, str | None] = {}
        for chunk in re.split(r"(?m)^(?=diff --git )", text):
            if not chunk.startswith("diff --git "):
                continue
            path = _chunk_path(chunk)
            hunk_at = chunk.find("\n@@")
            out[path] = chunk[hunk_at + 1 :].rstrip("\n") if hunk_at >= 0 else None
        return out


def _chunk_path(chunk: str) -> str:
    for line in chunk.splitlines():
        if line.startswith("rename to "):
            return line[len("rename to ") :]
        if line.startswith("+++ b/"):
            return line[6:]
        if line.startswith("--- a/") and "+++ /dev/null" in chunk:
            return line[6:]
    header = chunk.splitlines()[0]
    m = re.match(r"diff --git a/(.*) b/(.*)$", header)
    return m.group(2) if m else header


def hunk_lines(patch: str | None) -> tuple[set[int], set[int]]:
    """(right-side lines, left-side lines) inside the hunks of a patch: where review comments may go."""
    right: set[int] = set()
    left: set[int] = set()
    for m in re.finditer(r"(?m)^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", patch or ""):
        old_start, old_len = int(m.group(1)), int(m.group(2) or 1)
        new_start, new_len = int(m.group(3)), int(m.group(4) or 1)
        right.update(range(new_start, new_start + new_len))
        left.update(range(old_start, old_start + old_len))
    return right, left
