"""Suppression comments, severity by tier, skipped files and hostile input."""

from __future__ import annotations

import dataclasses

from analyzers.engine import Options, analyze_files
from analyzers.model import Evidence, Finding
from analyzers.source import parse

ONLY = Options(enabled_rules=frozenset({"string-concat-loop"}))
LOOP = (
    'func {name}(xs []string) string {{\n\ts := ""\n'
    "\tfor _, x := range xs {{\n\t\t{pre}s += x{post}\n\t}}\n\treturn s\n}}\n"
)


def findings_of(src: str, rule_id: str, evidence: Evidence = "static") -> list[Finding]:
    """The findings when rule_id alone runs over src (one file, p/a.go). The static evidence policy by
    default: most tests here are about the tiers guessed from the code's shape."""
    options = Options(enabled_rules=frozenset({rule_id}), evidence=evidence)
    return analyze_files({"p/a.go": src.encode()}, options).findings


def severity_by_function(src: str, rule_id: str) -> dict[str, str]:
    """Each function's finding severity when rule_id alone runs over src (one file, p/a.go)."""
    return {f.function: f.severity for f in findings_of(src, rule_id)}


def go(*funcs: str) -> bytes:
    return ("package p\n\n" + "\n".join(funcs)).encode()


def test_ignore_comment_on_the_line_or_above_silences_one_finding() -> None:
    src = go(
        LOOP.format(name="A", pre="", post=" //perf-review:ignore string-concat-loop short list, at most 3"),
        LOOP.format(name="B", pre="//perf-review:ignore string-concat-loop bounded by config\n\t\t", post=""),
        LOOP.format(name="C", pre="//perf-review:ignore slice-prealloc wrong rule\n\t\t", post=""),
    )
    result = analyze_files({"p/a.go": src}, ONLY)
    assert [f.function for f in result.findings] == ["C"]


def test_a_suppression_written_for_an_equivalent_linter_check_is_honoured() -> None:
    """string-concat-loop mirrors perfsprint's concat-loop: `//nolint:perfsprint`, a bare `//nolint`
    and `//nolint:all` silence it; a suppression for an unrelated linter, a `//nolint` written as part
    of another word, or staticcheck's `//lint:ignore` of a check the rule does not mirror do not."""
    src = go(
        LOOP.format(name="A", pre="", post=" //nolint:perfsprint // a few names"),
        LOOP.format(name="B", pre="//nolint\n\t\t", post=""),
        LOOP.format(name="C", pre="", post=" //nolint:all"),
        LOOP.format(name="D", pre="", post=" //nolint:errcheck,gosec"),
        LOOP.format(name="E", pre="", post=" //nolintish"),
        LOOP.format(name="F", pre="//lint:ignore SA6002 not this one\n\t\t", post=""),
        LOOP.format(name="G", pre="", post=" //nolint:gosec,perfsprint"),
    )
    result = analyze_files({"p/a.go": src}, ONLY)
    assert [f.function for f in result.findings] == ["D", "E", "F"]


def test_staticcheck_lint_ignore_silences_the_check_it_names() -> None:
    src = (b"package p\n\nimport \"sync\"\n\nvar pool sync.Pool\n\n"
           b"func put(b []byte) {\n\t//lint:ignore SA6002 the header allocation is accepted\n\tpool.Put(b)\n}\n\n"
           b"func put2(b []byte) {\n\tpool.Put(b)\n}\n")
    result = analyze_files({"p/a.go": src}, Options(enabled_rules=frozenset({"sync-pool-non-pointer"})))
    assert [f.function for f in result.findings] == ["put2"]


def test_ignore_without_reason_is_reported() -> None:
    src = go(LOOP.format(name="A", pre="", post=" //perf-review:ignore string-concat-loop"))
    result = analyze_files({"p/a.go": src}, ONLY)
    assert [(f.rule, f.severity) for f in result.findings] == [("ignore-without-reason", "warning")]


def test_cold_code_and_error_branches_lower_micro_findings_to_info() -> None:
    src = go(
        LOOP.format(name="NewThing", pre="", post=""),
        'func Load(xs []string, err error) string {\n\ts := ""\n\tif err != nil {\n\t\tfor _, x := range xs {\n'
        "\t\t\ts += x\n\t\t}\n\t}\n\treturn s\n}\n",
        "//perf-review:hot\n" + LOOP.format(name="Hot", pre="", post=""),
    )
    result = analyze_files({"p/a.go": src}, ONLY)
    sev = {f.function: (f.severity, f.hot_path) for f in result.findings}
    assert sev == {"NewThing": ("info", "cold"), "Load": ("info", "warm"), "Hot": ("warning", "hot")}


