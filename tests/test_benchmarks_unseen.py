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

func (mux *TypeMux) TryNames() []string {
	if !mux.mutex.TryLock() {
		return nil
	}
	defer mux.mutex.Unlock()
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
    lock then its deferred unlock, a TryLock that succeeded, and a lock taken through a helper of the package."""
    funcs = ["TypeMux.del", "TypeMux.unlockedNames", "TypeMux.Names", "TypeMux.Drop", "TypeMux.TryNames"]
    lines = {"TypeMux.del": [line_of(MUX, "mux.subs = append")], "TypeMux.Names": [line_of(MUX, "names = append")]}
    planned, _ = plan({"p.go": MUX}, funcs, lines)
    reason = planned["TypeMux.del"].skip_reason
    assert reason is not None and reason.startswith(
        f"unlocks s.mux.mutex (line {line_of(MUX, 's.mux.mutex.Unlock()')}), which it did not lock"), reason
    reason = planned["TypeMux.unlockedNames"].skip_reason
    assert reason is not None and "unlocks mux.mutex" in reason
    assert planned["TypeMux.Names"].skip_reason is None
    assert planned["TypeMux.Drop"].skip_reason is None
    assert planned["TypeMux.TryNames"].skip_reason is None  # minio's ringbuffer: TryLock, then a deferred unlock


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


NETLIST = """package p

import (
	"net"
	"strings"
)

type Netlist []net.IPNet

func ParseNetlist(s string) (*Netlist, error) {
	ws := strings.NewReplacer(" ", "", "\\n", "", "\\t", "")
	masks := strings.Split(ws.Replace(s), ",")
	l := make(Netlist, 0)
	for _, mask := range masks {
		if mask == "" {
			continue
		}
		_, n, err := net.ParseCIDR(mask)
		if err != nil {
			return nil, err
		}
		l = append(l, *n)
	}
	return &l, nil
}
"""


def test_a_string_a_replacer_cleans_before_it_is_split_and_parsed_is_a_list_of_what_is_parsed() -> None:
    """go-ethereum's p2p/netutil.ParseNetlist strips blanks with a strings.Replacer, splits on commas and
    parses each part as a CIDR: `ws.Replace(s)` hid s from what follows, and the benchmark passed a key
    ParseCIDR rejects (or the tests' first row, ""), so the flagged append never ran."""
    planned, code = plan({"net.go": NETLIST}, ["ParseNetlist"], {"ParseNetlist": [line_of(NETLIST, "l = append")]})
    assert planned["ParseNetlist"].scales == ("s",)
    assert 's := strings.TrimSuffix(strings.Repeat("10.0.0.0/8"+",", n), ",")' in body(code, "BenchmarkParseNetlist")


LISTING = """package p

import (
	"os"
	"sort"
)

func ReadDirNames(dirname string) ([]string, error) {
	f, err := os.Open(dirname)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	infos, err := f.Readdir(-1)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, info := range infos {
		names = append(names, info.Name())
	}
	sort.Strings(names)
	return names, nil
}

func Count(dirname string) (int, error) {
	entries, err := os.ReadDir(dirname)
	n := 0
	for _, e := range entries {
		n += len(e.Name())
	}
	return n, err
}

func Size(name string) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
"""


def test_a_directory_the_code_lists_exists_and_holds_files() -> None:
    """minio's ioutils: `f, _ := os.Open(dirname)` then `f.Readdir(-1)`: dirname got a file (os.Open reads
    files), Readdir failed, and the flagged append over the entries never ran; os.ReadDir got an empty
    directory, where the loop does not run either. Near miss: a file opened to be read stays a file."""
    funcs = ["ReadDirNames", "Count", "Size"]
    _, code = plan({"p.go": LISTING}, funcs, {"ReadDirNames": [line_of(LISTING, "names = append")],
                                              "Count": [line_of(LISTING, "n += len")]})
    for name in ("BenchmarkReadDirNames", "BenchmarkCount"):
        made = body(code, name)
        assert "dir := b.TempDir()" in made and "os.WriteFile(filepath.Join(dir, perfReviewKey(i))" in made, made
        assert "dirname := dir" in made, made
    size = body(code, "BenchmarkSize")
    assert 'filepath.Join(b.TempDir(), "perf-review.dat")' in size and "perfReviewKey(i)" not in size, size


LEVELS = """package p

import (
	"runtime"
	"strings"
)

type logging struct {
	vmap    map[uintptr]int
	modules []string
}

func (l *logging) setV(pc uintptr) int {
	fn := runtime.FuncForPC(pc)
	file, _ := fn.FileLine(pc)
	for i, m := range l.modules {
		if strings.Contains(file, m) {
			l.vmap[pc] = i
			return i
		}
	}
	l.vmap[pc] = 0
	return 0
}

func (l *logging) forget(pc uintptr) { delete(l.vmap, pc) }
"""


def test_a_program_counter_is_one_runtime_resolves() -> None:
    """go-ethereum's glog `loggingT.setV(pc uintptr)` calls `runtime.FuncForPC(pc).FileLine(pc)`: with
    uintptr(0) FuncForPC returns nil and FileLine panics. The benchmark now passes a program counter of its
    own file (runtime.Caller); a uintptr used only as a map key stays a plain value."""
    _, code = plan({"p.go": LEVELS}, ["logging.setV", "logging.forget"],
                   {"logging.setV": [line_of(LEVELS, "l.vmap[pc] = i")]})
    assert "l.setV(perfReviewPC())" in body(code, "BenchmarkLogging_setV")
    assert "pc, _, _, _ := runtime.Caller(0)" in code and '"runtime"' in code
    assert "perfReviewPC()" not in body(code, "BenchmarkLogging_forget")


SPONGE = """package p

type sponge struct {
	a       [25]uint64
	buf     []byte
	rate    int
	storage [168]byte
}

func newSponge() *sponge { return &sponge{rate: 136} }

func (d *sponge) absorb(p []byte) {
	for i := range p {
		d.a[i%25] ^= uint64(p[i])
	}
}

func (d *sponge) Write(p []byte) (int, error) {
	if d.buf == nil {
		d.buf = d.storage[:0]
	}
	written := len(p)
	for len(p) > 0 {
		if len(d.buf) == 0 && len(p) >= d.rate {
			d.absorb(p[:d.rate])
			p = p[d.rate:]
		} else {
			todo := d.rate - len(d.buf)
			if todo > len(p) {
				todo = len(p)
			}
			d.buf = append(d.buf, p[:todo]...)
			p = p[todo:]
			if len(d.buf) == d.rate {
				d.absorb(d.buf)
				d.buf = d.storage[:0]
			}
		}
	}
	return written, nil
}

func (d *sponge) flush() {
	d.absorb(d.buf)
	d.buf = d.storage[:0]
}

type window struct {
	data []byte
	fill int
}

func newWindow() *window { return &window{data: make([]byte, 64)} }

func (w *window) Filled() []byte {
	out := make([]byte, 0)
	for _, c := range w.data[:w.fill] {
		out = append(out, c)
	}
	return out
}
"""


def test_a_stride_the_constructor_sets_and_a_window_on_the_receivers_array_are_left_to_the_code() -> None:
    """go-ethereum's sha3 `state.Write`: `p[:d.rate]` made `d.rate` a position (0), overriding the 168 its
    constructor sets, and `d.buf`, which the code points into `d.storage`, was filled with n bytes: `todo :=
    d.rate - len(d.buf)` went negative and `p[:todo]` panicked at every size. Near misses: a buffer reset after
    use (`flush`) holds data; a fill level the constructor leaves alone (`w.data[:w.fill]`) starts at 0."""
    _, code = plan({"p.go": SPONGE}, ["sponge.Write", "sponge.flush", "window.Filled"],
                   {"window.Filled": [line_of(SPONGE, "out = append(out, c)")]})
    write = body(code, "BenchmarkSponge_Write")
    assert "d := newSponge()" in write and "d.rate =" not in write and "d.buf =" not in write, write
    assert "d.Write([]byte(" in body(code, "BenchmarkSponge_flush")  # reset after use: filled (by its adder)
    assert "w.fill = 0" in body(code, "BenchmarkWindow_Filled")


LANES = """package p

import "encoding/binary"

type state struct {
	a   [25]uint64
	buf []byte
}

func copyOut(d *state, b []byte) {
	for i := 0; len(b) >= 8; i++ {
		binary.LittleEndian.PutUint64(b, d.a[i])
		b = b[8:]
	}
}

func copyOutChecked(d *state, b []byte) {
	for i := 0; i < len(d.a) && len(b) >= 8; i++ {
		binary.LittleEndian.PutUint64(b, d.a[i])
		b = b[8:]
	}
}

func (d *state) absorb(p []byte) {
	for i := 0; len(p) >= 8; i++ {
		d.buf = append(d.buf, p[:8]...)
		p = p[8:]
	}
}
"""


def test_a_walk_over_a_parameter_that_indexes_a_fixed_array_by_its_counter_is_skipped() -> None:
    """go-ethereum's sha3 `copyOutGeneric` writes `d.a[i]` for every 8 bytes of b: the sponge has 25 lanes,
    and b of 1,000 bytes indexed d.a[25]. Near misses: the counter checked against the array, and a walk
    over the parameter that indexes no array."""
    planned, _ = plan({"p.go": LANES}, ["copyOut", "copyOutChecked", "state.absorb"])
    reason = planned["copyOut"].skip_reason
    assert reason is not None and reason.startswith(
        f"line {line_of(LANES, 'd.a[i])')} indexes d.a, an array of 25, at each step over b"), reason
    assert planned["copyOutChecked"].skip_reason is None
    assert planned["state.absorb"].skip_reason is None
