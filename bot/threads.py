"""Inline threads of findings that are gone: one reply, "Fixed in <short sha>.", in the thread of each
inline comment whose finding the new head no longer has.

Said once, whatever happens: before replying, the thread's replies are read from GitHub, and a reply
of this bot carrying FIXED_MARKER means it was said (so a restart, a retried job or a redelivery
never says it twice, and no memory of the bot's is trusted for it). The bot's only action on a
thread is that one reply: it never edits, resolves or deletes anything in it, so a thread where a
person answered the bot keeps the conversation as they left it.

"Gone" is decided conservatively, since a wrong "fixed" is a false statement on the pull request:
the finding's fingerprint (rule, function and the offending text; bot/publish.py keeps it in a hidden
marker of each inline comment) is absent from this review's findings, its rule still runs under the
repository's configuration, and its file was analysed in this review (or is no longer part of the
pull request at all, or was deleted). A file that was skipped (too large, excluded, over the time
budget) says nothing about its findings, so its threads wait.

Replies are made before the review comment is rewritten (its state names the inline findings of the
previous review, and that is what says which findings to look for), after the review knows it is
still current; at most MAX_REPLIES per review.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Iterable, Sequence

from analyzers.engine import Options
from analyzers.model import Result
from bot.errors import GitHubError, TransientGitHubError
from bot.github import GitHubClient, PullFile, ReviewComment
from bot.publish import PreviousState

log = logging.getLogger(__name__)

FIXED_MARKER = "<!-- perf-review:fixed -->"
MAX_REPLIES = 50
_FP_RE = re.compile(r"<!-- perf-review:fp=([0-9a-zA-Z:_.-]+) -->")  # as bot.publish.inline_body writes it
DELETED = "deleted in this change"


def gone_findings(already_inlined: Iterable[str], previous: PreviousState | None, result: Result,
                  options: Options) -> set[str]:
    """Fingerprints commented inline before that this review no longer reports, and whose rule ran."""
    current = {f.fingerprint for f in result.findings}
    gone = set(already_inlined) - current
    running = {r.id for r in options.rules()}
    if previous is None:  # no state to say which rule each was: only when every rule ran
        return gone if len(running) == len(Options().rules()) else set()
    rule_of = {f.fingerprint: f.rule for f in previous.findings}
    return {fp for fp in gone if rule_of.get(fp) in running}


def decided_paths(result: Result, files: Sequence[PullFile]) -> tuple[set[str], set[str]]:
    """(paths this review analysed or saw deleted, paths the pull request still changes)."""
    skipped = {s.file for s in result.skipped if s.reason != DELETED}
    analysed = {f.file for f in result.files} | {s.file for s in result.skipped if s.reason == DELETED}
    analysed = {p for p in analysed if (posixpath.dirname(p) or ".") not in skipped}
    changed = {p for f in files for p in (f.filename, f.previous_filename) if p}
    return analysed, changed


def announce_fixed(client: GitHubClient, repo: str, number: int, head_sha: str, gone: set[str],
                   result: Result, files: Sequence[PullFile], bot_login: str | None) -> int:
    """Reply once in the thread of each gone finding; the number of replies made."""
    if not gone:
        return 0
    comments = client.list_review_comments(repo, number)
    analysed, changed = decided_paths(result, files)
    said = {c.in_reply_to for c in comments if c.in_reply_to and _mine(c, bot_login) and FIXED_MARKER in c.body}
    replies = 0
    for fp, root in sorted(_threads(comments, bot_login).items()):
        if fp not in gone or root.id in said:
            continue
        if root.path in changed and root.path not in analysed:
            continue
        if replies >= MAX_REPLIES:
            log.info("fixed-thread replies capped", extra={"repo": repo, "pr": number, "cap": MAX_REPLIES})
            break
        try:
            client.reply_to_review_comment(repo, number, root.id, f"Fixed in {head_sha[:7]}.\n\n{FIXED_MARKER}")
        except TransientGitHubError:
            raise
        except GitHubError as exc:  # the comment was deleted meanwhile, or the thread is locked
            log.warning("could not reply in a fixed finding's thread",
                        extra={"repo": repo, "pr": number, "comment_id": root.id, "error": str(exc)[:200]})
            continue
        replies += 1
    return replies


def _mine(comment: ReviewComment, bot_login: str | None) -> bool:
    return comment.is_bot and (bot_login is None or comment.author == bot_login)


def _threads(comments: Sequence[ReviewComment], bot_login: str | None) -> dict[str, ReviewComment]:
    """Fingerprint -> the bot's inline comment that opened its thread."""
    out: dict[str, ReviewComment] = {}
    for c in comments:
        if c.in_reply_to is None and _mine(c, bot_login):
            for m in _FP_RE.finditer(c.body):
                out.setdefault(m.group(1), c)
    return out

