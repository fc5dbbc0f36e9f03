"""Issue 9.1: every review runs in a child process within a wall-clock and a memory limit. A review
that goes over either ends its check run with a plain explanation and is not retried, and the worker
goes on with other jobs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from bot.errors import LimitError, TransientGitHubError
from bot.jobs import make_queue
from bot.limits import Limits
from bot.sandbox import Bounds, run_bounded
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey
from tests.github_fake.fixtures import review_request as request
from tests.test_jobs import FAST

CONCAT = """package text

func Join(parts []string) string {
	s := ""
	for _, p := range parts {
		s += p
	}
	return s
}
"""


def hog(_: object, is_current: Callable[[], bool], emit: Callable[[Any], None]) -> None:
    held = []
    while True:
        held.append(bytearray(64 << 20))


def fails(_: object, is_current: Callable[[], bool], emit: Callable[[Any], None]) -> None:
    emit("before")
    raise TransientGitHubError("GitHub answered 502", 502, 7.0)


def test_memory_and_errors_cross_the_process_boundary() -> None:
    with pytest.raises(LimitError, match="more than 400 MB of memory"):
        run_bounded(hog, None, Bounds(60, 400))
    events: list[Any] = []
    with pytest.raises(TransientGitHubError) as info:
        run_bounded(fails, None, Bounds(60, 1024), on_event=events.append)
    assert events == ["before"] and info.value.retry_after == 7.0 and info.value.status == 502


def test_a_review_over_its_time_limit_is_stopped_reported_and_not_retried(
    github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int], tmp_path: Path
) -> None:
    number = github_pr({"text/join.go": CONCAT})
    github_fake.slow(120, count=10, path=r"/contents/text/")  # the review blocks reading the change
    config = Config(app_id=github_fake.state.app_id, private_key=app_key.private_pem, api_url=github_fake.url,
                    data_dir=tmp_path, limits=Limits(job_seconds=2), git_cache_mb=0)  # reads via contents
    queue = make_queue(config, tuning=FAST)
    handle = queue.start_in_process(workers=1)
    try:
        assert queue.enqueue(request(github_fake, number))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not [r for r in github_fake.check_runs() if r["status"] == "completed"]:
            time.sleep(0.2)
        (run,) = github_fake.check_runs()
        assert run["status"] == "completed" and run["conclusion"] == "neutral"
        assert run["output"]["title"] == "Review failed"
        assert "took longer than 2 s, the limit for one review" in run["output"]["summary"]
        time.sleep(FAST.lease + FAST.reap_interval * 3)  # long enough for a retry or a re-lease to show
        assert queue.store.counts() == {"queued": 0, "running": 0}
        assert len(github_fake.calls_to("POST", r"/check-runs$")) == 1, "the review ran once"
    finally:
        handle.stop()
        github_fake.faults.clear()
