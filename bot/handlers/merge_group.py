"""`merge_group` `checks_requested`: a pull request entered the merge queue, and GitHub waits for the
required checks on the merge group's head commit. A repository that requires `perf-review` could not
merge through its queue without an answer, so the job (bot/merge_queue.py) completes a `perf-review`
check run on that commit: the pull request's own result when the code the review read is the same,
otherwise a neutral "reviewed on the pull request".

The pull request is named only in the group's ref, `refs/heads/gh-readonly-queue/<base>/pr-<n>-<sha>`
(the base branch may itself hold slashes). A ref of any other shape still gets a neutral run: the
job is queued with pr 0 and says it could not tell which pull request this is, rather than leaving
the queue waiting.

The sender is not filtered for bots: the group is GitHub's own doing (whoever pressed the button), not
something a bot wrote, and answering it triggers nothing further.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.config import Config
from bot.handlers import Route, obj, repo_name, text
from bot.jobspec import ReviewRequest

if TYPE_CHECKING:
    from bot.events import Delivery

QUEUE_REF = re.compile(r"refs/heads/gh-readonly-queue/[^\x00-\x20]+/pr-(?P<number>[1-9][0-9]{0,9})-[0-9a-f]{40}")
ENTRY = re.compile(r"/pr-[0-9]+-[0-9a-f]{40}")
SHA = re.compile(r"[0-9a-f]{40}")
MAX_REF = 1024


def pr_number(head_ref: str) -> int:
    """The pull request a merge group's ref names, or 0 when the ref is not one pull request's
    (several `pr-<n>-<sha>` segments are not a shape GitHub makes today: do not guess)."""
    if len(head_ref) > MAX_REF or len(ENTRY.findall(head_ref)) != 1:
        return 0
    m = QUEUE_REF.fullmatch(head_ref)
    return int(m.group("number")) if m else 0


def handle(delivery: Delivery, config: Config) -> Route:
    if delivery.action != "checks_requested":
        return Route.ignore(f"merge_group action {delivery.action or '(none)'} is not handled")
    if delivery.installation_id is None:
        return Route.ignore("no installation in the payload")
    group = obj(delivery.payload, "merge_group")
    head_sha = text(group, "head_sha")
    if not SHA.fullmatch(head_sha):
        return Route.ignore("merge_group.head_sha is not a commit SHA")
    request = ReviewRequest(
        installation_id=delivery.installation_id,
        repo=repo_name(delivery.payload),
        pr=pr_number(str(group.get("head_ref") or "")),
        head_sha=head_sha,
        kind="merge_group",
        delivery_id=delivery.delivery_id,
    )
    return Route.enqueue("merge group checks requested", request)
