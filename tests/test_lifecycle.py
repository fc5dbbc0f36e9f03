"""Code that runs a bounded few times: development code and start-up/shutdown functions."""

from __future__ import annotations

import pytest

from analyzers.hotpath import classify
from analyzers.lifecycle import dev_code_reason, startup_functions
from analyzers.package import build_package
from analyzers.walk import build_file


@pytest.mark.parametrize(
    ("path", "package", "dev"),
    [
        ("tests/framework/e2e/cluster.go", "e2e", True),
        ("internal/testutils/balancer.go", "testutils", True),
        ("examples/features/metadata/client/main.go", "main", True),
        ("tools/benchmark/cmd/put.go", "cmd", True),
        ("benchmark/stats/stats.go", "stats", True),
        ("caddytest/caddytest.go", "caddytest", True),
        ("cmd/protoc-gen-go-grpc/grpc.go", "main", True),
        ("interop/test_utils.go", "interop", True),
        ("interop/soak_tests.go", "interop", True),  # an interop test suite's soak client (grpc-go)
        ("interop/stress/client/main.go", "main", True),
        ("docs/examples/plugin/plugin.go", "plugin", True),
        ("pkg/store/store_mock.go", "store", True),
        ("server/etcdserver/server.go", "etcdserver", False),
        ("cmd/prometheus/main.go", "main", False),
        ("internal/latest/version.go", "latest", False),
        ("pkg/generic/list.go", "generic", False),
        ("util/testwal/records.go", "testwal", True),
        ("pkg/attestation/verify.go", "attestation", False),
        ("pkg/logql/bench/discover/pkg/tsdb/download.go", "tsdb", True),  # loki's benchmark tooling
        ("pkg/benchmarking/report.go", "benchmarking", False),
    ],
)
def test_development_code_by_path(path: str, package: str, dev: bool) -> None:
    assert (dev_code_reason(path, package) is not None) is dev


SRC = b"""package store

import "net/http"

type Store struct{ m map[string]string }

func OpenStore(dir string) (*Store, error) {
	s := &Store{}
	s.recoverIndex(dir)
	return s, nil
}

func (s *Store) recoverIndex(dir string) { s.readSegments(dir) }

func (s *Store) readSegments(dir string) { _ = dir }

func (s *Store) Get(k string) string { return s.lookup(k) }

func (s *Store) lookup(k string) string { return s.m[k] }

func (s *Store) Close() error { s.flush(); return nil }

func (s *Store) flush() {}

func (s *Store) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/", s.serve)
	s.serve(nil, nil)
}

func (s *Store) Provision() { s.serve(nil, nil) }

func (s *Store) serve(w http.ResponseWriter, r *http.Request) {}
"""


def test_start_up_and_shutdown_functions_and_their_private_helpers() -> None:
    pkg = build_package("store", [build_file("store/store.go", SRC)])
    found = {f.qualified_name for f in startup_functions(pkg)}
    once = {"OpenStore", "Store.recoverIndex", "Store.readSegments", "Store.Close", "Store.flush", "Store.Provision"}
    assert once <= found
    # Request paths and a helper handed out as a value (a handler) are not start-up code.
    assert not found & {"Store.Get", "Store.lookup", "Store.Routes", "Store.serve"}
    heat = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert heat["Store.readSegments"].tier == "cold"
    assert heat["Store.readSegments"].reasons == ["called only from Store.recoverIndex, which runs once"]
    assert heat["Store.Get"].tier == "hot"


def test_development_code_is_cold_unless_marked_hot() -> None:
    src = (b"package e2e\n\nfunc Spin(xs []int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tfor range xs {\n"
           b"\t\t\tn += x\n\t\t}\n\t}\n\treturn n\n}\n\n//perf-review:hot\nfunc Marked(xs []int) int {\n"
           b"\tfor range xs {\n\t\tfor range xs {\n\t\t}\n\t}\n\treturn 0\n}\n")
    pkg = build_package("tests/e2e", [build_file("tests/e2e/spin.go", src)])
    heat = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert heat["Spin"].tier == "cold" and heat["Spin"].reasons == ["development code (tests/)"]
    assert heat["Marked"].tier == "hot"


def test_code_that_runs_once_makes_nothing_hot() -> None:
    """A helper called in a loop of a constructor, and a closure run per item inside start-up code,
    run a bounded few times: they stay cold."""
    src = b"""package srv

type server struct{ names []string }

func label(s string) string { return "x" + s }

func newServer(cfgs []string) *server {
	s := &server{}
	for _, c := range cfgs {
		s.names = append(s.names, label(c))
		func() { s.names = append(s.names, c) }()
	}
	return s
}

func (s *server) Process(reqs []string) {
	for _, r := range reqs {
		_ = r
	}
}
"""
    pkg = build_package("srv", [build_file("srv/srv.go", src)])
    heat = {f.qualified_name: h.tier for f, h in classify(pkg).items()}
    assert heat["label"] == "cold" and heat["newServer.func1"] == "cold"
    assert heat["server.Process"] == "warm"


def test_printing_and_parsing_a_configuration_type_runs_at_load() -> None:
    """`ChainConfig.String` is logged at start-up (go-ethereum), `SDConfig.UnmarshalYAML` parses the
    configuration file; a configuration type's other methods may run per request (minio's
    `Config.FilterActionableRules` runs per replicated object)."""
    src = b"""package params

import "fmt"

type ChainConfig struct{ ShanghaiTime *uint64 }

func (c *ChainConfig) String() string { return fmt.Sprintf("Shanghai: %v", *c.ShanghaiTime) }

func (c *ChainConfig) UnmarshalJSON(b []byte) error { return nil }

func (c *ChainConfig) IsShanghai(t uint64) bool { return c.ShanghaiTime != nil && *c.ShanghaiTime <= t }

type Header struct{ Number uint64 }

func (h *Header) String() string { return fmt.Sprint(h.Number) }
"""
    pkg = build_package("params", [build_file("params/config.go", src)])
    found = {f.qualified_name for f in startup_functions(pkg)}
    assert {"ChainConfig.String", "ChainConfig.UnmarshalJSON"} <= found
    assert not found & {"ChainConfig.IsShanghai", "Header.String"}
    heat = {f.qualified_name: h.tier for f, h in classify(pkg).items()}
    assert heat["ChainConfig.String"] == "cold" and heat["Header.String"] == "hot"


