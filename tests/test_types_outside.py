"""Types from outside the package: the standard library's generated API, other packages' source handed
in (the module's packages, vendor/), and the one resolver every rule asks (analyzers/typeinfer.py).

Each Go line `probe(EXPR) // TYPE` states the type the resolver must give EXPR ("?" for unknown)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from analyzers.engine import Options, analyze_files
from analyzers.extern import External, stdlib
from analyzers.package import build_package
from analyzers.sources import FilesSource
from analyzers.walk import build_file
from tests.gotool import go_binary
from tools.gen_stdlib_types import encode, generate

PROBE = re.compile(r"probe\((.*)\)\s*//\s*(\S+)\s*$")

STD_SRC = b'''package p

import (
	"bufio"
	"crypto/sha256"
	"maps"
	"math/rand"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	urlpkg "net/url"
)

type Cache struct {
	*bufio.Writer
	hits atomic.Int64
	last atomic.Pointer[Entry]
	req  *http.Request
}

type Entry struct{ Key string }

type Store interface {
	Get(key string) (*Entry, bool)
}

type Duration time.Duration

func probe(any) {}

func f(c *Cache, s Store, names []string, m map[string]int, r *rand.Rand, u *urlpkg.URL) {
	h := sha256.New()
	probe(h.Sum(nil)) // []byte
	probe(strings.ToLower("X")) // string
	probe(strings.Fields("a b")) // []string
	probe(c.req.URL.Path) // string
	probe(c.req.Header) // http.Header
	probe(c.hits.Load()) // int64
	probe(c.last.Load()) // *Entry
	probe(c.Buffered()) // int
	probe(os.Stdout) // *os.File
	probe(http.DefaultClient) // *http.Client
	probe(2 * time.Second) // time.Duration
	probe(time.Second.String()) // string
	probe(slices.Clone(names)) // []string
	probe(slices.Max(names)) // string
	probe(u.Query()) // url.Values
	probe(u.Query().Get("k")) // string
	probe(r.Intn(3)) // int
	e, ok := s.Get("k")
	probe(e) // *Entry
	probe(ok) // bool
	fi, err := os.Stat("x")
	probe(fi.Name()) // string
	probe(err) // error
	for k, v := range maps.All(m) {
		probe(k) // string
		probe(v) // int
	}
	for i, line := range strings.Split("a\\nb", "\\n") {
		probe(i) // int
		probe(line) // string
	}
	rd := bufio.NewReader(os.Stdin)
	text, _ := rd.ReadString('\\n')
	probe(text) // string
	probe(time.Duration(3)) // time.Duration
	probe(Duration(3)) // Duration
	probe(unknown.Thing()) // ?
}
'''


def probes(pkg_src: bytes, external: External | None = None, path: str = "p/a.go") -> list[tuple[int, str, str]]:
    gf = build_file(path, pkg_src)
    pkg = build_package(path.rsplit("/", 1)[0], [gf], external=external)
    lines = pkg_src.decode().splitlines()
    out = []
    for func in pkg.funcs:
        for call in func.calls_named("probe"):
            m = PROBE.search(lines[call.line - 1])
            if m and call.args:
                got = pkg.types.type(call.args[0], func) or "?"
                out.append((call.line, m.group(2), got))
    return out


def test_standard_library_types_reach_every_kind_of_expression() -> None:
    found = probes(STD_SRC)
    assert len(found) == STD_SRC.count(b"probe(") - 1  # every probe line but the declaration
    wrong = [f"line {line}: want {want}, got {got}" for line, want, got in found if want != got]
    assert not wrong, "\n".join(wrong)


MODULE = {
    "go.mod": b"module example.com/m\n\ngo 1.22\n",
    "store/store.go": b"package store\n\ntype Rec struct {\n\tName string\n\tSize int64\n}\n\n"
                      b"func Open(dir string) (*DB, error) { return nil, nil }\n\ntype DB struct{ recs []Rec }\n\n"
                      b"func (d *DB) Recs() []Rec { return d.recs }\n",
    "vendor/example.org/codec/codec.go": b"package codec\n\nfunc Encode(v any) ([]byte, error) { return nil, nil }\n",
    "api/api.go": b'''package api

import (
	"example.com/m/store"
	"example.org/codec"
)

func probe(any) {}

func g() {
	db, _ := store.Open("x")
	probe(db) // *store.DB
	for _, r := range db.Recs() {
		probe(r.Size) // int64
	}
	b, err := codec.Encode(1)
	probe(b) // []byte
	probe(err) // error
}
''',
}


def test_other_packages_of_the_module_and_vendored_ones_give_their_types() -> None:
    external = External([FilesSource(MODULE)])
    found = probes(MODULE["api/api.go"], external, "api/api.go")
    wrong = [f"line {line}: want {want}, got {got}" for line, want, got in found if want != got]
    assert len(found) == 4 and not wrong, wrong


def test_without_their_source_other_packages_stay_unknown() -> None:
    found = probes(MODULE["api/api.go"], External(), "api/api.go")
    assert {got for _, _, got in found} == {"?"}


def test_the_engine_uses_the_module_it_is_given() -> None:
    files = {**MODULE, "api/fmt.go": b'package api\n\nimport (\n\t"fmt"\n\n\t"example.com/m/store"\n)\n\n'
             b'func label(r store.Rec) string { return fmt.Sprintf("%d", r.Size) }\n'}
    result = analyze_files(files, Options(enabled_rules=frozenset({"sprintf-simple"})))
    fixes = [f.message.rsplit("use ", 1)[1] for f in result.findings]
    assert fixes == ["strconv.FormatInt(r.Size, 10) (import strconv)"]


# -- the shipped standard-library data


@pytest.fixture(scope="module")
def goroot() -> Path:
    out = subprocess.run([go_binary(), "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def test_data_is_from_the_toolchain_the_tests_use(goroot: Path) -> None:
    std = stdlib()
    version = (goroot / "VERSION").read_text().split()[0]
    assert std.go_version == version, (
        f"analyzers/data was generated from {std.go_version}, the toolchain is {version}: run `make stdlib-types`")
    assert len(std.paths()) > 150 and "net/http" in std.paths() and not any("internal" in p for p in std.paths())


SAMPLE = ("strings", "hash", "bufio", "crypto/sha256", "net/url", "math/rand/v2", "sync/atomic")


def test_regeneration_is_deterministic_and_matches_the_data(goroot: Path) -> None:
    first = generate(goroot, only=SAMPLE)
    assert encode(first) == encode(generate(goroot, only=SAMPLE))
    committed = stdlib()
    for path in SAMPLE:
        assert first["packages"][path] == committed._raw[path], f"{path} differs from analyzers/data: regenerate"
    assert first["packages"]["math/rand/v2"]["n"] == "rand"
