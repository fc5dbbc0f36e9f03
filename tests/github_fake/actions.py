"""The stand-in's GitHub Actions artifacts: workflow runs with artifacts (list, download), the pull
requests of a commit, and the artifact storage GitHub redirects downloads to.

Like GitHub, a download answers 302 with a short-lived, pre-signed storage URL; the storage (a path
outside the API, on the same loopback server) serves the bytes and records a violation when a request
carries an Authorization header (a client that follows the redirect with its token leaks it to storage).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.github_fake.state import iso

if TYPE_CHECKING:
    from tests.github_fake.api import Api, Ctx, Reply

STORAGE_PREFIX = "/_artifact-storage/"
URL_LIFETIME_S = 60.0  # GitHub: "This URL expires after 1 minute"


@dataclass
class Artifact:
    id: int
    run_id: int
    name: str
    data: bytes
    head_sha: str
    listed_size: int | None = None  # what the listing claims (a liar's artifact differs from len(data))
    expired: bool = False


@dataclass
class Grant:
    artifact_id: int
    expires_at: float


class Actions:
    """Artifacts by id, runs known by id, and the signed storage URLs handed out."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.artifacts: dict[int, Artifact] = {}
        self.runs: set[int] = set()
        self.grants: dict[str, Grant] = {}
        self.downloads: list[tuple[int, int]] = []  # (artifact id, bytes served)
        self.storage_violations: list[str] = []

    def handlers(self) -> dict[str, Callable[[Ctx], Reply]]:
        return {
            "actions/list-workflow-run-artifacts": self.list_artifacts,
            "actions/download-artifact": self.download,
            "repos/list-pull-requests-associated-with-commit": self.pulls_for_commit,
        }

    def add(self, run_id: int, name: str, data: bytes, head_sha: str, **kw: Any) -> int:
        artifact = Artifact(self.api.s.next_id(), run_id, name, data, head_sha, **kw)
        self.artifacts[artifact.id] = artifact
        self.runs.add(run_id)
        return artifact.id

    def _json(self, a: Artifact, ctx: Ctx) -> dict[str, Any]:
        url = f"{self.api.repo_url(ctx)}/actions/artifacts/{a.id}"
        return {"id": a.id, "node_id": f"MDg6QXJ0aWZhY3Q{a.id}", "name": a.name,
                "size_in_bytes": a.listed_size if a.listed_size is not None else len(a.data), "url": url,
                "archive_download_url": f"{url}/zip", "expired": a.expired, "created_at": iso(),
                "expires_at": iso(time.time() + 90 * 86400), "updated_at": iso(),
                "workflow_run": {"id": a.run_id, "repository_id": 4242, "head_repository_id": 4242,
                                 "head_branch": "feature", "head_sha": a.head_sha}}

    def list_artifacts(self, ctx: Ctx) -> Reply:
        from tests.github_fake.api import Reply, not_found

        run_id = int(ctx.params["run_id"])
        if run_id not in self.runs:
            return not_found()
        items = [self._json(a, ctx) for a in self.artifacts.values() if a.run_id == run_id]
        page = self.api.paginate(ctx, f"/repos/{self.api.s.full_name}/actions/runs/{run_id}/artifacts", items)
        return Reply(200, {"total_count": len(items), "artifacts": page.payload}, page.headers)

    def download(self, ctx: Ctx) -> Reply:
        from tests.github_fake.api import Reply, not_found

        if ctx.params["archive_format"] != "zip":
            return not_found()
        a = self.artifacts.get(int(ctx.params["artifact_id"]))
        if a is None:
            return not_found()
        if a.expired:
            return Reply(410, {"message": "Artifact has expired"})
        token = secrets.token_urlsafe(16)
        self.grants[token] = Grant(a.id, time.time() + URL_LIFETIME_S)
        host = ctx.base_url.split("/", 3)
        storage = f"{host[0]}//{host[2]}{STORAGE_PREFIX}{a.id}?sig={token}"
        return Reply(302, None, {"Location": storage})

    def pulls_for_commit(self, ctx: Ctx) -> Reply:

        sha = ctx.params["commit_sha"]
        items = []
        for pull in self.api.s.pulls.values():
            head = self.api.git.rev(pull.head_ref)
            if head == sha:
                items.append({"id": 500 + pull.number, "number": pull.number, "state": pull.state,
                              "url": f"{self.api.repo_url(ctx)}/pulls/{pull.number}",
                              "head": {"sha": head, "ref": pull.head_ref, "label": pull.head_ref,
                                       "repo": self.api.repo_json(ctx), "user": None},
                              "base": {"sha": self.api.git.rev(pull.base_ref), "ref": pull.base_ref,
                                       "label": pull.base_ref, "repo": self.api.repo_json(ctx), "user": None}})
        return self.api.paginate(ctx, f"/repos/{self.api.s.full_name}/commits/{sha}/pulls", items)

    def storage(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes]:
        """The storage host: bytes for a valid, unexpired signature; never a token."""
        if "authorization" in headers:
            self.storage_violations.append(f"GET {path}: the Authorization header was sent to artifact storage")
        grant = self.grants.get(query.get("sig", ""))
        artifact_id = path.removeprefix(STORAGE_PREFIX)
        if grant is None or str(grant.artifact_id) != artifact_id or grant.expires_at < time.time():
            return 403, b"<Error><Code>AuthenticationFailed</Code></Error>"
        data = self.artifacts[grant.artifact_id].data
        self.downloads.append((grant.artifact_id, len(data)))
        return 200, data
