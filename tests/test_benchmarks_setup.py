"""Inputs a benchmark builds before it measures: a constructor gets the arguments the package's tests
give it, and when it still rejects them the benchmark skips at run time (saying so in its output and in
the plan) instead of failing; and the failures of generated benchmarks seen on real packages, each with
its near miss: n given to a value looked up in a fixed table, an empty token span, a receiver's
connection, a read undone before any read. The generated code is read, not run (the corpus
tests/corpus/bench/setup.go is run by test_benchmarks_run, where each of these failed before)."""

from __future__ import annotations

from tests.test_benchmarks_inputs import body, line_of, plan

SCHEDULE = """package p

import (
	"fmt"
	"strconv"
	"strings"
)

type Schedule struct{ steps []string }

func NewSchedule(name, terms string) (*Schedule, error) {
	s := &Schedule{}
	for _, term := range strings.Split(terms, "->") {
		star := strings.IndexByte(term, '*')
		if star <= 0 {
			return nil, fmt.Errorf("term %q: want count*name", term)
		}
		if _, err := strconv.Atoi(term[:star]); err != nil {
			return nil, err
		}
		s.steps = append(s.steps, term)
	}
	return s, nil
}

func (s *Schedule) Render() string {
	out := ""
	for _, st := range s.steps {
		out += st + "->"
	}
	return out
}
"""


def test_a_constructor_gets_a_valid_row_of_the_tests_table() -> None:
    test = """package p

import "testing"

var cases = []struct {
	terms    string
	hasError bool
}{
	{"5", true},
	{"5*off", false},
}

func TestNewSchedule(t *testing.T) {
	for _, c := range cases {
		if _, err := NewSchedule(t.Name(), c.terms); (err != nil && !c.hasError) || (err == nil && c.hasError) {
			t.Fatal(err)
		}
	}
}
"""
    _, code = plan({"p.go": SCHEDULE, "p_test.go": test}, ["Schedule.Render"],
                   {"Schedule.Render": [line_of(SCHEDULE, "out += st")]})
    render = body(code, "BenchmarkSchedule_Render")
    # Before, the constructor got perfReviewKey(1), which its parser rejects: every run failed.
    assert 'NewSchedule(perfReviewKey(1), "5*off")' in render  # the first row that expects no error


def test_a_constructor_that_rejects_the_input_skips_the_benchmark_at_run_time() -> None:
    planned, code = plan({"p.go": SCHEDULE}, ["Schedule.Render"], {"Schedule.Render": [line_of(SCHEDULE, "out +=")]})
    render = body(code, "BenchmarkSchedule_Render")
    assert 'if err != nil {\n\t\t\tperfReviewUnbuilt(b, "NewSchedule", err)\n\t\t}' in render
    assert "b.Fatal" not in render  # an input that cannot be built is no failure of Render
    assert "// Skips at run time if NewSchedule returns an error: no valid input, nothing to measure.\n" \
           "func BenchmarkSchedule_Render" in code  # the plan says which benchmarks may skip
    helper = code[code.index("func perfReviewUnbuilt"):]
    assert "fmt.Fprintln(os.Stderr, msg)" in helper and "b.Skip(msg)" in helper  # seen without -v too
    assert planned["Schedule.Render"].skip_reason is None and planned["Schedule.Render"].unbuilt == ("NewSchedule",)
    # The measured call itself is still guarded: a panic there fails the benchmark.
    assert 'b.Fatalf("perf-review: %s panicked: %v", what, r)' in code


def test_a_value_looked_up_in_a_fixed_table_is_not_sized_by_n() -> None:
    src = """package p

var exca = [...]int16{-1, 1, 5, 0, -1, 2, 6, 0}

func Expected(state int) string {
	res := "after"
	i := 0
	for exca[i] != -1 || int(exca[i+1]) != state {
		res += "."
		i += 2
	}
	return res
}

func Upto(xs []int, end int) string {
	res := ""
	for i := 0; i != end; i++ {
		res += "."
	}
	return res
}
"""
    lines = {"Expected": [line_of(src, 'res += "."')], "Upto": [line_of(src, 'res += "."') + 9]}
    planned, _ = plan({"p.go": src}, ["Expected", "Upto"], lines)
    assert planned["Expected"].sizes == ()  # was n = 10, 100, 1000: past the table's 8 entries
    assert planned["Upto"].sizes == (10, 100, 1000) and planned["Upto"].scales == ("end",)  # a counter's bound


