"""The review job end to end against the GitHub stand-in: real PyGithub, real engine, real git."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.errors import TransientGitHubError
from bot.publish import COMMENT_MARKER, decode_state
from bot.review import run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client, push
from tests.github_fake.fixtures import review_request as request
from tests.github_fake.render_double import render
from tests.github_fake.server import Fault

CONCAT = """package text

func Join(parts []string) string { //perf-review:hot
	s := ""
	for _, p := range parts {
		s += p
	}
	return s
}
"""
SEARCH = """

func Find(b []byte, c byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}
"""
CLEAN = """package text

import "strings"

func Join(parts []string) string {
	return strings.Join(parts, "")
}
"""


def review(fake: FakeGitHub, key: AppKey, number: int, **kw: Any) -> Any:
    return run_review(request(fake, number, **kw), make_client(fake, key), render=render)


def test_one_comment_after_several_pushes_and_no_repeated_inline(
    github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]
) -> None:
    n = github_pr({"text/join.go": CONCAT}, base={"go.mod": "module example.com/w\n\ngo 1.22\n"})
    first = review(github_fake, app_key, n)
    assert first.status == "published" and first.inline_posted == 1
    push(github_fake, {"text/join.go": CONCAT + SEARCH})
    second = review(github_fake, app_key, n)
    assert second.inline_posted == 1  # only the new byte loop: the concat one was commented already
    push(github_fake, {"text/join.go": CLEAN})
    third = review(github_fake, app_key, n)
    assert third.inline_posted == 0
    comments = github_fake.bot_comments(n)
    assert len(comments) == 1 and COMMENT_MARKER in comments[0]["body"]
    assert "FIXED `text/join.go` string-concat-loop" in comments[0]["body"]
    assert len(github_fake.calls_to("PATCH", r"/issues/comments/")) == 2
    threads = [c for c in github_fake.review_comments(n) if not c.get("in_reply_to_id")]
    rules = sorted(c["body"].split("**")[1] for c in threads)
    assert rules == ["byte-loop-search", "string-concat-loop"]
    head = github_fake.git.rev("feature") or ""
    replies = [c for c in github_fake.review_comments(n) if c.get("in_reply_to_id")]
    assert sorted(c["in_reply_to_id"] for c in replies) == sorted(c["id"] for c in threads)  # one each
    assert all(c["body"].startswith(f"Fixed in {head[:7]}.") for c in replies)
    runs = github_fake.check_runs()
    assert len(runs) == 3 and all(r["status"] == "completed" and r["conclusion"] == "neutral" for r in runs)
    assert runs[1]["output"]["annotations_count"] == 2


def test_a_rerun_of_the_same_head_repeats_nothing(github_fake: FakeGitHub, app_key: AppKey,
                                                 github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT + SEARCH})
    review(github_fake, app_key, n)
    again = review(github_fake, app_key, n, trigger="rerun")
    assert again.inline_posted == 0
    assert len(github_fake.bot_comments(n)) == 1 and len(github_fake.review_comments(n)) == 2


def test_502_on_the_first_writes_is_retried_and_nothing_is_lost(github_fake: FakeGitHub, app_key: AppKey,
                                                                  github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    github_fake.fail_writes(2)
    sleeps: list[float] = []
    outcome = run_review(request(github_fake, n), make_client(github_fake, app_key, sleeps), render=render)
    assert outcome.status == "published"
    assert sleeps == [1.0, 2.0]  # capped exponential backoff
    assert [c.status for c in github_fake.calls if c.is_write and not c.path.startswith("/app")][:3] == [502, 502, 201]
    assert len(github_fake.bot_comments(n)) == 1 and len(github_fake.review_comments(n)) == 1
    assert github_fake.check_runs()[0]["status"] == "completed"


def test_rate_limits_honour_retry_after_and_reset(github_fake: FakeGitHub, app_key: AppKey,
                                                  github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    github_fake.secondary_limit(count=1, retry_after=7)
    sleeps: list[float] = []
    client = make_client(github_fake, app_key, sleeps)
    client.get_pull(github_fake.state.full_name, n)  # mint the token first: the fault hits the review
    github_fake.rate_limit(count=1, reset_in=8)
    assert run_review(request(github_fake, n), client, render=render).status == "published"
    assert sleeps[0] == 7.0
    assert 5.0 <= sleeps[1] <= 10.0
    assert len(github_fake.bot_comments(n)) == 1


def test_long_waits_go_back_to_the_queue_instead_of_sleeping(github_fake: FakeGitHub, app_key: AppKey,
                                                             github_pr: Callable[..., int]) -> None:
    """Issue 9.8: a rate limit reset 30 s away, or a secondary limit without Retry-After (at least
    60 s), is not slept in a worker thread: the error carries the wait for the job queue."""
    n = github_pr({"text/join.go": CONCAT})
    sleeps: list[float] = []
    client = make_client(github_fake, app_key, sleeps)
    client.get_pull(github_fake.state.full_name, n)
    github_fake.rate_limit(count=1, reset_in=30)
    with pytest.raises(TransientGitHubError) as info:
        client.get_pull(github_fake.state.full_name, n)
    assert sleeps == [] and info.value.retry_after is not None and info.value.retry_after >= 25
    github_fake.inject(Fault(403, 1, message="You have exceeded a secondary rate limit. Please wait."))
    with pytest.raises(TransientGitHubError) as info:
        client.get_pull(github_fake.state.full_name, n)
    assert sleeps == [] and info.value.retry_after == 60.0


def test_pr_of_250_files_reads_every_page_and_each_go_file_once(github_fake: FakeGitHub, app_key: AppKey,
                                                                  github_pr: Callable[..., int]) -> None:
    docs: dict[str, str | None] = {f"docs/page{i:03}.md": f"page {i}\n" for i in range(245)}
    go = {f"pkg{i}/join.go": CONCAT.replace("package text", f"package pkg{i}") for i in range(5)}
    n = github_pr({**docs, **go})
    outcome = review(github_fake, app_key, n)
    assert outcome.findings == 5
    pages = github_fake.calls_to("GET", r"/pulls/\d+/files$")
    assert [c.query.get("page", "1") for c in pages] == ["1", "2", "3"]
    contents = [c.path for c in github_fake.calls_to("GET", "/contents/")]
    expected = sorted(f"/repos/octo-org/widgets/contents/{p}" for p in go)
    assert sorted(p for p in contents if p.endswith(".go")) == expected


def test_pr_without_go_files_completes_the_check_and_posts_no_comment(github_fake: FakeGitHub, app_key: AppKey,
                                                                       github_pr: Callable[..., int]) -> None:
    n = github_pr({"README.md": "more words\n", "docs/a.txt": "x\n"})
    outcome = review(github_fake, app_key, n)
    assert outcome.status == "skipped"
    assert github_fake.bot_comments(n) == []
    (run,) = github_fake.check_runs()
    assert run["conclusion"] == "neutral" and "no Go files" in run["output"]["summary"]


def test_deleted_and_renamed_files(github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]) -> None:
    base = {"text/old.go": CONCAT, "text/gone.go": "package text\n\nfunc Gone() {}\n"}
    moved = CONCAT.replace('s := ""', 's := "" // moved')
    n = github_pr({"text/old.go": None, "text/new.go": moved, "text/gone.go": None}, base=base)
    outcome = review(github_fake, app_key, n)
    assert outcome.status == "published"
    reads = [(c.path.split("/contents/")[1], c.query.get("ref")) for c in github_fake.calls_to("GET", "/contents/")]
    pull = github_fake.state.pulls[n]
    head, base_sha = github_fake.git.rev(pull.head_ref), github_fake.git.rev(pull.base_ref)
    assert ("text/new.go", head) in reads and ("text/old.go", base_sha) in reads
    assert not any(path == "text/gone.go" for path, _ in reads)
    state = decode_state(github_fake.bot_comments(n)[0]["body"])
    assert state is not None
    assert [(f.file, f.rule) for f in state.findings] == [("text/new.go", "string-concat-loop")]
    assert github_fake.review_comments(n) == []  # the concat loop moved with the file: not new


def test_invalid_config_runs_with_defaults_and_says_where(github_fake: FakeGitHub, app_key: AppKey,
                                                          github_pr: Callable[..., int]) -> None:
    config = "rules:\n  disable: [no-such-rule]\nfail_on: sometimes\n"
    n = github_pr({"text/join.go": CONCAT}, base={".github/perf-review.yml": config})
    outcome = review(github_fake, app_key, n)
    assert outcome.findings == 1
    summary = github_fake.check_runs()[0]["output"]["summary"]
    assert "line 2 (rules.disable)" in summary and "no-such-rule" in summary
    assert "line 3 (fail_on)" in summary
    assert "perf-review.yml` has 2 problem(s)" in github_fake.bot_comments(n)[0]["body"]


def test_config_from_the_default_branch_not_the_pr(github_fake: FakeGitHub, app_key: AppKey,
                                                   github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT, ".github/perf-review.yml": "rules:\n  disable: [string-concat-loop]\n"},
           base={".github/perf-review.yml": "fail_on: warning\n"})
    outcome = review(github_fake, app_key, n)
    assert outcome.findings == 1 and outcome.detail == "failure"
    assert github_fake.check_runs()[0]["conclusion"] == "failure"


def test_inline_cap_lists_the_rest_in_the_comment(github_fake: FakeGitHub, app_key: AppKey,
                                                  github_pr: Callable[..., int]) -> None:
    many = {f"text/j{i}.go": CONCAT.replace("Join", f"Join{i}") for i in range(4)}
    n = github_pr(many, base={".github/perf-review.yml": "max_inline_comments: 2\n"})
    outcome = review(github_fake, app_key, n)
    assert outcome.inline_posted == 2 and len(github_fake.review_comments(n)) == 2
    body = github_fake.bot_comments(n)[0]["body"]
    assert "Findings not commented inline (2)" in body and body.count("over the inline limit") == 2


def test_findings_outside_the_diff_go_into_the_comment(github_fake: FakeGitHub, app_key: AppKey,
                                                       github_pr: Callable[..., int]) -> None:
    padded = CONCAT.replace('\ts := ""\n', '\ts := ""\n' + "\t// padding\n" * 10)
    renamed = padded.replace("func Join(", "func JoinAll(")  # a new function: its loop is a new finding
    n = github_pr({"text/join.go": renamed}, base={"text/join.go": padded})
    outcome = review(github_fake, app_key, n)
    assert outcome.findings == 1 and outcome.inline_posted == 0
    body = github_fake.bot_comments(n)[0]["body"]
    assert "`text/join.go:16` **string-concat-loop** (warning, outside the diff)" in body


def test_drafts_are_skipped_unless_configured(github_fake: FakeGitHub, app_key: AppKey,
                                              github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT}, draft=True)
    assert review(github_fake, app_key, n).status == "skipped"
    assert github_fake.check_runs() == []


def test_budget_of_9_plus_2f_calls(github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]) -> None:
    base = {f"p{i}/a.go": CONCAT.replace("package text", f"package p{i}") for i in range(3)}
    head = {p: src + SEARCH for p, src in base.items()}
    n = github_pr({**head, "p9/new.go": "package p9\n"}, base={**base, "go.mod": "module w\n\ngo 1.22\n"})
    client = make_client(github_fake, app_key)
    counts: list[int] = []
    for _ in range(2):  # first review, then a later push with our comment present
        github_fake.reset_calls()
        run_review(request(github_fake, n), client, render=render)
        repo_calls = [c for c in github_fake.calls if not c.path.startswith("/app/")]
        assert len(repo_calls) <= 9 + 2 * 4, [f"{c.method} {c.path}" for c in repo_calls]
        counts.append(len(repo_calls))
        push(github_fake, {"p0/a.go": base["p0/a.go"] + "\n// touch\n"})
    assert len(github_fake.calls_to("POST", "/access_tokens")) == 0  # the token was cached
    # limit 17: PR, config, files, tree (CPU profiles), 7 reads + go.mod, run, comment, review or list, run
    assert counts == [16, 16]


def test_is_current_false_ends_the_check_run_superseded(github_fake: FakeGitHub, app_key: AppKey,
                                                        github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT})
    outcome = run_review(request(github_fake, n), make_client(github_fake, app_key), render=render,
                         is_current=lambda: False)
    assert outcome.status == "superseded" and github_fake.bot_comments(n) == []
    assert github_fake.check_runs()[0]["conclusion"] == "neutral"


def test_with_the_real_report(github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]) -> None:
    n = github_pr({"text/join.go": CONCAT + SEARCH}, base={"go.mod": "module w\n\ngo 1.22\n",
                                                          ".github/perf-review.yml": "hot_paths: ['text/**']\n"})
    client = make_client(github_fake, app_key)
    first = run_review(request(github_fake, n), client)
    assert first.status == "published" and first.findings == 2 and first.inline_posted >= 1
    assert "not whole packages over git" in github_fake.bot_comments(n)[0]["body"]  # no git cache here: said
    push(github_fake, {"text/join.go": CLEAN})
    second = run_review(request(github_fake, n), client)
    assert second.findings == 0 and second.inline_posted == 0
    (comment,) = github_fake.bot_comments(n)
    assert COMMENT_MARKER in comment["body"] and "string-concat-loop" in comment["body"]  # listed as fixed
    assert all(r["conclusion"] == "neutral" for r in github_fake.check_runs())


HANDLED = """package text

import "net/http"

func Join(parts []string) string {
	s := ""
	for _, p := range parts {
		s += p
	}
	return s
}

func Serve(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte(Join(r.URL.Query()["p"])))
}
"""


@pytest.mark.parametrize("config", ["", "evidence: static\n"])
def test_the_evidence_policy_decides_what_goes_inline(github_fake: FakeGitHub, app_key: AppKey,
                                                      github_pr: Callable[..., int], config: str) -> None:
    """Join is hot because a handler calls it: the code's shape, not the team's word. By default its `+=`
    loop and the handler's []byte conversion are info, listed in the review as unmeasured, not commented
    inline; `evidence: static` in the default branch's configuration makes them inline warnings again."""
    base = {".github/perf-review.yml": config} if config else {}
    n = github_pr({"text/join.go": HANDLED}, base=base)
    outcome = run_review(request(github_fake, n), make_client(github_fake, app_key))  # the real review
    assert outcome.status == "published"
    body = github_fake.bot_comments(n)[0]["body"]
    if config:
        assert outcome.inline_posted == 2 and "unmeasured" not in body
    else:
        assert outcome.inline_posted == 0 and github_fake.review_comments(n) == []
        assert "(unmeasured, hot)" in body and "2 are info until measured" in body
