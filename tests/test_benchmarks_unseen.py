"""The failures of generated benchmarks on the fifth set not tuned on (benchmarks/set5.txt), each with its
near miss: a file mode declared from an untyped constant (an int: the file did not compile), an unlock of a
mutex the function did not lock (a fatal error no recover catches), a receiver field found nil because a
later local of the receiver's name hid it, and an http.FileSystem nobody could build."""

from __future__ import annotations

from pathlib import Path

from analyzers.report.benchmarks import BENCH_FILE
from tests.test_benchmarks_compile import compile_tests, write_benchmarks
from tests.test_benchmarks_inputs import body, line_of, plan

MODES = """package p

import (
	"io/fs"
	"os"
)

type GitOS struct{}

func (g GitOS) Mkdir(name string, perm os.FileMode) error { return os.Mkdir(name, perm) }

func Chmod(name string, mode fs.FileMode) error { return os.Chmod(name, mode) }
"""


def test_a_file_mode_parameter_is_a_file_mode(tmp_path: Path, go_cache: Path) -> None:
    """caddy v0.7's gitos: `perm := 0o644` is an int, and `g.Mkdir(name, perm)` wants an os.FileMode: the
    package's benchmark file did not compile, so all 12 of its benchmarks failed."""
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.24\n")
    (tmp_path / "p.go").write_text(MODES)
    assert write_benchmarks(tmp_path) >= 2
    code = (tmp_path / BENCH_FILE).read_text()
    assert "perm := os.FileMode(0o644)" in code and "mode := fs.FileMode(0o644)" in code
    compile_tests(tmp_path, go_cache)


MUX = """package p

import "sync"

type sub struct {
	mux  *TypeMux
	name string
}

type TypeMux struct {
	mutex sync.RWMutex
	subs  []*sub
}

func (mux *TypeMux) del(s *sub) {
	mux.mutex.Lock()
	for i, v := range mux.subs {
		if v == s {
			mux.subs = append(mux.subs[:i], mux.subs[i+1:]...)
		}
	}
	s.mux.mutex.Unlock()
}

func (mux *TypeMux) unlockedNames() []string {
	var names []string
	for _, s := range mux.subs {
		names = append(names, s.name)
	}
	mux.mutex.Unlock()
	return names
}

func (mux *TypeMux) Names() []string {
	mux.mutex.RLock()
	defer mux.mutex.RUnlock()
	var names []string
	for _, s := range mux.subs {
		names = append(names, s.name)
	}
	return names
}

func (mux *TypeMux) lockSubs() { mux.mutex.Lock() }

func (mux *TypeMux) Drop() int {
	mux.lockSubs()
	n := len(mux.subs)
	mux.subs = nil
	mux.mutex.Unlock()
	return n
}
"""


def test_an_unlock_of_a_mutex_the_function_did_not_lock_is_skipped() -> None:
    """go-ethereum v1.4's `TypeMux.del` locks `mux.mutex` and unlocks `s.mux.mutex`: the same mutex only when
    the argument's mux is the receiver, which its callers line up. A generated `s` has another mux, and
    "sync: Unlock of unlocked RWMutex" is a fatal error: it ended the benchmark binary. Near misses: a
    lock then its deferred unlock, and a lock taken through a helper of the package."""
    funcs = ["TypeMux.del", "TypeMux.unlockedNames", "TypeMux.Names", "TypeMux.Drop"]
    lines = {"TypeMux.del": [line_of(MUX, "mux.subs = append")], "TypeMux.Names": [line_of(MUX, "names = append")]}
    planned, _ = plan({"p.go": MUX}, funcs, lines)
    reason = planned["TypeMux.del"].skip_reason
    assert reason is not None and reason.startswith(
        f"unlocks s.mux.mutex (line {line_of(MUX, 's.mux.mutex.Unlock()')}), which it did not lock"), reason
    reason = planned["TypeMux.unlockedNames"].skip_reason
    assert reason is not None and "unlocks mux.mutex" in reason
    assert planned["TypeMux.Names"].skip_reason is None
    assert planned["TypeMux.Drop"].skip_reason is None


FILES = """package p

import (
	"net/http"
	"os"
)

type FileServer struct {
	Root http.FileSystem
	Hide []string
}

func (fs FileServer) isHidden(d os.FileInfo) bool {
	for _, hiddenPath := range fs.Hide {
		if hFile, err := fs.Root.Open(hiddenPath); err == nil {
			fs, _ := hFile.Stat()
			hFile.Close()
			if os.SameFile(d, fs) {
				return true
			}
		}
	}
	return false
}

func (fs FileServer) Serve(name string) int {
	f, err := fs.Root.Open(name)
	if err != nil {
		return http.StatusNotFound
	}
	defer f.Close()
	return http.StatusOK
}
"""


def test_a_receiver_field_is_read_where_it_is_used_not_where_a_later_local_hides_it() -> None:
    """caddy v0.9's `FileServer.isHidden` calls `fs.Root.Open` and then declares a local `fs`: the field's
    type was looked up on the local, found unknown, and `fs.Root` was left a nil http.FileSystem (a nil
    dereference, as in ServeHTTP, which reaches it through serveFile). The field now gets an in-memory
    file system (http.FS over a testing/fstest.MapFS)."""
    planned, code = plan({"p.go": FILES}, ["FileServer.isHidden", "FileServer.Serve"],
                         {"FileServer.isHidden": [line_of(FILES, "fs.Root.Open(hiddenPath)")]})
    assert planned["FileServer.isHidden"].skip_reason is None
    helper = code[code.index("func perfReviewFileServer(i int) FileServer {"):]
    helper = helper[: helper.index("\n}\n")]
    assert "Root: http.FS(fstest.MapFS{" in helper, helper
    assert "fs.isHidden(d)" in body(code, "BenchmarkFileServer_isHidden")


SHADOWED = """package p

type Opener interface {
	Open(name string) (Opener, error)
	Name() string
}

type Server struct {
	Root Opener
	Hide []string
}

func (s Server) hidden(name string) bool {
	for _, h := range s.Hide {
		if f, err := s.Root.Open(h); err == nil {
			s := f.Name()
			if s == name {
				return true
			}
		}
	}
	return false
}
"""


def test_a_field_no_value_can_fill_skips_even_when_a_later_local_hides_the_receiver() -> None:
    """The same shadowing with an interface nothing in the package implements: before, the field's type was
    read off the later local `s`, the benchmark was generated with `s.Root` nil and panicked; now it skips,
    naming the field."""
    planned, _ = plan({"p.go": SHADOWED}, ["Server.hidden"],
                      {"Server.hidden": [line_of(SHADOWED, "s.Root.Open(h)")]})
    reason = planned["Server.hidden"].skip_reason
    assert reason is not None and reason.startswith("s.Root needs a usable Opener"), reason
