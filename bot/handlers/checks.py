"""`check_run` / `check_suite` rerequested ("Re-run" in the Checks tab): review that head again.

GitHub lists the PRs of the head in the payload's `pull_requests`, but only PRs whose head branch
is in the same repository: for a PR from a fork the list is empty and nothing can be re-run from
the webhook alone (the PR author can push again or comment `/perf-review`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.handlers import Route, obj, repo_name, sender_bot_reason, text
from bot.jobspec import ReviewRequest

if TYPE_CHECKING:
    from bot.events import Delivery


def handle(delivery: Delivery, config: Config) -> Route:
    event = delivery.event
    if event == "check_run" and delivery.action == "requested_action":
        from bot.handlers import check_actions

        return check_actions.handle(delivery, config)
    if delivery.action != "rerequested":
        return Route.ignore(f"{event} action {delivery.action or '(none)'} is not handled")
    payload = delivery.payload
    reason = sender_bot_reason(payload, config)
    if reason:
        return Route.ignore(reason)
    if delivery.installation_id is None:
        return Route.ignore("no installation in the payload")
    subject = obj(payload, event)
    app = subject.get("app")
    if isinstance(app, Mapping) and app.get("id") != config.app_id:
        return Route.ignore(f"{event} belongs to another app ({app.get('slug') or app.get('id')})")
    repo_id = obj(payload, "repository").get("id")
    numbers = pr_numbers(listed_prs(subject), repo_id)
    if not numbers:
        return Route.ignore(f"{event} lists no pull request of this repository")
    head_sha = text(subject, "head_sha")
    requests = [
        ReviewRequest(
            installation_id=delivery.installation_id,
            repo=repo_name(payload),
            pr=n,
            head_sha=head_sha,
            trigger="rerun",
            delivery_id=delivery.delivery_id,
        )
        for n in numbers
    ]
    return Route.enqueue(f"{event} rerequested", *requests)


def listed_prs(subject: Mapping[str, Any]) -> list[Any]:
    prs = subject.get("pull_requests")
    if not prs:
        suite = subject.get("check_suite")
        prs = suite.get("pull_requests") if isinstance(suite, Mapping) else None
    return prs if isinstance(prs, list) else []


def pr_numbers(prs: Iterable[Any], repo_id: Any) -> list[int]:
    """Numbers of the listed PRs whose base is this repository, in order, without repeats."""
    numbers: list[int] = []
    for pr in prs:
        if not isinstance(pr, Mapping) or not isinstance(pr.get("number"), int):
            continue
        base = pr.get("base")
        base_repo = base.get("repo") if isinstance(base, Mapping) else None
        if isinstance(base_repo, Mapping) and repo_id is not None and base_repo.get("id") != repo_id:
            continue
        if pr["number"] not in numbers:
            numbers.append(pr["number"])
    return numbers
