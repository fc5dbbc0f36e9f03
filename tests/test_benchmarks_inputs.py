"""What the generator builds for a function, read from the generated Go (no toolchain here: the corpora
are compiled and run by test_benchmarks_run): inputs that get past the guards to the finding's line,
n only where the flagged loop walks it, the package's own benchmarks reused, skips that say why."""

from __future__ import annotations

import re
from pathlib import Path

from analyzers.report.benchmarks import PlannedBenchmark, benchmark_plan, load_package

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"


def plan(sources: dict[str, str], functions: list[str], lines: dict[str, list[int]] | None = None,
         like: list[PlannedBenchmark] | None = None) -> tuple[dict[str, PlannedBenchmark], str]:
    files: dict[str, bytes | None] = {"go.mod": b"module example.com/p\n\ngo 1.22\n"}
    files.update({name: src.encode() for name, src in sources.items()})
    pkg = load_package("", files)
    assert pkg is not None
    planned, code = benchmark_plan(pkg, functions, lines, like)
    return {p.function: p for p in planned if not p.existing}, code


def body(code: str, name: str) -> str:
    m = re.search(rf"^func {name}\(b \*testing\.B\) \{{\n(.*?)^\}}$", code, re.MULTILINE | re.DOTALL)
    assert m, f"{name} not generated:\n{code}"
    return m.group(1)


def line_of(src: str, fragment: str) -> int:
    return next(i for i, line in enumerate(src.split("\n"), 1) if fragment in line)


def demo(rev: str) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((DEMO / rev).glob("*.go"))}


def test_demo_put_writes_a_real_file_under_the_lock_at_every_store_size() -> None:
    planned, code = plan(demo("head"), ["Store.Put"], {"Store.Put": [48]})
    put = body(code, "BenchmarkStore_Put")
    assert planned["Store.Put"].sizes == (10, 100, 1000) and planned["Store.Put"].scales == ("s.items",)
    assert 'file := filepath.Join(b.TempDir(), "perf-review.dat")' in put and "s := NewStore(file)" in put  # not ""
    # What json.Marshal and the write grow with:
    assert "s.items = perfReviewMap(n, perfReviewKey, perfReviewItem)" in put
    assert "RunParallel" not in put  # sized benchmarks run serially


def test_demo_handler_asks_for_items_the_store_has() -> None:
    _, code = plan(demo("head"), ["Store.ServeHTTP"], {"Store.ServeHTTP": [25]})
    serve = body(code, "BenchmarkStore_ServeHTTP")
    assert 's.items = perfReviewMap(n, perfReviewKey, perfReviewItem)' in serve
    assert '"skus=" + perfReviewJoin(n, ",", "", "")' in serve  # k0,k1,...: every one found, Sprintf reached
    assert 'perfReviewSized(b, "Store.ServeHTTP", func(b *testing.B, n int) {' in serve


def test_quadratic_loop_gets_sizes_and_linear_lookups_do_not() -> None:
    planned, code = plan(demo("head"), ["Backordered", "Store.Get"], {"Backordered": [34], "Store.Get": [33]})
    assert planned["Backordered"].sizes == (10, 100, 1000) and planned["Backordered"].scales == ("orders", "items")
    assert "nested loops: the cost grows with n²" in code
    assert "orders := perfReviewSlice(n, perfReviewOrder)" in body(code, "BenchmarkBackordered")
    assert planned["Store.Get"].sizes == () and "perfReviewSized(" not in body(code, "BenchmarkStore_Get")
    # Distinct elements whose keys match across types: Order k3 and Item k3 share their SKU.
    assert "SKU: perfReviewKey(i)," in code


