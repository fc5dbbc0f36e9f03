"""The review's benchmark plan (issue 11): the package's own benchmarks that reach a flagged function are
listed first and selected by the run command; generated code only for the functions none reaches."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from analyzers.engine import Options, analyze_change
from analyzers.report.plan import review_plan
from bot.cli import main
from bot.localgit import local_change
from tests.gitrepo import Repo

GO_MOD = "module example.com/catalog\n\ngo 1.22\n"
BASE = """package catalog

import "strings"

// Render joins names, one per line.
func Render(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('\\n')
	}
	return b.String()
}

// Listing renders the catalogue's names.
func Listing(names []string) string {
	return "names:\\n" + Render(names)
}
"""
HEAD = BASE.replace("""	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('\\n')
	}
	return b.String()""", """	out := ""
	for _, n := range names {
		out += n + "\\n"
	}
	return out""").replace('import "strings"\n\n', "") + """
// Tags joins tags with commas.
func Tags(tags []string) string {
	s := ""
	for _, t := range tags {
		s += t + ","
	}
	return s
}
"""
TESTS = """package catalog

import "testing"

func BenchmarkListing(b *testing.B) {
	names := []string{"a", "b", "c"}
	for i := 0; i < b.N; i++ {
		_ = Listing(names)
	}
}
"""
ONLY = Options(enabled_rules=frozenset({"string-concat-loop"}))


def repo(tmp_path: Path) -> Path:
    r = Repo(tmp_path / "repo")
    r.commit({"go.mod": GO_MOD, "catalog.go": BASE, "catalog_test.go": TESTS}, tag="base")
    r.commit({"catalog.go": HEAD}, tag="head")
    return r.path


def test_existing_benchmarks_come_first_and_are_run(tmp_path: Path) -> None:
    path = repo(tmp_path)
    change = local_change(path, "base", "head")
    result = analyze_change(change.changes, change.head, change.base, ONLY)
    plan = review_plan(result, change.head)
    assert plan is not None
    assert [(b.name, b.function, b.existing) for b in plan.benches] == [
        ("BenchmarkListing", "Render", True), ("BenchmarkTags", "Tags", False)]
    assert plan.benches[0].reaches == ("Listing", "Render") and plan.benches[0].file == "catalog_test.go"
    [(file, code)] = plan.files
    assert file == "perf_review_bench_test.go"
    assert "func BenchmarkTags(" in code and "func BenchmarkRender(" not in code  # generated only what is missing

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["review", "--repo", str(path), "--base", "base", "--head", "head", "--rules",
                     "string-concat-loop"]) == 0
    md = out.getvalue()
    section = md[md.index("### Benchmark Plan"):md.index("### Risks")]
    assert "- existing: `BenchmarkListing` (catalog_test.go) reaches `Render` via Listing → Render" in section
    assert section.index("existing: `BenchmarkListing`") < section.index("```sh")
    # The run command selects the package's own benchmark and the generated one; only Tags is generated.
    assert "--functions Tags --skip-missing --write" in section
    assert "-bench '^Benchmark(Listing|Tags)$'" in section
    assert "(1 benchmark)" in section and "func BenchmarkTags(" in section and "func BenchmarkRender(" not in section
