"""Run one job in a child process with a wall-clock limit and a memory limit (issue 9.1).

Nothing a pull request contains may hold a worker longer than the limit: a pathological input to a
regular expression, a parser or a rule runs in a child process, not in the worker. The child gets an
address-space limit (`resource.setrlimit(RLIMIT_AS)`; RLIMIT_DATA where the system ignores AS, as
macOS does) and a CPU-time limit as a backstop; the parent kills it (SIGKILL) at the wall-clock
deadline, and the child exits by itself should the parent die. Going over a limit raises LimitError,
which the job runner reports on the pull request and does not retry.

Children come from a "forkserver": a single-threaded process started once, with the review's
modules already imported, that forks a child per job. Forking the worker itself would copy its
threads' locks (SQLite, logging, the HTTP pools) in whatever state they were.

The child talks to the parent over a pipe: events on the way (metrics), then its result or its
exception. `is_current()` (has a newer push superseded the job?) is asked by the parent, which sees
the job's store, and handed to the child through a shared flag.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from bot.errors import LimitError

log = logging.getLogger(__name__)

T = TypeVar("T")
Emit = Callable[[Any], None]
Target = Callable[[Any, Callable[[], bool], Emit], Any]

PRELOAD = ["bot.jobs", "bot.review", "bot.observability", "analyzers.engine", "analyzers.report"]
POLL = 0.25  # seconds between looks at the child
CURRENT_EVERY = 1.0  # seconds between refreshes of the is_current flag
_lock = threading.Lock()
_context: Any = None


@dataclass(frozen=True)
class Bounds:
    seconds: float
    memory_mb: int


def context() -> Any:
    """The forkserver context, its preload set once per process."""
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def warm_up() -> None:
    """Start the forkserver and import the review's modules in it now, in the background, so the first
    review does not spend its time limit on them."""

    def start() -> None:
        try:
            context()
            from multiprocessing import forkserver

            forkserver.ensure_running()
            run_bounded(_nothing, None, Bounds(120, 4096))
        except Exception:
            log.warning("could not start the review processes' forkserver ahead of time", exc_info=True)

    threading.Thread(target=start, name="perf-review-warm-up", daemon=True).start()


def _nothing(arg: Any, is_current: Callable[[], bool], emit: Emit) -> None:
    return None


def run_bounded(target: Target, arg: Any, bounds: Bounds, *, is_current: Callable[[], bool] = lambda: True,
                on_event: Emit = lambda event: None) -> Any:
    """target(arg, is_current, emit) in a child process within `bounds`. Returns its result or raises
    its exception; LimitError when it went over a limit or died."""
    ctx = context()
    results_r, results_w = ctx.Pipe(duplex=False)
    control_r, control_w = ctx.Pipe(duplex=False)
    flag = ctx.Value("b", 1, lock=False)
    proc = ctx.Process(target=_child, name="perf-review-job",
                       args=(target, arg, results_w, control_r, flag, bounds, logging.getLogger().level))
    proc.start()
    results_w.close()
    control_r.close()
    try:
        return _wait(proc, results_r, flag, bounds, is_current, on_event)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        results_r.close()
        control_w.close()  # the child's watchdog sees EOF and exits, should it still be there


def _wait(proc: Any, results: Connection, flag: Any, bounds: Bounds, is_current: Callable[[], bool],
          on_event: Emit) -> Any:
    deadline = time.monotonic() + bounds.seconds
    next_check = time.monotonic() + CURRENT_EVERY
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            raise LimitError(f"the review took longer than {bounds.seconds:g} s, the limit for one review "
                             "(PERF_REVIEW_JOB_TIMEOUT); it was stopped")
        if results.poll(min(POLL, left)):
            try:
                kind, payload = results.recv()
            except EOFError:
                break
            if kind == "event":
                on_event(payload)
            elif kind == "ok":
                return payload
            elif kind == "error":
                raise payload
            elif kind == "memory":
                raise LimitError(_memory_message(bounds))
        if time.monotonic() >= next_check:
            flag.value = int(_current(is_current, bool(flag.value)))
            next_check = time.monotonic() + CURRENT_EVERY
    proc.join(5)
    raise LimitError(_died_message(proc.exitcode, bounds))


def _current(is_current: Callable[[], bool], last: bool) -> bool:
    try:
        return bool(is_current())
    except Exception:  # the store blinked: keep the last answer, the job's lease has slack
        log.warning("could not tell whether the job is still current", exc_info=True)
        return last


def _memory_message(bounds: Bounds) -> str:
    return (f"the review needed more than {bounds.memory_mb} MB of memory, the limit for one review "
            "(PERF_REVIEW_JOB_MEMORY_MB)")


def _died_message(code: int | None, bounds: Bounds) -> str:
    if code is not None and code < 0 and -code in (signal.SIGXCPU, signal.SIGKILL):
        return (f"the review used more than its CPU time or memory (limits {bounds.seconds:g} s, "
                f"{bounds.memory_mb} MB) and was stopped")
    how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
    return f"the review process stopped unexpectedly ({how}); it may have run out of memory ({bounds.memory_mb} MB)"


# -- the child ------------------------------------------------------------------------------------


def _child(target: Target, arg: Any, results: Connection, control: Connection, flag: Any, bounds: Bounds,
           log_level: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _setup_logging(log_level)
    _watch_parent(control)
    limit_resources(bounds)

    def emit(event: Any) -> None:
        results.send(("event", event))

    try:
        value = target(arg, lambda: bool(flag.value), emit)
        results.send(("ok", value))
    except MemoryError:
        results.send(("memory", None))
    except BaseException as exc:
        results.send(("error", _portable(exc)))
    finally:
        results.close()


def limit_resources(bounds: Bounds) -> None:
    """Address space (or data segment) and CPU time of this process; limits that the system does not
    allow are logged and skipped, the wall-clock deadline still holds."""
    memory = bounds.memory_mb * 1024 * 1024
    for name in ("RLIMIT_AS", "RLIMIT_DATA"):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            resource.setrlimit(which, (memory, memory))
        except (ValueError, OSError) as exc:
            log.warning("could not set %s: %s", name, exc)
    cpu = math.ceil(bounds.seconds) + 5
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    except (ValueError, OSError) as exc:
        log.warning("could not set RLIMIT_CPU: %s", exc)


def _watch_parent(control: Connection) -> None:
    """Exit when the parent goes away (its end of `control` closes), so no child outlives its job."""

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            control.recv()
        os._exit(70)

    threading.Thread(target=watch, name="perf-review-parent-watch", daemon=True).start()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling (our typed errors do), else a RuntimeError with
    its type and message; the child's traceback goes along as a note."""
    note = "".join(traceback.format_exception(exc))[-4000:]
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {str(exc)[:500]}")
    exc.add_note(f"in the review process:\n{note}")
    return exc


def _setup_logging(level: int) -> None:
    from bot.observability import setup_logging

    setup_logging(level)
