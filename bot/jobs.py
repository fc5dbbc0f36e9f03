"""The task queue: huey for transport, the ledger of bot/jobstore.py for durability.

`make_queue(config)` picks the store: SQLite in PERF_REVIEW_DATA_DIR (huey's SqliteHuey, one
machine, durable across restarts) or Redis when PERF_REVIEW_QUEUE is a redis:// URL (RedisHuey,
any number of `perf-review worker` processes on any machines).

What a job guarantees (issue 5 §2):
- automatic reviews are deduplicated per ReviewRequest.dedupe_key; explicit requests always run;
- a newer head of a PR supersedes queued and running reviews of older heads;
- one job at a time publishes on a PR (a per-PR lock with expiry);
- transient failures are retried with exponential backoff and jitter, then reported on the PR;
- a job whose worker dies (SIGKILL, OOM, lost machine) runs again once its lease runs out.
The details live in bot/jobrun.py (one run) and bot/jobstore.py (the ledger).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer
from redis import ConnectionPool, Redis

from bot import observability as obs
from bot.config import Config
from bot.jobrun import SUPERSEDABLE, JobRun, Runner, Tuning
from bot.jobspec import ReviewRequest
from bot.jobstore import Admission, JobStore, SqliteStore
from bot.jobstore_redis import RedisStore
from bot.limits import BudgetedClient, CallBudget
from bot.sandbox import Bounds, run_bounded, warm_up

__all__ = ["JobQueue", "ReviewRunner", "Runner", "Tuning", "make_queue"]

logger = logging.getLogger(__name__)

QUEUE_NAME = "perf-review"
SQLITE_FILE = "jobs.sqlite3"


@dataclass(frozen=True)
class ChildJob:
    """What the review process needs: settings, the request, and the worker's installation token
    (so each review does not mint its own)."""

    config: Config
    request: ReviewRequest
    token: str
    expires: float


def review_in_child(job: ChildJob, is_current: Callable[[], bool], emit: Callable[[Any], None]) -> object:
    """The review, inside the bounded process of bot.sandbox: GitHub calls are counted against the
    review's budget and reported to the worker for its metrics."""
    review = importlib.import_module("bot.review")
    from bot.github import installation_client

    app = review.app_for(job.config)
    app.remember_token(job.request.installation_id, job.token, job.expires)
    client = installation_client(app, job.request.installation_id,
                                 on_call=lambda kind, status, left: emit(("call", kind, status, left)))
    budgeted = BudgetedClient(client, CallBudget(job.config.limits.api_calls))
    result: object = review.run_review(job.request, budgeted, is_current=is_current, limits=job.config.limits,
                                       git=git_cache(job.config))
    return result


def git_cache(config: Config) -> Any:
    """The git cache whole packages are fetched with (None: the contents API only)."""
    if config.git_cache_mb <= 0:
        return None
    gitfetch = importlib.import_module("bot.gitfetch")
    return gitfetch.GitCache(config.git_cache_dir, config.git_cache_mb * 1024 * 1024)


def _record(event: Any) -> None:
    if isinstance(event, tuple) and len(event) == 4 and event[0] == "call":
        obs.record_github_call(event[1], event[2], event[3])


class ReviewRunner:
    """The production runner: bot.review with a client for the request's installation, each review in
    a process of its own within the configured time and memory (bot/sandbox.py)."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def _review(self) -> Any:
        return importlib.import_module("bot.review")

    def _client(self, request: ReviewRequest) -> Any:
        return self._review().client_for(self.config, request.installation_id, on_call=obs.record_github_call)

    def run(self, request: ReviewRequest, is_current: Callable[[], bool]) -> object:
        token, expires = self._review().app_for(self.config).token_and_expiry(request.installation_id)
        limits = self.config.limits
        return run_bounded(review_in_child, ChildJob(self.config, request, token, expires),
                           Bounds(limits.job_seconds, limits.job_memory_mb), is_current=is_current, on_event=_record)

    def superseded(self, request: ReviewRequest) -> None:
        self._review().report_superseded(request, self._client(request))

    def failed(self, request: ReviewRequest, message: str) -> None:
        self._review().report_failure(request, self._client(request), message)

    def warm_up(self) -> None:
        """In the process that runs jobs: get the review processes' forkserver going."""
        warm_up()

    def abandoned(self, request: ReviewRequest) -> None:
        self._review().report_abandoned(request, self._client(request))

    def current_head(self, request: ReviewRequest) -> str:
        """The PR's head according to GitHub (asked only when the ledger's answer is in doubt)."""
        head: str = self._client(request).get_pull(request.repo, request.pr).head_sha
        return head


