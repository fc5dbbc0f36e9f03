"""Merge queues: `merge_group` `checks_requested` gets a completed `perf-review` check run on the group's
head commit, the pull request's result when the code its review read is the same, else neutral.

The deliveries are GitHub's recorded payload adapted by tests/github_fake/webhooks.py to a merge-queue
commit the test's git repository really holds; the job runs through real PyGithub against the stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.config import Config
from bot.events import HANDLERS, parse_delivery, route
from bot.handlers.merge_group import pr_number
from bot.jobspec import ReviewRequest
from bot.review import run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client
from tests.github_fake.fixtures import review_request as request
from tests.github_fake.render_double import render
from tests.github_fake.webhooks import adapt, merge_group, recorded
from tests.test_review_job import CONCAT

GO_MOD = {"go.mod": "module example.com/w\n\ngo 1.22\n"}


def deliver(fake: FakeGitHub, payload: dict[str, Any], delivery: str = "d-1") -> tuple[ReviewRequest, ...]:
    headers = {"X-GitHub-Event": "merge_group", "X-GitHub-Delivery": delivery, "Content-Type": "application/json"}
    decision = route(parse_delivery(headers, json.dumps(payload).encode()), Config(app_id=fake.state.app_id))
    return decision.requests


def group_runs(fake: FakeGitHub, payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in fake.check_runs() if r["head_sha"] == payload["merge_group"]["head_sha"]]


def on_main(fake: FakeGitHub, files: dict[str, str | None]) -> None:
    repo: Any = fake.repo  # type: ignore[attr-defined]
    repo.git("checkout", "-q", "main")
    repo.commit(files, "meanwhile on main")
    repo.git("checkout", "-q", "feature")


def test_the_recorded_delivery_routes_to_one_job() -> None:
    payload = adapt_plain(recorded("merge_group.checks_requested"))
    decision = route(parse_delivery({"X-GitHub-Event": "merge_group", "X-GitHub-Delivery": "x"},
                                    json.dumps(payload).encode()), Config(app_id=1))
    (req,) = decision.requests
    assert (req.pr, req.head_sha, req.kind, req.trigger) == (104, payload["merge_group"]["head_sha"], "merge_group",
                                                               "auto")
    payload["action"] = "destroyed"
    assert route(parse_delivery({"X-GitHub-Event": "merge_group", "X-GitHub-Delivery": "y"},
                                json.dumps(payload).encode()), Config(app_id=1)).outcome == "ignore"
    sha = "a" * 40
    assert pr_number(f"refs/heads/gh-readonly-queue/release/v1.2/pr-7-{sha}") == 7  # a base branch with slashes
    assert pr_number(f"refs/heads/gh-readonly-queue/main/pr-1-{sha}/pr-2-{sha}") == 0  # two: do not guess
    assert pr_number("refs/heads/main") == 0


def test_the_manifest_subscribes_to_every_handled_event() -> None:
    manifest = yaml.safe_load((Path(__file__).resolve().parents[1] / "app.yml").read_text())
    sent_to_every_app = {"installation", "installation_repositories"}
    assert set(HANDLERS) - sent_to_every_app == set(manifest["default_events"])
    assert manifest["default_permissions"]["merge_queues"] == "read"  # GitHub's condition for merge_group


def adapt_plain(payload: dict[str, Any]) -> dict[str, Any]:
    payload["installation"] = {"id": 5}
    return payload


def test_same_tree_carries_the_failure_over_once(github_fake: FakeGitHub, app_key: AppKey,
                                                 github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT}, base={**GO_MOD, ".github/perf-review.yml": "fail_on: warning\n"})
    client = make_client(github_fake, app_key)
    assert run_review(request(github_fake, n), client, render=render).detail == "failure"
    payload = merge_group(github_fake, n)
    (req,) = deliver(github_fake, payload)
    outcome = run_review(req, client)
    (run,) = group_runs(github_fake, payload)
    assert outcome.status == "published" and run["status"] == "completed" and run["conclusion"] == "failure"
    assert "tree is the pull request head's tree" in run["output"]["summary"]
    # A redelivery (new delivery id, so the queue runs it) does not add a second run.
    (again,) = deliver(github_fake, payload, "d-2")
    assert run_review(again, client).status == "skipped" and len(group_runs(github_fake, payload)) == 1


def test_base_changes_outside_the_reviewed_packages_keep_the_result(
    github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]
) -> None:
    n = github_pr({"text/join.go": CONCAT}, base={**GO_MOD, "text/util.go": "package text\n"})
    client = make_client(github_fake, app_key)
    run_review(request(github_fake, n), client, render=render)
    on_main(github_fake, {"README.md": "more\n", "other/x.go": "package other\n"})
    squashed = merge_group(github_fake, n, squash=True)
    (req,) = deliver(github_fake, squashed)
    run_review(req, client)
    (run,) = group_runs(github_fake, squashed)
    assert run["conclusion"] == "neutral" and "files its review read are identical" in run["output"]["summary"]
    assert run["output"]["title"] != "Reviewed on the pull request"  # the review's own title carried over
    # A change to another file of the reviewed package: the result is not carried over.
    on_main(github_fake, {"text/util.go": "package text\n\nvar X = 1\n"})
    moved = merge_group(github_fake, n)
    (req,) = deliver(github_fake, moved)
    run_review(req, client)
    (run,) = group_runs(github_fake, moved)
    assert run["conclusion"] == "neutral" and run["output"]["title"] == "Reviewed on the pull request"
    assert "`text/util.go`" in run["output"]["summary"]


def test_config_change_on_the_base_or_no_review_gives_neutral(github_fake: FakeGitHub, app_key: AppKey,
                                                               github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT}, base={".github/perf-review.yml": "fail_on: warning\n"})
    client = make_client(github_fake, app_key)
    unreviewed = merge_group(github_fake, n)
    (req,) = deliver(github_fake, unreviewed)
    run_review(req, client)
    (run,) = group_runs(github_fake, unreviewed)
    assert run["conclusion"] == "neutral" and "no completed perf-review check run" in run["output"]["summary"]
    run_review(request(github_fake, n), client, render=render)
    on_main(github_fake, {".github/perf-review.yml": "fail_on: none\n"})
    reconfigured = merge_group(github_fake, n)
    (req,) = deliver(github_fake, reconfigured)
    run_review(req, client)
    (run,) = group_runs(github_fake, reconfigured)
    assert run["conclusion"] == "neutral" and "perf-review.yml" in run["output"]["summary"]
    # A ref that names no pull request still gets its answer, so the queue never waits on us.
    on_main(github_fake, {"README.md": "a new group commit\n"})
    odd = merge_group(github_fake, n)
    odd["merge_group"]["head_ref"] = "refs/heads/gh-readonly-queue/main/not-a-pr"
    (req,) = deliver(github_fake, odd)
    assert req.pr == 0
    run_review(req, client)
    (run,) = group_runs(github_fake, odd)
    assert run["conclusion"] == "neutral" and "does not name one pull request" in run["output"]["summary"]
    assert adapt(github_fake, {}, "x")["repository"]["full_name"] == github_fake.state.full_name
