"""Functions a benchmark cannot survive are skipped with a reason (analyzers/report/benchhalts.py and
the position check of benchskips.py), and their near misses are not: each snippet's benchmark exits the
process, hangs or panics when generated as before. The generated code is read, not run (the corpus
tests/corpus/bench/halts.go is run by test_benchmarks_run)."""

from __future__ import annotations

from tests.test_benchmarks_inputs import body, line_of, plan

EXITS = """package p

import (
	"fmt"
	"log"
	"os"
	"sync"
)

type loggerT struct{ prefix string }

func (g *loggerT) output(s string) { fmt.Fprintln(os.Stderr, g.prefix+s) }

func (g *loggerT) Fatal(args ...any) {
	msg := ""
	for _, a := range args {
		msg += fmt.Sprint(a)
	}
	g.output(msg)
	os.Exit(1)
}

type Config struct{ path string }

func (c *Config) mustLoad() []byte {
	b, err := os.ReadFile(c.path)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func (c *Config) Load() int {
	return len(c.mustLoad())
}

func (c *Config) Reload() {
	c.fail()
}

func (c *Config) fail() { log.Fatalf("cannot reload %s", c.path) }

type Kind int

func (k Kind) String() string {
	switch k {
	case 0:
		return "zero"
	}
	panic("unknown kind")
}

type Inspector struct {
	root string
	once sync.Once
}

func (c *Inspector) parse() {
	c.once.Do(func() {
		if c.root == "" {
			panic("root must be set")
		}
	})
}

func (c *Inspector) Methods() int {
	c.parse()
	return len(c.root)
}

func Always() {
	panic("not implemented")
}

func Recovered() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	panic("boom")
}
"""


def test_calls_that_end_the_process_on_every_call_are_skipped() -> None:
    funcs = ["loggerT.Fatal", "Config.Load", "Config.Reload", "Kind.String", "Inspector.Methods", "Always",
             "Recovered"]
    planned, code = plan({"p.go": EXITS}, funcs, {"loggerT.Fatal": [line_of(EXITS, "msg += fmt")]})
    reasons = {f: planned[f].skip_reason for f in funcs}
    # An exit after the finding's line still ends the run the benchmark is in.
    exit_line = line_of(EXITS, "os.Exit(1)")
    assert reasons["loggerT.Fatal"] == f"ends the process: it calls os.Exit (line {exit_line}) on every call"
    assert reasons["Config.Reload"] == ("ends the process: Config.fail, which it calls on every call, calls log.Fatalf "
                                        f"(line {line_of(EXITS, 'log.Fatalf')}) on every call")
    assert reasons["Always"] is not None and reasons["Always"].startswith("it always panics")
    assert 'b.Skip("perf-review: ends the process: it calls os.Exit' in code
    # Near misses: an exit only on an error, a panic after a switch that returns, a panic in a once.Do
    # branch, a panic the function recovers.
    for near in ("Config.Load", "Kind.String", "Inspector.Methods", "Recovered"):
        assert reasons[near] is None, (near, reasons[near])


WAITS = """package p

import (
	"context"
	"sync"
	"time"
)

type Service struct {
	names   []string
	running chan struct{}
}

func NewService() *Service { return &Service{running: make(chan struct{})} }

func (s *Service) await(ctx context.Context, ch chan struct{}) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-ch:
	}
	return nil
}

func (s *Service) AwaitRunning(ctx context.Context) error {
	return s.await(ctx, s.running)
}

type Pipe struct {
	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte
}

func (p *Pipe) empty() {
	for len(p.buf) == 0 {
		p.cond.Wait()
	}
}

func (p *Pipe) Read(b []byte) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.empty()
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	return n
}

func poll(ready func() bool) {
	for !ready() {
		time.Sleep(time.Millisecond)
	}
}

func Connect(ready func() bool) int {
	poll(ready)
	return 1
}

type Queue struct {
	items chan int
}

func (q *Queue) Next() int {
	return <-q.items
}

func Drain(ch chan int) int {
	t := 0
	for v := range ch {
		t += v
	}
	return t
}

func Gather(n int) int {
	var wg sync.WaitGroup
	out := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); out[i] = i }(i)
	}
	wg.Wait()
	return len(out)
}

func First(n int) int {
	res := make(chan int)
	go func() { res <- n * 2 }()
	return <-res
}

type Ring struct {
	wg  sync.WaitGroup
	buf []byte
}

func (r *Ring) Reset() {
	r.wg.Wait()
	r.buf = r.buf[:0]
}

type Client struct{ ready chan struct{} }

func (c *Client) wait(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Second):
		return true
	}
}

func (c *Client) Call(ctx context.Context) bool {
	return c.wait(ctx)
}

func Next(ch chan int, d time.Duration) int {
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		return -1
	}
}
"""


