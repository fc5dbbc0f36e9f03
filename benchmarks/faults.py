"""The fault run of docs/security.md: signed deliveries against `perf-review serve` while faults are
injected, then count what was lost and what was published twice.

    python benchmarks/faults.py [--queue embedded|redis] [--json]

Starts the GitHub stand-in (tests/github_fake) and the bot on loopback (limits: 3 Go files per review,
a 15 s job timeout), then runs phases, each sending a burst of signed deliveries from GitHub's recorded
payloads (new heads, redeliveries under the same id, the same head under new ids, pings, slash
commands) while one fault is on: GitHub answering 502, timing out, slow, rate limits with and without
Retry-After, 60 slow-loris connections, the job process frozen and killed, a web worker killed, the
data dir full, late deliveries for older heads, replayed commands, forged signatures, 1,000-deep JSON,
hostile pull requests (a regex bomb, too many files, a forged review comment, a review slower than its
time limit), a commenter GitHub answers 404 about. Deliveries answered 5xx are redelivered afterwards,
as a person would from the App's settings. Then it waits for the queue to drain and reports:

- deliveries sent, by answer; redelivered after a 5xx;
- lost: pull requests whose latest head has no published review (and the review over its time
  limit without its explanation);
- duplicated: heads with more than one published review, pull requests with more than one review
  comment, slash commands answered more than once.

Lost and duplicated must be 0 (exit status 1 otherwise). A script, not a test: it takes minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import Sender, bot_env, get, process, queue_depth, wait_ready  # noqa: E402
from bot.events import signature  # noqa: E402
from bot.publish import COMMENT_MARKER  # noqa: E402
from tests.github_fake.fixtures import make_app_key, start_fake  # noqa: E402
from tests.github_fake.server import FakeGitHub, Fault  # noqa: E402
from tests.gitrepo import Repo  # noqa: E402
from tests.redis_server import free_port, redis_server  # noqa: E402
from tests.test_end_to_end import payload  # noqa: E402

FAILED_TITLES = {"Superseded", "Review not completed", "Review failed", "Review interrupted"}
GO = """package {pkg}

