"""Unified diffs -> changed files -> touched lines (with unidiff)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Literal

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

FileStatus = Literal["added", "modified", "removed", "renamed"]


class DiffError(ValueError):
    """A diff that cannot be parsed."""


@dataclass(frozen=True)
class FileChange:
    """One changed file. `patch` is the unified diff of this file (GitHub's `patch` field, with or
    without the ---/+++ header); None when the host gave none (binary or too large)."""

    path: str
    status: FileStatus
    old_path: str | None = None
    patch: str | None = None

    @property
    def base_path(self) -> str:
        return self.old_path or self.path


@dataclass
class TouchedLines:
    """Head-side line numbers that were added, and head positions where lines were removed."""

    added: set[int] = field(default_factory=set)
    removed_at: set[int] = field(default_factory=set)
    whole_file: bool = False
    # Sorted copies for touches(): a file with thousands of functions asks once per function.
    _sorted: tuple[list[int], list[int]] | None = field(default=None, init=False, repr=False, compare=False)

    def touches(self, start: int, end: int) -> bool:
        if self.whole_file:
            return True
        if self._sorted is None or len(self._sorted[0]) != len(self.added) or len(self._sorted[1]) != len(
                self.removed_at):
            self._sorted = (sorted(self.added), sorted(self.removed_at))
        added, removed = self._sorted
        i = bisect_left(added, start)
        if i < len(added) and added[i] <= end:
            return True
        j = bisect_right(removed, start)
        return j < len(removed) and removed[j] <= end


def touched_lines(change: FileChange) -> TouchedLines:
    if change.status == "added":
        return TouchedLines(whole_file=True)
    if change.patch is None:
        # No patch (too large for the host): treat every function in the file as touched.
        return TouchedLines(whole_file=True)
    text = change.patch
    if not text.lstrip().startswith(("---", "diff ")):
        text = f"--- a/{change.base_path}\n+++ b/{change.path}\n{text}"
    try:
        patch = PatchSet(text if text.endswith("\n") else text + "\n")
    except UnidiffParseError as exc:
        raise DiffError(f"{change.path}: cannot parse the diff: {exc}") from exc
    out = TouchedLines()
    for pf in patch:
        for hunk in pf:
            next_target = hunk.target_start
            for line in hunk:
                if line.is_added and line.target_line_no is not None:
                    out.added.add(line.target_line_no)
                    next_target = line.target_line_no + 1
                elif line.is_removed:
                    out.removed_at.add(next_target)
                elif line.target_line_no is not None:
                    next_target = line.target_line_no + 1
    return out


def split_diff(diff_text: str) -> list[FileChange]:
    """A whole `git diff` (with -M) -> one FileChange per file, each carrying its own patch."""
    try:
        patch = PatchSet(diff_text)
    except UnidiffParseError as exc:
        raise DiffError(f"cannot parse the diff: {exc}") from exc
    changes: list[FileChange] = []
    for pf in patch:
        source = _strip(pf.source_file)
        target = _strip(pf.target_file)
        if pf.is_added_file:
            changes.append(FileChange(target, "added", None, str(pf)))
        elif pf.is_removed_file:
            changes.append(FileChange(source, "removed", None, str(pf)))
        elif pf.is_rename or (source and target and source != target):
            changes.append(FileChange(target, "renamed", source, str(pf)))
        else:
            changes.append(FileChange(target, "modified", None, str(pf)))
    return changes


def _strip(name: str | None) -> str:
    if not name or name == "/dev/null":
        return ""
    return name[2:] if name.startswith(("a/", "b/")) else name
