"""What the stand-in remembers: pulls, comments, reviews, check runs, reactions, permissions, tokens."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

BOT_TYPE = "Bot"


def iso(ts: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if ts is None else ts))


def user(login: str, kind: str = "User") -> dict[str, Any]:
    uid = abs(hash(login)) % 10_000_000
    return {
        "login": login, "id": uid, "node_id": f"U_{uid}", "type": kind, "site_admin": False,
        "avatar_url": "", "gravatar_id": "", "url": f"/users/{login}", "html_url": f"/{login}",
    }


@dataclass
class Pull:
    number: int
    head_ref: str
    base_ref: str
    user: str = "octocat"
    draft: bool = False
    state: str = "open"
    title: str = "A change"


@dataclass
class Token:
    value: str
    installation_id: int
    expires_at: float


@dataclass
class State:
    owner: str
    name: str
    default_branch: str = "main"
    app_id: int = 1
    app_slug: str = "perf-review"
    installation_id: int = 1
    pulls: dict[int, Pull] = field(default_factory=dict)
    issue_comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    reviews: dict[int, dict[str, Any]] = field(default_factory=dict)
    review_comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)  # login -> admin|maintain|write|triage|read
    tokens: dict[str, Token] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def bot_login(self) -> str:
        return f"{self.app_slug}[bot]"

    def next_id(self) -> int:
        return next(self._ids)

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.issue_comments.values() if c["_issue"] == number]

    def review_comments_on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.review_comments.values() if c["_pull"] == number]

    def bot_comments(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments_on(number) if c["user"]["type"] == BOT_TYPE]
