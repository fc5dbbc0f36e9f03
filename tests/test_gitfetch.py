"""The git cache the review job fetches whole packages with: sparse partial clones from the stand-in's
smart-HTTP endpoint, the token kept off disk and off command lines, a size cap with LRU eviction."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot import gitfetch
from bot.gitfetch import GitCache, GitRemote, go_mod_paths, trusted_clone_url
from tests.github_fake import FakeGitHub

GO_MOD = "module example.com/w\n\ngo 1.22\n"
FILES: dict[str, str | None] = {
    "a/x.go": "package a\n", "a/y_test.go": "package a\n", "a/sub/z.go": "package sub\n",
    "b/w.go": "package b\n", "a/go.mod": "module example.com/w/a\n", "README.md": "hi\n",
}


def test_trusted_clone_urls() -> None:
    assert trusted_clone_url("https://github.com/o/r.git", "https://api.github.com")
    assert trusted_clone_url("https://ghe.example.com/o/r.git", "https://ghe.example.com/api/v3")
    assert not trusted_clone_url("https://evil.example.com/o/r.git", "https://api.github.com")
    assert not trusted_clone_url("http://github.com/o/r.git", "https://api.github.com")  # no downgrade
    assert not trusted_clone_url("https://user:pw@github.com/o/r.git", "https://api.github.com")
    assert go_mod_paths({"a/b", ""}) == {"go.mod", "a/go.mod", "a/b/go.mod"}


def test_sparse_fetch_of_the_touched_packages(github_fake: FakeGitHub, github_pr: Callable[..., int],
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    github_pr({"a/x.go": "package a\n\nfunc X() {}\n"}, base={"go.mod": GO_MOD, **FILES})
    head = github_fake.git.rev("feature") or ""
    token = github_fake.issue_token()
    argv: list[list[str]] = []
    real_run = subprocess.run

    def recording_run(args: list[str], **kw: Any) -> Any:
        argv.append(list(args))
        return real_run(args, **kw)

    monkeypatch.setattr(gitfetch.subprocess, "run", recording_run)
    files = GitCache(tmp_path / "cache").packages(GitRemote(github_fake.clone_url, token), "octo-org/widgets",
                                                  {head: {"a"}})
    assert files[head] == {"go.mod": GO_MOD.encode(), "a/go.mod": b"module example.com/w/a\n",
                           "a/x.go": b"package a\n\nfunc X() {}\n", "a/y_test.go": b"package a\n"}
    assert not any(token in " ".join(a) for a in argv), "the token is never on a command line"
    on_disk = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and token.encode() in p.read_bytes()]
    assert not on_disk, on_disk
    assert repr(GitRemote("u", token)).count(token) == 0


def test_jobs_at_once_share_one_clone(github_fake: FakeGitHub, github_pr: Callable[..., int],
                                      tmp_path: Path) -> None:
    github_pr({"a/x.go": "package a\n\nfunc X() {}\n"}, base={"go.mod": GO_MOD, **FILES})
    head = github_fake.git.rev("feature") or ""
    remote = GitRemote(github_fake.clone_url, github_fake.issue_token())
    results: list[dict[str, bytes | None]] = []
    errors: list[BaseException] = []

    def job() -> None:
        try:
            results.append(GitCache(tmp_path / "cache").packages(remote, "octo-org/widgets", {head: {"b"}})[head])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 3
    assert all(r == {"go.mod": GO_MOD.encode(), "b/w.go": b"package b\n"} for r in results)
    assert [p.name for p in (tmp_path / "cache").glob("*.git")] == ["octo-org+widgets.git"]


def test_the_cache_stays_under_its_cap(github_fake: FakeGitHub, github_pr: Callable[..., int],
                                       tmp_path: Path) -> None:
    github_pr({"a/x.go": "package a\n\nfunc X() {}\n"}, base={"go.mod": GO_MOD, **FILES})
    head = github_fake.git.rev("feature") or ""
    remote = GitRemote(github_fake.clone_url, github_fake.issue_token())
    root = tmp_path / "cache"
    GitCache(root).packages(remote, "one/repo", {head: {"a"}})
    one = gitfetch._size(root / "one+repo.git")
    cache = GitCache(root, cap_bytes=int(one * 1.5))
    cache.packages(remote, "two/repo", {head: {"a"}})  # over the cap: the least recently used one goes
    assert sorted(p.name for p in root.glob("*.git")) == ["two+repo.git"]
    cache.packages(remote, "one/repo", {head: {"a"}})
    assert sorted(p.name for p in root.glob("*.git")) == ["one+repo.git"]
