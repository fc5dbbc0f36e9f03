"""`issue_comment` created on a pull request, starting with `/perf-review`: a slash command.

Who may run commands (write, maintain or admin on the repository) is checked in the job with the
collaborator-permission API: the webhook enqueues every command from a person and the job answers
a reader with a short reply (kind "denied") and no review. The comment's payload carries no head
SHA, so the request has head_sha "" and the job resolves the PR's current head.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.handlers import Route, bot_reason, number, obj, repo_name, sender_bot_reason
from bot.jobspec import Kind, ReviewRequest

if TYPE_CHECKING:
    from bot.events import Delivery

COMMAND = "/perf-review"


@dataclass(frozen=True)
class Command:
    kind: Kind
    full: bool = False
    word: str = ""  # the sub-command as written ("" for the bare command)


SUBCOMMANDS: Mapping[str, Command] = {
    "": Command("review"),
    "full": Command("review", full=True, word="full"),
    "bench": Command("bench", word="bench"),
    "help": Command("help", word="help"),
}


def parse_command(body: str) -> Command | None:
    """The command on the comment's first line, or None when the comment is not a command.
    An unknown sub-command is answered with help."""
    lines = body.strip().splitlines()
    words = lines[0].split() if lines else []
    if not words or words[0].lower() != COMMAND:
        return None
    word = words[1].lower() if len(words) > 1 else ""
    return SUBCOMMANDS.get(word) or Command("help", word=word)


def handle(delivery: Delivery, config: Config) -> Route:
    if delivery.action != "created":
        return Route.ignore(f"issue_comment action {delivery.action or '(none)'} is not handled")
    payload = delivery.payload
    issue, comment = obj(payload, "issue"), obj(payload, "comment")
    if not issue.get("pull_request"):
        return Route.ignore("comment on an issue, not a pull request")
    author = _user(comment)
    reason = sender_bot_reason(payload, config) or bot_reason(author, config, role="comment author")
    if reason:
        return Route.ignore(reason)
    command = parse_command(str(comment.get("body") or ""))
    if command is None:
        return Route.ignore(f"comment is not a {COMMAND} command")
    if delivery.installation_id is None:
        return Route.ignore("no installation in the payload")
    request = ReviewRequest(
        installation_id=delivery.installation_id,
        repo=repo_name(payload),
        pr=number(issue, "number"),
        head_sha="",
        trigger="command",
        kind=command.kind,
        full=command.full,
        delivery_id=delivery.delivery_id,
        comment_id=number(comment, "id"),
        requester=str(author.get("login") or ""),
    )
    return Route.enqueue(f"command {COMMAND} {command.word}".rstrip(), request)


def _user(comment: Mapping[str, Any]) -> Mapping[str, Any]:
    user = comment.get("user")
    return user if isinstance(user, Mapping) else {}