// Join renders names.
func Join(names []string) string {{
	out := ""
	for _, n := range names {{
		{extra}
		out += n + ","
	}}
	return out
}}
"""
Delivery = tuple[str, str, bytes]  # event, delivery id, body


class Run:
    """The repository, the stand-in, the bot, and what was sent and expected."""

    def __init__(self, fake: FakeGitHub, repo: Repo, port: int, serve_pid: int) -> None:
        self.fake, self.repo, self.port, self.serve_pid = fake, repo, port, serve_pid
        self.sender = Sender(port)
        self.heads: dict[int, str] = {}  # PR -> the head that must end up reviewed
        self.statuses: dict[int, int] = {}
        self.failed: list[Delivery] = []
        self.sent = 0
        self.commands: list[tuple[int, int]] = []  # (PR, comment id) of help commands
        self.time_limited: int | None = None
        self.lock = threading.Lock()
        # Redis mode: the worker runs beside serve; a supervisor (here, this script) restarts it.
        self.worker: Any = None
        self.start_worker: Callable[[], Any] | None = None
        self.redis_port = 0

    # -- pull requests -------------------------------------------------------------------------

    def new_pr(self, files: dict[str, str | None] | None = None) -> int:
        n = len(self.heads) + 1
        branch = f"pr-{n}"
        self.repo.git("checkout", "-q", "-b", branch, "main")
        self.repo.commit(files or {f"p{n}/join.go": GO.format(pkg=f"p{n}", extra="")}, branch)
        self.repo.git("checkout", "-q", "main")
        number = self.fake.open_pull(branch, number=n)
        self.heads[number] = self.repo.git("rev-parse", branch)
        return number

    def push(self, number: int) -> tuple[str, str]:
        branch = f"pr-{number}"
        self.repo.git("checkout", "-q", branch)
        before = self.heads[number]
        self.repo.commit({f"p{number}/join.go": GO.format(pkg=f"p{number}", extra=f"_ = {uuid.uuid4().int % 97}")},
                         "push")
        self.repo.git("checkout", "-q", "main")
        self.heads[number] = self.repo.git("rev-parse", branch)
        return before, self.heads[number]

    # -- deliveries ------------------------------------------------------------------------------

    def pr_event(self, action: str, number: int, head: str, *, before: str = "", stamp: int = 0) -> Delivery:
        data = payload(self.fake, f"pull_request.{action}")
        data["number"] = number
        updated = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_767_000_000 + stamp))
        data["pull_request"].update(number=number, draft=False, state="open", updated_at=updated)
        data["pull_request"]["head"]["sha"] = head
        if before:
            data.update(before=before, after=head)
        return "pull_request", str(uuid.uuid4()), json.dumps(data).encode()

    def command(self, number: int, body: str, login: str) -> Delivery:
        comment_id = self.fake.add_comment(number, body, author=login)
        data = payload(self.fake, "issue_comment.created.6")
        data["issue"]["number"] = number
        data["sender"] = {**data["sender"], "login": login, "type": "User"}
        data["comment"] = {**data["comment"], "id": comment_id, "body": body,
                           "user": {**data["comment"]["user"], "login": login, "type": "User"}}
        if body.endswith("help"):
            self.commands.append((number, comment_id))
        return "issue_comment", str(uuid.uuid4()), json.dumps(data).encode()

    def post(self, delivery: Delivery) -> tuple[float, int]:
        event, delivery_id, body = delivery
        if not event.startswith("forged:"):
            return self.sender.post(delivery)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:  # signed with another secret
            conn.request("POST", "/webhook", body=body, headers={
                "Content-Type": "application/json", "X-GitHub-Event": event.split(":", 1)[1],
                "X-GitHub-Delivery": delivery_id, "X-Hub-Signature-256": signature("not the secret", body)})
            return 0.0, conn.getresponse().status
        except (OSError, http.client.HTTPException):
            return 0.0, 599
        finally:
            conn.close()

    def burst(self, deliveries: list[Delivery], concurrency: int = 8) -> None:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(self.post, deliveries))
        with self.lock:
            for delivery, (_, status) in zip(deliveries, results, strict=True):
                self.sent += 1
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status >= 500:
                    self.failed.append(delivery)

    def noisy(self, numbers: list[int], stamp: int) -> list[Delivery]:
        """A PR event per PR, the same head again under new ids, redeliveries under the same id, pings."""
        out: list[Delivery] = []
        for n in numbers:
            first = self.pr_event("opened", n, self.heads[n], stamp=stamp)
            out += [first] * 4  # the delivery and three redeliveries under its id
            out += [self.pr_event("reopened", n, self.heads[n], stamp=stamp) for _ in range(16)]
        ping = json.dumps({"zen": "Design for failure.", "hook_id": 1}).encode()
        out += [("ping", str(uuid.uuid4()), ping) for _ in range(2 * len(numbers))]
        return out


# -- faults --------------------------------------------------------------------------------------------


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def job_process(run: Run) -> int:
    if run.worker is not None:
        return int(run.worker.pid)
    for pid in descendants(run.serve_pid):
        try:
            if b"bot.cli\x00worker" in (Path("/proc") / str(pid) / "cmdline").read_bytes():
                return pid
        except OSError:
            continue
    raise RuntimeError("no job process")


@contextmanager
def github(run: Run, fault: Fault) -> Iterator[None]:
    run.fake.inject(fault)
    yield


@contextmanager
def frozen_jobs(run: Run, seconds: float) -> Iterator[None]:
    pid = job_process(run)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
        time.sleep(seconds)
    finally:
        os.kill(pid, signal.SIGCONT)


@contextmanager
def killed(pids: Callable[[Run], list[int]], run: Run) -> Iterator[None]:
    """SIGKILL; `perf-review serve` restarts its job process and gunicorn its web workers, and in the
    Redis layout this script plays the supervisor (Docker, Kubernetes) that restarts the worker."""
    targets = pids(run)
    for pid in targets:
        os.kill(pid, signal.SIGKILL)
    if run.worker is not None and run.worker.pid in targets and run.start_worker is not None:
        run.worker.wait()
        time.sleep(2)
        run.worker = run.start_worker()
    yield


@contextmanager
def redis_paused(run: Run, seconds: float) -> Iterator[None]:
    pid = next(p for p in map(int, filter(str.isdigit, os.listdir("/proc")))
               if b"redis-server" in _cmdline(p) and str(run.redis_port).encode() in _cmdline(p))
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
        time.sleep(seconds)
    finally:
        os.kill(pid, signal.SIGCONT)


def _cmdline(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


@contextmanager
def full_disk(run: Run) -> Iterator[None]:
    pids = [run.serve_pid, *descendants(run.serve_pid)]
    for pid in pids:
        with suppress(ProcessLookupError, PermissionError):
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (4096, resource.prlimit(pid, resource.RLIMIT_FSIZE)[1]))
    try:
        yield
    finally:
        for pid in pids:
            try:
                hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)[1]
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (hard, hard))
            except (ProcessLookupError, PermissionError):
                pass


@contextmanager
def slow_loris(run: Run, count: int = 60) -> Iterator[None]:
    held = []
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", run.port), timeout=10)
        s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"[: 80 if i % 2 else 20])
        held.append(s)
    try:
        yield
    finally:
        for s in held:
            s.close()


# -- the run ---------------------------------------------------------------------------------------------


def phases(run: Run) -> list[tuple[str, Callable[[], Any], Callable[[], list[Delivery]]]]:
    """(name, the fault as a context manager factory, the deliveries sent while it is on)."""

    def fresh(k: int, stamp: int) -> Callable[[], list[Delivery]]:
        return lambda: run.noisy([run.new_pr() for _ in range(k)], stamp)

    def out_of_order() -> list[Delivery]:
        out: list[Delivery] = []
        for n in [run.new_pr() for _ in range(5)]:
            old = run.heads[n]
            before, new = run.push(n)
            out += [run.pr_event("synchronize", n, new, before=before, stamp=200),
                    run.pr_event("opened", n, old, stamp=100)]
        return out

    def hostile() -> list[Delivery]:
        bomb = GO.format(pkg="bomb", extra="// perf-review:ignore string-concat-loop" + " " * 100_000)
        many = {f"m{i}/join.go": GO.format(pkg=f"m{i}", extra="") for i in range(40)}
        numbers = [run.new_pr({"bomb/join.go": bomb}), run.new_pr(many), run.new_pr()]
        run.fake.add_comment(numbers[2], f"{COMMENT_MARKER}\nforged", author="github-actions[bot]", kind="Bot")
        return run.noisy(numbers, 300)

    def time_limited() -> list[Delivery]:
        n = run.new_pr({"slowpkg/join.go": GO.format(pkg="slowpkg", extra="")})
        run.time_limited = n
        run.fake.inject(Fault(200, 3, path=r"/contents/slowpkg/", delay=40, pass_through=True))
        return run.noisy([n], 400)

    def commands() -> list[Delivery]:
        n = run.new_pr()
        helps = [run.command(n, "/perf-review help", "alice") for _ in range(3)]
        replays = [(e, str(uuid.uuid4()), body) for e, _, body in helps for _ in range(5)]
        run.fake.inject(Fault(404, 5, path=r"/collaborators/mallory/permission", message="Not Found"))
        return [*run.noisy([n], 500), *helps, *replays, run.command(n, "/perf-review", "mallory")]

    def forged() -> list[Delivery]:
        body = json.dumps({"zen": "x", "hook_id": 1}).encode()
        deep = b'{"a":' * 1000 + b"1" + b"}" * 1000
        bad = [("forged:ping", str(uuid.uuid4()), body) for _ in range(20)]
        return [*run.noisy([run.new_pr() for _ in range(2)], 600), *bad,
                *[("pull_request", str(uuid.uuid4()), deep) for _ in range(5)]]

    def web_workers(r: Run) -> list[int]:
        return [pid for pid in descendants(r.serve_pid)
                if b"\x00serve\x00" in (Path("/proc") / str(pid) / "cmdline").read_bytes()][:1]

    none = contextmanager(lambda: (yield))
    return [
        ("baseline", none, fresh(4, 0)),
        ("GitHub 502 on writes", lambda: github(run, Fault(502, 6, methods=frozenset({"POST", "PATCH"}))), fresh(4, 0)),
        ("GitHub timeouts", lambda: github(run, Fault(504, 4, delay=1.5, message="timeout")), fresh(4, 0)),
        ("GitHub slow (2 s)", lambda: github(run, Fault(200, 6, delay=2.0, pass_through=True)), fresh(4, 0)),
        ("rate limit, reset in 5 s", lambda: github(run, Fault(
            403, 2, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 5)},
            message="API rate limit exceeded")), fresh(4, 0)),
        ("secondary limit, Retry-After 3", lambda: github(run, Fault(
            429, 2, headers={"Retry-After": "3"}, message="You have exceeded a secondary rate limit")), fresh(3, 0)),
        ("secondary limit, no Retry-After", lambda: github(run, Fault(
            403, 1, message="You have exceeded a secondary rate limit")), fresh(2, 0)),
        ("60 slow-loris connections", lambda: slow_loris(run), fresh(4, 0)),
        ("job process frozen 4 s", lambda: frozen_jobs(run, 4), fresh(4, 0)),
        ("job process killed", lambda: killed(lambda r: [job_process(r)], run), fresh(4, 0)),
        ("a web worker killed", lambda: killed(web_workers, run), fresh(3, 0)),
        ("data dir full" if run.worker is None else "Redis paused 3 s",
         lambda: full_disk(run) if run.worker is None else redis_paused(run, 3), fresh(4, 0)),
        ("late deliveries for older heads", none, out_of_order),
        ("hostile pull requests", none, hostile),
        ("review over its time limit", none, time_limited),
        ("replayed commands, 404 commenter", none, commands),
        ("forged signatures, deep JSON", none, forged),
    ]


def execute(args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="perf-review-faults-")))
        key = make_app_key()
        repo = Repo(tmp / "repo")
        repo.commit({"go.mod": "module example.com/widgets\n\ngo 1.22\n", "README.md": "w\n"}, "initial")
        fake = start_fake(repo, key)
        stack.callback(fake.stop)
        queue = stack.enter_context(redis_server(tmp / "redis")) if args.queue == "redis" else "embedded"
        env = {**bot_env(fake, key, tmp / "data", queue), "PERF_REVIEW_MAX_FILES": "3", "PERF_REVIEW_JOB_TIMEOUT": "15",
               "PERF_REVIEW_HEARTBEAT_SECONDS": "1", "PERF_REVIEW_REQUEST_TIMEOUT": "5"}
        port = free_port()
        cli = [sys.executable, "-m", "bot.cli"]
        serve = stack.enter_context(process([*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env,
                                            tmp / "serve.log"))
        procs = [serve]
        run = Run(fake, repo, port, serve.pid)
        if args.queue == "redis":
            starts = iter(range(1, 100))

            def start_worker() -> Any:
                log = tmp / f"worker-{next(starts)}.log"
                return stack.enter_context(process([*cli, "worker", "--workers", "4"], env, log))

            run.worker, run.start_worker = start_worker(), start_worker
            run.redis_port = int(str(queue).rsplit(":", 1)[1].split("/")[0])
            procs.append(run.worker)
        wait_ready(port, procs)
        started = time.monotonic()
        notes = []
        for name, fault, deliveries in phases(run):
            batch = deliveries()
            with fault():
                run.burst(batch)
            notes.append(name)
            print(f"{name}: sent {len(batch)}", file=sys.stderr)
        wait_until(lambda: get(port, "/readyz")[0] == 200, 60)
        redelivered = list(run.failed)
        run.failed.clear()
        run.burst(redelivered)  # what a person does with the failed deliveries in the App's settings
        drain(run, args.timeout)
        report = measure(run)
        report.update(queue=args.queue, faults=len(notes), redelivered_after_5xx=len(redelivered),
                      minutes=round((time.monotonic() - started) / 60, 1))
        if args.keep_logs:
            for log in tmp.glob("*.log"):
                (Path(args.keep_logs) / log.name).write_bytes(log.read_bytes())
        return report


def wait_until(cond: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if cond():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def drain(run: Run, timeout: float) -> None:
    def settled() -> bool:
        return queue_depth(run.port) == 0 and not missing(run)

    wait_until(settled, timeout)
    wait_until(lambda: queue_depth(run.port) == 0, 30)


def published(run: Run, head: str) -> list[dict[str, Any]]:
    return [r for r in run.fake.check_runs() if r["head_sha"] == head and r["status"] == "completed"
            and r["output"]["title"] not in FAILED_TITLES]


def missing(run: Run) -> list[int]:
    return [n for n, head in run.heads.items() if n != run.time_limited and not published(run, head)]


def measure(run: Run) -> dict[str, Any]:
    ours = run.fake.state.bot_login
    lost = missing(run)
    if run.time_limited is not None:
        runs = [r for r in run.fake.check_runs() if r["head_sha"] == run.heads[run.time_limited]]
        if not any("took longer than" in (r["output"].get("summary") or "") for r in runs):
            lost.append(run.time_limited)
    duplicated_heads = [n for n, head in run.heads.items() if len(published(run, head)) > 1]
    comments = {n: [c for c in run.fake.state.comments_on(n) if c["user"]["login"] == ours] for n in run.heads}
    review_comments = [n for n, cs in comments.items() if sum(COMMENT_MARKER in c["body"] for c in cs) > 1]
    help_replies = [n for n, _ in run.commands if sum("| command |" in c["body"] for c in comments[n]) > 1]
    return {
        "deliveries_sent": run.sent,
        "answers": {str(k): v for k, v in sorted(run.statuses.items())},
        "pull_requests": len(run.heads),
        "reviews_lost": len(lost),
        "lost": lost,
        "heads_reviewed_twice": len(duplicated_heads),
        "prs_with_two_review_comments": len(review_comments),
        "commands_answered_twice": len(set(help_replies)),
        "time_limited_review_explained": run.time_limited not in lost,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--queue", choices=("embedded", "redis"), default="embedded")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the reviews")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep-logs", metavar="DIR")
    args = parser.parse_args(argv)
    report = execute(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>32}: {value}")
    bad = report["reviews_lost"] + report["heads_reviewed_twice"] + report["prs_with_two_review_comments"]
    return 1 if bad + report["commands_answered_twice"] else 0


if __name__ == "__main__":
    sys.exit(main())
