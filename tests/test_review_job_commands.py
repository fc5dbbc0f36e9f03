"""Slash-command jobs and failure reporting against the GitHub stand-in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.checkrun import run_key
from bot.config import Config
from bot.errors import GitHubError, TransientGitHubError
from bot.github import CheckOutput
from bot.jobspec import ReviewRequest
from bot.review import HELP_TEXT, client_for, report_failure, report_superseded, run_review
from tests.github_fake import FakeGitHub, Fault
from tests.github_fake.fixtures import AppKey, make_client, start_fake
from tests.github_fake.fixtures import review_request as request
from tests.github_fake.render_double import render
from tests.gitrepo import Repo
from tests.test_review_job import CONCAT, SEARCH


def command(fake: FakeGitHub, n: int, kind: str, login: str, **kw: Any) -> Any:
    comment_id = fake.add_comment(n, f"/perf-review {kind}".strip(), author=login)
    return request(fake, n, head_sha="", trigger="command", kind=kind, requester=login, comment_id=comment_id,
                   **kw)


def test_reader_gets_a_short_reply_and_no_review(github_fake: FakeGitHub, app_key: AppKey,
                                                 github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    github_fake.set_permission("reader", "read")
    outcome = run_review(command(github_fake, n, "review", "reader"), make_client(github_fake, app_key),
                         render=render)
    assert outcome.status == "denied"
    (reply,) = github_fake.bot_comments(n)
    assert "@reader" in reply["body"] and "write, maintain or admin" in reply["body"]
    assert github_fake.check_runs() == [] and github_fake.state.reactions == []


@pytest.mark.parametrize("role", ["write", "maintain", "admin"])
def test_writers_get_eyes_and_a_review(github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int],
                                       role: str) -> None:
    n = github_pr({"text/join.go": CONCAT})
    github_fake.set_permission("dev", role)
    req = command(github_fake, n, "review", "dev")
    outcome = run_review(req, make_client(github_fake, app_key), render=render)
    assert outcome.status == "published"
    assert [(r["_comment"], r["content"]) for r in github_fake.state.reactions] == [(req.comment_id, "eyes")]


def test_help_reply(github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    github_fake.set_permission("dev", "write")
    outcome = run_review(command(github_fake, n, "help", "dev"), make_client(github_fake, app_key), render=render)
    assert outcome.status == "replied"
    assert github_fake.bot_comments(n)[0]["body"] == HELP_TEXT
    assert github_fake.check_runs() == []


def test_bench_reply_carries_the_benchmark_files(github_fake: FakeGitHub, app_key: AppKey,
                                                 github_pr: Callable[..., int]) -> None:
    hot = {".github/perf-review.yml": "hot_paths: ['text/**']\n", "go.mod": "module w\n\ngo 1.22\n"}
    n = github_pr({"text/join.go": CONCAT + SEARCH}, base=hot)
    github_fake.set_permission("dev", "admin")
    outcome = run_review(command(github_fake, n, "bench", "dev"), make_client(github_fake, app_key), render=render)
    assert outcome.status == "replied"
    body = github_fake.bot_comments(n)[0]["body"]
    assert "text/perf_review_bench_test.go" in body and "func BenchmarkJoin" in body and "benchstat" in body
    assert "b.Loop()" not in body  # go.mod says 1.22: the b.N loop
    assert github_fake.check_runs() == []


def test_a_failing_review_ends_its_check_run_neutral_without_traceback(github_fake: FakeGitHub, app_key: AppKey,
                                                                      github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("secret internals")

    with pytest.raises(KeyError):
        run_review(request(github_fake, n), make_client(github_fake, app_key), render=broken)
    (run,) = github_fake.check_runs()
    assert run["conclusion"] == "neutral"
    assert "internal error (KeyError)" in run["output"]["summary"] and "Traceback" not in run["output"]["summary"]
    assert "secret internals" not in run["output"]["summary"]


def test_retries_exhausted_raise_transient_and_report_failure_closes_the_run(github_fake: FakeGitHub,
                                                                            app_key: AppKey,
                                                                            github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    client = make_client(github_fake, app_key)
    client.get_pull(github_fake.state.full_name, n)
    github_fake.inject(Fault(503, count=100, methods=frozenset({"GET"}), path="/files"))
    req = request(github_fake, n)
    with pytest.raises(TransientGitHubError):
        run_review(req, client, render=render)
    (run,) = github_fake.check_runs()
    assert run["conclusion"] == "neutral" and "will be retried" in run["output"]["summary"]
    report_failure(req, client, "GitHub kept failing (503) after 5 attempts")
    (run,) = github_fake.check_runs()  # issue 9.4: the job's own run says why, no second run
    assert run["conclusion"] == "neutral" and "after 5 attempts" in run["output"]["summary"]
    github_fake.faults.clear()


def test_report_superseded_ends_unfinished_runs(github_fake: FakeGitHub, app_key: AppKey,
                                               github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    client = make_client(github_fake, app_key)
    req = request(github_fake, n)
    client.create_check_run(req.repo, req.head_sha, "perf-review", status="in_progress", output=CheckOutput("t", "s"),
                            external_id=run_key(req))
    other = client.create_check_run(req.repo, req.head_sha, "perf-review", status="in_progress",
                                    output=CheckOutput("t", "s"), external_id="another job")
    report_superseded(req, client)
    mine, theirs = github_fake.check_runs()
    assert mine["status"] == "completed" and mine["output"]["title"] == "Superseded"
    assert theirs["id"] == other and theirs["status"] == "in_progress"


def test_enterprise_api_url_through_client_for(github_repo: Repo, app_key: AppKey, caplog: Any) -> None:
    github_repo.git("checkout", "-q", "-b", "feature")
    github_repo.commit({"text/join.go": CONCAT})
    fake = start_fake(github_repo, app_key, prefix="/api/v3")
    try:
        n = fake.open_pull("feature")
        config = Config(app_id=fake.state.app_id, private_key=app_key.private_pem, webhook_secret="s",
                        api_url=fake.url)
        seen: list[tuple[str, str, int | None]] = []
        caplog.set_level(logging.DEBUG)
        client = client_for(config, fake.state.installation_id, on_call=lambda *a: seen.append(a))
        outcome = run_review(request(fake, n), client, render=render)
        assert outcome.status == "published" and fake.url.endswith("/api/v3")
        assert ("get_pull", "ok", seen[0][2]) == seen[0] and seen[0][2] is not None
        tokens = list(fake.state.tokens)
        text = caplog.text
        assert tokens and not any(t in text for t in tokens) and "PRIVATE KEY" not in text
        assert not fake.violations
    finally:
        fake.stop()


def test_unknown_pr_is_a_plain_error(github_fake: FakeGitHub, app_key: AppKey) -> None:
    req = ReviewRequest(installation_id=77, repo=github_fake.state.full_name, pr=99, head_sha="abc")
    with pytest.raises(GitHubError) as info:
        run_review(req, make_client(github_fake, app_key), render=render)
    assert info.value.status == 404 and not isinstance(info.value, TransientGitHubError)
