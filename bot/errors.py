"""Typed errors, caught only at boundaries (webhook view, job runner, command line)."""

from __future__ import annotations


class PerfReviewError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(PerfReviewError):
    """A missing or malformed setting; the message names the variable."""


class UsageError(PerfReviewError):
    """Bad command-line usage or input (exit status 2)."""


class SignatureError(PerfReviewError):
    """A webhook delivery whose X-Hub-Signature-256 is missing or wrong."""


class PayloadError(PerfReviewError):
    """A webhook delivery whose body is not the JSON we expect."""


class GitHubError(PerfReviewError):
    """GitHub answered with an error that retrying will not fix."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientGitHubError(GitHubError):
    """5xx, timeouts, rate limits: retry later. retry_after is in seconds when GitHub said."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class GitError(PerfReviewError):
    """A local git command failed (bad revision, not a repository)."""


class LimitError(PerfReviewError):
    """A review went over one of its limits (time, memory, GitHub API calls): running it again would
    do the same, so it is reported and not retried. The message says which limit, in plain words."""
