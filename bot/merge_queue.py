"""The merge-group job: a completed `perf-review` check run on a merge group's head commit, so that a
repository requiring `perf-review` can merge through a merge queue (bot/handlers/merge_group.py).

perf-review reviews pull requests, not merge groups: it never analyses the group's commit. It carries
the pull request's result over when the code that result was computed from is the same in the group,
and otherwise answers neutral, "reviewed on the pull request".

When is the code the same? A review of the pull request reads, at its head: the Go files it changes,
the other Go files of their packages (struct sizes, callers in loops, benchmarks in `_test.go` files
decide tiers and findings), the nearest `go.mod` of each (the Go version), and the repository's
`.github/perf-review.yml` (which the review reads from the default branch; in the group's commit it is
the base branch's current file, so comparing it catches a configuration change since the pull
request was branched). The result carries over when every one of those paths has the same blob in
the group's commit as at the pull request's head (same blob SHA, or absent in both). The group's
tree being the pull request head's tree (a queue of one, with "require branches to be up to date")
is the trivial case. Files elsewhere (other packages, docs) cannot change the review, whatever the
base branch gained meanwhile. Not covered, so a carried-over result can be stale, only by: a
configuration change on the default branch between the review and the merge that the base branch
does not hold (the file is read from the default branch, and the queue's base is almost always it).

The result carried over is the pull request head's latest completed `perf-review` run: its
conclusion (`success`, `neutral` or `failure`), title and summary. Anything else (no run yet, one
still in progress, cancelled) gives the neutral run with the reason. Cost: at most 7 API calls plus
the pull request's file-list pages.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterable, Sequence

from bot.github import CheckOutput, CheckRunInfo, GitHubClient, PullFile, PullInfo, TreeInfo
from bot.jobspec import ReviewRequest
from bot.publish import CHECK_NAME
from bot.repo_config import CONFIG_PATH
from bot.review import ReviewOutcome

log = logging.getLogger(__name__)

REUSABLE = frozenset({"success", "neutral", "failure"})
NEUTRAL_TITLE = "Reviewed on the pull request"


def run_merge_group(request: ReviewRequest, client: GitHubClient) -> ReviewOutcome:
    repo, head = request.repo, request.head_sha
    done = [r for r in client.list_check_runs(repo, head, CHECK_NAME) if r.status == "completed"]
    if done:  # a redelivery, or this job run again: one answer per merge group
        return ReviewOutcome("skipped", "the merge group already has a completed run", check_run_id=done[0].id)
    if request.pr <= 0:
        return _neutral(client, request, "GitHub's merge-group ref does not name one pull request, so there is no "
                                         "review to carry over; each pull request is reviewed on its own.")
    pull = client.get_pull(repo, request.pr)
    reviewed = _latest_review(client.list_check_runs(repo, pull.head_sha, CHECK_NAME))
    if reviewed is None:
        return _neutral(client, request, f"#{pull.number} has no completed perf-review check run at its head "
                                         f"`{pull.head_sha[:12]}` to carry over; see the pull request.")
    same, why = same_code(client, repo, pull, client.list_pull_files(repo, pull.number), head)
    if not same:
        return _neutral(client, request, f"#{pull.number} was reviewed at `{pull.head_sha[:12]}` (conclusion "
                                         f"{reviewed.conclusion}{_link(reviewed)}). That result is not repeated "
                                         f"here because the code the review read differs in this merge group: {why}.")
    summary = (f"Same code as #{pull.number} at `{pull.head_sha[:12]}`: {why}, so the result of its review "
               f"carries over{_link(reviewed)}.\n\n---\n\n{reviewed.summary}")
    run_id = client.create_check_run(repo, head, CHECK_NAME, status="completed", conclusion=reviewed.conclusion,
                                     output=CheckOutput(reviewed.title or "perf-review", summary[:65_000]))
    log.info("merge group: pull request result carried over",
             extra={"repo": repo, "pr": pull.number, "head_sha": head, "conclusion": reviewed.conclusion})
    return ReviewOutcome("published", str(reviewed.conclusion), check_run_id=run_id)


def _latest_review(runs: Sequence[CheckRunInfo]) -> CheckRunInfo | None:
    done = [r for r in runs if r.status == "completed" and r.conclusion in REUSABLE]
    return max(done, key=lambda r: r.id, default=None)


def _link(run: CheckRunInfo) -> str:
    return f"; [its check run]({run.html_url})" if run.html_url.startswith("https://") else ""


def _neutral(client: GitHubClient, request: ReviewRequest, why: str) -> ReviewOutcome:
    summary = ("perf-review reviews pull requests, not merge groups: this run lets the merge queue go on.\n\n"
               + why)
    run_id = client.create_check_run(request.repo, request.head_sha, CHECK_NAME, status="completed",
                                     conclusion="neutral", output=CheckOutput(NEUTRAL_TITLE, summary))
    log.info("merge group: neutral run", extra={"repo": request.repo, "pr": request.pr,
                                                "head_sha": request.head_sha})
    return ReviewOutcome("published", "neutral", check_run_id=run_id)


def same_code(client: GitHubClient, repo: str, pull: PullInfo, files: Sequence[PullFile],
              group_sha: str) -> tuple[bool, str]:
    """Whether the review of the pull request's head read exactly what the merge group holds, and why."""
    group, head = client.get_tree(repo, group_sha), client.get_tree(repo, pull.head_sha)
    if group.sha == head.sha:
        return True, "the merge group's tree is the pull request head's tree"
    if group.truncated or head.truncated:
        return False, "the repository's tree is too large for GitHub to list in full, so it cannot be compared"
    paths = review_inputs(files, (head, group))
    differ = sorted(p for p in paths if head.blobs.get(p) != group.blobs.get(p))
    if differ:
        more = f" and {len(differ) - 1} more" if len(differ) > 1 else ""
        return False, f"`{differ[0]}`{more} changed since the pull request was reviewed"
    return True, f"the {len(paths)} files its review read are identical"


def review_inputs(files: Iterable[PullFile], trees: Sequence[TreeInfo]) -> set[str]:
    """Every path a review of these changed files reads: their packages' Go files, the go.mod files
    from each package up to the root, and the configuration file."""
    dirs = {posixpath.dirname(p) for f in files for p in (f.filename, f.previous_filename or "")
            if p.endswith(".go")}
    paths = {CONFIG_PATH}
    for tree in trees:
        paths.update(p for p in tree.blobs if p.endswith(".go") and posixpath.dirname(p) in dirs)
    for d in dirs:
        while True:
            paths.add(posixpath.join(d, "go.mod"))
            if not d:
                break
            d = posixpath.dirname(d)
    return paths
