"""The review job for one request: fetch the PR's files and the Go sources they change, analyse the
change, render the review and publish it; plus the slash-command replies (help, bench, denied).

API calls for a PR with F changed Go files stay within 9 + 2F (pagination over 100 files aside):
get PR, read config, list files, list the default branch's tree (for CPU profiles), create check run,
[list comments when the PR has any], write the comment, post the inline review, complete the check run,
and at most two content reads per Go file (head, and base when modified or renamed); plus one read per
CPU profile the worker has not seen before (profiles are cached by blob). The root go.mod is read only
when that leaves the budget intact.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzers.diff import FileChange
from analyzers.engine import Options, analyze_change, skip_reason
from analyzers.model import Result
from analyzers.report.measured import Measurement
from bot.config import Config
from bot.errors import PerfReviewError, TransientGitHubError
from bot.github import AppAuth, CallHook, CheckOutput, GitHubClient, PullFile, PullInfo, installation_client
from bot.jobspec import ReviewRequest
from bot.profiles import load_from_github
from bot.publish import CHECK_NAME, PreviousState, ReviewLike, Target, decode_state, find_sticky, inlined_in, publish
from bot.repo_config import CONFIG_PATH, RepoConfig, parse_config
from bot.threads import announce_fixed, gone_findings

log = logging.getLogger(__name__)

ALLOWED_PERMISSIONS = frozenset({"admin", "maintain", "write"})
STATUSES = ("added", "modified", "removed", "renamed")
Renderer = Callable[..., ReviewLike]

HELP_TEXT = """**perf-review** reviews the Go code this pull request changes for performance.

| command | what it does |
| --- | --- |
| `/perf-review` | review the current head again |
| `/perf-review full` | review every function of the changed Go files, not only the touched ones |
| `/perf-review bench` | reply with Go benchmarks for the hot and warm functions this PR touches |
| `/perf-review help` | this message |

Commands run for people with write, maintain or admin permission on the repository. Settings live in
`.github/perf-review.yml` on the default branch."""


@dataclass(frozen=True)
class ReviewOutcome:
    status: str  # published | replied | denied | skipped | superseded
    detail: str = ""
    check_run_id: int | None = None
    comment_id: int | None = None
    inline_posted: int = 0
    findings: int = 0


@dataclass
class Change:
    changes: list[FileChange]
    head: dict[str, bytes | None] = field(default_factory=dict)
    base: dict[str, bytes | None] = field(default_factory=dict)


# -- entry points ------------------------------------------------------------------------------------

_apps: dict[tuple[int, str], AppAuth] = {}
_apps_lock = threading.Lock()


def client_for(config: Config, installation_id: int, *, on_call: CallHook | None = None) -> GitHubClient:
    """A client for one installation; the App's credentials (and token cache) are shared per App."""
    with _apps_lock:
        app = _apps.get((config.app_id, config.api_url))
        if app is None:
            app = _apps[(config.app_id, config.api_url)] = AppAuth(config.app_id, config.private_key, config.api_url)
    return installation_client(app, installation_id, on_call=on_call)


def run_review(request: ReviewRequest, client: GitHubClient, *, is_current: Callable[[], bool] = lambda: True,
               render: Renderer | None = None, measured: Measurement | None = None) -> ReviewOutcome:
    """`measured`: figures from a perf-review-measure artifact for this head (bot.measured_review)."""
    if request.kind == "measure":
        from bot.measured_review import run_measured

        return run_measured(request, client, is_current=is_current, render=render)
    fields = _fields(request)
    if request.kind == "merge_group":
        from bot.merge_queue import run_merge_group

        return run_merge_group(request, client)
    if request.trigger == "command" or request.kind in ("help", "bench", "denied"):
        if request.kind == "denied" or not _may_run(client, request):
            _reply(client, request, f"@{request.requester or 'there'}: only people with write, maintain or admin "
                                    "permission on this repository can run `/perf-review` commands.")
            log.info("command denied", extra=fields)
            return ReviewOutcome("denied", request.requester)
        if request.comment_id is not None:
            client.add_reaction(request.repo, request.comment_id, "eyes")
    if request.kind == "help":
        return ReviewOutcome("replied", "help", comment_id=_reply(client, request, HELP_TEXT))
    pull = client.get_pull(request.repo, request.pr)
    head = request.head_sha or pull.head_sha
    if pull.state != "open":
        return ReviewOutcome("skipped", "the pull request is not open")
    if head != pull.head_sha:
        log.info("head moved on; not reviewing an old head", extra=fields)
        return ReviewOutcome("superseded", f"the PR head is now {pull.head_sha[:12]}")
    config = parse_config(client.get_file(request.repo, CONFIG_PATH))
    if request.kind == "bench":
        return _bench(client, request, pull, config)
    if pull.draft and not config.publish.drafts and request.trigger == "auto":
        return ReviewOutcome("skipped", "draft pull request (set drafts: true to review drafts)")
    run_id = client.create_check_run(request.repo, head, CHECK_NAME, status="in_progress",
                                     output=CheckOutput("Reviewing…", f"perf-review is reviewing {head[:12]}."))
    try:
        return _review(client, request, pull, config, run_id, is_current, render, measured)
    except BaseException as exc:
        _end_check_run(client, request.repo, run_id, _failure_text(exc), fields)
        raise


