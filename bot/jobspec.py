"""What a queued job asks for: plain data, JSON-serialisable, shared by handlers, queue and review."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Trigger = Literal["auto", "command", "rerun"]
Kind = Literal["review", "bench", "help", "denied", "merge_group", "measure"]


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
    run_id: int | None = None  # kind "measure": the workflow run whose perf-review-measure artifact to read

    @property
    def dedupe_key(self) -> str:
        """Automatic reviews of one head run once; explicit requests always run."""
        base = f"{self.repo}#{self.pr}@{self.head_sha}:{self.kind}:{int(self.full)}"
        if self.run_id is not None:  # each run (and re-run) of the workflow brings its own measurement
            base += f":run{self.run_id}"
        return base if self.trigger == "auto" else f"{base}:{self.trigger}:{self.delivery_id}"

    @property
    def pr_key(self) -> str:
        return f"{self.repo}#{self.pr}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReviewRequest:
        return cls(**data)
