"""gunicorn's threaded worker, made safe to face slow clients (issue 9.6).

gunicorn's `gthread` worker hands a connection to a thread as soon as its first bytes arrive, and the
thread then blocks reading the rest: 24 connections that send their headers and `Content-Length: 100`
and no body held all 8 threads, and GitHub's deliveries timed out. This worker reads every request in
full in its event loop first (non-blocking, no thread), within a deadline from the connection's
accept (PERF_REVIEW_REQUEST_TIMEOUT, 10 s by default), and only a complete request reaches a thread.
A connection that does not deliver its request in time is answered 408 and closed; headers over
64 KB get 431, a chunked body over the webhook's limit 413. Connections are not kept alive (GitHub
opens one per delivery), so a thread never waits on a client.

This bounds what a slow client costs to one open socket for the deadline, and the number of them to
gunicorn's `worker_connections` per worker. A deployment facing the internet should still have a
reverse proxy in front (deploy/nginx.conf); port 8000 is not meant to be exposed bare.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

from bot.events import MAX_BODY_BYTES

MAX_HEADER_BYTES = 64 * 1024
MAX_BUFFERED = 64 * 1024 * 1024  # bytes held for unfinished requests, per worker process
READ_CHUNK = 1 << 16
_ANSWERS = {
    400: b"400 Bad Request",
    408: b"408 Request Timeout",
    413: b"413 Content Too Large",
    431: b"431 Request Header Fields Too Large",
    503: b"503 Service Unavailable",
}


@dataclass
class _Reading:
    """A connection whose request is still arriving."""

    conn: Any
    deadline: float
    buf: bytearray = field(default_factory=bytearray)
    header_end: int = -1  # index just past the blank line, once seen
    body_length: int | None = None  # Content-Length; None for chunked
    chunked: bool = False
    scan: int = 0  # where the next chunk starts (chunked bodies are scanned once)
    continued: bool = False  # "100 Continue" sent


class GuardedThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gthread with requests read whole in the event loop before any thread sees them."""

    request_timeout = 10.0  # set from Config by `perf-review serve` before the workers fork

    def init_process(self) -> None:
        self._reading: dict[int, _Reading] = {}
        self._buffered = 0
        super().init_process()

    # -- the event loop side ---------------------------------------------------------------------

    def accept(self, listener: socket.socket) -> None:
        try:
            client, addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client, addr, listener.getsockname())  # non-blocking from here
        reading = _Reading(conn, time.monotonic() + self.request_timeout)
        self._reading[id(conn)] = reading
        self.poller.register(client, selectors.EVENT_READ, partial(self._on_readable, reading))

    def _on_readable(self, reading: _Reading, sock: socket.socket) -> None:
        try:
            data = sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(reading)
            return
        if not data:
            self._close(reading)
            return
        reading.buf += data
        self._buffered += len(data)
        if self._buffered > MAX_BUFFERED:  # many large requests arriving slowly at once: shed this one
            self._refuse(reading, 503)
            return
        outcome = _complete(reading)
        if outcome is True:
            self._dispatch(reading)
        elif outcome:
            self._refuse(reading, int(outcome))
        elif reading.header_end >= 0 and not reading.continued and _expects_continue(reading):
            reading.continued = True
            _send_quietly(sock, b"HTTP/1.1 100 Continue\r\n\r\n")

    def _dispatch(self, reading: _Reading) -> None:
        self._forget(reading)
        conn = reading.conn
        conn.buffered = bytes(reading.buf)
        conn.data_ready = True
        self.enqueue_req(conn)

    def _refuse(self, reading: _Reading, status: int) -> None:
        line = _ANSWERS.get(status, b"400 Bad Request")
        _send_quietly(reading.conn.sock, b"HTTP/1.1 " + line + b"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        self._close(reading)

    def _close(self, reading: _Reading) -> None:
        self._forget(reading)
        self.nr_conns -= 1
        reading.conn.close()

    def _forget(self, reading: _Reading) -> None:
        if self._reading.pop(id(reading.conn), None) is not None:
            self._buffered -= len(reading.buf)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(reading.conn.sock)

    def murder_keepalived(self, force: bool = False) -> None:
        """Also run on every turn of the loop: requests past their deadline get 408."""
        super().murder_keepalived(force)
        now = time.monotonic()
        for reading in [r for r in self._reading.values() if force or r.deadline <= now]:
            self._refuse(reading, 408)

    # -- the thread side ---------------------------------------------------------------------------

    def handle(self, conn: Any) -> Any:
        buffered = getattr(conn, "buffered", None)
        if buffered is not None:
            conn.buffered = None
            conn.init()
            conn.parser.unreader.unread(buffered)  # the parser reads the request from here, not the socket
        return super().handle(conn)


def _complete(r: _Reading) -> bool | int:
    """True when the whole request is in the buffer, False while more is due, or the status to refuse
    it with."""
    if r.header_end < 0:
        end = r.buf.find(b"\r\n\r\n")
        if end < 0:
            return 431 if len(r.buf) > MAX_HEADER_BYTES else False
        r.header_end = end + 4
        framing = _framing(bytes(r.buf[: r.header_end]))
        if isinstance(framing, int):
            return framing
        r.chunked, r.body_length = framing
        r.scan = r.header_end
        if r.body_length is not None and r.body_length > MAX_BODY_BYTES:
            return True  # the app refuses it (413) from Content-Length alone, without the body
    if not r.chunked:
        return len(r.buf) - r.header_end >= (r.body_length or 0)
    return _chunks_done(r)


def _framing(head: bytes) -> tuple[bool, int | None] | int:
    """(chunked, Content-Length) from the request head, or 400 when they are not usable."""
    length: int | None = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        key = name.strip().lower()
        if key == b"content-length":
            text = value.strip()
            if not text.isdigit() or (length is not None and int(text) != length):
                return 400
            length = int(text)
        elif key == b"transfer-encoding":
            chunked = value.strip().lower().endswith(b"chunked")
            if not chunked:
                return 400
    if chunked and length is not None:
        return 400
    return chunked, (None if chunked else (length or 0))


def _chunks_done(r: _Reading) -> bool | int:
    while True:
        line_end = r.buf.find(b"\r\n", r.scan)
        if line_end < 0:
            return 400 if len(r.buf) - r.scan > 1024 else False
        size_text = bytes(r.buf[r.scan : line_end]).split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return 400
        if size == 0:
            trailers_end = r.buf.find(b"\r\n\r\n", line_end)
            return True if trailers_end >= 0 else (431 if len(r.buf) - line_end > MAX_HEADER_BYTES else False)
        following = line_end + 2 + size + 2
        if following - r.header_end > MAX_BODY_BYTES + 1024:
            return 413
        if following > len(r.buf):
            return False
        r.scan = following


def _expects_continue(r: _Reading) -> bool:
    return b"\r\nexpect: 100-continue" in bytes(r.buf[: r.header_end]).lower()


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.send(data)
