"""Webhook deliveries the stand-in's GitHub would send, built from GitHub's recorded payloads
(tests/data/github/webhooks/) adapted in code to the stand-in's repository, pulls and check runs.

- `merge_group(fake, number)`: put a pull request in the merge queue as GitHub does (a commit on
  `gh-readonly-queue/<base>/pr-<number>-<base sha>` that merges or squashes the PR onto the base
  branch's tip) and answer the `merge_group` `checks_requested` delivery.
- `requested_action(fake, run_id, identifier)`: a person presses a button of a completed check run;
  GitHub only shows the buttons the run carries, so any other identifier is refused here.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.github_fake.server import FakeGitHub
from tests.github_fake.state import user

WEBHOOKS = Path(__file__).resolve().parents[1] / "data" / "github" / "webhooks"
REPO_ID = 4242  # the id the stand-in's repository JSON carries


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((WEBHOOKS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def adapt(fake: FakeGitHub, payload: dict[str, Any], sender: str, sender_type: str = "User") -> dict[str, Any]:
    data = copy.deepcopy(payload)
    repo = data.setdefault("repository", {})
    repo.update(id=REPO_ID, name=fake.state.name, full_name=fake.state.full_name,
                default_branch=fake.state.default_branch)
    repo["owner"] = {**repo.get("owner", {}), "login": fake.state.owner}
    data["installation"] = {**data.get("installation", {}), "id": fake.state.installation_id}
    data["sender"] = {**data.get("sender", {}), **user(sender, sender_type)}
    return data


def merge_group(fake: FakeGitHub, number: int, *, squash: bool = False, sender: str = "octocat") -> dict[str, Any]:
    repo: Any = fake.repo  # type: ignore[attr-defined]
    pull = fake.state.pulls[number]
    base_sha = fake.git.rev(pull.base_ref) or ""
    head_sha = fake.git.rev(pull.head_ref) or ""
    branch = f"gh-readonly-queue/{pull.base_ref}/pr-{number}-{base_sha}"
    message = f"Merge pull request #{number} from {fake.state.owner}/{pull.head_ref}"
    current = repo.git("rev-parse", "--abbrev-ref", "HEAD")
    repo.git("checkout", "-q", "-B", branch, base_sha)  # -B: a pull request may re-enter the queue
    try:
        if squash:
            repo.git("merge", "-q", "--squash", head_sha)
            repo.git("commit", "-q", "-m", f"{pull.title} (#{number})")
        else:
            repo.git("merge", "-q", "--no-ff", "-m", message, head_sha)
        group_sha = repo.git("rev-parse", "HEAD")
        tree = repo.git("rev-parse", "HEAD^{tree}")
    finally:
        repo.git("checkout", "-q", current)
    data = adapt(fake, recorded("merge_group.checks_requested"), sender)
    group = data["merge_group"]
    group.update(head_sha=group_sha, head_ref=f"refs/heads/{branch}", base_sha=base_sha,
                 base_ref=f"refs/heads/{pull.base_ref}")
    group["head_commit"].update(id=group_sha, tree_id=tree, message=message)
    return data


def requested_action(fake: FakeGitHub, run_id: int, identifier: str, *, sender: str = "octocat",
                     sender_type: str = "User") -> dict[str, Any]:
    run = fake.state.check_runs[run_id]
    if run["status"] != "completed":
        raise ValueError("GitHub shows a check run's buttons only once it is completed")
    if identifier not in [a["identifier"] for a in run.get("actions") or []]:
        raise ValueError(f"check run {run_id} has no button {identifier!r}")
    data = adapt(fake, recorded("check_run.requested_action"), sender, sender_type)
    check = data["check_run"]
    for key in ("id", "head_sha", "name", "status", "conclusion", "started_at", "completed_at", "external_id",
                "details_url", "url", "html_url"):
        check[key] = run.get(key)
    check["output"] = {**check.get("output", {}), **{k: v for k, v in run["output"].items() if k != "annotations_url"}}
    check["app"] = {**check.get("app", {}), "id": fake.state.app_id, "slug": fake.state.app_slug,
                    "owner": user(fake.state.owner, "Organization")}
    check["pull_requests"] = _pulls_of(fake, run["head_sha"])
    check["check_suite"] = {**check.get("check_suite", {}), "head_sha": run["head_sha"],
                            "pull_requests": check["pull_requests"], "app": check["app"]}
    data["requested_action"] = {"identifier": identifier}
    return data


def _pulls_of(fake: FakeGitHub, sha: str) -> list[dict[str, Any]]:
    """The open PRs whose head is `sha`, in the short form check-run payloads carry."""
    repo = {"id": REPO_ID, "url": f"{fake.url}/repos/{fake.state.full_name}", "name": fake.state.name}
    out = []
    for pull in fake.state.pulls.values():
        if pull.state == "open" and fake.git.rev(pull.head_ref) == sha:
            out.append({"url": f"{fake.url}/repos/{fake.state.full_name}/pulls/{pull.number}", "id": 500 + pull.number,
                        "number": pull.number,
                        "head": {"ref": pull.head_ref, "sha": sha, "repo": repo},
                        "base": {"ref": pull.base_ref, "sha": fake.git.rev(pull.base_ref), "repo": repo}})
    return out


