"""What still failed on the fifth set not tuned on (benchmarks/set5.txt) after its first fixes, and what the
sixth (benchmarks/set6.txt) showed: each class as a small package whose generated benchmarks are built and run
once with coverage by the real toolchain (one `go test -c` for all of them, as tests.benchcheck does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchcheck import Run, check_packages
from tests.benchcheck import assert_ran_and_covered as _ok

CURSOR = """package cursor

type token struct {
	line int
	text string
}

// Dispenser hands out tokens; its constructor starts the cursor before the first one.
type Dispenser struct {
	tokens []token
	cursor int
}

func NewDispenser(tokens []token) Dispenser { return Dispenser{tokens: tokens, cursor: -1} }

func (d *Dispenser) Next() bool {
	if d.cursor < len(d.tokens)-1 {
		d.cursor++
		return true
	}
	return false
}

func (d *Dispenser) Val() string {
	if d.cursor < 0 || d.cursor >= len(d.tokens) {
		return ""
	}
	return d.tokens[d.cursor].text
}

type parser struct {
	Dispenser
	eof bool
}

func (p *parser) addresses() string {
	all := ""
	for {
		tkn := p.Val()
		if tkn[len(tkn)-1] == ',' {
			tkn = tkn[:len(tkn)-1]
		}
		all += tkn + " "
		if !p.Next() {
			p.eof = true
			break
		}
	}
	return all
}

// suite's last method names a slice inside its brackets: cases is no position.
type suite struct {
	name  string
	cases []string
}

func (s *suite) last() string { return s.cases[len(s.cases)-1] }

func Describe(all []suite) string {
	out := ""
	for _, s := range all {
		out += s.name + ": " + s.last()
	}
	return out
}
"""

REFLECT_LIST = """package reflectlist

import (
	"reflect"
	"sync"
)

type List struct {
	mut    sync.Mutex
	val    interface{}
	list   reflect.Value
	Length int
}

func NewList(t interface{}) *List {
	list := reflect.ValueOf(t)
	if list.Kind() != reflect.Slice {
		panic("list container initialized with a non-slice type")
	}
	return &List{sync.Mutex{}, t, list, list.Len()}
}

func (self *List) Append(v interface{}) {
	self.mut.Lock()
	defer self.mut.Unlock()
	self.list = reflect.Append(self.list, reflect.ValueOf(v))
	self.Length = self.list.Len()
}

func (self *List) Strings() string {
	s := ""
	for i := 0; i < self.list.Len(); i++ {
		s += reflect.ValueOf(self.list.Index(i).Interface()).String()
	}
	return s
}
"""

AFFINE = """package affine

import "math/big"

var prime = big.NewInt(2147483647)

type pool struct{ bns []*big.Int }

func (p *pool) get() *big.Int {
	if p == nil || len(p.bns) == 0 {
		return new(big.Int)
	}
	bn := p.bns[len(p.bns)-1]
	p.bns = p.bns[:len(p.bns)-1]
	return bn
}

// point is in Jacobian form; its constructor takes zeros from the pool.
type point struct {
	x, y, z *big.Int
}

func newPoint(p *pool) *point { return &point{p.get(), p.get(), p.get()} }

func (c *point) makeAffine() *point {
	if words := c.z.Bits(); len(words) == 1 && words[0] == 1 {
		return c
	}
	zInv := new(big.Int).ModInverse(c.z, prime)
	c.x.Mul(c.x, zInv)
	c.x.Mod(c.x, prime)
	c.z.SetInt64(1)
	return c
}

func (c *point) String() string {
	c.makeAffine()
	return "(" + c.x.String() + ", " + c.y.String() + ")"
}

// G1 wraps a point.
type G1 struct {
	p *point
}

func (g *G1) Marshal() []byte {
	g.p.makeAffine()
	return append(g.p.x.Bytes(), g.p.y.Bytes()...)
}
"""

TOKENS = """package tokens

import (
	"context"
	"sync"
)

// JobTokens hands out n tokens; Take and Give come in pairs.
type JobTokens struct {
	wg     sync.WaitGroup
	tokens chan struct{}
	names  []string
}

func New(n int) *JobTokens {
	t := &JobTokens{tokens: make(chan struct{}, n)}
	for i := 0; i < n; i++ {
		t.tokens <- struct{}{}
	}
	return t
}

func (jt *JobTokens) Take() {
	jt.wg.Add(1)
	<-jt.tokens
}

func (jt *JobTokens) Give() {
	jt.wg.Done()
	jt.tokens <- struct{}{}
}

// Each adds before it is done: it runs alone.
func (jt *JobTokens) Each(f func(string)) {
	for _, name := range jt.names {
		jt.wg.Add(1)
		f(name)
		jt.wg.Done()
	}
}

