"""GET /readyz, GET /metrics and JSON-lines logs, through the real Flask app and real stores."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bot import observability
from bot.app import create_app
from bot.config import Config
from bot.events import signature
from bot.jobs import make_queue
from bot.jobspec import ReviewRequest
from tests.redis_server import free_port
from tests.test_jobs import ScriptedRunner

SECRET = "observability-test-secret"


def client_for(config: Config) -> FlaskClient:
    queue = make_queue(config, runner=ScriptedRunner())
    return create_app(config, queue).test_client()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(app_id=1, webhook_secret=SECRET, data_dir=tmp_path)


def test_readyz_answers_200_when_the_queue_takes_writes_and_a_job_process_beats(config: Config) -> None:
    queue = make_queue(config, runner=ScriptedRunner())
    client = create_app(config, queue).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503, "no job process has reported yet"
    assert "no job process has sent a heartbeat" in response.get_json()["reason"]
    queue.store.beat("worker-1", 15.0)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_answers_503_when_redis_is_unreachable(config: Config) -> None:
    unreachable = Config(app_id=1, webhook_secret=SECRET, data_dir=config.data_dir, queue=f"redis://127.0.0.1:{free_port()}/0")
    client = client_for(unreachable)
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200, "liveness does not depend on the queue"
    assert client.get("/metrics").status_code == 200, "a scrape survives an unreachable store"


def test_metrics_expose_deliveries_jobs_and_queue_depth(config: Config) -> None:
    queue = make_queue(config, runner=ScriptedRunner())
    client = create_app(config, queue).test_client()
    body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    headers = {"X-GitHub-Event": "ping", "X-GitHub-Delivery": "obs-1", "X-Hub-Signature-256": signature(SECRET, body)}
    assert client.post("/webhook", data=body, headers=headers, content_type="application/json").status_code == 200
    assert queue.enqueue(ReviewRequest(1, "octo/app", 5, "abc"))

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'perf_review_webhook_deliveries_total{event="ping",outcome="pong"}' in text
    assert 'perf_review_jobs_total{outcome="queued"}' in text
    assert 'perf_review_queue_jobs{state="queued"} 1.0' in text
    names = ("perf_review_review_duration_seconds", "perf_review_github_api_calls", "perf_review_github_rate_limit")
    for name in names:
        assert f"# TYPE {name}" in text


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def test_logs_are_json_lines_with_the_delivery_context(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    observability.setup_logging(stream=stream)
    observability.setup_logging(stream=stream)  # idempotent: one line per record, not two
    extra = {"delivery_id": "d-1", "repo": "octo/app", "pr": 5, "head_sha": "abc", "obj": Path("/x")}
    logging.getLogger("bot.test").info("review %s", "queued", extra=extra)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("bot.test").exception("failed")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2
    first = lines[0]
    assert first["message"] == "review queued" and first["level"] == "info" and first["logger"] == "bot.test"
    assert {k: first[k] for k in ("delivery_id", "repo", "pr", "head_sha")} == {
        "delivery_id": "d-1",
        "repo": "octo/app",
        "pr": 5,
        "head_sha": "abc",
    }
    assert first["obj"] == "/x"
    assert "ValueError: boom" in lines[1]["exc"]
