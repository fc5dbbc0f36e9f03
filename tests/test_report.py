"""The review as a pure function of a Result: sections, grouping, estimates, inline notes, Markdown."""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from analyzers.model import Finding, FunctionFact, Param, Result, Skipped
from analyzers.report import SECTIONS, render_review
from analyzers.report.inline import inline_body, suggested_line

_PIPE = re.compile(r"(?<!\\)\|")
_NUMBER_WITH_UNIT = re.compile(r"\d[\d,.]*\s?(ns|µs|ms)\b")


def gfm() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def assert_well_formed(markdown: str) -> None:
    """Tables parse as GFM tables with consistent columns; <details> blocks are balanced HTML blocks
    with Markdown inside; code fences close."""
    tokens = gfm().parse(markdown)
    table_blocks = 0
    in_fence = False
    previous_is_table = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        is_table = not in_fence and line.startswith("| ")
        if is_table and not previous_is_table:
            table_blocks += 1
            columns = len(_PIPE.findall(line))
        if is_table:
            assert len(_PIPE.findall(line)) == columns, f"ragged table row: {line}"
        previous_is_table = is_table
    assert not in_fence, "unclosed code fence"
    assert sum(1 for t in tokens if t.type == "table_open") == table_blocks
    html = [t.content for t in tokens if t.type == "html_block"]
    opens = sum(h.count("<details>") for h in html)
    closes = sum(h.count("</details>") for h in html)
    assert opens == closes == markdown.count("<details>") == markdown.count("</details>")
    inline_html = [c for t in tokens if t.type == "inline" for c in (t.children or []) if c.type == "html_inline"]
    assert not any("details" in c.content for c in inline_html), "a <details> tag ended up inline"


def headings(markdown: str) -> list[str]:
    return [line[4:] for line in markdown.splitlines() if line.startswith("### ")]


def fact(name: str, tier: str = "hot", *, receiver: str | None = None, change: str = "modified",
         file: str = "pkg/a.go", start: int = 10, lock: bool = False) -> FunctionFact:
    return FunctionFact(file=file, name=name, receiver=receiver, start_line=start, end_line=start + 20,
                        hot_path=tier,  # type: ignore[arg-type]
                        hot_reasons=["HTTP handler"] if tier == "hot" else ["contains a loop"],
                        change=change,  # type: ignore[arg-type]
                        package="pkg", package_name="pkg", params=[Param("xs", "[]string")], takes_lock=lock)


def finding(rule: str, function: str, line: int, *, status: str = "new", severity: str = "warning",
            category: str = "alloc", tier: str = "hot", fp: str | None = None, suggestion: str | None = None,
            file: str = "pkg/a.go") -> Finding:
    return Finding(rule=rule, category=category, severity=severity, file=file, line=line, column=3,  # type: ignore[arg-type]
                   end_line=line, function=function, hot_path=tier, message=f"{rule} message",  # type: ignore[arg-type]
                   suggestion=suggestion, status=status, fingerprint=fp or f"{rule}-{function}-{line}")  # type: ignore[arg-type]


def sample_result() -> Result:
    return Result(
        findings=[
            finding("string-concat-loop", "Render", 14),
            finding("nested-loop-quadratic", "Match", 40, category="complexity", tier="warm"),
            finding("byte-loop-count", "Count", 70, category="simd", tier="warm", status="pre-existing"),
            finding("lock-in-loop", "Store.Put", 95, category="concurrency"),
        ],
        functions=[fact("Render"), fact("Match", "warm", start=35), fact("Count", "warm", start=65),
                   fact("Put", receiver="Store", start=90, lock=True), fact("init", "cold", start=120)],
        go_versions={"pkg": "1.22"}, base="a" * 40, head="b" * 40,
    )


def test_sections_in_order_and_named_exactly() -> None:
    review = render_review(sample_result())
    assert headings(review.markdown) == list(SECTIONS)
    assert_well_formed(review.markdown)


def test_specific_content_names_functions_lines_and_complexities() -> None:
    md = render_review(sample_result()).markdown
    assert "`Render` a.go:14 (hot)" in md
    assert "O(n·m) → O(n+m)" in md
    assert "No byte loops the standard library" in md  # the byte loop is pre-existing: only in the folded list
    assert "#3 `Match`" in md  # later sections refer to the findings table by number
    assert "- [ ] `Render`:" in md  # a target per hot/warm function with findings
    assert "Fixing #3: a map keeps one element per key" in md  # what the fix can break
    assert re.search(r"^1\. #\d `", md, re.MULTILINE)  # prioritised actions
    assert "perf-review analyze --repo . --base aaaaaaaaaaaa" in md  # next steps are commands


def test_every_cost_figure_is_a_labelled_range() -> None:
    md = render_review(sample_result()).markdown
    for line in md.splitlines():
        for m in _NUMBER_WITH_UNIT.finditer(line):
            before = line[: m.start()]
            assert "est." in line or "estimate" in line.lower(), f"unlabelled figure: {line}"
            near = line[max(0, m.start() - 20) : m.end() + 1]
            assert "–" in near or before.endswith("–"), f"not a range: {line}"
    assert "measured" not in md.replace("not measurements", "").replace("not measured", "")


def test_findings_grouped_new_preexisting_fixed() -> None:
    gone = finding("sprintf-simple", "Render", 20, fp="gone-fp")
    still = finding("string-concat-loop", "Render", 14)
    review = render_review(sample_result(), previous=[gone, still])
    assert [f.fingerprint for f in review.fixed] == ["gone-fp"]
    md = review.markdown
    assert "3 new findings" in md
    assert "Pre-existing findings (1)" in md and "#4 `byte-loop-count` at `a.go:70` in `Count`" in md
    assert "Fixed since the last review: `sprintf-simple` in `Render` (a.go:20)" in md
    assert "1 fixed since the last review" in md
    assert "**New findings (3)**" in review.check_text and "**Fixed since the last review (1)**" in review.check_text


