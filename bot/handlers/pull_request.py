"""`pull_request` opened / synchronize / reopened / ready_for_review: review the PR's head.

Drafts: whether a draft is reviewed depends on the repository's `.github/perf-review.yml` (drafts
on/off), which is read in the job from the default branch; the webhook never calls GitHub. So draft
PRs are enqueued like any other and the job, which fetches the PR and the config anyway, skips a PR
that is still a draft unless the config enables drafts.

`ready_for_review` is enqueued with trigger "rerun": automatic reviews of one head run once, and the
head that leaves draft is usually one the job already saw (and skipped) while it was a draft.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.handlers import Route, number, obj, repo_name, sender_bot_reason, text
from bot.jobspec import ReviewRequest

if TYPE_CHECKING:
    from bot.events import Delivery

ACTIONS = frozenset({"opened", "synchronize", "reopened", "ready_for_review"})


def handle(delivery: Delivery, config: Config) -> Route:
    if delivery.action not in ACTIONS:
        return Route.ignore(f"pull_request action {delivery.action or '(none)'} is not handled")
    payload = delivery.payload
    reason = sender_bot_reason(payload, config)
    if reason:
        return Route.ignore(reason)
    if delivery.installation_id is None:
        return Route.ignore("no installation in the payload")
    pr = obj(payload, "pull_request")
    state = pr.get("state", "open")
    if state != "open":
        return Route.ignore(f"pull request is {state}")
    request = ReviewRequest(
        installation_id=delivery.installation_id,
        repo=repo_name(payload),
        pr=number(pr, "number"),
        head_sha=text(obj(pr, "head"), "sha"),
        trigger="rerun" if delivery.action == "ready_for_review" else "auto",
        delivery_id=delivery.delivery_id,
        head_before=_sha(payload.get("before")) if delivery.action == "synchronize" else "",
        head_stamp=_epoch(pr.get("updated_at")),
    )
    if pr.get("draft") is True:
        return Route.enqueue("draft pull request: the job reviews it only if the repository config allows", request)
    return Route.enqueue(f"pull request {delivery.action}", request)


def _sha(value: Any) -> str:
    return value if isinstance(value, str) and len(value) <= 64 else ""


def _epoch(value: Any) -> float:
    """GitHub's "2024-05-01T12:00:00Z" as epoch seconds; 0 when absent or unreadable (the order of
    such a delivery is then left to the job, which asks GitHub)."""
    if not isinstance(value, str) or len(value) > 40:
        return 0.0
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
