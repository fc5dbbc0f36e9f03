"""`perf-review worker`: run review jobs from the queue. Run any number of them, on any machines,
pointed at the same Redis (PERF_REVIEW_QUEUE=redis://...). With the embedded SQLite queue,
`perf-review serve` already runs the jobs; a worker on the same machine and data directory adds more.
SIGTERM or SIGINT stops it gracefully: running jobs finish (up to 25 s), and a job cut short runs
again elsewhere once its lease runs out."""

from __future__ import annotations

import argparse
import logging
import signal
from typing import Any

from bot.commands.serve import check_queue
from bot.config import Config
from bot.errors import UsageError

logger = logging.getLogger(__name__)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("worker", help="run review jobs from the queue (scale out with Redis)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="jobs run at once by this process (default: PERF_REVIEW_WORKERS, else 2)",
    )
    p.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        metavar="PORT",
        help="serve Prometheus metrics of this worker's jobs on this port (default: off)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.metrics_port is not None and not 0 < args.metrics_port < 65536:
        raise UsageError("--metrics-port must be a TCP port")
    config = Config.from_env()
    from bot import observability
    from bot.jobs import make_queue

    observability.setup_logging()
    # Until the consumer installs its handlers, a SIGTERM (a quick restart) is kept for it, not fatal.
    pending: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda s, _frame: pending.append(s))
    check_queue(config)
    queue = make_queue(config)
    workers = args.workers or config.workers
    if args.metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(args.metrics_port, registry=observability.REGISTRY)
    logger.info("worker started: %d job threads, queue %s", workers, queue.store.kind, extra={"workers": workers})
    queue.run_consumer(workers, pending_signals=pending)
    return 0
