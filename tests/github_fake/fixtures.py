"""pytest fixtures for the GitHub stand-in (exposed through tests/conftest.py).

- `app_key`: an RSA key pair for the App (private PEM, public PEM), made once per session.
- `github_repo`: a fresh git repository (tests.gitrepo.Repo) with one commit on `main`.
- `github_fake`: the stand-in serving `github_repo` on a free loopback port; at teardown it fails the
  test when any request broke the API description or GitHub's limits (clear `violations` in tests
  that provoke them on purpose).
- `github_pr`: make(head_files, base=None, **pull_options) commits `base` on main, `head` on a
  feature branch, and opens the pull request; push(fake, files) adds a commit to it.
Helpers: `make_client(fake, key, sleeps)` (bot.github's real client, with recorded backoff sleeps) and
`review_request(fake, number, **fields)` (a ReviewRequest for the PR's current head).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.github import AppAuth, PyGithubClient, RetryPolicy, installation_client
from bot.jobspec import ReviewRequest
from tests.github_fake.server import FakeGitHub
from tests.gitrepo import Repo


@dataclass(frozen=True)
class AppKey:
    private_pem: str
    public_pem: str


def make_app_key() -> AppKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return AppKey(private, public)


@pytest.fixture(scope="session")
def app_key() -> AppKey:
    return make_app_key()


@pytest.fixture
def github_repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit({"README.md": "widgets\n"}, "initial")
    return repo


def start_fake(repo: Repo, key: AppKey, prefix: str = "", **kwargs: object) -> FakeGitHub:
    fake = FakeGitHub(repo.path, key.public_pem, prefix=prefix, **kwargs)  # type: ignore[arg-type]
    fake.repo = repo  # type: ignore[attr-defined]
    return fake.start()


@pytest.fixture
def github_fake(github_repo: Repo, app_key: AppKey) -> Iterator[FakeGitHub]:
    fake = start_fake(github_repo, app_key)
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.violations, f"requests GitHub would refuse: {fake.violations}"


@pytest.fixture
def github_pr(github_fake: FakeGitHub) -> Callable[..., int]:
    def make(head: dict[str, str | None], base: dict[str, str | None] | None = None, **kw: Any) -> int:
        repo = github_fake.repo  # type: ignore[attr-defined]
        if base:
            repo.commit(base, "base")
        repo.git("checkout", "-q", "-b", "feature")
        repo.commit(head, "change")
        return github_fake.open_pull("feature", **kw)

    return make


def push(fake: FakeGitHub, files: dict[str, str | None]) -> None:
    fake.repo.commit(files, "push")  # type: ignore[attr-defined]


def make_client(fake: FakeGitHub, key: AppKey, sleeps: list[float] | None = None) -> PyGithubClient:
    record: Callable[[float], None] = sleeps.append if sleeps is not None else (lambda s: None)
    app = AppAuth(fake.state.app_id, key.private_pem, fake.url, retry=RetryPolicy(sleep=record), timeout=10)
    return installation_client(app, fake.state.installation_id)


def review_request(fake: FakeGitHub, number: int, **kw: Any) -> ReviewRequest:
    kw.setdefault("head_sha", fake.git.rev(fake.state.pulls[number].head_ref) or "")
    return ReviewRequest(installation_id=fake.state.installation_id, repo=fake.state.full_name, pr=number, **kw)
