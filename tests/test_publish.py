"""bot.publish: the hidden state, sizes within GitHub's limits, inline planning, annotations, conclusion."""

from __future__ import annotations

from analyzers.model import Finding, Result
from bot.github import CheckOutput, Comment, PullFile
from bot.publish import (
    MAX_COMMENT,
    Target,
    annotations_for,
    commentable_lines,
    complete_check_run,
    compose_comment,
    conclusion,
    decode_state,
    encode_state,
    find_sticky,
    plan_inline,
    publish,
)
from bot.repo_config import ConfigProblem, PublishSettings
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client
from tests.github_fake.render_double import FakeReview, Note


def finding(i: int, severity: str = "warning", status: str | None = "new") -> Finding:
    return Finding(rule="string-concat-loop", category="alloc", severity=severity, file=f"p/f{i % 7}.go",  # type: ignore[arg-type]
                   line=10 + i, column=2, end_line=10 + i, function=f"F{i}", hot_path="hot",
                   message="s += in a loop copies the string each iteration", status=status,  # type: ignore[arg-type]
                   fingerprint=f"{i:016x}")


def test_state_round_trip_and_shrinking() -> None:
    fs = [finding(i) for i in range(40)]
    full = encode_state("abc", fs, {fs[3].fingerprint}, 100_000)
    state = decode_state(f"text\n{full}\n")
    assert state is not None and not state.partial and state.head == "abc"
    assert [f.fingerprint for f in state.findings] == [f.fingerprint for f in fs]
    assert state.inlined == {fs[3].fingerprint} and state.findings[0].message.startswith("s += ")
    small = encode_state("abc", fs, {fs[39].fingerprint}, 500)
    part = decode_state(small)
    assert len(small) <= 500 and part is not None and part.partial
    assert fs[39].fingerprint in part.inlined  # what was commented inline survives first
    assert decode_state("<!-- perf-review:state !!! -->") is None and decode_state("nothing") is None


def test_comment_always_fits() -> None:
    fs = [finding(i) for i in range(3000)]
    notes = [Note(f.file, f.line, "x" * 300, f.fingerprint, f.rule, f.severity) for f in fs]
    plan = plan_inline(notes, {}, set(), 20)
    body = compose_comment("y" * 64_999, plan, [ConfigProblem("line 1", "bad")],
                           lambda room: encode_state("h", fs, set(), room))
    assert len(body) <= MAX_COMMENT and decode_state(body) is not None
    assert len(plan.outside_diff) == 3000


def test_plan_inline_filters_caps_and_skips_known() -> None:
    files = [PullFile("a.go", "modified", patch="@@ -1,2 +10,3 @@\n x\n+y\n z\n@@ -40 +50 @@\n-a\n+b")]
    lines = commentable_lines(files)
    assert lines == {"a.go": {10, 11, 12, 50}}
    notes = [Note("a.go", ln, "b", f"fp{ln}", "r", "warning") for ln in (10, 11, 12, 50, 13)]
    plan = plan_inline(notes, lines, {"fp10"}, 2)
    assert [n.line for n in plan.post] == [11, 12]
    assert [n.line for n in plan.over_cap] == [50] and [n.line for n in plan.outside_diff] == [13]
    assert [n.line for n in plan.already] == [10]


def test_conclusion_follows_fail_on_and_ignores_pre_existing() -> None:
    assert conclusion([finding(1, "error")], None) == "neutral"
    assert conclusion([finding(1, "warning")], "warning") == "failure"
    assert conclusion([finding(1, "warning")], "error") == "neutral"
    assert conclusion([finding(1, "error", "pre-existing")], "info") == "neutral"


def test_sticky_comment_must_be_the_bots() -> None:
    fake_copy = Comment(1, "<!-- perf-review:comment --> pasted", "mallory", is_bot=False)
    ours = Comment(2, "<!-- perf-review:comment -->\nreview", "perf-review[bot]", is_bot=True)
    assert find_sticky([fake_copy, ours]) == ours and find_sticky([fake_copy]) is None


def test_annotations_go_50_per_request(github_fake: FakeGitHub, app_key: AppKey) -> None:
    repo = github_fake.repo  # type: ignore[attr-defined]
    head = repo.git("rev-parse", "HEAD")
    client = make_client(github_fake, app_key)
    run = client.create_check_run("octo-org/widgets", head, "perf-review", status="in_progress",
                                  output=CheckOutput("t", "s"))
    notes = annotations_for([finding(i) for i in range(120)])
    complete_check_run(client, "octo-org/widgets", run, "Title", "Summary", "z" * 70_000, notes, "neutral")
    (stored,) = github_fake.check_runs()
    assert stored["output"]["annotations_count"] == 120 and stored["conclusion"] == "neutral"
    assert [u["annotations"] for u in stored["_updates"][1:]] == [50, 50, 20]
    assert len(stored["output"]["text"]) <= 65_535


def test_publish_orders_comment_before_review(github_fake: FakeGitHub, app_key: AppKey) -> None:
    repo = github_fake.repo  # type: ignore[attr-defined]
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"a.go": "package a\n\nfunc A() {}\n"})
    n = github_fake.open_pull("feature")
    head = repo.git("rev-parse", "HEAD")
    client = make_client(github_fake, app_key)
    files = client.list_pull_files("octo-org/widgets", n)
    run = client.create_check_run("octo-org/widgets", head, "perf-review", status="in_progress",
                                  output=CheckOutput("t", "s"))
    f = Finding("string-concat-loop", "alloc", "warning", "a.go", 3, 1, 3, "A", "hot", "m", status="new",
                fingerprint="f" * 16)
    note = Note("a.go", 3, "b", f.fingerprint, f.rule, "warning")
    review = FakeReview("## Summary", "1 finding", "summary", "text", [note])
    pub = publish(client, Target("octo-org/widgets", n, head, run), review, Result(findings=[f]), files,
                  PublishSettings(), [], None, set())
    writes = [c.path for c in github_fake.calls if c.is_write and "/app/" not in c.path]
    assert writes[1:] == [f"/repos/octo-org/widgets/issues/{n}/comments", f"/repos/octo-org/widgets/pulls/{n}/reviews",
                          f"/repos/octo-org/widgets/check-runs/{run}"]
    assert pub.inline_posted == 1 and "perf-review:fp=ffffffffffffffff" in github_fake.review_comments(n)[0]["body"]
