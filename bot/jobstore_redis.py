"""The job ledger (see bot/jobstore.py) in Redis, shared by any number of machines.

Read-then-write steps are Lua scripts, so each is atomic. Leases and lock expiry use the Redis
server's clock (TIME), so workers on machines with skewed clocks still agree. The scripts build key
names from a prefix, so the ledger needs a single Redis (or a Redis Cluster hash tag in the prefix).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis import Redis

from bot.jobspec import ReviewRequest
from bot.jobstore import DEDUPE_TTL, DELIVERY_TTL, PR_TTL, Admission, JobRecord, decode_request, encode_request

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000\n"

# KEYS: job, leases zset, running set. ARGV: owner, lease, job id.
_CLAIM = _NOW + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'running' and tonumber(redis.call('HGET', KEYS[1], 'lease_until')) >= now then return false end
local lease = now + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'state', 'running', 'owner', ARGV[1], 'lease_until', tostring(lease))
redis.call('ZADD', KEYS[2], lease, ARGV[3])
redis.call('SADD', KEYS[3], ARGV[3])
return {redis.call('HGET', KEYS[1], 'request'), redis.call('HGET', KEYS[1], 'attempt')}
"""

# KEYS: job, leases zset. ARGV: owner, lease, job id.
_RENEW = _NOW + """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'running' then
  return 0 end
local lease = now + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'lease_until', tostring(lease))
redis.call('ZADD', KEYS[2], lease, ARGV[3])
return 1
"""

# KEYS: job, leases zset, running set. ARGV: owner, attempt, hold, job id.
_REQUEUE = _NOW + """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'running' then
  return 0 end
local lease = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'queued', 'owner', '', 'attempt', ARGV[2], 'lease_until', tostring(lease))
redis.call('ZADD', KEYS[2], lease, ARGV[4])
redis.call('SREM', KEYS[3], ARGV[4])
return 1
"""

# KEYS: job, leases zset, running set. ARGV: owner, job id.
_FINISH = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
return 1
"""

# KEYS: leases zset, running set. ARGV: grace, job key prefix.
_REARM = _NOW + """
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 500)) do
  local key = ARGV[2] .. id
  if redis.call('EXISTS', key) == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('SREM', KEYS[2], id)
  elseif tonumber(redis.call('HGET', key, 'lease_until')) < now then
    if redis.call('HGET', key, 'state') == 'running' then redis.call('HINCRBY', key, 'attempt', 1) end
    local lease = now + tonumber(ARGV[1])
    redis.call('HSET', key, 'state', 'queued', 'owner', '', 'lease_until', tostring(lease))
    redis.call('ZADD', KEYS[1], lease, id)
    redis.call('SREM', KEYS[2], id)
    table.insert(out, id)
  end
end
return out
"""

# KEYS: pr hash. ARGV: head, ttl, stamp, before, force ("1"/"0"). The rule of jobstore.newer_head.
_NOTE_HEAD = """
local current = redis.call('HGET', KEYS[1], 'head') or ''
local current_stamp = tonumber(redis.call('HGET', KEYS[1], 'stamp') or '0') or 0
local stamp = tonumber(ARGV[3])
local moved = 0
if current ~= ARGV[1] and (current == '' or ARGV[5] == '1' or (ARGV[4] ~= '' and ARGV[4] == current)
    or stamp > current_stamp or stamp == 0) then
  redis.call('HSET', KEYS[1], 'head', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'gen', 1)
  moved = 1
end
if (moved == 1 or current == ARGV[1]) and stamp > current_stamp then
  redis.call('HSET', KEYS[1], 'stamp', ARGV[3])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return moved
"""

# ARGV: prefix, delivery id, delivery ttl, dedupe ttl, pr ttl, grace, then 8 per job: job id, request,
# dedupe key, once, pr key, head, stamp, before ("" when not noting the head: head is then "").
# Returns false when the delivery was seen before, else a 0/1 per job. All of it or nothing.
_ADMIT = _NOW + """
local p = ARGV[1]
if ARGV[2] ~= '' then
  if not redis.call('SET', p .. ':delivery:' .. ARGV[2], '1', 'NX', 'EX', ARGV[3]) then return false end
end
local out = {}
for i = 7, #ARGV, 8 do
  local id, request, dedupe, once, pr, head, stamp, before = unpack(ARGV, i, i + 7)
  if once == '1' and not redis.call('SET', p .. ':dedupe:' .. dedupe, '1', 'NX', 'EX', ARGV[4]) then
    table.insert(out, 0)
  else
    if head ~= '' then
      local key = p .. ':pr:' .. pr
      local current = redis.call('HGET', key, 'head') or ''
      local current_stamp = tonumber(redis.call('HGET', key, 'stamp') or '0') or 0
      local s = tonumber(stamp)
      if current ~= head and (current == '' or (before ~= '' and before == current) or s > current_stamp
          or s == 0) then
        redis.call('HSET', key, 'head', head)
        redis.call('HINCRBY', key, 'gen', 1)
        if s > current_stamp then redis.call('HSET', key, 'stamp', stamp) end
      elseif current == head and s > current_stamp then
        redis.call('HSET', key, 'stamp', stamp)
      end
      redis.call('EXPIRE', key, ARGV[5])
    end
    local lease = now + tonumber(ARGV[6])
    redis.call('HSET', p .. ':job:' .. id, 'request', request, 'state', 'queued', 'owner', '', 'attempt', 0,
      'lease_until', tostring(lease))
    redis.call('ZADD', p .. ':leases', lease, id)
    table.insert(out, 1)
  end
