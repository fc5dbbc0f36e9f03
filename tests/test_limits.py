"""Issue 9.2 and 9.8: what one review may cost (bot/limits.py), file names refused before any API call,
the review comment's state read with a ceiling, and only this App's own comment taken as ours."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from analyzers.model import Finding, Result
from bot.config import Config
from bot.errors import ConfigError, LimitError
from bot.github import Comment, PullFile
from bot.limits import BudgetedClient, CallBudget, Limits, cap_findings, pick_files, trim_change, unsafe_path
from bot.publish import COMMENT_MARKER, decode_state, find_sticky
from bot.review import run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client
from tests.github_fake.fixtures import review_request as request
from tests.github_fake.render_double import render

CONCAT = """package text

func Join(parts []string) string {
	s := ""
	for _, p := range parts {
		s += p
	}
	return s
}
"""


@pytest.mark.parametrize("name", ["../../etc/passwd.go", "/etc/x.go", "a/../../b.go", "a\\b.go", "a//b.go",
                                  "./a.go", "a/\x00.go", "C:/x.go", ""])
def test_unsafe_names(name: str) -> None:
    assert unsafe_path(name)


def test_safe_names() -> None:
    assert not any(unsafe_path(n) for n in ["a.go", "pkg/a_test.go", "dir.with.dots/x..y.go", ".github/x.yml"])


def test_pick_files_refuses_unsafe_names_and_leaves_go_files_past_the_limit_out() -> None:
    files = [PullFile(f"p{i}/x.go", "added") for i in range(4)] + [
        PullFile("README.md", "modified"), PullFile("x.go", "renamed", previous_filename="../y.go")]
    kept, omitted = pick_files(files, Limits(files=2))
    assert [f.filename for f in kept] == ["p0/x.go", "p1/x.go", "README.md"]
    assert [(o.path, o.reason.split(":")[0]) for o in omitted] == [
        ("p2/x.go", "left out"), ("p3/x.go", "left out"), ("x.go", "refused")]


def test_trim_change_keeps_changed_files_in_order_within_bytes_and_functions() -> None:
    funcs = b"package p\n" + b"".join(b"func F%d() {}\n" % i for i in range(30))
    head: dict[str, bytes | None] = {"a/a.go": funcs, "b/b.go": funcs, "c/c.go": b"package c\n" + b"x" * 500,
                                     "a/other.go": b"package p\n" + b"y" * 400, "go.mod": b"module m\n"}
    base: dict[str, bytes | None] = {"a/a.go": b"package p\n"}
    dropped, omitted = trim_change(["a/a.go", "b/b.go", "c/c.go"], head, base, {}, Limits(functions=40,
                                                                                            source_bytes=1000))
    assert dropped == {"b/b.go"}, "30 + 30 functions is over 40"
    assert "b/b.go" not in head and "a/a.go" in head and "c/c.go" in head and "go.mod" in head
    assert "a/other.go" not in head, "context goes first when bytes run out"
    assert [o.path for o in omitted] == ["b/b.go", ""]


def test_cap_findings_keeps_the_first_and_names_the_rest() -> None:
    result = Result(findings=[Finding("r", "c", "warning", "f.go", i, 1, i, "F", "hot", "m", fingerprint=f"fp{i}")
                              for i in range(5)])
    hidden, notes = cap_findings(result, Limits(findings=2))
    assert [f.line for f in result.findings] == [0, 1] and hidden == {"fp2", "fp3", "fp4"}
    assert "3 more finding(s) not reported" in notes[0].reason


def test_the_call_budget_stops_before_the_call_over_it() -> None:
    calls: list[str] = []

    class Client:
        def get_pull(self, repo: str, n: int) -> str:
            calls.append("get_pull")
            return "pr"

        def list_pull_files(self, repo: str, n: int) -> list[int]:
            calls.append("list")
            return list(range(250))  # three pages

    budgeted: Any = BudgetedClient(Client(), CallBudget(4))
    assert budgeted.list_pull_files("o/r", 1) == list(range(250))
    assert budgeted.get_pull("o/r", 1) == "pr"
    with pytest.raises(LimitError, match="more than 4 GitHub API calls"):
        budgeted.get_pull("o/r", 1)
    assert calls == ["list", "get_pull"]


def test_limits_come_from_the_environment_and_are_checked() -> None:
    env = {"GITHUB_APP_ID": "1", "GITHUB_WEBHOOK_SECRET": "s",
           "GITHUB_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----"}
    config = Config.from_env({**env, "PERF_REVIEW_MAX_FILES": "7", "PERF_REVIEW_JOB_TIMEOUT": "90"})
    assert (config.limits.files, config.limits.job_seconds, config.limits.findings) == (7, 90.0, 500)
    with pytest.raises(ConfigError, match="PERF_REVIEW_MAX_FINDINGS"):
        Config.from_env({**env, "PERF_REVIEW_MAX_FINDINGS": "-3"})


def test_file_names_that_leave_the_tree_are_refused_before_any_api_call(
    github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]
) -> None:
    number = github_pr({"text/join.go": CONCAT})
    client = make_client(github_fake, app_key)

    class Tampered:
        """GitHub's file list with a name no git tree has (defence in depth: the name reaches paths)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(client, name)

        def list_pull_files(self, repo: str, n: int) -> list[PullFile]:
            return [*client.list_pull_files(repo, n), PullFile("../../etc/passwd.go", "added", None, "@@ -0,0 +1 @@")]

    outcome = run_review(request(github_fake, number), Tampered(), render=render)  # type: ignore[arg-type]
    assert outcome.status == "published"
    assert not [c for c in github_fake.calls if "passwd" in c.path]
    (run,) = github_fake.check_runs()
    assert "`../../etc/passwd.go`: refused" in run["output"]["summary"]


def test_the_comment_state_is_read_with_a_ceiling() -> None:
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" * (20 << 20), 9)).decode()
    assert len(bomb) < 65_536, "it fits in one comment"
    assert decode_state(f"{COMMENT_MARKER}\n<!-- perf-review:state {bomb} -->") is None


def test_only_this_apps_comment_is_its_review_comment() -> None:
    forged = Comment(1, f"{COMMENT_MARKER} forged", "github-actions[bot]", True, app_id=15368)
    ours = Comment(2, f"{COMMENT_MARKER} ours", "perf-review[bot]", True, app_id=4242)
    assert find_sticky([forged, ours], app_id=4242) is ours
    assert find_sticky([forged], app_id=4242) is None
