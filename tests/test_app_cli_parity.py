"""The App and the CLI see the same code and say the same thing (issue 13).

The review job runs for real against the GitHub stand-in (real PyGithub, real engine), fetching whole
packages over git from the stand-in's smart-HTTP endpoint with the installation token; `perf-review
review` and `perf-review analyze --repo` run on the same repository. Findings, tiers, the review's
Markdown, its title and the check run agree.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from analyzers.engine import Options, analyze_change
from bot.cli import main
from bot.gitfetch import GitCache
from bot.review import fetch_change, run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client
from tests.github_fake.fixtures import review_request as request

ROOT = Path(__file__).resolve().parent.parent
GO_MOD = "module example.com/shop\n\ngo 1.22\n"
A_BASE = ('package shop\n\nimport "strconv"\n\n// Label names an item.\nfunc Label(id int) string {\n'
          '\treturn "item-" + strconv.Itoa(id)\n}\n')
A_HEAD = ('package shop\n\nimport "fmt"\n\n// Label names an item.\nfunc Label(id int) string {\n'
          '\treturn fmt.Sprintf("%d", id)\n}\n')
B = ("package shop\n\n// Labels names every item.\n//perf-review:hot\n"
     "func Labels(ids []int) []string {\n\tout := make([]string, 0, "
     "len(ids))\n\tfor _, id := range ids {\n\t\tout = append(out, Label(id))\n\t}\n\treturn out\n}\n")


def cli(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) in (0, 1)
    return out.getvalue()


def app_review(fake: FakeGitHub, key: AppKey, number: int, cache: Path) -> dict[str, Any]:
    outcome = run_review(request(fake, number), make_client(fake, key), git=GitCache(cache))
    assert outcome.status == "published", outcome
    (comment,) = fake.bot_comments(number)
    (run,) = fake.check_runs()
    return {"comment": comment["body"], "run": run}


def cli_review(repo: Path) -> tuple[dict[str, Any], list[tuple[str, int, str, str, str]], dict[str, str]]:
    review = json.loads(cli("review", "--repo", str(repo), "--base", "main", "--head", "feature", "--format", "json"))
    result = json.loads(cli("analyze", "--repo", str(repo), "--base", "main", "--head", "feature", "--format",
                            "json"))
    findings = [(f["file"], f["line"], f["rule"], f["severity"], f["hot_path"]) for f in result["findings"]]
    tiers = {f"{f['file']}:{f['name']}": f["hot_path"] for f in result["functions"]}
    return review, findings, tiers


def assert_same(app: dict[str, Any], review: dict[str, Any]) -> None:
    assert review["markdown"] in app["comment"], "the comment carries exactly the CLI's review"
    run = app["run"]
    assert run["output"]["title"] == review["title"]
    assert run["output"]["text"] == review["check_text"]


def open_pull(fake: FakeGitHub, base: Mapping[str, str | bytes | None], head: Mapping[str, str | bytes | None]) -> int:
    repo = fake.repo  # type: ignore[attr-defined]
    repo.commit(base, "base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(head, "change")
    return fake.open_pull("feature")


def test_label_called_in_a_loop_from_another_file(github_fake: FakeGitHub, app_key: AppKey, tmp_path: Path) -> None:
    """`Label` in a.go is called in the loop of a hot function in b.go, which the PR does not change:
    hot in both."""
    n = open_pull(github_fake, {"go.mod": GO_MOD, "shop/a.go": A_BASE, "shop/b.go": B}, {"shop/a.go": A_HEAD})
    repo = github_fake.repo.path  # type: ignore[attr-defined]
    app = app_review(github_fake, app_key, n, tmp_path / "cache")
    review, findings, tiers = cli_review(repo)
    assert findings == [("shop/a.go", 7, "sprintf-simple", "warning", "hot")]
    assert tiers == {"shop/a.go:Label": "hot"}
    assert_same(app, review)
    assert github_fake.git_requests and not github_fake.git_auth_failures
    assert not github_fake.calls_to("GET", r"/contents/shop/"), "Go files came over git, not the contents API"


def test_without_git_the_app_falls_back_to_the_changed_files(github_fake: FakeGitHub, app_key: AppKey) -> None:
    """What the case above guards against: from the changed file alone, Label looks cold."""
    n = open_pull(github_fake, {"go.mod": GO_MOD, "shop/a.go": A_BASE, "shop/b.go": B}, {"shop/a.go": A_HEAD})
    github_fake.serve_git = False
    client = make_client(github_fake, app_key)
    pull = client.get_pull(github_fake.state.full_name, n)
    files = client.list_pull_files(github_fake.state.full_name, n)
    change = fetch_change(client, github_fake.state.full_name, pull, files, Options(), 2,
                          GitCache(Path(github_fake.repo.path).parent / "cache"))  # type: ignore[attr-defined]
    assert "shop/b.go" not in change.head and change.head["shop/a.go"] is not None
    result = analyze_change(change.changes, change.head, change.base)
    assert [(f.rule, f.severity, f.hot_path) for f in result.findings] == [("sprintf-simple", "info", "cold")]
    assert change.partial and "not whole packages over git" in change.notes()[0]  # and the review says so


def test_the_demo_change(github_fake: FakeGitHub, app_key: AppKey, tmp_path: Path) -> None:
    demo = ROOT / "examples" / "demo"
    def files(tree: Path) -> dict[str, str | bytes | None]:  # default.pgo is binary
        return {p.name: p.read_bytes() if p.suffix == ".pgo" else p.read_text() for p in tree.iterdir()}

    base, head = files(demo / "base"), files(demo / "head")
    n = open_pull(github_fake, base, head)
    app = app_review(github_fake, app_key, n, tmp_path / "cache")
    review, findings, _ = cli_review(github_fake.repo.path)  # type: ignore[attr-defined]
    assert len(findings) == 6
    assert_same(app, review)


def test_git_needs_a_live_installation_token(github_fake: FakeGitHub, github_pr: Callable[..., int],
                                             tmp_path: Path) -> None:
    from bot.errors import GitError
    from bot.gitfetch import GitRemote

    github_pr({"shop/a.go": A_HEAD}, base={"go.mod": GO_MOD})
    head = github_fake.git.rev("feature") or ""
    cache = GitCache(tmp_path / "cache")
    with contextlib.suppress(GitError):
        cache.packages(GitRemote(github_fake.clone_url, "ghs_not-a-token"), github_fake.state.full_name,
                       {head: {"shop"}})
        raise AssertionError("a bad token fetched something")
    assert github_fake.git_auth_failures == ["git: bad or expired installation token"]
    expired = github_fake.issue_token(ttl=-1)
    with contextlib.suppress(GitError):
        cache.packages(GitRemote(github_fake.clone_url, expired), github_fake.state.full_name, {head: {"shop"}})
        raise AssertionError("an expired token fetched something")
    files = cache.packages(GitRemote(github_fake.clone_url, github_fake.issue_token()), github_fake.state.full_name,
                           {head: {"shop"}})
    assert files[head] == {"go.mod": GO_MOD.encode(), "shop/a.go": A_HEAD.encode()}


def test_a_large_pr_costs_a_few_rest_calls_over_git(github_fake: FakeGitHub, app_key: AppKey,
                                                    tmp_path: Path) -> None:
    """Issue 9: 3,000 changed Go files cost 3,041 REST calls when read one by one. Over git, the REST calls
    are those of the review itself, whatever the number of packages and files."""
    files: dict[str, str | None] = {f"pkg{i % 6}/f{i:03}.go": f"package pkg{i % 6}\n\n//perf-review:hot\n"
                                    f"func F{i}(xs []string) string "
                                    "{\n\ts := \"\"\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n"
                                    for i in range(240)}
    n = open_pull(github_fake, {"go.mod": GO_MOD}, files)
    github_fake.reset_calls()
    outcome = run_review(request(github_fake, n), make_client(github_fake, app_key), git=GitCache(tmp_path / "c"))
    assert outcome.findings == 240
    rest = [f"{c.method} {c.path}" for c in github_fake.calls if not c.path.startswith("/app/")]
    assert not [c for c in rest if "/contents/" in c and not c.endswith("perf-review.yml")], rest
    # PR, config, the default branch's tree (CPU profiles), check run, 3 pages of files, comment, inline
    # review, check run (5 batches of annotations)
    assert len(rest) == 14, rest
    assert {r.path for r in github_fake.git_requests} == {"/info/refs", "/git-upload-pack"}
