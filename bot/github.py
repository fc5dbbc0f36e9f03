"""The one boundary to GitHub: a small Protocol of what the bot needs, its PyGithub adapter, and the
App's credentials (JWT with pyjwt, installation tokens cached until shortly before they expire).

Every call goes through `PyGithubClient._call`, which retries transient failures (5xx, timeouts,
rate limits, honouring Retry-After and x-ratelimit-reset) with capped exponential backoff and turns
PyGithub's exceptions into our typed errors. Messages never carry tokens, keys or response headers.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import jwt
import requests
from github import Auth, Github, GithubException
from github.Artifact import Artifact
from github.Commit import Commit as GithubCommit
from github.PaginatedList import PaginatedList

from bot.errors import GitHubError, TransientGitHubError
from bot.gitfetch import trusted_clone_url

log = logging.getLogger(__name__)

T = TypeVar("T")
PER_PAGE = 100
JWT_BACKDATE_S = 60  # GitHub's advice: iat in the past, against clock drift
JWT_LIFETIME_S = 540  # exp = now + 9 min: under GitHub's 10-minute maximum even with some drift
TOKEN_REFRESH_MARGIN_S = 300.0  # mint a new installation token this long before the old one expires
SECONDARY_LIMIT_WAIT_S = 60.0
CallHook = Callable[[str, str, "int | None"], None]  # (operation, outcome, rate-limit remaining)


@dataclass(frozen=True)
class PullInfo:
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    draft: bool
    state: str
    comments: int  # issue comments on the PR (0: no need to look for our comment)
    review_comments: int
    default_branch: str = ""  # the repository's, from the PR's base repository
    clone_url: str = ""  # the base repository's git URL (whole packages are fetched over git from it)


@dataclass(frozen=True)
class PullFile:
    filename: str
    status: str  # added | modified | removed | renamed | copied | changed | unchanged
    previous_filename: str | None = None
    patch: str | None = None


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    author: str
    is_bot: bool
    app_id: int | None = None  # the GitHub App that wrote it (performed_via_github_app), if any


@dataclass(frozen=True)
class ReviewComment:
    id: int
    body: str
    path: str
    line: int | None
    author: str
    is_bot: bool
    in_reply_to: int | None = None  # the thread's first comment, for a reply


@dataclass(frozen=True)
class InlineComment:
    path: str
    line: int
    body: str


@dataclass(frozen=True)
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: str  # notice | warning | failure
    message: str
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "start_line": self.start_line, "end_line": self.end_line,
                               "annotation_level": self.level, "message": self.message}
        if self.title:
            out["title"] = self.title
        return out


@dataclass(frozen=True)
class CheckOutput:
    title: str
    summary: str
    text: str = ""
    annotations: Sequence[Annotation] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "summary": self.summary}
        if self.text:
            out["text"] = self.text
        if self.annotations:
            out["annotations"] = [a.to_json() for a in self.annotations]
        return out


@dataclass(frozen=True)
class CheckAction:
    """A button on a completed check run (GitHub: at most 3; label 20, description 40, identifier 20
    characters). A click sends `check_run` `requested_action` with the identifier."""

    label: str
    description: str
    identifier: str

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "description": self.description, "identifier": self.identifier}


@dataclass(frozen=True)
class TreeEntry:
    """One file of a repository tree, not yet read."""

    path: str
    sha: str
    size: int


@dataclass(frozen=True)
class CheckRunInfo:
    id: int
    status: str
    conclusion: str | None
    title: str = ""
    summary: str = ""
    app_id: int | None = None
    html_url: str = ""
    external_id: str = ""  # which job made it (bot/checkrun.py)


@dataclass(frozen=True)
class TreeInfo:
    """A commit's whole tree: blob SHA per file path. `truncated`: GitHub left entries out (over
    100,000 entries or 7 MB), so a path missing from `blobs` may still exist."""

    sha: str
    blobs: Mapping[str, str]
    truncated: bool


@dataclass(frozen=True)
class ArtifactInfo:
    id: int
    name: str
    size_in_bytes: int
    expired: bool


class GitHubClient(Protocol):
    """What the review needs from GitHub, for one installation. `repo` is "owner/name"."""

    def get_pull(self, repo: str, number: int) -> PullInfo: ...
    def list_pull_files(self, repo: str, number: int) -> list[PullFile]: ...
    def get_file(self, repo: str, path: str, ref: str | None = None) -> bytes | None: ...
    def list_tree(self, repo: str, ref: str) -> list[TreeEntry]: ...
    def get_blob(self, repo: str, sha: str) -> bytes: ...
    def list_issue_comments(self, repo: str, number: int) -> list[Comment]: ...
    def create_issue_comment(self, repo: str, number: int, body: str) -> int: ...
    def edit_issue_comment(self, repo: str, comment_id: int, body: str) -> None: ...
    def add_reaction(self, repo: str, comment_id: int, content: str) -> None: ...
    def list_review_comments(self, repo: str, number: int) -> list[ReviewComment]: ...
    def reply_to_review_comment(self, repo: str, number: int, comment_id: int, body: str) -> int: ...
    def create_review(self, repo: str, number: int, commit_sha: str, body: str,
                      comments: Sequence[InlineComment]) -> int: ...
    def create_check_run(self, repo: str, head_sha: str, name: str, *, status: str,
                         output: CheckOutput, conclusion: str | None = None,
                         actions: Sequence[CheckAction] = (), external_id: str = "") -> int: ...
    def update_check_run(self, repo: str, check_run_id: int, *, output: CheckOutput,
                         status: str | None = None, conclusion: str | None = None,
                         actions: Sequence[CheckAction] = ()) -> None: ...
    def list_check_runs(self, repo: str, ref: str, name: str) -> list[CheckRunInfo]: ...
    def get_tree(self, repo: str, sha: str) -> TreeInfo: ...
    def permission(self, repo: str, login: str) -> str: ...
    def git_token(self, clone_url: str) -> str | None: ...
    def list_run_artifacts(self, repo: str, run_id: int) -> list[ArtifactInfo]: ...
    def download_artifact(self, repo: str, artifact_id: int, max_bytes: int) -> bytes: ...
    def pulls_for_commit(self, repo: str, sha: str) -> list[int]: ...


class TooLarge(GitHubError):
    """A download that grew past the limit it was given: stopped, not retried."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_wait: float = 900.0  # a longer wait (a rate-limit reset far ahead) is left to the job queue
    max_sleep: float = 10.0  # a longer wait is not slept in the worker: the job is queued again with a delay
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.time, compare=False)

    def backoff(self, attempt: int) -> float:
        return float(min(self.max_delay, self.base_delay * (2**attempt)))