def make_queue(config: Config, runner: Runner | None = None, tuning: Tuning | None = None) -> JobQueue:
    """The queue the configuration asks for. `runner` defaults to ReviewRunner(config)."""
    runner = runner or ReviewRunner(config)
    tuning = tuning or Tuning()
    if config.uses_redis:
        pool = ConnectionPool.from_url(config.queue, socket_connect_timeout=3, socket_timeout=10)
        huey: Any = RedisHuey(QUEUE_NAME, results=False, connection_pool=pool, blocking=True, read_timeout=1)
        store: JobStore = RedisStore(Redis(connection_pool=pool), prefix=QUEUE_NAME)
    else:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        path = config.data_dir / SQLITE_FILE
        huey = SqliteHuey(QUEUE_NAME, filename=str(path), results=False, timeout=10)
        store = SqliteStore(path)
    return JobQueue(huey, store, runner, tuning, config.heartbeat)


@dataclass
class ConsumerHandle:
    """Consumer threads running inside another process (the web server); stop() ends them."""

    consumer: Any
    stop_reaper: threading.Event

    def stop(self) -> None:
        self.stop_reaper.set()
        self.consumer.stop(graceful=True)


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without signal handlers: the host process (gunicorn) owns the signals and
    may start it from a thread that is not the main one."""

    def _set_signal_handlers(self) -> None:
        pass


class JobQueue:
    """Enqueue review requests, run consumers, answer health and stats questions."""

    def __init__(self, huey: Any, store: JobStore, runner: Runner, tuning: Tuning, heartbeat: float = 5.0) -> None:
        self.huey = huey
        self.store = store
        self.runner = runner
        self.tuning = tuning
        self.heartbeat = heartbeat
        self._task = huey.task(name="review_job")(self._execute)
        self._embedded: ConsumerHandle | None = None
        self._embedded_pid = 0

    # --- the webhook side -------------------------------------------------------------------

    def enqueue(self, request: ReviewRequest) -> bool:
        """Queue a request; False when an automatic review of this head (or this slash command) is
        already queued or done."""
        added = self.admit("", [request])
        return bool(added and added[0])

    def admit(self, delivery_id: str, requests: Sequence[ReviewRequest]) -> list[bool] | None:
        """Record a webhook delivery and queue what it asks for, in one transaction of the ledger:
        None when the delivery was seen before, else whether each request was queued (False:
        deduplicated). Raises when the ledger cannot take it, having recorded nothing, so the webhook
        answers 503 and GitHub's redelivery runs (issue 9.7)."""
        jobs = [Admission(uuid.uuid4().hex, r, r.once, _notes_head(r)) for r in requests]
        added = self.store.admit(delivery_id, jobs, self.tuning.queued_grace)
        if added is None:
            return None
        for job, ok in zip(jobs, added, strict=True):
            obs.JOBS.labels(outcome="queued" if ok else "deduplicated").inc()
            if ok:
                self._push_or_leave(job.job_id)
        return added

    def _push_or_leave(self, job_id: str) -> None:
        """The ledger has the job: should its message not go out now, the reaper pushes it later."""
        try:
            self._push(job_id, 0.0)
        except Exception:
            logger.warning("could not push job %s now; the reaper will", job_id, exc_info=True,
                           extra={"job_id": job_id})

    def seen_delivery(self, delivery_id: str) -> bool:
        """Record a webhook delivery id; True when it was seen before (a redelivery)."""
        if not delivery_id:
            return False
        return not self.store.first_delivery(delivery_id)

    def forget_delivery(self, delivery_id: str) -> None:
        """Undo seen_delivery when the delivery could not be queued, so GitHub's redelivery runs."""
        if delivery_id:
            self.store.forget_delivery(delivery_id)

    def ping(self) -> bool:
        try:
            self.store.ping()
        except Exception:
            logger.warning("queue store unreachable", exc_info=True)
            return False
        return True

    def readiness(self) -> list[str]:
        """Why the bot cannot take and run reviews right now; [] when it can. The queue must accept a
        write, and a job process must have sent a heartbeat within three intervals."""
        problems: list[str] = []
        try:
            self.store.probe_write()
        except Exception:
            logger.warning("queue store does not accept writes", exc_info=True)
            problems.append("the queue's store does not accept writes")
        try:
            if self.store.alive_workers() == 0:
                problems.append(f"no job process has sent a heartbeat in the last {3 * self.heartbeat:g} s")
        except Exception:
            logger.warning("queue store unreadable", exc_info=True)
            problems.append("the queue's store cannot be read")
        return problems

    def stats(self) -> dict[str, Any]:
        counts = self.store.counts()
        return {
            "backend": self.store.kind,
            "queued": counts["queued"],
            "running": counts["running"],
            "messages": int(self.huey.pending_count()),
            "scheduled": int(self.huey.scheduled_count()),
        }

    # --- the worker side --------------------------------------------------------------------

    def run_consumer(self, workers: int, pending_signals: list[int] | None = None) -> None:
        """Run `workers` consumer threads until SIGINT/SIGTERM (graceful: running jobs finish).
        `pending_signals`: signals the caller caught before the consumer could (a SIGTERM right after
        start-up), handed to the consumer once its own handlers are in place."""
        stop = threading.Event()
        self._warm_up()
        self._start_reaper(stop)
        consumer = self.huey.create_consumer(**self._consumer_options(workers))
        if pending_signals is not None:
            install = consumer._set_signal_handlers

            def install_then_replay() -> None:
                install()
                for signum in pending_signals:
                    consumer._handle_signal(signum, None)

            consumer._set_signal_handlers = install_then_replay
        self._start_heartbeat(stop, consumer)
        try:
            consumer.run()
        finally:
            stop.set()

    def start_in_process(self, workers: int | None = None) -> ConsumerHandle:
        """Start consumer threads in this process (once per process) and return their handle."""
        if self._embedded is not None and self._embedded_pid == os.getpid():
            return self._embedded
        stop = threading.Event()
        self._warm_up()
        consumer = _EmbeddedConsumer(self.huey, **self._consumer_options(workers or 2))
        consumer.start()
        self._start_reaper(stop)
        self._start_heartbeat(stop, consumer)
        self._embedded, self._embedded_pid = ConsumerHandle(consumer, stop), os.getpid()
        return self._embedded

    def reap(self) -> int:
        """Push again every job whose lease ran out (its worker died or its message was lost)."""
        job_ids = self.store.rearm_expired(self.tuning.queued_grace)
        for job_id in job_ids:
            self._push(job_id, 0.0)
        if job_ids:
            logger.warning("re-queued %d job(s) whose worker stopped", len(job_ids), extra={"jobs": len(job_ids)})
        return len(job_ids)

    def _consumer_options(self, workers: int) -> dict[str, Any]:
        return {
            "workers": workers,
            "worker_type": "thread",
            "periodic": False,
            "initial_delay": 0.05,  # SQLite is polled; Redis blocks on BRPOP and ignores these
            "backoff": 1.5,
            "max_delay": 1.0,
            "graceful_signal": "TERM",  # Kubernetes and Docker stop with SIGTERM: let running jobs end
            "shutdown_timeout": 25.0,  # then the leases bring unfinished jobs back
        }

    def _start_reaper(self, stop: threading.Event) -> None:
        def loop() -> None:
            while True:
                try:
                    self.reap()
                except Exception:
                    logger.warning("reaper could not read the queue's store", exc_info=True)
                if stop.wait(self.tuning.reap_interval):
                    return

        threading.Thread(target=loop, name="perf-review-reaper", daemon=True).start()

    def _warm_up(self) -> None:
        warm = getattr(self.runner, "warm_up", None)
        if warm is not None:
            warm()

    def _start_heartbeat(self, stop: threading.Event, consumer: Any) -> None:
        """Tell /readyz this process is alive and its consumer threads are running (issue 9.7). A
        process frozen on anything stops beating, and readiness goes with it."""
        name = f"{socket.gethostname()}:{os.getpid()}"

        def loop() -> None:
            while True:
                try:
                    if _consumer_alive(consumer):
                        self.store.beat(name, 3 * self.heartbeat)
                    else:
                        logger.error("a consumer thread died: no heartbeat until it is back")
                except Exception:
                    logger.warning("could not record the heartbeat", exc_info=True)
                if stop.wait(self.heartbeat):
                    return

        threading.Thread(target=loop, name="perf-review-heartbeat", daemon=True).start()

    def _push(self, job_id: str, delay: float) -> None:
        try:
            if delay > 0:
                self._task.schedule((job_id,), delay=delay)
            else:
                self._task(job_id)
        except sqlite3.Error:
            # huey keeps one SQLite connection: one opened while the data dir was read-only stays so.
            with contextlib.suppress(Exception):
                self.huey.storage.close()
            raise

    def _execute(self, job_id: str) -> None:
        """The huey task: claim the job in the ledger, then run it (a duplicate message finds it
        running or gone and does nothing)."""
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        record = self.store.claim_job(job_id, owner, self.tuning.lease)
        if record is None:
            logger.debug("job %s is running elsewhere or done", job_id, extra={"job_id": job_id})
            return
        JobRun(self.store, self.runner, self.tuning, self._push, record, owner).run()


def _notes_head(request: ReviewRequest) -> bool:
    """Automatic reviews announce the PR's newest head (the one newer reviews supersede older by)."""
    return request.trigger == "auto" and request.kind in SUPERSEDABLE and bool(request.head_sha)


def _consumer_alive(consumer: Any) -> bool:
    """huey's worker threads are all running (a thread that died takes a share of the capacity)."""
    threads = getattr(consumer, "worker_threads", None)
    if not threads:
        return True
    return all(thread.ident is None or thread.is_alive() for _, thread in threads)  # not yet started: fine
