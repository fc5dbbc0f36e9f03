"""Metrics, readiness and structured logs.

The metric objects live on this module's own CollectorRegistry (not prometheus-client's global
one), so importing the module only allocates them. `register(app, queue)` adds GET /readyz and
GET /metrics to the Flask app; `setup_logging()` turns the root logger into JSON lines.

Known limit: counters are per process. Under gunicorn with several web workers a scrape of
/metrics sees the counters of the worker that answered; the queue gauges are read from the queue's
store at scrape time and are the same everywhere. Job counters are kept by the process that runs
the jobs: the in-process consumer of `perf-review serve`, or `perf-review worker --metrics-port`.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, Protocol

from flask import Flask, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = [
    "DELIVERIES",
    "GITHUB_CALLS",
    "JOBS",
    "QUEUE_JOBS",
    "RATE_LIMIT_REMAINING",
    "REGISTRY",
    "REVIEW_SECONDS",
    "JsonFormatter",
    "register",
    "setup_logging",
]

REGISTRY = CollectorRegistry(auto_describe=True)

DELIVERIES = Counter(
    "perf_review_webhook_deliveries",
    "Webhook deliveries by event and outcome (queued, duplicate, ignored, unauthorized, ...).",
    ["event", "outcome"],
    registry=REGISTRY,
)
JOBS = Counter(
    "perf_review_jobs",
    "Job transitions: queued, deduplicated, started, succeeded, retried, failed, limit, superseded, lock_busy.",
    ["outcome"],
    registry=REGISTRY,
)
QUEUE_JOBS = Gauge(
    "perf_review_queue_jobs",
    "Jobs in the queue's store right now, by state (queued, running); read at scrape time.",
    ["state"],
    registry=REGISTRY,
)
REVIEW_SECONDS = Histogram(
    "perf_review_review_duration_seconds",
    "Wall time of one job run (fetch, analyze, publish), by request kind.",
    ["kind"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
    registry=REGISTRY,
)
GITHUB_CALLS = Counter(
    "perf_review_github_api_calls",
    "GitHub REST calls by kind (e.g. get_pull, create_check_run) and HTTP status.",
    ["kind", "status"],
    registry=REGISTRY,
)
RATE_LIMIT_REMAINING = Gauge(
    "perf_review_github_rate_limit_remaining",
    "X-RateLimit-Remaining of the last GitHub answer.",
    registry=REGISTRY,
)


class ReadinessQueue(Protocol):
    """The part of bot.jobs.JobQueue that readiness and metrics read."""

    def readiness(self) -> list[str]: ...

    def stats(self) -> dict[str, Any]: ...


def register(app: Flask, queue: ReadinessQueue) -> None:
    """Add GET /readyz and GET /metrics. /readyz is 200 only when the bot can take a delivery and run
    its review: the queue's store accepts a write, and a job process sent a heartbeat lately
    (bot.jobs.JobQueue.readiness); else 503 with the reasons."""

    def readyz() -> tuple[Response, int]:
        problems = queue.readiness()
        if not problems:
            return jsonify(status="ready"), 200
        return jsonify(status="unavailable", reason="; ".join(problems), problems=problems), 503

    def metrics() -> Response:
        _refresh_queue_gauges(queue)
        return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)

    app.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])
    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])


def _refresh_queue_gauges(queue: ReadinessQueue) -> None:
    try:
        stats = queue.stats()
    except Exception:  # an unreachable store must not break the scrape; /readyz reports it
        logging.getLogger(__name__).warning("queue stats unavailable for /metrics", exc_info=True)
        return
    for state in ("queued", "running"):
        value = stats.get(state)
        if isinstance(value, int):
            QUEUE_JOBS.labels(state=state).set(value)


# Attributes every LogRecord has; anything else came from `extra=` and goes into the JSON line.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the record's `extra=` fields
    (delivery_id, repo, pr, head_sha, job_id, ...)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def setup_logging(level: int = logging.INFO, stream: Any = None) -> None:
    """Send the root logger's records to stderr (or `stream`) as JSON lines. Idempotent."""
    root = logging.getLogger()
    for old in list(root.handlers):
        # Plain console handlers (logging.basicConfig's) are replaced; test and file handlers stay.
        if type(old) is logging.StreamHandler:
            root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def record_github_call(kind: str, status: str, rate_remaining: int | None) -> None:
    """The `on_call` hook of bot.github's client: count the call, remember the rate-limit headroom."""
    GITHUB_CALLS.labels(kind=kind, status=status).inc()
    if rate_remaining is not None:
        RATE_LIMIT_REMAINING.set(rate_remaining)
