"""One module per webhook concern. Each exports `handle(delivery, config) -> Route`: it filters the
delivery and either builds the ReviewRequest(s) to enqueue or says, in one phrase, why it does nothing.

This package holds what the handlers share: the Route they return and small payload readers. It
imports nothing from bot.events, so bot.events can import the handlers without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.config import Config
from bot.errors import PayloadError
from bot.jobspec import ReviewRequest

Outcome = Literal["enqueue", "ignore", "log", "ping"]


@dataclass(frozen=True)
class Route:
    """What the webhook does with one delivery: enqueue requests, log it, answer a ping, or ignore it."""

    outcome: Outcome
    reason: str
    requests: tuple[ReviewRequest, ...] = ()

    @classmethod
    def enqueue(cls, reason: str, *requests: ReviewRequest) -> Route:
        return cls("enqueue", reason, tuple(requests))

    @classmethod
    def ignore(cls, reason: str) -> Route:
        return cls("ignore", reason)

    @classmethod
    def log(cls, reason: str) -> Route:
        return cls("log", reason)


def obj(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A required JSON object field."""
    value = mapping.get(key)
    if not isinstance(value, Mapping):
        raise PayloadError(f"payload field {key!r} is missing or not an object")
    return value


def text(mapping: Mapping[str, Any], key: str) -> str:
    """A required, non-empty string field."""
    value = mapping.get(key)
    if not isinstance(value, str) or not value:
        raise PayloadError(f"payload field {key!r} is missing or not a string")
    return value


def number(mapping: Mapping[str, Any], key: str) -> int:
    """A required integer field (bool is not an integer here)."""
    value = mapping.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PayloadError(f"payload field {key!r} is missing or not an integer")
    return value


def repo_name(payload: Mapping[str, Any]) -> str:
    return text(obj(payload, "repository"), "full_name")


def bot_reason(user: Mapping[str, Any] | None, config: Config, role: str = "sender") -> str | None:
    """Why this user counts as a bot (so nothing they do triggers a review), or None for a person."""
    if not user:
        return None
    login = str(user.get("login") or "")
    if user.get("type") == "Bot" or login.endswith("[bot]"):
        return f"{role} {login} is a bot"
    if config.bot_login and login.lower() == config.bot_login.lower():
        return f"{role} {login} is this app"
    return None


def sender_bot_reason(payload: Mapping[str, Any], config: Config) -> str | None:
    sender = payload.get("sender")
    return bot_reason(sender if isinstance(sender, Mapping) else None, config)
