"""`check_run` `requested_action`: a person pressed a button of a completed `perf-review` check run
("Re-run review" or "Benchmarks", bot.publish.REVIEW_ACTIONS).

Only this App's own check runs count (the payload's `check_run.app.id`; GitHub sends the event only to
the App that made the run, and the check keeps a misrouted or forged delivery from doing anything).
The buttons run what the matching slash commands run, with the same permission check in the job:
"Re-run review" is `/perf-review` (the pull request's current head), "Benchmarks" is
`/perf-review bench`; a person without write access gets the same short reply as for a command.

The pull requests come from the payload's `check_run.pull_requests`, which GitHub fills only for
pull requests whose head branch is in the same repository; for a fork's pull request the list is
empty and nothing can be done from the webhook alone (comment `/perf-review` there instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.config import Config
from bot.handlers import Route, obj, repo_name, sender_bot_reason
from bot.handlers.checks import listed_prs, pr_numbers
from bot.jobspec import Kind, ReviewRequest

if TYPE_CHECKING:
    from bot.events import Delivery

ACTIONS: Mapping[str, Kind] = {"rerun": "review", "bench": "bench"}  # identifiers of bot.publish.REVIEW_ACTIONS


def handle(delivery: Delivery, config: Config) -> Route:
    payload = delivery.payload
    reason = sender_bot_reason(payload, config)
    if reason:
        return Route.ignore(reason)
    if delivery.installation_id is None:
        return Route.ignore("no installation in the payload")
    run = obj(payload, "check_run")
    app = run.get("app")
    if not isinstance(app, Mapping) or app.get("id") != config.app_id:
        who = app.get("slug") or app.get("id") if isinstance(app, Mapping) else "an unknown app"
        return Route.ignore(f"check run belongs to another app ({who})")
    action = payload.get("requested_action")
    identifier = action.get("identifier") if isinstance(action, Mapping) else None
    kind = ACTIONS.get(identifier) if isinstance(identifier, str) else None
    if kind is None:
        return Route.ignore(f"requested action {str(identifier)[:40]!r} is not one of this app's buttons")
    numbers = pr_numbers(listed_prs(run), obj(payload, "repository").get("id"))
    if not numbers:
        return Route.ignore("check run lists no pull request of this repository")
    sender = payload.get("sender")
    requester = str(sender.get("login") or "") if isinstance(sender, Mapping) else ""
    requests = [
        ReviewRequest(
            installation_id=delivery.installation_id,
            repo=repo_name(payload),
            pr=n,
            head_sha="",  # like the slash command: the pull request's head when the job runs
            trigger="command",
            kind=kind,
            delivery_id=delivery.delivery_id,
            requester=requester,
        )
        for n in numbers
    ]
    return Route.enqueue(f"check run button {identifier}", *requests)
