"""Other packages' source among the files a caller handed in: packages of the same module (found
through go.mod's `module` line) and vendored packages (`vendor/<import path>/`). No I/O: the App
and the CLI hand the engine their files; the CLI adds a provider that reads the disk (bot/gosrc.py).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence

_MODULE = re.compile(rb"^module\s+(\S+)", re.MULTILINE)


def module_path(go_mod: bytes) -> str:
    m = _MODULE.search(go_mod)
    return m.group(1).decode("utf-8", "replace").strip('"') if m else ""


class FilesSource:
    """Package files looked up by import path in a {path: content} mapping."""

    def __init__(self, files: Mapping[str, bytes | None]) -> None:
        self.files = files
        self._by_dir: dict[str, list[str]] | None = None
        self._modules: list[tuple[str, str]] | None = None  # (module root dir, module path)

    def _index(self) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
        if self._by_dir is None or self._modules is None:
            by_dir: dict[str, list[str]] = {}
            modules: list[tuple[str, str]] = []
            for path, src in self.files.items():
                if path.endswith(".go"):
                    by_dir.setdefault(posixpath.dirname(path), []).append(path)
                elif posixpath.basename(path) == "go.mod" and src is not None:
                    mod = module_path(src)
                    if mod:
                        modules.append((posixpath.dirname(path), mod))
            # The innermost module first: a nested module owns its subtree.
            modules.sort(key=lambda m: -len(m[0]))
            self._by_dir, self._modules = by_dir, modules
        return self._by_dir, self._modules

    def package_files(self, import_path: str) -> Sequence[tuple[str, bytes]] | None:
        by_dir, modules = self._index()
        for root, mod in modules:
            for directory in package_dirs(root, mod, import_path):
                found = [(posixpath.basename(p), src) for p in sorted(by_dir.get(directory, ()))
                         if (src := self.files[p]) is not None]
                if found:
                    return found
        return None


def package_dirs(root: str, module: str, import_path: str) -> list[str]:
    """Where a module rooted at `root` keeps `import_path`: its own package, or a vendored one."""
    out = []
    if import_path == module or import_path.startswith(module + "/"):
        rel = import_path[len(module):].lstrip("/")
        out.append(posixpath.join(root, rel) if rel else root)
    out.append(posixpath.join(root, "vendor", import_path))
    return [posixpath.normpath(d) if d else d for d in out]
