"""The review job for one request: fetch the PR's files and the Go sources they change, analyse the
change, render the review and publish it; plus the slash-command replies (help, bench, denied).

Sources: with a git cache (bot/gitfetch.py), every Go file of each touched package at base and head, over
git (no REST calls). Without one, or when git fails, each changed file through the contents API, and the
API calls for a PR with F changed Go files stay within 9 + 2F (pagination over 100 files aside): get PR,
read config, list files, list the default branch's tree (for CPU profiles), create check run, [list
comments when the PR has any], write the comment, post the inline review, complete the check run, and at
most two content reads per Go file (head, and base when modified or renamed); plus one read per CPU
profile the worker has not seen before (profiles are cached by blob). The root go.mod is read only when
that leaves the budget intact.
"""

from __future__ import annotations

import logging
import posixpath
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from analyzers.diff import FileChange
from analyzers.engine import Options, analyze_change, skip_reason
from analyzers.model import Finding, Result
from analyzers.report.measured import Measurement, promote_measured
from bot import checkrun
from bot.config import Config
from bot.errors import GitError, PerfReviewError, TransientGitHubError
from bot.gitfetch import GitCache, GitRemote, change_dirs
from bot.github import AppAuth, CallHook, CheckOutput, GitHubClient, PullFile, PullInfo, installation_client
from bot.jobspec import ReviewRequest
from bot.limits import Limits, Omission, as_skipped, cap_findings, pick_files, summary, trim_change
from bot.profiles import load_from_github
from bot.publish import PreviousState, ReviewLike, Target, decode_state, find_sticky, inlined_in, publish
from bot.repo_config import CONFIG_PATH, RepoConfig, parse_config
from bot.threads import announce_fixed, gone_findings

if TYPE_CHECKING:
    from analyzers.report.plan import ReviewPlan

log = logging.getLogger(__name__)

ALLOWED_PERMISSIONS = frozenset({"admin", "maintain", "write"})
PARTIAL_NOTE = ("Only the changed files were read, not whole packages over git: tiers and types that depend on the "
                "other files of their packages may differ from `perf-review review`.")
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
    partial: bool = False  # only the changed files (no git): the review says so
    left_out: list[Omission] = field(default_factory=list)  # changed Go files past the contents-API limit

    def notes(self) -> list[str]:
        return [PARTIAL_NOTE] if self.partial and self.head else []


# -- entry points ------------------------------------------------------------------------------------

_apps: dict[tuple[int, str], AppAuth] = {}
_apps_lock = threading.Lock()


def app_for(config: Config) -> AppAuth:
    """The App's credentials (and token cache), one per App and process."""
    with _apps_lock:
        app = _apps.get((config.app_id, config.api_url))
        if app is None:
            app = _apps[(config.app_id, config.api_url)] = AppAuth(config.app_id, config.private_key, config.api_url)
        return app


def client_for(config: Config, installation_id: int, *, on_call: CallHook | None = None) -> GitHubClient:
    """A client for one installation; the App's credentials (and token cache) are shared per App."""
    return installation_client(app_for(config), installation_id, on_call=on_call)


def run_review(request: ReviewRequest, client: GitHubClient, *, is_current: Callable[[], bool] = lambda: True,
               render: Renderer | None = None, limits: Limits | None = None,
               git: GitCache | None = None, measured: Measurement | None = None) -> ReviewOutcome:
    """One review request. `git`: the cache to fetch whole packages with (None: the contents API only);
    `measured`: figures from a perf-review-measure artifact for this head (bot.measured_review)."""
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
            _react(client, request)
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
        return _bench(client, request, pull, config, limits or Limits(), git)
    if pull.draft and not config.publish.drafts and request.trigger == "auto":
        return ReviewOutcome("skipped", "draft pull request (set drafts: true to review drafts)")
    run_id = checkrun.start(client, request, head)
    try:
        return _review(client, request, pull, config, run_id, is_current, render, limits or Limits(), git,
                       measured)
    except BaseException as exc:
        checkrun.close(client, request.repo, head, run_id, checkrun.NOT_COMPLETED, _failure_text(exc))
        raise


def report_failure(request: ReviewRequest, client: GitHubClient, message: str) -> None:
    """A review that finally failed: its own check run says why (bot/checkrun.py decides the
    conclusion); a command that never got as far as a check run is answered in the conversation."""
    if request.kind == "measure":  # the review of this head stands as it is; the job's log says why
        log.warning("measurements not folded in: %s", message, extra=_fields(request))
        return
    head = request.head_sha or client.get_pull(request.repo, request.pr).head_sha
    if not checkrun.report_failure(client, request, head, message) and request.comment_id is not None:
        _reply(client, request, f"@{request.requester or 'there'}: perf-review could not run this command: "
                                f"{message[:1000]}")


def report_superseded(request: ReviewRequest, client: GitHubClient) -> None:
    """An outdated review: its unfinished check runs end "superseded"."""
    if request.head_sha and request.kind != "measure":
        checkrun.report_superseded(client, request, request.head_sha)


