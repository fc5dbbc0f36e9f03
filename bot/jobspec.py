"""What a queued job asks for: plain data, JSON-serialisable, shared by handlers, queue and review."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Trigger = Literal["auto", "command", "rerun"]
Kind = Literal["review", "bench", "help", "denied", "merge_group"]


@dataclass(frozen=True)
class ReviewRequest:
    installation_id: int
    repo: str  # "owner/name"
    pr: int
    head_sha: str
    trigger: Trigger = "auto"
    kind: Kind = "review"
    full: bool = False  # every function of the changed files
    delivery_id: str = ""
    comment_id: int | None = None  # the /perf-review comment that asked, for the reaction and reply
    requester: str = ""  # login of who asked (slash commands): permission is checked in the job

    @property
    def dedupe_key(self) -> str:
        """Automatic reviews of one head run once; explicit requests always run."""
        base = f"{self.repo}#{self.pr}@{self.head_sha}:{self.kind}:{int(self.full)}"
        return base if self.trigger == "auto" else f"{base}:{self.trigger}:{self.delivery_id}"

    @property
    def pr_key(self) -> str:
        return f"{self.repo}#{self.pr}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReviewRequest:
        return cls(**data)
