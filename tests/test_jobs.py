"""The job layer inside one process: deduplication, the ledger's claims and leases, retries with
backoff, final failures, on both stores (SQLite file and a real redis-server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from bot.errors import GitHubError, TransientGitHubError
from bot.jobrun import Tuning, backoff
from bot.jobs import JobQueue, make_queue
from bot.jobspec import ReviewRequest
from tests.redis_server import redis_server

# Short enough to keep the tests quick, long enough that a consumer starved for a second or two on a loaded
# machine (the suite compiles Go beside it) is not taken for a dead one: a reaper re-arming a job whose
# retry message is merely late counts an attempt the runner never saw. The attempt-count test failed once
# under a load average of 14 (not reproduced since; this is the likeliest cause, hence the margin).
FAST = Tuning(lease=2.0, queued_grace=6.0, reap_interval=0.1, backoff_base=0.0, lock_wait=0.1, max_attempts=3)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


class ScriptedRunner:
    """Plays back a script of outcomes (None = success, an exception = raise it) and records calls."""

    def __init__(self, *script: BaseException | None) -> None:
        self.script = list(script)
        self.calls: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()

    def run(self, request: ReviewRequest, is_current: Callable[[], bool]) -> object:
        with self.lock:
            self.calls.append(("run", request.head_sha, ""))
            outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        return None

    def superseded(self, request: ReviewRequest) -> None:
        self.calls.append(("superseded", request.head_sha, ""))

    def failed(self, request: ReviewRequest, message: str) -> None:
        self.calls.append(("failed", request.head_sha, message))


@pytest.fixture(params=["sqlite", "redis"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[ScriptedRunner], JobQueue]]:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else "embedded"
    if request.param == "redis":
        import redis

        redis.Redis.from_url(url).flushdb()
    started: list[JobQueue] = []

    def build(runner: ScriptedRunner) -> JobQueue:
        queue = make_queue(Config(app_id=1, data_dir=tmp_path, queue=url), runner=runner, tuning=FAST)
        started.append(queue)
        return queue

    yield build
    for queue in started:
        if queue._embedded is not None:
            queue._embedded.stop()


def req(head: str = "a", pr: int = 1, trigger: str = "auto", delivery: str = "") -> ReviewRequest:
    return ReviewRequest(1, "octo/app", pr, head, trigger=trigger, delivery_id=delivery)  # type: ignore[arg-type]


def drain(queue: JobQueue, timeout: float = 20) -> None:
    handle = queue.start_in_process(workers=2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = queue.stats()
        if stats["queued"] == 0 and stats["running"] == 0:
            return
        time.sleep(0.02)
    handle.stop()
    raise AssertionError(f"jobs left: {queue.stats()}")


def test_automatic_reviews_are_deduplicated_and_explicit_ones_are_not(make: Callable[..., JobQueue]) -> None:
    queue = make(ScriptedRunner())
    assert queue.enqueue(req("a"))
    assert not queue.enqueue(req("a")), "the same head is queued once"
    assert queue.enqueue(req("b")), "a new head is a new review"
    assert queue.enqueue(req("a", trigger="command", delivery="d1"))
    assert queue.enqueue(req("a", trigger="command", delivery="d1")), "an explicit request always runs"
    assert queue.stats()["queued"] == 4


def test_seen_delivery_records_ids(make: Callable[..., JobQueue]) -> None:
    queue = make(ScriptedRunner())
    assert not queue.seen_delivery("guid-1")
    assert queue.seen_delivery("guid-1")
    assert not queue.seen_delivery("guid-2")
    assert not queue.seen_delivery(""), "no id, nothing to compare"
    assert queue.ping()


def test_transient_failures_are_retried_then_succeed(make: Callable[..., JobQueue]) -> None:
    runner = ScriptedRunner(TransientGitHubError("502", 502), ConnectionError("reset"))
    queue = make(runner)
    assert queue.enqueue(req("a"))
    drain(queue)
    assert [c[0] for c in runner.calls] == ["run", "run", "run"]
    assert not queue.enqueue(req("a")), "a reviewed head stays deduplicated"


def test_a_job_that_keeps_failing_is_reported_once(make: Callable[..., JobQueue]) -> None:
    runner = ScriptedRunner(*[TransientGitHubError("rate limited", 403, retry_after=0.0)] * 5)
    queue = make(runner)
    assert queue.enqueue(req("a"))
    drain(queue)
    assert [c[0] for c in runner.calls] == ["run", "run", "run", "failed"]
    assert "after 3 attempts" in runner.calls[-1][2]
    assert queue.enqueue(req("a")), "a failed head can be reviewed again by a later delivery"


def test_permanent_and_internal_errors_fail_at_once_without_leaking_details(make: Callable[..., JobQueue]) -> None:
    runner = ScriptedRunner(GitHubError("Not Found", 404), KeyError("secret-ish internals"))
    queue = make(runner)
    assert queue.enqueue(req("a"))
    assert queue.enqueue(req("b", pr=2))
    drain(queue)
    failures = sorted(c[2] for c in runner.calls if c[0] == "failed")
    assert len(failures) == 2
    assert "Not Found" in failures[0]
    assert "internal error" in failures[1] and "secret-ish" not in failures[1]


def test_a_queued_older_head_is_reported_superseded(make: Callable[..., JobQueue]) -> None:
    runner = ScriptedRunner()
    queue = make(runner)
    assert queue.enqueue(req("old"))
    assert queue.enqueue(req("new"))
    assert queue.enqueue(req("other", pr=2))
    drain(queue)
    assert sorted(runner.calls) == [("run", "new", ""), ("run", "other", ""), ("superseded", "old", "")]


def test_an_expired_lease_is_rearmed_and_counted_as_an_attempt(make: Callable[..., JobQueue]) -> None:
    store = make(ScriptedRunner()).store
    store.add_job("j1", req("a"), 60.0)
    assert store.rearm_expired(60.0) == [], "a queued job within its grace is left alone"
    assert _die_while_running(store, "j1") == ["j1"]
    record = store.claim_job("j1", "rescuer", 10.0)
    assert record is not None and record.attempt == 1 and record.request == req("a")
    assert store.claim_job("j1", "duplicate-message", 10.0) is None, "a live lease refuses a second claim"
    assert store.renew_job("j1", "rescuer", 10.0)
    assert not store.renew_job("j1", "dead-worker", 10.0)
    assert store.counts() == {"queued": 0, "running": 1}
    assert store.finish_job("j1", "rescuer")
    assert store.claim_job("j1", "late", 10.0) is None, "a finished job is gone"
    assert store.counts() == {"queued": 0, "running": 0}


def test_a_job_whose_worker_keeps_dying_is_reported(make: Callable[..., JobQueue]) -> None:
    runner = ScriptedRunner()
    queue = make(runner)
    queue.store.add_job("j1", req("a"), 60.0)
    for _ in range(FAST.max_attempts):
        assert _die_while_running(queue.store, "j1") == ["j1"]
    queue._push("j1", 0.0)
    drain(queue)
    assert [c[0] for c in runner.calls] == ["failed"]
    assert "kept stopping" in runner.calls[0][2]


def test_the_per_pr_lock_expires_and_belongs_to_its_owner(make: Callable[..., JobQueue]) -> None:
    store = make(ScriptedRunner()).store
    assert store.acquire_lock("octo/app#1", "w1", 10.0)
    assert not store.acquire_lock("octo/app#1", "w2", 10.0)
    store.release_lock("octo/app#1", "w2")
    assert not store.acquire_lock("octo/app#1", "w2", 10.0), "only the owner releases"
    store.release_lock("octo/app#1", "w1")
    assert store.acquire_lock("octo/app#1", "w2", 0.01)
    deadline = time.monotonic() + 5
    while not store.acquire_lock("octo/app#1", "w3", 10.0):
        assert time.monotonic() < deadline, "an expired lock is taken over"
        time.sleep(0.01)
    assert not store.renew_lock("octo/app#1", "w2", 10.0)


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    tuning = Tuning(backoff_base=2.0, backoff_cap=60.0)
    for attempt, ceiling in ((1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0)):
        delays = [backoff(attempt, tuning) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert backoff(1, tuning, retry_after=30.0) == 30.0


def _die_while_running(store: Any, job_id: str) -> list[str]:
    """Claim with a tiny lease, as a worker that then dies, and wait until the reaper re-arms it."""
    assert store.claim_job(job_id, "dying-worker", 0.01) is not None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        ids: list[str] = store.rearm_expired(60.0)
        if ids:
            return ids
        time.sleep(0.01)
    raise AssertionError("the expired lease was never re-armed")
