"""Detached git worktrees of base and head in a temporary folder, removed on every way out: a normal
end, an error, Ctrl-C (SIGINT) or SIGTERM (what CI sends a cancelled job). The user's checkout, index
and branches are never touched."""

from __future__ import annotations

import contextlib
import logging
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType

from bot.errors import GitError

log = logging.getLogger(__name__)
PREFIX = "perf-review-measure-"


def _git(repo: Path, *args: str) -> None:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=600,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]} {args[1] if len(args) > 1 else ''} failed: {exc}") from exc
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {lines[-1] if lines else 'failed'}")


@contextlib.contextmanager
def interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt like Ctrl-C does, so `finally` blocks run (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Cleanup that a second Ctrl-C must not cut short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    old_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


@contextlib.contextmanager
def worktrees(repo: Path, revisions: Mapping[str, str]) -> Iterator[tuple[Path, dict[str, Path]]]:
    """(scratch folder, {side: worktree}) for each side's commit; everything is removed on exit."""
    scratch = Path(tempfile.mkdtemp(prefix=PREFIX))
    made: list[Path] = []
    try:
        for side, sha in revisions.items():
            path = scratch / side
            made.append(path)
            _git(repo, "worktree", "add", "--detach", "--quiet", str(path), sha)
        yield scratch, {side: scratch / side for side in revisions}
    finally:
        with _uninterrupted():
            for path in made:
                try:
                    _git(repo, "worktree", "remove", "--force", str(path))
                except GitError as exc:
                    log.warning("could not remove worktree %s: %s", path, exc)
            shutil.rmtree(scratch, ignore_errors=True)
            try:
                _git(repo, "worktree", "prune")
            except GitError as exc:
                log.warning("git worktree prune failed: %s", exc)