def test_a_token_span_between_two_positions_holds_bytes() -> None:
    src = """package p

import "fmt"

type lexer struct {
	data   []byte
	ts, te int
}

func (l *lexer) token() string { return string(l.data[l.ts:l.te]) }

func (l *lexer) identifier() string {
	t := l.token()
	return fmt.Sprintf("%s", t[1:len(t)-1])
}
"""
    _, code = plan({"p.go": src}, ["lexer.identifier"], {"lexer.identifier": [line_of(src, "Sprintf")]})
    ident = body(code, "BenchmarkLexer_identifier")
    assert "l.ts = 0\n\tl.te = 8\n" in ident  # was te = 0: an empty token, t[1:-1] panicked


CONN = """package p

import (
	"bytes"
	"encoding/binary"
	"net"
)

type link struct {
	net.Conn
	buf *bytes.Buffer
}

func (l *link) handshake() error {
	var pong [4]byte
	if err := binary.Read(l.Conn, binary.BigEndian, &pong); err != nil {
		return err
	}
	for _, c := range pong {
		l.buf.WriteString(string(rune(c)))
	}
	return nil
}

func (l *link) Buffered() string {
	out := ""
	for _, c := range l.buf.Bytes() {
		out += string(rune(c))
	}
	return out
}
"""


def test_a_connection_the_receiver_holds_and_uses_is_needed() -> None:
    planned, _ = plan({"p.go": CONN}, ["link.handshake", "link.Buffered"])
    assert planned["link.handshake"].skip_reason == "needs a network connection (l.Conn has type net.Conn)"
    assert planned["link.Buffered"].skip_reason is None  # it never touches the connection


def test_a_read_undone_before_any_read_is_skipped() -> None:
    src = """package p

type scanner struct {
	buf []byte
	pos int
}

func (s *scanner) next() byte {
	if s.pos >= len(s.buf) {
		return 0
	}
	s.pos++
	return s.buf[s.pos-1]
}

func (s *scanner) back() {
	if s.pos <= 0 {
		panic("back buffer exhausted")
	}
	s.pos--
}

func (s *scanner) unread() {
	if s.pos > 0 {
		s.pos--
	}
}

func (s *scanner) word() int {
	n := 0
	for c := s.next(); c >= 'a'; c = s.next() {
		n++
	}
	s.back()
	return n
}

func (s *scanner) gentleWord() int {
	n := 0
	for c := s.next(); c >= 'a'; c = s.next() {
		n++
	}
	s.unread()
	return n
}
"""
    planned, _ = plan({"p.go": src}, ["scanner.word", "scanner.gentleWord"])
    assert "steps back with scanner.back" in (planned["scanner.word"].skip_reason or "")
    assert "(s.pos <= 0)" in (planned["scanner.word"].skip_reason or "")
    assert planned["scanner.gentleWord"].skip_reason is None  # its unread does not panic


def test_a_width_has_room_for_the_cells_and_their_padding() -> None:
    src = """package p

import "strings"

func Row(cells []string, widths []int, counts []int) string {
	line := "|"
	for i, cell := range cells {
		line += cell + strings.Repeat(" ", widths[i]-2-len(cell)) + strings.Repeat("*", counts[i]) + "|"
	}
	return line
}

func Pad(cell string, width int) string {
	out := cell
	for i := len(cell); i < width-1; i++ {
		out += " "
	}
	return out
}
"""
    lines = {"Row": [line_of(src, "line += cell")], "Pad": [line_of(src, 'out += " "')]}
    _, code = plan({"p.go": src}, ["Row", "Pad"], lines)
    row = body(code, "BenchmarkRow")
    # Was perfReviewSliceInt (1, 2, 3, ...): widths[0] - 2 - len("k0") < 0, and strings.Repeat panicked.
    assert "widths := perfReviewSlice(2*n + 16, func(i int) int { return 64 + i })" in row
    assert "counts := perfReviewSliceInt(" in row  # counts are not widths: distinct numbers, as before
    assert "width := 64\n" in body(code, "BenchmarkPad")  # was 1: `i < width-1` never let the loop run


