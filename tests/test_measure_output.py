# ruff: noqa: RUF001  (typographic signs are deliberate, as in the review text)

"""What `measure` reads and writes, without a Go toolchain: go test's benchmark output, the versioned
JSON (and its schema, which the App applies to untrusted artifacts) and the Markdown built from it."""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt

from analyzers.report.measured import MeasuredBenchmark, Measurement, SideSample, function_note, measured_table, phrase
from bot.measure.gorun import parse
from bot.measure.result import ResultError, from_json, loads, to_json

GO_OUTPUT = """goos: linux
goarch: amd64
pkg: example.com/inventory
cpu: AMD EPYC 7B13
BenchmarkStore_Put-2                  	    7292	      1522 ns/op	     201 B/op	       6 allocs/op
BenchmarkRender/n=10-2                	   44272	       271.8 ns/op	     128 B/op	      10 allocs/op
BenchmarkRender/n=1000-2              	      27	    379793 ns/op	 1063856 B/op	    1000 allocs/op
BenchmarkCount/size-10-2              	 3132285	         4.061 ns/op	       0 B/op	       0 allocs/op
--- FAIL: BenchmarkBroken
    broken_test.go:9: store is not configured
--- SKIP: BenchmarkNeedsDB
    db_test.go:12: no database
FAIL
"""


def test_parse_go_benchmark_output() -> None:
    out = parse(GO_OUTPUT)
    assert out.cpu == "AMD EPYC 7B13"
    assert set(out.samples) == {"BenchmarkStore_Put", "BenchmarkRender/n=10", "BenchmarkRender/n=1000",
                                "BenchmarkCount/size-10"}
    put = out.samples["BenchmarkStore_Put"]
    assert (put.ns_per_op, put.allocs_per_op, put.bytes_per_op) == (1522.0, 6, 201)
    assert out.samples["BenchmarkCount/size-10"].ns_per_op == pytest.approx(4.061)
    assert out.failed == {"BenchmarkBroken": "failed: broken_test.go:9: store is not configured",
                          "BenchmarkNeedsDB": "skipped: db_test.go:12: no database"}


def test_parse_reads_a_generated_benchmark_that_could_not_build_its_input() -> None:
    # perfReviewUnbuilt writes this to stderr: without -v, go test prints nothing else for a skip.
    out = parse("BenchmarkA-2\t100\t10 ns/op\nperf-review: BenchmarkRule_Apply/n=10 skipped: could not build the "
                "input: NewRule: rule: no => in spec\nPASS\n")
    assert set(out.samples) == {"BenchmarkA"}
    assert out.failed == {"BenchmarkRule_Apply": "skipped: could not build the input: NewRule: rule: no => in spec"}


def test_parse_keeps_names_when_gomaxprocs_is_one() -> None:
    out = parse("BenchmarkA\t100\t10 ns/op\nBenchmarkB/n-10\t100\t20 ns/op\t0 B/op\t0 allocs/op\n")
    assert set(out.samples) == {"BenchmarkA", "BenchmarkB/n-10"}
    assert out.samples["BenchmarkA"].allocs_per_op is None


def test_parse_notes_a_panic() -> None:
    out = parse("BenchmarkA-4\t100\t10 ns/op\npanic: runtime error: index out of range [3] with length 3\n\n"
                "goroutine 7 [running]:\n")
    assert "index out of range" in out.tail


def bench(name: str = "BenchmarkRender/n=1000", **kw: Any) -> MeasuredBenchmark:
    fields: dict[str, Any] = dict(
        function="Render", file="store/perf_review_bench_test.go", existing=False,
        base=SideSample((52.0, 53.0, 51.0), 1, 64), head=SideSample((3742.0, 3750.0), 1000, 2_097_152),
        delta_pct=7100.0, ci_pct=(6900.0, 7300.0), p_value=0.0004, verdict="slower", allocs_verdict="more",
        control_spread_pct=1.5, rounds=6)
    fields.update(kw)
    return MeasuredBenchmark(name=name, **fields)


