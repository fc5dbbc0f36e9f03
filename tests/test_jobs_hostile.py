"""Issue 9 in the job layer, on both stores (SQLite file, real redis-server): heads never move
backwards, a delivery and its jobs are recorded all or nothing, commands run once per comment, the
queue's own store blinking is retried, a limit is reported and never retried, runs left by a dead
attempt are closed, and heartbeats tell readiness the job process lives."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace

import pytest
import redis

from bot.errors import LimitError
from bot.jobs import JobQueue
from bot.jobspec import ReviewRequest
from bot.jobstore import Admission
from tests import test_jobs
from tests.test_jobs import ScriptedRunner, _die_while_running, drain, req

make = test_jobs.make  # the queue on each store (SQLite, real Redis), as tests/test_jobs.py builds it
redis_url = test_jobs.redis_url


class AskingRunner(ScriptedRunner):
    """Answers the PR's head as GitHub would, and records closed leftovers."""

    def __init__(self, github_head: str, *script: BaseException | None) -> None:
        super().__init__(*script)
        self.github_head = github_head

    def current_head(self, request: ReviewRequest) -> str:
        self.calls.append(("asked", request.head_sha, self.github_head))
        return self.github_head

    def abandoned(self, request: ReviewRequest) -> None:
        self.calls.append(("abandoned", request.head_sha, ""))


def stamped(head: str, stamp: float, before: str = "", pr: int = 1) -> ReviewRequest:
    return replace(req(head, pr=pr), head_stamp=stamp, head_before=before)


def test_the_ledger_moves_a_head_forward_only(make: Callable[..., JobQueue]) -> None:
    store = make(ScriptedRunner()).store
    assert store.note_head("o/r#1", "A", 10.0)
    assert store.note_head("o/r#1", "B", 20.0, before="A"), "B replaced A"
    assert not store.note_head("o/r#1", "A", 10.0), "a late delivery for A"
    assert store.pr_head("o/r#1") == ("B", 2)
    assert not store.note_head("o/r#1", "C", 20.0), "same second, no `before`: in doubt, left to GitHub"
    assert store.note_head("o/r#1", "C", 20.0, force=True), "GitHub said C"
    assert store.note_head("o/r#1", "D", 0.0), "no timestamp at all: the latest word"
    assert store.pr_head("o/r#1") == ("D", 4)


def test_a_late_delivery_does_not_supersede_the_newer_head(make: Callable[..., JobQueue]) -> None:
    runner = AskingRunner("B")
    queue = make(runner)
    assert queue.enqueue(stamped("B", 20.0, before="A"))
    assert queue.enqueue(stamped("A", 10.0))
    drain(queue)
    assert sorted(runner.calls) == [("asked", "A", "B"), ("run", "B", ""), ("superseded", "A", "")]


def test_a_delivery_and_its_jobs_are_recorded_all_or_nothing(make: Callable[..., JobQueue]) -> None:
    store = make(ScriptedRunner()).store
    job = Admission("j1", req("a"), True, True)
    assert store.admit("d1", [job], 60.0) == [True]
    assert store.admit("d1", [Admission("j2", req("b"), True, True)], 60.0) is None, "a redelivery"
    assert store.admit("d2", [Admission("j3", req("a"), True, True)], 60.0) == [False], "deduplicated"
    if store.kind == "sqlite":  # a job id that exists already makes the transaction fail half-way
        with pytest.raises(sqlite3.IntegrityError):
            store.admit("d3", [Admission("j4", req("c"), True, True), Admission("j1", req("d"), True, True)], 60.0)
        assert store.admit("d3", [Admission("j5", req("c"), True, True)], 60.0) == [True], "d3 and c left no trace"


def test_a_slash_command_runs_once_per_comment(make: Callable[..., JobQueue]) -> None:
    queue = make(ScriptedRunner())
    command = replace(req("", trigger="command", delivery="d1"), comment_id=77, kind="help")
    assert queue.enqueue(command)
    assert not queue.enqueue(replace(command, delivery_id="d2")), "the same comment under a new delivery id"
    assert queue.enqueue(replace(command, delivery_id="d3", comment_id=78))


def test_the_stores_blinking_is_retried_and_a_limit_is_not(make: Callable[..., JobQueue]) -> None:
    runner = ScriptedRunner(redis.ConnectionError("Connection reset by peer"), None,
                            LimitError("the review took longer than 600 s"))
    queue = make(runner)
    assert queue.enqueue(req("a"))
    drain(queue)
    assert queue.enqueue(req("b", pr=2))
    drain(queue)
    assert [c[0] for c in runner.calls] == ["run", "run", "run", "failed"]
    assert runner.calls[-1][2] == "the review took longer than 600 s"


def test_what_a_dead_attempt_left_open_is_closed_before_the_next(make: Callable[..., JobQueue]) -> None:
    runner = AskingRunner("a")
    queue = make(runner)
    queue.store.add_job("j1", req("a"), 60.0)
    assert _die_while_running(queue.store, "j1") == ["j1"]
    queue._push("j1", 0.0)
    drain(queue)
    assert [c[0] for c in runner.calls] == ["abandoned", "run"]


def test_readiness_needs_a_write_and_a_heartbeat(make: Callable[..., JobQueue]) -> None:
    queue = make(ScriptedRunner())
    assert any("heartbeat" in p for p in queue.readiness())
    queue.store.beat("host:1", 0.5)
    assert queue.readiness() == [] and queue.store.alive_workers() == 1
    handle = queue.start_in_process(workers=1)
    try:
        assert queue.store.alive_workers() >= 1
    finally:
        handle.stop()