DEFER_LOOP = (
    "func {name}(paths []string) error {{\n\tfor _, p := range paths {{\n\t\tf, err := os.Open(p)\n"
    "\t\tif err != nil {{\n\t\t\treturn err\n\t\t}}\n\t\tdefer f.Close()\n\t}}\n\treturn nil\n}}\n"
)


def test_correctness_findings_in_development_code_are_info() -> None:
    """A held file in a loop is a warning in shipped code, even cold code (under the static policy;
    the measured one waits for a measurement there, see below); in tests' helpers, test
    doubles and code generators it is information (seen on etcd's tests/robustness and minio's Mock*)."""
    only = Options(enabled_rules=frozenset({"defer-in-loop"}), evidence="static")  # the shape-guessed tiers
    imports = 'import (\n\t"os"\n)\n\n'
    shipped = "package store\n\n" + imports + DEFER_LOOP.format(name="NewIndex") + DEFER_LOOP.format(name="scan")
    double = ("package store\n\n" + imports + "type MockStore struct{}\n\n"
              + DEFER_LOOP.format(name="(m *MockStore) Load"))
    gen = ("package gen\n\n" + imports.replace('"os"', '"go/format"\n\t"os"') + "var _ = format.Source\n\n"
           + DEFER_LOOP.format(name="emit"))
    helper = "package robustness\n\n" + imports + DEFER_LOOP.format(name="readAll")
    # hugo's codegen reads method sets with go/parser: a development tool
    inspector = ("package codegen\n\n" + imports.replace('"os"', '"go/parser"\n\t"os"')
                 + "var _ = parser.ParseFile\n\n" + DEFER_LOOP.format(name="inspect"))
    files = {"store/store.go": shipped.encode(), "store/double.go": double.encode(),
             "tests/robustness/wal.go": helper.encode(), "gen/gen.go": gen.encode(),
             "codegen/methods.go": inspector.encode()}
    result = analyze_files(files, only)
    sev = {f.function: (f.severity, f.hot_path) for f in result.findings}
    assert sev == {"NewIndex": ("warning", "cold"), "scan": ("warning", "warm"), "MockStore.Load": ("info", "cold"),
                   "readAll": ("info", "cold"), "emit": ("info", "cold"), "inspect": ("info", "cold")}


def test_printing_to_standard_output_in_a_loop_is_info_and_a_file_is_a_warning() -> None:
    """Standard output is read by people (go-ethereum's build and inspection helpers print a line per
    item): information. A file or a connection written per record is a warning."""
    src = b"""package report

import (
	"fmt"
	"os"
)

func Show(names []string) {
	for _, n := range names {
		fmt.Println(n)
	}
}

func Save(path string, names []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, n := range names {
		fmt.Fprintln(f, n)
	}
	return nil
}
"""
    result = analyze_files({"report/report.go": src},
                           Options(enabled_rules=frozenset({"unbuffered-write-loop"}), evidence="static"))
    assert {f.function: f.severity for f in result.findings} == {"Show": "info", "Save": "warning"}


def test_severity_override() -> None:
    options = Options(enabled_rules=ONLY.enabled_rules, severity_overrides={"string-concat-loop": "error"})
    result = analyze_files({"p/a.go": go(LOOP.format(name="A", pre="", post=""))}, options)
    assert result.findings[0].severity == "error"


def test_skipped_files_say_why() -> None:
    files: dict[str, bytes | None] = {
        "p/gen.go": b"// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage p\n",
        "vendor/x/x.go": b"package x\n",
        "p/testdata/t.go": b"package t\n",
        "p/bin.go": b"\x00\x01\x02",
        "p/latin1.go": "package p // caf\xe9".encode("latin-1"),
        "p/unreadable.go": None,
        "p/huge.go": b"package p\n" + b"// x\n" * 20,
    }
    result = analyze_files(files, Options(max_file_bytes=80))
    reasons = {s.file: s.reason for s in result.skipped}
    assert reasons["p/gen.go"].startswith("generated")
    assert reasons["vendor/x/x.go"] == "vendored code"
    assert reasons["p/testdata/t.go"] == "testdata"
    assert reasons["p/bin.go"] == "binary content"
    assert reasons["p/latin1.go"] == "not UTF-8 text"
    assert reasons["p/unreadable.go"] == "could not be read"
    assert reasons["p/huge.go"].startswith("larger than")


