"""`workflow_run` completed: a CI run that may carry a `perf-review-measure` artifact (the measurements of
`perf-review measure`, uploaded by this project's Action) for a pull request's head.

The webhook cannot know whether the run has that artifact without asking GitHub, so it enqueues a
"measure" job for each pull request the run lists; the job lists the run's artifacts first (one call) and
stops there when ours is absent. GitHub lists only pull requests whose head branch is in the same
repository: for a run from a fork the list is empty, and the job looks the PR up by the run's head commit.
Only runs of pull-request events (or runs that list a PR) are considered: a push to main measures nothing
a review could show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.handlers import Route, number, obj, repo_name, sender_bot_reason, text
from bot.handlers.checks import pr_numbers
from bot.jobspec import ReviewRequest

if TYPE_CHECKING:
    from bot.events import Delivery

PR_EVENTS = frozenset({"pull_request", "pull_request_target"})
NO_ARTIFACT = frozenset({"cancelled", "skipped", "stale"})  # such runs uploaded nothing worth reading


def handle(delivery: Delivery, config: Config) -> Route:
    if delivery.action != "completed":
        return Route.ignore(f"workflow_run action {delivery.action or '(none)'} is not handled")
    payload = delivery.payload
    reason = sender_bot_reason(payload, config)
    if reason:
        return Route.ignore(reason)
    if delivery.installation_id is None:
        return Route.ignore("no installation in the payload")
    run = obj(payload, "workflow_run")
    if run.get("conclusion") in NO_ARTIFACT:
        return Route.ignore(f"workflow run {run.get('conclusion')}")
    numbers = pr_numbers(_listed(run), obj(payload, "repository").get("id"))
    if not numbers and run.get("event") not in PR_EVENTS:
        return Route.ignore("workflow run is not for a pull request")
    head_sha = text(run, "head_sha")
    run_id = number(run, "id")
    requests = [
        ReviewRequest(installation_id=delivery.installation_id, repo=repo_name(payload), pr=n, head_sha=head_sha,
                      trigger="auto", kind="measure", delivery_id=delivery.delivery_id, run_id=run_id)
        for n in numbers or [0]  # 0: the job finds the PR by head commit (a run from a fork)
    ]
    return Route.enqueue(f"workflow run {run_id} completed", *requests)


def _listed(run: Mapping[str, Any]) -> list[Any]:
    prs = run.get("pull_requests")
    return prs if isinstance(prs, list) else []
