"""The job layer across real processes: worker processes on a real redis-server (and on the SQLite
file), SIGKILL mid-job, restart with jobs waiting, superseding and the per-PR lock under load.
Every wait has a deadline; every assertion is about outcomes, never about how long things took."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.jobs import JobQueue, make_queue
from bot.jobspec import ReviewRequest
from tests.jobs_worker import TEST_TUNING, RecordingRunner, job_key, read_events
from tests.redis_server import redis_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


class Workers:
    """Worker processes of one test, all stopped at the end."""

    def __init__(self, tmp: Path, queue: str) -> None:
        self.tmp, self.queue = tmp, queue
        self.events = tmp / "events.jsonl"
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, *extra: str) -> subprocess.Popen[bytes]:
        argv = [sys.executable, "-m", "tests.jobs_worker", "--queue", self.queue]
        argv += ["--data-dir", str(self.tmp / "data"), "--events", str(self.events), *extra]
        log = (self.tmp / f"worker-{len(self.procs)}.log").open("wb")
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp.glob("worker-*.log")))

    def wait_for(self, what: str, done: Callable[[list[dict[str, object]]], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(read_events(self.events)):
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; events: {read_events(self.events)}\n{self.logs()}")


@pytest.fixture
def workers_factory(tmp_path: Path) -> Iterator[Callable[[str], Workers]]:
    made: list[Workers] = []

    def make(queue: str) -> Workers:
        made.append(Workers(tmp_path, queue))
        return made[-1]

    yield make
    for w in made:
        w.stop()


def producer(workers: Workers) -> JobQueue:
    """The webhook's side of the queue, in the test process (its runner never runs)."""
    config = Config(app_id=1, data_dir=workers.tmp / "data", queue=workers.queue)
    return make_queue(config, runner=RecordingRunner(workers.tmp / "unused.jsonl"), tuning=TEST_TUNING)


def wait_idle(queue: JobQueue, workers: Workers, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = queue.stats()
        if stats["queued"] == 0 and stats["running"] == 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"jobs left in the queue: {queue.stats()}\n{workers.logs()}")


def request(pr: int, head: str, trigger: str = "auto", delivery: str = "") -> ReviewRequest:
    return ReviewRequest(
        installation_id=1, repo="octo/app", pr=pr, head_sha=head, trigger=trigger, delivery_id=delivery  # type: ignore[arg-type]
    )


def count(events: list[dict[str, object]], event: str) -> Counter[object]:
    return Counter(e["key"] for e in events if e["event"] == event)


def test_two_workers_share_a_burst_and_run_each_job_once(
    redis_url: str, workers_factory: Callable[[str], Workers]
) -> None:
    workers = workers_factory(redis_url)
    queue = producer(workers)
    wanted: list[ReviewRequest] = []
    for i in range(40):
        auto = request(pr=100 + i % 8, head=f"h{i}")
        assert queue.enqueue(auto)
        assert not queue.enqueue(auto), "a burst of the same automatic review must queue it once"
        wanted.append(auto)
    for i in range(8):
        explicit = request(pr=200, head="cmd", trigger="command", delivery=f"d{i}")
        assert queue.enqueue(explicit), "explicit requests always run"
        wanted.append(explicit)
    for _ in range(2):
        workers.start("--barrier", "2")
    wait_idle(queue, workers)

    events = read_events(workers.events)
    done = count(events, "published") + count(events, "superseded") + count(events, "aborted")
    assert all(n == 1 for n in done.values()), f"a job ran twice: {done}"
    assert set(done) == {job_key(r) for r in wanted}, "every job ran"
    latest = {job_key(request(pr=100 + p, head=f"h{32 + p}")) for p in range(8)}
    assert latest <= set(count(events, "published")), "each PR's newest head was published"
    assert not count(events, "overlap"), "two runs of one PR overlapped"
    assert len({e["pid"] for e in events if e["event"] == "start"}) == 2, "both worker processes took jobs"


@pytest.mark.parametrize("backend", ["redis", "sqlite"])
def test_worker_killed_mid_job_loses_no_review(
    backend: str, redis_url: str, workers_factory: Callable[[str], Workers]
) -> None:
    workers = workers_factory(redis_url if backend == "redis" else "embedded")
    queue = producer(workers)
    doomed = workers.start("--hang", "--workers", "1")
    job = request(pr=7, head="abc")
    assert queue.enqueue(job)
    workers.wait_for("the job to start", lambda ev: bool(count(ev, "start")))
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()

    rescuer = workers.start()
    workers.wait_for("the job to be published", lambda ev: bool(count(ev, "published")))
    wait_idle(queue, workers)
    events = read_events(workers.events)
    assert count(events, "published") == {job_key(job): 1}
    assert [e["pid"] for e in events if e["event"] == "published"] == [rescuer.pid]


def test_sqlite_queue_keeps_jobs_across_a_crash(tmp_path: Path, workers_factory: Callable[[str], Workers]) -> None:
    workers = workers_factory("embedded")
    data = tmp_path / "data"
    enqueue = (
        "import os, signal, pathlib\n"
        "from bot.config import Config\nfrom bot.jobs import make_queue\n"
        "from tests.jobs_worker import TEST_TUNING, RecordingRunner\nfrom tests.test_jobs_workers import request\n"
        f"q = make_queue(Config(app_id=1, data_dir=pathlib.Path({str(data)!r})), "
        f"runner=RecordingRunner(pathlib.Path({str(tmp_path / 'unused.jsonl')!r})), tuning=TEST_TUNING)\n"
        "for pr in (1, 2, 3): assert q.enqueue(request(pr=pr, head='x'))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    crashed = subprocess.run([sys.executable, "-c", enqueue], cwd=ROOT, capture_output=True, text=True)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr

    workers.start()
    workers.wait_for("three reviews", lambda ev: len(count(ev, "published")) == 3)
    queue = producer(workers)
    wait_idle(queue, workers)
    assert count(read_events(workers.events), "published") == {job_key(request(pr=p, head="x")): 1 for p in (1, 2, 3)}


def test_newer_head_supersedes_running_and_queued_reviews(
    redis_url: str, workers_factory: Callable[[str], Workers]
) -> None:
    workers = workers_factory(redis_url)
    queue = producer(workers)
    for _ in range(2):
        workers.start("--hold", "h1,h2,h3")
    assert queue.enqueue(request(pr=9, head="h1"))
    workers.wait_for("h1 to start", lambda ev: bool(count(ev, "start")))
    for head in ("h2", "h3", "h4"):
        assert queue.enqueue(request(pr=9, head=head))
    wait_idle(queue, workers)

    events = read_events(workers.events)
    ended = count(events, "superseded") + count(events, "aborted")
    old = {job_key(request(pr=9, head=h)) for h in ("h1", "h2", "h3")}
    assert count(events, "published") == {job_key(request(pr=9, head="h4")): 1}
    assert dict(ended) == dict.fromkeys(old, 1), "each older head ended once, as superseded"
    assert count(events, "aborted")[job_key(request(pr=9, head="h1"))] == 1, "the running review was told"
    assert not count(events, "overlap")


def test_per_pr_lock_holds_under_concurrency(redis_url: str, workers_factory: Callable[[str], Workers]) -> None:
    workers = workers_factory(redis_url)
    queue = producer(workers)
    wanted = [request(pr=pr, head="same", trigger="command", delivery=f"{pr}-{i}") for pr in (1, 2) for i in range(10)]
    for job in wanted:
        assert queue.enqueue(job)
    for _ in range(2):
        workers.start("--workers", "3")
    wait_idle(queue, workers)

    events = read_events(workers.events)
    assert not count(events, "overlap"), "two jobs published on one PR at once"
    assert count(events, "published") == {job_key(j): 1 for j in wanted}


def test_the_worker_command_serves_metrics_and_stops_gracefully(redis_url: str, tmp_path: Path) -> None:
    from tests.github_fake.fixtures import make_app_key
    from tests.redis_server import free_port

    port = free_port()
    env = {
        **os.environ,
        "GITHUB_APP_ID": "1",
        "GITHUB_PRIVATE_KEY": make_app_key().private_pem,
        "GITHUB_WEBHOOK_SECRET": "s",
        "PERF_REVIEW_QUEUE": redis_url,
        "PERF_REVIEW_DATA_DIR": str(tmp_path),
    }
    argv = [sys.executable, "-m", "bot.cli", "worker", "--workers", "1", "--metrics-port", str(port)]
    log = (tmp_path / "worker.log").open("wb")
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        body = ""
        while time.monotonic() < deadline and "perf_review_jobs" not in body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                    body = response.read().decode()
            except OSError:
                assert proc.poll() is None, (tmp_path / "worker.log").read_text()
                time.sleep(0.1)
        assert "perf_review_jobs" in body
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    lines = [json.loads(line) for line in (tmp_path / "worker.log").read_text().splitlines() if line.startswith("{")]
    assert any(line["message"].startswith("worker started") for line in lines), "logs are JSON lines"