def report_abandoned(request: ReviewRequest, client: GitHubClient) -> None:
    """An earlier attempt of this job stopped mid-way (its worker died): close what it left open."""
    head = request.head_sha or client.get_pull(request.repo, request.pr).head_sha
    checkrun.report_abandoned(client, request, head)


# -- the review --------------------------------------------------------------------------------------


def _review(client: GitHubClient, request: ReviewRequest, pull: PullInfo, config: RepoConfig, run_id: int,
            is_current: Callable[[], bool], render: Renderer | None, limits: Limits,
            git: GitCache | None = None, measured: Measurement | None = None) -> ReviewOutcome:
    files, omitted = pick_files(client.list_pull_files(request.repo, request.pr), limits, count_go=git is None)
    sticky, previous = _previous(client, request, pull)
    already = previous.inlined if previous else _inlined_by_review_comments(client, request, pull)
    if _go_count(files) == 0 and sticky is None:
        client.update_check_run(request.repo, run_id, status="completed", conclusion="neutral",
                                output=CheckOutput("No Go changes", "This pull request changes no Go files: "
                                                   "nothing to review." + _left_out(omitted)))
        return ReviewOutcome("skipped", "no Go files changed", check_run_id=run_id)
    options = _with_profiles(client, request, pull, config, _options(config, request))
    budget = 9 + 2 * _go_count(files) - (8 + (pull.comments > 0) + (previous is None and pull.review_comments > 0))
    change = fetch_change(client, request.repo, pull, files, options, budget, git, max_files=limits.files)
    omitted += change.left_out + _fit(change, limits)
    result = analyze_change(change.changes, change.head, change.base, options)
    result.base, result.head = pull.base_sha, pull.head_sha
    if measured is not None:
        promote_measured(result.findings, measured)
    hidden, capped = cap_findings(result, limits)
    omitted += capped
    as_skipped(result, omitted)
    review = (render or _default_render())(result, previous=_comparable(previous, omitted, hidden),
                                           benchmarks=_review_plan(result, change.head),
                                           sources=change.head, notes=change.notes(),
                                           **({"measured": measured} if measured is not None else {}))
    if not is_current():
        checkrun.close(client, request.repo, pull.head_sha, run_id, "Superseded",
                       "A newer push to this pull request is being reviewed instead.")
        return ReviewOutcome("superseded", "a newer request took over", check_run_id=run_id)
    gone = gone_findings(already, previous, result, options) - hidden  # capped out is not fixed
    announce_fixed(client, request.repo, request.pr, pull.head_sha, gone, result, files + _left_out_files(omitted),
                   sticky.author if sticky else None)
    target = Target(request.repo, request.pr, pull.head_sha, run_id)
    pub = publish(client, target, review, result, files, config.publish, config.problems, sticky, already,
                  notes=summary(omitted))
    return ReviewOutcome("published", pub.conclusion, run_id, pub.comment_id, pub.inline_posted,
                         len(result.findings))


def _fit(change: Change, limits: Limits) -> list[Omission]:
    """Changed files past the byte or function budget leave the change (listed as left out)."""
    base_paths = {c.path: c.base_path for c in change.changes}
    dropped, omitted = trim_change([c.path for c in change.changes], change.head, change.base, base_paths, limits)
    change.changes = [c for c in change.changes if c.path not in dropped]
    return omitted


def _comparable(previous: PreviousState | None, omitted: Sequence[Omission], hidden: set[str]) -> list[Finding] | None:
    """The last review's findings that this one can speak for: what it left out is not "fixed"."""
    if previous is None:
        return None
    left_out = {o.path for o in omitted if o.path}
    return [f for f in previous.findings if f.file not in left_out and f.fingerprint not in hidden]


def _previous(client: GitHubClient, request: ReviewRequest, pull: PullInfo) -> tuple[Any, PreviousState | None]:
    if pull.comments == 0:
        return None, None
    sticky = find_sticky(client.list_issue_comments(request.repo, request.pr), getattr(client, "app_id", None))
    return sticky, (decode_state(sticky.body) if sticky else None)


def _inlined_by_review_comments(client: GitHubClient, request: ReviewRequest, pull: PullInfo) -> set[str]:
    """Without our comment's state (deleted, unreadable), earlier inline comments still must not repeat."""
    if pull.review_comments == 0:
        return set()
    login = client.app_login() if hasattr(client, "app_login") else ""
    return inlined_in(client.list_review_comments(request.repo, request.pr), login)


