"""The stand-in itself: it must refuse what GitHub refuses, so the bot's tests mean something."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.github_fake import FakeGitHub
from tests.github_fake.api import MAX_PR_FILES


def call(fake: FakeGitHub, method: str, path: str, body: Any = None, token: str | None = None
         ) -> tuple[int, Any, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(fake.url + path, data=data, method=method)
    req.add_header("Authorization", f"token {token or fake.issue_token()}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null"), resp.headers
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null"), err.headers


@pytest.fixture
def pull(github_fake: FakeGitHub) -> int:
    repo = github_fake.repo  # type: ignore[attr-defined]
    repo.commit({"a.go": "package a\n\nfunc A() {}\n", "b.go": "package a\n", "c.go": "package a\n\n// c\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.git("mv", "c.go", "d.go")
    repo.commit({"a.go": "package a\n\nfunc A() { _ = 1 }\n", "b.go": None, "e.go": "package a\n\nfunc E() {}\n"})
    return github_fake.open_pull("feature")


def test_statuses_and_patches(github_fake: FakeGitHub, pull: int) -> None:
    _, files, _ = call(github_fake, "GET", f"/repos/octo-org/widgets/pulls/{pull}/files")
    got = {f["filename"]: (f["status"], f.get("previous_filename")) for f in files}
    assert got == {"a.go": ("modified", None), "b.go": ("removed", None), "d.go": ("renamed", "c.go"),
                   "e.go": ("added", None)}
    patch = next(f["patch"] for f in files if f["filename"] == "a.go")
    assert patch.startswith("@@ -1,3 +1,3 @@") and "+func A() { _ = 1 }" in patch and "+++" not in patch


def test_unknown_operations_query_and_bodies_are_violations(github_fake: FakeGitHub, pull: int) -> None:
    assert call(github_fake, "GET", "/repos/octo-org/widgets/issues/1")[0] == 404
    assert call(github_fake, "GET", f"/repos/octo-org/widgets/pulls/{pull}?expand=1")[0] == 422
    status, _, _ = call(github_fake, "POST", "/repos/octo-org/widgets/check-runs", {"head_sha": "x"})
    assert status == 422
    assert len(github_fake.violations) == 3 and "not an operation" in github_fake.violations[0]
    github_fake.violations.clear()


def test_limits(github_fake: FakeGitHub, pull: int) -> None:
    base = "/repos/octo-org/widgets"
    assert call(github_fake, "POST", f"{base}/issues/{pull}/comments", {"body": "x" * 65_537})[0] == 422
    assert call(github_fake, "POST", f"{base}/issues/{pull}/comments", {"body": "x" * 65_536})[0] == 201
    notes = [{"path": "a.go", "start_line": 3, "end_line": 3, "annotation_level": "notice", "message": "m"}] * 51
    run = {"name": "perf-review", "head_sha": "x", "output": {"title": "t", "summary": "s", "annotations": notes}}
    assert call(github_fake, "POST", f"{base}/check-runs", run)[0] == 422
    def review(line: int) -> dict[str, Any]:
        comment = {"path": "a.go", "line": line, "side": "RIGHT", "body": "c"}
        return {"event": "COMMENT", "body": "b", "comments": [comment]}

    outside, inside = review(40), review(3)
    assert call(github_fake, "POST", f"{base}/pulls/{pull}/reviews", outside)[0] == 422
    assert call(github_fake, "POST", f"{base}/pulls/{pull}/reviews", inside)[0] == 200
    assert len(github_fake.violations) == 3
    github_fake.violations.clear()


def test_credentials(github_fake: FakeGitHub, pull: int) -> None:
    assert call(github_fake, "GET", "/repos/octo-org/widgets/pulls/1", token="ghs_forged")[0] == 401
    assert call(github_fake, "GET", "/app")[0] == 401  # an installation token is not an app JWT
    expired = github_fake.issue_token(ttl=-1)
    assert call(github_fake, "GET", "/repos/octo-org/widgets/pulls/1", token=expired)[0] == 401
    assert call(github_fake, "GET", "/repos/someone/else/pulls/1")[0] == 401
    assert len(github_fake.auth_failures) == 4


def test_pagination_links_and_the_3000_file_cap(github_fake: FakeGitHub) -> None:
    repo = github_fake.repo  # type: ignore[attr-defined]
    repo.git("checkout", "-q", "-b", "huge")
    repo.commit({f"d/{i:04}.txt": "x\n" for i in range(MAX_PR_FILES + 5)})
    n = github_fake.open_pull("huge")
    path = f"/repos/octo-org/widgets/pulls/{n}/files"
    status, page, headers = call(github_fake, "GET", f"{path}?per_page=100&page=30")
    assert status == 200 and len(page) == 100 and 'rel="next"' not in headers["Link"]
    status, page, headers = call(github_fake, "GET", f"{path}?per_page=100")
    assert 'rel="next"' in headers["Link"] and "page=30" in headers["Link"]
    assert call(github_fake, "GET", f"{path}?per_page=100&page=31")[1] == []


def test_contents_are_base64_from_git(github_fake: FakeGitHub, pull: int) -> None:
    import base64

    status, body, _ = call(github_fake, "GET", "/repos/octo-org/widgets/contents/a.go?ref=feature")
    assert status == 200 and base64.b64decode(body["content"]) == b"package a\n\nfunc A() { _ = 1 }\n"
    assert call(github_fake, "GET", "/repos/octo-org/widgets/contents/e.go")[0] == 404  # default branch
    assert github_fake.calls[-1].status == 404 and github_fake.calls[-1].operation == "repos/get-content"