def test_base_plan_takes_heads_names_and_sizes() -> None:
    head, _ = plan(demo("head"), ["Store.Put"], {"Store.Put": [48]})
    base, code = plan(demo("base"), ["Store.Put"], like=list(head.values()))
    assert base["Store.Put"].name == head["Store.Put"].name and base["Store.Put"].sizes == (10, 100, 1000)
    assert "s.items = perfReviewMap(n, perfReviewKey, perfReviewItem)" in body(code, "BenchmarkStore_Put")


GUARDS = """package p

import (
	"errors"
	"os"
	"strconv"
	"strings"
)

type Mode int

const (
	Slow Mode = iota
	Fast
)

func Route(p string, mode Mode) int {
	if !strings.HasPrefix(p, "/") {
		panic("routing pattern must begin with '/'")
	}
	if mode != Fast {
		return 0
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			n++
		}
	}
	return n
}

func Sum(fields []string) (int, error) {
	total := 0
	for _, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil {
			return 0, err
		}
		total += v
	}
	return total, nil
}

func Load(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, errors.New("load: " + err.Error())
	}
	return len(data), nil
}

func Apply(xs []int, keep func(int) bool) []int {
	var out []int
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
"""


def test_guards_are_satisfied() -> None:
    lines = {"Route": [line_of(GUARDS, "n++")], "Sum": [line_of(GUARDS, "total += v")],
             "Load": [line_of(GUARDS, "return len(data), nil")], "Apply": [line_of(GUARDS, "out = append")]}
    _, code = plan({"p.go": GUARDS}, ["Route", "Sum", "Load", "Apply"], lines)
    route = body(code, "BenchmarkRoute")
    assert 'p := "/" + perfReviewText(n)' in route  # the prefix check passes, the loop walks n bytes
    assert "mode := Fast" in route or "Route(p, Fast)" in route  # the early return does not fire
    sums = body(code, "BenchmarkSum")
    assert "fields[i] = strconv.Itoa(i + 1)" in sums  # digits where the code parses numbers
    load = body(code, "BenchmarkLoad")
    assert "os.WriteFile(file" in load  # the file it reads exists
    apply = body(code, "BenchmarkApply")
    assert "keep := func(int) bool {\n\t\t\treturn true\n\t\t}" in apply  # a closure, never nil


def test_error_paths_and_what_cannot_run_offline_are_skipped_with_the_reason() -> None:
    src = """package p

import (
	"database/sql"
	"os"
	"time"
)

func Count(db *sql.DB) int {
	n := 0
	for i := 0; i < 3; i++ {
		_ = db.QueryRow("SELECT 1").Scan(&n)
	}
	return n
}

func Open(path string) error {
	f, err := os.Open(path)
	if err != nil {
		for i := 0; i < 3; i++ {
			_ = i
		}
		return err
	}
	return f.Close()
}

func Wait(ready func() bool) {
	for !ready() {
		time.Sleep(time.Millisecond)
	}
}
"""
    line = line_of(src, "_ = i")
    planned, code = plan({"p.go": src}, ["Count", "Open", "Wait"], {"Open": [line]})
    assert planned["Count"].skip_reason == "needs a database connection (*sql.DB)"
    assert planned["Open"].skip_reason == (
        f"line {line} runs only when os.Open returns an error (an error path a benchmark would not measure)")
    assert planned["Wait"].skip_reason is not None and "sleeps" in planned["Wait"].skip_reason
    assert 'b.Skip("perf-review: needs a database connection (*sql.DB)")' in body(code, "BenchmarkCount")


def test_every_generated_benchmark_guards_its_call() -> None:
    _, code = plan(demo("head"), ["Render", "Store.Get"], {"Render": [55]})
    render = body(code, "BenchmarkRender")
    # Inside the sub-benchmark: b.Run runs it on its own goroutine, where the guard must be.
    assert 'perfReviewSized(b, "Render", func(b *testing.B, n int) {' in render
    assert re.search(r'b\.Run\("n="\+strconv\.Itoa\(n\), func\(b \*testing\.B\) \{\n\t+defer perfReviewGuard', code)
    assert 'defer perfReviewWorkerGuard(b, "Store.Get")' in body(code, "BenchmarkStore_Get")
    assert 'b.Fatalf("perf-review: %s panicked: %v", what, r)' in code


