"""Issue 9: hostile pull requests and faults, against the real `perf-review serve` (gunicorn, its job
process, the embedded SQLite queue) and the GitHub stand-in, with GitHub's recorded payloads, signed.

One bot serves the whole module (its start is the expensive part); each test uses pull requests of
its own. The bot runs with small limits so the tests stay short: 3 Go files per review, a 1 s request
deadline, a heartbeat every half second. Linux only (process limits and /proc for the fault injection).
"""

from __future__ import annotations

import copy
import json
import os
import resource
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.publish import COMMENT_MARKER
from tests.github_fake.fixtures import AppKey, start_fake
from tests.github_fake.server import FakeGitHub, Fault
from tests.gitrepo import Repo
from tests.test_end_to_end import EXE, SECRET, free_port, get, payload, send, wait_for

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(resource, "prlimit"),
                                reason="fault injection uses /proc and prlimit (Linux)")

GO_MOD = "module example.com/w\n\ngo 1.22\n"
CONCAT = """package %s

// Join renders names, per request. //perf-review:hot
func Join(names []string) string {
	out := ""
	for _, n := range names {
		%s
		out += n + ","
	}
	return out
}
"""
BOT_TITLES_OF_FAILURE = {"Superseded", "Review not completed", "Review failed", "Review interrupted"}


