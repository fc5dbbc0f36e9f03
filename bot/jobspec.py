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
    # Ordering of pushes (issue 9.3): the head this push replaced (`before` of a synchronize event) and
    # the PR's updated_at (epoch seconds), so a late delivery for an older head never takes over.
    head_before: str = ""
    head_stamp: float = 0.0
    run_id: int | None = None  # kind "measure": the workflow run whose perf-review-measure artifact to read

    @property
    def dedupe_key(self) -> str:
        """Automatic reviews of one head run once; a slash command runs once per comment (a replayed
        delivery of it under a new delivery id does nothing); other explicit requests always run."""
        base = f"{self.repo}#{self.pr}@{self.head_sha}:{self.kind}:{int(self.full)}"
        if self.run_id is not None:  # each run (and re-run) of the workflow brings its own measurement
            base += f":run{self.run_id}"
        if self.trigger == "auto":
            return base
        if self.trigger == "command" and self.comment_id is not None:
            return f"{self.repo}#{self.pr}:command:{self.comment_id}"
        return f"{base}:{self.trigger}:{self.delivery_id}"

    @property
    def once(self) -> bool:
        """Whether the queue runs this request at most once per dedupe_key."""
        return self.trigger == "auto" or (self.trigger == "command" and self.comment_id is not None)

    @property
    def pr_key(self) -> str:
        return f"{self.repo}#{self.pr}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReviewRequest:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})
