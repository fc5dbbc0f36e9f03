"""Build the demo repository for `make demo`: a Go module with a `base` and a `head` commit.

Usage: python examples/build_demo.py OUT_DIR   (creates OUT_DIR/repo, replacing an earlier one)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "demo"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Demo", "-c", "user.email=demo@example.com",
         "-c", "commit.gpgsign=false", *args],
        check=True, capture_output=True,
    )


def commit_tree(repo: Path, tree: Path, message: str, tag: str) -> None:
    for old in repo.iterdir():
        if old.name != ".git":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    shutil.copytree(tree, repo, dirs_exist_ok=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    git(repo, "tag", "-f", tag)


def build(out: Path) -> Path:
    repo = out / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    commit_tree(repo, HERE / "base", "inventory: in-memory store", "base")
    commit_tree(repo, HERE / "head", "inventory: HTTP listing, persistence, back-orders", "head")
    return repo


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_demo.py OUT_DIR")
    print(f"demo repository: {build(Path(sys.argv[1]))} (revisions: base, head)", file=sys.stderr)
