"""One run of one claimed job: superseding, the per-PR lock, the lease heartbeat, retries with
backoff, and the final report. bot.jobs owns the queue; this module owns what a worker does with a
job id it was handed. This is a boundary: errors from the runner are caught and decided on here.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import redis
import requests

from bot import observability as obs
from bot.errors import GitHubError, LimitError, TransientGitHubError
from bot.jobspec import ReviewRequest
from bot.jobstore import JobRecord, JobStore

logger = logging.getLogger(__name__)

# Kinds a newer head makes pointless, and that publish on the PR (so they take its lock).
SUPERSEDABLE = frozenset({"review", "bench", "measure"})
TRANSIENT: tuple[type[BaseException], ...] = (
    TransientGitHubError,
    ConnectionError,
    TimeoutError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    # The queue's own store blinking (Redis restarting, SQLite busy or briefly read-only) is not the
    # review's fault: retried like GitHub's 5xx, never reported as an internal error.
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    sqlite3.OperationalError,
)


class Runner(Protocol):
    """What a job does with a request. bot.jobs.ReviewRunner calls bot.review; tests use their own.
    Optional: `abandoned(request)` (close what an earlier attempt left open) and
    `current_head(request)` (the PR's head according to GitHub, when the ledger's is in doubt)."""

    def run(self, request: ReviewRequest, is_current: Callable[[], bool]) -> object: ...

    def superseded(self, request: ReviewRequest) -> None: ...

    def failed(self, request: ReviewRequest, message: str) -> None: ...


@dataclass(frozen=True)
class Tuning:
    """Timings of the job layer, in seconds. Production defaults; tests shrink them."""

    lease: float = 60.0  # a running job renews its lease every lease/3; a dead worker's job reruns after this
    queued_grace: float = 120.0  # a queued job whose message vanished (taken by a worker that died) is pushed again
    reap_interval: float = 15.0
    max_attempts: int = 5  # retries of transient failures plus worker crashes
    backoff_base: float = 5.0
    backoff_cap: float = 300.0
    lock_wait: float = 2.0  # a job waits this long for its PR's lock, then tries again after about as long


def backoff(attempt: int, tuning: Tuning, retry_after: float | None = None) -> float:
    """Exponential backoff with "equal jitter" for the attempt-th retry (1, 2, ...); GitHub's
    Retry-After, when it gave one, is a floor."""
    ceiling = min(tuning.backoff_cap, tuning.backoff_base * 2 ** (attempt - 1))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    return float(max(delay, retry_after or 0.0))


class JobRun:
    """Runs one claimed job to its end: done, retried, waiting for the PR lock, superseded or failed."""

    def __init__(
        self,
        store: JobStore,
        runner: Runner,
        tuning: Tuning,
        push: Callable[[str, float], None],
        record: JobRecord,
        owner: str,
    ) -> None:
        self.store, self.runner, self.tuning, self.push = store, runner, tuning, push
        self.record, self.request, self.owner = record, record.request, owner
        self.lost = threading.Event()
        self.gen_at_start = 0
        req = record.request
        self.ctx: dict[str, Any] = {
            "job_id": record.job_id,
            "delivery_id": req.delivery_id,
            "repo": req.repo,
            "pr": req.pr,
            "head_sha": req.head_sha,
            "kind": req.kind,
            "trigger": req.trigger,
            "attempt": record.attempt,
        }

    def run(self) -> None:
        if self.record.attempt >= self.tuning.max_attempts:
            self._fail(f"the review stopped after {self.record.attempt} attempts (its worker kept stopping)")
            return
        if self.request.kind in SUPERSEDABLE and not self._head_confirmed():
            self._superseded()
            return
        lock = self.request.pr_key if self.request.kind in SUPERSEDABLE else None
        if lock and not self._acquire(lock):
            self._wait_for_lock()
            return
        try:
            self.gen_at_start = self.store.pr_head(self.request.pr_key)[1]
            with self._heartbeat(lock):
                self._attempt()
        finally:
            if lock:
                self.store.release_lock(lock, self.owner)

    def _acquire(self, lock: str) -> bool:
        """Take the PR's lock, polling for up to lock_wait: the holder is often about to finish
        (or to notice it was superseded), and waiting here is cheaper than a round trip through
        the schedule."""
        deadline = time.monotonic() + self.tuning.lock_wait
        while not self.store.acquire_lock(lock, self.owner, self.tuning.lease):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def is_current(self) -> bool:
        """False once a newer head of the PR was queued, or once this worker lost the job's lease."""
        if self.lost.is_set():
            return False
        if self.request.kind not in SUPERSEDABLE:
            return True
        if self.request.head_sha:
            return self._head_current()
        return self.store.pr_head(self.request.pr_key)[1] == self.gen_at_start

    def _head_current(self) -> bool:
        head, _ = self.store.pr_head(self.request.pr_key)
        return head in ("", self.request.head_sha) or not self.request.head_sha

    def _head_confirmed(self) -> bool:
        """Whether this job's head is still the PR's. The ledger only moves a head forward (issue 9.3),
        so when it names another head, that one came later or the order was in doubt; GitHub settles
        the doubt, and a head it confirms becomes the ledger's."""
        if self._head_current():
            return True
        ask = getattr(self.runner, "current_head", None)
        if ask is None:
            return False
        try:
            actual = ask(self.request)
        except Exception:  # cannot ask: the ledger's answer stands
            logger.warning("could not ask GitHub for the PR's head", exc_info=True, extra=self.ctx)
            return False
        if actual != self.request.head_sha:
            return False
        self.store.note_head(self.request.pr_key, self.request.head_sha, force=True)
        logger.info("the ledger's head was older than GitHub's: moved forward", extra=self.ctx)
        return True

    def _attempt(self) -> None:
        obs.JOBS.labels(outcome="started").inc()
        logger.info("job started", extra=self.ctx)
        started = time.monotonic()
        if self.record.attempt > 0 and hasattr(self.runner, "abandoned"):
            self._report(lambda: self.runner.abandoned(self.request))  # type: ignore[attr-defined]
        try:
            self.runner.run(self.request, self.is_current)
        except TRANSIENT as exc:
            self._retry_or_fail(exc)
        except LimitError as exc:
            logger.warning("job stopped at a limit: %s", exc, extra=self.ctx)
            obs.JOBS.labels(outcome="limit").inc()
            self._fail(str(exc))
        except GitHubError as exc:
            logger.warning("job failed: GitHub refused: %s", exc, extra=self.ctx)
            self._fail(f"GitHub refused a request the review needs ({exc})")
        except Exception:
            logger.exception("job failed with an internal error", extra=self.ctx)
            self._fail(f"an internal error stopped the review (job {self.record.job_id}; the bot's log has details)")
        else:
            if self.is_current():
                self._finish("succeeded")
            else:  # told through is_current; bot.review ended its own check run
                self._end()
                obs.JOBS.labels(outcome="superseded").inc()
                logger.info("job stopped: superseded while running", extra=self.ctx)
        finally:
            obs.REVIEW_SECONDS.labels(kind=self.request.kind).observe(time.monotonic() - started)

    def _retry_or_fail(self, exc: BaseException) -> None:
        attempt = self.record.attempt + 1
        if attempt >= self.tuning.max_attempts:
            logger.warning("job failed after %d attempts: %s", attempt, exc, extra=self.ctx)
            self._fail(f"GitHub did not answer after {attempt} attempts ({exc})")
            return
        delay = backoff(attempt, self.tuning, getattr(exc, "retry_after", None))
        if self.store.requeue_job(self.record.job_id, self.owner, attempt, delay + self.tuning.queued_grace):
            self.push(self.record.job_id, delay)
            obs.JOBS.labels(outcome="retried").inc()
            logger.info("job will retry in %.1fs after: %s", delay, exc, extra=self.ctx)

    def _wait_for_lock(self) -> None:
        delay = self.tuning.lock_wait * random.uniform(0.5, 1.0)
        hold = delay + self.tuning.queued_grace
        if self.store.requeue_job(self.record.job_id, self.owner, self.record.attempt, hold):
            self.push(self.record.job_id, delay)
            obs.JOBS.labels(outcome="lock_busy").inc()
            logger.debug("PR locked by another job; trying again in %.1fs", delay, extra=self.ctx)

    # Report, then close the job: a worker that dies in between makes the report twice (harmless),
    # never zero times.
    def _superseded(self) -> None:
        logger.info("job superseded by a newer head", extra=self.ctx)
        self._report(lambda: self.runner.superseded(self.request))
        self._end()
        obs.JOBS.labels(outcome="superseded").inc()

    def _fail(self, message: str) -> None:
        self._report(lambda: self.runner.failed(self.request, message))
        self._end()
        obs.JOBS.labels(outcome="failed").inc()

    def _finish(self, outcome: str) -> None:
        if not self.store.finish_job(self.record.job_id, self.owner):
            logger.warning("job finished after its lease was lost: it may run again", extra=self.ctx)
        obs.JOBS.labels(outcome=outcome).inc()
        logger.info("job %s", outcome, extra=self.ctx)

    def _end(self) -> None:
        """Close a job that did not succeed; an automatic review's key is released so a later
        delivery for the same head (a redelivery, a force-push back) can review it again."""
        self.store.finish_job(self.record.job_id, self.owner)
        if self.request.once:
            self.store.release_dedupe(self.request.dedupe_key)

    def _report(self, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception:  # the report is best effort: the job is over either way
            logger.exception("could not report the job's end on the PR", extra=self.ctx)

    @contextmanager
    def _heartbeat(self, lock: str | None) -> Iterator[None]:
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(stop, lock), name="perf-review-lease", daemon=True)
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join()

    def _beat(self, stop: threading.Event, lock: str | None) -> None:
        interval = self.tuning.lease / 3
        while not stop.wait(interval):
            try:
                held = self.store.renew_job(self.record.job_id, self.owner, self.tuning.lease)
                held = held and (lock is None or self.store.renew_lock(lock, self.owner, self.tuning.lease))
            except Exception:  # a store blip: try again next beat, the lease has slack for two misses
                logger.warning("could not renew the job's lease", exc_info=True, extra=self.ctx)
                continue
            if not held:
                logger.warning("job lost its lease: stopping before it publishes", extra=self.ctx)
                self.lost.set()
                return