ROUTER = """package chi

import "net/http"

type node struct{ children []*node }

func (n *node) findRoute(path string) *node {
	for _, c := range n.children {
		if c != nil {
			return c
		}
	}
	return nil
}

type Mux struct{ tree *node }

func NewRouter() *Mux { return &Mux{tree: &node{}} }

func (mx *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) { mx.routeHTTP(w, r) }

func (mx *Mux) routeHTTP(w http.ResponseWriter, r *http.Request) { mx.tree.findRoute(r.URL.Path) }

func Walk(routes []string) int {
	n := 0
	for range routes {
		n++
	}
	return n
}
"""
ROUTER_TEST = """package chi

import (
	"net/http/httptest"
	"testing"
)

func BenchmarkMux(b *testing.B) {
	mx := NewRouter()
	b.Run("static", func(b *testing.B) {
		w, r := httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)
		for i := 0; i < b.N; i++ {
			mx.ServeHTTP(w, r)
		}
	})
}
"""


def test_existing_benchmarks_that_reach_a_function_are_reused() -> None:
    files: dict[str, bytes | None] = {"go.mod": b"module example.com/chi\n\ngo 1.22\n",
                                      "mux.go": ROUTER.encode(), "mux_test.go": ROUTER_TEST.encode()}
    pkg = load_package("", files)
    assert pkg is not None
    planned, code = benchmark_plan(pkg, ["node.findRoute", "Walk"])
    assert planned[0] == PlannedBenchmark("BenchmarkMux", "node.findRoute", True, "mux_test.go",
                                          ("Mux.ServeHTTP", "Mux.routeHTTP", "node.findRoute"))
    assert [p.name for p in planned[1:]] == ["BenchmarkWalk"] and "func BenchmarkNode_findRoute" not in code
    assert ("BenchmarkMux (mux_test.go) reaches node.findRoute via Mux.ServeHTTP → Mux.routeHTTP → "
            "node.findRoute") in code
    assert "-bench '^(BenchmarkMux|BenchmarkWalk)$'" in code  # the run command selects it too


def test_arguments_come_from_the_packages_tests() -> None:
    src = "package p\n\nfunc Scale(factor int, name string) int {\n\treturn factor * len(name)\n}\n"
    test = ('package p\n\nimport "testing"\n\nfunc TestScale(t *testing.T) {\n'
            '\tif Scale(42, "forty-two") != 378 {\n\t\tt.Fatal("bad")\n\t}\n}\n')
    _, code = plan({"p.go": src, "p_test.go": test}, ["Scale"])
    scale = body(code, "BenchmarkScale")
    assert "factor := 42" in scale and 'name := "forty-two"' in scale


def test_a_channel_field_the_code_checks_or_returns_is_never_nil() -> None:
    src = """package p

type Timer struct {
	at  int
	ch  chan int
	run func()
}

func NewTimer(run func()) *Timer { return &Timer{run: run} }

func (t *Timer) C() <-chan int {
	if t.ch == nil {
		panic("C() on timer created by AfterFunc")
	}
	return t.ch
}
"""
    planned, code = plan({"p.go": src}, ["Timer.C"])
    assert planned["Timer.C"].skip_reason is None
    # The constructor leaves it nil (a timer made by AfterFunc): the guard would panic on every call.
    assert "if t.ch == nil {\n\t\tt.ch = make(chan int, 1)\n\t}" in body(code, "BenchmarkTimer_C")