def test_waits_for_a_goroutine_the_benchmark_never_starts_are_skipped() -> None:
    funcs = ["Service.AwaitRunning", "Pipe.Read", "Connect", "Client.Call", "Queue.Next", "Drain", "Gather",
             "First", "Ring.Reset", "Next"]
    planned, _ = plan({"p.go": WAITS}, funcs)
    reasons = {f: planned[f].skip_reason for f in funcs}
    assert reasons["Service.AwaitRunning"] == (
        "waits for another goroutine: Service.await, which it calls, waits in a select "
        f"(line {line_of(WAITS, 'select {')}) on channels only another goroutine sends on, and the benchmark "
        "starts none")
    assert reasons["Pipe.Read"] is not None and "p.cond.Wait()" in reasons["Pipe.Read"]
    assert reasons["Connect"] is not None and "poll, which it calls, sleeps" in reasons["Connect"]
    select = line_of(WAITS, "func (c *Client) wait") + 1
    assert reasons["Client.Call"] == (
        f"waits for a timer: Client.wait, which it calls, waits in a select (line {select}) that only a timer ends, "
        "so a benchmark would time the wait, not the code")
    # Near misses: a receiver's channel and a channel parameter get a partner from the generator, a
    # function that starts the goroutine it waits for, a WaitGroup no one added to, a timer next to a
    # channel the generator fills.
    for near in ("Queue.Next", "Drain", "Gather", "First", "Ring.Reset", "Next"):
        assert reasons[near] is None, (near, reasons[near])


AGAIN = """package p

import "fmt"

type File struct {
	name       string
	base, size int
}

type tree struct{ files map[int]*File }

func (t *tree) add(f *File) {
	if prev, ok := t.files[f.base]; ok && prev != f {
		panic(fmt.Sprintf("file %s overlaps with file %s", prev.name, f.name))
	}
	t.files[f.base] = f
}

type Set struct{ t tree }

func (s *Set) AddAll(files ...*File) {
	for _, f := range files {
		s.t.add(f)
	}
}

var providers []func() map[string]int

func Providers() map[string]int {
	out := map[string]int{}
	for _, p := range providers {
		for k, v := range p() {
			if _, dup := out[k]; dup {
				panic("duplicate key " + k)
			}
			out[k] = v
		}
	}
	return out
}

func Check(n int) int {
	if n < 0 {
		panic("negative")
	}
	return n * 2
}
"""


def test_values_given_again_to_an_api_that_rejects_them_are_skipped() -> None:
    funcs = ["tree.add", "Set.AddAll", "Providers", "Check"]
    planned, _ = plan({"p.go": AGAIN}, funcs)
    reasons = {f: planned[f].skip_reason for f in funcs}
    line = line_of(AGAIN, "panic(fmt.Sprintf")
    assert reasons["tree.add"] == (
        f'rejects a value it holds already: it panics (line {line}: fmt.Sprintf("file %s overlaps with file %s", '
        'prev.name, f.name)), and a benchmark repeats the call with the same input')
    assert reasons["Set.AddAll"] is not None and "tree.add, which it calls, panics" in reasons["Set.AddAll"]
    # Near misses: no input of the benchmark's own can be there already; a panic that is not about it.
    assert reasons["Providers"] is None and reasons["Check"] is None


