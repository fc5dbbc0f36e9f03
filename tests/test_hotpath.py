"""Hot-path tiers and their reasons."""

from __future__ import annotations

from analyzers.hotpath import classify
from analyzers.package import build_package
from analyzers.testfiles import TestFile
from analyzers.walk import build_file

SRC = b"""package p

import (
	"net/http"
	"sort"
	"sync"
)

type S struct{ once sync.Once }
type byName []string

func (s *S) ServeHTTP(w http.ResponseWriter, r *http.Request) {}
func handle(w http.ResponseWriter, r *http.Request)            {}
func (b byName) Less(i, j int) bool                            { return b[i] < b[j] }
func NewS() *S                                                 { return &S{} }
func init()                                                    {}
func helper(x int) int                                         { return x * 2 }
func caller(xs []int) int {
	t := 0
	for _, x := range xs {
		t += helper(x)
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	return t
}

//perf-review:hot
func marked() {}
func plain() {}
func benched(s string) int { return len(s) }
func (s *S) setup() { s.once.Do(func() { plain() }) }
"""
TEST_SRC = b"""package p

import "testing"

func BenchmarkBenched(b *testing.B) {
	for i := 0; i < b.N; i++ {
		benched("x")
	}
}
"""


def tiers() -> dict[str, tuple[str, list[str]]]:
    pkg = build_package("p", [build_file("p/a.go", SRC)], [TestFile("p/a_test.go", TEST_SRC)])
    return {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}


def test_tiers() -> None:
    t = tiers()
    assert t["S.ServeHTTP"][0] == "hot" and "HTTP handler" in t["S.ServeHTTP"][1]
    assert t["handle"][0] == "hot"
    assert t["byName.Less"] == ("hot", ["per-element method Less"])
    assert t["NewS"] == ("cold", ["constructor"])
    assert t["init"][0] == "cold"
    # caller has a loop and no evidence of how often it runs: the helper it calls per item is its loop body
    assert t["helper"] == ("warm", ["called inside a loop in caller"])
    # the sort callback runs per element of a warm function's data: warm too, like helper
    assert t["caller.func1"][0] == "warm" and "sort.Slice" in t["caller.func1"][1][0]
    assert t["caller.func1"][1][-1] == "inside caller, which is warm"
    assert t["marked"][0] == "hot" and "//perf-review:hot" in t["marked"][1][0]
    assert t["plain"] == ("cold", ["called only from S.setup, which runs once"])
    assert t["benched"][0] == "hot" and "BenchmarkBenched" in t["benched"][1][0]
    assert t["S.setup.func1"] == ("cold", ["sync.Once body"])
    assert t["caller"] == ("warm", ["contains a loop"])