def test_an_interface_field_the_code_asserts_holds_that_type() -> None:
    src = """package p

import "io"

type pipe struct {
	buf []byte
}

func (p *pipe) Read(b []byte) (int, error) { return copy(b, p.buf), nil }

type Conn struct {
	Reader io.Reader
	label  any
}

func (c *Conn) Buffered() string {
	p := c.Reader.(*pipe)
	out := c.label.(string)
	for _, b := range p.buf {
		out += string(rune(b))
	}
	return out
}
"""
    planned, code = plan({"p.go": src}, ["Conn.Buffered"], {"Conn.Buffered": [line_of(src, "out += ")]})
    bench = body(code, "BenchmarkConn_Buffered")
    # Before: a strings.Reader in Reader and nil in label, and the assertions panicked.
    assert "if _, ok := c.Reader.(*pipe); !ok {\n\t\tc.Reader = perfReviewPtrPipe(1)\n\t}" in bench
    assert "if _, ok := c.label.(string); !ok {\n\t\tc.label = perfReviewKey(1)\n\t}" in bench
    assert planned["Conn.Buffered"].skip_reason is None


def test_a_string_a_package_helper_parses_as_a_number_gets_digits() -> None:
    src = """package p

import (
	"fmt"
	"strconv"
	"strings"
)

type Limiter struct {
	rate  float64
	names []string
}

func parseRate(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

func NewLimiter(rate string) (*Limiter, error) {
	r, err := parseRate(rate)
	if err != nil {
		return nil, fmt.Errorf("rate: %w", err)
	}
	return &Limiter{rate: r}, nil
}

func (l *Limiter) Join() string {
	out := ""
	for _, n := range l.names {
		out += n
	}
	return out
}
"""
    _, code = plan({"p.go": src}, ["Limiter.Join"], {"Limiter.Join": [line_of(src, "out += n")]})
    # Before: NewLimiter(perfReviewKey(1)), "k1" is no number, and the benchmark failed on its error.
    assert 'built, err := NewLimiter("1")' in body(code, "BenchmarkLimiter_Join")


def test_a_package_helpers_guards_on_its_parameter_are_met_by_the_argument() -> None:
    src = """package p

import (
	"errors"
	"strings"
)

type Router struct {
	patterns []string
	names    []string
}

func parsePattern(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", errors.New("routing pattern must begin with '/'")
	}
	return strings.TrimPrefix(p, "/"), nil
}

func NewRouter(pattern string) (*Router, error) {
	p, err := parsePattern(pattern)
	if err != nil {
		return nil, err
	}
	return &Router{patterns: []string{p}}, nil
}

func (r *Router) Join() string {
	out := ""
	for _, n := range r.names {
		out += n
	}
	return out
}
"""
    _, code = plan({"p.go": src}, ["Router.Join"], {"Router.Join": [line_of(src, "out += n")]})
    # Before: NewRouter(perfReviewKey(1)) failed on "k1", which does not begin with "/".
    assert 'built, err := NewRouter("/" + perfReviewKey(1))' in body(code, "BenchmarkRouter_Join")


def test_a_field_the_code_checks_for_nil_off_the_findings_path_stays_nil() -> None:
    src = """package p

type Timer interface{ Stop() bool }

type state struct{ pending int }

type simTimer struct{ s *state }

func (t *simTimer) Stop() bool { t.s.pending--; return true }

type Alarm struct {
	timer    Timer
	deadline int64
	names    []string
}

func (a *Alarm) schedule(d int64) {
	if a.timer != nil {
		a.timer.Stop()
	}
	a.deadline = d
}

func (a *Alarm) Schedule(d int64) string {
	a.schedule(d)
	out := ""
	for _, n := range a.names {
		out += n
	}
	return out
}
"""
    _, code = plan({"p.go": src}, ["Alarm.Schedule"], {"Alarm.Schedule": [line_of(src, "out += n")]})
    # Before: a.timer = perfReviewPtrSimTimer(1), whose nil state made Stop panic; nil is what the code
    # expects of an alarm with no timer yet.
    assert "a.timer" not in body(code, "BenchmarkAlarm_Schedule")