def report_failure(request: ReviewRequest, client: GitHubClient, message: str) -> None:
    """A review that finally failed: its check run ends `neutral` with a plain explanation."""
    if request.kind == "measure":  # the review of this head stands as it is; the job's log says why
        log.warning("measurements not folded in: %s", message, extra=_fields(request))
        return
    head = request.head_sha or client.get_pull(request.repo, request.pr).head_sha
    summary = f"perf-review could not review this commit: {message[:1000]}"
    open_runs = [r for r in client.list_check_runs(request.repo, head, CHECK_NAME) if r.status != "completed"]
    for run in open_runs:
        client.update_check_run(request.repo, run.id, status="completed", conclusion="neutral",
                                output=CheckOutput("Review failed", summary))
    if not open_runs:
        client.create_check_run(request.repo, head, CHECK_NAME, status="completed", conclusion="neutral",
                                output=CheckOutput("Review failed", summary))


def report_superseded(request: ReviewRequest, client: GitHubClient) -> None:
    """An outdated review: its unfinished check runs end `neutral`, "superseded"."""
    if not request.head_sha or request.kind == "measure":
        return
    for run in client.list_check_runs(request.repo, request.head_sha, CHECK_NAME):
        if run.status != "completed":
            client.update_check_run(request.repo, run.id, status="completed", conclusion="neutral",
                                    output=CheckOutput("Superseded", "A newer push to this pull request is "
                                                       "being reviewed instead."))


# -- the review --------------------------------------------------------------------------------------


def _review(client: GitHubClient, request: ReviewRequest, pull: PullInfo, config: RepoConfig, run_id: int,
            is_current: Callable[[], bool], render: Renderer | None,
            measured: Measurement | None = None) -> ReviewOutcome:
    files = client.list_pull_files(request.repo, request.pr)
    sticky, previous = _previous(client, request, pull)
    already = previous.inlined if previous else _inlined_by_review_comments(client, request, pull)
    if _go_count(files) == 0 and sticky is None:
        _end_check_run(client, request.repo, run_id, "This pull request changes no Go files: nothing to review.",
                       _fields(request), title="No Go changes")
        return ReviewOutcome("skipped", "no Go files changed", check_run_id=run_id)
    options = _with_profiles(client, request, pull, config, _options(config, request))
    budget = 9 + 2 * _go_count(files) - (8 + (pull.comments > 0) + (previous is None and pull.review_comments > 0))
    change = fetch_change(client, request.repo, pull, files, options, budget)
    result = analyze_change(change.changes, change.head, change.base, options)
    result.base, result.head = pull.base_sha, pull.head_sha
    extra: dict[str, Any] = {"measured": measured} if measured is not None else {}
    review = (render or _default_render())(result, previous=previous.findings if previous else None,
                                           benchmarks=_plan(result, change.head), sources=change.head, **extra)
    if not is_current():
        _end_check_run(client, request.repo, run_id, "Superseded: a newer push is being reviewed instead.",
                       _fields(request))
        return ReviewOutcome("superseded", "a newer request took over", check_run_id=run_id)
    gone = gone_findings(already, previous, result, options)
    announce_fixed(client, request.repo, request.pr, pull.head_sha, gone, result, files,
                   sticky.author if sticky else None)
    target = Target(request.repo, request.pr, pull.head_sha, run_id)
    pub = publish(client, target, review, result, files, config.publish, config.problems, sticky, already)
    return ReviewOutcome("published", pub.conclusion, run_id, pub.comment_id, pub.inline_posted,
                         len(result.findings))


def _previous(client: GitHubClient, request: ReviewRequest, pull: PullInfo) -> tuple[Any, PreviousState | None]:
    if pull.comments == 0:
        return None, None
    sticky = find_sticky(client.list_issue_comments(request.repo, request.pr))
    return sticky, (decode_state(sticky.body) if sticky else None)


def _inlined_by_review_comments(client: GitHubClient, request: ReviewRequest, pull: PullInfo) -> set[str]:
    """Without our comment's state (deleted, unreadable), earlier inline comments still must not repeat."""
    if pull.review_comments == 0:
        return set()
    return inlined_in(client.list_review_comments(request.repo, request.pr))


def _options(config: RepoConfig, request: ReviewRequest) -> Options:
    o = config.options
    return Options(disabled_rules=o.disabled_rules, enabled_rules=o.enabled_rules,
                   severity_overrides=o.severity_overrides, hot_globs=o.hot_globs, include=o.include,
                   exclude=o.exclude, full=request.full, profile_hot_threshold=o.profile_hot_threshold)


def _with_profiles(client: GitHubClient, request: ReviewRequest, pull: PullInfo, config: RepoConfig,
                   options: Options) -> Options:
    """CPU profiles from the default branch, never from the PR's head: a change cannot make itself cold."""
    if not config.read_profiles or not pull.default_branch:
        return options
    return load_from_github(client, request.repo, pull.default_branch, config.profiles).options(options)