def measurement(*benches: MeasuredBenchmark, **kw: Any) -> Measurement:
    return Measurement(base="a" * 40, head="b" * 40, go_version="go1.27.3", cpu="AMD EPYC", goos="linux",
                       goarch="amd64", cores=2, benchmarks=benches or (bench(),), control_spread_pct=1.5,
                       skipped=(("Generic", "generic function: instantiate it by hand"),), rounds=6,
                       benchtime="120ms", stopped="decided", **kw)


def test_json_has_the_fixed_version_1_shape_and_round_trips() -> None:
    m = measurement(bench(), bench("BenchmarkNew", verdict="new", allocs_verdict="new", base=None, delta_pct=None,
                                   ci_pct=None, p_value=None, control_spread_pct=None),
                    bench("BenchmarkStore_Put/n=10", base_name="BenchmarkStore_Put"))
    doc = to_json(m, time_budget_s=600, elapsed_s=42.5)
    assert set(doc) >= {"version", "base", "head", "go_version", "machine", "benchmarks", "control", "skipped"}
    assert doc["version"] == 1 and doc["machine"] == {"cpu": "AMD EPYC", "goos": "linux", "goarch": "amd64",
                                                      "cores": 2}
    first = doc["benchmarks"][0]
    assert set(first) >= {"name", "function", "file", "existing", "base", "head", "delta_pct", "ci_pct", "p_value",
                          "verdict", "allocs_verdict"}
    assert first["base"] == {"ns_per_op": [52.0, 53.0, 51.0], "allocs_per_op": 1, "bytes_per_op": 64}
    assert doc["control"] == {"spread_pct": 1.5}
    assert doc["skipped"] == [{"name": "Generic", "reason": "generic function: instantiate it by hand"}]
    assert loads(json.dumps(doc)) == m
    assert "base_name" not in first and doc["benchmarks"][2]["base_name"] == "BenchmarkStore_Put"
    assert "`BenchmarkStore_Put/n=10` (base: `BenchmarkStore_Put`)" in measured_table(m)


@pytest.mark.parametrize("mutate", [
    lambda d: d.update(version=2),
    lambda d: d.update(head="not-a-sha"),
    lambda d: d.update(extra=1),
    lambda d: d["benchmarks"][0].update(verdict="much slower"),
    lambda d: d["benchmarks"][0]["base"].update(ns_per_op=[-1.0]),
    lambda d: d["benchmarks"][0].update(name="x" * 301),
    lambda d: d["benchmarks"][0].pop("function"),
    lambda d: d["machine"].update(cores="two"),
    lambda d: d.update(benchmarks=[d["benchmarks"][0]] * 2001),
])
def test_schema_refuses_what_version_1_does_not_allow(mutate: Any) -> None:
    doc = to_json(measurement())
    bad = copy.deepcopy(doc)
    mutate(bad)
    with pytest.raises(ResultError):
        from_json(bad)


@pytest.mark.parametrize("text", ['{"version": NaN}', "[" * 100_000, "not json", b"\xff\xfe{}"])
def test_loads_refuses_non_json_non_numbers_and_deep_nesting(text: str | bytes) -> None:
    with pytest.raises(ResultError):
        loads(text)


def test_nan_inside_a_valid_document_is_refused() -> None:
    text = json.dumps(to_json(measurement())).replace('"delta_pct": 7100.0', '"delta_pct": NaN')
    assert "NaN" in text
    with pytest.raises(ResultError):
        loads(text)


def test_phrase_reads_like_the_issue_example() -> None:
    b = bench("BenchmarkStore_Put", delta_pct=7100.0, base=SideSample((30.0,), 1, 0),
              head=SideSample((2160.0,), 1000, 0))
    assert phrase(b) == "measured: +7,100 % time/op, allocs/op 1 → 1,000, p < 0.001"
    assert phrase(bench()) == "measured (`n=1000`): +7,100 % time/op, allocs/op 1 → 1,000, p < 0.001"