def test_a_directory_walked_in_a_once_do_on_the_way_exists() -> None:
    src = """package p

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
)

type Inspector struct {
	Root  string
	init  sync.Once
	files []string
}

func (c *Inspector) parse() {
	c.init.Do(func() {
		if !strings.Contains(c.Root, "hugo") {
			panic("dir must be set to the Hugo root")
		}
		filepath.Walk(c.Root, func(path string, info os.FileInfo, err error) error {
			if info.IsDir() {
				return nil
			}
			c.files = append(c.files, path)
			return nil
		})
	})
}

func (c *Inspector) Names() string {
	c.parse()
	out := ""
	for _, f := range c.files {
		out += f
	}
	return out
}
"""
    _, code = plan({"p.go": src}, ["Inspector.Names"], {"Inspector.Names": [line_of(src, "out += f")]})
    names = body(code, "BenchmarkInspector_Names")
    # Before: c.Root = perfReviewKey(1) + "hugo", a path that does not exist: Walk's callback got a nil info.
    assert 'dir := filepath.Join(b.TempDir(), "k1hugo")' in names and "c.Root = dir" in names


def test_strings_a_constructor_splits_decodes_or_unquotes_are_well_formed() -> None:
    src = """package p

import (
	"encoding/base64"
	"net"
	"strconv"
)

type Peer struct {
	host, port string
	key        []byte
	name       string
	names      []string
}

func NewPeer(addr, key, name string) (*Peer, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Unquote(name)
	if err != nil {
		return nil, err
	}
	return &Peer{host: host, port: port, key: k, name: n}, nil
}

func (p *Peer) Join() string {
	out := ""
	for _, n := range p.names {
		out += n
	}
	return out
}
"""
    _, code = plan({"p.go": src}, ["Peer.Join"], {"Peer.Join": [line_of(src, "out += n")]})
    # Before: "k1" for all three, and NewPeer failed on the missing port.
    assert 'built, err := NewPeer("10.0.0.1:80", "azE=", "\\"k1\\"")' in body(code, "BenchmarkPeer_Join")


CASES = """package p

import (
	"fmt"
	"strconv"
	"strings"
)

type Pattern struct {
	Prefix, Suffix string
	Seq            []string
}

func (p Pattern) Expand() []string {
	var labels []string
	for i := range p.Seq {
		switch {
		case p.Prefix != "" && p.Suffix == "":
			labels = append(labels, fmt.Sprintf("%s%s", p.Prefix, p.Seq[i]))
		case p.Suffix != "" && p.Prefix == "":
			labels = append(labels, fmt.Sprintf("%s%s", p.Seq[i], p.Suffix))
		default:
			labels = append(labels, p.Seq[i])
		}
	}
	return labels
}

func toText(scope interface{}, depth int) string {
	var result string
	switch val := scope.(type) {
	case string:
		result += val
	case int:
		result += strconv.Itoa(val)
	case []interface{}:
		for i, v := range val {
			result += strings.Repeat("\\t", depth) + toText(v, depth+1)
			if i < len(val)-1 {
				result += " "
			}
		}
	}
	return result
}
"""


def test_targets_in_two_cases_of_one_switch_get_the_input_of_one_of_them() -> None:
    """minio's Pattern.Expand: findings in the Prefix-only and the Suffix-only case. Both cases' conditions
    together (Prefix == "" from one, Suffix == "" from the other) reached neither: the first case wins."""
    lines = [line_of(CASES, '"%s%s", p.Prefix'), line_of(CASES, '"%s%s", p.Seq[i], p.Suffix')]
    _, code = plan({"p.go": CASES}, ["Pattern.Expand"], {"Pattern.Expand": lines})
    expand = body(code, "BenchmarkPattern_Expand")
    assert 'p.Suffix = ""' in expand and 'p.Prefix = ""' not in expand