def _is_go(f: PullFile) -> bool:
    return f.filename.endswith(".go") or (f.previous_filename or "").endswith(".go")


def _go_count(files: Sequence[PullFile]) -> int:
    return sum(1 for f in files if _is_go(f))


def fetch_change(client: GitHubClient, repo: str, pull: PullInfo, files: Sequence[PullFile], options: Options,
                 spare_calls: int = 0) -> Change:
    """FileChanges for the Go files, with each needed head and base content fetched once."""
    change = Change([])
    for f in files:
        if not _is_go(f):
            continue
        status = f.status if f.status in STATUSES else "modified"
        fc = FileChange(f.filename, status, f.previous_filename, f.patch)  # type: ignore[arg-type]
        change.changes.append(fc)
        if status == "removed" or skip_reason(f.filename, b"", options) is not None:
            continue
        change.head[f.filename] = client.get_file(repo, f.filename, pull.head_sha)
        spare_calls -= 1
        if status in ("modified", "renamed") and not f.filename.endswith("_test.go"):
            change.base[fc.base_path] = client.get_file(repo, fc.base_path, pull.base_sha)
            spare_calls -= 1
    if change.head and spare_calls >= 1 and "go.mod" not in change.head:
        change.head["go.mod"] = client.get_file(repo, "go.mod", pull.head_sha)
    return change


def _plan(result: Result, head: dict[str, bytes | None]) -> str | None:
    try:
        from analyzers.report.benchmarks import plan_for_change
        from analyzers.report.profile_notes import hottest_first
    except ImportError:
        return None
    try:
        return plan_for_change(result, head, order=hottest_first)
    except Exception:  # an optional extra: a generator bug must not cost the review
        log.exception("benchmark plan failed")
        return None


def _default_render() -> Renderer:
    from analyzers.report import render_review

    return render_review


# -- commands ----------------------------------------------------------------------------------------


def _may_run(client: GitHubClient, request: ReviewRequest) -> bool:
    if not request.requester:
        return False
    return client.permission(request.repo, request.requester) in ALLOWED_PERMISSIONS


def _reply(client: GitHubClient, request: ReviewRequest, body: str) -> int:
    return client.create_issue_comment(request.repo, request.pr, body[:65_536])


def _bench(client: GitHubClient, request: ReviewRequest, pull: PullInfo, config: RepoConfig) -> ReviewOutcome:
    files = client.list_pull_files(request.repo, request.pr)
    options = _with_profiles(client, request, pull, config, _options(config, request))
    change = fetch_change(client, request.repo, pull, files, options, spare_calls=1 + 2 * _go_count(files))
    result = analyze_change(change.changes, change.head, change.base, options)
    plan = _plan(result, change.head)
    return ReviewOutcome("replied", "bench", comment_id=_reply(client, request, bench_reply(plan, pull.head_sha)))


def bench_reply(plan: str | None, head_sha: str) -> str:
    if not plan:
        return (f"No benchmark plan for `{head_sha[:12]}`: this pull request touches no hot or warm Go function "
                "that perf-review can benchmark.")
    from analyzers.report.benchmarks import split_plan

    parts = [f"### Benchmark plan for `{head_sha[:12]}`\n\nSave each file in its package, then compare base "
             "and head with `go test -run '^$' -bench . -benchmem -count 10 ./pkg > new.txt` on each side and "
             "`benchstat old.txt new.txt`.\n"]
    used = len(parts[0])
    for path, code in split_plan(plan):
        block = f"\n<details><summary><code>{path}</code></summary>\n\n```go\n{code}```\n\n</details>\n"
        if used + len(block) > 64_000:
            pkg = path.rsplit("/", 1)[0] if "/" in path else "."
            parts.append(f"\n_(more files did not fit in one comment; run `perf-review benchmarks {pkg}` locally)_\n")
            break
        parts.append(block)
        used += len(block)
    return "".join(parts)


# -- failures ----------------------------------------------------------------------------------------


def _failure_text(exc: BaseException) -> str:
    if isinstance(exc, TransientGitHubError):
        return "GitHub had a temporary problem during the review; it will be retried."
    if isinstance(exc, PerfReviewError):
        return f"The review could not be completed: {str(exc)[:500]}"
    return f"The review could not be completed because of an internal error ({type(exc).__name__})."


def _end_check_run(client: GitHubClient, repo: str, run_id: int, text: str, fields: dict[str, Any],
                   title: str = "Review not completed") -> None:
    try:
        client.update_check_run(repo, run_id, status="completed", conclusion="neutral",
                                output=CheckOutput(title, text))
    except PerfReviewError as exc:  # already failing: keep the first error, note this one
        log.warning("could not close the check run", extra={**fields, "error": type(exc).__name__})


def _fields(request: ReviewRequest) -> dict[str, Any]:
    return {"delivery_id": request.delivery_id, "repo": request.repo, "pr": request.pr,
            "head_sha": request.head_sha, "kind": request.kind, "run_id": request.run_id}