def _options(config: RepoConfig, request: ReviewRequest) -> Options:
    """The repository's configuration, and the request's choice of every function or only touched ones."""
    return replace(config.options, full=request.full)


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
                 spare_calls: int = 0, git: GitCache | None = None, max_files: int | None = None) -> Change:
    """FileChanges for the Go files, with the sources to analyse: every Go file of each touched package at
    base and head over git when `git` is given (no REST calls), else each changed file once through the
    contents API (and the root go.mod when `spare_calls` allow)."""
    change = Change([])
    for f in files:
        if not _is_go(f):
            continue
        status = f.status if f.status in STATUSES else "modified"
        change.changes.append(FileChange(f.filename, status, f.previous_filename, f.patch))  # type: ignore[arg-type]
    if git is not None and _fetch_packages(client, repo, pull, change, options, git):
        return change
    change.partial = True
    if max_files is not None and len(change.changes) > max_files:  # git failed: the API reads only so many
        change.left_out = [Omission(c.path, f"left out: over the limit of {max_files} Go files per review")
                           for c in change.changes[max_files:]]
        change.changes = change.changes[:max_files]
    for fc in change.changes:
        if fc.status == "removed" or skip_reason(fc.path, b"", options) is not None:
            continue
        change.head[fc.path] = client.get_file(repo, fc.path, pull.head_sha)
        spare_calls -= 1
        if fc.status in ("modified", "renamed") and not fc.path.endswith("_test.go"):
            change.base[fc.base_path] = client.get_file(repo, fc.base_path, pull.base_sha)
            spare_calls -= 1
    if change.head and spare_calls >= 1 and "go.mod" not in change.head:
        change.head["go.mod"] = client.get_file(repo, "go.mod", pull.head_sha)
    return change


def _fetch_packages(client: GitHubClient, repo: str, pull: PullInfo, change: Change, options: Options,
                    git: GitCache) -> bool:
    """Whole packages over git; False (and the contents API instead) when git is not available."""
    head_dirs, base_dirs = change_dirs(change.changes, options)
    if not head_dirs and not base_dirs:
        return True
    token = client.git_token(pull.clone_url) if pull.clone_url else None
    if token is None:
        log.info("no usable clone URL: reading files through the API", extra={"repo": repo})
        return False
    wanted = {pull.head_sha: head_dirs}
    wanted.setdefault(pull.base_sha, set()).update(base_dirs)
    try:
        fetched = git.packages(GitRemote(pull.clone_url, token), repo, wanted)
    except GitError as exc:
        log.warning("git fetch failed: reading files through the API", extra={"repo": repo, "error": str(exc)})
        return False
    change.head = {p: s for p, s in fetched[pull.head_sha].items() if _in(p, head_dirs)}
    change.base = {p: s for p, s in fetched[pull.base_sha].items() if _in(p, base_dirs)}
    return True


def _in(path: str, dirs: set[str]) -> bool:
    """A Go file of one of dirs, or a go.mod (the same commit can be both base and head)."""
    return path.endswith("go.mod") or posixpath.dirname(path) in dirs


def _plan(result: Result, head: dict[str, bytes | None]) -> str | None:
    """The benchmark plan of `/perf-review bench`: every hot and warm touched function."""
    try:
        from analyzers.report.benchmarks import plan_for_change
        from analyzers.report.profile_notes import hottest_first
    except ImportError:
        return None
    try:
        return plan_for_change(result, head, order=hottest_first)
    except Exception:  # an optional extra: a generator bug must not cost the reply
        log.exception("benchmark plan failed")
        return None


def _review_plan(result: Result, head: dict[str, bytes | None]) -> ReviewPlan | None:
    """The review's benchmark plan: the functions with new findings, their existing benchmarks first."""
    try:
        from analyzers.report.plan import review_plan
        from analyzers.report.profile_notes import hottest_first
    except ImportError:
        return None
    try:
        return review_plan(result, head, order=hottest_first)
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


def _react(client: GitHubClient, request: ReviewRequest) -> None:
    """👀 on the command: a courtesy, so a comment deleted in the meantime does not stop the work."""
    try:
        client.add_reaction(request.repo, request.comment_id or 0, "eyes")
    except PerfReviewError as exc:
        log.warning("could not react to the command: %s", exc, extra=_fields(request))


def _reply(client: GitHubClient, request: ReviewRequest, body: str) -> int:
    return client.create_issue_comment(request.repo, request.pr, body[:65_536])


def _bench(client: GitHubClient, request: ReviewRequest, pull: PullInfo, config: RepoConfig,
           limits: Limits, git: GitCache | None = None) -> ReviewOutcome:
    files, _ = pick_files(client.list_pull_files(request.repo, request.pr), limits, count_go=git is None)
    options = _with_profiles(client, request, pull, config, _options(config, request))
    change = fetch_change(client, request.repo, pull, files, options, 1 + 2 * _go_count(files), git,
                          max_files=limits.files)
    _fit(change, limits)
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


def _left_out_files(omitted: Sequence[Omission]) -> list[PullFile]:
    """Files the limits kept out: still changed by the PR, not analysed, so nothing in them is "fixed"."""
    return [PullFile(o.path, "modified") for o in omitted if o.path and o.reason.startswith("left out")]


def _left_out(omitted: Sequence[Omission]) -> str:
    text = summary(omitted)
    return f"\n\n{text}" if text else ""


def _fields(request: ReviewRequest) -> dict[str, Any]:
    return {"delivery_id": request.delivery_id, "repo": request.repo, "pr": request.pr,
            "head_sha": request.head_sha, "kind": request.kind, "run_id": request.run_id}