POSITIONS = """package p

import "strings"

type Node interface{ Position() int }

type leaf struct{ pos int }

func (l leaf) Position() int { return l.pos }

type Tree struct{ text string }

func (t *Tree) ErrorContext(n Node) int {
	pos := int(n.Position())
	text := t.text[:pos]
	return strings.Count(text, "\\n")
}

func (t *Tree) Safe(n Node) int {
	pos := n.Position()
	if pos > len(t.text) {
		return 0
	}
	return strings.Count(t.text[:pos], "\\n")
}

type Buf struct{ b []byte }

func (b *Buf) Write(p []byte) int {
	n := len(p)
	return copy(b.b[:n], p)
}
"""


def test_positions_read_from_one_argument_into_another_value_are_skipped() -> None:
    planned, _ = plan({"p.go": POSITIONS}, ["Tree.ErrorContext", "Tree.Safe", "Buf.Write"])
    assert planned["Tree.ErrorContext"].skip_reason == (
        f"a position read from n (line {line_of(POSITIONS, 't.text[:pos]')}: t.text[:pos]) must fall inside t.text: "
        "only the package's own callers keep the two consistent")
    assert planned["Tree.Safe"].skip_reason is None  # checked against the text's length first
    assert planned["Buf.Write"].skip_reason is None  # a length, not a position


SENDS = """package p

type queue struct{ ch chan int }

func newQueue() *queue { return &queue{ch: make(chan int, 16)} }

func (q *queue) push(v int) { q.ch <- v }

func (q *queue) Push(v int) { q.ch <- v }

func (q *queue) Offer(v int) bool {
	select {
	case q.ch <- v:
		return true
	default:
		return false
	}
}

type Server struct {
	q     *queue
	names []string
}

func NewServer() *Server { return &Server{q: newQueue()} }

func (s *Server) Handle(v int) int {
	s.q.push(v)
	return len(s.names)
}

func Results(items []int) int {
	errs := make(chan int, len(items))
	for _, it := range items {
		errs <- it
	}
	close(errs)
	n := 0
	for e := range errs {
		n += e
	}
	return n
}
"""


def test_sends_only_another_goroutine_drains_are_skipped() -> None:
    funcs = ["Server.Handle", "queue.Push", "queue.Offer", "Results"]
    planned, _ = plan({"p.go": SENDS}, funcs)
    reasons = {f: planned[f].skip_reason for f in funcs}
    # The 17th iteration of the benchmark's loop blocks for good: nothing reads the queue's channel.
    push = line_of(SENDS, "func (q *queue) push")
    assert reasons["Server.Handle"] == (
        f"waits for another goroutine: queue.push, which it calls, sends on q.ch (line {push}), which only another "
        "goroutine drains, and the benchmark starts none")
    # Near misses: the receiver's own channel gets a partner goroutine, a send with a default, a channel
    # made with room for what the function sends.
    for near in ("queue.Push", "queue.Offer", "Results"):
        assert reasons[near] is None, (near, reasons[near])


RANGES = """package p

import "time"

type Feed struct {
	events chan string
	names  []string
}

func NewFeed() *Feed { return &Feed{events: make(chan string, 8)} }

func (f *Feed) collect(events chan string) int {
	n := 0
	for e := range events {
		n += len(e)
	}
	return n
}

func (f *Feed) Count() int {
	return f.collect(f.events)
}

func tick(d time.Duration) int {
	n := 0
	for range time.Tick(d) {
		n++
	}
	return n
}

func Poll() int { return tick(time.Millisecond) }

func Sum(values chan int) int {
	t := 0
	for v := range values {
		t += v
	}
	return t
}

func Total(items []int) int {
	t := 0
	for _, v := range items {
		t += v
	}
	return t
}
"""


def test_ranging_over_a_channel_nobody_closes_is_skipped() -> None:
    funcs = ["Feed.Count", "Poll", "Sum", "Total"]
    planned, _ = plan({"p.go": RANGES}, funcs)
    reasons = {f: planned[f].skip_reason for f in funcs}
    assert reasons["Feed.Count"] == (
        f"waits for another goroutine: Feed.collect, which it calls, ranges over events (line "
        f"{line_of(RANGES, 'for e := range events')}) until it is closed, and the benchmark starts none")
    assert reasons["Poll"] is not None and "ranges over time.Tick(d)" in reasons["Poll"]
    # Near misses: a channel parameter the generator fills and closes; a slice.
    assert reasons["Sum"] is None and reasons["Total"] is None