def classify(exc: BaseException, clock: Callable[[], float] = time.time) -> GitHubError:
    """A PyGithub / requests exception as our typed error, without headers, tokens or bodies."""
    if isinstance(exc, requests.Timeout):
        return TransientGitHubError("GitHub did not answer in time", None)
    if isinstance(exc, requests.ConnectionError):
        return TransientGitHubError("could not connect to GitHub", None)
    if not isinstance(exc, GithubException):
        return GitHubError(f"unexpected failure talking to GitHub: {type(exc).__name__}")
    status = exc.status
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    data = exc.data if isinstance(exc.data, Mapping) else {}
    message = str(data.get("message") or "")[:200]
    retry_after = _retry_after(headers, clock)
    limited = headers.get("x-ratelimit-remaining") == "0" or "rate limit" in message.lower()
    if retry_after is None and "secondary rate limit" in message.lower() and status in (403, 429):
        retry_after = SECONDARY_LIMIT_WAIT_S  # GitHub's advice when it gives no Retry-After: at least a minute
    if status >= 500 or status == 429 or (status == 403 and (limited or retry_after is not None)):
        return TransientGitHubError(f"GitHub answered {status}: {message}".rstrip(": "), status, retry_after)
    return GitHubError(f"GitHub answered {status}: {message}".rstrip(": "), status)


def _retry_after(headers: Mapping[str, str], clock: Callable[[], float]) -> float | None:
    raw = headers.get("retry-after")
    if raw is not None and raw.strip().isdigit():
        return float(raw.strip())
    if headers.get("x-ratelimit-remaining") == "0" and (headers.get("x-ratelimit-reset") or "").isdigit():
        return max(1.0, float(headers["x-ratelimit-reset"]) - clock() + 1.0)
    return None