def test_a_type_switch_case_decides_what_the_interface_argument_holds() -> None:
    """caddy's jsonToText: the findings are in `case []interface{}`; a string argument took another case.
    The case with the most findings decides (one in `case string` does not)."""
    lines = [line_of(CASES, "result += val"), line_of(CASES, 'result += strings.Repeat'),
             line_of(CASES, 'result += " "')]
    _, code = plan({"p.go": CASES}, ["toText"], {"toText": lines})
    assert "var scope interface{} = perfReviewSliceInterface(n)" in body(code, "BenchmarkToText")  # what it walks


POOL = """package p

import "sync"

type tree struct{ nodes []int }

type Pool struct {
	lock     sync.Mutex
	c        chan *tree
	count    int
	Capacity int
}

func NewPool(capacity int) *Pool {
	return &Pool{c: make(chan *tree, capacity), Capacity: capacity}
}

func (p *Pool) reserve() *tree {
	p.lock.Lock()
	defer p.lock.Unlock()
	if p.count == p.Capacity {
		return <-p.c
	}
	p.count++
	return &tree{}
}
"""


def test_a_field_compared_with_another_field_gets_its_value() -> None:
    """go-ethereum's TreePool.reserve: the finding is on the way taken when the pool is full (`p.count ==
    p.Capacity`); a new pool (count 0) never took it."""
    _, code = plan({"p.go": POOL}, ["Pool.reserve"], {"Pool.reserve": [line_of(POOL, "return <-p.c")]})
    reserve = body(code, "BenchmarkPool_reserve")
    assert "p.count = p.Capacity" in reserve and reserve.index("NewPool(") < reserve.index("p.count = p.Capacity")


BLOCKS = """package p

import "strings"

func render(scope interface{}, depth int) string {
	var result string
	switch val := scope.(type) {
	case string:
		result += val
	case []interface{}:
		for _, v := range val {
			if block, ok := v.([]interface{}); ok {
				for _, arg := range block {
					result += strings.Repeat("\\t", depth) + render(arg, depth+1)
				}
				continue
			}
			result += render(v, depth) + " "
		}
	}
	return result
}
"""


def test_elements_asserted_one_by_one_hold_that_type_and_another() -> None:
    """caddy's jsonToText: `if block, ok := v.([]interface{}); ok {...; continue}` on each element of the
    type switch's value. Every other element holds the asserted type, so both ways run, and n is the
    number of elements (the switch's alias is the parameter)."""
    lines = [line_of(BLOCKS, 'strings.Repeat'), line_of(BLOCKS, 'render(v, depth)')]
    _, code = plan({"p.go": BLOCKS}, ["render"], {"render": lines})
    render = body(code, "BenchmarkRender")
    assert "var scope interface{} = perfReviewSliceInterfaceHoldingSliceInterface(n)" in render
    helper = code[code.index("func perfReviewSliceInterfaceHoldingSliceInterface"):]
    assert "if i%2 == 0 {\n\t\t\ts[i] = perfReviewSliceInterface(2)\n\t\t} else {\n\t\t\ts[i] = perfReviewKey(i)" \
        in helper


SAVE_JOINED = """package p

import "os"

// Save writes data to name + ext.
func Save(basename, ext string, data [][]byte) error {
	f, err := os.Create(basename + ext)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, d := range data {
		if _, err := f.Write(d); err != nil {
			return err
		}
	}
	return nil
}
"""


def test_a_file_name_built_by_concatenation_starts_in_a_temporary_directory() -> None:
    """`os.Create(basename + ext)`: the parameter the name starts with gets a path under b.TempDir(), so
    the benchmark never writes into the package directory it runs in (set 7: an archive writer did)."""
    _, code = plan({"a.go": SAVE_JOINED}, ["Save"])
    text = body(code, "BenchmarkSave")
    assert 'file := filepath.Join(b.TempDir(), "perf-review.dat")' in text and "basename := file" in text
