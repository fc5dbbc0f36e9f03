"""Reading only what a question needs: build constraints, line-level function spans, the light
model of test files (benchmark code only), and dependencies' declarations without bodies."""

from __future__ import annotations

from analyzers.buildtags import constraint, in_build, is_ignored
from analyzers.goapi import extract
from analyzers.skim import func_spans, keep_lines, without_bodies
from analyzers.testfiles import TestFile
from analyzers.walk import build_file


def test_ignore_constraint() -> None:
    assert is_ignored(b"//go:build ignore\n\npackage main\n")
    assert is_ignored(b"// Copyright\n\n//go:build linux && ignore\n\npackage main\n")
    assert is_ignored(b"// +build ignore\n\npackage main\n")
    assert not is_ignored(b"//go:build ignore || linux\n\npackage p\n")
    assert not is_ignored(b"//go:build !ignore\n\npackage p\n")
    assert not is_ignored(b"package p\n\n//go:build ignore\n")  # below the package clause: a comment
    assert constraint(b"// +build linux,amd64 darwin\n\npackage p\n") == "((linux && amd64) || (darwin))"


def test_platform_of_a_file() -> None:
    assert in_build("a_linux.go", b"package p\n") and not in_build("a_windows.go", b"package p\n")
    assert not in_build("a_linux_arm64.go", b"package p\n") and in_build("a_amd64.go", b"package p\n")
    assert in_build("a.go", b"//go:build unix && !plan9\n\npackage p\n")
    assert not in_build("a.go", b"//go:build cgo\n\npackage p\n")
    assert in_build("a.go", b"//go:build go1.21\n\npackage p\n", go_minor=22)
    assert not in_build("a.go", b"//go:build go1.23\n\npackage p\n", go_minor=22)


TRICKY = b'''package p

import "testing"

const prog = `
func main() {
}
`

func one() int { return 1 }

func asm(x int) int

func (s *S) Wrapped(
	a int,
	b string,
) error {
	q := "a ` quote"
	t := `
}
func inner() {
`
	return nil
}

func BenchmarkParse(b *testing.B) {
	for i := 0; i < b.N; i++ {
		parse(q)
		b.Run("sub", func(b *testing.B) { lex(x) })
	}
}

func benchShared(
	b *testing.B,
	n int,
) {
	for range b.N {
		shared(n)
	}
}

func TestParse(t *testing.T) {
	parse("x")
	onlyInTests()
}
'''


def test_function_spans_survive_raw_strings_and_wrapped_signatures() -> None:
    spans = {s.name: (s.start + 1, s.body_start + 1, s.end + 1, s.receiver) for s in func_spans(TRICKY)}
    full = {f.name: (f.start_line, f.end_line) for f in build_file("p/x_test.go", TRICKY).funcs if f.parent is None}
    assert set(spans) == set(full) == {"one", "asm", "Wrapped", "BenchmarkParse", "benchShared", "TestParse"}
    for name, (start, _, end, _) in spans.items():
        assert (start, end) == full[name], name
    assert spans["Wrapped"][1] == spans["Wrapped"][0] + 3 and spans["Wrapped"][3] == "(s *S)"


def test_test_files_are_read_for_benchmark_code_only() -> None:
    tf = TestFile("p/x_test.go", TRICKY)
    calls = tf.benchmark_calls()
    assert calls["parse"] == "BenchmarkParse" and calls["lex"] == "BenchmarkParse"  # closures count
    assert calls["shared"] == "benchShared"  # a helper taking *testing.B
    assert "onlyInTests" not in calls
    assert "parsed" not in tf.__dict__  # no full parse for that
    assert tf.func_names == {"one", "asm", "BenchmarkParse", "benchShared", "TestParse"}
    bench = {f.name: f.start_line for f in tf.benchmark_funcs()}
    assert bench == {"BenchmarkParse": 26, "benchShared": 33}  # positions of the file itself
    assert {f.name for f in tf.funcs if f.parent is None} >= {"TestParse", "Wrapped"}  # the full model, on demand


def test_declarations_without_bodies_export_the_same_api() -> None:
    src = TRICKY.replace(b"package p", b"package p\n\ntype S struct{ N int }", 1)
    assert extract("p", [src]) == extract("p", [without_bodies(src)])
    assert without_bodies(src).count(b"\n") == src.count(b"\n")


def test_kept_lines_keep_their_places() -> None:
    src = b"a\nb\nc\nd\ne"
    assert keep_lines(src, [(1, 2)]) == b"\nb\nc\n\n"
    # Overlapping, out of range and empty (reversed) ranges: only the lines inside one are kept.
    assert keep_lines(src, [(3, 9), (4, 4), (-2, 0), (3, 1)]) == b"a\n\n\nd\ne"
    assert keep_lines(src, []) == b"\n\n\n\n"
    assert keep_lines(b"", [(0, 0)]) == b""
