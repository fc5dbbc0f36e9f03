"""The App with CPU profiles: read from the default branch (never the PR head), globs from the config,
shares in the comment and the check run, bad profiles reported there, each profile read once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot import profiles
from bot.review import run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client
from tests.github_fake.fixtures import review_request as request

DATA = Path(__file__).parent / "data" / "profiles"
APP = DATA / "app"


def base_files() -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {p.relative_to(APP).as_posix(): p.read_bytes() for p in APP.rglob("*")
                                            if p.is_file()}
    files[".github/perf-review.yml"] = "profiles: ['perf/*.pprof']\n"
    files["perf/cut.pprof"] = (DATA / "bad" / "truncated.pprof").read_bytes()
    return files


def test_profiles_come_from_the_default_branch_and_show_in_the_review(
    github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]
) -> None:
    profiles._cache.clear()
    lib = (APP / "lib" / "lib.go").read_text().replace('"-" + pad(name)', '":" + pad(name)')
    # The PR swaps in another program's profile and one that would make Label cold: neither may count.
    head = {"lib/lib.go": lib, "cmd/app/default.pgo": (DATA / "wordcount" / "cpu.pprof").read_bytes(),
            "perf/fake.pprof": (DATA / "wordcount" / "cpu.pprof").read_bytes()}
    n = github_pr(head, base=base_files())
    client = make_client(github_fake, app_key)
    outcome = run_review(request(github_fake, n), client)
    assert outcome.status == "published"
    (comment,) = github_fake.bot_comments(n)
    body = comment["body"]
    assert "**CPU profile:** `cmd/app/default.pgo`" in body and "| hot · 95.0% CPU |" in body
    assert "another module" not in body and "perf/fake.pprof" not in body
    assert "`perf/cut.pprof` was not used: the gzip stream is truncated" in body
    assert "| warning | `sprintf-simple` | `lib/lib.go:12` | `Label` | hot |" in body  # cold without the profile
    summary = github_fake.check_runs()[-1]["output"]["summary"]
    assert "**CPU profile:** `cmd/app/default.pgo`" in summary and "`perf/cut.pprof` was not used" in summary
    trees = github_fake.calls_to("GET", "/git/trees/")
    assert [c.path.rsplit("/", 1)[-1] for c in trees] == ["main"]  # the default branch, not the head
    assert len(github_fake.calls_to("GET", "/git/blobs/")) == 2  # default.pgo and perf/cut.pprof

    github_fake.reset_calls()
    assert run_review(request(github_fake, n), client).status == "published"
    assert len(github_fake.calls_to("GET", "/git/trees/")) == 1
    assert github_fake.calls_to("GET", "/git/blobs/") == []  # unchanged blobs: read once per worker
