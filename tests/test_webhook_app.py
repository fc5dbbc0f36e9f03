"""bot.app: POST /webhook end to end through Flask (test client), and `perf-review serve` as a real
gunicorn process on loopback. The queue is a small in-memory double of our JobQueue interface."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.app import create_app
from bot.events import MAX_BODY_BYTES, signature
from bot.jobspec import ReviewRequest, Trigger
from tests.test_events import (
    BOT_LOGIN,
    CONFIG,
    HEAD,
    INSTALLATION_ID,
    PR,
    REPO,
    SECRET,
    adapt,
    body_of,
    check_payload,
    comment_payload,
    headers_for,
    pr_payload,
    recorded,
)

ROOT = Path(__file__).resolve().parent.parent


class MemoryQueue:
    """In-memory double of bot.jobs.JobQueue: admit / enqueue / ping / readiness / stats."""

    def __init__(self, *, broken: bool = False) -> None:
        self.requests: list[ReviewRequest] = []
        self.deliveries: set[str] = set()
        self.broken = broken

    def enqueue(self, request: ReviewRequest) -> bool:
        if self.broken:
            raise ConnectionError("store unavailable")
        if any(r.dedupe_key == request.dedupe_key for r in self.requests):
            return False
        self.requests.append(request)
        return True

    def seen_delivery(self, delivery_id: str) -> bool:
        if self.broken:
            raise ConnectionError("store unavailable")
        seen = delivery_id in self.deliveries
        self.deliveries.add(delivery_id)
        return seen

    def admit(self, delivery_id: str, requests: Sequence[ReviewRequest]) -> list[bool] | None:
        if self.broken:
            raise ConnectionError("store unavailable")
        if self.seen_delivery(delivery_id):
            return None
        return [self.enqueue(r) for r in requests]

    def ping(self) -> bool:
        return not self.broken

    def readiness(self) -> list[str]:
        return ["store unavailable"] if self.broken else []

    def stats(self) -> dict[str, int]:
        return {"queued": len(self.requests)}


@pytest.fixture
def queue() -> MemoryQueue:
    return MemoryQueue()


@pytest.fixture
def app(queue: MemoryQueue) -> Flask:
    return create_app(CONFIG, queue)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def post(
    client: FlaskClient,
    event: str,
    payload: dict[str, Any] | bytes,
    delivery_id: str = "d-1",
    secret: str | None = SECRET,
    **headers: str,
) -> Any:
    body = payload if isinstance(payload, bytes) else body_of(payload)
    all_headers = {**headers_for(event, body, delivery_id, secret), **headers}
    return client.post("/webhook", data=body, headers=all_headers)


# Refusals --------------------------------------------------------------------------------------


def test_unsigned_delivery_is_401_and_nothing_happens(client: FlaskClient, queue: MemoryQueue) -> None:
    response = post(client, "pull_request", pr_payload("opened"), secret=None)
    assert response.status_code == 401
    assert queue.requests == [] and queue.deliveries == set()


@pytest.mark.parametrize("bad", ["wrong secret", "sha256=" + "0" * 64, "sha1=0000", "garbage"])
def test_wrongly_signed_delivery_is_401_and_nothing_happens(client: FlaskClient, queue: MemoryQueue, bad: str) -> None:
    body = body_of(pr_payload("opened"))
    header = signature(bad, body) if bad == "wrong secret" else bad
    response = post(client, "pull_request", body, **{"X-Hub-Signature-256": header})
    assert response.status_code == 401
    assert response.get_json()["status"] == "unauthorized"
    assert queue.requests == [] and queue.deliveries == set()


def test_tampered_body_is_401(client: FlaskClient, queue: MemoryQueue) -> None:
    body = body_of(pr_payload("opened"))
    response = post(client, "pull_request", body + b" ", **{"X-Hub-Signature-256": signature(SECRET, body)})
    assert response.status_code == 401
    assert queue.requests == []


def test_refusal_logs_no_secret(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = body_of(pr_payload("opened"))
    post(client, "pull_request", body, **{"X-Hub-Signature-256": signature("nope", body)})
    assert caplog.records
    assert all(SECRET not in r.getMessage() and signature("nope", body) not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"\xff"])
def test_signed_malformed_json_is_400(client: FlaskClient, queue: MemoryQueue, body: bytes) -> None:
    response = post(client, "pull_request", body)
    assert response.status_code == 400
    assert response.get_json()["status"] == "malformed"
    assert queue.requests == []


def test_signed_payload_missing_a_needed_field_is_400(client: FlaskClient, queue: MemoryQueue) -> None:
    payload = pr_payload("opened")
    del payload["pull_request"]["head"]
    assert post(client, "pull_request", payload).status_code == 400
    assert queue.requests == []


def test_oversize_body_is_413_before_the_signature_is_checked(client: FlaskClient, queue: MemoryQueue) -> None:
    body = b" " * (MAX_BODY_BYTES + 1)
    response = post(client, "pull_request", body)  # correctly signed: size is refused first
    assert response.status_code == 413
    assert queue.requests == []


def _post_chunked(client: FlaskClient, event: str, body: bytes, signed_body: bytes) -> Any:
    """A body without Content-Length, as a chunked request reaches the app under gunicorn."""
    headers = {**headers_for(event, signed_body, "chunked-1"), "Transfer-Encoding": "chunked"}
    return client.post(
        "/webhook", input_stream=io.BytesIO(body), headers=headers, environ_overrides={"wsgi.input_terminated": True}
    )


def test_oversize_chunked_body_is_413(client: FlaskClient, queue: MemoryQueue) -> None:
    body = b" " * (MAX_BODY_BYTES + 1)
    assert _post_chunked(client, "pull_request", body, body).status_code == 413
    assert queue.requests == []


def test_chunked_body_within_the_limit_is_read(client: FlaskClient) -> None:
    body = body_of(recorded("ping"))
    response = _post_chunked(client, "ping", body, body)
    assert (response.status_code, response.get_json()["status"]) == (200, "pong")


def test_body_of_exactly_the_limit_is_read(client: FlaskClient, queue: MemoryQueue) -> None:
    payload = body_of(pr_payload("opened"))
    body = payload + b" " * (MAX_BODY_BYTES - len(payload))
    assert post(client, "pull_request", body).status_code == 202
    assert len(queue.requests) == 1


# Acknowledged without work ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ping", "ping.4"])
def test_ping_is_200(client: FlaskClient, queue: MemoryQueue, name: str) -> None:
    response = post(client, "ping", recorded(name))
    assert response.status_code == 200
    assert response.get_json()["status"] == "pong"
    assert queue.requests == []


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("pull_request_review_comment", adapt(recorded("pull_request_review_comment.created"))),
        ("pull_request", adapt(recorded("pull_request.closed"))),
        ("check_suite", adapt(recorded("check_suite.requested"))),
        ("issue_comment", adapt(recorded("issue_comment.edited.3"))),
    ],
)
def test_unhandled_events_and_actions_are_acknowledged(
    client: FlaskClient, queue: MemoryQueue, event: str, payload: dict[str, Any]
) -> None:
    response = post(client, event, payload)
    assert response.status_code == 200
    assert response.get_json()["status"] == "ignored"
    assert queue.requests == []


@pytest.mark.parametrize("name", ["installation.created", "installation_repositories.removed"])
def test_installation_events_are_logged(
    client: FlaskClient, queue: MemoryQueue, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    response = post(client, name.split(".")[0], recorded(name))
    assert response.status_code == 200
    assert response.get_json()["status"] == "logged"
    assert any(name.split(".")[0] in r.getMessage() for r in caplog.records)
    assert queue.requests == []


def test_the_bots_own_comment_triggers_nothing(client: FlaskClient, queue: MemoryQueue) -> None:
    payload = comment_payload("/perf-review", author=BOT_LOGIN, author_type="Bot")
    response = post(client, "issue_comment", payload)
    assert response.status_code == 200
    assert queue.requests == []


# Enqueued --------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened", "ready_for_review"])
def test_pull_request_is_queued_and_answered_at_once(client: FlaskClient, queue: MemoryQueue, action: str) -> None:
    response = post(client, "pull_request", pr_payload(action), delivery_id=f"pr-{action}")
    assert response.status_code == 202
    assert response.get_json() == {
        "status": "queued",
        "reason": f"pull request {action}",
        "delivery": f"pr-{action}",
        "queued": 1,
    }
    trigger: Trigger = "rerun" if action == "ready_for_review" else "auto"
    (got,) = queue.requests
    assert replace(got, head_before="", head_stamp=0.0) == ReviewRequest(
        INSTALLATION_ID, REPO, PR, HEAD, trigger, delivery_id=f"pr-{action}"
    )


def test_draft_is_queued_for_the_job_to_decide(client: FlaskClient, queue: MemoryQueue) -> None:
    response = post(client, "pull_request", pr_payload("opened", draft=True))
    assert response.status_code == 202
    assert [r.head_sha for r in queue.requests] == [HEAD]


def test_repeated_delivery_does_nothing_twice(client: FlaskClient, queue: MemoryQueue) -> None:
    payload = comment_payload("/perf-review full")
    first = post(client, "issue_comment", payload, delivery_id="same")
    again = post(client, "issue_comment", payload, delivery_id="same")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.get_json()["status"] == "duplicate"
    assert len(queue.requests) == 1


def test_same_head_from_two_deliveries_is_deduplicated_by_the_queue(client: FlaskClient, queue: MemoryQueue) -> None:
    post(client, "pull_request", pr_payload("opened"), delivery_id="a")
    response = post(client, "pull_request", pr_payload("reopened"), delivery_id="b")
    assert response.status_code == 202
    assert response.get_json()["queued"] == 0
    assert len(queue.requests) == 1


def test_a_readers_slash_command_is_queued_as_a_command(client: FlaskClient, queue: MemoryQueue) -> None:
    payload = comment_payload("/perf-review bench", author="drive-by")
    payload["comment"]["author_association"] = "NONE"
    response = post(client, "issue_comment", payload, delivery_id="cmd-1")
    assert response.status_code == 202
    (request,) = queue.requests
    assert (request.trigger, request.kind, request.requester, request.head_sha) == ("command", "bench", "drive-by", "")
    assert request.comment_id == payload["comment"]["id"]


@pytest.mark.parametrize("event", ["check_run", "check_suite"])
def test_check_rerun_queues_a_review_per_listed_pr(client: FlaskClient, queue: MemoryQueue, event: str) -> None:
    response = post(client, event, check_payload(event, numbers=(PR, PR + 1)), delivery_id="rerun-1")
    assert response.status_code == 202
    assert response.get_json()["queued"] == 2
    assert [(r.pr, r.head_sha, r.trigger) for r in queue.requests] == [(PR, HEAD, "rerun"), (PR + 1, HEAD, "rerun")]


def test_queue_failure_is_503() -> None:
    client = create_app(CONFIG, MemoryQueue(broken=True)).test_client()
    response = post(client, "pull_request", pr_payload("opened"))
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_a_delivery_that_could_not_be_queued_runs_when_redelivered(tmp_path: Path) -> None:
    """The real SQLite queue: the delivery id is recorded, the enqueue fails, GitHub redelivers."""
    from bot.jobs import make_queue

    config = dataclasses.replace(CONFIG, data_dir=tmp_path)
    real = make_queue(config)
    admit = real.store.admit
    calls = {"n": 0}

    def flaky(*args: Any) -> list[bool] | None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("store went away")
        return admit(*args)

    real.store.admit = flaky  # type: ignore[method-assign]
    client = create_app(config, real).test_client()
    assert post(client, "pull_request", pr_payload("opened"), delivery_id="flaky-1").status_code == 503
    again = post(client, "pull_request", pr_payload("opened"), delivery_id="flaky-1")
    assert (again.status_code, again.get_json()["status"]) == (202, "queued")
    assert post(client, "pull_request", pr_payload("opened"), delivery_id="flaky-1").status_code == 200


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_webhook_accepts_only_post(client: FlaskClient) -> None:
    assert client.get("/webhook").status_code == 405


def test_modules_import_without_settings_or_output() -> None:
    code = "import bot.app, bot.events, bot.handlers, bot.commands.serve"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


# `perf-review serve` as a real process ---------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PERF_REVIEW_"))}
    return {**keep, **extra}


def _pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _serve(env: dict[str, str], *args: str, out: Any = subprocess.PIPE) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", *args],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_serve_stops_on_a_missing_setting_naming_it(tmp_path: Path) -> None:
    env = _env(GITHUB_APP_ID="1", GITHUB_PRIVATE_KEY=_pem(), PERF_REVIEW_DATA_DIR=str(tmp_path))
    proc = _serve(env, "--bind", "127.0.0.1:8000")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert out.strip().splitlines() == ["perf-review: GITHUB_WEBHOOK_SECRET must be set"]


def test_serve_stops_on_a_malformed_setting(tmp_path: Path) -> None:
    env = _env(GITHUB_APP_ID="one", GITHUB_PRIVATE_KEY=_pem(), GITHUB_WEBHOOK_SECRET=SECRET)
    proc = _serve(env)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "GITHUB_APP_ID" in out and len(out.strip().splitlines()) == 1


def test_serve_refuses_a_bad_bind() -> None:
    proc = _serve(_env(), "--bind", "localhost")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "--bind" in out


@dataclass
class Served:
    url: str
    log: Path
    proc: subprocess.Popen[str]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    if importlib.util.find_spec("bot.jobs") is None:
        pytest.skip("bot.jobs (the embedded queue) is not there yet")
    port = _free_port()
    env = _env(
        GITHUB_APP_ID=str(CONFIG.app_id),
        GITHUB_PRIVATE_KEY=_pem(),
        GITHUB_WEBHOOK_SECRET=SECRET,
        GITHUB_API_URL="http://127.0.0.1:9",  # never called by a ping
        PERF_REVIEW_DATA_DIR=str(tmp_path / "data"),
        PERF_REVIEW_QUEUE="embedded",
    )
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = _serve(env, "--bind", f"127.0.0.1:{port}", "--workers", "1", out=out)
    served = Served(f"http://127.0.0.1:{port}", log, proc)
    try:
        _wait_until_up(served)
        yield served
    finally:
        _stop(proc)


def test_serve_answers_a_signed_ping(served: Served) -> None:
    body = body_of(recorded("ping.2"))
    status, answer = _http_post(served.url + "/webhook", body, headers_for("ping", body, "serve-ping"))
    assert (status, answer["status"]) == (200, "pong")
    status, answer = _http_post(served.url + "/webhook", body, headers_for("ping", body, "serve-ping-2", secret=None))
    assert (status, answer["status"]) == (401, "unauthorized")


def test_serve_runs_the_job_process_and_stops_it(served: Served) -> None:
    pid = _job_pid(served.log)
    os.kill(pid, 0)  # the job process runs
    assert _stop(served.proc) == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def _job_pid(log: Path) -> int:
    for line in log.read_text().splitlines():
        if line.startswith("{") and json.loads(line).get("message") == "job process started":
            pid: int = json.loads(line)["pid"]
            return pid
    pytest.fail(f"no job process in the log:\n{log.read_text()}")


def _stop(proc: subprocess.Popen[str]) -> int:
    proc.terminate()
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(served: Served) -> None:
    """Poll /healthz until the server answers; fail with its log if it exits or hangs."""
    deadline = time.monotonic() + 60  # a guard against hanging, not a measured threshold
    while time.monotonic() < deadline:
        if served.proc.poll() is not None:
            pytest.fail(f"perf-review serve exited with {served.proc.returncode}:\n{served.log.read_text()}")
        try:
            with urllib.request.urlopen(served.url + "/healthz", timeout=2) as response:
                if response.status == 200 and "job process started" in served.log.read_text():
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"perf-review serve did not come up:\n{served.log.read_text()}")


def _http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_deliveries_are_counted_by_event_and_outcome(client: FlaskClient) -> None:
    obs = pytest.importorskip("bot.observability")

    def count(event: str, outcome: str) -> float:
        value = obs.REGISTRY.get_sample_value(
            "perf_review_webhook_deliveries_total", {"event": event, "outcome": outcome}
        )
        return float(value or 0.0)

    before = (count("unverified", "unauthorized"), count("pull_request", "queued"), count("other", "ignored"))
    post(client, "pull_request", pr_payload("opened"), secret=None)
    post(client, "pull_request", pr_payload("opened"), delivery_id="counted")
    post(client, "made_up_event", recorded("ping"))
    after = (count("unverified", "unauthorized"), count("pull_request", "queued"), count("other", "ignored"))
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1]