def test_syntax_errors_are_counted_and_the_rest_analysed() -> None:
    # tree-sitter recovers locally: an error inside one function leaves the next one intact.
    src = go("func Broken() { x := foo( ; }\n", LOOP.format(name="Later", pre="", post=""))
    result = analyze_files({"p/a.go": src}, ONLY)
    (fact,) = result.files
    assert fact.parse_errors > 0
    assert "Later" in {f.function for f in result.findings}


GENERIC_METHOD = (
    "func (b Box[P]) {name}[R any](buf []byte) R {{\n\tvar r R\n\tswitch p := (any(&r)).(type) {{\n"
    "\tcase *int:\n\t\t*p = copy(buf[:], \"x\")\n"
)
SIZE = 'func (b Box[P]) {name}(buf []byte) int {{\n\treturn copy(buf[:], "x")\n}}\n'


def test_a_file_whose_whole_tree_is_an_error_is_still_analysed() -> None:
    # Methods with their own type parameters are a syntax tree-sitter-go does not know; with one left
    # unfinished at the end, the root of the tree is an ERROR node, not a source_file. The walk then
    # searches the whole tree (not only top-level functions) and still finds what parsed.
    src = go(
        LOOP.format(name="Join", pre="", post=""), "type Box[P any] struct{ x P }\n", SIZE.format(name="Size"),
        GENERIC_METHOD.format(name="As") + "\t}\n\treturn r\n}\n", SIZE.format(name="Fill"),
        GENERIC_METHOD.format(name="FillAs"),
    )
    assert parse(src).root_node.type == "ERROR"  # the case under test (a newer grammar may parse it)
    result = analyze_files({"p/a.go": src}, ONLY)
    assert [f.function for f in result.findings] == ["Join"]
    assert {"Join", "Size"} <= {f.name for f in result.functions}


def test_hostile_shapes_do_not_crash() -> None:
    depth = 3000
    deep = "func Deep(xs []string) string {\n\ts := \"\"\n" + "for _, x := range xs {\n" * depth
    deep += "s += x\n" + "}\n" * depth + "return s\n}\n"
    parens = "var v = " + "(" * 20000 + "1" + ")" * 20000 + "\n"
    long_line = 'var long = "' + "a" * 2_000_000 + '"\n'
    many = "".join(f"func F{i}(xs []string) string {{ s := \"\"; for _, x := range xs {{ s += x }}; return s }}\n"
                   for i in range(20000))
    result = analyze_files({"p/deep.go": go(deep), "p/parens.go": go(parens), "p/long.go": go(long_line),
                            "p/many.go": go(many)}, ONLY)
    assert not result.skipped
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.file] = counts.get(f.file, 0) + 1
    assert counts == {"p/deep.go": 1, "p/many.go": 20000}


