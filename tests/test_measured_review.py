"""The App folds measurements into its review: GitHub's recorded `workflow_run` completed payload
(adapted in code), routed by the real handler, the job run against the GitHub stand-in with a real zip
artifact. Malicious and stale artifacts change nothing on the pull request."""

from __future__ import annotations

import copy
import dataclasses
import functools
import io
import json
import os
import re
import stat
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analyzers.report.measured import MeasuredBenchmark, Measurement, SideSample
from bot.artifacts import ArtifactError, read_measure_artifact
from bot.config import Config
from bot.events import Delivery, route
from bot.jobspec import ReviewRequest
from bot.measure.result import ARTIFACT_FILE, ARTIFACT_NAME, to_json
from bot.review import run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client, push

WEBHOOKS = Path(__file__).resolve().parent / "data" / "github" / "webhooks"
GO_MOD = "module example.com/w\n\ngo 1.22\n"
BASE = """package text

import "strings"

// Join renders parts.
func Join(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}
"""
HEAD = """package text

// Join renders parts.
func Join(parts []string) string {
	s := ""
	for _, p := range parts {
		s += p
	}
	return s
}
"""
RUN_ID = 289782451
PHRASE = "measured (`n=1000`): +7,100 % time/op, allocs/op 1 → 1,000, p < 0.001"


def measurement(head: str, base: str = "0" * 40, **kw: Any) -> Measurement:
    bench = MeasuredBenchmark(
        name="BenchmarkJoin/n=1000", function="Join", file="text/perf_review_bench_test.go", existing=False,
        base=SideSample((52.0, 51.0, 53.0, 52.5), 1, 1024), head=SideSample((3744.0, 3750.0), 1000, 2_101_000),
        delta_pct=7100.0, ci_pct=(6900.0, 7300.0), p_value=0.0002, verdict="slower", allocs_verdict="more",
        control_spread_pct=2.0, rounds=8)
    fields: dict[str, Any] = dict(go_version="go1.27.3", cpu="AMD EPYC", goos="linux", goarch="amd64", cores=4,
                                  benchmarks=(bench,), control_spread_pct=2.0, rounds=8, benchtime="120ms",
                                  stopped="decided")
    fields.update(kw)
    return Measurement(base=base, head=head, **fields)


