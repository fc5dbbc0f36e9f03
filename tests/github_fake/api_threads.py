"""The stand-in's review-comment threads: replies, and reading or editing one review comment.

GitHub's rules kept here: a reply goes to the thread's first comment (replying to a reply is
refused), carries `in_reply_to_id`, and sits on the same path and line; only the author edits a
comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.github_fake.state import iso

if TYPE_CHECKING:
    from tests.github_fake.api import Api, Ctx, Reply

MAX_COMMENT = 65_536


def register(api: Api) -> None:
    api.handlers.update({
        "pulls/create-reply-for-review-comment": lambda ctx: create_reply(api, ctx),
        "pulls/get-review-comment": lambda ctx: get_review_comment(api, ctx),
        "pulls/update-review-comment": lambda ctx: update_review_comment(api, ctx),
    })


def add_reply(api: Api, root: dict[str, Any], body: str, author: dict[str, Any], base_url: str) -> dict[str, Any]:
    cid = api.s.next_id()
    reply = {**{k: v for k, v in root.items() if k not in ("id", "node_id", "body", "user", "url", "html_url")},
             "id": cid, "node_id": f"PRRC_{cid}", "in_reply_to_id": root["id"], "body": body, "user": author,
             "pull_request_review_id": None, "created_at": iso(), "updated_at": iso(),
             "url": f"{base_url}/repos/{api.s.full_name}/pulls/comments/{cid}", "html_url": f"#discussion_r{cid}"}
    api.s.review_comments[cid] = reply
    return reply


def create_reply(api: Api, ctx: Ctx) -> Reply:
    from tests.github_fake.api import Reply, _public, not_found, unprocessable

    pull = api.pull_or_none(ctx)
    root = api.s.review_comments.get(int(ctx.params["comment_id"]))
    if pull is None or root is None or root["_pull"] != pull.number:
        return not_found()
    if root.get("in_reply_to_id"):
        return unprocessable("replies to replies are not supported: reply to the thread's first comment")
    if len(ctx.body["body"]) > MAX_COMMENT:
        return unprocessable("body is too long (maximum is 65536 characters)")
    return Reply(201, _public(add_reply(api, root, ctx.body["body"], ctx.caller, ctx.base_url)))


def get_review_comment(api: Api, ctx: Ctx) -> Reply:
    from tests.github_fake.api import Reply, _public, not_found

    comment = api.s.review_comments.get(int(ctx.params["comment_id"]))
    return Reply(200, _public(comment)) if comment else not_found()


def update_review_comment(api: Api, ctx: Ctx) -> Reply:
    from tests.github_fake.api import Reply, _public, not_found, unprocessable

    comment = api.s.review_comments.get(int(ctx.params["comment_id"]))
    if comment is None:
        return not_found()
    if comment["user"]["login"] != ctx.caller["login"]:
        return Reply(403, {"message": "Resource not accessible by integration"},
                     violation=f"edit of review comment {comment['id']} by {comment['user']['login']}")
    if len(ctx.body["body"]) > MAX_COMMENT:
        return unprocessable("body is too long (maximum is 65536 characters)")
    comment.update(body=ctx.body["body"], updated_at=iso())
    return Reply(200, _public(comment))