def test_fixed_per_call_costs_need_hot_evidence_and_growing_costs_do_not() -> None:
    """On a warm path (a loop and nothing more) a Sprintf per item is information, and so is a `+=`
    loop (quadratic, but over how many items nothing shows: on public projects' code such loops walked
    a few configured items every time): whether they matter depends on how often the function runs and
    how long the loop is. A byte-at-a-time count grows with the data whatever the frequency: still a
    warning. In a function called per item of a hot function's loop the Sprintf is a warning."""
    src = (
        'package p\n\nimport "fmt"\n\n'
        "func Label(ids []int) []string {\n\tvar out []string\n\tfor _, id := range ids {\n"
        '\t\tout = append(out, fmt.Sprintf("%d", id))\n\t}\n\treturn out\n}\n\n'
        'func Join(xs []string) string {\n\ts := ""\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n\n'
        "func Lines(b []byte) (n int) {\n\tfor _, c := range b {\n\t\tif c == '\\n' {\n\t\t\tn++\n\t\t}\n\t}\n"
        "\treturn n\n}\n\n"
        'func one(id int) string { return fmt.Sprintf("%d", id) }\n\n'
        "//perf-review:hot\n"
        "func All(ids [][]int) (n int) {\n\tfor _, id := range ids {\n\t\tn += len(one(len(id)))\n\t}\n\treturn n\n}\n"
    )
    rules = Options(enabled_rules=frozenset({"sprintf-simple", "string-concat-loop", "byte-loop-count"}),
                    evidence="static")
    result = analyze_files({"p/a.go": src.encode()}, rules)
    sev = {(f.rule, f.function): (f.severity, f.hot_path) for f in result.findings}
    assert sev == {
        ("sprintf-simple", "Label"): ("info", "warm"),
        ("string-concat-loop", "Join"): ("info", "warm"),
        ("byte-loop-count", "Lines"): ("warning", "warm"),
        ("sprintf-simple", "one"): ("warning", "hot"),
    }
    # The measured policy (the default) keeps the warning the team's mark vouches for: `one` is called per
    # element of All, marked hot. The byte loop's warning came from its shape alone: info, unmeasured.
    measured = analyze_files({"p/a.go": src.encode()}, dataclasses.replace(rules, evidence="measured"))
    sev = {(f.rule, f.function): (f.severity, f.unmeasured) for f in measured.findings}
    assert sev == {
        ("sprintf-simple", "Label"): ("info", False),
        ("string-concat-loop", "Join"): ("info", False),
        ("byte-loop-count", "Lines"): ("info", True),
        ("sprintf-simple", "one"): ("warning", False),
    }


def test_a_branch_that_ends_by_failing_is_an_error_branch() -> None:
    """go-ethereum's history reader formats the indexed height only to put it in the error it returns;
    minio writes an error response and returns. A branch that returns a value it formats, or a bare
    `err` (a success path returns that too), is not a failure path."""
    src = (
        'package p\n\nimport (\n\t"errors"\n\t"fmt"\n\t"net/http"\n)\n\n'
        "//perf-review:hot\n"
        "func read(last *int, want int) (int, error) {\n\tif last == nil || *last < want {\n"
        '\t\tindexed := "null"\n\t\tif last != nil {\n\t\t\tindexed = fmt.Sprintf("%d", *last)\n\t\t}\n'
        '\t\treturn 0, fmt.Errorf("not indexed: %s", indexed)\n\t}\n\treturn *last, nil\n}\n\n'
        "//perf-review:hot\n"
        "func serve(w http.ResponseWriter, r *http.Request) {\n\tif r.URL.Path == \"\" {\n"
        '\t\tmsg := fmt.Sprintf("%s", r.Method)\n\t\thttp.Error(w, msg, 400)\n\t\treturn\n\t}\n}\n\n'
        "//perf-review:hot\n"
        "func label(n int) (string, error) {\n\tif n > 0 {\n"
        '\t\ts := fmt.Sprintf("%d", n)\n\t\treturn s, nil\n\t}\n\treturn "", errors.New("neg")\n}\n'
    )
    sev = severity_by_function(src, "sprintf-simple")
    assert sev == {"read": "info", "serve": "info", "label": "warning"}, sev


def test_text_assigned_to_an_error_text_variable_is_on_a_failure_path() -> None:
    """grpc-go's handleStream formats `errDesc` for an RPC to an unknown service and answers with it
    further down: the formatting runs on the way to an Unimplemented error. A variable whose name only
    starts with the letters (`errant`) or that holds something else (`errCount`) says nothing."""
    src = (
        'package p\n\nimport "fmt"\n\n'
        "//perf-review:hot\n"
        "func handle(service string, known bool) string {\n\tvar errDesc string\n\tif !known {\n"
        '\t\terrDesc = fmt.Sprintf("unknown service %v", service)\n\t}\n\treturn errDesc\n}\n\n'
        "//perf-review:hot\n"
        'func count(n int) string {\n\terrCount := fmt.Sprintf("%d", n)\n\treturn errCount\n}\n'
    )
    sev = severity_by_function(src, "sprintf-simple")
    assert sev == {"handle": "info", "count": "warning"}, sev


