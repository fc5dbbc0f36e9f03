"""The only module that reads the environment: a frozen Config built by Config.from_env()."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.errors import ConfigError
from bot.limits import Limits

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_GIT_CACHE_MB = 2048


@dataclass(frozen=True)
class Config:
    app_id: int
    private_key: str = ""  # PEM text; never logged (repr hides it)
    webhook_secret: str = ""
    api_url: str = DEFAULT_API_URL
    data_dir: Path = Path("./data")
    queue: str = "embedded"  # "embedded" (SQLite in data_dir) or a redis:// URL
    workers: int = 2
    bot_login: str = ""  # the App's bot account (e.g. "perf-review[bot]"), to ignore its own comments
    git_cache_mb: int = DEFAULT_GIT_CACHE_MB  # cap of the git cache in data_dir; 0: read files through the API
    limits: Limits = field(default_factory=Limits)  # what one review may cost (bot/limits.py)
    request_timeout: float = 10.0  # seconds a client has to send one whole webhook request
    heartbeat: float = 5.0  # seconds between the job process's heartbeats; /readyz wants one within 3x

    @property
    def git_cache_dir(self) -> Path:
        return self.data_dir / "git-cache"

    def __repr__(self) -> str:
        return (
            f"Config(app_id={self.app_id}, api_url={self.api_url!r}, data_dir={str(self.data_dir)!r}, "
            f"queue={_redact_url(self.queue)!r}, workers={self.workers})"
        )

    @property
    def queue_for_logs(self) -> str:
        """The queue URL without its password."""
        return _redact_url(self.queue)

    @property
    def uses_redis(self) -> bool:
        return self.queue.startswith(("redis://", "rediss://", "unix://"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """The configuration, or ConfigError naming every missing or malformed setting at once."""
        env = os.environ if env is None else env
        problems: list[str] = []
        app_id_raw = _required(env, "GITHUB_APP_ID", problems)
        if app_id_raw and not app_id_raw.isdigit():
            problems.append(f"GITHUB_APP_ID must be a number, got {app_id_raw!r}")
        key = _private_key(env, problems)
        secret = _required(env, "GITHUB_WEBHOOK_SECRET", problems)
        api_url = env.get("GITHUB_API_URL", DEFAULT_API_URL).rstrip("/") or DEFAULT_API_URL
        parsed = urlparse(api_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            problems.append(f"GITHUB_API_URL must be an http(s) URL, got {api_url!r}")
        queue = env.get("PERF_REVIEW_QUEUE", "embedded").strip() or "embedded"
        if queue != "embedded" and not queue.startswith(("redis://", "rediss://", "unix://")):
            problems.append(f"PERF_REVIEW_QUEUE must be 'embedded' or a redis:// URL, got {_redact_url(queue)!r}")
        workers = _number(env, "PERF_REVIEW_WORKERS", "2", 1, problems)
        git_cache_mb = _number(env, "PERF_REVIEW_GIT_CACHE_MB", str(DEFAULT_GIT_CACHE_MB), 0, problems)
        limits = _limits(env, problems)
        request_timeout = _positive(env, "PERF_REVIEW_REQUEST_TIMEOUT", 10.0, problems)
        heartbeat = _positive(env, "PERF_REVIEW_HEARTBEAT_SECONDS", 5.0, problems)
        if problems:
            raise ConfigError("; ".join(problems))
        return cls(
            app_id=int(app_id_raw),
            private_key=key,
            webhook_secret=secret,
            api_url=api_url,
            data_dir=Path(env.get("PERF_REVIEW_DATA_DIR", "./data")),
            queue=queue,
            workers=workers,
            bot_login=env.get("PERF_REVIEW_BOT_LOGIN", ""),
            git_cache_mb=git_cache_mb,
            limits=limits,
            request_timeout=request_timeout,
            heartbeat=heartbeat,
        )


# Per-review limits: the environment variable of each Limits field.
LIMIT_SETTINGS = {
    "files": "PERF_REVIEW_MAX_FILES",
    "source_bytes": "PERF_REVIEW_MAX_BYTES",
    "functions": "PERF_REVIEW_MAX_FUNCTIONS",
    "findings": "PERF_REVIEW_MAX_FINDINGS",
    "api_calls": "PERF_REVIEW_MAX_API_CALLS",
    "job_seconds": "PERF_REVIEW_JOB_TIMEOUT",
    "job_memory_mb": "PERF_REVIEW_JOB_MEMORY_MB",
}


def _limits(env: Mapping[str, str], problems: list[str]) -> Limits:
    defaults = Limits()
    values: dict[str, float] = {}
    for name, variable in LIMIT_SETTINGS.items():
        default = getattr(defaults, name)
        value = _positive(env, variable, float(default), problems)
        values[name] = value if isinstance(default, float) else int(value)
    return Limits(**values)  # type: ignore[arg-type]


def _positive(env: Mapping[str, str], name: str, default: float, problems: list[str]) -> float:
    """A positive number setting, or `default` when unset (and when malformed, with a problem noted)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        problems.append(f"{name} must be a positive number, got {raw!r}")
        return default
    return value


def _private_key(env: Mapping[str, str], problems: list[str]) -> str:
    key = env.get("GITHUB_PRIVATE_KEY", "").strip()
    key_path = env.get("GITHUB_PRIVATE_KEY_PATH", "").strip()
    if not key and key_path:
        try:
            key = Path(key_path).read_text()
        except OSError as exc:
            problems.append(f"GITHUB_PRIVATE_KEY_PATH: cannot read {key_path}: {exc.strerror}")
            return ""
    if not key:
        problems.append("GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH must be set")
    elif "-----BEGIN" not in key or "PRIVATE KEY-----" not in key:
        name = "GITHUB_PRIVATE_KEY" if env.get("GITHUB_PRIVATE_KEY") else "GITHUB_PRIVATE_KEY_PATH"
        problems.append(f"{name} is not a PEM private key")
    return key


def _number(env: Mapping[str, str], name: str, default: str, minimum: int, problems: list[str]) -> int:
    raw = env.get(name, default).strip()
    if not raw.isdigit() or int(raw) < minimum:
        kind = "a positive number" if minimum > 0 else "a number"
        problems.append(f"{name} must be {kind}, got {raw!r}")
        return minimum
    return int(raw)


def _required(env: Mapping[str, str], name: str, problems: list[str]) -> str:
    value = env.get(name, "").strip()
    if not value:
        problems.append(f"{name} must be set")
    return value


def _redact_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
