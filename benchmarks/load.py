"""`make load`: a burst of signed webhook deliveries against the bot on loopback.

Starts the GitHub stand-in (tests/github_fake, serving a real git repository with one Go change per
pull request), then `perf-review serve` (gunicorn, 2 web workers) pointed at it, with the embedded
queue (default) or Redis (`--queue redis`: a throwaway redis-server plus one `perf-review worker`).
Sends at least 500 signed `pull_request` deliveries from GitHub's recorded payloads: many announce
the same head again under a new delivery id, some are redeliveries (same id), a few are pings. Then
waits for the queue to drain and reports:

- acknowledgement latency p50 / p99 (request sent to response read, per delivery);
- reviews completed (pull requests whose head has a completed perf-review check run);
- duplicates published (extra check runs or review comments for a head);
- reviews lost (heads announced but never reviewed).

The last two must be 0 (exit status 1 otherwise). Target: p99 under 100 ms. A script, not a test.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.events import signature  # noqa: E402
from tests.github_fake.fixtures import AppKey, make_app_key, start_fake  # noqa: E402
from tests.github_fake.server import FakeGitHub  # noqa: E402
from tests.gitrepo import Repo  # noqa: E402
from tests.redis_server import free_port, redis_server  # noqa: E402

WEBHOOKS = ROOT / "tests" / "data" / "github" / "webhooks"
SECRET = "load-test-webhook-secret"
GO_FILE = """package pkg{n}

// Join concatenates parts.
func Join(parts []string) string {{
	s := ""
	for _, p := range parts {{
		s += p
	}}
	return s
}}
"""


def build_repo(path: Path, prs: int) -> Repo:
    """main with a go.mod; branch pr-N with one Go file for each pull request."""
    repo = Repo(path)
    repo.commit({"go.mod": "module example.com/widgets\n\ngo 1.22\n"}, "initial")
    for n in range(1, prs + 1):
        repo.git("checkout", "-q", "-b", f"pr-{n}", "main")
        repo.commit({f"pkg{n}/join.go": GO_FILE.format(n=n)}, f"change {n}")
    repo.git("checkout", "-q", "main")
    return repo


def pr_payload(fake: FakeGitHub, number: int, head: str) -> bytes:
    """GitHub's recorded `pull_request.synchronize`, pointed at the stand-in's repository and PR."""
    data: dict[str, Any] = copy.deepcopy(json.loads((WEBHOOKS / "pull_request.synchronize.json").read_text()))
    state = fake.state
    data["repository"].update(name=state.name, full_name=state.full_name)
    data["repository"]["owner"] = {**data["repository"].get("owner", {}), "login": state.owner}
    data["installation"] = {**data.get("installation", {}), "id": state.installation_id}
    data["sender"] = {**data.get("sender", {}), "login": "octocat", "type": "User"}
    data["number"] = number
    data["pull_request"].update(number=number, draft=False, state="open")
    data["pull_request"]["head"]["sha"] = head
    return json.dumps(data).encode()


def plan(fake: FakeGitHub, heads: dict[int, str], total: int, seed: int) -> list[tuple[str, str, bytes]]:
    """(event, delivery id, body): ~75% new deliveries of a PR's head, ~20% redeliveries, ~5% pings."""
    rng = random.Random(seed)
    bodies = {n: pr_payload(fake, n, sha) for n, sha in heads.items()}
    ping = json.dumps({"zen": "Design for failure.", "hook_id": 1}).encode()
    sent: list[tuple[str, str, bytes]] = [("pull_request", str(uuid.uuid4()), bodies[n]) for n in heads]
    while len(sent) < total:
        roll = rng.random()
        if roll < 0.05:
            sent.append(("ping", str(uuid.uuid4()), ping))
        elif roll < 0.25:
            sent.append(rng.choice(sent))
        else:
            sent.append(("pull_request", str(uuid.uuid4()), bodies[rng.choice(list(heads))]))
    rng.shuffle(sent)
    return sent


