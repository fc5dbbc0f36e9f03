"""The Flask app: POST /webhook and GET /healthz. gunicorn runs `bot.app:create_app()`.

The webhook view is a boundary: it turns typed errors into HTTP answers and never lets a delivery
do more than verify, parse, route and enqueue, so GitHub gets its answer at once.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from types import ModuleType
from typing import Any, Protocol

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from bot.config import Config
from bot.errors import PayloadError, SignatureError
from bot.events import HANDLERS, MAX_BODY_BYTES, SIGNATURE_HEADER, Delivery, parse_delivery, route, verify_signature
from bot.handlers import Route
from bot.jobspec import ReviewRequest

logger = logging.getLogger(__name__)

KNOWN_EVENTS = frozenset(HANDLERS) | {"ping"}
READ_CHUNK = 1 << 16


class WebhookQueue(Protocol):
    """The part of bot.jobs.JobQueue the webhook uses."""

    def admit(self, delivery_id: str, requests: Sequence[ReviewRequest]) -> list[bool] | None: ...


def create_app(config: Config | None = None, queue: WebhookQueue | None = None) -> Flask:
    """Build the app. Without arguments: settings from the environment and the configured queue."""
    if config is None:
        config = Config.from_env()
    if queue is None:
        from bot.jobs import make_queue

        queue = make_queue(config)
    app = Flask("bot")
    # One byte more than we accept, so that _read_body sees an over-long chunked body and says 413.
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES + 1
    obs = _observability()
    hook = Webhook(config, queue, obs)
    app.add_url_rule("/webhook", "webhook", hook.receive, methods=["POST"])
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    if obs is not None:
        queue_any: Any = queue
        obs.register(app, queue_any)
    return app


def healthz() -> Response:
    """Liveness only: the process answers. Readiness (the queue) is GET /readyz."""
    return jsonify(status="ok")


class Webhook:
    def __init__(self, config: Config, queue: WebhookQueue, obs: ModuleType | None) -> None:
        self.config = config
        self.queue = queue
        self.obs = obs

    def receive(self) -> tuple[Response, int]:
        # Unverified header values until the signature checks out: keep what is logged short.
        event = request.headers.get("X-GitHub-Event", "")[:100]
        delivery_id = request.headers.get("X-GitHub-Delivery", "")[:100]
        ctx = {"delivery_id": delivery_id, "event": event}
        body = self._read_body()
        if body is None:
            logger.warning("webhook body over %d bytes refused", MAX_BODY_BYTES, extra=ctx)
            return self._answer(413, "too_large", "body over 25 MB", delivery_id, "unverified")
        try:
            verify_signature(self.config.webhook_secret, body, request.headers.get(SIGNATURE_HEADER))
        except SignatureError as exc:
            logger.warning("webhook refused: %s", exc, extra=ctx)
            return self._answer(401, "unauthorized", "signature missing or wrong", delivery_id, "unverified")
        try:
            delivery = parse_delivery(dict(request.headers.items()), body)
            decision = route(delivery, self.config)
        except PayloadError as exc:
            logger.warning("webhook payload rejected: %s", exc, extra=ctx)
            return self._answer(400, "malformed", str(exc), delivery_id, event)
        if decision.outcome == "enqueue":
            return self._enqueue(delivery, decision)
        return self._acknowledge(delivery, decision)

    def _read_body(self) -> bytes | None:
        """The raw body, or None when it is over the limit: refused unread when Content-Length says
        so, else (chunked) read in pieces and given up on at the first byte past the limit."""
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return None
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := request.stream.read(READ_CHUNK):
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    return None
                chunks.append(chunk)
        except RequestEntityTooLarge:
            return None
        return b"".join(chunks)

    def _acknowledge(self, delivery: Delivery, decision: Route) -> tuple[Response, int]:
        logger.info("webhook %s: %s", decision.outcome, decision.reason, extra=_context(delivery))
        status = {"ping": "pong", "log": "logged", "ignore": "ignored"}[decision.outcome]
        return self._answer(200, status, decision.reason, delivery.delivery_id, delivery.event)

    def _enqueue(self, delivery: Delivery, decision: Route) -> tuple[Response, int]:
        """The delivery id and its jobs are recorded together: a 202 means the jobs are in the ledger,
        a 503 means nothing was recorded and GitHub's redelivery will run (issue 9.7)."""
        ctx = _context(delivery)
        try:
            accepted = self.queue.admit(delivery.delivery_id, decision.requests)
        except Exception:  # the queue's store (SQLite, Redis) failed: GitHub shows it, the log has why
            logger.exception("webhook could not enqueue", extra=ctx)
            return self._answer(503, "error", "queue unavailable", delivery.delivery_id, delivery.event)
        if accepted is None:
            logger.info("webhook delivery seen before: nothing to do", extra=ctx)
            return self._answer(200, "duplicate", "delivery seen before", delivery.delivery_id, delivery.event)
        for req, new in zip(decision.requests, accepted, strict=True):
            logger.info(
                "review %s (%s)",
                "queued" if new else "deduplicated by the queue",
                decision.reason,
                extra={**ctx, "pr": req.pr, "head_sha": req.head_sha, "kind": req.kind, "trigger": req.trigger},
            )
        return self._answer(202, "queued", decision.reason, delivery.delivery_id, delivery.event, queued=sum(accepted))

    def _answer(
        self, code: int, status: str, reason: str, delivery_id: str, event: str, **extra: Any
    ) -> tuple[Response, int]:
        self._count(event, status)
        return jsonify(status=status, reason=reason, delivery=delivery_id, **extra), code

    def _count(self, event: str, outcome: str) -> None:
        # Header values are not covered by the signature: bound the label set.
        label = event if event in KNOWN_EVENTS or event == "unverified" else "other"
        deliveries = getattr(self.obs, "DELIVERIES", None)
        if deliveries is not None:
            deliveries.labels(event=label, outcome=outcome).inc()


def _context(delivery: Delivery) -> dict[str, Any]:
    return {
        "delivery_id": delivery.delivery_id,
        "event": delivery.event,
        "action": delivery.action,
        "repo": delivery.repo,
        "installation_id": delivery.installation_id,
    }


def _observability() -> ModuleType | None:
    """bot.observability when it exists (metrics, /readyz); the app works without it."""
    try:
        return importlib.import_module("bot.observability")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.observability":
            raise
        return None
