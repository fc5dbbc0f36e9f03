from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