class Sender:
    """Keep-alive HTTP connections, one per sending thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def post(self, delivery: tuple[str, str, bytes]) -> tuple[float, int]:
        event, delivery_id, body = delivery
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/load",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery_id,
            "X-Hub-Signature-256": signature(SECRET, body),
        }
        for _ in range(2):  # a keep-alive connection the server closed is reopened once
            conn = getattr(self.local, "conn", None) or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.local.conn = conn
            start = time.perf_counter()
            try:
                conn.request("POST", "/webhook", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                return time.perf_counter() - start, response.status
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                self.local.conn = None
        return 0.0, 599


def bot_env(fake: FakeGitHub, key: AppKey, data: Path, queue: str) -> dict[str, str]:
    return {
        **os.environ,
        "GITHUB_APP_ID": str(fake.state.app_id),
        "GITHUB_PRIVATE_KEY": key.private_pem,
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": fake.url,
        "PERF_REVIEW_BOT_LOGIN": fake.state.bot_login,
        "PERF_REVIEW_DATA_DIR": str(data),
        "PERF_REVIEW_QUEUE": queue,
        "PERF_REVIEW_WORKERS": "4",
    }


@contextmanager
def process(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def wait_ready(port: int, procs: list[subprocess.Popen[bytes]], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise SystemExit("the bot exited during start-up; see its log")
        try:
            if get(port, "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the bot did not become ready")


def queue_depth(port: int) -> int:
    _, text = get(port, "/metrics")
    found = re.findall(r'^perf_review_queue_jobs\{state="(?:queued|running)"\} ([0-9.e+]+)$', text, re.M)
    return int(sum(float(v) for v in found)) if len(found) == 2 else -1


def wait_drained(port: int, fake: FakeGitHub, heads: dict[int, str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queue_depth(port) == 0 and len(reviewed(fake, heads)) == len(heads):
            return
        time.sleep(0.25)


def reviewed(fake: FakeGitHub, heads: dict[int, str]) -> dict[str, int]:
    """Completed perf-review check runs per head."""
    wanted = set(heads.values())
    counts: dict[str, int] = {}
    for run in fake.check_runs():
        if run["head_sha"] in wanted and run.get("status") == "completed":
            counts[run["head_sha"]] = counts.get(run["head_sha"], 0) + 1
    return counts


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="perf-review-load-")))
        key = make_app_key()
        repo = build_repo(tmp / "repo", args.prs)
        fake = start_fake(repo, key)
        stack.callback(fake.stop)
        heads = {n: repo.git("rev-parse", f"pr-{n}") for n in range(1, args.prs + 1)}
        for n in heads:
            fake.open_pull(f"pr-{n}", number=n)
        queue = "embedded"
        if args.queue == "redis":
            queue = stack.enter_context(redis_server(tmp / "redis"))
        env = bot_env(fake, key, tmp / "data", queue)
        port = free_port()
        cli = [sys.executable, "-m", "bot.cli"]
        serve = [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        procs = [stack.enter_context(process(serve, env, tmp / "serve.log"))]
        if args.queue == "redis":
            procs.append(stack.enter_context(process([*cli, "worker", "--workers", "4"], env, tmp / "worker.log")))
        wait_ready(port, procs)

        deliveries = plan(fake, heads, args.deliveries, args.seed)
        sender = Sender(port)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(sender.post, deliveries))
        sent_for = time.monotonic() - started
        wait_drained(port, fake, heads, args.timeout)
        drained_after = time.monotonic() - started
        done = reviewed(fake, heads)
        if args.keep_logs:
            for log in tmp.glob("*.log"):
                (Path(args.keep_logs) / log.name).write_bytes(log.read_bytes())
        latencies = [lat for lat, status in results if status < 500]
        comments = {n: len(fake.bot_comments(n)) for n in heads}
        return {
            "queue": args.queue,
            "deliveries": len(deliveries),
            "concurrency": args.concurrency,
            "statuses": {str(s): sum(1 for _, st in results if st == s) for s in sorted({st for _, st in results})},
            "ack_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "ack_p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
            "ack_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            "sent_in_s": round(sent_for, 2),
            "drained_in_s": round(drained_after, 2),
            "pull_requests": len(heads),
            "reviews_completed": len(done),
            "duplicates_published": sum(n - 1 for n in done.values() if n > 1)
            + sum(c - 1 for c in comments.values() if c > 1),
            "reviews_lost": len(heads) - len(done),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--deliveries", type=int, default=600, help="deliveries to send (at least 500)")
    parser.add_argument("--prs", type=int, default=30, help="pull requests the deliveries are about")
    parser.add_argument("--concurrency", type=int, default=8, help="deliveries in flight at once")
    parser.add_argument("--queue", choices=("embedded", "redis"), default="embedded")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the reviews")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the bot's logs here")
    args = parser.parse_args(argv)
    if args.deliveries < 500:
        parser.error("--deliveries must be at least 500")
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>22}: {value}")
    ok = report["duplicates_published"] == 0 and report["reviews_lost"] == 0
    p99 = report["ack_p99_ms"]
    if p99 is not None and p99 >= 100:
        print(f"note: p99 acknowledgement {p99} ms is over the 100 ms target", file=sys.stderr)
    return 0 if ok and "599" not in report["statuses"] else 1


if __name__ == "__main__":
    sys.exit(main())