def test_arguments_the_tests_expect_to_fail_are_passed_over() -> None:
    src = """package p

import "regexp"

type Pattern struct{ rx *regexp.Regexp }

func Compile(expr string) *Pattern { return &Pattern{rx: regexp.MustCompile(expr)} }

func (p *Pattern) Count(lines []string) int {
	n := 0
	for _, l := range lines {
		if p.rx.MatchString(l) {
			n++
		}
	}
	return n
}
"""
    test = """package p

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompile(t *testing.T) {
	t.Run("invalid", func(t *testing.T) {
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("expected a panic")
			}
		}()
		_ = Compile("[")
	})
	assert.Panics(t, func() { Compile("(") })
	t.Run("valid", func(t *testing.T) {
		if Compile("[a-z]+").Count([]string{"x"}) != 1 {
			t.Fatal("no match")
		}
	})
}
"""
    _, code = plan({"p.go": src, "p_test.go": test}, ["Pattern.Count"],
                   {"Pattern.Count": [line_of(src, "n++")]})
    count = body(code, "BenchmarkPattern_Count")
    # Before, Compile("[") came first: the benchmark panicked in its setup.
    assert 'Compile("[a-z]+")' in count


def test_an_error_the_test_expects_is_not_an_input() -> None:
    test = """package p

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewSchedule(t *testing.T) {
	_, err := NewSchedule("a", "5")
	require.Error(t, err)
	if _, err := NewSchedule("b", "*off"); err == nil {
		t.Fatal("want an error")
	}
	if _, err := NewSchedule("c", "2*on"); err != nil {
		t.Fatal(err)
	}
}
"""
    _, code = plan({"p.go": SCHEDULE, "p_test.go": test}, ["Schedule.Render"],
                   {"Schedule.Render": [line_of(SCHEDULE, "out += st")]})
    assert 'NewSchedule("c", "2*on")' in body(code, "BenchmarkSchedule_Render")


NIL_GLOBAL = """package p

import (
	"sort"
	"sync"
)

var (
	cond  *sync.Cond
	stats map[string]int
	ready = &sync.Mutex{}
)

// Setup is what the package's own test main calls first.
func Setup() { cond = sync.NewCond(&sync.Mutex{}) }

func Flush(line string) []string {
	cond.L.Lock()
	defer cond.L.Unlock()
	names := make([]string, 0, len(stats))
	for n := range stats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func Checked(line string) []string {
	if cond == nil {
		return nil
	}
	cond.L.Lock()
	defer cond.L.Unlock()
	return []string{line}
}

func Ready(line string) []string {
	ready.Lock()
	defer ready.Unlock()
	return []string{line}
}
"""


def test_a_package_pointer_only_the_set_up_assigns_skips_the_benchmark() -> None:
    """grpc's benchmark/stats `injectStatsIfFinished` locks `injectCond`, a package-level *sync.Cond that
    only RunTestMain assigns: nil in a generated benchmark (the one failure on the not-tuned set). A
    function that checks the pointer first, or a pointer with an initializer, runs."""
    planned, _ = plan({"p.go": NIL_GLOBAL}, ["Flush", "Checked", "Ready"],
                      {"Flush": [line_of(NIL_GLOBAL, "names = append")],
                       "Checked": [line_of(NIL_GLOBAL, "return []string{line}")],
                       "Ready": [line_of(NIL_GLOBAL, "ready.Lock()")]})
    assert planned["Flush"].skip_reason is not None and "package variable cond" in planned["Flush"].skip_reason
    assert planned["Checked"].skip_reason is None
    assert planned["Ready"].skip_reason is None


def test_a_package_named_in_an_array_length_is_imported() -> None:
    """go-ethereum's go-bindata assets return `map[string][sha256.Size]byte`: the benchmark's result sink
    names crypto/sha256 only in the array length, and the file did not compile without its import."""
    src = """package p

import "crypto/sha256"

var digests = map[string][sha256.Size]byte{}

func Digests() (map[string][sha256.Size]byte, error) {
	out := make(map[string][sha256.Size]byte, len(digests))
	for k, v := range digests {
		out[k] = v
	}
	return out, nil
}
"""
    _, code = plan({"p.go": src}, ["Digests"], {"Digests": [line_of(src, "out[k] = v")]})
    assert "[sha256.Size]byte" in code and '"crypto/sha256"' in code


