"""The Go model: functions, loops, declarations, package facts, go.mod versions."""

from __future__ import annotations

from analyzers.package import build_package, go_version_of
from analyzers.walk import build_file

SRC = b"""package shop

import (
	"net/http"
	"sync"
	"time"
)

type Point struct {
	X, Y int32
	Label string
}

type Big struct {
	Data [64]int64
	P    Point
	When time.Time
}

type Counter struct {
	mu sync.Mutex
	n  int64
}

type Guarded struct {
	c    Counter
	name string
}

var registry = map[string]int{}

func (c *Counter) Inc() { c.mu.Lock(); c.n++; c.mu.Unlock() }

func Sum(xs []int, m map[string]Point) (total int, err error) {
	buf := make([]byte, 0, 64)
	var names []string
	p := &Point{}
	for i, x := range xs {
		for range 10 {
			total += x + i
		}
	}
	for k, v := range m {
		names = append(names, k+v.Label)
	}
	for i := 0; i < len(xs); i++ {
		go func() { _ = i }()
	}
	_, _, _ = buf, names, p
	return total, nil
}

func Handler(w http.ResponseWriter, r *http.Request) {}
"""


def test_functions_params_and_loops() -> None:
    gf = build_file("shop/a.go", SRC)
    names = [f.qualified_name for f in gf.funcs]
    assert names == ["Counter.Inc", "Sum", "Sum.func1", "Handler"]
    inc, total, lit, handler = gf.funcs
    assert inc.receiver == "Counter" and inc.pointer_receiver and inc.receiver_name == "c"
    assert [(p.name, p.type) for p in total.params] == [("xs", "[]int"), ("m", "map[string]Point")]
    assert [(p.name, p.type) for p in total.results] == [("total", "int"), ("err", "error")]
    kinds = [(lp.kind, lp.depth) for lp in total.loops]
    assert kinds == [("range", 1), ("range-int", 2), ("range", 1), ("for", 1)]
    assert lit.parent is total and len(lit.outer_loops) == 1 and lit.outer_loops[0].kind == "for"
    assert handler.params[0].type == "http.ResponseWriter"
    assert gf.imports == {"http": "net/http", "sync": "sync", "time": "time"}
    assert gf.package == "shop"


def test_declared_types_from_syntax() -> None:
    gf = build_file("shop/a.go", SRC)
    total = gf.funcs[1]
    assert total.type_of("buf") == "[]byte"
    assert total.decl("buf").make_args == ("0", "64")
    assert total.type_of("names") == "[]string"
    assert total.type_of("p") == "*Point"
    assert total.type_of("xs") == "[]int"
    assert total.type_of("k") == "string" and total.type_of("v") == "Point"
    assert total.type_of("x") == "int"


def test_package_facts_struct_sizes_and_locks() -> None:
    gf = build_file("shop/a.go", SRC)
    pkg = build_package("shop", [gf], go_mod=b"module example.com/shop\n\ngo 1.22.3\n")
    assert pkg.go_version == "1.22.3" and pkg.go_at_least(22) and not pkg.go_at_least(23)
    assert pkg.structs["Point"].size == 24  # two int32 (8) + string (16)
    assert pkg.structs["Big"].size == 64 * 8 + 24 + 24
    assert pkg.structs["Counter"].locks == {"mu"}
    assert pkg.structs["Guarded"].locks == {"c"}, "a struct holding a struct with a lock holds a lock"
    assert pkg.vars["registry"] == "map[string]int"


def test_go_version_parsing() -> None:
    assert go_version_of(b"module x\n\ngo 1.24\n\ntoolchain go1.24.1\n") == "1.24"
    assert go_version_of(b"module x\n") == ""


def test_calls_are_indexed_with_loop_context() -> None:
    gf = build_file("shop/a.go", SRC)
    total = gf.funcs[1]
    appends = total.calls_named("append")
    assert len(appends) == 1 and appends[0].loops[0].kind == "range"
    make = total.calls_named("make")[0]
    assert make.callee == "make" and not make.loops


def test_types_declared_per_build_tag_are_of_unknown_shape() -> None:
    unix = build_file("os/dir_unix.go", b"//go:build unix\n\npackage os\n\ntype dirInfo struct{ buf *[]byte }\n")
    other = build_file("os/dir_plan9.go", b"//go:build plan9\n\npackage os\n\ntype dirInfo struct{ buf [8192]byte }\n")
    pkg = build_package("os", [unix, other])
    assert pkg.struct_of("dirInfo") is None
    assert pkg.size_of("dirInfo") is None


def test_locks_are_found_through_any_nesting_and_named_sync_types() -> None:
    src = b"""package p

import "sync"

type L0 struct{ l1 L1 }
type L1 struct{ l2 L2 }
type L2 struct{ mu sync.Mutex }
type onceType sync.Once
type Lazy struct{ once onceType }
type Plain struct{ n int }
"""
    pkg = build_package("p", [build_file("p/a.go", src)])
    assert pkg.structs["L0"].locks == {"l1"}
    assert pkg.structs["L1"].locks == {"l2"}
    assert pkg.structs["Lazy"].lock_kinds == {"once": "Once"}
    assert not pkg.structs["Plain"].locks


def test_package_call_index_covers_every_function_and_closure() -> None:
    a = build_file("p/a.go", b'package p\n\nimport "time"\n\nfunc F() {\n\tgo func() { time.Sleep(1) }()\n}\n')
    b = build_file("p/b.go", b"package p\n\nfunc G(s []int) []int {\n\treturn append(s, 1)\n}\n")
    pkg = build_package("p", [a, b])
    assert pkg.calls_any("Sleep") and pkg.calls_any("Nope", "append")
    assert not pkg.calls_any("time", "After", "Sprintf")
    assert not build_package("q", [build_file("q/c.go", b"package q\n\nvar X = 1\n")]).calls_any("append")


def test_json_output_items_are_what_json_dumps_gives() -> None:
    import json

    from analyzers.model import FunctionFact, Param, Result, Skipped
    from bot.formats import to_json

    fact = FunctionFact("a/é.go", "F", "T", 1, 9, "hot", ["called by \"G\"\n"], params=[Param("x", "[]int")],
                        cpu_share=0.1 + 0.2, cpu_share_flat=1e-7)
    result = Result(functions=[fact, fact], skipped=[Skipped("b.go", "binary content")])
    lines = to_json(result).splitlines()
    assert lines[lines.index('  "functions": [') + 1] == "    " + json.dumps(fact.to_json()) + ","
    assert json.loads(to_json(result)) == json.loads(json.dumps(result.to_json()))
