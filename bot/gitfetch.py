"""Whole Go packages for the review job, over git instead of the contents API.

The engine needs every Go file of each package a pull request touches, at base and at head (a function
called in a loop from an unchanged file of the same package is hot; types come from other files), and
the go.mod above them. Fetching those file by file would cost a REST call each; over git they cost none
of the REST budget:

- one bare repository per GitHub repository under `<data dir>/git-cache/`, a partial clone
  (`--filter=blob:none`): commits are fetched by SHA at depth 1 with their trees and no file contents;
- sparse to the touched packages: of each commit's tree, only the blobs of the touched package
  directories (and the go.mod files above them) are fetched, in one request;
- authenticated with the installation token as an HTTP header passed through the environment of the git
  process (never in a URL, a config file or a command line: `ps` shows neither);
- a per-repository file lock for jobs running at once (threads or processes); the cache is kept under a
  size cap by evicting the repositories used least recently.

Any failure raises GitError; the caller falls back to the contents API.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import logging
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from analyzers.diff import FileChange
from analyzers.engine import Options, skip_reason
from bot.errors import GitError

log = logging.getLogger(__name__)

DEFAULT_CAP_BYTES = 2 * 1024**3
GIT_TIMEOUT_S = 300.0
MAX_BLOB = 8_000_000  # larger files are listed but not read (the engine skips files over 5 MB)
_SAFE = re.compile(r"[^A-Za-z0-9_.+-]")
_COMMITS_FILE = "perf-review-commits"  # commit SHAs already fetched into this cache repository


@dataclass(frozen=True)
class GitRemote:
    """A repository to fetch from: its clone URL and the installation token that may read it."""

    url: str
    token: str = field(repr=False)

    def auth_env(self) -> dict[str, str]:
        """git's configuration from the environment: the token as an Authorization header, no prompts,
        no credential helpers, no system or user configuration."""
        basic = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
        # No redirects: the header must reach only the host the clone URL names.
        settings = {"http.extraHeader": f"Authorization: Basic {basic}", "credential.helper": "",
                    "protocol.version": "2", "core.askPass": "", "http.followRedirects": "false"}
        env = {"GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
               "GIT_CONFIG_COUNT": str(len(settings))}
        for i, (key, value) in enumerate(settings.items()):
            env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
        return env


def trusted_clone_url(clone_url: str, api_url: str) -> bool:
    """Only hand the token to the host the App talks to: the API host, or github.com for api.github.com."""
    clone, api = urlsplit(clone_url), urlsplit(api_url)
    if clone.scheme not in ("https", "http") or (clone.scheme == "http" and api.scheme != "http"):
        return False
    if clone.username or clone.password or clone.query or clone.fragment:
        return False
    api_host = api.netloc.lower()
    return clone.netloc.lower() in ({api_host, "github.com"} if api_host == "api.github.com" else {api_host})


def go_mod_paths(directories: set[str]) -> set[str]:
    """The go.mod paths that may govern the given package directories: one in each directory above them."""
    out = set()
    for d in directories:
        parts = d.split("/") if d else []
        for i in range(len(parts) + 1):
            out.add("/".join([*parts[:i], "go.mod"]))
    return out


def change_dirs(changes: Sequence[FileChange], options: Options) -> tuple[set[str], set[str]]:
    """The package directories a change touches at head and at base (as `perf-review analyze --repo`
    reads them), leaving out directories whose changed files the review skips by path (vendor/, …)."""
    head: set[str] = set()
    base: set[str] = set()
    for c in changes:
        if c.status != "removed" and skip_reason(c.path, b"", options) is None:
            head.add(posixpath.dirname(c.path))
        if c.status != "added" and skip_reason(c.base_path, b"", options) is None:
            base.add(posixpath.dirname(c.base_path))
    return head, base


class GitCache:
    """Bare partial clones under `root`, at most `cap_bytes` in all."""

    def __init__(self, root: Path, cap_bytes: int = DEFAULT_CAP_BYTES, timeout: float = GIT_TIMEOUT_S) -> None:
        self.root = root
        self.cap_bytes = cap_bytes
        self.timeout = timeout

    def packages(self, remote: GitRemote, key: str,
                 wanted: Mapping[str, set[str]]) -> dict[str, dict[str, bytes | None]]:
        """For each commit SHA in `wanted`: the Go files directly in the given package directories and the
        go.mod files above them, by repository path (None: larger than MAX_BLOB)."""
        self.root.mkdir(parents=True, exist_ok=True)
        repo = self.root / (_SAFE.sub("_", key.replace("/", "+")) + ".git")
        with _locked(repo.with_suffix(".lock")):
            self._ensure(repo, remote)
            self._fetch_commits(repo, remote, [sha for sha in wanted if sha])
            listing = {sha: self._select(repo, remote, sha, dirs) for sha, dirs in wanted.items() if sha}
            needed = {oid for files in listing.values() for oid in files.values()}
            self._fetch_blobs(repo, remote, needed, list(listing))
            contents = self._read(repo, remote, needed)
            os.utime(repo)  # last use, for eviction
        self._evict(keep=repo)
        return {sha: {path: contents.get(oid) for path, oid in files.items()} for sha, files in listing.items()}

    # -- git ---------------------------------------------------------------------------------------

    def _git(self, repo: Path, remote: GitRemote, *args: str, stdin: bytes | None = None) -> bytes:
        env = {**_base_env(), **remote.auth_env()}
        try:
            proc = subprocess.run(["git", "--git-dir", str(repo), *args], input=stdin, env=env, capture_output=True,
                                  timeout=self.timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git {args[0]} failed: {type(exc).__name__}") from None
        if proc.returncode != 0:
            lines = [ln for ln in proc.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
            raise GitError(f"git {args[0]}: {_redact(lines[-1] if lines else 'failed', remote.token)}")
        return proc.stdout

    def _ensure(self, repo: Path, remote: GitRemote) -> None:
        if not (repo / "HEAD").exists():
            shutil.rmtree(repo, ignore_errors=True)
            repo.mkdir(parents=True)
            self._git(repo, remote, "init", "--quiet", "--bare")
        for name, value in (("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                            ("remote.origin.url", remote.url), ("remote.origin.promisor", "true"),
                            ("remote.origin.partialclonefilter", "blob:none"), ("gc.auto", "0")):
            self._git(repo, remote, "config", name, value)

    def _fetch_commits(self, repo: Path, remote: GitRemote, shas: list[str]) -> None:
        record = repo / _COMMITS_FILE
        have = set(record.read_text().split()) if record.exists() else set()
        missing = [sha for sha in dict.fromkeys(shas) if sha not in have]
        if not missing:
            return
        self._git(repo, remote, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--depth=1",
                  "--filter=blob:none", "origin", *missing)
        with record.open("a") as f:
            f.write("".join(f"{sha}\n" for sha in missing))

    def _select(self, repo: Path, remote: GitRemote, sha: str, dirs: set[str]) -> dict[str, str]:
        """path -> blob id of the Go files in dirs and the go.mod files above them (trees are local)."""
        go_mods = go_mod_paths(dirs)
        out: dict[str, str] = {}
        for entry in self._git(repo, remote, "ls-tree", "-r", "-z", sha).split(b"\0"):
            meta, _, raw_path = entry.partition(b"\t")
            parts = meta.split()
            if len(parts) != 3 or parts[1] != b"blob":
                continue
            path = raw_path.decode("utf-8", "replace")
            if path in go_mods or (path.endswith(".go") and posixpath.dirname(path) in dirs):
                out[path] = parts[2].decode()
        return out

    def _fetch_blobs(self, repo: Path, remote: GitRemote, oids: set[str], shas: list[str]) -> None:
        """One request for every needed blob not in the cache yet (listing what is missing reads only
        local trees: `--missing=print` never fetches)."""
        if not oids:
            return
        out = self._git(repo, remote, "rev-list", "--objects", "--missing=print", "--no-object-names", "--no-walk",
                        *shas)
        missing = sorted(oids & {ln[1:] for ln in out.decode().splitlines() if ln.startswith("?")})
        if missing:
            self._git(repo, remote, "-c", "fetch.negotiationAlgorithm=noop", "fetch", "--quiet", "--no-tags",
                      "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin", "origin",
                      stdin="".join(f"{oid}\n" for oid in missing).encode())

    def _read(self, repo: Path, remote: GitRemote, oids: set[str]) -> dict[str, bytes | None]:
        if not oids:
            return {}
        order = sorted(oids)
        sizes = self._git(repo, remote, "cat-file", "--batch-check", stdin="".join(f"{o}\n" for o in order).encode())
        small = []
        out: dict[str, bytes | None] = {}
        for line in sizes.decode().splitlines():
            oid, kind, size = [*line.split(), "", ""][:3]
            if kind == "blob" and size.isdigit() and int(size) <= MAX_BLOB:
                small.append(oid)
            else:
                out[oid] = None
        data = self._git(repo, remote, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in small).encode())
        pos = 0
        while pos < len(data):
            end = data.index(b"\n", pos)
            header = data[pos:end].decode().split()
            if len(header) != 3:  # "<oid> missing": the read fails; the engine reports it as unreadable
                out[header[0]] = None
                pos = end + 1
                continue
            length = int(header[2])
            out[header[0]] = data[end + 1 : end + 1 + length]
            pos = end + 1 + length + 1
        return out

    # -- the size cap ---------------------------------------------------------------------------------

    def _evict(self, keep: Path) -> None:
        """Remove the least recently used repositories until the cache fits its cap; `keep` (just used)
        goes last, and a repository another job holds is skipped."""
        repos = [p for p in self.root.iterdir() if p.suffix == ".git" and p.is_dir()]
        sizes = {p: _size(p) for p in repos}
        total = sum(sizes.values())
        for repo in sorted(repos, key=lambda p: (p == keep, p.stat().st_mtime)):
            if total <= self.cap_bytes:
                break
            with _locked(repo.with_suffix(".lock"), wait=False) as held:
                if not held:
                    continue
                shutil.rmtree(repo, ignore_errors=True)
                total -= sizes[repo]
                log.info("git cache: evicted", extra={"repository": repo.name, "bytes": sizes[repo]})


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY",
            "NO_PROXY", "https_proxy", "http_proxy", "no_proxy")
    return {k: os.environ[k] for k in keep if k in os.environ}


def _redact(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text


def _size(path: Path) -> int:
    total = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


@contextlib.contextmanager
def _locked(path: Path, wait: bool = True) -> Iterator[bool]:
    """An exclusive lock on a file beside the repository (flock: released if the process dies)."""
    with path.open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