def test_a_struct_that_holds_itself_through_a_named_slice_type_is_built_once() -> None:
    """hugo's table of contents: `type Header struct{ Headers Headers }` with `type Headers []Header`. The
    element builder filled Headers with Headers of Headers... until the stack overflowed and took the
    whole benchmark binary down (7 benchmarks failed at once)."""
    src = """package p

type Header struct {
	ID      string
	Headers Headers
}

type Headers []Header

func (h Header) Count() int {
	n := 1
	for _, c := range h.Headers {
		n += c.Count()
	}
	return n
}
"""
    _, code = plan({"p.go": src}, ["Header.Count"], {"Header.Count": [line_of(src, "n += c.Count()")]})
    helper = code[code.index("func perfReviewHeader(i int) Header {"):]
    helper = helper[: helper.index("\n}\n")]
    assert "ID:" in helper and "Headers:" not in helper, helper


def test_an_http_status_parameter_gets_a_valid_status() -> None:
    """traefik's writerWithoutCloseNotify.WriteHeader(code int) passed the code on to
    http.ResponseWriter.WriteHeader, which panics on 2 ("invalid WriteHeader code 2")."""
    src = """package p

import "net/http"

type writer struct {
	W    http.ResponseWriter
	seen []int
}

func (w *writer) WriteHeader(code int) {
	w.seen = append(w.seen, code)
	w.W.WriteHeader(code)
}
"""
    _, code = plan({"p.go": src}, ["writer.WriteHeader"], {"writer.WriteHeader": [line_of(src, "w.seen = append")]})
    assert "code := 200" in body(code, "BenchmarkWriter_WriteHeader"), body(code, "BenchmarkWriter_WriteHeader")


def test_a_pop_named_longer_is_still_the_second_half_of_a_push() -> None:
    """go-ethereum's Prque.PopItem pops from a heap its benchmark never pushed to (index out of range
    [-1]); Pop itself was already recognised."""
    src = """package p

import "container/heap"

type items []int

func (s items) Len() int            { return len(s) }
func (s items) Less(i, j int) bool  { return s[i] < s[j] }
func (s items) Swap(i, j int)       { s[i], s[j] = s[j], s[i] }
func (s *items) Push(x any)         { *s = append(*s, x.(int)) }
func (s *items) Pop() any           { old := *s; x := old[len(old)-1]; *s = old[:len(old)-1]; return x }

type Queue struct{ cont *items }

func (q *Queue) Push(v int)    { heap.Push(q.cont, v) }
func (q *Queue) PopItem() int  { return heap.Pop(q.cont).(int) }
func (q *Queue) Peek() int     { return (*q.cont)[0] }
"""
    planned, _ = plan({"p.go": src}, ["Queue.PopItem"], {"Queue.PopItem": [line_of(src, "func (q *Queue) PopItem")]})
    reason = planned["Queue.PopItem"].skip_reason
    assert reason is not None and "undoes Queue.Push" in reason


def test_a_receiver_filled_through_an_adder_that_asserts_its_interface_skips() -> None:
    """go-ethereum's prque `sstack.Push(data any)` asserts `data.(*item)`: the generated strings made Less
    and Swap panic ("interface {} is string, not *prque.item"), and filling the blocks directly broke the
    block size the adder keeps. An adder that takes a concrete type still fills the receiver."""
    src = """package p

type item struct{ priority int64 }

type stack struct {
	size   int
	blocks [][]*item
}

func (s *stack) Push(data any) {
	if len(s.blocks) == 0 {
		s.blocks = append(s.blocks, make([]*item, 0, 4))
	}
	s.blocks[0] = append(s.blocks[0], data.(*item))
	s.size++
}

func (s *stack) Less(i, j int) bool { return s.blocks[0][i].priority > s.blocks[0][j].priority }

type bag struct {
	size  int
	items []string
}

func (b *bag) Add(s string) { b.items = append(b.items, s); b.size++ }

func (b *bag) Longest() (n int) {
	for _, s := range b.items {
		n = max(n, len(s))
	}
	return n
}
"""
    planned, _ = plan({"p.go": src}, ["stack.Less", "bag.Longest"],
                      {"stack.Less": [line_of(src, "func (s *stack) Less")], "bag.Longest": [line_of(src, "n = max")]})
    reason = planned["stack.Less"].skip_reason
    assert reason is not None and "asserts one dynamic type" in reason
    assert planned["bag.Longest"].skip_reason is None


