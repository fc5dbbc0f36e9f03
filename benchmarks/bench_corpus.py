"""Standard-library-only packages of the mirrored projects, each copied out as a Go module of its own, for
running generated benchmarks on code nobody here wrote (`python -m tests.benchcheck OUT/*`).

A package qualifies when its non-test files import only the standard library (no cgo, no assembly, no
`internal/` of GOROOT, no embedded files) and are all in one package. Its test files come along (they give
the generator arguments and existing benchmarks); when some import other modules, which cannot be
fetched offline, all of them get a build constraint that leaves them out of the build (the generator
still reads them). Nothing is committed: the
copies go to OUT, made at run time from the bare mirrors.

    .venv/bin/python benchmarks/bench_corpus.py --mirrors M --out /tmp/corpus grpc+grpc-go ...
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

_IMPORT_BLOCK = re.compile(rb"^import\s*\(\s*(.*?)^\)", re.MULTILINE | re.DOTALL)
_IMPORT_LINE = re.compile(rb'^import\s+(?:[\w.]+\s+)?"([^"]+)"', re.MULTILINE)
_QUOTED = re.compile(rb'"([^"]+)"')
_PACKAGE = re.compile(rb"^package\s+(\w+)", re.MULTILINE)
_BUILD = re.compile(rb"^//go:build\s+(.*)$", re.MULTILINE)
_SKIP_DIRS = ("testdata", "vendor", "internal/testutil", "examples", "example")


def imports(src: bytes) -> list[str]:
    head = src.split(b"\nfunc ", 1)[0].split(b"\ntype ", 1)[0].split(b"\nvar ", 1)[0]
    out = [m.group(1).decode() for m in _IMPORT_LINE.finditer(head)]
    for block in _IMPORT_BLOCK.finditer(head):
        out += [m.group(1).decode() for m in _QUOTED.finditer(block.group(1))]
    return out


def stdlib_only(paths: Sequence[str]) -> bool:
    for p in paths:
        first = p.split("/", 1)[0]
        if p == "C" or "." in first or p.startswith(("internal/", "vendor/")) or "/internal/" in p:
            return False
    return True


def _ignored(src: bytes) -> bool:
    """`//go:build ignore` (generators, examples run with go run): not part of the package."""
    m = _BUILD.search(src.split(b"\npackage ", 1)[0])
    return m is not None and b"ignore" in m.group(1)


def _never_built(src: bytes) -> bytes:
    """A test file that imports other modules (unreachable offline) is kept for what the generator reads
    in it (calls, table rows, benchmarks) but left out of the build, as if its dependencies were absent."""
    m = _BUILD.search(src.split(b"\npackage ", 1)[0])
    if m is not None:
        return src[: m.start(1)] + b"(" + m.group(1).strip() + b") && perfreview_offline" + src[m.end(1):]
    return b"//go:build perfreview_offline\n\n" + src


# `func init() {`, then indented (or blank) lines of its body only, up to a `flag.Parse()` or an exit of the
# process among them.
_STOPS_IN_INIT = re.compile(rb"^func init\(\) \{\n(?:[ \t][^\n]*\n|\n)*?[ \t]+"
                            rb"(?:flag\.Parse\(\)|os\.Exit\(|log\.Fatal)", re.MULTILINE)


def _stops_the_test_binary(src: bytes) -> bool:
    """A test file whose `init` calls flag.Parse(): since Go 1.13 the testing flags are defined after the
    package's init, so the test binary exits at its first -test. flag ("flag provided but not defined:
    -test.run") before any test or benchmark runs (go-ethereum v1.3's crypto/ecies). Or whose `init` exits
    the process (`os.Exit`, `log.Fatal`) when the environment its tests need is missing: etcd v2.0's
    migrate/functional links $ETCD_V1_BIN into place there, and exits without it, before any benchmark."""
    return _STOPS_IN_INIT.search(src) is not None


def _package(src: bytes) -> bytes | None:
    m = _PACKAGE.search(src)
    return m.group(1) if m else None


# Files that are part of a Go package's build besides its .go files: assembly, cgo's C, prebuilt objects.
_FOREIGN = (".s", ".S", ".c", ".cc", ".cpp", ".syso")
# A package's own data files (certificates, templates it reads from its directory) come along up to this size.
_DATA_MAX = 64 * 1024
_NOT_DATA = ("go.mod", "go.sum", "go.work", "go.work.sum")


def packages(tree: dict[str, bytes]) -> Iterator[tuple[str, dict[str, bytes]]]:
    by_dir: dict[str, dict[str, bytes]] = {}
    data_by_dir: dict[str, dict[str, bytes]] = {}
    foreign: set[str] = set()
    for path, data in tree.items():
        if path.endswith(_FOREIGN):
            foreign.add(path.rpartition("/")[0])
        if not path.endswith(".go"):
            if not path.endswith(_FOREIGN) and path.rpartition("/")[2] not in _NOT_DATA:
                directory, _, name = path.rpartition("/")
                data_by_dir.setdefault(directory, {})[name] = data
            continue
        directory, _, name = path.rpartition("/")
        parts = directory.split("/")
        if any(p in _SKIP_DIRS or p.startswith(("_", ".")) for p in parts) or _ignored(data):
            continue
        by_dir.setdefault(directory, {})[name] = data
    for directory, files in sorted(by_dir.items()):
        if directory in foreign:
            continue  # its assembly (functions declared without a body in Go) or C would be missing
        source = {n: d for n, d in files.items() if not n.endswith("_test.go")}
        if not source:
            continue
        names = {_package(d) for d in source.values()}
        if len(names) != 1 or names == {b"main"} or not all(stdlib_only(imports(d)) for d in source.values()):
            continue
        if any(b"//go:embed" in d for d in source.values()):
            continue  # only Go files are extracted: the embedded ones would be missing
        tests = {n: d for n, d in files.items() if n.endswith("_test.go") and _package(d) is not None}
        if not all(stdlib_only(imports(d)) and not _stops_the_test_binary(d) for d in tests.values()):
            # The offline ones (and those no toolchain since Go 1.13 runs) leave the build; the others may
            # use what those declare: they leave too.
            tests = {n: _never_built(d) for n, d in tests.items()}
        yield directory, {**data_by_dir.get(directory, {}), **source, **tests}


def extract(mirror: Path, rev: str) -> dict[str, bytes]:
    """The Go files of a revision, read blob by blob: mirrors may lack some blobs (large data files, a few
    generated sources), which would fail a whole `git archive`; those files are left out. The assembly, C
    and object files are listed too, empty (only their names matter: `packages` leaves their packages out),
    and the small other files of directories that hold Go files (caddy's caddytest stats its
    caddy.localhost.crt next to its source)."""
    listing = subprocess.run(["git", "-C", str(mirror), "ls-tree", "-r", "-l", "-z", rev], capture_output=True,
                             check=True).stdout.split(b"\0")
    go: list[tuple[str, str]] = []
    other: list[tuple[str, str]] = []
    foreign: list[str] = []
    for entry in listing:
        meta, _, raw = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) != 4 or parts[1] != b"blob":
            continue
        path, sha = raw.decode(errors="replace"), parts[2].decode()
        if path.endswith(".go"):
            go.append((sha, path))
        elif path.endswith(_FOREIGN):
            foreign.append(path)
        elif parts[0] == b"100644" and parts[3].isdigit() and int(parts[3]) <= _DATA_MAX:
            other.append((sha, path))
    go_dirs = {p.rpartition("/")[0] for _, p in go}
    wanted: dict[str, list[str]] = {}
    for sha, path in go + [(s, p) for s, p in other if p.rpartition("/")[0] in go_dirs]:
        wanted.setdefault(sha, []).append(path)
    batch = subprocess.run(["git", "-C", str(mirror), "cat-file", "--batch"], input="\n".join(wanted).encode(),
                           capture_output=True, check=True).stdout
    out: dict[str, bytes] = dict.fromkeys(foreign, b"")
    at = 0
    while at < len(batch):
        end = batch.index(b"\n", at)
        header = batch[at:end].split()
        at = end + 1
        if len(header) != 3:  # "<sha> missing"
            continue
        size = int(header[2])
        for path in wanted[header[0].decode()]:
            out[path] = batch[at:at + size]
        at += size + 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, required=True, help="folder of OWNER+NAME/repo bare clones")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--go", default="1.24", help="go directive of the written go.mod files")
    parser.add_argument("projects", nargs="+", help="OWNER+NAME of the mirrors to take packages from")
    args = parser.parse_args(argv)
    count = 0
    for project in args.projects:
        tree = extract(args.mirrors / project / "repo", args.rev)
        short = project.split("+", 1)[1]
        for directory, files in packages(tree):
            dest = args.out / f"{short}__{directory.replace('/', '__') or 'root'}"
            dest.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (dest / name).write_bytes(data)
            module = f"corpus.example/{short}/{directory}".rstrip("/")
            (dest / "go.mod").write_text(f"module {module}\n\ngo {args.go}\n")
            count += 1
            print(dest)
    print(f"{count} packages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
