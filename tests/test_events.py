"""bot.events and bot.handlers: signatures, parsing and routing of GitHub's recorded deliveries.

The payloads are GitHub's own, from tests/data/github/webhooks/, adapted here in code (repository,
installation, SHAs, draft flag, comment body, sender). The helpers at the top are shared with
tests/test_webhook_app.py.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.config import Config
from bot.errors import PayloadError, SignatureError
from bot.events import Delivery, parse_delivery, route, signature, verify_signature
from bot.handlers.issue_comment import parse_command
from bot.jobspec import ReviewRequest, Trigger

WEBHOOKS = Path(__file__).resolve().parent / "data" / "github" / "webhooks"
SECRET = "test webhook secret ✓"
APP_ID = 4242
BOT_LOGIN = "perf-review[bot]"
CONFIG = Config(app_id=APP_ID, webhook_secret=SECRET, bot_login=BOT_LOGIN)
OWNER, NAME = "acme", "widgets"
REPO = f"{OWNER}/{NAME}"
REPO_ID = 90210
INSTALLATION_ID = 31337
HEAD = hashlib.sha1(b"head").hexdigest()
PR = 17


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((WEBHOOKS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def adapt(
    payload: dict[str, Any],
    *,
    installation: int | None = INSTALLATION_ID,
    sender: str = "alice",
    sender_type: str = "User",
) -> dict[str, Any]:
    """Point a recorded payload at our test repository, installation and sender."""
    data = copy.deepcopy(payload)
    repo = data.get("repository")
    if isinstance(repo, dict):
        repo.update(id=REPO_ID, name=NAME, full_name=REPO)
        repo["owner"] = {**repo.get("owner", {}), "login": OWNER}
    if installation is None:
        data.pop("installation", None)
    else:
        data["installation"] = {**data.get("installation", {}), "id": installation}
    data["sender"] = {**data.get("sender", {}), "login": sender, "type": sender_type}
    return data


def pr_payload(action: str, *, draft: bool = False, variant: str = "", **kw: Any) -> dict[str, Any]:
    data = adapt(recorded(f"pull_request.{action}{variant}"), **kw)
    data["number"] = PR
    pr = data["pull_request"]
    pr.update(number=PR, draft=draft)
    pr["head"]["sha"] = HEAD
    return data


def comment_payload(body: str, *, author: str = "alice", author_type: str = "User", **kw: Any) -> dict[str, Any]:
    """issue_comment created on a pull request (the recorded real App delivery)."""
    kw.setdefault("sender", author)
    kw.setdefault("sender_type", author_type)
    data = adapt(recorded("issue_comment.created.6"), **kw)
    data["issue"]["number"] = PR
    data["comment"].update(body=body, id=555001)
    data["comment"]["user"] = {**data["comment"]["user"], "login": author, "type": author_type}
    return data


def listed_pr(number: int, repo_id: int = REPO_ID) -> dict[str, Any]:
    """A `pull_requests` entry shaped like the ones GitHub lists in check suites."""
    entry: dict[str, Any] = copy.deepcopy(recorded("check_suite.rerequested")["check_suite"]["pull_requests"][0])
    entry["number"] = number
    entry["head"]["sha"] = HEAD
    entry["base"]["repo"]["id"] = repo_id
    return entry


def check_payload(
    event: str, *, action: str = "rerequested", numbers: tuple[int, ...] = (PR,), app_id: int = APP_ID, **kw: Any
) -> dict[str, Any]:
    data = adapt(recorded(f"{event}.{action}"), **kw)
    subject: dict[str, Any] = data[event]
    subject["head_sha"] = HEAD
    subject["app"] = {**subject["app"], "id": app_id}
    subject["pull_requests"] = [listed_pr(n) for n in numbers]
    if event == "check_run":
        subject["check_suite"].update(head_sha=HEAD, pull_requests=[])
    return data


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def headers_for(event: str, body: bytes, delivery_id: str, secret: str | None = SECRET) -> dict[str, str]:
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id,
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/test",
    }
    if secret is not None:
        headers["X-Hub-Signature-256"] = signature(secret, body)
    return headers


def deliver(event: str, payload: dict[str, Any], delivery_id: str = "d-1") -> Delivery:
    body = body_of(payload)
    return parse_delivery(headers_for(event, body, delivery_id), body)


def routed(event: str, payload: dict[str, Any], delivery_id: str = "d-1") -> Any:
    return route(deliver(event, payload, delivery_id), CONFIG)


# Signatures ------------------------------------------------------------------------------------


def test_signature_matches_githubs_documented_test_vector() -> None:
    secret, body = "It's a Secret to Everybody", b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature(secret, body) == expected
    verify_signature(secret, body, expected)


def test_signature_of_a_recorded_payload_is_accepted() -> None:
    body = (WEBHOOKS / "pull_request.opened.json").read_bytes()
    header = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    verify_signature(SECRET, body, header)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha1=" + hashlib.sha1(b"x").hexdigest(),
        "sha256=",
        "sha256=" + "0" * 64,
        signature("another secret", b"{}"),
        signature(SECRET, b"{} "),  # signed a different body
        signature(SECRET, b"{}").upper(),
    ],
)
def test_missing_or_wrong_signature_is_refused(header: str | None) -> None:
    with pytest.raises(SignatureError):
        verify_signature(SECRET, b"{}", header)


def test_no_unsigned_mode() -> None:
    with pytest.raises(SignatureError):
        verify_signature("", b"{}", signature("", b"{}"))


# Parsing ---------------------------------------------------------------------------------------


def test_parse_delivery_reads_headers_and_payload() -> None:
    payload = pr_payload("opened")
    body = body_of(payload)
    headers = {k.lower(): v for k, v in headers_for("pull_request", body, "abc-123").items()}
    delivery = parse_delivery(headers, body)
    assert (delivery.event, delivery.action, delivery.delivery_id) == ("pull_request", "opened", "abc-123")
    assert delivery.installation_id == INSTALLATION_ID
    assert delivery.repo == REPO
    assert delivery.payload["pull_request"]["head"]["sha"] == HEAD


def test_parse_delivery_of_ping_without_installation() -> None:
    delivery = deliver("ping", recorded("ping.4"))
    assert (delivery.action, delivery.installation_id, delivery.repo) == ("", None, "")


def test_parse_form_encoded_delivery() -> None:
    payload = pr_payload("opened")
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = {**headers_for("pull_request", body, "f-1"), "Content-Type": "application/x-www-form-urlencoded"}
    assert parse_delivery(headers, body).payload == payload


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe{}", b'{"action": 3}', b'{"installation": {"id": "x"}}'],
)
def test_malformed_payload_is_a_payload_error(body: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_delivery(headers_for("pull_request", body, "m-1"), body)


@pytest.mark.parametrize("missing", ["X-GitHub-Event", "X-GitHub-Delivery"])
def test_missing_github_header_is_a_payload_error(missing: str) -> None:
    body = body_of(recorded("ping"))
    headers = headers_for("ping", body, "h-1")
    del headers[missing]
    with pytest.raises(PayloadError, match=missing):
        parse_delivery(headers, body)


def test_missing_field_needed_by_a_handler_is_a_payload_error() -> None:
    payload = pr_payload("opened")
    del payload["pull_request"]["head"]
    with pytest.raises(PayloadError, match="head"):
        routed("pull_request", payload)


# pull_request ----------------------------------------------------------------------------------

PR_FILES = sorted(
    p.stem.split(".", 1)[1]
    for p in WEBHOOKS.glob("pull_request.*.json")
    if p.stem.split(".")[1] in ("opened", "synchronize", "reopened", "ready_for_review")
)


@pytest.mark.parametrize("name", PR_FILES)
def test_pull_request_actions_enqueue_a_review_of_the_head(name: str) -> None:
    action, _, variant = name.partition(".")
    decision = routed("pull_request", pr_payload(action, variant=f".{variant}" if variant else ""), "pr-1")
    assert decision.outcome == "enqueue"
    trigger: Trigger = "rerun" if action == "ready_for_review" else "auto"
    (got,) = decision.requests
    assert replace(got, head_before="", head_stamp=0.0) == ReviewRequest(
        INSTALLATION_ID, REPO, PR, HEAD, trigger=trigger, kind="review", delivery_id="pr-1"
    )
    # The order of pushes (issue 9.3): GitHub's updated_at, and the replaced head of a synchronize.
    assert got.head_stamp > 1.5e9
    assert (got.head_before != "") == (action == "synchronize")


def test_ready_for_review_is_not_deduplicated_against_the_draft_head() -> None:
    draft = routed("pull_request", pr_payload("opened", draft=True), "draft").requests[0]
    ready = routed("pull_request", pr_payload("ready_for_review"), "ready").requests[0]
    assert draft.head_sha == ready.head_sha
    assert draft.dedupe_key != ready.dedupe_key


@pytest.mark.parametrize("action", ["closed", "edited"])
def test_other_pull_request_actions_are_ignored(action: str) -> None:
    payload = adapt(recorded(f"pull_request.{action}"))
    decision = routed("pull_request", payload)
    assert decision.outcome == "ignore"
    assert action in decision.reason


def test_draft_is_enqueued_for_the_job_to_decide_from_the_repository_config() -> None:
    decision = routed("pull_request", pr_payload("opened", draft=True))
    assert decision.outcome == "enqueue"
    assert "draft" in decision.reason
    assert decision.requests[0].head_sha == HEAD


def test_pull_request_from_a_bot_is_ignored() -> None:
    decision = routed("pull_request", pr_payload("synchronize", sender="dependabot[bot]", sender_type="Bot"))
    assert (decision.outcome, decision.requests) == ("ignore", ())
    assert "bot" in decision.reason


def test_pull_request_without_installation_is_ignored() -> None:
    decision = routed("pull_request", pr_payload("opened", installation=None))
    assert decision.outcome == "ignore"
    assert "installation" in decision.reason


# issue_comment ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind", "full"),
    [
        ("/perf-review", "review", False),
        ("/perf-review full", "review", True),
        ("/perf-review bench", "bench", False),
        ("/perf-review help", "help", False),
        ("/perf-review frobnicate", "help", False),
        ("  /perf-review   FULL  \r\nplease look at the parser too", "review", True),
        ("/Perf-Review bench now", "bench", False),
    ],
)
def test_slash_command_is_enqueued_as_a_command(body: str, kind: str, full: bool) -> None:
    decision = routed("issue_comment", comment_payload(body), "c-1")
    assert decision.outcome == "enqueue"
    assert decision.requests == (
        ReviewRequest(
            INSTALLATION_ID,
            REPO,
            PR,
            head_sha="",  # not in issue_comment payloads: the job resolves the PR's head
            trigger="command",
            kind=kind,  # type: ignore[arg-type]
            full=full,
            delivery_id="c-1",
            comment_id=555001,
            requester="alice",
        ),
    )


def test_a_readers_command_is_enqueued_and_left_to_the_jobs_permission_check() -> None:
    payload = comment_payload("/perf-review", author="drive-by")
    payload["comment"]["author_association"] = "NONE"
    decision = routed("issue_comment", payload)
    assert decision.outcome == "enqueue"
    assert decision.requests[0].requester == "drive-by"
    assert decision.requests[0].kind == "review"


@pytest.mark.parametrize(
    "body", ["", "LGTM", "please /perf-review", "/perf-reviewer", "`/perf-review`", "> /perf-review"]
)
def test_comments_that_are_not_commands_are_ignored(body: str) -> None:
    assert parse_command(body) is None
    assert routed("issue_comment", comment_payload(body)).outcome == "ignore"


def test_comment_with_null_body_is_ignored() -> None:
    payload = comment_payload("")
    payload["comment"]["body"] = None
    assert routed("issue_comment", payload).outcome == "ignore"


def test_command_on_a_plain_issue_is_ignored() -> None:
    payload = adapt(recorded("issue_comment.created.2"))
    payload["comment"]["body"] = "/perf-review"
    decision = routed("issue_comment", payload)
    assert decision.outcome == "ignore"
    assert "not a pull request" in decision.reason


@pytest.mark.parametrize(
    ("author", "author_type", "sender", "sender_type"),
    [
        (BOT_LOGIN, "Bot", BOT_LOGIN, "Bot"),  # this app's own comment
        ("other-ci[bot]", "Bot", "other-ci[bot]", "Bot"),  # another bot
        ("alice", "User", "helper[bot]", "Bot"),  # posted by a bot on someone's behalf
        ("mirror", "Bot", "mirror", "User"),  # comment author is a bot
        (BOT_LOGIN, "User", BOT_LOGIN, "User"),  # the app's login, whatever the type says
    ],
)
def test_nothing_a_bot_writes_triggers_a_command(author: str, author_type: str, sender: str, sender_type: str) -> None:
    payload = comment_payload("/perf-review", author=author, author_type=author_type)
    payload["sender"].update(login=sender, type=sender_type)
    decision = routed("issue_comment", payload)
    assert (decision.outcome, decision.requests) == ("ignore", ())


@pytest.mark.parametrize("name", ["issue_comment.edited.3", "issue_comment.deleted.3"])
def test_edited_and_deleted_comments_are_ignored(name: str) -> None:
    payload = adapt(recorded(name))
    payload["comment"]["body"] = "/perf-review"
    payload["comment"]["user"]["type"] = "User"
    decision = routed("issue_comment", payload)
    assert decision.outcome == "ignore"
    assert "action" in decision.reason


# check_run / check_suite -----------------------------------------------------------------------


@pytest.mark.parametrize("event", ["check_run", "check_suite"])
def test_check_rerequested_reviews_the_head_of_each_listed_pr(event: str) -> None:
    decision = routed(event, check_payload(event, numbers=(PR, 18, PR)), "r-1")
    assert decision.outcome == "enqueue"
    assert [(r.pr, r.head_sha, r.trigger, r.delivery_id) for r in decision.requests] == [
        (PR, HEAD, "rerun", "r-1"),
        (18, HEAD, "rerun", "r-1"),
    ]
    assert all(r.repo == REPO and r.installation_id == INSTALLATION_ID for r in decision.requests)


def test_check_run_falls_back_to_the_suites_pull_requests() -> None:
    payload = check_payload("check_run", numbers=())
    payload["check_run"]["check_suite"]["pull_requests"] = [listed_pr(PR)]
    assert [r.pr for r in routed("check_run", payload).requests] == [PR]


@pytest.mark.parametrize("event", ["check_run", "check_suite"])
def test_check_rerequested_without_pull_requests_is_ignored(event: str) -> None:
    decision = routed(event, check_payload(event, numbers=()))
    assert decision.outcome == "ignore"
    assert "no pull request" in decision.reason


def test_pull_requests_of_another_repository_are_not_reviewed() -> None:
    payload = check_payload("check_suite", numbers=(PR,))
    payload["check_suite"]["pull_requests"].append(listed_pr(99, repo_id=1))
    assert [r.pr for r in routed("check_suite", payload).requests] == [PR]


@pytest.mark.parametrize("event", ["check_run", "check_suite"])
def test_check_of_another_app_is_ignored(event: str) -> None:
    decision = routed(event, check_payload(event, app_id=APP_ID + 1))
    assert decision.outcome == "ignore"
    assert "another app" in decision.reason


def test_recorded_check_suite_rerequested_by_a_bot_is_ignored() -> None:
    payload = recorded("check_suite.rerequested")  # GitHub's example: the sender is an app's bot
    payload["check_suite"]["app"]["id"] = APP_ID
    decision = route(deliver("check_suite", payload), CONFIG)
    assert decision.outcome == "ignore"
    assert "bot" in decision.reason


@pytest.mark.parametrize(
    ("event", "name"),
    [
        ("check_suite", "check_suite.requested"),
        ("check_run", "check_run.created"),
        ("check_run", "check_run.requested_action"),
    ],
)
def test_other_check_actions_are_ignored(event: str, name: str) -> None:
    assert routed(event, adapt(recorded(name))).outcome == "ignore"


# installation, ping, others --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "installation.created",
        "installation.created.3",
        "installation.deleted",
        "installation_repositories.added",
        "installation_repositories.removed.2",
    ],
)
def test_installation_events_are_logged(name: str) -> None:
    event = name.split(".")[0]
    decision = routed(event, recorded(name))
    assert decision.outcome == "log"
    assert event in decision.reason
    assert decision.requests == ()


def test_installation_repositories_summary_names_the_repositories() -> None:
    decision = routed("installation_repositories", recorded("installation_repositories.added"))
    added = recorded("installation_repositories.added")["repositories_added"][0]["full_name"]
    assert added in decision.reason


@pytest.mark.parametrize("name", ["ping", "ping.2", "ping.3", "ping.4"])
def test_ping(name: str) -> None:
    assert routed("ping", recorded(name)).outcome == "ping"


@pytest.mark.parametrize(
    ("event", "name"), [("pull_request_review_comment", "pull_request_review_comment.created"), ("push", "ping")]
)
def test_unhandled_events_are_ignored(event: str, name: str) -> None:
    decision = routed(event, recorded(name))
    assert decision.outcome == "ignore"
    assert event in decision.reason
