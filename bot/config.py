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
    limits: Limits = field(default_factory=Limits)  # what one review may cost (bot/limits.py)
    request_timeout: float = 10.0  # seconds a client has to send one whole webhook request
    heartbeat: float = 5.0  # seconds between the job process's heartbeats; /readyz wants one within 3x

    def __repr__(self) -> str:
        return (
            f"Config(app_id={self.app_id}, api_url={self.api_url!r}, data_dir={str(self.data_dir)!r}, "
            f"queue={_redact_url(self.queue)!r}, workers={self.workers})"
        )

    @property
    def uses_redis(self) -> bool:
        return self.queue.startswith(("redis://", "rediss://", "unix://"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        app_id_raw = _required(env, "GITHUB_APP_ID")
        if not app_id_raw.isdigit():
            raise ConfigError(f"GITHUB_APP_ID must be a number, got {app_id_raw!r}")
        key = env.get("GITHUB_PRIVATE_KEY", "").strip()
        key_path = env.get("GITHUB_PRIVATE_KEY_PATH", "").strip()
        if not key and key_path:
            try:
                key = Path(key_path).read_text()
            except OSError as exc:
                raise ConfigError(f"GITHUB_PRIVATE_KEY_PATH: cannot read {key_path}: {exc.strerror}") from exc
        if not key:
            raise ConfigError("GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH must be set")
        if "-----BEGIN" not in key or "PRIVATE KEY-----" not in key:
            name = "GITHUB_PRIVATE_KEY" if env.get("GITHUB_PRIVATE_KEY") else "GITHUB_PRIVATE_KEY_PATH"
            raise ConfigError(f"{name} is not a PEM private key")
        secret = _required(env, "GITHUB_WEBHOOK_SECRET")
        api_url = env.get("GITHUB_API_URL", DEFAULT_API_URL).rstrip("/") or DEFAULT_API_URL
        parsed = urlparse(api_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"GITHUB_API_URL must be an http(s) URL, got {api_url!r}")
        queue = env.get("PERF_REVIEW_QUEUE", "embedded").strip() or "embedded"
        if queue != "embedded" and not queue.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"PERF_REVIEW_QUEUE must be 'embedded' or a redis:// URL, got {_redact_url(queue)!r}")
        workers_raw = env.get("PERF_REVIEW_WORKERS", "2")
        if not workers_raw.isdigit() or int(workers_raw) < 1:
            raise ConfigError(f"PERF_REVIEW_WORKERS must be a positive number, got {workers_raw!r}")
        return cls(
            app_id=int(app_id_raw),
            private_key=key,
            webhook_secret=secret,
            api_url=api_url,
            data_dir=Path(env.get("PERF_REVIEW_DATA_DIR", "./data")),
            queue=queue,
            workers=int(workers_raw),
            bot_login=env.get("PERF_REVIEW_BOT_LOGIN", ""),
            limits=_limits(env),
            request_timeout=_number(env, "PERF_REVIEW_REQUEST_TIMEOUT", 10.0),
            heartbeat=_number(env, "PERF_REVIEW_HEARTBEAT_SECONDS", 5.0),
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


def _limits(env: Mapping[str, str]) -> Limits:
    defaults = Limits()
    values: dict[str, float] = {}
    for name, variable in LIMIT_SETTINGS.items():
        default = getattr(defaults, name)
        value = _number(env, variable, float(default))
        values[name] = value if isinstance(default, float) else int(value)
    return Limits(**values)  # type: ignore[arg-type]


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number setting, or `default` when unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a positive number, got {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{name} must be a positive number, got {raw!r}")
    return value


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} must be set")
    return value


def _redact_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
