"""The `perf-review` check run of a commit: the one place that decides what each outcome of a job does
to it (issue 9.4).

GitHub treats `neutral` as passing for required checks, and the latest run of a check on a commit is
the one that counts, so a careless "Review failed" run can turn a failing head green. The rules:

- a review creates its run `in_progress`, tagged (external_id) with its job's key;
- only a review that succeeds sets a conclusion from its findings, so only a successful review of a
  head can make that head's result less severe;
- every other ending (failure, superseded, a worker that died) completes the job's own runs with
  `neutral`, or with the conclusion of the head's latest completed run when that one is more severe;
- a failure of a job that never created a run creates one only when the head has no run of ours at
  all (so the head shows why it has no review); otherwise the existing result stands;
- a slash command is authorised before it creates anything: a denied command, or one that fails
  before its permission is known, never touches check runs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from bot.errors import PerfReviewError
from bot.github import CheckOutput, CheckRunInfo, GitHubClient
from bot.jobspec import ReviewRequest
from bot.publish import CHECK_NAME

log = logging.getLogger(__name__)

FAILED = "Review failed"
NOT_COMPLETED = "Review not completed"
INTERRUPTED = "Review interrupted"
_UNFINISHED_TITLES = frozenset({FAILED, NOT_COMPLETED, INTERRUPTED})
# How far each conclusion is from passing. neutral, skipped and success pass a required check.
SEVERITY = {"success": 0, "neutral": 1, "skipped": 1, "stale": 2, "cancelled": 2, "timed_out": 3,
            "action_required": 3, "failure": 3}


def run_key(request: ReviewRequest) -> str:
    """The tag of the runs one job creates: the same across its retries, different for any other job."""
    return hashlib.sha1(request.dedupe_key.encode()).hexdigest()[:20]


def start(client: GitHubClient, request: ReviewRequest, head: str) -> int:
    return client.create_check_run(request.repo, head, CHECK_NAME, status="in_progress", external_id=run_key(request),
                                   output=CheckOutput("Reviewing…", f"perf-review is reviewing {head[:12]}."))


def floor(runs: Sequence[CheckRunInfo], ignore: frozenset[int] = frozenset()) -> str:
    """The conclusion an unsuccessful ending may write: neutral, or the latest completed result when
    it is more severe (it must not be replaced by a milder one)."""
    done = [r for r in runs if r.status == "completed" and r.conclusion and r.id not in ignore]
    latest = max(done, key=lambda r: r.id, default=None)
    if latest is not None and SEVERITY.get(latest.conclusion or "", 1) > SEVERITY["neutral"]:
        return str(latest.conclusion)
    return "neutral"


def close(client: GitHubClient, repo: str, head: str, run_id: int, title: str, text: str) -> None:
    """Complete one run that did not get a review's result (best effort: a failure is being handled)."""
    try:
        runs = client.list_check_runs(repo, head, CHECK_NAME)
        client.update_check_run(repo, run_id, status="completed", conclusion=floor(runs, frozenset({run_id})),
                                output=CheckOutput(title, text))
    except PerfReviewError as exc:
        log.warning("could not close the check run", extra={"repo": repo, "head_sha": head, "error": str(exc)[:200]})


def close_own(client: GitHubClient, request: ReviewRequest, head: str, title: str, text: str) -> list[CheckRunInfo]:
    """Complete the job's own unfinished runs on `head`; returns all runs of the check on it."""
    runs = client.list_check_runs(request.repo, head, CHECK_NAME)
    key = run_key(request)
    open_own = [r for r in runs if r.external_id == key and r.status != "completed"]
    conclusion = floor(runs, frozenset(r.id for r in open_own))
    for run in open_own:
        client.update_check_run(request.repo, run.id, status="completed", conclusion=conclusion,
                                output=CheckOutput(title, text))
    return runs


def report_failure(client: GitHubClient, request: ReviewRequest, head: str, message: str) -> bool:
    """A job that finally failed. Returns False when it left the check runs alone (a command that never
    created one: the caller tells the person who asked instead)."""
    summary = f"perf-review could not review this commit: {message[:1000]}"
    runs = close_own(client, request, head, FAILED, summary)
    own = [r for r in runs if r.external_id == run_key(request)]
    if own:
        # An earlier attempt already ended its run ("will be retried"): it now says why it stopped.
        done = [r for r in own if r.status == "completed" and r.title in _UNFINISHED_TITLES]
        if done and not any(r.status != "completed" for r in own):
            latest = max(done, key=lambda r: r.id)
            client.update_check_run(request.repo, latest.id, output=CheckOutput(FAILED, summary))
        return True
    if request.trigger == "command":
        return False
    if not runs:
        client.create_check_run(request.repo, head, CHECK_NAME, status="completed", conclusion="neutral",
                                external_id=run_key(request), output=CheckOutput(FAILED, summary))
    else:
        log.info("review failed; the head keeps its earlier result",
                 extra={"repo": request.repo, "pr": request.pr, "head_sha": head})
    return True


def report_superseded(client: GitHubClient, request: ReviewRequest, head: str) -> None:
    close_own(client, request, head, "Superseded", "A newer push to this pull request is being reviewed instead.")


def report_abandoned(client: GitHubClient, request: ReviewRequest, head: str) -> None:
    """An earlier attempt of the job stopped before it finished (its worker died): its run is completed
    before the job runs again."""
    close_own(client, request, head, INTERRUPTED,
              "The worker reviewing this commit stopped before it finished; the review runs again.")
