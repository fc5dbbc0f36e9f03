from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Nothing in the suite may read a folder beside the checkout (a fresh clone has none): every open of a
# path in the checkout's parent folder but outside the checkout is refused and remembered. The guard is
# off when the parent is a place where unrelated files legitimately live (/, HOME, the temp folder).
_OUTSIDE: list[str] = []
_GUARDED = ROOT.parent not in {Path("/"), Path.home().resolve(), Path(tempfile.gettempdir()).resolve()}


def outside_reads() -> list[str]:
    return _OUTSIDE


def _guard_opens(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    raw = os.fsdecode(args[0])
    if not raw.startswith(str(ROOT.parent)) and ".." not in raw:
        return
    path = Path(os.path.abspath(raw))
    if path.is_relative_to(ROOT.parent) and not path.is_relative_to(ROOT):
        _OUTSIDE.append(str(path))
        raise PermissionError(f"{path}: outside the repository (a fresh clone has no such folder)")


if _GUARDED:
    sys.addaudithook(_guard_opens)


@pytest.fixture(scope="session")
def go_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Go build cache for the whole run (kept in .venv between runs: Go's cache is content-addressed
    and safe to share), so the standard library compiles once, not once per `go` invocation."""
    persistent = ROOT / ".venv" / "go-cache"
    try:
        persistent.mkdir(parents=True, exist_ok=True)
        return persistent
    except OSError:
        return tmp_path_factory.mktemp("go")


# The GitHub stand-in (tests/github_fake): app_key, github_repo, github_fake, github_pr.
from tests.github_fake.fixtures import app_key, github_fake, github_pr, github_repo  # noqa: E402,F401
