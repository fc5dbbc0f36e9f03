"""Where the CLI finds the source of packages other than the ones it analyses, for their types: the
module's own packages and `vendor/` on disk (or in git, for `analyze --repo`), and the module cache
(`go env GOMODCACHE`) for the versions go.mod requires. Read lazily, one package directory per
import path the engine asks about, and never more than MAX_PACKAGE_BYTES of one package.

The App never uses this module: it has no module cache, and reads only what the pull request's
files and their vendored packages give it (analyzers/sources.py).
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from analyzers.extern import SourceProvider
from analyzers.sources import module_path, package_dirs

log = logging.getLogger(__name__)

MAX_PACKAGE_BYTES = 4_000_000
_REQUIRE_LINE = re.compile(r"^\s*(?:require\s+)?([^\s()]+)\s+(v\S+)")
_REPLACE_LINE = re.compile(r"^\s*(?:replace\s+)?(\S+)(?:\s+v\S+)?\s+=>\s+(\S+)(?:\s+(v\S+))?")


def _read_dir(directory: Path) -> list[tuple[str, bytes]] | None:
    """The non-test .go files of one directory (not its subdirectories), within the byte limit."""
    try:
        names = sorted(e.name for e in os.scandir(directory) if e.is_file() and e.name.endswith(".go"))
    except OSError:
        return None
    out: list[tuple[str, bytes]] = []
    total = 0
    for name in names:
        if name.endswith("_test.go"):
            continue
        try:
            src = (directory / name).read_bytes()
        except OSError:
            continue
        total += len(src)
        if total > MAX_PACKAGE_BYTES:
            break
        out.append((name, src))
    return out or None


@dataclass
class DirSource:
    """The packages of a module on disk (`root` holds its go.mod), vendored ones included."""

    root: Path
    module: str

    def package_files(self, import_path: str) -> Sequence[tuple[str, bytes]] | None:
        for rel in package_dirs("", self.module, import_path):
            found = _read_dir(self.root / rel) if rel else _read_dir(self.root)
            if found:
                return found
        return None


@dataclass
class GitSource:
    """The packages of a module at one revision of a git repository (`analyze --repo`)."""

    read_dir: Callable[[str], list[tuple[str, bytes]]]  # directory in the repository -> its .go files
    root: str  # the module's directory in the repository ("" at the top)
    module: str

    def package_files(self, import_path: str) -> Sequence[tuple[str, bytes]] | None:
        for rel in package_dirs(self.root, self.module, import_path):
            found = [(n, s) for n, s in self.read_dir(rel) if not n.endswith("_test.go")]
            if found:
                return found
        return None


@dataclass
class Requirements:
    """What a go.mod requires and replaces."""

    requires: dict[str, str] = field(default_factory=dict)  # module path -> version
    replaces: dict[str, tuple[str, str]] = field(default_factory=dict)  # module -> (path or module, version)

    @classmethod
    def parse(cls, go_mod: bytes) -> Requirements:
        out = cls()
        block = ""
        for raw in go_mod.decode("utf-8", "replace").splitlines():
            line = raw.split("//", 1)[0].strip()
            if not line:
                continue
            if line.endswith("(") and line.split()[0] in ("require", "replace", "exclude", "retract", "tool"):
                block = line.split()[0]
                continue
            if line == ")":
                block = ""
                continue
            kind = block or line.split()[0]
            if kind == "require":
                m = _REQUIRE_LINE.match(line)
                if m:
                    out.requires[m.group(1)] = m.group(2)
            elif kind == "replace":
                m = _REPLACE_LINE.match(line)
                if m:
                    out.replaces[m.group(1)] = (m.group(2), m.group(3) or "")
        return out


def escape_module_path(path: str) -> str:
    """The module cache's case encoding: every upper-case letter becomes '!' and its lower case."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


@cache
def module_cache_dir() -> Path | None:
    """GOMODCACHE as the go command would use it (the environment, then `go env`), if it exists."""
    env = os.environ.get("GOMODCACHE")
    candidates: list[str] = [env] if env else []
    if not env:
        go = shutil.which("go")
        if go is not None:
            try:
                proc = subprocess.run([go, "env", "GOMODCACHE"], capture_output=True, text=True, timeout=10,
                                      check=False)
                if proc.returncode == 0 and proc.stdout.strip():
                    candidates.append(proc.stdout.strip())
            except (OSError, subprocess.TimeoutExpired):
                pass
        gopath = os.environ.get("GOPATH", "").split(os.pathsep)[0] or str(Path.home() / "go")
        candidates.append(str(Path(gopath) / "pkg" / "mod"))
    for c in candidates:
        if Path(c).is_dir():
            return Path(c)
    return None


@dataclass
class ModuleCache:
    """Packages of the modules a go.mod requires, at the required versions, from the module cache."""

    requirements: Requirements
    go_mod_dir: Path | None = None  # where relative `replace ... => ../dir` paths start (None: not on disk)
    cache_dir: Callable[[], Path | None] = module_cache_dir

    def package_files(self, import_path: str) -> Sequence[tuple[str, bytes]] | None:
        reqs = self.requirements
        best = max((m for m in reqs.requires if import_path == m or import_path.startswith(m + "/")),
                   key=len, default="")
        if not best:
            return None
        rel = import_path[len(best):].lstrip("/")
        target, version = best, reqs.requires[best]
        if best in reqs.replaces:
            target, replaced_version = reqs.replaces[best]
            if target.startswith((".", "/")):
                if self.go_mod_dir is None:
                    return None
                return _read_dir((self.go_mod_dir / target / rel).resolve())
            version = replaced_version or version
        root = self.cache_dir()
        if root is None:
            return None
        return _read_dir(root / f"{escape_module_path(target)}@{escape_module_path(version)}" / rel)


def disk_sources(roots: Sequence[Path]) -> list[SourceProvider]:
    """Providers for `analyze PATH...`: each root's enclosing module on disk, then its module cache."""
    out: list[SourceProvider] = []
    seen: set[Path] = set()
    for root in roots:
        go_mod = _enclosing_go_mod(root)
        if go_mod is None or go_mod in seen:
            continue
        seen.add(go_mod)
        try:
            content = go_mod.read_bytes()
        except OSError:
            continue
        mod = module_path(content)
        if mod:
            out.append(DirSource(go_mod.parent, mod))
        out.append(ModuleCache(Requirements.parse(content), go_mod.parent))
    return out


def git_sources(read_dir: Callable[[str], list[tuple[str, bytes]]],
                go_mods: dict[str, bytes | None]) -> list[SourceProvider]:
    """Providers for `analyze --repo` at one revision: the repository's modules in git, then the
    module cache for what their go.mod files require."""
    out: list[SourceProvider] = []
    for path, content in sorted(go_mods.items(), key=lambda kv: -len(kv[0])):
        if content is None or posixpath.basename(path) != "go.mod":
            continue
        mod = module_path(content)
        if mod:
            out.append(GitSource(read_dir, posixpath.dirname(path), mod))
        out.append(ModuleCache(Requirements.parse(content)))
    return out


def _enclosing_go_mod(start: Path) -> Path | None:
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in [current, *current.parents]:
        candidate = directory / "go.mod"
        if candidate.is_file():
            return candidate
    return None
