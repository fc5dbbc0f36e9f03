"""The benchmark generator's shapes: loop form by Go version, sizes, parallel, handlers, receivers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzers.report.benchmarks import (
    BenchmarkError,
    benchmark_file,
    benchmarks_in,
    join_plan,
    load_package,
    skipped_in,
    split_plan,
)
from bot.cli import main

STORE = """package shop

import (
	"context"
	"net/http"
	"sync"

	"example.com/shop/money"
)

type Item struct {
	SKU   string
	Price money.Cents
}

type Store struct {
	mu    sync.Mutex
	items map[string]Item
}

func NewStore() *Store { return &Store{items: map[string]Item{}} }

func (s *Store) Get(sku string) (Item, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[sku]
	return it, ok
}

func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

func Total(ctx context.Context, items []Item) money.Cents {
	var t money.Cents
	for _, it := range items {
		t += it.Price
	}
	return t
}

func Keys[K comparable, V any](m map[K]V) []K { return nil }

func helper(n int) int { return n }
"""


def package(go: str = "1.22", extra: dict[str, bytes] | None = None):  # type: ignore[no-untyped-def]
    files: dict[str, bytes | None] = {
        "go.mod": f"module example.com/shop\n\ngo {go}\n".encode(),
        "shop/store.go": STORE.encode(),
        **(extra or {}),
    }
    pkg = load_package("shop", files)
    assert pkg is not None
    return pkg


def everything(go: str = "1.22") -> str:
    pkg = package(go)
    return benchmark_file(pkg, [f.qualified_name for f in pkg.funcs if not f.is_literal])


def bench_body(code: str, name: str) -> str:
    m = re.search(rf"^func {name}\(b \*testing\.B\) \{{\n(.*?)^\}}$", code, re.MULTILINE | re.DOTALL)
    assert m, f"{name} not generated"
    return m.group(1)


def test_loop_form_follows_go_version() -> None:
    old, new = everything("1.22"), everything("1.24")
    assert "for i := 0; i < b.N; i++ {" in old and "b.ResetTimer()" in old and "b.Loop()" not in old
    assert "for b.Loop() {" in new and "b.N;" not in new


def test_shapes_of_each_benchmark() -> None:
    code = everything("1.24")
    get = bench_body(code, "BenchmarkStore_Get")
    assert "s := NewStore()" in get  # receiver built by the package's constructor
    assert "s.items = perfReviewMap(16, perfReviewKey, perfReviewItem)" in get  # ... with the map Get reads filled
    assert "sku := perfReviewKey(1)" in get  # a key that is in the map
    assert "b.RunParallel(func(pb *testing.PB) {" in get  # Get takes a lock
    assert "b.Run(" not in get  # nothing Get does grows with n: one benchmark
    handler = bench_body(code, "BenchmarkStore_ServeHTTP")
    assert "httptest.NewRecorder()" in handler and "httptest.NewRequest(" in handler
    total = bench_body(code, "BenchmarkTotal")
    assert 'perfReviewSized(b, "Total", func(b *testing.B, n int) {' in total  # the loop walks items: sizes
    assert "context.Background()" in total and "items := perfReviewSlice(n, perfReviewItem)" in total
    assert "perfReviewSinkTotal = Total(" in total
    assert "var perfReviewSinkTotal money.Cents" not in code  # sinks live in one var block
    assert re.search(r"^\tperfReviewSinkTotal money\.Cents$", code, re.MULTILINE)
    assert '"example.com/shop/money"' in code  # an import taken from the function's file
    assert '"net/http"' not in code  # imports follow what the generated code uses
    helper = bench_body(code, "BenchmarkHelper")  # unexported: fine in the same package
    assert "n2 := 2" in helper
    for body in (get, handler, helper):
        assert "b.ReportAllocs()" in body and 'defer perfReviewGuard(b, "' in body
    # Sized ones: perfReviewSized guards each sub-benchmark and reports its allocations.
    assert "defer perfReviewGuard(b, what)\n\t\t\tb.ReportAllocs()\n\t\t\tbench(b, n)" in code
    assert 'b.Skip("perf-review: generic function: instantiate it by hand")' in bench_body(code, "BenchmarkKeys")
    assert [b.name for b in benchmarks_in(code)][:2] == ["BenchmarkNewStore", "BenchmarkStore_Get"]
    assert skipped_in(code) == [("Keys", "generic function: instantiate it by hand")]


def test_default_selection_is_hot_and_warm_functions() -> None:
    code = benchmark_file(package())
    names = {b.function for b in benchmarks_in(code)}
    assert names == {"Store.Get", "Store.ServeHTTP", "Total"}  # not NewStore (constructor) or helper (cold)


def test_unknown_function_is_an_error() -> None:
    with pytest.raises(BenchmarkError, match="no function 'Nope'"):
        benchmark_file(package(), ["Nope"])


def test_name_clash_with_existing_benchmark_is_avoided() -> None:
    existing = b"package shop\n\nimport \"testing\"\n\nfunc BenchmarkTotal(b *testing.B) {}\n"
    pkg = package(extra={"shop/store_test.go": existing})
    code = benchmark_file(pkg, ["Total"])
    assert "func BenchmarkTotal_PerfReview(b *testing.B)" in code


def test_empty_selection_still_compiles_shape() -> None:
    code = benchmark_file(package(), [])
    assert code.count("\npackage shop\n") == 1 and "import" not in code and "no function selected" in code


def test_plan_round_trip() -> None:
    plan = join_plan({"a/perf_review_bench_test.go": "package a\n", "perf_review_bench_test.go": "package b\n"})
    assert split_plan(plan) == [
        ("a/perf_review_bench_test.go", "package a\n"),
        ("perf_review_bench_test.go", "package b\n"),
    ]


def test_cli_prints_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "go.mod").write_text("module example.com/shop\n\ngo 1.24\n")
    pkg_dir = tmp_path / "shop"
    pkg_dir.mkdir()
    (pkg_dir / "store.go").write_text(STORE)
    assert main(["benchmarks", str(pkg_dir), "--functions", "Total,Store.Get"]) == 0
    out = capsys.readouterr().out
    assert {b.function for b in benchmarks_in(out)} == {"Total", "Store.Get"} and "for b.Loop()" in out
    assert main(["benchmarks", str(pkg_dir), "--write"]) == 0
    assert (pkg_dir / "perf_review_bench_test.go").read_text().startswith("// perf_review_bench_test.go")
    assert main(["benchmarks", str(pkg_dir), "--functions", "Nope"]) == 2
    assert "no function 'Nope'" in capsys.readouterr().err
    assert main(["benchmarks", str(tmp_path / "missing")]) == 2


EXISTING = b"""package shop

import "testing"

func BenchmarkLookup(b *testing.B) {
	s := NewStore()
	b.Run("hit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.Get("a")
		}
	})
}
"""


def test_plan_lists_existing_benchmarks_first_and_generates_the_rest() -> None:
    from analyzers.report.benchmarks import BENCH_FILE, PlannedBenchmark, benchmark_plan

    pkg = package(extra={"shop/store_test.go": EXISTING})
    plan, code = benchmark_plan(pkg, ["Store.Get", "Total", "Keys"])
    assert plan[0] == PlannedBenchmark("BenchmarkLookup", "Store.Get", True, "shop/store_test.go",
                                       ("Store.Get",))
    generated = {p.function: p for p in plan[1:]}
    assert set(generated) == {"Total", "Keys"} and all(not p.existing and p.file == BENCH_FILE for p in plan[1:])
    assert generated["Keys"].skip_reason == "generic function: instantiate it by hand"
    assert "func BenchmarkTotal(" in code and "BenchmarkStore_Get" not in code
