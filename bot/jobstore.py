"""The job ledger beside huey's queue, and its SQLite implementation (the Redis one is in
bot/jobstore_redis.py).

huey hands a message to one worker and forgets it: a worker killed mid-job loses the job. So the
queue's messages carry only a job id, and this ledger is the truth: a job is `queued` until a worker
claims it (`running`, with a lease the worker keeps renewing) and is deleted when it ends. A job
whose lease ran out (its worker died, or its message was lost) is re-armed and its id pushed again
by the reaper. A claim is atomic and refuses a job that is running under a live lease or is gone,
so a duplicate message is harmless: each job runs once unless its worker dies.

The ledger also keeps what the webhook and the jobs share: delivery ids seen, deduplication keys of
automatic reviews, each PR's latest head (superseding), and per-PR locks with expiry.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.jobspec import ReviewRequest

DELIVERY_TTL = 7 * 24 * 3600.0  # GitHub redelivers for up to 3 days (GHES: 7)
DEDUPE_TTL = 24 * 3600.0  # a head reviewed automatically within a day is not reviewed again
PR_TTL = 30 * 24 * 3600.0


@dataclass(frozen=True)
class Admission:
    """One request a delivery asks for, as the ledger records it in admit()."""

    job_id: str
    request: ReviewRequest
    once: bool  # claim the request's dedupe key (automatic reviews, slash commands)
    note_head: bool  # make its head the PR's current head (automatic reviews)


@dataclass(frozen=True)
class JobRecord:
    """A claimed job: what to run and how many attempts came before this one."""

    job_id: str
    request: ReviewRequest
    attempt: int  # 0 on the first run; each retry and each crash of a worker adds one


class JobStore(Protocol):
    """What bot.jobs needs from the ledger. Every method is atomic on its own."""

    kind: str

    def ping(self) -> None:
        """Raise when the store does not answer."""

    def probe_write(self) -> None:
        """Raise when the store does not accept a write (read-only, full, unreachable)."""

    def admit(self, delivery_id: str, jobs: Sequence[Admission], grace: float) -> list[bool] | None:
        """Record a delivery and the jobs it asks for, all or nothing: None when the delivery id was seen
        before, else whether each job was added (False: deduplicated). A delivery answered 202 has its
        jobs in the ledger; one that failed here left no trace, so GitHub's redelivery runs."""

    def beat(self, worker: str, ttl: float) -> None:
        """Record that the job process `worker` is alive; the record lapses after `ttl` seconds."""

    def alive_workers(self) -> int:
        """Job processes whose last heartbeat has not lapsed."""

    def first_delivery(self, delivery_id: str) -> bool:
        """Record a delivery id; True when it was not seen before."""

    def claim_dedupe(self, key: str) -> bool:
        """Take a deduplication key; False when it is already taken."""

    def release_dedupe(self, key: str) -> None: ...

    def forget_delivery(self, delivery_id: str) -> None:
        """Drop a recorded delivery id (its enqueue failed, so a redelivery must run)."""

    def note_head(self, pr_key: str, head_sha: str, stamp: float = 0.0, before: str = "",
                  force: bool = False) -> bool:
        """Make `head_sha` the PR's current head (bumping its generation) when it is newer: see
        newer_head(). True when the head moved."""

    def pr_head(self, pr_key: str) -> tuple[str, int]:
        """The PR's current head and generation; ("", 0) when unknown."""

    def add_job(self, job_id: str, request: ReviewRequest, grace: float) -> None: ...

    def claim_job(self, job_id: str, owner: str, lease: float) -> JobRecord | None:
        """Mark a queued (or lease-expired) job running for `owner`; None when gone or running."""

    def renew_job(self, job_id: str, owner: str, lease: float) -> bool: ...

    def requeue_job(self, job_id: str, owner: str, attempt: int, hold: float) -> bool:
        """Put a running job back to queued with `attempt`; its lease lasts `hold` seconds."""

    def finish_job(self, job_id: str, owner: str) -> bool: ...

    def rearm_expired(self, grace: float) -> list[str]:
        """Re-arm every job whose lease ran out (a running one counts an attempt); their ids."""

    def acquire_lock(self, name: str, owner: str, ttl: float) -> bool: ...

    def renew_lock(self, name: str, owner: str, ttl: float) -> bool: ...

    def release_lock(self, name: str, owner: str) -> None: ...

    def counts(self) -> dict[str, int]:
        """Jobs by state: {"queued": n, "running": n}."""


def newer_head(current: str, current_stamp: float, head: str, stamp: float, before: str, force: bool) -> bool:
    """Whether a delivery for `head` moves a PR's head forward from `current` (issue 9.3): a head is
    never moved backwards by a late delivery. It moves when it replaced the current head (`before`),
    when its PR timestamp is later, or when GitHub said so (`force`); a tie or an older timestamp is
    left for the job to settle with GitHub. A delivery without a timestamp (none from GitHub lacks
    one) moves it, as the latest word."""
    if head == current:
        return False
    return not current or force or (bool(before) and before == current) or stamp > current_stamp or not stamp