def test_a_branch_on_a_failed_http_status_is_an_error_branch() -> None:
    """etcd's HashByRev reads the peer's error reply only when the status is 400 or 412: the
    conversions there run on a failed request. A branch on a success status is not a failure path."""
    src = (
        'package p\n\nimport (\n\t"net/http"\n\t"strings"\n)\n\n'
        "//perf-review:hot\n"
        "func reply(resp *http.Response, b []byte) string {\n"
        "\tif resp.StatusCode == http.StatusBadRequest {\n"
        '\t\tif strings.Contains(string(b), "compacted") {\n\t\t\treturn "compacted"\n\t\t}\n'
        "\t} else if resp.StatusCode == http.StatusPreconditionFailed {\n"
        '\t\tif strings.Contains(string(b), "mismatch") {\n\t\t\treturn "mismatch"\n\t\t}\n\t}\n'
        '\treturn ""\n}\n\n'
        "//perf-review:hot\n"
        "func ok(resp *http.Response, b []byte) bool {\n"
        "\tif resp.StatusCode == http.StatusOK {\n"
        '\t\treturn strings.Contains(string(b), "ready")\n\t}\n\treturn false\n}\n'
    )
    sev = sorted((f.function, f.line, f.severity) for f in findings_of(src, "bytes-string-conversion"))
    assert sev == [("ok", 25, "warning"), ("reply", 11, "info"), ("reply", 15, "info")], sev
    cached = src.replace("func ok(", "func cached(").replace("http.StatusOK", "http.StatusNotModified")
    found = findings_of(cached, "bytes-string-conversion")
    assert [f.severity for f in found if f.function == "cached"] == ["warning"], "a 304 is no failure"


def test_a_nested_loop_rule_needs_evidence_beyond_its_own_nesting() -> None:
    """A quadratic comparison makes its function "hot: loops nested 2 deep", which is the finding itself.
    Over a value's fields (prometheus' parser comparing a query's ON and GROUP labels) that is info;
    over two collections the caller passes in (the demo's Backordered) the cost is the product of two
    sizes nothing bounds: a warning; and so is the field comparison inside an HTTP handler."""
    src = (
        'package p\n\nimport "net/http"\n\n'
        "type Matching struct{ On, Include []string }\n\n"
        "func check(m *Matching) (n int) {\n\tfor _, a := range m.On {\n\t\tfor _, b := range m.Include {\n"
        "\t\t\tif a == b {\n\t\t\t\tn++\n\t\t\t}\n\t\t}\n\t}\n\treturn n\n}\n\n"
        "func Backordered(orders, items []string) (n int) {\n\tfor _, o := range orders {\n"
        "\t\tfor _, it := range items {\n\t\t\tif o == it {\n\t\t\t\tn++\n\t\t\t}\n\t\t}\n\t}\n\treturn n\n}\n\n"
        "func serve(w http.ResponseWriter, r *http.Request) {\n\tm := &Matching{}\n\tn := 0\n"
        "\tfor _, a := range m.On {\n\t\tfor _, b := range m.Include {\n"
        "\t\t\tif a == b {\n\t\t\t\tn++\n\t\t\t}\n\t\t}\n\t}\n\t_ = n\n}\n"
    )
    sev = severity_by_function(src, "nested-loop-quadratic")
    assert sev == {"check": "info", "Backordered": "warning", "serve": "warning"}, sev


def test_the_body_of_a_select_case_on_a_clock_runs_once_per_tick() -> None:
    """minio's event listener writes a keep-alive space when its ticker fires, seconds apart: the
    conversion there is info. The same write per received event stays a warning, and so does a walk
    over a collection on every tick."""
    src = (
        'package p\n\nimport (\n\t"io"\n\t"time"\n)\n\n'
        "//perf-review:hot\n"
        "func listen(w io.Writer, events chan []byte, items []string, stop chan struct{}) {\n"
        "\tt := time.NewTicker(time.Second)\n\tkeepAliveTicker := t.C\n\tfor {\n\t\tselect {\n"
        "\t\tcase ev := <-events:\n\t\t\tw.Write([]byte(string(ev)))\n"
        '\t\tcase <-keepAliveTicker:\n\t\t\tw.Write([]byte(" "))\n'
        "\t\tcase <-t.C:\n\t\t\tfor _, it := range items {\n\t\t\t\tw.Write([]byte(it))\n\t\t\t}\n"
        "\t\tcase <-stop:\n\t\t\treturn\n\t\t}\n\t}\n}\n"
    )
    sev = sorted((f.line, f.severity) for f in findings_of(src, "write-string-conversion"))
    assert sev == [(15, "warning"), (17, "info"), (20, "warning")], sev
    # A channel expression longer than any clock's (hostile input) is not read as one.
    long = src.replace("keepAliveTicker", "k" * 300 + "Ticker")
    assert sorted(f.severity for f in findings_of(long, "write-string-conversion")) == ["warning"] * 3