MASK = """package p

import "strings"

type Mask struct{ bits []bool }

func MustMask(pattern string) *Mask {
	m := &Mask{}
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '0':
			m.bits = append(m.bits, false)
		case '1':
			m.bits = append(m.bits, true)
		default:
			panic("mask: bad byte")
		}
	}
	return m
}

func (m *Mask) Apply(lines []string) string {
	out := ""
	for i, l := range lines {
		if m.bits[i%len(m.bits)] {
			out += strings.ToUpper(l)
		}
	}
	return out
}
"""


def test_a_panic_in_the_set_up_skips_and_one_in_the_timed_loop_fails() -> None:
    """MustMask panics on the generated pattern before anything is timed: the benchmark measures nothing
    and says so (a skip through perfReviewUnbuilt); a panic after perfReviewTimed is Apply's: a failure.
    The corpus tests/corpus/bench/setup.go runs it (test_benchmarks_run)."""
    _, code = plan({"p.go": MASK}, ["Mask.Apply"], {"Mask.Apply": [line_of(MASK, "out +=")]})
    apply = body(code, "BenchmarkMask_Apply")
    assert "MustMask(" in apply
    assert apply.index("MustMask(") < apply.index("perfReviewTimed(b)") < apply.index("for ")
    guard = code[code.index("func perfReviewGuard"):]
    guard = guard[:guard.index("\n}\n")]
    assert 'if _, timed := perfReviewTimedBenchmarks.Load(b); !timed {\n' \
           '\t\t\tperfReviewUnbuilt(b, "set-up panicked", fmt.Errorf("%v", r))' in guard
    assert 'b.Fatalf("perf-review: %s panicked: %v", what, r)' in guard
    assert "perfReviewTimedBenchmarks.Store(b, true)" in code


SCHEDULER = """package p

import (
	"context"
	"sync"
)

type Job func(context.Context)

type fifo struct {
	mu       sync.Mutex
	resume   chan struct{}
	cancel   context.CancelFunc
	pendings []Job
}

func (f *fifo) Schedule(j Job) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancel == nil {
		panic("schedule: schedule to stopped scheduler")
	}
	f.pendings = append(f.pendings, j)
}
"""


def test_a_cancel_function_the_code_checks_is_set() -> None:
    """etcd's FIFO scheduler panics when its context.CancelFunc is nil (stopped): a struct built field by
    field left it nil, and every run failed. A CancelFunc is a func type: it gets a no-op."""
    _, code = plan({"p.go": SCHEDULER}, ["fifo.Schedule"], {"fifo.Schedule": [line_of(SCHEDULER, "append(")]})
    assert "if f.cancel == nil {\n\t\t\tf.cancel = func() {}\n\t\t}" in body(code, "BenchmarkFifo_Schedule")


ENCODER = """package p

import (
	"encoding/binary"
	"reflect"
)

type encbuf struct{ str []byte }

func (w *encbuf) encode(val interface{}) error {
	rval := reflect.ValueOf(val)
	for i := 0; i < rval.NumField(); i++ {
		f := rval.Field(i)
		switch f.Kind() {
		case reflect.String:
			w.str = append(w.str, f.String()...)
		case reflect.Uint64:
			w.str = binary.BigEndian.AppendUint64(w.str, f.Uint())
		default:
			panic("unsupported kind " + f.Kind().String())
		}
	}
	return nil
}
"""


def test_a_value_an_encoder_reflects_over_has_fields_every_encoder_takes() -> None:
    """go-ethereum's rlp encbuf.encode got a struct with an `int` field, which rlp cannot encode (nil
    writer, nil pointer dereference); encoding/binary refuses int too. A fixed-size unsigned one it takes."""
    _, code = plan({"p.go": ENCODER}, ["encbuf.encode"], {"encbuf.encode": [line_of(ENCODER, "f.String()")]})
    encode = body(code, "BenchmarkEncbuf_encode")
    assert "N    uint64\n" in encode and "N    int\n" not in encode
