"""Git over HTTP for the stand-in: the test's repository served with git's own smart-HTTP CGI program
(`git http-backend`), the way GitHub serves `https://github.com/OWNER/NAME.git`.

Like GitHub for an App: a request needs `Authorization: Basic base64(x-access-token:TOKEN)` with a live
installation token (401 with a Basic challenge otherwise); only fetches are served (no push); partial
clone filters and fetches of objects by id are allowed, as on GitHub. Git traffic is recorded apart
from REST calls: it does not count against the REST rate limit.
"""

from __future__ import annotations

import base64
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.github_fake.api import Reply

# What GitHub's git servers allow and a repository does not by default.
_UPLOAD_PACK_CONFIG = {
    "uploadpack.allowFilter": "true",
    "uploadpack.allowAnySHA1InWant": "true",
    "uploadpack.allowReachableSHA1InWant": "true",
}
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="GitHub"', "Content-Type": "text/plain"}


@dataclass(frozen=True)
class GitRequest:
    method: str
    path: str  # below OWNER/NAME.git, e.g. /info/refs or /git-upload-pack
    status: int
    bytes_out: int


def token_of(authorization: str) -> str | None:
    """The password of a Basic credential (git sends the token as the password of x-access-token)."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        _, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return password or None


def serve(repo: Path, method: str, rest: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
    """Run git http-backend for one request below OWNER/NAME.git; `rest` starts with '/'."""
    if "receive-pack" in rest or "receive-pack" in query:
        return Reply(403, raw=b"pushing is not served here\n", headers={"Content-Type": "text/plain"})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo),
        "GIT_PROJECT_ROOT": str(repo),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": "/.git" + rest,
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "CONTENT_TYPE": headers.get("content-type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "GIT_PROTOCOL": headers.get("git-protocol", ""),
        "HTTP_CONTENT_ENCODING": headers.get("content-encoding", ""),
        "REMOTE_ADDR": "127.0.0.1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_COUNT": str(len(_UPLOAD_PACK_CONFIG)),
    }
    for i, (key, value) in enumerate(_UPLOAD_PACK_CONFIG.items()):
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    proc = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=120,
                          check=False)
    return _cgi_reply(proc.stdout) if proc.stdout else Reply(500, raw=proc.stderr[-500:] or b"http-backend failed\n",
                                                             headers={"Content-Type": "text/plain"})


def _cgi_reply(out: bytes) -> Reply:
    head, sep, payload = out.partition(b"\r\n\r\n")
    if not sep:
        head, _, payload = out.partition(b"\n\n")
    status = 200
    reply_headers: dict[str, str] = {}
    for line in head.decode("latin-1").splitlines():
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.strip().split()[0])
        elif key:
            reply_headers[key.strip()] = value.strip()
    return Reply(status, raw=payload, headers=reply_headers)


def challenge(message: str) -> Reply:
    return Reply(401, raw=f"{message}\n".encode(), headers=dict(_CHALLENGE))