def test_a_parser_that_produces_configuration_runs_at_load() -> None:
    """Caddy's directive parsers (`parsePHPFastCGI(h Helper) ([]ConfigValue, error)`) run when the
    Caddyfile is adapted; a parser of requests does not, even given the configuration."""
    src = b"""package fastcgi

type Helper struct{ args []string }
type ConfigValue struct{ Value string }
type Config struct{ Root string }
type Request struct{ Path string }

func parsePHPFastCGI(h Helper) ([]ConfigValue, error) { return nil, nil }

func parseRequest(cfg *Config, raw string) (*Request, error) { return &Request{Path: cfg.Root + raw}, nil }
"""
    pkg = build_package("fastcgi", [build_file("fastcgi/caddyfile.go", src)])
    found = {f.qualified_name for f in startup_functions(pkg)}
    assert "parsePHPFastCGI" in found and "parseRequest" not in found


def test_diagnostics_run_on_demand() -> None:
    """go-ethereum's `InspectDatabase`, `nodeStore.toDot` and the inspector's `display` print
    diagnostics when someone asks; `Display` is not a prefix of `Displacement`, and a pretty-printer
    of queries (prometheus's `Pretty`, per request) is not a diagnostic."""
    src = b"""package trie

type store struct{ nodes []string }

func InspectDatabase(keys []string) int { return len(keys) }

func (s *store) toDot(parent string) string { return parent }

func (s *store) display() string { return s.toDot("") }

func (s *store) Displacement() int { return len(s.nodes) }

func (s *store) Pretty(level int) string { return "" }
"""
    pkg = build_package("trie", [build_file("trie/store.go", src)])
    found = {f.qualified_name for f in startup_functions(pkg)}
    assert {"InspectDatabase", "store.toDot", "store.display"} <= found
    assert not found & {"store.Displacement", "store.Pretty"}


CONFIG_BUILD = '''package provider

import (
	"log"
	"net/http"
	"strings"
)

type Provider struct{ names []string }

func (p *Provider) loadConfiguration(hosts []string) map[string]string {
	conf := p.build(hosts)
	log.Printf("cannot build %d hosts? build went fine", len(conf)) // names in strings call nothing
	return conf
}

func (p *Provider) build(hosts []string) map[string]string {
	out := map[string]string{}
	for _, h := range hosts {
		out[h] = p.route(h)
	}
	return out
}

func (p *Provider) route(h string) string {
	return strings.Split(h, ":")[0]
}

// A helper named in a string and handed out as a value is still a value.
func (p *Provider) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/serve", p.serve)
}

func (p *Provider) serve(w http.ResponseWriter, r *http.Request) { _ = "serve" }
'''


def test_a_name_in_a_string_does_not_make_a_function_a_value() -> None:
    """traefik's ingress-nginx provider: `build` called only from loadConfiguration stayed hot because a log
    message says "Cannot build ...", and so did everything build calls in a loop."""
    pkg = build_package("provider", [build_file("provider/provider.go", CONFIG_BUILD.encode())])
    found = {f.qualified_name for f in startup_functions(pkg)}
    assert {"Provider.loadConfiguration", "Provider.build", "Provider.route"} <= found
    assert "Provider.serve" not in found  # passed as a value: callable from anywhere
    heat = {f.qualified_name: h for f, h in classify(pkg).items()}
    assert heat["Provider.route"].tier == "cold"


def test_a_method_called_only_from_start_up_on_receivers_of_its_type_runs_once() -> None:
    """go-ethereum's `stateSet.decode` is called by `loadDiskLayer` (`var states stateSet;
    states.decode(r)`) and by `StateSetWithOrigin.decode`, itself called only by `loadDiffLayer`; another
    type's `decode`, called per record elsewhere, does not make it a per-record method. A call on a
    receiver of unknown type still counts as a call of every method of the name."""
    src = b"""package p

type stateSet struct{ m map[string][]byte }
type withOrigin struct{ s *stateSet }
type meta struct{ v byte }
type other struct{}

func (s *stateSet) decode(b []byte) error   { return nil }
func (w *withOrigin) decode(b []byte) error { return w.s.decode(b) }
func (m *meta) decode(b []byte) error       { return nil }
func (o *other) encode(b []byte) error      { return nil }
func (s *stateSet) encode(b []byte) error   { return nil }

func loadDiskLayer(b []byte) error {
	var states stateSet
	return states.decode(b)
}

func loadDiffLayer(b []byte, w interface{ encode([]byte) error }) error {
	var ws withOrigin
	_ = w.encode(b)
	return ws.decode(b)
}

func ReadHistories(list [][]byte, w interface{ encode([]byte) error }) {
	for _, b := range list {
		var m meta
		_ = m.decode(b)
		_ = w.encode(b)
	}
}
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    found = {f.qualified_name: why for f, why in startup_functions(pkg).items()}
    assert found["stateSet.decode"].startswith("called only from "), found
    assert found["withOrigin.decode"] == "called only from loadDiffLayer, which runs once", found
    assert "meta.decode" not in found
    assert "stateSet.encode" not in found, "ReadHistories' w.encode, on an interface, may call it"
