"""What one review may cost, and what the review does when a pull request asks for more (issue 9.2).

A pull request is input from anyone who can open one: 3,000 changed files, a 900 KB file of 9,000
functions, a file named `../../etc/passwd`. Each review therefore has limits, set by the operator in
the environment (bot/config.py reads them; docs/security.md lists them), and reviews what fits:

- Go files per review: the first `files` changed Go files in GitHub's order are reviewed;
- bytes per review: Go source fetched for the review (head and base), changed files first, then the
  package context; past the budget a changed file is left out whole, context is dropped;
- functions per review: functions declared in the changed head files, counted before analysis;
- findings per review: the most severe are kept (the rest are counted, not called fixed later);
- GitHub API calls per review: a hard stop (LimitError) should anything else ever need more;
- wall-clock time and memory of the review process (bot/sandbox.py).

Files left out are listed in the review (as skipped files) and counted in the check run. File names
with `..` components, absolute paths, backslashes or control characters are refused before any API
call is made for them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from analyzers.model import Finding, Result, Skipped
from bot.errors import LimitError

if TYPE_CHECKING:  # bot.config imports Limits: keep this module light
    from bot.github import PullFile

T = TypeVar("T")

_FUNC = re.compile(rb"^func[ \t(]", re.MULTILINE)


@dataclass(frozen=True)
class Limits:
    """Per-review limits; the defaults suit a review of a large but ordinary pull request."""

    files: int = 100  # PERF_REVIEW_MAX_FILES: changed Go files read through the contents API
    source_bytes: int = 8 * 1024 * 1024  # PERF_REVIEW_MAX_BYTES: Go source read for one review
    functions: int = 5_000  # PERF_REVIEW_MAX_FUNCTIONS: functions declared in the changed files
    findings: int = 500  # PERF_REVIEW_MAX_FINDINGS: findings reported
    api_calls: int = 300  # PERF_REVIEW_MAX_API_CALLS: GitHub REST requests of one review
    job_seconds: float = 600.0  # PERF_REVIEW_JOB_TIMEOUT: wall-clock time of one review
    job_memory_mb: int = 2048  # PERF_REVIEW_JOB_MEMORY_MB: address space of the review process


@dataclass(frozen=True)
class Omission:
    path: str
    reason: str


def unsafe_path(name: str) -> bool:
    """True for a name no file of a git tree can have, or one that would leave a checkout."""
    if not name or name.startswith("/") or "\\" in name or re.match(r"[A-Za-z]:", name):
        return True
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return True
    return any(part in ("", ".", "..") for part in name.split("/"))


def _is_go(f: PullFile) -> bool:
    return f.filename.endswith(".go") or (f.previous_filename or "").endswith(".go")


def pick_files(files: Sequence[PullFile], limits: Limits, *,
               count_go: bool = True) -> tuple[list[PullFile], list[Omission]]:
    """The files a review may read: unsafe names refused, Go files past the limit left out (only with
    count_go: over git, reading many files costs no API calls and the byte and function budgets bound
    the work). Other files stay (they only serve to place inline comments)."""
    kept: list[PullFile] = []
    omitted: list[Omission] = []
    go_files = 0
    for f in files:
        names = [f.filename] + ([f.previous_filename] if f.previous_filename else [])
        if any(unsafe_path(n) for n in names):
            omitted.append(Omission(_printable(f.filename), "refused: the file name is not a safe relative path"))
            continue
        if _is_go(f):
            go_files += 1
            if count_go and go_files > limits.files:
                omitted.append(Omission(f.filename, f"left out: over the limit of {limits.files} Go files per review"))
                continue
        kept.append(f)
    return kept, omitted


def count_functions(src: bytes | None) -> int:
    return len(_FUNC.findall(src)) if src else 0


def trim_change(changed: Sequence[str], head: dict[str, bytes | None], base: dict[str, bytes | None],
                base_paths: dict[str, str], limits: Limits) -> tuple[set[str], list[Omission]]:
    """Fit the fetched sources into the byte and function budgets, in place: changed files first (in
    order, each with its base), then the other files of their packages. Returns the changed paths left
    out (the caller drops them from the change) and what to tell the reader."""
    used_bytes = used_funcs = 0
    dropped: set[str] = set()
    omitted: list[Omission] = []
    for path in changed:
        size = len(head.get(path) or b"") + len(base.get(base_paths.get(path, path)) or b"")
        funcs = count_functions(head.get(path))
        if used_bytes + size > limits.source_bytes:
            reason = f"left out: over the limit of {_mb(limits.source_bytes)} of Go source per review"
        elif used_funcs + funcs > limits.functions:
            reason = f"left out: {funcs:,} functions, over the limit of {limits.functions:,} per review"
        else:
            used_bytes, used_funcs = used_bytes + size, used_funcs + funcs
            continue
        dropped.add(path)
        omitted.append(Omission(path, reason))
        head.pop(path, None)
        base.pop(base_paths.get(path, path), None)
    context = 0
    for files in (head, base):
        for path in [p for p in files if p not in changed and not p.endswith("go.mod")]:
            size = len(files[path] or b"")
            if used_bytes + size > limits.source_bytes:
                del files[path]
                context += 1
            else:
                used_bytes += size
    if context:
        omitted.append(Omission("", f"{context} unchanged file(s) of package context left out: over the limit of "
                                    f"{_mb(limits.source_bytes)} of Go source per review"))
    return dropped, omitted


def cap_findings(result: Result, limits: Limits) -> tuple[set[str], list[Omission]]:
    """Keep the `limits.findings` most severe findings (the engine sorts them so). Returns the
    fingerprints left out, which a later review must not call fixed."""
    if len(result.findings) <= limits.findings:
        return set(), []
    rest: list[Finding] = result.findings[limits.findings :]
    result.findings = result.findings[: limits.findings]
    note = Omission("", f"{len(rest):,} more finding(s) not reported: over the limit of {limits.findings:,} "
                        "per review (the most severe are shown)")
    return {f.fingerprint for f in rest}, [note]


def as_skipped(result: Result, omitted: Sequence[Omission]) -> None:
    """Files left out appear in the review beside the files the engine skipped."""
    listed = {s.file for s in result.skipped}
    result.skipped.extend(Skipped(o.path, o.reason) for o in omitted if o.path and o.path not in listed)


def summary(omitted: Sequence[Omission]) -> str:
    """One paragraph for the check run and the comment; "" when nothing was left out."""
    if not omitted:
        return ""
    files = [o for o in omitted if o.path]
    lines = [f"- `{o.path}`: {o.reason}" for o in files[:20]]
    if len(files) > 20:
        lines.append(f"- … and {len(files) - 20} more file(s)")
    lines += [f"- {o.reason}" for o in omitted if not o.path]
    return ("This pull request is larger than one review may be (limits set by the bot's operator); "
            "what fits was reviewed. Left out:\n\n" + "\n".join(lines))


class CallBudget:
    """GitHub requests of one review, counted per operation and per page of a list; the request over
    the limit raises LimitError before it is sent."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def charge(self, calls: int) -> None:
        self.used += calls
        if self.used > self.limit:
            raise LimitError(f"the review needed more than {self.limit} GitHub API calls, the limit for one review "
                             "(PERF_REVIEW_MAX_API_CALLS)")


class BudgetedClient:
    """A GitHubClient that charges every call to a CallBudget (pages of lists as extra calls)."""

    def __init__(self, client: Any, budget: CallBudget, per_page: int = 100) -> None:
        self._client = client
        self._budget = budget
        self._per_page = per_page

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name.startswith("_") or not callable(attr):
            return attr
        return self._charged(attr)

    def _charged(self, fn: Callable[..., T]) -> Callable[..., T]:
        def call(*args: Any, **kwargs: Any) -> T:
            self._budget.charge(1)
            result = fn(*args, **kwargs)
            if isinstance(result, list) and len(result) > self._per_page:
                self._budget.charge(math.ceil(len(result) / self._per_page) - 1)
            return result

        return call


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _printable(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)[:200]