def test_a_channel_taken_from_the_receiver_is_the_generators() -> None:
    src = """package p

import "sync"

type list struct {
	mu sync.Mutex
	m  map[uint64]chan any
}

func (w *list) Trigger(id uint64, x any) {
	w.mu.Lock()
	ch := w.m[id]
	delete(w.m, id)
	w.mu.Unlock()
	if ch != nil {
		ch <- x
		close(ch)
	}
}
"""
    planned, _ = plan({"p.go": src}, ["list.Trigger"])
    assert planned["list.Trigger"].skip_reason is None  # the map's channels are built by the generator


def test_waits_on_an_error_branch_are_not_the_benchmarks() -> None:
    src = """package p

import "errors"

var failures = make(chan error)

func check(v int) error {
	if v < 0 {
		return errors.New("negative")
	}
	return nil
}

func Store(v int) int {
	if err := check(v); err != nil && v != 0 {
		failures <- err
		return 0
	}
	return v * 2
}

func Report(v int) int {
	failures <- check(v)
	return v
}
"""
    planned, _ = plan({"p.go": src}, ["Store", "Report"])
    assert planned["Store"].skip_reason is None  # only an error sends, and generated inputs are valid
    assert planned["Report"].skip_reason is not None and "sends on failures" in planned["Report"].skip_reason



REFLECT = """package p

import "reflect"

func CopyFields(dst, src reflect.Value) {
	for i := 0; i < src.NumField(); i++ {
		dst.Field(i).Set(src.Field(i))
	}
}

func MethodNames(types []reflect.Type) []string {
	var out []string
	for _, t := range types {
		for i := 0; i < t.NumMethod(); i++ {
			out = append(out, t.Method(i).Name)
		}
	}
	return out
}

func Kinds(values []any) []reflect.Kind {
	var out []reflect.Kind
	for _, v := range values {
		out = append(out, reflect.ValueOf(v).Kind())
	}
	return out
}
"""


def test_reflection_walkers_are_skipped_and_their_callers_are_not() -> None:
    """A zero reflect.Value panics on Set/NumField: only the walker's callers build values that fit."""
    planned, _ = plan({"p.go": REFLECT}, ["CopyFields", "MethodNames", "Kinds"], {})
    assert (planned["CopyFields"].skip_reason or "").startswith("takes a reflect.Value")
    # Generated reflect.Types have no methods: the loop over them would never run.
    assert (planned["MethodNames"].skip_reason or "").startswith("takes a []reflect.Type")
    assert planned["Kinds"].skip_reason is None


EXIT_SEAM = """package p

import (
	"fmt"
	"os"
)

var exit = os.Exit // replaced in tests

var report = fmt.Println

type loggerT struct{ prefix string }

func (g *loggerT) Fatal(args ...any) {
	msg := g.prefix
	for _, a := range args {
		msg += fmt.Sprint(a)
	}
	fmt.Fprintln(os.Stderr, msg)
	exit(1)
}

func (g *loggerT) Info(args ...any) {
	msg := g.prefix
	for _, a := range args {
		msg += fmt.Sprint(a)
	}
	report(msg)
}
"""


def test_an_exit_through_a_package_variable_is_an_exit() -> None:
    """grpc's `var exit = os.Exit`: the seam tests replace still ends the benchmark's process."""
    planned, _ = plan({"p.go": EXIT_SEAM}, ["loggerT.Fatal", "loggerT.Info"])
    exit_line = line_of(EXIT_SEAM, "exit(1)")
    assert planned["loggerT.Fatal"].skip_reason == (
        f"ends the process: it calls exit (= os.Exit) (line {exit_line}) on every call")
    assert planned["loggerT.Info"].skip_reason is None  # a function variable that does not exit


