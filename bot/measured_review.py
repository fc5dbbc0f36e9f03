"""The "measure" job: a workflow run completed; if it carries a `perf-review-measure` artifact for the
current head of an open pull request, fold those measurements into the review of that head.

Cheapest checks first: the run's artifact list (one call; most runs carry no artifact of ours), the
listed size, then the pull request (its head must be the head the run measured: an older head's
artifact is stale and ignored), and only then the download, capped at 5 MB and validated as untrusted
input (bot/artifacts.py). A refused artifact changes nothing on the pull request; the reason is logged.
The review itself is the normal one (bot.review.run_review), given the measurements to show.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.artifacts import MAX_ZIPPED, ArtifactError, read_measure_artifact
from bot.github import GitHubClient, TooLarge
from bot.jobspec import ReviewRequest
from bot.measure.result import ARTIFACT_NAME

if TYPE_CHECKING:
    from bot.review import ReviewOutcome

log = logging.getLogger(__name__)


def run_measured(request: ReviewRequest, client: GitHubClient, *, is_current: Callable[[], bool] = lambda: True,
                 render: Any = None) -> ReviewOutcome:
    from bot.review import ReviewOutcome, run_review

    fields = {"delivery_id": request.delivery_id, "repo": request.repo, "pr": request.pr,
              "head_sha": request.head_sha, "run_id": request.run_id}
    if request.run_id is None or not request.head_sha:
        return ReviewOutcome("skipped", "no workflow run to read")
    artifact = next((a for a in client.list_run_artifacts(request.repo, request.run_id)
                     if a.name == ARTIFACT_NAME and not a.expired), None)
    if artifact is None:
        return ReviewOutcome("skipped", f"the run has no {ARTIFACT_NAME} artifact")
    if artifact.size_in_bytes > MAX_ZIPPED:
        log.warning("artifact refused: %s bytes listed", artifact.size_in_bytes, extra=fields)
        return ReviewOutcome("skipped", f"the artifact is over {MAX_ZIPPED:,} bytes")
    numbers = [request.pr] if request.pr else client.pulls_for_commit(request.repo, request.head_sha)
    data: bytes | None = None
    outcome = ReviewOutcome("skipped", "no open pull request has this head")
    for number in numbers:
        pull = client.get_pull(request.repo, number)
        if pull.state != "open" or pull.head_sha != request.head_sha:
            log.info("measurements of an older head: ignored", extra={**fields, "pr": number})
            outcome = ReviewOutcome("skipped", f"stale: the head of #{number} is now {pull.head_sha[:12]}")
            continue
        try:
            data = data if data is not None else client.download_artifact(request.repo, artifact.id, MAX_ZIPPED)
            measurement = read_measure_artifact(data, pull.head_sha)
        except (ArtifactError, TooLarge) as exc:
            log.warning("artifact refused: %s", exc, extra={**fields, "pr": number})
            return ReviewOutcome("skipped", f"artifact refused: {exc}")
        review = dataclasses.replace(request, kind="review", pr=number)
        outcome = run_review(review, client, is_current=is_current, render=render, measured=measurement)
    return outcome