def test_no_go_change_gets_a_short_review() -> None:
    review = render_review(Result(skipped=[Skipped("gen.go", "generated code (DO NOT EDIT)")]))
    assert headings(review.markdown) == []
    assert "Nothing to review" in review.markdown
    assert review.title == "perf-review: no Go functions changed"
    assert len(review.markdown.splitlines()) < 20
    assert_well_formed(review.markdown)


def test_no_findings_gets_a_short_review_that_says_what_was_checked() -> None:
    result = Result(functions=[fact("Render"), fact("Put", "warm", receiver="Store")], files=[])
    review = render_review(result, previous=[finding("string-concat-loop", "Render", 14, fp="old")])
    md = review.markdown
    assert headings(md) == []
    assert "No performance findings" in md and "2 touched Go functions" in md
    assert "Fixed since the last review (1)" in md
    assert review.inline == []
    assert_well_formed(md)


def test_title_and_check_fields() -> None:
    review = render_review(sample_result())
    assert "\n" not in review.title
    assert review.title.startswith("perf-review: 3 new findings")
    assert "Verdict" in review.check_summary
    assert "string-concat-loop" in review.check_text
    assert len(review.check_summary) <= 65_535 and len(review.check_text) <= 65_535


def test_inline_notes_only_for_new_warnings_and_errors() -> None:
    result = sample_result()
    result.findings.append(finding("sprintf-simple", "Render", 16, severity="info"))
    notes = render_review(result).inline
    rules = sorted(n.rule for n in notes)
    assert rules == ["lock-in-loop", "nested-loop-quadratic", "string-concat-loop"]
    note = next(n for n in notes if n.rule == "string-concat-loop")
    assert (note.path, note.line, note.severity) == ("pkg/a.go", 14, "warning")
    assert "**Why:**" in note.body and "**Fix:**" in note.body and "strings.Builder" in note.body
    assert "```suggestion" not in note.body
    assert len(note.body) < 1_000


def test_suggestion_block_replaces_the_whole_line_when_the_node_is_certain() -> None:
    import hashlib

    src = b'package p\n\nfunc f(a, b string) bool {\n\treturn strings.ToLower(a) == strings.ToLower(b) // cmp\n}\n'
    node_text = "strings.ToLower(a) == strings.ToLower(b)"
    fp = hashlib.sha1("\x1f".join(("equal-fold", "f", node_text, "0")).encode()).hexdigest()[:16]
    f = finding("equal-fold", "f", 4, fp=fp, suggestion="strings.EqualFold(a, b)", file="p.go")
    f.column = 9
    assert suggested_line(f, {"p.go": src}) == "\treturn strings.EqualFold(a, b) // cmp"
    body = inline_body(f, {"p.go": src})
    assert "```suggestion\n\treturn strings.EqualFold(a, b) // cmp\n```" in body
    # Without the source (or with a fingerprint that does not match) no applicable suggestion is offered.
    assert "```suggestion" not in inline_body(f)
    f.fingerprint = "0000000000000000"
    assert suggested_line(f, {"p.go": src}) is None


def test_table_cells_escape_pipes_and_newlines() -> None:
    result = sample_result()
    result.findings[0].message = "a | b\nc"
    md = render_review(result).markdown
    assert "a \\| b c" in md
    assert_well_formed(md)


def test_benchmark_plan_lists_benchmarks_and_commands() -> None:
    plan = (
        "// ----- pkg/perf_review_bench_test.go -----\npackage pkg\n\n"
        "// BenchmarkRender measures Render (a.go:10).\nfunc BenchmarkRender(b *testing.B) {}\n\n"
        "// BenchmarkStore_Put measures Store.Put (a.go:90).\nfunc BenchmarkStore_Put(b *testing.B) {}\n\n"
        "// perf-review: no benchmark for Map (generic function: instantiate it by hand).\n"
    )
    result = sample_result()
    result.functions[0].change = "added"
    md = render_review(result, benchmarks=plan).markdown
    assert "No benchmark for `Map`: generic function" in md
    # One loop over base and head: `--skip-missing` leaves out at base the function the change adds.
    assert ("for rev in aaaaaaaaaaaa bbbbbbbbbbbb; do git checkout $rev && perf-review benchmarks ./pkg --functions "
            "Render,Store.Put --skip-missing --write && go test -run '^$' -bench '^Benchmark(Render|Store_Put)$' "
            "-benchmem -count 10 ./pkg > $rev.txt; done") in md
    assert "benchstat aaaaaaaaaaaa.txt bbbbbbbbbbbb.txt" in md
    assert "<summary>pkg/perf_review_bench_test.go (2 benchmarks)</summary>" in md
    assert_well_formed(md)


def test_simd_section_for_a_new_byte_loop() -> None:
    result = sample_result()
    result.findings[2].status = "new"
    md = render_review(result).markdown
    assert "`bytes.Count`, est. 4–16× faster above ~64 bytes (below ~16 the loop can be as fast)" in md


def test_only_pre_existing_findings_get_a_short_review_with_them_folded() -> None:
    result = sample_result()
    for f in result.findings:
        f.status = "pre-existing"
    review = render_review(result)
    md = review.markdown
    assert headings(md) == []
    assert "**No new performance findings.**" in md and "4 pre-existing findings in these functions" in md
    assert "<summary>Pre-existing findings (4)" in md and "- #1 `string-concat-loop` at `a.go:14` in `Render`" in md
    assert review.title == "perf-review: no new findings (4 pre-existing) in 5 touched functions"
    assert_well_formed(md)