PIPE = """package p

import "sync"

type pipe struct {
	mu    sync.Mutex
	buf   []byte
	w, r  int
	wwait sync.Cond
}

func newPipe(sz int) *pipe {
	p := &pipe{buf: make([]byte, 0, sz)}
	p.wwait.L = &p.mu
	return p
}

func (p *pipe) full() bool { return p.r < len(p.buf) && p.r == p.w }

func (p *pipe) empty() bool { return p.r == len(p.buf) }

// Write blocks while the buffer is full, until a reader makes room.
func (p *pipe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.full() {
		p.wwait.Wait()
	}
	n := copy(p.buf[p.w:cap(p.buf)], b)
	p.w += n
	p.buf = p.buf[:p.w]
	return n, nil
}

type bag struct {
	items []string
	count int
}

func (g *bag) Add(s string) {
	g.items = append(g.items, s)
	g.count++
}

func (g *bag) Joined() int {
	n := 0
	for _, s := range g.items {
		n += len(s)
	}
	return n
}
"""


def test_a_receiver_is_not_filled_through_a_method_that_can_block() -> None:
    """bufconn's pipe: filling a 2-byte pipe through its blocking Write hung the benchmark's setup; a
    method that only adds (bag.Add) is still the way to fill."""
    _, code = plan({"p.go": PIPE}, ["pipe.empty", "bag.Joined"])
    assert ".Write(" not in body(code, "BenchmarkPipe_empty")
    assert ".Add(" in body(code, "BenchmarkBag_Joined")


RECURSION = """package p

import "hash"

func expand(labels [][]string) (out [][]string) {
	if len(labels) == 1 {
		for _, v := range labels[0] {
			out = append(out, []string{v})
		}
		return out
	}
	for _, lbl := range labels[0] {
		for _, r := range expand(labels[1:]) {
			out = append(out, append(r, lbl))
		}
	}
	return out
}

type Args [][]string

func (a Args) Expand() [][]string { return expand(a) }

func match(str, pattern []rune) bool {
	for len(pattern) > 0 {
		for range pattern {
			if pattern[0] == '*' {
				return match(str, pattern[1:]) || (len(str) > 0 && match(str[1:], pattern))
			}
			break
		}
		if len(str) == 0 || str[0] != pattern[0] {
			return false
		}
		str, pattern = str[1:], pattern[1:]
	}
	return len(str) == 0
}

func count(labels [][]string) int {
	if len(labels) == 0 {
		return 0
	}
	return len(labels[0]) + count(labels[1:])
}

type Ref struct {
	section int
	h       hash.Hash
}

func (r *Ref) hash(data []byte, length int) []byte {
	var section []byte
	if length == r.section {
		section = data
	} else {
		length /= 2
		section = append(r.hash(data[:length], length), r.hash(data[length:], length)...)
	}
	r.h.Reset()
	r.h.Write(section)
	return r.h.Sum(nil)
}

func (r *Ref) sum(data []byte, length int) []byte {
	if length <= r.section {
		r.h.Write(data)
		return r.h.Sum(nil)
	}
	length /= 2
	return append(r.sum(data[:length], length), r.sum(data[length:], length)...)
}
"""


def test_a_recursion_once_per_element_on_the_rest_is_skipped() -> None:
    """minio's argExpander (and ArgPattern.Expand, which calls it): exponential in the length of labels,
    the generated benchmark ran until the test binary's timeout. A recursion on the rest once per call
    (count) is linear, and one the loop returns (match) happens once: they run."""
    planned, _ = plan({"p.go": RECURSION}, ["expand", "Args.Expand", "count", "match"])
    assert "calls itself on labels[1:] once per element of a loop" in (planned["expand"].skip_reason or "")
    assert "it calls expand (line" in (planned["Args.Expand"].skip_reason or "")
    assert planned["count"].skip_reason is None
    # minio's wildcard matcher returns its recursive calls: once per call, not once per element.
    assert planned["match"].skip_reason is None


def test_a_recursion_that_ends_only_at_a_value_the_callers_line_up_is_skipped() -> None:
    """go-ethereum's RefHasher.hash(data, length): it ends when length == rh.sectionLength; the generated
    length 0 halved forever and overflowed the stack. With a bound (`<=`) any value ends it."""
    planned, _ = plan({"p.go": RECURSION}, ["Ref.hash", "Ref.sum"])
    assert "its recursion ends only when length equals r.section" in (planned["Ref.hash"].skip_reason or "")
    assert planned["Ref.sum"].skip_reason is None


