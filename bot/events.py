"""Webhook deliveries without I/O (in the manner of gidgethub): check the signature, parse the
delivery, and route it to the handler of its event. The Flask view in bot/app.py does the HTTP.

Routing decisions that need the repository's own config (drafts on or off) or GitHub's answer (is
the commenter a collaborator with write access, what is the PR's head now) are left to the job:
the webhook answers within GitHub's 10 seconds and never calls GitHub.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from bot.config import Config
from bot.errors import PayloadError, SignatureError
from bot.handlers import Route, checks, installation, issue_comment, merge_group, pull_request, workflow_run

__all__ = ["Delivery", "Route", "parse_delivery", "route", "signature", "verify_signature"]

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub sends no delivery above 25 MB

Handler = Callable[["Delivery", Config], Route]
HANDLERS: Mapping[str, Handler] = {
    "pull_request": pull_request.handle,
    "issue_comment": issue_comment.handle,
    "check_run": checks.handle,
    "check_suite": checks.handle,
    "merge_group": merge_group.handle,
    "installation": installation.handle,
    "installation_repositories": installation.handle,
    "workflow_run": workflow_run.handle,
}


@dataclass(frozen=True)
class Delivery:
    """One verified, parsed webhook delivery."""

    event: str
    action: str  # "" for events without one (ping)
    delivery_id: str
    installation_id: int | None
    payload: Mapping[str, Any] = field(repr=False)

    @property
    def repo(self) -> str:
        """The repository as "owner/name", or "" for events about none (installation)."""
        repository = self.payload.get("repository")
        return str(repository.get("full_name") or "") if isinstance(repository, Mapping) else ""


def signature(secret: str | bytes, body: bytes) -> str:
    """The X-Hub-Signature-256 value GitHub sends for this body."""
    key = secret.encode() if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(secret: str | bytes, body: bytes, header: str | None) -> None:
    """Raise SignatureError unless `header` is the HMAC-SHA256 of the raw body under `secret`."""
    if not secret:
        raise SignatureError("no webhook secret is configured")
    if not header:
        raise SignatureError(f"{SIGNATURE_HEADER} header is missing")
    if not header.startswith("sha256="):
        raise SignatureError(f"{SIGNATURE_HEADER} header is not a sha256= signature")
    if not hmac.compare_digest(signature(secret, body).encode(), header.strip().encode()):
        raise SignatureError(f"{SIGNATURE_HEADER} does not match the body")


def parse_delivery(headers: Mapping[str, str], body: bytes) -> Delivery:
    """Parse a delivery whose signature was already verified. Raises PayloadError."""
    lower = {k.lower(): v for k, v in headers.items()}
    event = lower.get("x-github-event", "").strip()
    delivery_id = lower.get("x-github-delivery", "").strip()
    if not event:
        raise PayloadError("X-GitHub-Event header is missing")
    if not delivery_id:
        raise PayloadError("X-GitHub-Delivery header is missing")
    payload = _decode(body, lower.get("content-type", ""))
    action = payload.get("action", "")
    if not isinstance(action, str):
        raise PayloadError("payload field 'action' is not a string")
    return Delivery(event, action, delivery_id, _installation_id(payload), payload)


def route(delivery: Delivery, config: Config) -> Route:
    """Decide what one delivery asks for. Raises PayloadError when a field it needs is missing."""
    if delivery.event == "ping":
        return Route("ping", "ping")
    handler = HANDLERS.get(delivery.event)
    if handler is None:
        return Route.ignore(f"event {delivery.event} is not handled")
    return handler(delivery, config)


def _decode(body: bytes, content_type: str) -> Mapping[str, Any]:
    """JSON, or the form encoding repository hooks can be set to (`payload=<json>`)."""
    try:
        text = body.decode("utf-8")
        if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
            form = parse_qs(text).get("payload")
            if not form:
                raise PayloadError("form-encoded body has no payload field")
            text = form[0]
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError(f"body is not valid JSON: {exc}") from exc
    except RecursionError:  # a signed body nested 1,000 deep: no delivery GitHub sends
        raise PayloadError("body is nested too deeply") from None
    if not isinstance(payload, dict):
        raise PayloadError("body is not a JSON object")
    return payload


def _installation_id(payload: Mapping[str, Any]) -> int | None:
    inst = payload.get("installation")
    if inst is None:
        return None
    inst_id = inst.get("id") if isinstance(inst, Mapping) else None
    if not isinstance(inst_id, int) or isinstance(inst_id, bool):
        raise PayloadError("payload field 'installation.id' is not an integer")
    return inst_id
