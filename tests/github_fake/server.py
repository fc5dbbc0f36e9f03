"""The GitHub stand-in: a threaded HTTP server on 127.0.0.1 that checks credentials, validates every
request against openapi-subset.json, enforces GitHub's limits, records calls and can inject faults."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import jwt

from tests.github_fake import githttp
from tests.github_fake.actions import STORAGE_PREFIX
from tests.github_fake.api import Api, Ctx, Reply, dumps
from tests.github_fake.gitdata import GitData
from tests.github_fake.githttp import GitRequest
from tests.github_fake.spec import load_spec
from tests.github_fake.state import BOT_TYPE, Pull, State, Token, iso, user

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # without the API prefix and query string
    status: int
    operation: str  # operationId, "" when the route is not in the subset
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS


@dataclass
class Fault:
    """Answer the next `count` matching requests with `status` (after `delay` seconds)."""

    status: int
    count: int = 1
    methods: frozenset[str] | None = None
    path: str | None = None  # regex searched in the path
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "Server Error"
    delay: float = 0.0
    include_app: bool = False  # also hit /app/... (token minting)
    pass_through: bool = False  # only the delay: then answer the request normally (a slow GitHub)

    def matches(self, method: str, path: str) -> bool:
        if self.count <= 0:
            return False
        if not self.include_app and path.startswith("/app"):
            return False
        if self.methods is not None and method not in self.methods:
            return False
        return self.path is None or re.search(self.path, path) is not None


class FakeGitHub:
    def __init__(self, repo_path: Path, public_key: str, *, owner: str = "octo-org", name: str = "widgets",
                 app_id: int = 4242, installation_id: int = 77, prefix: str = "", token_ttl: float = 3600.0):
        self.state = State(owner=owner, name=name, app_id=app_id, installation_id=installation_id)
        self.git = GitData(repo_path)
        self.api = Api(self.state, self.git)
        self.spec = load_spec()
        self.public_key = public_key
        self.prefix = prefix.rstrip("/")
        self.token_ttl = token_ttl
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.auth_failures: list[str] = []
        self.git_requests: list[GitRequest] = []  # git over HTTP: apart from `calls` (no REST budget)
        self.git_auth_failures: list[str] = []
        self.serve_git = True  # False: the repository cannot be cloned (the App must fall back to the API)
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name="github-fake")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the stand-in is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    @property
    def clone_url(self) -> str:
        """Where git clones the repository from: the host, without the API prefix (as on GHES)."""
        assert self._server is not None, "the stand-in is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}/{self.state.full_name}.git"

    # -- test-side helpers ------------------------------------------------------------------------

    def open_pull(self, head: str, base: str = "main", number: int | None = None, *, draft: bool = False,
                  author: str = "octocat") -> int:
        with self.lock:
            number = number or max(self.state.pulls, default=0) + 1
            self.state.pulls[number] = Pull(number, head, base, author, draft)
            return number

    def set_permission(self, login: str, role: str) -> None:
        self.state.permissions[login] = role

    def add_comment(self, number: int, body: str, author: str = "octocat", kind: str = "User") -> int:
        with self.lock:
            return int(self.api.add_comment(number, body, user(author, kind), self.url)["id"])

    def reply(self, comment_id: int, body: str, author: str = "octocat") -> int:
        """A person replies in the review thread of `comment_id` (its first comment)."""
        from tests.github_fake.api_threads import add_reply

        with self.lock:
            return int(add_reply(self.api, self.state.review_comments[comment_id], body, user(author), self.url)["id"])

    def bot_comments(self, number: int) -> list[dict[str, Any]]:
        return self.state.bot_comments(number)

    def review_comments(self, number: int) -> list[dict[str, Any]]:
        return self.state.review_comments_on(number)

    def check_runs(self) -> list[dict[str, Any]]:
        return list(self.state.check_runs.values())

    def issue_token(self, ttl: float | None = None) -> str:
        """An installation token for tests that skip the app flow."""
        return self._mint(ttl)[0]

    def inject(self, fault: Fault) -> Fault:
        with self.lock:
            self.faults.append(fault)
        return fault

    def fail_writes(self, count: int, status: int = 502) -> Fault:
        return self.inject(Fault(status, count, methods=WRITE_METHODS, message="Bad Gateway"))

    def rate_limit(self, count: int = 1, reset_in: int = 30, methods: frozenset[str] | None = None) -> Fault:
        reset = str(int(time.time()) + reset_in)
        return self.inject(Fault(403, count, methods, headers={"x-ratelimit-remaining": "0",
                                                               "x-ratelimit-limit": "5000",
                                                               "x-ratelimit-reset": reset},
                                 message="API rate limit exceeded for installation ID 77."))

    def secondary_limit(self, count: int = 1, retry_after: int = 7, status: int = 429) -> Fault:
        return self.inject(Fault(status, count, headers={"Retry-After": str(retry_after)},
                                 message="You have exceeded a secondary rate limit. Please wait a few minutes."))

    def timeout(self, count: int = 1, delay: float = 1.5, methods: frozenset[str] | None = None) -> Fault:
        return self.inject(Fault(504, count, methods, delay=delay, message="timeout"))

    def slow(self, delay: float, count: int = 1, path: str | None = None) -> Fault:
        """Answer the next `count` matching requests normally, `delay` seconds late."""
        return self.inject(Fault(200, count, path=path, delay=delay, pass_through=True))

    def calls_to(self, method: str | None = None, pattern: str = "") -> list[Call]:
        return [c for c in self.calls if (method is None or c.method == method) and re.search(pattern, c.path)]

    def reset_calls(self) -> None:
        with self.lock:
            self.calls.clear()

    # -- request handling --------------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str], raw_body: bytes) -> Reply:
        split = urlsplit(raw_path)
        path = unquote(split.path)
        git_root = f"/{self.state.full_name}.git"
        if path.startswith(git_root + "/"):
            return self._git(method, path[len(git_root):], split.query, headers, raw_body)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if path.startswith(STORAGE_PREFIX) and method == "GET":
            return self._storage(path, query, headers)
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return self._refuse(method, path, query, f"{method} {path}: outside the API prefix {self.prefix}")
            path = path[len(self.prefix) :]
        matched = self.spec.match(method, path)
        if matched is None:
            return self._refuse(method, path, query, f"{method} {path}: not an operation of openapi-subset.json")
        op, params = matched
        body, problem = self._body(op, raw_body)
        unknown = sorted(set(query) - op.query_params)
        if unknown:
            problem = f"{method} {op.template}: unknown query parameters {unknown}"
        if problem:
            return self._record(method, path, op.operation_id, query, body,
                                Reply(422, {"message": problem}, violation=problem))
        fault = self._take_fault(method, path)
        if fault is not None:
            time.sleep(fault.delay)
            if not fault.pass_through:
                reply = Reply(fault.status, {"message": fault.message}, dict(fault.headers))
                return self._record(method, path, op.operation_id, query, body, reply)
        caller, installation, auth_problem = self._authenticate(path, op.operation_id, headers, params)
        if auth_problem:
            with self.lock:
                self.auth_failures.append(auth_problem)
            reply = Reply(401, {"message": auth_problem, "documentation_url": "https://docs.github.com/rest"})
            return self._record(method, path, op.operation_id, query, body, reply)
        ctx = Ctx(params, query, body, caller, installation, self.url, self.clone_url)
        with self.lock:
            if op.operation_id == "apps/create-installation-access-token":
                reply = self._create_token(ctx)
            else:
                reply = self.api.handlers[op.operation_id](ctx)
        return self._record(method, path, op.operation_id, query, body, reply)

    def _storage(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        with self.lock:
            status, data = self.api.actions.storage(path, query, headers)
            self.violations += self.api.actions.storage_violations
            self.api.actions.storage_violations.clear()
            self.calls.append(Call("GET", path, status, "artifact-storage", {}, None))
        return Reply(status, raw=data, headers={"Content-Type": "application/zip"})

    def add_artifact(self, run_id: int, name: str, data: bytes, head_sha: str | None = None, **kw: Any) -> int:
        """An artifact of workflow run `run_id` (head: the first open PR's head unless given)."""
        if head_sha is None:
            first = next(iter(self.state.pulls.values()))
            head_sha = self.git.rev(first.head_ref) or ""
        with self.lock:
            return self.api.actions.add(run_id, name, data, head_sha, **kw)

    def _body(self, op: Any, raw: bytes) -> tuple[Any, str | None]:
        if not raw:
            return None, (f"{op.method} {op.template}: a request body is required"
                          if op.body_pointer and op.method != "GET" else None)
        try:
            body = json.loads(raw)
        except ValueError:
            return None, f"{op.method} {op.template}: the body is not JSON"
        errors = self.spec.body_errors(op, body)
        return body, (f"{op.method} {op.template}: body does not match the schema: {errors[:3]}" if errors else None)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    return fault
        return None

    def _refuse(self, method: str, path: str, query: dict[str, str], problem: str) -> Reply:
        return self._record(method, path, "", query, None, Reply(404, {"message": "Not Found"}, violation=problem))

    def _record(self, method: str, path: str, op: str, query: dict[str, str], body: Any, reply: Reply) -> Reply:
        with self.lock:
            self.calls.append(Call(method, path, reply.status, op, query, body))
            if reply.violation:
                self.violations.append(reply.violation)
            used = len(self.calls)
        reply.headers.setdefault("x-ratelimit-limit", "5000")
        reply.headers.setdefault("x-ratelimit-remaining", str(max(0, 5000 - used)))
        reply.headers.setdefault("x-ratelimit-reset", str(int(time.time()) + 3600))
        reply.headers.setdefault("x-ratelimit-used", str(used))
        reply.headers.setdefault("x-ratelimit-resource", "core")
        return reply

    def _git(self, method: str, rest: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
        token = githttp.token_of(headers.get("authorization", ""))
        with self.lock:
            known = self.state.tokens.get(token or "")
        problem = None
        if not self.serve_git:
            reply = Reply(503, raw=b"git is unavailable\n", headers={"Content-Type": "text/plain"})
        elif token is None:
            problem, reply = "git: no credentials", githttp.challenge("Authentication required")
        elif known is None or known.expires_at <= time.time():
            problem, reply = "git: bad or expired installation token", githttp.challenge("Invalid credentials")
        else:
            reply = githttp.serve(self.git.path, method, rest, query, headers, body)
        with self.lock:
            if problem:
                self.git_auth_failures.append(problem)
            self.git_requests.append(GitRequest(method, rest, reply.status, len(reply.raw or b"")))
        return reply

    # -- credentials ---------------------------------------------------------------------------------

    def _authenticate(self, path: str, op: str, headers: dict[str, str],
                      params: dict[str, str]) -> tuple[dict[str, Any], int | None, str | None]:
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if path.startswith("/app") or op == "apps/get-repo-installation":
            if scheme.lower() != "bearer":
                return {}, None, "A JSON web token is required for this endpoint"
            return user(self.state.app_slug, BOT_TYPE), None, self._check_jwt(credential)
        if scheme.lower() not in ("token", "bearer"):
            return {}, None, "Requires authentication"
        with self.lock:
            token = self.state.tokens.get(credential)
        if token is None:
            return {}, None, "Bad credentials"
        if token.expires_at <= time.time():
            return {}, None, "Bad credentials (the installation token expired)"
        if params.get("owner") and f"{params['owner']}/{params.get('repo')}" != self.state.full_name:
            return {}, None, "the installation cannot access this repository"
        return user(self.state.bot_login, BOT_TYPE), token.installation_id, None

    def _check_jwt(self, token: str) -> str | None:
        now = time.time()
        try:
            claims = jwt.decode(token, self.public_key, algorithms=["RS256"],
                                options={"require": ["iat", "exp", "iss"], "verify_iat": False})
        except jwt.PyJWTError as exc:
            return f"A JSON web token could not be decoded: {type(exc).__name__}"
        if str(claims["iss"]) != str(self.state.app_id):
            return "Integration not found (iss is not this app's id)"
        if claims["iat"] > now + 1:
            return "'Issued at' claim ('iat') must be an Integer representing a time in the past"
        if claims["exp"] > now + 600 + 1:
            return "'Expiration time' claim ('exp') is too far in the future"
        return None

    def _mint(self, ttl: float | None = None) -> tuple[str, float]:
        value = "ghs_" + secrets.token_urlsafe(27)
        expires = time.time() + (self.token_ttl if ttl is None else ttl)
        with self.lock:
            self.state.tokens[value] = Token(value, self.state.installation_id, expires)
        return value, expires

    def _create_token(self, ctx: Ctx) -> Reply:
        if int(ctx.params["installation_id"]) != self.state.installation_id:
            return Reply(404, {"message": "Not Found"})
        value, expires = self._mint()
        return Reply(201, {"token": value, "expires_at": iso(expires), "permissions": {},
                           "repository_selection": "all"})


class _Handler(BaseHTTPRequestHandler):
    owner: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: calls are recorded instead
        return

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():  # git sends large requests chunked
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        raw = self._body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.owner.handle(self.command, self.path, headers, raw)
        except Exception as exc:  # a bug in the stand-in: answer 500 and let the test see it
            self.owner.violations.append(f"stand-in crashed on {self.command} {self.path}: {exc!r}")
            reply = Reply(500, {"message": "stand-in error"})
        payload = reply.raw if reply.raw is not None else (dumps(reply.payload) if reply.status != 204 else b"")
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.headers.pop("Content-Type", "application/json; charset=utf-8"))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve
