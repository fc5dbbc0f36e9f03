"""A real `JobQueue.run_consumer` process with a stand-in runner, for tests/test_jobs_workers.py.

    python -m tests.jobs_worker --queue URL|embedded --data-dir DIR --events FILE [--hang] [--barrier N]

The runner appends one JSON line per event to FILE (O_APPEND: lines from several processes do not
interleave): start, published, aborted (told by is_current), superseded, failed, overlap (two runs of
one PR at once: the per-PR lock failed). Heads listed in --hold wait until is_current() turns False;
--hang makes every run block forever (the test SIGKILLs the process); --barrier N holds each run until
N distinct processes have started one, so a test can prove the work was shared.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import Config
from bot.jobrun import Tuning
from bot.jobs import make_queue
from bot.jobspec import ReviewRequest

TEST_TUNING = Tuning(lease=1.5, queued_grace=3.0, reap_interval=0.25, backoff_base=0.0, lock_wait=0.2)


def job_key(request: ReviewRequest) -> str:
    return f"{request.repo}#{request.pr}@{request.head_sha}/{request.trigger}/{request.delivery_id}"


def read_events(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class RecordingRunner:
    def __init__(self, events: Path, *, hang: bool = False, hold: frozenset[str] = frozenset(), barrier: int = 0):
        self.events, self.hang, self.hold, self.barrier = events, hang, hold, barrier
        self.locks = events.parent / "inside"
        self.locks.mkdir(exist_ok=True)

    def record(self, event: str, request: ReviewRequest, **extra: object) -> None:
        line = json.dumps({"event": event, "key": job_key(request), "pid": os.getpid(), **extra}) + "\n"
        fd = os.open(self.events, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def run(self, request: ReviewRequest, is_current: Callable[[], bool]) -> object:
        marker = self.locks / f"{request.repo.replace('/', '_')}-{request.pr}"
        if not self._enter(marker):
            self.record("overlap", request)
            return None
        try:
            return self._run(request, is_current)
        finally:
            marker.unlink()

    def _enter(self, marker: Path) -> bool:
        """Take the PR's marker file; a marker left by a killed process does not count."""
        for _ in range(2):
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    os.kill(int(marker.read_text() or "0"), 0)
                    return False
                except ValueError:  # created a moment ago, pid not written yet: a live run
                    return False
                except (ProcessLookupError, FileNotFoundError):
                    marker.unlink(missing_ok=True)
                    continue
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            return True
        return False

    def _run(self, request: ReviewRequest, is_current: Callable[[], bool]) -> object:
        self.record("start", request)
        while self.hang:
            time.sleep(1)
        self._wait_barrier()
        deadline = time.monotonic() + 20
        while request.head_sha in self.hold and is_current() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.01)  # a window in which a second run of the PR would show up as an overlap
        self.record("published" if is_current() else "aborted", request)
        return None

    def _wait_barrier(self) -> None:
        deadline = time.monotonic() + 20
        while self.barrier and time.monotonic() < deadline:
            pids = {e["pid"] for e in read_events(self.events) if e["event"] == "start"}
            if len(pids) >= self.barrier:
                return
            time.sleep(0.02)

    def superseded(self, request: ReviewRequest) -> None:
        self.record("superseded", request)

    def failed(self, request: ReviewRequest, message: str) -> None:
        self.record("failed", request, message=message)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queue", required=True)
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--events", required=True, type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--hold", default="")
    parser.add_argument("--barrier", type=int, default=0)
    args = parser.parse_args()
    hold = frozenset(h for h in args.hold.split(",") if h)
    runner = RecordingRunner(args.events, hang=args.hang, hold=hold, barrier=args.barrier)
    config = Config(app_id=1, data_dir=args.data_dir, queue=args.queue)
    make_queue(config, runner=runner, tuning=TEST_TUNING).run_consumer(args.workers)


if __name__ == "__main__":
    main()