def call_with_retry(kind: str, fn: Callable[[], T], policy: RetryPolicy,
                    on_outcome: Callable[[str, str], None] | None = None) -> T:
    """fn(), retried on transient failures. Raises GitHubError / TransientGitHubError."""
    attempt = 0
    while True:
        try:
            result = fn()
        except (GithubException, requests.RequestException) as exc:
            err = classify(exc, policy.clock)
            if on_outcome:
                on_outcome(kind, str(err.status or "error"))
            if not isinstance(err, TransientGitHubError):
                raise err from None
            delay = err.retry_after if err.retry_after is not None else policy.backoff(attempt)
            attempt += 1
            if attempt >= policy.attempts or delay > min(policy.max_wait, policy.max_sleep):
                # A long wait (a rate limit) is the job queue's: it puts the job back with this delay
                # instead of holding a worker thread asleep.
                err.retry_after = max(delay, err.retry_after or 0.0)
                raise err from None
            log.warning("transient GitHub failure, retrying",
                        extra={"operation": kind, "status": err.status, "delay_s": round(delay, 1),
                               "attempt": attempt})
            policy.sleep(delay)
            continue
        if on_outcome:
            on_outcome(kind, "ok")
        return result


class AppAuth:
    """The App's credentials: a short-lived JWT, and installation tokens cached per installation."""

    def __init__(self, app_id: int, private_key: str, api_url: str, *, retry: RetryPolicy | None = None,
                 timeout: int = 15, clock: Callable[[], float] = time.time) -> None:
        self.app_id = app_id
        self._key = private_key
        self.api_url = api_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self._clock = clock
        self._tokens: dict[int, tuple[str, float]] = {}
        self._login: str | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"AppAuth(app_id={self.app_id}, api_url={self.api_url!r})"

    def jwt(self) -> str:
        now = int(self._clock())
        claims = {"iat": now - JWT_BACKDATE_S, "exp": now + JWT_LIFETIME_S, "iss": str(self.app_id)}
        try:
            return jwt.encode(claims, self._key, algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            raise GitHubError(f"cannot sign the app JWT: the private key is unusable ({type(exc).__name__})") from None

    def installation_token(self, installation_id: int) -> str:
        return self.token_and_expiry(installation_id)[0]

    def token_and_expiry(self, installation_id: int) -> tuple[str, float]:
        """The cached installation token and when it expires (epoch seconds), minted when needed."""
        with self._lock:
            cached = self._tokens.get(installation_id)
            if cached and cached[1] - TOKEN_REFRESH_MARGIN_S > self._clock():
                return cached
            token, expires = call_with_retry("create_installation_token", lambda: self._mint(installation_id),
                                             self.retry)
            self._tokens[installation_id] = (token, expires)
            log.info("installation token minted", extra={"installation_id": installation_id})
            return token, expires

    def remember_token(self, installation_id: int, token: str, expires: float) -> None:
        """A token minted elsewhere (the worker, for the review process it starts)."""
        with self._lock:
            self._tokens[installation_id] = (token, expires)

    def bot_login(self) -> str:
        """The App's bot account, "<slug>[bot]" (GET /app, once per process)."""
        with self._lock:
            if self._login is None:
                self._login = call_with_retry("get_app", self._slug, self.retry) + "[bot]"
            return self._login

    def _slug(self) -> str:
        gh = make_github(self.api_url, Auth.AppAuthToken(self.jwt()), self.timeout)
        try:
            _, data = gh.requester.requestJsonAndCheck("GET", "/app")
        finally:
            gh.close()
        return str(data["slug"])

    def _mint(self, installation_id: int) -> tuple[str, float]:
        gh = make_github(self.api_url, Auth.AppAuthToken(self.jwt()), self.timeout)
        try:
            _, data = gh.requester.requestJsonAndCheck(
                "POST", f"/app/installations/{installation_id}/access_tokens", input={})
        finally:
            gh.close()
        expires = datetime.strptime(data["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return str(data["token"]), expires.timestamp()


class InstallationAuth(Auth.Auth):
    """PyGithub auth that asks AppAuth for the (cached) token on every request."""

    def __init__(self, app: AppAuth, installation_id: int) -> None:
        self._app = app
        self._installation_id = installation_id

    @property
    def token_type(self) -> str:
        return "token"

    @property
    def token(self) -> str:
        return self._app.installation_token(self._installation_id)

    @property
    def _masked_token(self) -> str:
        return "token (removed)"


def make_github(api_url: str, auth: Auth.Auth, timeout: int = 15) -> Github:
    """PyGithub against api_url (github.com or a GitHub Enterprise /api/v3 URL), without its own
    retries or throttling: PyGithubClient retries, and honours GitHub's own limit headers."""
    return Github(base_url=api_url.rstrip("/"), auth=auth, timeout=timeout, per_page=PER_PAGE, lazy=True,
                  retry=None, seconds_between_requests=None, seconds_between_writes=None)


class PyGithubClient:
    """GitHubClient over PyGithub. `on_call(operation, outcome, rate_remaining)` is told about every
    operation (outcome "ok" or the HTTP status), for metrics; the lead wires it to bot.observability."""

    def __init__(self, gh: Github, *, retry: RetryPolicy | None = None, on_call: CallHook | None = None,
                 app: AppAuth | None = None, timeout: int = 15) -> None:
        self._gh = gh
        self._retry = retry or RetryPolicy()
        self._on_call = on_call
        self._timeout = timeout
        self._app = app
        self.app_id: int | None = app.app_id if app is not None else None

    def app_login(self) -> str:
        """This App's bot login ("" without App credentials): what its review comments are written as."""
        return self._app.bot_login() if self._app is not None else ""

    def _call(self, kind: str, fn: Callable[[], T]) -> T:
        return call_with_retry(kind, fn, self._retry, self._report)

    def _report(self, kind: str, outcome: str) -> None:
        if self._on_call is not None:
            remaining = self._gh.requester.rate_limiting[0]
            self._on_call(kind, outcome, remaining if remaining >= 0 else None)

    def _repo(self, repo: str) -> Any:
        return self._gh.get_repo(repo)

    def get_pull(self, repo: str, number: int) -> PullInfo:
        def fetch() -> PullInfo:
            pr = self._repo(repo).get_pull(number)
            base_repo = (pr.raw_data.get("base") or {}).get("repo") or {}
            return PullInfo(pr.number, pr.head.sha, pr.base.sha, pr.base.ref, bool(pr.draft), pr.state,
                            int(pr.comments or 0), int(pr.review_comments or 0),
                            str(getattr(pr.base.repo, "default_branch", "") or ""),
                            clone_url=str(base_repo.get("clone_url") or ""))

        return self._call("get_pull", fetch)

    def list_pull_files(self, repo: str, number: int) -> list[PullFile]:
        def fetch() -> list[PullFile]:
            files = self._repo(repo).get_pull(number).get_files()
            return [PullFile(f.filename, f.status, f.previous_filename, f.patch) for f in files]

        return self._call("list_pull_files", fetch)

    def get_file(self, repo: str, path: str, ref: str | None = None) -> bytes | None:
        """A file's bytes at ref (default branch when None); None when absent, a directory or over 1 MB."""

        def fetch() -> bytes | None:
            try:
                content = self._repo(repo).get_contents(path, **({"ref": ref} if ref else {}))
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
            if isinstance(content, list) or content.encoding != "base64":
                return None
            return bytes(content.decoded_content)

        return self._call("get_file", fetch)

    def list_tree(self, repo: str, ref: str) -> list[TreeEntry]:
        """Every file of ref's tree (one request: GitHub lists up to 100,000 entries recursively)."""

        def fetch() -> list[TreeEntry]:
            tree = self._repo(repo).get_git_tree(ref, recursive=True)
            return [TreeEntry(e.path, e.sha, int(e.size or 0)) for e in tree.tree if e.type == "blob"]

        return self._call("list_tree", fetch)

    def get_blob(self, repo: str, sha: str) -> bytes:
        """A file's bytes by blob sha: up to 100 MB, where the contents API stops at 1 MB."""

        def fetch() -> bytes:
            blob = self._repo(repo).get_git_blob(sha)
            if blob.encoding == "base64":
                return base64.b64decode(blob.content)
            return str(blob.content).encode("utf-8")

        return self._call("get_blob", fetch)

    def list_issue_comments(self, repo: str, number: int) -> list[Comment]:
        def fetch() -> list[Comment]:
            return [Comment(c.id, c.body or "", c.user.login, c.user.type == "Bot", _app_id(c))
                    for c in self._repo(repo).get_issue(number).get_comments()]

        return self._call("list_issue_comments", fetch)

    def create_issue_comment(self, repo: str, number: int, body: str) -> int:
        return self._call("create_issue_comment",
                          lambda: int(self._repo(repo).get_issue(number).create_comment(body).id))

    def edit_issue_comment(self, repo: str, comment_id: int, body: str) -> None:
        def edit() -> None:
            self._repo(repo).get_issue(0).get_comment(comment_id).edit(body)

        self._call("edit_issue_comment", edit)

    def add_reaction(self, repo: str, comment_id: int, content: str) -> None:
        def react() -> None:
            self._repo(repo).get_issue(0).get_comment(comment_id).create_reaction(content)

        self._call("add_reaction", react)

    def list_review_comments(self, repo: str, number: int) -> list[ReviewComment]:
        def fetch() -> list[ReviewComment]:
            return [ReviewComment(c.id, c.body or "", c.path, c.line, c.user.login, c.user.type == "Bot",
                                  c.in_reply_to_id)
                    for c in self._repo(repo).get_pull(number).get_review_comments()]

        return self._call("list_review_comments", fetch)

    def reply_to_review_comment(self, repo: str, number: int, comment_id: int, body: str) -> int:
        return self._call("reply_to_review_comment", lambda: int(
            self._repo(repo).get_pull(number).create_review_comment_reply(comment_id, body).id))

    def create_review(self, repo: str, number: int, commit_sha: str, body: str,
                      comments: Sequence[InlineComment]) -> int:
        payload: list[Any] = [{"path": c.path, "line": c.line, "side": "RIGHT", "body": c.body} for c in comments]

        def post() -> int:
            pr = self._repo(repo).get_pull(number)
            # A Commit built from its SHA: a lazy one would fetch GET /commits/{sha} just for .sha
            commit = GithubCommit(self._gh.requester, {}, {"sha": commit_sha}, completed=True)
            return int(pr.create_review(commit=commit, body=body, event="COMMENT", comments=payload).id)

        return self._call("create_review", post)

    def create_check_run(self, repo: str, head_sha: str, name: str, *, status: str,
                         output: CheckOutput, conclusion: str | None = None,
                         actions: Sequence[CheckAction] = (), external_id: str = "") -> int:
        extra: dict[str, Any] = {k: v for k, v in (("conclusion", conclusion), ("external_id", external_id)) if v}
        if actions:
            extra["actions"] = [a.to_json() for a in actions]

        def post() -> int:
            run = self._repo(repo).create_check_run(name=name, head_sha=head_sha, status=status,
                                                    output=output.to_json(), **extra)
            return int(run.id)

        return self._call("create_check_run", post)

    def update_check_run(self, repo: str, check_run_id: int, *, output: CheckOutput,
                         status: str | None = None, conclusion: str | None = None,
                         actions: Sequence[CheckAction] = ()) -> None:
        extra: dict[str, Any] = {k: v for k, v in (("status", status), ("conclusion", conclusion)) if v}
        if actions:
            extra["actions"] = [a.to_json() for a in actions]

        def patch() -> None:
            self._repo(repo).get_check_run(check_run_id).edit(output=output.to_json(), **extra)

        self._call("update_check_run", patch)

    def list_check_runs(self, repo: str, ref: str, name: str) -> list[CheckRunInfo]:
        def fetch() -> list[CheckRunInfo]:
            runs = self._repo(repo).get_commit(ref).get_check_runs(check_name=name)
            return [CheckRunInfo(r.id, r.status, r.conclusion, str(r.output.title or ""),
                                 str(r.output.summary or ""), r.app.id if r.app else None, str(r.html_url or ""),
                                 str(r.external_id or ""))
                    for r in runs]

        return self._call("list_check_runs", fetch)

    def get_tree(self, repo: str, sha: str) -> TreeInfo:
        """The recursive tree of a commit (or tree) SHA: one call, whatever the repository's size."""

        def fetch() -> TreeInfo:
            tree = self._repo(repo).get_git_tree(sha, recursive=True)
            blobs = {e.path: e.sha for e in tree.tree if e.type == "blob"}
            return TreeInfo(str(tree.sha), blobs, bool(tree.truncated))

        return self._call("get_tree", fetch)

    def git_token(self, clone_url: str) -> str | None:
        """The installation token for git over HTTPS from clone_url, or None: no installation auth, or a
        clone URL on another host than the API's (the token goes nowhere else)."""
        auth = self._gh.requester.auth
        if not isinstance(auth, InstallationAuth) or not trusted_clone_url(clone_url, self._gh.requester.base_url):
            return None
        return auth.token

    def permission(self, repo: str, login: str) -> str:
        """The collaborator's permission: admin, write (also for maintain), read or none."""

        def fetch() -> str:
            try:
                return str(self._repo(repo).get_collaborator_permission(login) or "none")
            except GithubException as exc:
                if exc.status == 404:  # no such user, or not one GitHub will say anything about: no permission
                    return "none"
                raise

        return self._call("permission", fetch)

    def list_run_artifacts(self, repo: str, run_id: int) -> list[ArtifactInfo]:
        def fetch() -> list[ArtifactInfo]:
            # The listing URL from the run number alone: going through the run object would GET the run first.
            pages = PaginatedList(Artifact, self._gh.requester, f"/repos/{repo}/actions/runs/{run_id}/artifacts",
                                  {"per_page": PER_PAGE}, list_item="artifacts")
            return [ArtifactInfo(a.id, a.name, int(a.size_in_bytes or 0), bool(a.expired)) for a in pages]

        return self._call("list_run_artifacts", fetch)

    def download_artifact(self, repo: str, artifact_id: int, max_bytes: int) -> bytes:
        """The artifact's zip. GitHub answers with a redirect to short-lived storage; that second request
        carries no token (the URL is pre-signed), and reading stops at max_bytes (TooLarge)."""

        def fetch() -> bytes:
            status, headers, body = self._gh.requester.requestJson(
                "GET", f"/repos/{repo}/actions/artifacts/{artifact_id}/zip")
            location = {k.lower(): v for k, v in headers.items()}.get("location")
            if status != 302 or not location:
                data = _json_or_none(body)
                raise GithubException(status, data if isinstance(data, dict) else None, headers)
            return _download(location, max_bytes, self._timeout)

        return self._call("download_artifact", fetch)

    def pulls_for_commit(self, repo: str, sha: str) -> list[int]:
        """Open pull requests whose head is this commit (what a run from a fork does not list itself)."""

        def fetch() -> list[int]:
            pulls = self._repo(repo).get_commit(sha).get_pulls()
            return [int(p.number) for p in pulls if p.state == "open" and p.head.sha == sha]

        return self._call("pulls_for_commit", fetch)


def _json_or_none(body: str) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _download(url: str, max_bytes: int, timeout: int) -> bytes:
    """GET a pre-signed storage URL without any credentials, reading at most max_bytes (streamed, so a
    huge or endless body costs no more than the limit)."""
    with requests.get(url, stream=True, timeout=timeout) as resp:
        if resp.status_code >= 400:
            raise GithubException(resp.status_code, {"message": "artifact storage refused the download"}, None)
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise TooLarge(f"the artifact is {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_content(chunk_size=65_536):
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"the artifact is over the {max_bytes:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)


def installation_client(app: AppAuth, installation_id: int, *, retry: RetryPolicy | None = None,
                        on_call: CallHook | None = None) -> PyGithubClient:
    gh = make_github(app.api_url, InstallationAuth(app, installation_id), timeout=app.timeout)
    return PyGithubClient(gh, retry=retry or app.retry, on_call=on_call, app=app, timeout=app.timeout)


def _app_id(comment: Any) -> int | None:
    app = comment.performed_via_github_app
    return int(app.id) if app is not None and app.id is not None else None