def test_phrases_for_unchanged_inconclusive_and_new() -> None:
    same = bench("BenchmarkTotal", verdict="unchanged", delta_pct=-0.4, ci_pct=(-1.2, 0.5), p_value=0.7,
                 allocs_verdict="unchanged", base=SideSample((10.0,), 0, 0), head=SideSample((10.0,), 0, 0))
    assert phrase(same) == "measured: unchanged (−0.4 % time/op, 95 % CI −1.2 % … +0.5 %)"
    unsure = bench("BenchmarkTotal", verdict="inconclusive", delta_pct=3.1, ci_pct=None, out_of_time=True,
                   allocs_verdict="unchanged")
    assert phrase(unsure) == ("measured: inconclusive (+3.1 % time/op, 95 % CI unbounded (too few rounds), "
                              "ran out of time)")
    new = bench("BenchmarkNew", verdict="new", base=None, allocs_verdict="new")
    assert phrase(new) == "measured at head only: 3.75 µs/op, allocs/op 1,000"


def test_function_note_matches_package_and_function() -> None:
    m = measurement(bench(), bench("BenchmarkRender/n=10", delta_pct=120.0))
    assert function_note(m, "store", "Render").startswith(" — measured (`n=1000`): +7,100 %")
    assert function_note(m, "other", "Render") == ""
    assert function_note(None, "store", "Render") == ""


def test_table_is_sorted_by_effect_and_states_the_control() -> None:
    m = measurement(bench("BenchmarkRender/n=10", delta_pct=120.0),
                    bench("BenchmarkTotal", function="TotalQuantity", verdict="unchanged", delta_pct=0.3,
                          ci_pct=(-1.0, 1.5), allocs_verdict="unchanged"),
                    bench())
    text = measured_table(m)
    assert text.index("n=1000") < text.index("n=10`") < text.index("BenchmarkTotal")
    assert "Control (base against base): noise within ±1.5 %" in text
    assert "`Generic` (`generic function: instantiate it by hand`)" in text


HOSTILE = ["<img src=x onerror=alert(1)>", "`|` **bold** [link](https://evil.example)", "@octocat please",
           "line\nbreak | cell", "```go"]


@pytest.mark.parametrize("evil", HOSTILE)
def test_untrusted_strings_cannot_change_the_markdown(evil: str) -> None:
    m = Measurement(base="a" * 40, head="b" * 40, go_version=evil, cpu=evil, goos=evil, goarch=evil, cores=2,
                    benchmarks=(bench(name=f"Benchmark{evil}", function=evil),), skipped=((evil, evil),),
                    rounds=1, benchtime=evil, out_of_time=(evil,))
    html = MarkdownIt("commonmark").enable("table").render(measured_table(m) + "\n\n" + function_note(m, "store", evil))
    assert "<img" not in html and "<strong>bold" not in html and "<a " not in html
    assert html.count("<table>") == 1 and html.count("<tr>") == 2  # one header row, one body row
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert "@octocat" not in outside_code and "evil.example" not in outside_code


def test_non_finite_values_never_reach_the_json() -> None:
    doc = to_json(measurement(bench(delta_pct=math.inf, control_spread_pct=math.inf)))
    assert doc["benchmarks"][0]["delta_pct"] is None
    assert doc["benchmarks"][0]["control_spread_pct"] is None


def test_layouts_are_an_optional_run_field_and_the_table_states_them() -> None:
    m = measurement(layouts=6)
    doc = to_json(m)
    assert doc["run"]["layouts"] == 6
    assert loads(json.dumps(doc)) == m
    assert "over 6 code layouts per side" in measured_table(m)
    # A document without the field (written before layouts) is still version 1 and says nothing about them.
    del doc["run"]["layouts"]
    old = loads(json.dumps(doc))
    assert old.layouts == 0 and "layout" not in measured_table(old)
    assert "in one code layout per side" in measured_table(measurement(layouts=1))
    for bad in (0, -1, "6", 1001):
        broken = copy.deepcopy(doc)
        broken["run"]["layouts"] = bad
        with pytest.raises(ResultError):
            from_json(broken)