def encode_request(request: ReviewRequest) -> str:
    return json.dumps(request.to_json(), separators=(",", ":"), sort_keys=True)


def decode_request(text: str | bytes) -> ReviewRequest:
    return ReviewRequest.from_json(json.loads(text))


_SCHEMA = """
create table if not exists perf_delivery (id text primary key, expires real not null);
create table if not exists perf_dedupe (key text primary key, expires real not null);
create table if not exists perf_pr (pr_key text primary key, head text not null, gen integer not null,
  expires real not null, stamp real not null default 0);
create table if not exists perf_job (id text primary key, request text not null, state text not null,
  owner text not null, attempt integer not null, lease_until real not null);
create index if not exists perf_job_lease on perf_job (lease_until);
create table if not exists perf_lock (name text primary key, owner text not null, expires real not null);
create table if not exists perf_worker (name text primary key, expires real not null);
"""


class SqliteStore:
    """The ledger in a SQLite file (WAL), shared by the threads and processes of one machine."""

    kind = "sqlite"

    def __init__(self, path: Path, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()
        self._schema_ready = False

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
            conn.execute("pragma journal_mode=wal")
            conn.execute("pragma synchronous=normal")
            if not self._schema_ready:
                conn.executescript(_SCHEMA)
                columns = {row[1] for row in conn.execute("pragma table_info(perf_pr)")}
                if "stamp" not in columns:  # a ledger written before issue 9.3
                    conn.execute("alter table perf_pr add column stamp real not null default 0")
                self._schema_ready = True
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so read-then-write steps cannot interleave. A
        connection that failed is dropped: one opened while the data dir was read-only stays read-only
        for good, and the next call should find the dir as it is now."""
        conn = self._conn()
        try:
            conn.execute("begin immediate")
            try:
                yield conn
            except BaseException:
                conn.execute("rollback")
                raise
            conn.execute("commit")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                self._drop()
            raise

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with suppress(sqlite3.Error):
                conn.close()

    def _run(self, sql: str, params: tuple[object, ...]) -> int:
        with self._write() as conn:
            return conn.execute(sql, params).rowcount

    def ping(self) -> None:
        self._conn().execute("select 1").fetchone()

    def probe_write(self) -> None:
        self._run("insert or replace into perf_worker (name, expires) values ('probe', 0)", ())

    def admit(self, delivery_id: str, jobs: Sequence[Admission], grace: float) -> list[bool] | None:
        now = time.time()
        with self._write() as conn:
            if delivery_id and not self._take_in(conn, "perf_delivery", "id", delivery_id, DELIVERY_TTL, now):
                return None
            added = []
            for job in jobs:
                if job.once and not self._take_in(conn, "perf_dedupe", "key", job.request.dedupe_key, DEDUPE_TTL, now):
                    added.append(False)
                    continue
                req = job.request
                if job.note_head:
                    self._note_head_in(conn, req.pr_key, req.head_sha, req.head_stamp, req.head_before, False)
                conn.execute("insert into perf_job (id, request, state, owner, attempt, lease_until) "
                             "values (?, ?, 'queued', '', 0, ?)", (job.job_id, encode_request(req), now + grace))
                added.append(True)
        return added

    def beat(self, worker: str, ttl: float) -> None:
        sql = "insert or replace into perf_worker (name, expires) values (?, ?)"
        self._run(sql, (worker, time.time() + ttl))

    def alive_workers(self) -> int:
        row = self._conn().execute("select count(*) from perf_worker where expires > ?", (time.time(),)).fetchone()
        return int(row[0])

    def first_delivery(self, delivery_id: str) -> bool:
        return self._take("perf_delivery", "id", delivery_id, DELIVERY_TTL)

    def claim_dedupe(self, key: str) -> bool:
        return self._take("perf_dedupe", "key", key, DEDUPE_TTL)

    def _take(self, table: str, column: str, value: str, ttl: float) -> bool:
        with self._write() as conn:
            return self._take_in(conn, table, column, value, ttl, time.time())

    @staticmethod
    def _take_in(conn: sqlite3.Connection, table: str, column: str, value: str, ttl: float, now: float) -> bool:
        sql = (
            f"insert into {table} ({column}, expires) values (?, ?) on conflict ({column}) "
            f"do update set expires = excluded.expires where {table}.expires < ?"
        )
        return int(conn.execute(sql, (value, now + ttl, now)).rowcount) == 1

    def release_dedupe(self, key: str) -> None:
        self._run("delete from perf_dedupe where key = ?", (key,))

    def forget_delivery(self, delivery_id: str) -> None:
        self._run("delete from perf_delivery where id = ?", (delivery_id,))

    def note_head(self, pr_key: str, head_sha: str, stamp: float = 0.0, before: str = "",
                  force: bool = False) -> bool:
        with self._write() as conn:
            return self._note_head_in(conn, pr_key, head_sha, stamp, before, force)

    @staticmethod
    def _note_head_in(conn: sqlite3.Connection, pr_key: str, head_sha: str, stamp: float, before: str,
                      force: bool) -> bool:
        expires = time.time() + PR_TTL
        row = conn.execute("select head, stamp from perf_pr where pr_key = ?", (pr_key,)).fetchone()
        current, current_stamp = (str(row[0]), float(row[1])) if row else ("", 0.0)
        moved = newer_head(current, current_stamp, head_sha, stamp, before, force)
        if row is None:
            conn.execute("insert into perf_pr (pr_key, head, gen, expires, stamp) values (?, ?, 1, ?, ?)",
                         (pr_key, head_sha, expires, stamp))
        elif moved:
            conn.execute("update perf_pr set head = ?, gen = gen + 1, stamp = max(stamp, ?), expires = ? "
                         "where pr_key = ?", (head_sha, stamp, expires, pr_key))
        else:
            conn.execute("update perf_pr set stamp = max(stamp, ?), expires = ? where pr_key = ?",
                         (stamp if head_sha == current else 0.0, expires, pr_key))
        return moved

    def pr_head(self, pr_key: str) -> tuple[str, int]:
        row = self._conn().execute("select head, gen from perf_pr where pr_key = ?", (pr_key,)).fetchone()
        return (str(row[0]), int(row[1])) if row else ("", 0)

    def add_job(self, job_id: str, request: ReviewRequest, grace: float) -> None:
        sql = "insert into perf_job (id, request, state, owner, attempt, lease_until) values (?, ?, 'queued', '', 0, ?)"
        self._run(sql, (job_id, encode_request(request), time.time() + grace))

    def claim_job(self, job_id: str, owner: str, lease: float) -> JobRecord | None:
        now = time.time()
        with self._write() as conn:
            row = conn.execute(
                "update perf_job set state = 'running', owner = ?, lease_until = ? "
                "where id = ? and (state = 'queued' or lease_until < ?) returning request, attempt",
                (owner, now + lease, job_id, now),
            ).fetchall()
        return JobRecord(job_id, decode_request(row[0][0]), int(row[0][1])) if row else None

    def renew_job(self, job_id: str, owner: str, lease: float) -> bool:
        sql = "update perf_job set lease_until = ? where id = ? and owner = ? and state = 'running'"
        return self._run(sql, (time.time() + lease, job_id, owner)) == 1

    def requeue_job(self, job_id: str, owner: str, attempt: int, hold: float) -> bool:
        sql = (
            "update perf_job set state = 'queued', owner = '', attempt = ?, lease_until = ? "
            "where id = ? and owner = ? and state = 'running'"
        )
        return self._run(sql, (attempt, time.time() + hold, job_id, owner)) == 1

    def finish_job(self, job_id: str, owner: str) -> bool:
        return self._run("delete from perf_job where id = ? and owner = ?", (job_id, owner)) == 1

    def rearm_expired(self, grace: float) -> list[str]:
        now = time.time()
        with self._write() as conn:
            rows = conn.execute(
                "update perf_job set attempt = attempt + (state = 'running'), state = 'queued', owner = '', "
                "lease_until = ? where lease_until < ? returning id",
                (now + grace, now),
            ).fetchall()
            for table in ("perf_delivery", "perf_dedupe", "perf_pr", "perf_lock", "perf_worker"):
                conn.execute(f"delete from {table} where expires < ?", (now,))
        return [str(row[0]) for row in rows]

    def acquire_lock(self, name: str, owner: str, ttl: float) -> bool:
        now = time.time()
        sql = (
            "insert into perf_lock (name, owner, expires) values (?, ?, ?) on conflict (name) do update "
            "set owner = excluded.owner, expires = excluded.expires "
            "where perf_lock.expires < ? or perf_lock.owner = excluded.owner"
        )
        return self._run(sql, (name, owner, now + ttl, now)) == 1

    def renew_lock(self, name: str, owner: str, ttl: float) -> bool:
        sql = "update perf_lock set expires = ? where name = ? and owner = ?"
        return self._run(sql, (time.time() + ttl, name, owner)) == 1

    def release_lock(self, name: str, owner: str) -> None:
        self._run("delete from perf_lock where name = ? and owner = ?", (name, owner))

    def counts(self) -> dict[str, int]:
        rows = self._conn().execute("select state, count(*) from perf_job group by state").fetchall()
        found = {str(state): int(n) for state, n in rows}
        return {"queued": found.get("queued", 0), "running": found.get("running", 0)}