@dataclass
class Bot:
    port: int
    proc: subprocess.Popen[bytes]
    fake: FakeGitHub
    repo: Repo
    log: Path


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, app_key: AppKey) -> Iterator[Bot]:
    tmp = tmp_path_factory.mktemp("hostile")
    repo = Repo(tmp / "repo")
    repo.commit({"README.md": "widgets\n", "go.mod": GO_MOD, ".github/perf-review.yml": "fail_on: warning\n"})
    fake = start_fake(repo, app_key)
    port = free_port()
    env = {**os.environ, "GITHUB_APP_ID": str(fake.state.app_id), "GITHUB_PRIVATE_KEY": app_key.private_pem,
           "GITHUB_WEBHOOK_SECRET": SECRET, "GITHUB_API_URL": fake.url,
           "PERF_REVIEW_BOT_LOGIN": fake.state.bot_login, "PERF_REVIEW_DATA_DIR": str(tmp / "data"),
           "PERF_REVIEW_MAX_FILES": "3", "PERF_REVIEW_REQUEST_TIMEOUT": "1", "PERF_REVIEW_HEARTBEAT_SECONDS": "0.5",
           # The attacks here are on the contents API path (the Go-file limit applies to it; over git
           # the byte and function budgets bound a review: tests/test_app_cli_parity.py).
           "PERF_REVIEW_GIT_CACHE_MB": "0"}
    log = tmp / "bot.log"
    # Logs go through a pipe, not straight to a file: the disk-full fault limits the bot's file writes.
    proc = subprocess.Popen([EXE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    threading.Thread(target=_drain, args=(proc, log), daemon=True).start()
    try:
        wait_for(lambda: get(port, "/readyz") == 200, what="the bot to be ready", proc=proc)
        yield Bot(port, proc, fake, repo, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        fake.stop()
    assert not fake.violations, f"requests GitHub would refuse: {fake.violations}"


def _drain(proc: subprocess.Popen[bytes], log: Path) -> None:
    assert proc.stdout is not None
    with log.open("wb") as out:
        for line in proc.stdout:
            out.write(line)
            out.flush()


def open_pr(bot: Bot, branch: str, files: dict[str, str | None]) -> tuple[int, str]:
    bot.repo.git("checkout", "-q", "-b", branch, "main")
    head = bot.repo.commit(files, branch)
    bot.repo.git("checkout", "-q", "main")
    return bot.fake.open_pull(branch), head


def push(bot: Bot, branch: str, files: dict[str, str | None]) -> str:
    bot.repo.git("checkout", "-q", branch)
    head = bot.repo.commit(files, "push")
    bot.repo.git("checkout", "-q", "main")
    return head


def pr_delivery(bot: Bot, action: str, number: int, head: str, *, before: str = "",
                updated_at: str = "2026-01-01T10:00:00Z") -> dict[str, Any]:
    data = payload(bot.fake, f"pull_request.{action}")
    data["number"] = number
    data["pull_request"].update(number=number, draft=False, state="open", updated_at=updated_at)
    data["pull_request"]["head"]["sha"] = head
    if before:
        data.update(before=before, after=head)
    return data


def comment_delivery(bot: Bot, number: int, body: str, login: str) -> dict[str, Any]:
    comment_id = bot.fake.add_comment(number, body, author=login)
    data = payload(bot.fake, "issue_comment.created.6")
    data["issue"]["number"] = number
    data["sender"] = {**data["sender"], "login": login, "type": "User"}
    data["comment"] = {**data["comment"], "id": comment_id, "body": body,
                       "user": {**data["comment"]["user"], "login": login, "type": "User"}}
    return data


def _ours(bot: Bot, number: int) -> list[dict[str, Any]]:
    return [c for c in bot.fake.bot_comments(number) if c["user"]["login"] == bot.fake.state.bot_login]


def runs_on(bot: Bot, head: str) -> list[dict[str, Any]]:
    return sorted((r for r in bot.fake.check_runs() if r["head_sha"] == head), key=lambda r: r["id"])


def done(bot: Bot, head: str) -> list[dict[str, Any]]:
    return [r for r in runs_on(bot, head) if r["status"] == "completed"]


def idle(bot: Bot) -> bool:
    _, text = _get_text(bot.port, "/metrics")
    rows = [line for line in text.splitlines() if line.startswith('perf_review_queue_jobs{state="')]
    return len(rows) == 2 and all(line.endswith(" 0.0") for line in rows)


def _get_text(port: int, path: str) -> tuple[int, str]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


# -- 9.1, 9.2 and a forged comment: one hostile pull request ----------------------------------------


def test_a_hostile_pull_request_is_reviewed_within_limits(bot: Bot) -> None:
    """A comment line of 100,000 blanks (it froze the bot for hours), more Go files than one review may
    read, and another bot's comment wearing our marker: the review completes, says what it left out,
    stays within its API budget, and writes its own comment."""
    freeze = CONCAT % ("a", "// perf-review:ignore string-concat-loop" + " " * 100_000)
    files = {"a/freeze.go": freeze, **{f"z{i}/join.go": CONCAT % (f"z{i}", "") for i in range(8)}}
    number, head = open_pr(bot, "hostile", files)
    forged = bot.fake.add_comment(number, f"{COMMENT_MARKER}\nnothing to see", author="github-actions[bot]",
                                  kind="Bot")
    bot.fake.reset_calls()
    assert send(bot.port, "pull_request", pr_delivery(bot, "opened", number, head), "hostile-1") == 202
    wait_for(lambda: bool(done(bot, head)), "the review of the hostile pull request", timeout=90)
    (run,) = runs_on(bot, head)
    assert run["output"]["title"] not in BOT_TITLES_OF_FAILURE, run["output"]
    assert "Left out of this review" in run["output"]["summary"]
    assert "left out: over the limit of 3 Go files per review" in run["output"]["summary"]
    ours = [c for c in bot.fake.bot_comments(number) if c["user"]["login"] == bot.fake.state.bot_login]
    assert len(ours) == 1 and "ignore-without-reason" in ours[0]["body"]
    assert bot.fake.state.issue_comments[forged]["body"] == f"{COMMENT_MARKER}\nnothing to see"
    calls = [c for c in bot.fake.calls if not c.path.startswith("/app")]
    assert len(calls) <= 8 + 2 * 3 + 2, [f"{c.method} {c.path}" for c in calls]


# -- 9.3 ----------------------------------------------------------------------------------------------


def test_a_late_delivery_for_an_older_head_does_not_stop_the_current_review(bot: Bot) -> None:
    number, first = open_pr(bot, "order", {"order/join.go": CONCAT % ("order", "")})
    second = push(bot, "order", {"order/join.go": CONCAT % ("order", "n = n + \"\"")})
    bot.fake.slow(1.5, count=1, path=r"/contents/order/")  # the review of the new head is under way when...
    synchronize = pr_delivery(bot, "synchronize", number, second, before=first, updated_at="2026-01-01T10:05:00Z")
    assert send(bot.port, "pull_request", synchronize, "order-2") == 202
    wait_for(lambda: bool(runs_on(bot, second)), "the review of the new head to start")
    # ... GitHub delivers, late, the event that opened the pull request at its first head.
    opened = pr_delivery(bot, "opened", number, first, updated_at="2026-01-01T10:00:00Z")
    assert send(bot.port, "pull_request", opened, "order-1") == 202
    wait_for(lambda: bool(done(bot, second)), "the review of the new head", timeout=60)
    (run,) = done(bot, second)
    assert run["output"]["title"] not in BOT_TITLES_OF_FAILURE, run["output"]
    wait_for(lambda: idle(bot), "the queue to drain")
    assert runs_on(bot, first) == [], "the old head is not reviewed"
    assert len(bot.fake.bot_comments(number)) == 1


# -- 9.4 ----------------------------------------------------------------------------------------------


def test_failures_never_turn_a_failing_head_green(bot: Bot) -> None:
    number, head = open_pr(bot, "gate", {"gate/join.go": CONCAT % ("gate", "")})
    assert send(bot.port, "pull_request", pr_delivery(bot, "opened", number, head), "gate-1") == 202
    wait_for(lambda: bool(done(bot, head)), "the review")
    assert [r["conclusion"] for r in runs_on(bot, head)] == ["failure"], "fail_on: warning"

    # A commenter GitHub will say nothing about (permission lookup 404): denied, check runs untouched.
    bot.fake.inject(Fault(404, count=5, path=r"/collaborators/mallory/permission", message="Not Found"))
    assert send(bot.port, "issue_comment", comment_delivery(bot, number, "/perf-review", "mallory"),
                "gate-2") == 202
    wait_for(lambda: any("@mallory" in c["body"] for c in _ours(bot, number)), "the denial")
    wait_for(lambda: idle(bot), "the queue to drain")
    assert [r["conclusion"] for r in runs_on(bot, head)] == ["failure"]

    # A writer's re-review that GitHub breaks (files listing 404): its own run keeps the failure.
    bot.fake.set_permission("walter", "write")
    bot.fake.inject(Fault(404, count=20, path=rf"/pulls/{number}/files", message="Not Found"))
    assert send(bot.port, "issue_comment", comment_delivery(bot, number, "/perf-review", "walter"),
                "gate-3") == 202
    wait_for(lambda: len(done(bot, head)) == 2 and idle(bot), "the failed re-review")
    latest = runs_on(bot, head)[-1]
    assert latest["output"]["title"] in BOT_TITLES_OF_FAILURE and latest["conclusion"] == "failure", latest
    bot.fake.faults.clear()


# -- 9.6 ----------------------------------------------------------------------------------------------


def test_slow_clients_do_not_starve_deliveries(bot: Bot) -> None:
    """40 connections that send headers and `Content-Length: 100` and no body, and 10 that stop in
    the middle of their headers: a signed ping is still answered, and the slow ones are cut off."""
    slow: list[socket.socket] = []
    try:
        for i in range(50):
            s = socket.create_connection(("127.0.0.1", bot.port), timeout=10)
            head = b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-GitHub-Event: ping\r\n\r\n"
            s.sendall(head if i < 40 else head[:20])
            slow.append(s)
        time.sleep(0.5)
        ping = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
        assert _signed_post(bot.port, "ping", ping, "slow-1", timeout=10) == 200
        for s in slow:  # each was answered 408 (or closed) by the 1 s deadline
            s.settimeout(10)
            answer = s.recv(100)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer
    finally:
        for s in slow:
            s.close()


def _signed_post(port: int, event: str, body: bytes, delivery: str, timeout: float) -> int:
    import http.client

    from bot.events import signature

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/webhook", body=body, headers={
            "Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": signature(SECRET, body)})
        return conn.getresponse().status
    finally:
        conn.close()


# -- 9.7 ----------------------------------------------------------------------------------------------


def test_readyz_follows_a_frozen_job_process(bot: Bot) -> None:
    # The bot is shared with the other tests here: one of them may have left a job process restarting
    # (or a review running). Start from a ready bot with exactly one job process, then freeze that one.
    found: list[int] = []

    def one_job_process() -> bool:
        found[:] = [pid for pid in _descendants(bot.proc.pid) if b"bot.cli\x00worker" in _cmdline(pid)]
        return len(found) == 1 and get(bot.port, "/readyz") == 200

    wait_for(one_job_process, "a ready bot with one job process", timeout=30)
    (jobs,) = found
    os.kill(jobs, signal.SIGSTOP)
    try:
        wait_for(lambda: get(bot.port, "/readyz") == 503, "readiness to notice the frozen job process", timeout=20)
    finally:
        os.kill(jobs, signal.SIGCONT)
    wait_for(lambda: get(bot.port, "/readyz") == 200, "readiness to come back", timeout=20)


def test_a_full_disk_answers_503_and_recovers_without_a_restart(bot: Bot) -> None:
    number, head = open_pr(bot, "disk", {"disk/join.go": CONCAT % ("disk", "")})
    delivery = pr_delivery(bot, "opened", number, head)
    pids = [bot.proc.pid, *_descendants(bot.proc.pid)]
    _file_size_limit(pids, 4096)  # the data dir's files cannot grow: what a full disk does to SQLite
    try:
        wait_for(lambda: get(bot.port, "/readyz") == 503, "readiness to notice the full disk")
        assert send(bot.port, "pull_request", delivery, "disk-1") == 503, "not accepted: nothing to lose"
    finally:
        _file_size_limit(pids, None)
    wait_for(lambda: get(bot.port, "/readyz") == 200, "readiness to recover", timeout=30)
    assert send(bot.port, "pull_request", delivery, "disk-1") == 202, "GitHub's redelivery runs"
    wait_for(lambda: bool(done(bot, head)), "the review", timeout=60)
    assert runs_on(bot, head)[0]["output"]["title"] not in BOT_TITLES_OF_FAILURE


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def _file_size_limit(pids: list[int], limit: int | None) -> None:
    for pid in pids:
        try:
            _, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (hard if limit is None else limit, hard))
        except (ProcessLookupError, PermissionError):
            continue


# -- 9.8 ----------------------------------------------------------------------------------------------


def test_malformed_and_replayed_deliveries(bot: Bot) -> None:
    deep = b'{"a":' * 1000 + b"1" + b"}" * 1000
    assert _signed_post(bot.port, "pull_request", deep, "deep-1", timeout=10) == 400
    number, _ = open_pr(bot, "replay", {"README.md": "replayed\n"})
    help_command = comment_delivery(bot, number, "/perf-review help", "alice")
    assert send(bot.port, "issue_comment", help_command, "replay-1") == 202
    # The same comment again under a new delivery id (the id is not covered by the signature).
    status = send(bot.port, "issue_comment", copy.deepcopy(help_command), "replay-2")
    wait_for(lambda: bool(_ours(bot, number)) and idle(bot), "the help reply")
    assert status in (200, 202) and len(_ours(bot, number)) == 1, "a command runs once per comment"