type runner struct {
	ctx   context.Context
	names []string
}

// Joined waits on a context's Done, which is no WaitGroup.
func (r *runner) Joined() string {
	s := ""
	for _, n := range r.names {
		select {
		case <-r.ctx.Done():
			return s
		default:
		}
		s += n
	}
	return s
}
"""

WRAPPED = """package wrapped

import (
	"expvar"
	"os/exec"
	"strings"
	"syscall"
)

// ExitErrorWrapper adds ExitStatus to the embedded *exec.ExitError.
type ExitErrorWrapper struct {
	*exec.ExitError
}

func (eew ExitErrorWrapper) ExitStatus() int {
	ws, ok := eew.Sys().(syscall.WaitStatus)
	if !ok {
		panic("not a WaitStatus")
	}
	return ws.ExitStatus()
}

// Registry's constructor sets its embedded *expvar.Map (etcd's metrics.NewMap).
type Registry struct{ *expvar.Map }

func NewRegistry() *Registry { return &Registry{Map: new(expvar.Map).Init()} }

func (r *Registry) Keys() int {
	n := 0
	r.Do(func(kv expvar.KeyValue) { n += len(kv.Key) })
	return n
}

type line struct {
	words []string
}

func (l *line) Len() int { return len(l.words) }

// Text embeds a *line of the package: it gets one.
type Text struct {
	*line
	sep string
}

func (t Text) Joined() string {
	out := ""
	for i := 0; i < t.Len(); i++ {
		out += t.words[i] + t.sep
	}
	return strings.TrimSpace(out)
}
"""

SPANS = """package spans

import (
	"strconv"
	"strings"
)

// Span is a run of Length buckets after a gap of Offset.
type Span struct {
	Offset int32
	Length uint32
}

// Histogram's spans say how many Buckets there are: they must agree.
type Histogram struct {
	Schema  int32
	Spans   []Span
	Buckets []int64
}

func (h *Histogram) String() string {
	out := ""
	idx, count := 0, int64(0)
	for _, s := range h.Spans {
		for j := uint32(0); j < s.Length; j++ {
			count += h.Buckets[idx]
			out += strconv.FormatInt(count, 10) + " "
			idx++
		}
	}
	return strings.TrimSuffix(out, " ")
}
"""

SPANS_TEST = """package spans

import "testing"