def test_calls_in_loops_match_functions_to_calls_and_methods_to_method_calls() -> None:
    src = b"""package p

import "strings"

type C struct{}

func (c *C) Get(k string) int { return len(k) }
func Get(k string) int         { return len(k) + 1 }
func Split(s string) []string  { return nil }

//perf-review:hot
func loop(c *C, xs []string) int {
	t := 0
	for _, x := range xs {
		t += c.Get(x) + len(strings.Split(x, ","))
	}
	return t
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["C.Get"].reasons[0] == "called inside a loop in loop"
    assert not any("called inside a loop" in r for r in t["Get"].reasons), "a method call is not a call of Get"
    assert not any("called inside a loop" in r for r in t["Split"].reasons), "strings.Split is not p.Split"


def test_a_method_called_in_a_loop_on_a_receiver_of_known_type_is_that_types_method_only() -> None:
    """go-ethereum's `readStateHistories` calls `m.decode(blob)` per record with `var m meta`; that made
    every `decode` of the package hot, `stateSet.decode` too (a journal read once at start-up). A call on
    a receiver of unknown type (`x.decode` with x from another package's call) still stands for every
    method of the name."""
    src = b"""package p

type meta struct{ v byte }
type stateSet struct{ m map[string][]byte }
type other struct{}

func (m *meta) decode(b []byte) error      { m.v = b[0]; return nil }
func (s *stateSet) decode(b []byte) error  { return nil }
func (o *other) encode(b []byte) error     { return nil }
func (s *stateSet) encode(b []byte) error  { return nil }

//perf-review:hot
func readAll(list [][]byte, get func() interface{ encode([]byte) error }) {
	for _, b := range list {
		var m meta
		_ = m.decode(b)
		_ = get().encode(b)
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["meta.decode"].reasons[0] == "called inside a loop in readAll"
    assert not any("called inside a loop" in r for r in t["stateSet.decode"].reasons), t["stateSet.decode"]
    assert t["other.encode"].reasons[0] == "called inside a loop in readAll"
    assert t["stateSet.encode"].reasons[0] == "called inside a loop in readAll"


def test_a_composite_asking_each_part_by_the_same_method_name_is_not_recursion() -> None:
    """caddy's `MatcherSet.Match` loops over its `RequestMatcher`s calling `m.Match(r)`: the receiver is
    an interface, so every `Match` of the package may run per request; a tree printer calling its own
    method on a child of its own type is recursion, which is no evidence."""
    src = b"""package p

import "net/http"

type RequestMatcher interface{ Match(*http.Request) bool }
type MatcherSet []RequestMatcher
type MatcherSets []MatcherSet

func (mset MatcherSet) Match(r *http.Request) bool {
	for _, m := range mset {
		if !m.Match(r) {
			return false
		}
	}
	return true
}

func (ms MatcherSets) AnyMatch(r *http.Request) bool {
	for _, m := range ms {
		if m.Match(r) {
			return true
		}
	}
	return false
}

type MatchPath []string

func (m MatchPath) Match(r *http.Request) bool { return len(m) > 0 && r.URL.Path == m[0] }

type node struct{ kids []*node }

func (n *node) Match(r *http.Request) bool {
	for _, k := range n.kids {
		if k.Match(r) {
			return true
		}
	}
	return false
}

//perf-review:hot
func serve(sets MatcherSets, r *http.Request) bool { return sets.AnyMatch(r) }
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["MatcherSet.Match"].reasons[0] == "called inside a loop in MatcherSets.AnyMatch"
    assert t["MatchPath.Match"].reasons[0] == "called inside a loop in MatcherSet.Match", t["MatchPath.Match"]
    assert not any(r == "called inside a loop in node.Match" for h in t.values() for r in h.reasons)


def test_error_methods_format_failures_and_interface_method_names_called_in_loops_are_no_evidence() -> None:
    """`err.Error()` or `x.String()` in some loop says nothing about which type's method runs there
    (minio's `DataMovementOverwriteErr.Error` was hot for every `err.Error()` in a loop of a handler);
    an `Error()` method formats a failure's message: cold."""
    src = b"""package p

import "fmt"

type NotFound struct{ Key string }

func (e NotFound) Error() string { return fmt.Sprintf("not found: %s", e.Key) }

type Point struct{ X int }

func (p Point) String() string { return fmt.Sprint(p.X) }

type Cache struct{}

func (c *Cache) Fill(keys []string) {}

//perf-review:hot
func report(errs []error, ps []fmt.Stringer, c *Cache) []string {
	var out []string
	for i, err := range errs {
		out = append(out, err.Error(), ps[i].String())
		c.Fill(out)
	}
	return out
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["NotFound.Error"].tier == "cold"
    assert t["Point.String"].reasons == ["per-element method String"]
    assert t["Cache.Fill"].reasons[0] == "called inside a loop in report"


def test_a_helper_that_only_formats_error_and_log_messages_is_cold() -> None:
    """go-ethereum's `nodeLoc.string()` is called only to build the error for a corrupt node."""
    src = b"""package pathdb

import (
	"errors"
	"fmt"
	"log"
)

type nodeLoc struct{ loc string }

func (l nodeLoc) string() string { return fmt.Sprintf("loc: %s", l.loc) }

func describe(k string) string { return fmt.Sprintf("key %s", k) }

func keyOf(k string) string { return fmt.Sprintf("key-%s", k) }

//perf-review:hot
func read(keys []string, l nodeLoc, m map[string]int) error {
	for _, k := range keys {
		if _, ok := m[keyOf(k)]; !ok {
			log.Printf("missing %s", describe(k))
			return fmt.Errorf("unexpected node at %s", l.string())
		}
	}
	return errors.New(describe("x"))
}
"""
    pkg = build_package("pathdb", [build_file("pathdb/reader.go", src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["nodeLoc.string"].tier == "cold" and t["describe"].tier == "cold"
    assert t["describe"].reasons == ["called only to format error and log messages"]
    assert t["keyOf"].tier == "hot"


def test_recursion_and_calls_of_another_packages_method_are_no_evidence() -> None:
    """go-ethereum's `fullNode.fstring` calls itself per child (a debug printer: recursion says how deep
    the tree is, not how often it is printed), and `ks.mu.Lock()` in `KeyStore.updater`'s loop is
    sync.RWMutex.Lock, not `KeyStore.Lock`."""
    src = b"""package p

import (
	"fmt"
	"sync"
)

type node struct{ kids []*node }

func (n *node) fstring(ind string) string {
	s := ""
	for _, k := range n.kids {
		s += k.fstring(ind + " ")
	}
	return s + fmt.Sprintf("%s]", ind)
}

type KeyStore struct {
	mu       sync.RWMutex
	unlocked map[string]int
}

func (ks *KeyStore) Lock(a string) { ks.mu.Lock(); delete(ks.unlocked, a); ks.mu.Unlock() }

func (ks *KeyStore) Forget(a string) { delete(ks.unlocked, a) }

//perf-review:hot
func (ks *KeyStore) updater(addrs []string, other *KeyStore) {
	for _, a := range addrs {
		ks.mu.Lock()
		ks.mu.Unlock()
		other.Forget(a)
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["node.fstring"].reasons == ["contains a loop"]
    assert t["KeyStore.Lock"].tier == "warm", t["KeyStore.Lock"]
    assert t["KeyStore.Forget"].reasons[0] == "called inside a loop in KeyStore.updater"


def test_set_up_before_a_benchmarks_timed_loop_is_not_what_it_measures() -> None:
    """grpc's `BenchmarkChainUnaryInterceptor` makes a server with `NewServer` once, then times the
    interceptor chain: NewServer stays a cold constructor; what the loop calls is hot. A helper without a
    loop of its own (`benchmarkFoo(b, n)`) keeps all its calls."""
    src = b"""package p

func NewServer() *Server { return &Server{} }

type Server struct{}

func (s *Server) prepare() int     { return 1 }
func (s *Server) chain(x int) int { return x }
func run(x int) int                 { return x }
"""
    test_src = b"""package p

import "testing"

func BenchmarkChain(b *testing.B) {
	s := NewServer()
	n := s.prepare()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.chain(n)
	}
}

func BenchmarkRun(b *testing.B) { benchRun(b, 3) }

func benchRun(b *testing.B, n int) {
	for range b.N {
		run(n)
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)], [TestFile("p/a_test.go", test_src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["NewServer"].tier == "cold"
    assert t["Server.prepare"].tier == "cold", t["Server.prepare"]
    assert t["Server.chain"].reasons[0] == "exercised by BenchmarkChain"
    assert t["run"].reasons[0] == "exercised by benchRun"


def test_a_flag_value_set_method_parses_a_command_line_flag() -> None:
    """etcd's `featureGate.Set(value string) error` implements flag.Value: it runs when flags are parsed."""
    src = b"""package p

import "strings"

type gate struct{ m map[string]bool }

func (g *gate) String() string { return "" }

func (g *gate) Set(value string) error {
	for _, kv := range strings.Split(value, ",") {
		g.m[strings.SplitN(kv, "=", 2)[0]] = true
	}
	return nil
}

func (g *gate) Put(value string) { g.m[value] = true }
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert t["gate.Set"].tier == "cold" and "flag.Value" in t["gate.Set"].reasons[0]
    assert t["gate.Put"].tier != "cold"


def test_a_loop_makes_its_callees_as_hot_as_the_function_it_is_in() -> None:
    """prometheus' `AlertmanagerFromGroup` loops over a discovery update's few targets; what it calls per
    target runs as often as that loop's body: warm, not hot. The same callee called per item of an HTTP
    handler's loop is hot, and so is what that callee calls in a loop of its own (transitively)."""
    src = b"""package p

import "net/http"

func Build(targets []string) []string {
	var out []string
	for _, t := range targets {
		out = append(out, path(t))
	}
	return out
}

func path(t string) string { return "/" + t }

func name(t string) string { return "n" + t }

func render(ts []string) (n int) {
	for _, t := range ts {
		n += len(leaf(t))
	}
	return n
}

func leaf(t string) string { return t }

func handle(w http.ResponseWriter, r *http.Request) {
	for _, q := range r.URL.Query()["q"] {
		_ = name(q)
		_ = render([]string{q})
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    assert t["path"] == ("warm", ["called inside a loop in Build"])
    assert t["name"] == ("hot", ["called inside a loop in handle"])
    assert t["render"][0] == "hot" and t["render"][1][0] == "called inside a loop in handle"
    assert t["leaf"] == ("hot", ["called inside a loop in render"])


def test_a_benchmark_calling_a_method_name_several_types_define_is_evidence_for_none() -> None:
    """prometheus' `BenchmarkExprString` calls `expr.String()`: no evidence that the lexer item's
    `String` runs per op. A method name only one type defines keeps the evidence."""
    src = b"""package p

type item struct{ v string }
type Expr struct{ s string }

func (i item) String() string  { return i.v }
func (e *Expr) String() string { return e.s }
func (e *Expr) Pretty() string { return e.s }
"""
    test_src = b"""package p

import "testing"

func BenchmarkExprString(b *testing.B) {
	e := &Expr{s: "x"}
	for i := 0; i < b.N; i++ {
		_ = e.String()
		_ = e.Pretty()
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)], [TestFile("p/a_test.go", test_src)])
    t = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert not any("BenchmarkExprString" in r for r in t["item.String"].reasons)
    assert t["Expr.Pretty"].reasons == ["exercised by BenchmarkExprString"]


def test_a_types_encoding_methods_are_warm() -> None:
    """go-ethereum's `ABI.UnmarshalJSON` loads a contract definition once; minio's legacy xl.json v1
    `ChecksumInfo.MarshalJSON` rarely runs: an encoding method says what the type does, not how often."""
    src = b"""package p

import "fmt"

type Info struct{ Part int }

func (c Info) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("part.%d", c.Part)), nil }

type ABI struct{ names []string }

func (a *ABI) UnmarshalJSON(data []byte) error {
	for _, b := range data {
		a.names = append(a.names, errorName(string(b)))
	}
	return nil
}

func errorName(name string) string { return fmt.Sprintf("error %v", name) }

func (c Info) Less(o Info) bool { return c.Part < o.Part }
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    assert t["Info.MarshalJSON"] == ("warm", ["encoding method MarshalJSON"])
    assert t["ABI.UnmarshalJSON"] == ("warm", ["encoding method UnmarshalJSON", "contains a loop"])
    assert t["errorName"] == ("warm", ["called inside a loop in ABI.UnmarshalJSON"])
    assert t["Info.Less"] == ("hot", ["per-element method Less"])


def test_what_a_request_handler_calls_runs_per_request() -> None:
    """traefik's passTLSClientCert.ServeHTTP calls getCertInfo once per request, outside any loop: hot,
    and so is what getCertInfo calls. A function a merely shape-hot function (nested loops) calls
    outside a loop gains nothing."""
    src = b"""package p

import (
	"fmt"
	"net/http"
)

type mw struct{ next http.Handler }

func (m *mw) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Cert", m.certInfo(r.Host))
	globalTargets.set(r.Host)
	m.next.ServeHTTP(w, r)
}

type targets struct{ last string }

func (t *targets) set(s string) { t.last = s }

type notifier struct{ last string }

func (n *notifier) set(s string) { n.last = fmt.Sprintf("%s!", s) }

var globalTargets = &targets{}

func (m *mw) certInfo(host string) string { return part(host) }

func part(s string) string { return fmt.Sprintf("h=%s", s) }

func grid(rows [][]int) int {
	n := 0
	for _, r := range rows {
		for _, c := range r {
			n += c
		}
	}
	return n + len(label(n))
}

func label(n int) string { return fmt.Sprint(n) }
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    assert t["mw.certInfo"] == ("hot", ["called by mw.ServeHTTP"])
    assert t["part"] == ("hot", ["called by mw.certInfo"])
    assert t["grid"][0] == "hot" and t["label"][0] == "cold", t["label"]
    assert t["targets.set"] == ("hot", ["called by mw.ServeHTTP"])
    assert t["notifier.set"][0] != "hot", "another type's set is not what the handler calls"


def test_a_function_that_ends_by_panicking_reports_a_failure() -> None:
    """text/template's `Tree.errorf` formats the message and panics; the parser calls it in its loops
    only when the template is wrong."""
    src = b"""package p

import "fmt"

type Tree struct{ name string }

func (t *Tree) errorf(format string, args ...any) {
	format = fmt.Sprintf("template: %s: %s", t.name, format)
	panic(fmt.Errorf(format, args...))
}

//perf-review:hot
func (t *Tree) parse(items []string) {
	for _, it := range items {
		if it == "" {
			t.errorf("empty item")
		}
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    assert t["Tree.errorf"] == ("cold", ["ends by panicking: reports a failure"])


def test_an_administrators_api_runs_at_an_operators_rate() -> None:
    """minio's `adminAPIHandlers` and files named `admin-handlers.go`, caddy's `newAdminHandler`: an
    operator calls them, not every user request; a handler of another type in the same package is still
    hot, and a name that only contains the letters (`badmintonHandler`) is no admin API."""
    admin = b"""package p

import "net/http"

type adminAPIHandlers struct{}
type objectHandlers struct{}

func (a adminAPIHandlers) ListUsers(w http.ResponseWriter, r *http.Request) { usersOf(r) }
func usersOf(r *http.Request) int { n := 0; for range r.URL.Query() { for range r.Header { n++ } }; return n }
func (o objectHandlers) GetObject(w http.ResponseWriter, r *http.Request) {}
func badmintonHandler(w http.ResponseWriter, r *http.Request) {}
func newAdminHandler() {}
func (o objectHandlers) PutObject(w http.ResponseWriter, r *http.Request) {
	for range r.Header {
		if isAdmin(r) || requireAdmin(r) == nil {
			return
		}
	}
}
func isAdmin(r *http.Request) bool { n := 0; for range r.Header { for range r.Header { n++ } }; return n > 0 }
func requireAdmin(r *http.Request) error { for range r.Header { for range r.Header { } }; return nil }
"""
    health = b"""package p

import "net/http"

func healthInfo(w http.ResponseWriter, r *http.Request) {}
"""
    pkg = build_package("p", [build_file("p/a.go", admin), build_file("p/admin-handlers.go", health)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    assert t["adminAPIHandlers.ListUsers"][0] == "cold", t["adminAPIHandlers.ListUsers"]
    assert "administrator" in t["adminAPIHandlers.ListUsers"][1][0]
    assert t["usersOf"] == ("cold", ["called only from adminAPIHandlers.ListUsers, an administrator's API"])
    assert t["newAdminHandler"][0] == "cold"
    assert t["healthInfo"][0] == "cold", t["healthInfo"]
    assert t["objectHandlers.GetObject"][0] == "hot"
    assert t["badmintonHandler"][0] == "hot"
    # a check of whether the caller is an administrator runs on every request
    assert t["isAdmin"][0] == "hot" and t["requireAdmin"][0] == "hot", (t["isAdmin"], t["requireAdmin"])


def test_a_function_named_for_an_error_runs_on_a_failure() -> None:
    """minio's `errToEntry` and `joinErrs` build an error's log entry and text: cold even when a hot
    loop calls them. A handler factory named for errors wraps every request and is not; neither is a
    name where the letters sit inside a word (`interrupt`)."""
    src = b"""package p

import (
	"fmt"
	"net/http"
)

func errToEntry(err error) string { return fmt.Sprintf("%v", err) }
func joinErrs(errs []error) string { return fmt.Sprint(len(errs)) }
func writeErrorResponse(w http.ResponseWriter, apiErr APIError) {}
func errorCode(name string) string { return fmt.Sprintf("E%v", name) }

type APIError struct{ Code string }
func errorHandler(next http.Handler) http.Handler { return next }
func interrupt(xs []int) int { return len(xs) }

//perf-review:hot
func serve(items []error) {
	for _, it := range items {
		_ = errToEntry(it)
		_ = joinErrs(items)
		_ = interrupt(nil)
		_ = errorCode("x")
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    for name in ("errToEntry", "joinErrs", "writeErrorResponse"):
        assert t[name] == ("cold", ["named for an error: builds, reports or handles a failure"]), (name, t[name])
    assert t["errorHandler"][0] != "cold" or "error" not in t["errorHandler"][1][0]
    assert t["interrupt"][0] == "hot", t["interrupt"]
    assert t["errorCode"][0] == "hot", "it takes no error: a name, not a failure"


def test_what_only_failure_code_calls_runs_on_a_failure() -> None:
    """minio's getTrace walks the stack with nested loops, but only errToEntry calls it: it runs when an
    error is logged. A helper that a request path calls as well stays hot."""
    src = b"""package p

import "fmt"

func errToEntry(err error) []string { return append(getTrace(3), shared(1)) }

func getTrace(level int) []string {
	var trace []string
	for i := 0; i < level; i++ {
		for _, name := range []string{"a", "b"} {
			trace = append(trace, fmt.Sprintf("%v:%v", name, i))
		}
	}
	return trace
}

func shared(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			s += "x"
		}
	}
	return s
}

//perf-review:hot
func serve(n int) string { return shared(n) }
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    assert t["getTrace"] == ("cold", ["called only from errToEntry, which runs on a failure"]), t["getTrace"]
    assert t["shared"][0] == "hot", t["shared"]


def test_a_literal_per_element_takes_its_functions_tier() -> None:
    """A callback or a closure inside a loop runs per element of the enclosing function's data: hot in
    a hot function, warm in one that has only a loop or no evidence (hugo's codegen runs ast.Inspect
    per file), and cold in start-up code."""
    src = b"""package p

import (
	"net/http"
	"sort"
)

func handler(w http.ResponseWriter, r *http.Request) {
	xs := r.URL.Query()["x"]
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
}

func parseSource(files []string) {
	for _, f := range files {
		func() { _ = f }()
	}
}

func loadConfig(files []string) {
	for _, f := range files {
		func() { _ = f }()
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    t = {f.qualified_name: (h.tier, h.reasons) for f, h in classify(pkg).items()}
    assert t["handler.func1"][0] == "hot", t["handler.func1"]
    assert t["parseSource.func1"][0] == "warm", t["parseSource.func1"]
    assert t["loadConfig.func1"][0] == "cold", t["loadConfig.func1"]


def test_the_teams_mark_is_measured_evidence_and_reaches_what_the_marked_function_calls() -> None:
    """A `//perf-review:hot` mark (or a hot_paths glob) is the team's word: the marked function, what it
    calls per element or per request, and closures it runs per element are `measured`. A tier guessed from
    the code's shape (nested loops, a handler's signature) is not, nor is what such a function calls."""
    src = b"""package p

import (
	"net/http"
	"sort"
)

func item(x int) int   { return x * 2 }
func once(xs []int) int { return len(xs) }
func pair(x int) int    { return x + 1 }

//perf-review:hot
func Marked(xs []int) int {
	t := once(xs)
	for _, x := range xs {
		t += item(x)
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	return t
}

func Grid(xss [][]int) int {
	t := 0
	for _, xs := range xss {
		for _, x := range xs {
			t += pair(x)
		}
	}
	return t
}

func Handle(w http.ResponseWriter, r *http.Request) { _ = pair(1) }
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    heat = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert all(h.tier == "hot" for h in heat.values())
    measured = {name for name, h in heat.items() if h.measured}
    assert measured == {"Marked", "item", "once", "Marked.func1"}
    # Grid's nested loops and Handle's signature make them and pair hot, by shape only.
    assert {"Grid", "Handle", "pair"} <= set(heat) - measured
