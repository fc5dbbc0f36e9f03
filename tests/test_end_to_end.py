"""The whole bot as users run it: `perf-review serve` (gunicorn + its job worker, embedded SQLite
queue) against the GitHub stand-in, driven by GitHub's recorded webhook payloads, signed."""

from __future__ import annotations

import copy
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.events import signature
from tests.github_fake.fixtures import AppKey, push
from tests.github_fake.server import FakeGitHub
from tests.github_fake.webhooks import merge_group, requested_action

WEBHOOKS = Path(__file__).resolve().parent / "data" / "github" / "webhooks"
SECRET = "end-to-end secret"
EXE = str(Path(sys.executable).parent / "perf-review")
SLOW = """package shop

// Join renders names, per request. //perf-review:hot
func Join(names []string) string {
	out := ""
	for _, n := range names {
		out += n + ","
	}
	return out
}
"""
FIXED = """package shop

import "strings"

// Join renders names, per request. //perf-review:hot
func Join(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(',')
	}
	return b.String()
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def bot(github_fake: FakeGitHub, app_key: AppKey, tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "GITHUB_APP_ID": str(github_fake.state.app_id),
        "GITHUB_PRIVATE_KEY": app_key.private_pem,
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": github_fake.url,
        "PERF_REVIEW_BOT_LOGIN": github_fake.state.bot_login,
        "PERF_REVIEW_DATA_DIR": str(tmp_path / "data"),
    }
    log = (tmp_path / "bot.log").open("wb")
    proc = subprocess.Popen([EXE, "serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log)
    try:
        wait_for(lambda: get(port, "/healthz") == 200, what="the bot to start", proc=proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def get(port: int, path: str) -> int:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return 0


def wait_for(
    cond: Callable[[], bool], what: str, timeout: float = 120, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the bot exited while waiting for {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def payload(fake: FakeGitHub, name: str) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(json.loads((WEBHOOKS / f"{name}.json").read_text()))
    st = fake.state
    data["repository"].update(name=st.name, full_name=st.full_name)
    data["repository"]["owner"] = {**data["repository"].get("owner", {}), "login": st.owner}
    data["installation"] = {**data.get("installation", {}), "id": st.installation_id}
    data["sender"] = {**data.get("sender", {}), "login": "alice", "type": "User"}
    return data


def pr_event(fake: FakeGitHub, action: str, number: int) -> dict[str, Any]:
    data = payload(fake, f"pull_request.{action}")
    data["number"] = number
    pr = data["pull_request"]
    pr.update(number=number, draft=False)
    pr["head"]["sha"] = fake.git.rev(fake.state.pulls[number].head_ref)
    return data


def send(port: int, event: str, data: dict[str, Any], delivery: str) -> int:
    body = json.dumps(data).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/webhook", body=body, headers={
        "Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature(SECRET, body), "User-Agent": "GitHub-Hookshot/e2e"})
    return conn.getresponse().status


def completed_runs(fake: FakeGitHub, sha: str) -> list[dict[str, Any]]:
    return [r for r in fake.check_runs() if r["head_sha"] == sha and r.get("status") == "completed"]


def test_pull_request_lifecycle(github_fake: FakeGitHub, github_pr: Callable[..., int], bot: int) -> None:
    number = github_pr({"go.mod": "module example.com/shop\n\ngo 1.22\n", "shop/join.go": SLOW})
    first = github_fake.git.rev(github_fake.state.pulls[number].head_ref)
    assert send(bot, "pull_request", pr_event(github_fake, "opened", number), "e2e-1") == 202
    wait_for(lambda: bool(completed_runs(github_fake, first)), "the first review")
    (comment,) = github_fake.bot_comments(number)
    assert "### Summary" in comment["body"] and "string-concat-loop" in comment["body"]
    assert any("string-concat-loop" in c["body"] for c in github_fake.review_comments(number))
    # A redelivery of the same delivery does nothing twice.
    assert send(bot, "pull_request", pr_event(github_fake, "opened", number), "e2e-1") == 200

    push(github_fake, {"shop/join.go": FIXED})
    second = github_fake.git.rev(github_fake.state.pulls[number].head_ref)
    assert send(bot, "pull_request", pr_event(github_fake, "synchronize", number), "e2e-2") == 202
    wait_for(lambda: bool(completed_runs(github_fake, second)), "the review of the second push")
    (comment,) = github_fake.bot_comments(number)
    assert "fixed" in comment["body"].lower(), comment["body"][:2000]
    assert len(completed_runs(github_fake, first)) == 1

    # The inline thread of the fixed finding says so, once.
    (thread,) = [c for c in github_fake.review_comments(number) if not c.get("in_reply_to_id")]
    said = [c["body"] for c in github_fake.review_comments(number) if c.get("in_reply_to_id") == thread["id"]]
    assert [s.split("\n")[0] for s in said] == [f"Fixed in {second[:7]}."]
    # The merge queue gets the pull request's result on the group's commit.
    group = merge_group(github_fake, number)
    assert send(bot, "merge_group", group, "e2e-3") == 202
    group_sha = group["merge_group"]["head_sha"]
    wait_for(lambda: bool(completed_runs(github_fake, group_sha)), "the merge group's check run")
    (group_run,) = completed_runs(github_fake, group_sha)
    assert group_run["conclusion"] == "neutral" and "carries over" in group_run["output"]["summary"]
    # The check run's Benchmarks button answers like `/perf-review bench`.
    github_fake.set_permission("alice", "write")
    (run,) = completed_runs(github_fake, second)
    assert send(bot, "check_run", requested_action(github_fake, run["id"], "bench", sender="alice"), "e2e-4") == 202
    wait_for(lambda: len(github_fake.bot_comments(number)) == 2, "the benchmark reply")
    assert "benchmark plan" in github_fake.bot_comments(number)[1]["body"].lower()