end
return out
"""

# KEYS: lock. ARGV: owner, ttl ms.
_RENEW_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisStore:
    """The ledger in Redis under `prefix`."""

    kind = "redis"

    def __init__(self, client: Redis, prefix: str = "perf-review") -> None:
        self.redis = client
        self.prefix = prefix
        self._leases = f"{prefix}:leases"
        self._running = f"{prefix}:running"
        self._scripts: dict[str, Any] = {}

    def _script(self, source: str) -> Any:
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.redis.register_script(source)
        return script

    def _job(self, job_id: str) -> str:
        return f"{self.prefix}:job:{job_id}"

    def ping(self) -> None:
        self.redis.ping()

    def probe_write(self) -> None:
        self.redis.set(f"{self.prefix}:probe", "1", ex=60)

    def admit(self, delivery_id: str, jobs: Sequence[Admission], grace: float) -> list[bool] | None:
        args: list[object] = [self.prefix, delivery_id, int(DELIVERY_TTL), int(DEDUPE_TTL), int(PR_TTL), grace]
        for job in jobs:
            req = job.request
            head = req.head_sha if job.note_head else ""
            args += [job.job_id, encode_request(req), req.dedupe_key, "1" if job.once else "0", req.pr_key, head,
                     repr(float(req.head_stamp)), req.head_before]
        found = self._script(_ADMIT)(keys=[], args=args)
        return None if found is None else [bool(x) for x in found]

    def beat(self, worker: str, ttl: float) -> None:
        now = _server_time(self.redis)
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(f"{self.prefix}:workers", {worker: now + ttl})
        pipe.zremrangebyscore(f"{self.prefix}:workers", "-inf", now)
        pipe.execute()

    def alive_workers(self) -> int:
        return int(self.redis.zcount(f"{self.prefix}:workers", _server_time(self.redis), "+inf"))

    def first_delivery(self, delivery_id: str) -> bool:
        key = f"{self.prefix}:delivery:{delivery_id}"
        return bool(self.redis.set(key, "1", nx=True, ex=int(DELIVERY_TTL)))

    def claim_dedupe(self, key: str) -> bool:
        return bool(self.redis.set(f"{self.prefix}:dedupe:{key}", "1", nx=True, ex=int(DEDUPE_TTL)))

    def release_dedupe(self, key: str) -> None:
        self.redis.delete(f"{self.prefix}:dedupe:{key}")

    def forget_delivery(self, delivery_id: str) -> None:
        self.redis.delete(f"{self.prefix}:delivery:{delivery_id}")

    def note_head(self, pr_key: str, head_sha: str, stamp: float = 0.0, before: str = "",
                  force: bool = False) -> bool:
        args = [head_sha, int(PR_TTL), repr(float(stamp)), before, "1" if force else "0"]
        return bool(self._script(_NOTE_HEAD)(keys=[f"{self.prefix}:pr:{pr_key}"], args=args))

    def pr_head(self, pr_key: str) -> tuple[str, int]:
        head, gen = self.redis.hmget(f"{self.prefix}:pr:{pr_key}", ["head", "gen"])
        return (_text(head), int(gen) if gen else 0)

    def add_job(self, job_id: str, request: ReviewRequest, grace: float) -> None:
        now = _server_time(self.redis)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(
            self._job(job_id),
            mapping={
                "request": encode_request(request),
                "state": "queued",
                "owner": "",
                "attempt": 0,
                "lease_until": repr(now + grace),
            },
        )
        pipe.zadd(self._leases, {job_id: now + grace})
        pipe.execute()

    def claim_job(self, job_id: str, owner: str, lease: float) -> JobRecord | None:
        keys = [self._job(job_id), self._leases, self._running]
        found = self._script(_CLAIM)(keys=keys, args=[owner, lease, job_id])
        return JobRecord(job_id, decode_request(found[0]), int(found[1])) if found else None

    def renew_job(self, job_id: str, owner: str, lease: float) -> bool:
        return bool(self._script(_RENEW)(keys=[self._job(job_id), self._leases], args=[owner, lease, job_id]))

    def requeue_job(self, job_id: str, owner: str, attempt: int, hold: float) -> bool:
        keys = [self._job(job_id), self._leases, self._running]
        return bool(self._script(_REQUEUE)(keys=keys, args=[owner, attempt, hold, job_id]))

    def finish_job(self, job_id: str, owner: str) -> bool:
        keys = [self._job(job_id), self._leases, self._running]
        return bool(self._script(_FINISH)(keys=keys, args=[owner, job_id]))

    def rearm_expired(self, grace: float) -> list[str]:
        found = self._script(_REARM)(keys=[self._leases, self._running], args=[grace, f"{self.prefix}:job:"])
        return [_text(item) for item in found]

    def acquire_lock(self, name: str, owner: str, ttl: float) -> bool:
        key = f"{self.prefix}:lock:{name}"
        if self.redis.set(key, owner, nx=True, px=int(ttl * 1000)):
            return True
        return bool(self.renew_lock(name, owner, ttl))  # re-entrant for its owner, like the SQLite lock

    def renew_lock(self, name: str, owner: str, ttl: float) -> bool:
        return bool(self._script(_RENEW_LOCK)(keys=[f"{self.prefix}:lock:{name}"], args=[owner, int(ttl * 1000)]))

    def release_lock(self, name: str, owner: str) -> None:
        self._script(_RELEASE_LOCK)(keys=[f"{self.prefix}:lock:{name}"], args=[owner])

    def counts(self) -> dict[str, int]:
        pipe = self.redis.pipeline(transaction=False)
        pipe.zcard(self._leases)
        pipe.scard(self._running)
        total, running = pipe.execute()
        return {"queued": max(int(total) - int(running), 0), "running": int(running)}


def _server_time(client: Redis) -> float:
    seconds, micros = client.time()
    return float(seconds) + micros / 1_000_000


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value
