"""The stand-in's answers, one method per operation of openapi-subset.json, in GitHub's JSON shapes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.github_fake import api_threads
from tests.github_fake.actions import Actions
from tests.github_fake.gitdata import DiffFile, GitData, hunk_lines
from tests.github_fake.state import Pull, State, iso, user

MAX_COMMENT = 65_536
MAX_CHECK_TEXT = 65_535
MAX_ANNOTATIONS = 50
MAX_PR_FILES = 3_000
MAX_CONTENT_BYTES = 1_000_000


@dataclass
class Ctx:
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    caller: dict[str, Any]  # the user object of whoever is calling
    installation_id: int | None
    base_url: str  # scheme://host:port[/api/v3]
    clone_url: str = ""  # where git clones the repository from (served by githttp)


@dataclass
class Reply:
    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    violation: str | None = None  # a request GitHub would refuse because the bot got it wrong


def not_found(what: str = "Not Found") -> Reply:
    return Reply(404, {"message": what, "documentation_url": "https://docs.github.com/rest"})


def unprocessable(message: str, violation: bool = True) -> Reply:
    body = {"message": "Validation Failed", "errors": [{"code": "custom", "message": message}]}
    return Reply(422, body, violation=message if violation else None)


class Api:
    def __init__(self, state: State, git: GitData) -> None:
        self.s = state
        self.git = git
        self.handlers: dict[str, Callable[[Ctx], Reply]] = {
            "apps/get-authenticated": self.get_app,
            "apps/create-installation-access-token": self.create_token,
            "apps/get-repo-installation": self.repo_installation,
            "pulls/get": self.get_pull,
            "pulls/list-files": self.list_files,
            "pulls/list-commits": self.list_commits,
            "pulls/create-review": self.create_review,
            "pulls/list-reviews": self.list_reviews,
            "pulls/list-review-comments": self.list_review_comments,
            "pulls/create-review-comment": self.create_review_comment,
            "issues/list-comments": self.list_comments,
            "issues/create-comment": self.create_comment,
            "issues/get-comment": self.get_comment,
            "issues/update-comment": self.update_comment,
            "issues/delete-comment": self.delete_comment,
            "reactions/create-for-issue-comment": self.create_reaction,
            "checks/create": self.create_check_run,
            "checks/get": self.get_check_run,
            "checks/update": self.update_check_run,
            "checks/list-for-ref": self.list_check_runs,
            "repos/get-content": self.get_content,
            "git/get-tree": self.get_tree,
            "git/get-blob": self.get_blob,
            "repos/compare-commits": self.compare,
            "repos/get-collaborator-permission-level": self.permission,
            "repos/download-tarball-archive": self.tarball,
            "rate-limit/get": self.rate_limit,
            "repos/get": self.get_repo,
        }
        api_threads.register(self)
        self.actions = Actions(self)
        self.handlers.update(self.actions.handlers())

    # -- helpers ---------------------------------------------------------------------------------

    def repo_url(self, ctx: Ctx) -> str:
        return f"{ctx.base_url}/repos/{self.s.full_name}"

    def repo_json(self, ctx: Ctx) -> dict[str, Any]:
        return {
            "id": 4242, "node_id": "R_4242", "name": self.s.name, "full_name": self.s.full_name,
            "owner": user(self.s.owner, "Organization"), "private": False, "url": self.repo_url(ctx),
            "html_url": f"https://github.test/{self.s.full_name}", "default_branch": self.s.default_branch,
            "clone_url": ctx.clone_url,
            "fork": False, "archived": False, "disabled": False,
        }

    def pull_or_none(self, ctx: Ctx) -> Pull | None:
        return self.s.pulls.get(int(ctx.params.get("pull_number") or ctx.params.get("issue_number") or 0))

    def pull_files(self, pull: Pull) -> list[DiffFile]:
        return self.git.diff(pull.base_ref, pull.head_ref)[:MAX_PR_FILES]

    def paginate(self, ctx: Ctx, path: str, items: list[Any]) -> Reply:
        per_page = max(1, min(100, int(ctx.query.get("per_page", 30))))
        page = max(1, int(ctx.query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        extra = {k: v for k, v in ctx.query.items() if k not in ("page", "per_page")}

        def url(p: int) -> str:
            return f"{ctx.base_url}{path}?{urlencode({**extra, 'per_page': per_page, 'page': p})}"

        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
        return Reply(200, chunk, {"Link": ", ".join(links)} if links else {})

    def _file_json(self, f: DiffFile, ctx: Ctx) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sha": f.blob_sha or "0" * 40, "filename": f.filename, "status": f.status,
            "additions": f.additions, "deletions": f.deletions, "changes": f.additions + f.deletions,
            "blob_url": f"https://github.test/{self.s.full_name}/blob/x/{f.filename}",
            "raw_url": f"https://github.test/{self.s.full_name}/raw/x/{f.filename}",
            "contents_url": f"{self.repo_url(ctx)}/contents/{f.filename}",
        }
        if f.patch is not None:
            out["patch"] = f.patch
        if f.previous_filename:
            out["previous_filename"] = f.previous_filename
        return out

    # -- apps --------------------------------------------------------------------------------------

    def app_json(self) -> dict[str, Any]:
        return {"id": self.s.app_id, "slug": self.s.app_slug, "name": "perf-review",
                "owner": user(self.s.owner, "Organization"), "node_id": "A_1", "description": None,
                "external_url": "https://github.test/apps/perf-review", "html_url": "https://github.test/apps/perf-review",
                "created_at": iso(0), "updated_at": iso(0), "events": [], "permissions": {}}

    def get_app(self, ctx: Ctx) -> Reply:
        return Reply(200, self.app_json())

    def create_token(self, ctx: Ctx) -> Reply:
        if int(ctx.params["installation_id"]) != self.s.installation_id:
            return not_found()
        raise NotImplementedError  # minted by the server, which owns the token store

    def repo_installation(self, ctx: Ctx) -> Reply:
        return Reply(200, {"id": self.s.installation_id, "app_id": self.s.app_id,
                           "account": user(self.s.owner, "Organization"), "target_type": "Organization",
                           "permissions": {}, "events": []})

    # -- pulls -------------------------------------------------------------------------------------

    def get_pull(self, ctx: Ctx) -> Reply:
        pull = self.pull_or_none(ctx)
        if pull is None:
            return not_found()
        head, base = self.git.rev(pull.head_ref), self.git.rev(pull.base_ref)
        files = self.pull_files(pull)
        url = f"{self.repo_url(ctx)}/pulls/{pull.number}"
        return Reply(200, {
            "id": 500 + pull.number, "node_id": f"PR_{pull.number}", "number": pull.number, "url": url,
            "html_url": f"https://github.test/{self.s.full_name}/pull/{pull.number}",
            "state": pull.state, "draft": pull.draft, "title": pull.title, "body": None,
            "user": user(pull.user), "locked": False, "merged": False,
            "head": {"ref": pull.head_ref, "sha": head, "label": f"{self.s.owner}:{pull.head_ref}",
                     "repo": self.repo_json(ctx), "user": user(self.s.owner)},
            "base": {"ref": pull.base_ref, "sha": base, "label": f"{self.s.owner}:{pull.base_ref}",
                     "repo": self.repo_json(ctx), "user": user(self.s.owner)},
            "comments": len(self.s.comments_on(pull.number)),
            "review_comments": len(self.s.review_comments_on(pull.number)),
            "commits": len(self.git.commits(self.git.merge_base(pull.base_ref, pull.head_ref), pull.head_ref)),
            "additions": sum(f.additions for f in files), "deletions": sum(f.deletions for f in files),
            "changed_files": len(self.git.diff(pull.base_ref, pull.head_ref)),
            "created_at": iso(), "updated_at": iso(),
        })

    def list_files(self, ctx: Ctx) -> Reply:
        pull = self.pull_or_none(ctx)
        if pull is None:
            return not_found()
        files = [self._file_json(f, ctx) for f in self.pull_files(pull)]
        return self.paginate(ctx, f"/repos/{self.s.full_name}/pulls/{pull.number}/files", files)

    def list_commits(self, ctx: Ctx) -> Reply:
        pull = self.pull_or_none(ctx)
        if pull is None:
            return not_found()
        commits = self.git.commits(self.git.merge_base(pull.base_ref, pull.head_ref), pull.head_ref)
        return self.paginate(ctx, f"/repos/{self.s.full_name}/pulls/{pull.number}/commits",
                             [_commit_json(c) for c in commits])

    def _comment_problem(self, pull: Pull, c: dict[str, Any]) -> str | None:
        files = {f.filename: f for f in self.pull_files(pull)}
        f = files.get(c["path"])
        if f is None:
            return f"path {c['path']} is not part of the pull request"
        right, left = hunk_lines(f.patch)
        if "line" not in c:
            if "position" in c and f.patch and 1 <= c["position"] <= len(f.patch.splitlines()):
                return None
            return "pull_request_review_thread.line must be part of the diff"
        lines = left if c.get("side") == "LEFT" else right
        start_lines = left if c.get("start_side", c.get("side")) == "LEFT" else right
        if c["line"] not in lines or ("start_line" in c and c["start_line"] not in start_lines):
            return f"pull_request_review_thread.line must be part of the diff ({c['path']}:{c['line']})"
        if len(c["body"]) > MAX_COMMENT:
            return "body is too long (maximum is 65536 characters)"
        return None

    def _store_review_comment(self, ctx: Ctx, pull: Pull, c: dict[str, Any], review_id: int | None,
                              commit: str) -> dict[str, Any]:
        cid = self.s.next_id()
        stored = {
            "id": cid, "node_id": f"PRRC_{cid}", "pull_request_review_id": review_id, "_pull": pull.number,
            "path": c["path"], "line": c.get("line"), "side": c.get("side", "RIGHT"),
            "start_line": c.get("start_line"), "original_line": c.get("line"), "position": c.get("position"),
            "commit_id": commit, "original_commit_id": commit, "body": c["body"], "user": ctx.caller,
            "diff_hunk": "", "created_at": iso(), "updated_at": iso(),
            "url": f"{self.repo_url(ctx)}/pulls/comments/{cid}", "html_url": f"#discussion_r{cid}",
            "pull_request_url": f"{self.repo_url(ctx)}/pulls/{pull.number}",
        }
        self.s.review_comments[cid] = stored
        return stored

    def create_review(self, ctx: Ctx) -> Reply:
        pull = self.pull_or_none(ctx)
        if pull is None:
            return not_found()
        body = ctx.body or {}
        comments = body.get("comments", [])
        if body.get("event") in ("COMMENT", "REQUEST_CHANGES") and not body.get("body") and not comments:
            return unprocessable("body is required for COMMENT and REQUEST_CHANGES reviews")
        if len(body.get("body", "")) > MAX_COMMENT:
            return unprocessable("body is too long (maximum is 65536 characters)")
        for c in comments:
            problem = self._comment_problem(pull, c)
            if problem:
                return Reply(422, {"message": "Unprocessable Entity", "errors": [problem]}, violation=problem)
        rid = self.s.next_id()
        commit = body.get("commit_id") or self.git.rev(pull.head_ref) or ""
        review = {"id": rid, "node_id": f"PRR_{rid}", "user": ctx.caller, "body": body.get("body", ""),
                  "state": "COMMENTED" if body.get("event") == "COMMENT" else body.get("event", "PENDING"),
                  "commit_id": commit, "submitted_at": iso(), "_pull": pull.number,
                  "html_url": f"#pullrequestreview-{rid}", "pull_request_url": f"{self.repo_url(ctx)}/pulls/1",
                  "author_association": "NONE", "_links": {}}
        self.s.reviews[rid] = review
        for c in comments:
            self._store_review_comment(ctx, pull, c, rid, commit)
        return Reply(200, _public(review))

    def list_reviews(self, ctx: Ctx) -> Reply:
        pull = self.pull_or_none(ctx)
        if pull is None:
            return not_found()
        items = [_public(r) for r in self.s.reviews.values() if r["_pull"] == pull.number]
        return self.paginate(ctx, f"/repos/{self.s.full_name}/pulls/{pull.number}/reviews", items)

    def list_review_comments(self, ctx: Ctx) -> Reply:
        pull = self.pull_or_none(ctx)
        if pull is None:
            return not_found()
        items = [_public(c) for c in self.s.review_comments_on(pull.number)]
        return self.paginate(ctx, f"/repos/{self.s.full_name}/pulls/{pull.number}/comments", items)

    def create_review_comment(self, ctx: Ctx) -> Reply:
        pull = self.pull_or_none(ctx)
        if pull is None:
            return not_found()
        problem = self._comment_problem(pull, ctx.body)
        if problem:
            return Reply(422, {"message": "Unprocessable Entity", "errors": [problem]}, violation=problem)
        commit = ctx.body.get("commit_id") or self.git.rev(pull.head_ref) or ""
        return Reply(201, _public(self._store_review_comment(ctx, pull, ctx.body, None, commit)))

    # -- issue comments and reactions --------------------------------------------------------------

    def add_comment(self, number: int, body: str, author: dict[str, Any], base_url: str) -> dict[str, Any]:
        cid = self.s.next_id()
        comment = {"id": cid, "node_id": f"IC_{cid}", "body": body, "user": author, "_issue": number,
                   "created_at": iso(), "updated_at": iso(), "author_association": "NONE",
                   "url": f"{base_url}/repos/{self.s.full_name}/issues/comments/{cid}",
                   "html_url": f"https://github.test/{self.s.full_name}/pull/{number}#issuecomment-{cid}",
                   "issue_url": f"{base_url}/repos/{self.s.full_name}/issues/{number}",
                   "performed_via_github_app": self.app_json() if author["login"] == self.s.bot_login else None}
        self.s.issue_comments[cid] = comment
        return comment

    def list_comments(self, ctx: Ctx) -> Reply:
        number = int(ctx.params["issue_number"])
        if number not in self.s.pulls:
            return not_found()
        items = [_public(c) for c in self.s.comments_on(number)]
        return self.paginate(ctx, f"/repos/{self.s.full_name}/issues/{number}/comments", items)

    def create_comment(self, ctx: Ctx) -> Reply:
        number = int(ctx.params["issue_number"])
        if number not in self.s.pulls:
            return not_found()
        if len(ctx.body["body"]) > MAX_COMMENT:
            return unprocessable("body is too long (maximum is 65536 characters)")
        return Reply(201, _public(self.add_comment(number, ctx.body["body"], ctx.caller, ctx.base_url)))

    def get_comment(self, ctx: Ctx) -> Reply:
        c = self.s.issue_comments.get(int(ctx.params["comment_id"]))
        return Reply(200, _public(c)) if c else not_found()

    def update_comment(self, ctx: Ctx) -> Reply:
        c = self.s.issue_comments.get(int(ctx.params["comment_id"]))
        if c is None:
            return not_found()
        if c["user"]["login"] != ctx.caller["login"]:
            return Reply(403, {"message": "Resource not accessible by integration"},
                         violation=f"edit of comment {c['id']} by {c['user']['login']}")
        if len(ctx.body["body"]) > MAX_COMMENT:
            return unprocessable("body is too long (maximum is 65536 characters)")
        c.update(body=ctx.body["body"], updated_at=iso())
        return Reply(200, _public(c))

    def delete_comment(self, ctx: Ctx) -> Reply:
        return Reply(204) if self.s.issue_comments.pop(int(ctx.params["comment_id"]), None) else not_found()

    def create_reaction(self, ctx: Ctx) -> Reply:
        cid = int(ctx.params["comment_id"])
        if cid not in self.s.issue_comments:
            return not_found()
        for r in self.s.reactions:
            if r["_comment"] == cid and r["content"] == ctx.body["content"] and r["user"] == ctx.caller:
                return Reply(200, _public(r))
        reaction = {"id": self.s.next_id(), "node_id": "REA", "content": ctx.body["content"],
                    "user": ctx.caller, "created_at": iso(), "_comment": cid}
        self.s.reactions.append(reaction)
        return Reply(201, _public(reaction))

    # -- check runs ----------------------------------------------------------------------------------

    def _output_problem(self, output: dict[str, Any] | None) -> str | None:
        if not output:
            return None
        for key in ("summary", "text"):
            if len(output.get(key) or "") > MAX_CHECK_TEXT:
                return f"output.{key} is too long (maximum is 65535 characters)"
        if len(output.get("annotations") or []) > MAX_ANNOTATIONS:
            return f"at most {MAX_ANNOTATIONS} annotations per request"
        return None

    def _apply(self, run: dict[str, Any], body: dict[str, Any]) -> None:
        for key in ("name", "head_sha", "details_url", "external_id", "status", "started_at", "conclusion",
                    "completed_at", "actions"):
            if key in body:
                run[key] = body[key]
        if "conclusion" in body:
            run["status"] = "completed"
            run.setdefault("completed_at", iso())
        output = body.get("output")
        if output:
            run["_annotations"].extend(output.get("annotations") or [])
            run["output"].update({k: v for k, v in output.items() if k in ("title", "summary", "text")})
            run["output"]["annotations_count"] = len(run["_annotations"])
            run["_updates"].append({k: v for k, v in output.items() if k != "annotations"}
                                   | {"annotations": len(output.get("annotations") or [])})

    def create_check_run(self, ctx: Ctx) -> Reply:
        problem = self._output_problem(ctx.body.get("output"))
        if problem:
            return unprocessable(problem)
        rid = self.s.next_id()
        run: dict[str, Any] = {
            "id": rid, "node_id": f"CR_{rid}", "status": "queued", "conclusion": None, "started_at": iso(),
            "completed_at": None, "url": f"{self.repo_url(ctx)}/check-runs/{rid}", "html_url": f"#run-{rid}",
            "details_url": None, "external_id": "", "app": {"id": self.s.app_id, "slug": self.s.app_slug},
            "output": {"title": None, "summary": None, "text": None, "annotations_count": 0,
                       "annotations_url": f"{self.repo_url(ctx)}/check-runs/{rid}/annotations"},
            "check_suite": {"id": 1}, "pull_requests": [], "_annotations": [], "_updates": [], "actions": [],
        }
        self._apply(run, ctx.body)
        self.s.check_runs[rid] = run
        return Reply(201, _public(run))

    def get_check_run(self, ctx: Ctx) -> Reply:
        run = self.s.check_runs.get(int(ctx.params["check_run_id"]))
        return Reply(200, _public(run)) if run else not_found()

    def update_check_run(self, ctx: Ctx) -> Reply:
        run = self.s.check_runs.get(int(ctx.params["check_run_id"]))
        if run is None:
            return not_found()
        problem = self._output_problem(ctx.body.get("output"))
        if problem:
            return unprocessable(problem)
        self._apply(run, ctx.body)
        return Reply(200, _public(run))

    def list_check_runs(self, ctx: Ctx) -> Reply:
        sha = self.git.rev(ctx.params["ref"]) or ctx.params["ref"]
        runs = [r for r in self.s.check_runs.values() if r["head_sha"] == sha]
        if "check_name" in ctx.query:
            runs = [r for r in runs if r["name"] == ctx.query["check_name"]]
        if "status" in ctx.query:
            runs = [r for r in runs if r["status"] == ctx.query["status"]]
        return Reply(200, {"total_count": len(runs), "check_runs": [_public(r) for r in runs]})

    # -- contents and git data -----------------------------------------------------------------------

    def get_content(self, ctx: Ctx) -> Reply:
        ref = ctx.query.get("ref") or self.s.default_branch
        rev = self.git.rev(ref)
        path = ctx.params["path"].strip("/")
        kind = self.git.object_type(rev, path) if rev else None
        if kind == "tree":
            entries = [e for e in self.git.ls_tree(f"{rev}:{path}", False)]
            return Reply(200, [{"type": "dir" if t == "tree" else "file", "name": p, "path": f"{path}/{p}",
                                "sha": sha, "size": 0} for _, t, sha, p in entries])
        data = self.git.show(rev, path) if kind == "blob" and rev else None
        if data is None or rev is None:
            return not_found()
        too_big = len(data) > MAX_CONTENT_BYTES
        return Reply(200, {
            "type": "file", "encoding": "none" if too_big else "base64", "size": len(data),
            "name": path.rsplit("/", 1)[-1], "path": path, "sha": self.git.blob_sha(rev, path),
            "content": "" if too_big else base64.encodebytes(data).decode(),
            "url": f"{self.repo_url(ctx)}/contents/{path}?ref={ref}", "git_url": None, "html_url": None,
            "download_url": None, "_links": {"self": "", "git": None, "html": None},
        })

    def get_tree(self, ctx: Ctx) -> Reply:
        sha = ctx.params["tree_sha"]
        # GitHub: any value of `recursive` (even "0" or "false") asks for the whole tree.
        recursive = "recursive" in ctx.query
        try:
            entries = self.git.ls_tree(sha, recursive)
            tree = self.git.git("rev-parse", f"{sha}^{{tree}}").decode().strip()  # a commit SHA names its tree
        except LookupError:
            return not_found()
        sizes = self.git.blob_sizes(sha) if recursive else {}
        return Reply(200, {"sha": tree, "url": "", "truncated": False, "tree": [
            {"path": p, "mode": m, "type": t, "sha": s, **({"size": sizes[p]} if p in sizes else {})}
            for m, t, s, p in entries]})

    def get_blob(self, ctx: Ctx) -> Reply:
        data = self.git.cat_blob(ctx.params["file_sha"])
        if data is None:
            return not_found()
        return Reply(200, {"sha": ctx.params["file_sha"], "size": len(data), "encoding": "base64",
                           "content": base64.encodebytes(data).decode(), "url": "", "node_id": "B"})

    def compare(self, ctx: Ctx) -> Reply:
        base, _, head = ctx.params["basehead"].partition("...")
        if not self.git.rev(base) or not self.git.rev(head):
            return not_found()
        mb = self.git.merge_base(base, head)
        commits = [_commit_json(c) for c in self.git.commits(mb, head)]
        files = [self._file_json(f, ctx) for f in self.git.diff(base, head)]
        return Reply(200, {"status": "ahead", "ahead_by": len(commits), "behind_by": 0,
                           "total_commits": len(commits), "commits": commits, "files": files,
                           "merge_base_commit": {"sha": mb}, "base_commit": {"sha": self.git.rev(base)},
                           "url": "", "html_url": "", "permalink_url": "", "diff_url": "", "patch_url": ""})

    def permission(self, ctx: Ctx) -> Reply:
        role = self.s.permissions.get(ctx.params["username"], "none")
        legacy = {"maintain": "write", "triage": "read"}.get(role, role)
        return Reply(200, {"permission": legacy, "role_name": role, "user": user(ctx.params["username"])})

    def tarball(self, ctx: Ctx) -> Reply:
        rev = self.git.rev(ctx.params["ref"])
        if rev is None:
            return not_found()
        return Reply(200, raw=self.git.archive(rev), headers={"Content-Type": "application/x-gzip"})

    def rate_limit(self, ctx: Ctx) -> Reply:
        core = {"limit": 5000, "remaining": 4999, "reset": 0, "used": 1}
        return Reply(200, {"resources": {"core": core, "search": core}, "rate": core})

    def get_repo(self, ctx: Ctx) -> Reply:
        return Reply(200, self.repo_json(ctx))


def _commit_json(c: dict[str, str]) -> dict[str, Any]:
    person = {"name": c["name"], "email": c["email"], "date": c["date"]}
    return {"sha": c["sha"], "node_id": f"C_{c['sha'][:7]}", "url": "", "html_url": "", "comments_url": "",
            "commit": {"author": person, "committer": person, "message": c["message"], "url": "",
                       "tree": {"sha": "", "url": ""}, "comment_count": 0},
            "author": None, "committer": None, "parents": []}


def _public(obj: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (obj or {}).items() if not k.startswith("_")}


def dumps(payload: Any) -> bytes:
    return json.dumps(payload).encode()
