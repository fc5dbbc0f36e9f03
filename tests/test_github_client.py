"""bot.github against the stand-in: app JWT, installation tokens, retries, typed errors, no secrets."""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
import pytest

from bot.errors import GitHubError, TransientGitHubError
from bot.github import AppAuth, RetryPolicy, installation_client
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey

REPO = "octo-org/widgets"


def app_for(fake: FakeGitHub, key: AppKey, sleeps: list[float] | None = None, **kw: Any) -> AppAuth:
    record = sleeps.append if sleeps is not None else (lambda s: None)
    return AppAuth(fake.state.app_id, key.private_pem, fake.url, retry=RetryPolicy(sleep=record), **kw)


@pytest.fixture
def pull(github_fake: FakeGitHub) -> int:
    repo = github_fake.repo  # type: ignore[attr-defined]
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"a.go": "package a\n"})
    return github_fake.open_pull("feature")


def test_app_jwt_claims(app_key: AppKey, github_fake: FakeGitHub) -> None:
    now = time.time()
    token = app_for(github_fake, app_key).jwt()
    claims = jwt.decode(token, app_key.public_pem, algorithms=["RS256"])
    assert claims["iss"] == str(github_fake.state.app_id)
    assert now - 61 <= claims["iat"] <= now - 59
    assert claims["exp"] - now <= 600 and claims["exp"] > now
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def test_installation_token_is_cached_until_shortly_before_expiry(github_fake: FakeGitHub, app_key: AppKey,
                                                                  pull: int) -> None:
    app = app_for(github_fake, app_key)
    client = installation_client(app, github_fake.state.installation_id)
    for _ in range(3):
        client.get_pull(REPO, pull)
    assert len(github_fake.calls_to("POST", "/access_tokens$")) == 1
    github_fake.token_ttl = 200  # less than the refresh margin: every use mints a fresh one
    app2 = app_for(github_fake, app_key)
    client2 = installation_client(app2, github_fake.state.installation_id)
    client2.get_pull(REPO, pull)
    client2.get_pull(REPO, pull)
    assert len(github_fake.calls_to("POST", "/access_tokens$")) == 3


def test_stand_in_refuses_bad_jwts(github_fake: FakeGitHub, app_key: AppKey, pull: int) -> None:
    wrong_iss = AppAuth(999, app_key.private_pem, github_fake.url, retry=RetryPolicy(sleep=lambda s: None))
    with pytest.raises(GitHubError) as info:
        installation_client(wrong_iss, github_fake.state.installation_id).get_pull(REPO, pull)
    assert info.value.status == 401
    far = AppAuth(github_fake.state.app_id, app_key.private_pem, github_fake.url,
                  clock=lambda: time.time() + 120, retry=RetryPolicy(sleep=lambda s: None))
    with pytest.raises(GitHubError):
        installation_client(far, github_fake.state.installation_id).get_pull(REPO, pull)
    assert any("iss" in f for f in github_fake.auth_failures)
    assert any("Issued at" in f or "too far" in f for f in github_fake.auth_failures)


def test_502s_are_retried_with_capped_backoff(github_fake: FakeGitHub, app_key: AppKey, pull: int) -> None:
    sleeps: list[float] = []
    client = installation_client(app_for(github_fake, app_key, sleeps), github_fake.state.installation_id)
    github_fake.fail_writes(3)
    comment = client.create_issue_comment(REPO, pull, "hello")
    assert sleeps == [1.0, 2.0, 4.0]
    assert [c["id"] for c in github_fake.bot_comments(pull)] == [comment]
    assert RetryPolicy(max_delay=60).backoff(10) == 60


def test_retry_after_and_rate_limit_reset(github_fake: FakeGitHub, app_key: AppKey, pull: int) -> None:
    sleeps: list[float] = []
    client = installation_client(app_for(github_fake, app_key, sleeps), github_fake.state.installation_id)
    client.get_pull(REPO, pull)
    github_fake.secondary_limit(retry_after=9, status=403)
    github_fake.rate_limit(reset_in=8)
    client.get_pull(REPO, pull)
    assert sleeps[0] == 9.0 and 5 <= sleeps[1] <= 10


def test_a_far_reset_is_left_to_the_job_queue(github_fake: FakeGitHub, app_key: AppKey, pull: int) -> None:
    sleeps: list[float] = []
    client = installation_client(app_for(github_fake, app_key, sleeps), github_fake.state.installation_id)
    client.get_pull(REPO, pull)
    github_fake.rate_limit(reset_in=3600)
    with pytest.raises(TransientGitHubError) as info:
        client.get_pull(REPO, pull)
    assert sleeps == [] and info.value.retry_after is not None and info.value.retry_after > 3000


def test_timeouts_are_retried(github_fake: FakeGitHub, app_key: AppKey, pull: int) -> None:
    sleeps: list[float] = []
    app = app_for(github_fake, app_key, sleeps, timeout=1)
    client = installation_client(app, github_fake.state.installation_id)
    client.get_pull(REPO, pull)
    github_fake.timeout(count=1, delay=1.3)
    assert client.get_pull(REPO, pull).number == pull
    assert sleeps == [1.0]


def test_client_errors_are_not_retried_and_carry_no_secrets(github_fake: FakeGitHub, app_key: AppKey, pull: int,
                                                            caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    sleeps: list[float] = []
    app = app_for(github_fake, app_key, sleeps)
    client = installation_client(app, github_fake.state.installation_id)
    with pytest.raises(GitHubError) as info:
        client.get_pull(REPO, 4040)
    github_fake.fail_writes(10)
    with pytest.raises(TransientGitHubError) as transient:
        client.create_issue_comment(REPO, pull, "x")
    assert info.value.status == 404 and sleeps == [1.0, 2.0, 4.0, 8.0]
    token = next(iter(github_fake.state.tokens))
    for text in (str(info.value), str(transient.value), caplog.text, repr(app)):
        assert token not in text and "PRIVATE KEY" not in text and app_key.private_pem[40:80] not in text
    github_fake.faults.clear()


def test_unusable_key_is_a_plain_error(github_fake: FakeGitHub) -> None:
    app = AppAuth(1, "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", github_fake.url)
    with pytest.raises(GitHubError) as info:
        app.jwt()
    assert "nope" not in str(info.value)


def test_client_reads_files_pages_and_missing_contents(github_fake: FakeGitHub, app_key: AppKey) -> None:
    repo = github_fake.repo  # type: ignore[attr-defined]
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({f"f{i:03}.txt": f"{i}\n" for i in range(230)} | {"big.bin": b"\x00" * 10 + b"x" * 1_100_000})
    n = github_fake.open_pull("feature")
    client = installation_client(app_for(github_fake, app_key), github_fake.state.installation_id)
    files = client.list_pull_files(REPO, n)
    assert len(files) == 231 and len(github_fake.calls_to("GET", "/files$")) == 3
    assert client.get_file(REPO, "missing.go") is None
    assert client.get_file(REPO, "big.bin", "feature") is None  # over GitHub's 1 MB contents limit
    assert client.get_file(REPO, "f001.txt", "feature") == b"1\n"
    assert client.get_file(REPO, "README.md") == b"widgets\n"  # default branch
