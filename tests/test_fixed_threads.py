"""Inline threads of fixed findings: one "Fixed in <short sha>." reply each, never twice (the answer comes
from GitHub's threads, so restarts and a lost review comment do not repeat it), nothing else touched,
and no reply where this review cannot tell (a skipped file, a rule switched off)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.errors import GitHubError
from bot.review import run_review
from bot.threads import FIXED_MARKER
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client, push
from tests.github_fake.fixtures import review_request as request
from tests.github_fake.render_double import render
from tests.test_review_job import CLEAN, CONCAT

A, B = "text/a.go", "text/b.go"


def two_findings() -> dict[str, str | None]:
    return {A: CONCAT.replace("Join", "JoinA"), B: CONCAT.replace("Join", "JoinB")}


def threads(fake: FakeGitHub, n: int) -> dict[str, dict[str, Any]]:
    return {c["path"]: c for c in fake.review_comments(n) if not c.get("in_reply_to_id")}


def replies(fake: FakeGitHub, n: int, root: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in fake.review_comments(n) if c.get("in_reply_to_id") == root["id"]]


def review(fake: FakeGitHub, key: AppKey, n: int, **kw: Any) -> Any:
    return run_review(request(fake, n, **kw), make_client(fake, key), render=render)  # a new client: a restart


def test_fixed_once_and_a_persons_thread_keeps_their_words(github_fake: FakeGitHub, app_key: AppKey,
                                                            github_pr: Callable[..., int]) -> None:
    n = github_pr(two_findings())
    assert review(github_fake, app_key, n).inline_posted == 2
    roots = threads(github_fake, n)
    person = github_fake.reply(roots[A]["id"], "We need this for the old API; will fix in a follow-up.", "octocat")
    with pytest.raises(GitHubError, match="422"):  # as on GitHub: replies go to a thread's first comment
        make_client(github_fake, app_key).reply_to_review_comment(github_fake.state.full_name, n, person, "x")
    github_fake.violations.clear()
    before = {c["id"]: dict(c) for c in github_fake.review_comments(n)}
    push(github_fake, {A: CLEAN.replace("Join", "JoinA")})  # only a.go's finding is fixed
    head = github_fake.git.rev("feature") or ""
    review(github_fake, app_key, n)
    (fixed,) = replies(github_fake, n, roots[A])[1:]
    assert fixed["body"] == f"Fixed in {head[:7]}.\n\n{FIXED_MARKER}" and fixed["user"]["type"] == "Bot"
    assert replies(github_fake, n, roots[B]) == []  # still there: nothing to say
    after = {c["id"]: c for c in github_fake.review_comments(n)}
    assert all(after[i] == c for i, c in before.items())  # nothing edited: the person's reply, the bot's note
    assert github_fake.calls_to("PATCH", r"/pulls/comments/") == []

    # Said once: a rerun (a restart, a retried job) adds nothing; b.go's fix gets its own line later.
    review(github_fake, app_key, n, trigger="rerun")
    in_a = [c["id"] for c in replies(github_fake, n, roots[A])]
    assert len(in_a) == 2 and person in in_a
    # The review comment (and its state) is lost: a.go's finding is again one "commented inline and
    # gone", and what was said is still read from its thread; b.go's fix gets its line.
    for c in github_fake.bot_comments(n):
        github_fake.state.issue_comments.pop(c["id"])
    push(github_fake, {B: CLEAN.replace("Join", "JoinB")})
    review(github_fake, app_key, n)
    assert len(replies(github_fake, n, roots[A])) == 2 and len(replies(github_fake, n, roots[B])) == 1


def test_no_reply_when_the_review_cannot_tell(github_fake: FakeGitHub, app_key: AppKey,
                                              github_pr: Callable[..., int]) -> None:
    n = github_pr(two_findings())
    review(github_fake, app_key, n)
    repo: Any = github_fake.repo  # type: ignore[attr-defined]
    repo.git("checkout", "-q", "main")  # the configuration is read from the default branch
    repo.commit({".github/perf-review.yml": "rules:\n  disable: [string-concat-loop]\n"}, "config")
    repo.git("checkout", "-q", "feature")
    assert review(github_fake, app_key, n, trigger="rerun").findings == 0  # switched off, not fixed
    repo.git("checkout", "-q", "main")
    repo.commit({".github/perf-review.yml": f"exclude: ['{A}']\n"}, "config")
    repo.git("checkout", "-q", "feature")
    assert review(github_fake, app_key, n, trigger="rerun").findings == 1  # a.go skipped: says nothing
    assert [c for c in github_fake.review_comments(n) if c.get("in_reply_to_id")] == []