HEAP = """package p

import "container/heap"

type items []int

func (s items) Len() int            { return len(s) }
func (s items) Less(i, j int) bool  { return s[i] < s[j] }
func (s items) Swap(i, j int)       { s[i], s[j] = s[j], s[i] }
func (s *items) Push(x any)         { *s = append(*s, x.(int)) }
func (s *items) Pop() any           { old := *s; x := old[len(old)-1]; *s = old[:len(old)-1]; return x }

type Queue struct{ cont *items }

func (q *Queue) Remove(i int) any {
	if i < 0 {
		return nil
	}
	return heap.Remove(q.cont, i)
}

func (q *Queue) Top(k int) any {
	heap.Init(q.cont)
	return (*q.cont)[0] + k
}
"""


def test_a_position_in_a_heap_is_skipped() -> None:
    """go-ethereum's Prque.Remove(i): heap.Remove on an empty queue indexed -1 and panicked; a position
    in a heap comes only from the heap's own index callback. Top takes an int that is no position."""
    planned, _ = plan({"p.go": HEAP}, ["Queue.Remove", "Queue.Top"])
    reason = planned["Queue.Remove"].skip_reason or ""
    assert "its parameter i is a position in the heap q.cont (heap.Remove" in reason
    assert planned["Queue.Top"].skip_reason is None


ENCBUF = """package p

type listhead struct{ offset, size int }

type encbuf struct {
	str    []byte
	lheads []*listhead
	names  []string
}

func (w *encbuf) toBytes() []byte {
	out := make([]byte, len(w.str)+len(w.lheads))
	strpos, pos := 0, 0
	for _, head := range w.lheads {
		n := copy(out[pos:], w.str[strpos:head.offset])
		pos += n
		strpos += n
		out[pos] = byte(head.size)
		pos++
	}
	copy(out[pos:], w.str[strpos:])
	return out
}

func (w *encbuf) joined() []byte {
	var out []byte
	for _, head := range w.lheads {
		out = append(out, w.str[:min(len(w.str), 4)]...)
		out = append(out, byte(head.offset))
	}
	return out
}
"""


def test_positions_one_field_holds_into_another_are_skipped() -> None:
    """go-ethereum's rlp encbuf.toBytes: list heads hold offsets into the string buffer; generated heads
    sliced it out of range. A loop over one field that slices another by its own bounds runs."""
    planned, _ = plan({"p.go": ENCBUF}, ["encbuf.toBytes", "encbuf.joined"])
    assert "the elements of w.lheads hold positions into w.str" in (planned["encbuf.toBytes"].skip_reason or "")
    assert planned["encbuf.joined"].skip_reason is None


XOR = """package p

import "hash"

type cipher struct{ newHash func() hash.Hash }

func (c *cipher) Transcrypt(in, out []byte) {
	h := c.newHash()
	h.Write(in[:0])
	key := h.Sum(nil)
	inLength := len(in)
	for j := 0; j < inLength; j++ {
		out[j] = in[j] ^ key[j]
	}
}

func (c *cipher) Checked(in, out []byte) {
	h := c.newHash()
	key := h.Sum(nil)
	if len(in) > len(key) || len(out) < len(in) {
		return
	}
	for j := 0; j < len(in); j++ {
		out[j] = in[j] ^ key[j]
	}
}

func Masked(in []byte) []byte {
	out := make([]byte, len(in))
	for j := 0; j < len(in); j++ {
		out[j] = in[j] ^ 0x5c
	}
	return out
}
"""


def test_positions_of_a_parameter_into_a_value_a_call_sizes_are_skipped() -> None:
    """swarm's encryption.Transcrypt XORs `in` with a hash's sum, position by position: the generated 48
    bytes ran past the 8 of the generated hash. A length check, or a buffer made from the parameter's own
    length, runs."""
    planned, _ = plan({"p.go": XOR}, ["cipher.Transcrypt", "cipher.Checked", "Masked"])
    assert "indexes key, whose length h.Sum decides, at every position of in" in \
        (planned["cipher.Transcrypt"].skip_reason or "")
    assert planned["cipher.Checked"].skip_reason is None and planned["Masked"].skip_reason is None