func TestString(t *testing.T) {
	cases := []struct {
		h    *Histogram
		want string
	}{
		{h: &Histogram{}, want: ""},
		{
			h: &Histogram{
				Schema:  1,
				Spans:   []Span{{Offset: 0, Length: 2}, {Offset: 1, Length: 1}},
				Buckets: []int64{1, 2, -1},
			},
			want: "1 3 2",
		},
	}
	for _, c := range cases {
		if got := c.h.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
"""

ITERS = """package iters

import "strconv"

// Iterator is generic: the generator instantiates nothing.
type Iterator[T any] interface {
	Next() bool
	At() T
}

type all struct {
	neg   Iterator[float64]
	state int8
	seen  []string
}

func (a *all) Next() bool {
	if a.neg.Next() {
		a.seen = append(a.seen, strconv.FormatFloat(a.neg.At(), 'g', -1, 64))
		return true
	}
	return false
}

type base[T any] struct {
	schema int32
	vals   []T
}

// schemaIter's schema is in an embedded generic struct, which the generator leaves at zero.
type schemaIter struct {
	base[float64]
	targetSchema int32
	idx          []int32
}

func (i *schemaIter) targets() []int32 {
	var out []int32
	for _, idx := range i.idx {
		out = append(out, ((idx-1)>>(i.schema-i.targetSchema))+1)
	}
	return out
}
"""

PACKAGES = {"cursor": CURSOR, "reflectlist": REFLECT_LIST, "affine": AFFINE, "tokens": TOKENS, "wrapped": WRAPPED,
            "spans": SPANS, "iters": ITERS}


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, go_cache: Path) -> dict[str, Run]:
    module, work = tmp_path_factory.mktemp("unseen6") / "u", tmp_path_factory.mktemp("work")
    errors, runs = check_packages(PACKAGES, {"spans/spans_test.go": SPANS_TEST}, module, work, go_cache)
    assert not errors, "\n".join(errors)
    return runs



def test_a_position_in_a_struct_value_stays_inside_its_slice(ran: dict[str, Run]) -> None:
    """caddy v0.7's config parser embeds a `Dispenser` whose `cursor` indexes its `tokens`; built field by
    field, element i got cursor i + 1 past its 2 tokens, `Val()` returned "" and `tkn[len(tkn)-1]` panicked
    (`parser.addresses`, `parser.parseOne`). A field the type's methods index its own slices with is now
    left at 0 in every value, as it already was in an empty receiver."""
    _ok(ran["BenchmarkParser_addresses"])
    assert ran["BenchmarkParser_addresses"].covered
    # Near miss: a slice named inside another index's brackets (`s.cases[len(s.cases)-1]`, prometheus'
    # junitxml) is no position; emptied, `last` indexed -1.
    _ok(ran["BenchmarkDescribe"])
    assert ran["BenchmarkDescribe"].covered


def test_a_value_appended_by_reflection_has_the_element_type_of_the_list(ran: dict[str, Run]) -> None:
    """go-ethereum v1.4's `common.List.Append(v any)` does `reflect.Append(self.list, reflect.ValueOf(v))`
    on the slice its constructor got (a []string, what an `any` checked to be a reflect.Slice gets): v
    was a struct of the package and reflect.Set panicked. It is now a string."""
    _ok(ran["BenchmarkList_Append"])
    _ok(ran["BenchmarkList_Strings"])


def test_a_big_int_field_the_type_inverts_is_not_zero(ran: dict[str, Run]) -> None:
    """go-ethereum v1.7's bn256: `newCurvePoint(pool)` takes zeros from the pool, and `MakeAffine`, which
    `String` and `G1.Marshal` call, does `ModInverse(c.z, P)`: nil for 0, and the next Mul panicked. A *T
    made by its constructor gets the *big.Int fields T's methods invert or divide by set to 1 where 0."""
    _ok(ran["BenchmarkPoint_String"])
    _ok(ran["BenchmarkG1_Marshal"])


def _skipped(run: Run, reason: str) -> None:
    assert run.status == "skip", run.output[-1500:]
    assert (run.target.bench.skip_reason or "").startswith(reason), run.target.bench.skip_reason


def test_a_wait_group_done_with_no_add_before_it_is_skipped(ran: dict[str, Run]) -> None:
    """minio's `JobTokens.Give` and `Workers.Give` (set 6) call `jt.wg.Done()` to undo a `Take`: alone,
    "sync: negative WaitGroup counter". Near misses: an Add before the Done in the same method, and a
    context's Done."""
    _skipped(ran["BenchmarkJobTokens_Give"], "calls jt.wg.Done() (line 29) with no Add before it")
    _ok(ran["BenchmarkJobTokens_Each"])
    _ok(ran["BenchmarkRunner_Joined"])


def test_a_method_promoted_from_a_nil_embedded_pointer_gets_it_or_skips(ran: dict[str, Run]) -> None:
    """containerd's `ExitErrorWrapper.ExitStatus` (set 6) calls `Sys()`, promoted from its embedded
    *exec.ExitError, which was nil: no value of it is known, so it skips saying so. A pointer to a type of
    the package that declares the promoted method gets a value; one the constructor sets is left to it."""
    _skipped(ran["BenchmarkExitErrorWrapper_ExitStatus"],
             "eew.Sys() is promoted from the embedded *exec.ExitError, which is nil here")
    _ok(ran["BenchmarkText_Joined"])
    assert ran["BenchmarkText_Joined"].covered
    _ok(ran["BenchmarkRegistry_Keys"])  # its constructor sets the embedded pointer: it is not skipped


def test_a_receiver_whose_fields_must_agree_is_the_tests_literal(ran: dict[str, Run]) -> None:
    """prometheus' `Histogram` (set 6): its spans say how many buckets there are; filled independently,
    String indexed past the buckets. The tests' literal of it (the longest row of the table they call
    String on) is used as written, and the flagged line runs. Its collections are the test's: n sizes
    nothing, so there are no sub-benchmarks over n."""
    _ok(ran["BenchmarkHistogram_String"])
    assert ran["BenchmarkHistogram_String"].covered
    assert ran["BenchmarkHistogram_String"].target.bench.sizes == ()


def test_an_instance_of_a_generic_interface_field_is_an_interface(ran: dict[str, Run]) -> None:
    """prometheus' `allFloatBucketIterator.Next` calls `i.negIter.Next()` on a `BucketIterator[float64]`
    left nil: an instance of a generic interface was not seen as an interface, so nothing asked for a
    value. It skips now, naming the field."""
    _skipped(ran["BenchmarkAll_Next"], "a.neg needs a usable Iterator[float64]")


def test_a_shift_by_the_difference_of_two_fields_is_not_negative(ran: dict[str, Run]) -> None:
    """prometheus' `floatBucketIterator.targetIdx` shifts by `i.schema - i.targetSchema`; schema, in an
    embedded generic struct, stayed 0 and targetSchema got 2: "negative shift amount"."""
    _ok(ran["BenchmarkSchemaIter_targets"])