def zipped(members: dict[str, bytes], *, symlink: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if symlink:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return buf.getvalue()


def artifact_for(head: str, **kw: Any) -> bytes:
    return zipped({ARTIFACT_FILE: json.dumps(to_json(measurement(head, **kw))).encode()})


def workflow_run_payload(fake: FakeGitHub, head_sha: str, pr: int | None, *, event: str = "pull_request",
                         conclusion: str = "success") -> dict[str, Any]:
    """GitHub's recorded workflow_run.completed, pointed at the stand-in's repository, installation and PR."""
    data: dict[str, Any] = copy.deepcopy(json.loads((WEBHOOKS / "workflow_run.completed.json").read_text()))
    data["repository"].update(id=4242, name=fake.state.name, full_name=fake.state.full_name)
    data["installation"] = {"id": fake.state.installation_id, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc="}
    run = data["workflow_run"]
    run.update(id=RUN_ID, head_sha=head_sha, event=event, conclusion=conclusion)
    run["head_commit"]["id"] = head_sha
    run["pull_requests"] = [] if pr is None else [
        {"id": 500 + pr, "number": pr, "url": f"{fake.url}/repos/{fake.state.full_name}/pulls/{pr}",
         "head": {"ref": "feature", "sha": head_sha, "repo": {"id": 4242, "name": fake.state.name}},
         "base": {"ref": "main", "sha": "0" * 40, "repo": {"id": 4242, "name": fake.state.name}}}]
    return data


def requests_for(payload: dict[str, Any], fake: FakeGitHub) -> list[ReviewRequest]:
    delivery = Delivery("workflow_run", payload["action"], "d-1", payload["installation"]["id"], payload)
    r = route(delivery, Config(app_id=fake.state.app_id))
    assert r.outcome == "enqueue", r.reason
    return list(r.requests)


@pytest.fixture
def pr(github_fake: FakeGitHub, github_pr: Callable[..., int]) -> tuple[int, str]:
    number = github_pr({"text/join.go": HEAD}, base={"go.mod": GO_MOD, "text/join.go": BASE})
    return number, github_fake.git.rev("feature") or ""


def pr_state(fake: FakeGitHub) -> str:
    return json.dumps([fake.state.issue_comments, fake.state.check_runs, fake.state.reviews], sort_keys=True,
                      default=str)


def test_measurements_reach_the_sticky_comment_and_the_check_run(github_fake: FakeGitHub, app_key: AppKey,
                                                                  pr: tuple[int, str]) -> None:
    number, head = pr
    client = make_client(github_fake, app_key)
    first = run_review(ReviewRequest(github_fake.state.installation_id, github_fake.state.full_name, number, head),
                       client)
    assert first.status == "published"
    before = github_fake.bot_comments(number)[0]["body"]
    assert " — measured" not in before
    github_fake.add_artifact(RUN_ID, "test-results", b"unrelated")
    github_fake.add_artifact(RUN_ID, ARTIFACT_NAME, artifact_for(head))
    [request] = requests_for(workflow_run_payload(github_fake, head, number), github_fake)
    assert (request.kind, request.pr, request.head_sha, request.run_id) == ("measure", number, head, RUN_ID)
    outcome = run_review(request, client)
    assert outcome.status == "published"
    [comment] = github_fake.bot_comments(number)  # the same comment, edited
    body = comment["body"]
    targets = body[body.index("### Performance Targets"):body.index("### Benchmark Plan")]
    plan = body[body.index("### Benchmark Plan"):body.index("### Risks")]
    [join] = [ln for ln in targets.splitlines() if ln.startswith("- [ ] `Join`:")]
    assert PHRASE in join and "est." in join  # the measurement next to the estimate, on Join's target
    assert "`BenchmarkJoin` → `Join`" in plan and PHRASE in plan
    run = github_fake.check_runs()[-1]
    assert run["head_sha"] == head and run["status"] == "completed"
    summary = run["output"]["summary"]
    assert "| benchmark | function |" in summary and "`BenchmarkJoin/n=1000`" in summary and "**slower**" in summary
    storage = [c for c in github_fake.calls if c.operation == "artifact-storage"]
    assert len(storage) == 1 and storage[0].status == 200


def test_a_run_from_a_fork_finds_its_pull_request_by_head_commit(github_fake: FakeGitHub, app_key: AppKey,
                                                                  pr: tuple[int, str]) -> None:
    number, head = pr
    github_fake.add_artifact(RUN_ID, ARTIFACT_NAME, artifact_for(head))
    [request] = requests_for(workflow_run_payload(github_fake, head, None), github_fake)
    assert request.pr == 0
    assert run_review(request, make_client(github_fake, app_key)).status == "published"
    assert PHRASE in github_fake.bot_comments(number)[0]["body"]
    assert github_fake.calls_to("GET", r"/commits/[0-9a-f]{40}/pulls$")


def test_runs_that_are_not_about_a_pull_request_are_ignored_by_the_webhook(github_fake: FakeGitHub) -> None:
    payload = workflow_run_payload(github_fake, "a" * 40, None, event="push")
    delivery = Delivery("workflow_run", "completed", "d-2", 77, payload)
    assert route(delivery, Config(app_id=github_fake.state.app_id)).outcome == "ignore"
    cancelled = workflow_run_payload(github_fake, "a" * 40, 3, conclusion="cancelled")
    assert route(Delivery("workflow_run", "completed", "d-3", 77, cancelled), Config(app_id=1)).outcome == "ignore"
    requested = dict(payload, action="requested")
    assert route(Delivery("workflow_run", "requested", "d-4", 77, requested), Config(app_id=1)).outcome == "ignore"


def test_a_run_without_our_artifact_costs_one_call(github_fake: FakeGitHub, app_key: AppKey,
                                                   pr: tuple[int, str]) -> None:
    number, head = pr
    github_fake.add_artifact(RUN_ID, "coverage", b"x")
    [request] = requests_for(workflow_run_payload(github_fake, head, number), github_fake)
    github_fake.reset_calls()
    outcome = run_review(request, make_client(github_fake, app_key))
    assert outcome.status == "skipped"
    assert [c.operation for c in github_fake.calls if not c.path.startswith("/app")] == [
        "actions/list-workflow-run-artifacts"]


def test_a_stale_artifact_is_ignored_without_downloading(github_fake: FakeGitHub, app_key: AppKey,
                                                         pr: tuple[int, str]) -> None:
    number, old_head = pr
    github_fake.add_artifact(RUN_ID, ARTIFACT_NAME, artifact_for(old_head))
    [request] = requests_for(workflow_run_payload(github_fake, old_head, number), github_fake)
    push(github_fake, {"text/join.go": HEAD + "\n// more\n"})
    before = pr_state(github_fake)
    outcome = run_review(request, make_client(github_fake, app_key))
    assert outcome.status == "skipped" and "stale" in outcome.detail
    assert pr_state(github_fake) == before
    assert not github_fake.calls_to("GET", r"/actions/artifacts/")


@functools.cache
def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(ARTIFACT_FILE, b" " * (24 * 1024 * 1024))  # 24 MB of spaces: about 24 KB zipped
    return buf.getvalue()


def _lying_bomb() -> bytes:
    data = bytearray(_bomb())
    struct.pack_into("<I", data, 22, 100)  # the local header's uncompressed size
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)  # and the central directory's
    return bytes(data)


MALICIOUS: dict[str, Callable[[str], tuple[bytes, dict[str, Any]]]] = {
    "zip bomb": lambda head: (_bomb(), {}),
    "zip bomb with lying headers": lambda head: (_lying_bomb(), {}),
    "bad JSON": lambda head: (zipped({ARTIFACT_FILE: b'{"version": 1, "head": '}), {}),
    "schema": lambda head: (zipped({ARTIFACT_FILE: json.dumps({"version": 1, "head": head}).encode()}), {}),
    "wrong SHA": lambda head: (artifact_for("f" * 40), {}),
    "50 MB": lambda head: (os.urandom(50 * 1024 * 1024), {}),
    "50 MB listed as small": lambda head: (os.urandom(50 * 1024 * 1024), {"listed_size": 1000}),
    "path traversal": lambda head: (zipped({f"../../{ARTIFACT_FILE}": json.dumps(
        to_json(measurement(head))).encode()}), {}),
    "absolute path": lambda head: (zipped({f"/tmp/{ARTIFACT_FILE}": b"{}"}), {}),
    "extra member": lambda head: (zipped({ARTIFACT_FILE: json.dumps(to_json(measurement(head))).encode(),
                                          "run.sh": b"#!/bin/sh\n"}), {}),
    "symlink": lambda head: (zipped({ARTIFACT_FILE: b"/etc/passwd"}, symlink=True), {}),
    "not a zip": lambda head: (b"PK\x03\x04 definitely not a zip", {}),
    "NaN": lambda head: (zipped({ARTIFACT_FILE: json.dumps(to_json(measurement(head))).replace(
        '"delta_pct": 7100.0', '"delta_pct": NaN').encode()}), {}),
}


def test_malicious_artifacts_change_nothing(github_fake: FakeGitHub, app_key: AppKey, pr: tuple[int, str]) -> None:
    """One pull request with a published review; one workflow run per malicious artifact (a loop, not a
    parametrisation: the review it must leave alone is the expensive part)."""
    number, head = pr
    client = make_client(github_fake, app_key)
    run_review(ReviewRequest(github_fake.state.installation_id, github_fake.state.full_name, number, head), client)
    before = pr_state(github_fake)
    for i, (kind, make) in enumerate(MALICIOUS.items()):
        run_id = RUN_ID + 1 + i
        data, extra = make(head)
        github_fake.add_artifact(run_id, ARTIFACT_NAME, data, **extra)
        payload = workflow_run_payload(github_fake, head, number)
        payload["workflow_run"]["id"] = run_id
        [request] = requests_for(payload, github_fake)
        outcome = run_review(request, client)
        assert outcome.status == "skipped", (kind, outcome)
        assert pr_state(github_fake) == before, kind
    served = dict(github_fake.api.actions.downloads)
    fifty = [a.id for a in github_fake.api.actions.artifacts.values() if len(a.data) == 50 * 1024 * 1024]
    assert fifty[0] not in served  # listed at its size: never downloaded
    assert github_fake.calls_to("GET", rf"/actions/artifacts/{fifty[1]}/zip$")  # listed as small: tried, cut off


def test_strings_from_the_artifact_are_shown_only_as_code(github_fake: FakeGitHub, app_key: AppKey,
                                                          pr: tuple[int, str]) -> None:
    number, head = pr
    evil = ["<img src=x onerror=alert(1)>", "@octocat", "x | y\n### Injected"]
    m = measurement(head, cpu=evil[0], go_version=evil[1], skipped=((evil[2], evil[2]),))
    github_fake.add_artifact(RUN_ID, ARTIFACT_NAME, zipped({ARTIFACT_FILE: json.dumps(to_json(m)).encode()}))
    [request] = requests_for(workflow_run_payload(github_fake, head, number), github_fake)
    assert run_review(request, make_client(github_fake, app_key)).status == "published"
    summary = github_fake.check_runs()[-1]["output"]["summary"]
    assert "`<img src=x onerror=alert(1)>`" in summary and "`@octocat`" in summary
    assert "`x | y ### Injected`" in summary  # on one line
    outside = re.sub(r"`[^`]*`", "", summary)
    assert "<img" not in outside and "@octocat" not in outside and "### Injected" not in outside


def test_artifact_reader_limits_directly() -> None:
    head = "a" * 40
    assert read_measure_artifact(artifact_for(head), head).benchmarks[0].verdict == "slower"
    with pytest.raises(ArtifactError, match="5,242,880"):
        read_measure_artifact(b"\0" * (5 * 1024 * 1024 + 1), head)
    with pytest.raises(ArtifactError, match="unzips to 25,165,824 bytes"):
        read_measure_artifact(_bomb(), head)
    with pytest.raises(ArtifactError):  # a bomb whose headers claim 100 bytes: decompression is cut short
        read_measure_artifact(_lying_bomb(), head)
    with pytest.raises(ArtifactError, match="not the pull request's head"):
        read_measure_artifact(artifact_for("b" * 40), head)


def test_the_app_manifest_asks_for_workflow_run_and_actions_read() -> None:
    import yaml

    from bot.events import HANDLERS

    manifest = yaml.safe_load((Path(__file__).resolve().parent.parent / "app.yml").read_text())
    assert manifest["default_permissions"]["actions"] == "read"
    assert "workflow_run" in manifest["default_events"]
    assert set(HANDLERS) - {"installation", "installation_repositories"} <= set(manifest["default_events"])


def test_a_measured_regression_makes_its_functions_unmeasured_findings_warnings() -> None:
    """The measurement is the evidence the shape lacked: Join was measured slower, so its unmeasured
    finding is a warning; a finding in a function without a decided measurement stays info, and a
    finding that is info for another reason (cold, warm) is not touched."""
    from analyzers.model import Finding
    from analyzers.report.measured import promote_measured

    def finding(function: str, unmeasured: bool, file: str = "text/join.go") -> Finding:
        return Finding(rule="string-concat-loop", category="alloc", severity="info", file=file, line=7, column=3,
                       end_line=7, function=function, hot_path="hot", message="s += in a loop", unmeasured=unmeasured)

    join, other_pkg, split, warm = (finding("Join", True), finding("Join", True, "lib/join.go"),
                                    finding("Split", True), finding("Join", False))
    promoted = promote_measured([join, other_pkg, split, warm], measurement("h" * 40))
    assert promoted == [join] and (join.severity, join.unmeasured) == ("warning", False)
    assert [(f.severity, f.unmeasured) for f in (other_pkg, split, warm)] == [("info", True), ("info", True),
                                                                               ("info", False)]
    unchanged = measurement("h" * 40, benchmarks=(dataclasses.replace(
        measurement("h" * 40).benchmarks[0], verdict="unchanged", allocs_verdict="unchanged"),))
    again = finding("Join", True)
    assert promote_measured([again], unchanged) == [] and again.severity == "info"
