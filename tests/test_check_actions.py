"""Check-run buttons: a completed review's run carries "Re-run review" and "Benchmarks"; pressing one
(`check_run` `requested_action`, GitHub's recorded delivery adapted to the stand-in's run) runs what the
matching slash command runs, for people with write access, and only for this App's own runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Config
from bot.events import parse_delivery, route
from bot.handlers import Route
from bot.publish import REVIEW_ACTIONS
from bot.review import run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client
from tests.github_fake.fixtures import review_request as request
from tests.github_fake.render_double import render
from tests.github_fake.webhooks import requested_action
from tests.test_review_job import CONCAT, SEARCH

HOT = {".github/perf-review.yml": "hot_paths: ['text/**']\n", "go.mod": "module w\n\ngo 1.22\n"}


def press(fake: FakeGitHub, payload: dict[str, Any], delivery: str = "d-1") -> Route:
    headers = {"X-GitHub-Event": "check_run", "X-GitHub-Delivery": delivery}
    return route(parse_delivery(headers, json.dumps(payload).encode()),
                 Config(app_id=fake.state.app_id, bot_login=fake.state.bot_login))


def test_buttons_fit_githubs_limits() -> None:
    assert len(REVIEW_ACTIONS) <= 3
    for action in REVIEW_ACTIONS:
        assert len(action.label) <= 20 and len(action.description) <= 40 and len(action.identifier) <= 20
    assert [a.label for a in REVIEW_ACTIONS] == ["Re-run review", "Benchmarks"]


def test_buttons_run_the_commands_with_their_permissions(github_fake: FakeGitHub, app_key: AppKey,
                                                          github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT + SEARCH}, base=HOT)
    github_fake.set_permission("dev", "write")
    github_fake.set_permission("guest", "read")
    client = make_client(github_fake, app_key)
    run_review(request(github_fake, n), client, render=render)
    (run,) = github_fake.check_runs()
    assert run["actions"] == [a.to_json() for a in REVIEW_ACTIONS]

    # Benchmarks: the same reply as `/perf-review bench`.
    (bench,) = press(github_fake, requested_action(github_fake, run["id"], "bench", sender="dev")).requests
    assert (bench.kind, bench.trigger, bench.requester, bench.pr, bench.head_sha) == ("bench", "command", "dev", n, "")
    assert run_review(bench, client, render=render).status == "replied"
    by_command = request(github_fake, n, head_sha="", trigger="command", kind="bench", requester="dev")
    run_review(by_command, client, render=render)
    from_button, from_command = (c["body"] for c in github_fake.bot_comments(n)[-2:])
    assert from_button == from_command and "func BenchmarkJoin" in from_button

    # Re-run review: someone without write access gets the command's short reply and nothing else.
    (denied,) = press(github_fake, requested_action(github_fake, run["id"], "rerun", sender="guest")).requests
    assert run_review(denied, client, render=render).status == "denied"
    assert "@guest" in github_fake.bot_comments(n)[-1]["body"] and len(github_fake.check_runs()) == 1

    (rerun,) = press(github_fake, requested_action(github_fake, run["id"], "rerun", sender="dev"), "d-2").requests
    assert run_review(rerun, client, render=render).status == "published"
    assert len(github_fake.check_runs()) == 2 and github_fake.check_runs()[1]["status"] == "completed"


def test_only_this_apps_buttons_from_people(github_fake: FakeGitHub, app_key: AppKey,
                                            github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    run_review(request(github_fake, n), make_client(github_fake, app_key), render=render)
    run_id = github_fake.check_runs()[0]["id"]
    with pytest.raises(ValueError, match="no button"):  # GitHub shows only the run's own buttons
        requested_action(github_fake, run_id, "fix-it")
    foreign = requested_action(github_fake, run_id, "rerun")
    foreign["check_run"]["app"]["id"] = 25811  # the App that made the recorded delivery
    assert press(github_fake, foreign).reason.startswith("check run belongs to another app")
    unknown = requested_action(github_fake, run_id, "rerun")
    unknown["requested_action"]["identifier"] = "lgtm|26764"
    assert press(github_fake, unknown).outcome == "ignore"
    bot = requested_action(github_fake, run_id, "rerun", sender="other[bot]", sender_type="Bot")
    assert "bot" in press(github_fake, bot).reason
    fork = requested_action(github_fake, run_id, "bench")
    fork["check_run"]["pull_requests"] = fork["check_run"]["check_suite"]["pull_requests"] = []  # a fork's PR
    assert press(github_fake, fork).reason == "check run lists no pull request of this repository"
