"""`perf-review serve`: the webhook app under gunicorn. With the embedded queue (the default) it also
runs the review jobs, so this one command runs the whole bot; with a Redis queue, run
`perf-review worker` next to it (on any number of machines).

The jobs run in a `perf-review worker` child process, not in threads of the gunicorn master: the
master forks web workers at start and whenever one dies, and a fork taken while a consumer thread
holds SQLite's (or any C library's) lock leaves the new web worker deadlocked on its first query.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import subprocess
import sys
import threading
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Config
from bot.errors import UsageError

logger = logging.getLogger(__name__)

DEFAULT_BIND = "0.0.0.0:8000"
RESTART_DELAY = 5.0  # seconds between a job process that died and its replacement
STOP_TIMEOUT = 40.0  # the worker finishes running jobs for up to 25 s on SIGTERM


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the GitHub App: webhook server (and, with the embedded queue, the jobs)")
    p.add_argument("--bind", default=DEFAULT_BIND, help=f"HOST:PORT to listen on (default {DEFAULT_BIND})")
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        help="web worker processes (default 2); jobs run at once: PERF_REVIEW_WORKERS",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    bind = parse_bind(args.bind)
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    config = Config.from_env()  # missing or malformed settings stop here, each named
    _setup_logging()
    check_queue(config)
    jobs = None if config.uses_redis else JobProcess(config.workers)
    logger.info(
        "serving on %s with %d web workers, queue %s", bind, args.workers, "redis" if jobs is None else "embedded"
    )
    Server(config, bind=bind, workers=args.workers, jobs=jobs).run()
    return 0


def check_queue(config: Config) -> bool:
    """Start even when the queue's store does not answer (it may come up later), but say so once, plainly:
    deliveries are refused (503, GitHub can redeliver) and /readyz says not ready until it answers."""
    if not config.uses_redis:
        return True
    from bot.jobs import make_queue

    queue = make_queue(config)
    try:
        queue.store.ping()
    except Exception as exc:  # whatever the client raises: the message says what to check
        logger.warning("the queue's Redis (%s) does not answer (%s): /readyz reports not ready until it does",
                       config.queue_for_logs, type(exc).__name__)
        return False
    return True


def parse_bind(raw: str) -> str:
    """Check HOST:PORT (IPv6 hosts in brackets) and return it unchanged."""
    host, sep, port = raw.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--bind must be HOST:PORT, got {raw!r}")
    return raw


class JobProcess:
    """`perf-review worker` as a child of the gunicorn master, restarted if it dies."""

    def __init__(self, workers: int) -> None:
        self.command = [sys.executable, "-m", "bot.cli", "worker", "--workers", str(workers)]
        self.proc: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()

    def start(self) -> None:
        # Its own session: a terminal's Ctrl-C reaches the master, which stops the jobs in order.
        self.proc = subprocess.Popen(self.command, start_new_session=True)
        threading.Thread(target=self._watch, args=(self.proc,), name="perf-review-jobs", daemon=True).start()
        logger.info("job process started", extra={"pid": self.proc.pid})

    def stop(self) -> None:
        self.stopping.set()
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # graceful: running jobs finish
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()

    def _watch(self, proc: subprocess.Popen[bytes]) -> None:
        code = proc.wait()  # 0 too when gunicorn's reaper collected it first
        if self.stopping.wait(RESTART_DELAY):
            return
        logger.error("job process exited (%s); starting another", code, extra={"pid": proc.pid})
        self.start()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code. Each web worker builds its own app (and queue connection) after
    the fork; the job process, when there is one, starts once the socket is bound."""

    def __init__(self, config: Config, *, bind: str, workers: int, jobs: JobProcess | None) -> None:
        from bot.httpworker import GuardedThreadWorker

        self.config = config
        GuardedThreadWorker.request_timeout = config.request_timeout  # inherited by the forked workers
        self.options = {
            "bind": bind,
            "workers": workers,
            # gthread that reads each request whole before a thread sees it (slow clients, issue 9.6)
            "worker_class": GuardedThreadWorker,
            "threads": 4,
            "keepalive": 0,  # one request per connection, as GitHub sends them: no thread waits on a client
            "timeout": 30,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "perf-review",
            "control_socket_disable": True,  # gunicorn >= 24 otherwise opens ~/.gunicorn/gunicorn.ctl
        }
        self.jobs = jobs
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)
        if self.jobs is not None:
            jobs = self.jobs
            self.cfg.set("when_ready", lambda server: jobs.start())
            self.cfg.set("on_exit", lambda server: jobs.stop())

    def load(self) -> Any:
        from bot.app import create_app

        return create_app(self.config)


def _setup_logging() -> None:
    """JSON logs from bot.observability when it exists; plain INFO logs otherwise."""
    try:
        obs = importlib.import_module("bot.observability")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.observability":
            raise
        logging.getLogger().setLevel(logging.INFO)
        return
    obs.setup_logging()