def test_a_lock_held_across_io_on_a_tick_still_blocks_everyone_else() -> None:
    """minio's resync saver locks its metrics every few seconds and waits for the saves under the lock:
    the tick makes it rare, but every per-object update that needs the lock waits meanwhile."""
    src = (
        'package p\n\nimport (\n\t"os"\n\t"sync"\n\t"time"\n)\n\n'
        "type metrics struct {\n\tmu sync.Mutex\n\tn  map[string]int\n}\n\n"
        "func (m *metrics) Add(k string) {\n\tm.mu.Lock()\n\tm.n[k]++\n\tm.mu.Unlock()\n}\n\n"
        "//perf-review:hot\nfunc (m *metrics) save(stop chan struct{}) {\n"
        "\tt := time.NewTicker(time.Second)\n\tfor {\n\t\tselect {\n"
        "\t\tcase <-t.C:\n\t\t\tm.mu.Lock()\n\t\t\t_ = os.WriteFile(\"m\", nil, 0o600)\n\t\t\tm.mu.Unlock()\n"
        "\t\tcase <-stop:\n\t\t\treturn\n\t\t}\n\t}\n}\n"
    )
    found = findings_of(src, "lock-held-across-io")
    assert [(f.function, f.severity) for f in found] == [("metrics.save", "warning")], found


def test_nested_loops_over_a_parameter_and_its_elements_walk_the_callers_data() -> None:
    """`for _, g := range groups { for _, x := range g { for _, w := range want {` walks what the caller
    passed in, to the last element: the comparison inside is a warning. The same loops over a package's
    registry and what each entry holds are no evidence that the function runs often: info."""
    src = (
        "package p\n\nvar registry = map[string][]string{}\n\n"
        "func Pairs(groups [][]string, want []string) (n int) {\n\tfor _, g := range groups {\n"
        "\t\tfor _, x := range g {\n\t\t\tfor _, w := range want {\n\t\t\t\tif x == w {\n\t\t\t\t\tn++\n"
        "\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n\treturn n\n}\n\n"
        "func List(want []string) (n int) {\n\tfor _, names := range registry {\n"
        "\t\tfor _, x := range names {\n\t\t\tfor _, w := range want {\n\t\t\t\tif x == w {\n\t\t\t\t\tn++\n"
        "\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n\treturn n\n}\n"
    )
    sev = severity_by_function(src, "nested-loop-quadratic")
    assert sev == {"Pairs": "warning", "List": "info"}, sev


def test_correctness_findings_in_code_that_runs_once_wait_for_measurement_too() -> None:
    """A lock copied into a loader that runs at start-up copies it once: under the measured policy a
    correctness finding in code known to run once (or at an operator's pace) is info, unmeasured. One in a
    function with no evidence either way keeps its severity, as under the static policy. defer-in-loop,
    whose harm depends on how long its loop runs, waits for a measurement everywhere."""
    src = (
        'package p\n\nimport (\n\t"os"\n\t"sync"\n)\n\n'
        "type counter struct {\n\tmu sync.Mutex\n\tn  int\n}\n\n"
        "func loadCounter(c counter) int { return c.n }\n\n"
        "func report(c counter) int { return c.n }\n\n"
        "func readAll(paths []string) {\n\tfor _, p := range paths {\n\t\tf, _ := os.Open(p)\n"
        "\t\tdefer f.Close()\n\t}\n}\n"
    )
    measured = {f.function: (f.severity, f.unmeasured) for f in findings_of(src, "mutex-copy", "measured")}
    assert measured == {"loadCounter": ("info", True), "report": ("warning", False)}
    static = {f.function: (f.severity, f.unmeasured) for f in findings_of(src, "mutex-copy")}
    assert static == {"loadCounter": ("warning", False), "report": ("warning", False)}
    held = [(f.function, f.severity, f.unmeasured) for f in findings_of(src, "defer-in-loop", "measured")]
    assert held == [("readAll", "info", True)]
    assert [f.severity for f in findings_of(src, "defer-in-loop")] == ["warning"]
