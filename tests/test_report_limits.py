"""GitHub's size limits hold for huge changes, and what was cut is said, never silently dropped."""

from __future__ import annotations

from analyzers.model import Result
from analyzers.report import render_review
from analyzers.report.limits import Block, fit
from tests.test_report import assert_well_formed, fact, finding, headings

RULES = [("string-concat-loop", "alloc"), ("nested-loop-quadratic", "complexity"), ("byte-loop-count", "simd"),
         ("lock-in-loop", "concurrency"), ("db-call-in-loop", "io"), ("some-future-rule", "alloc")]


def huge_result(n_findings: int, n_functions: int) -> Result:
    functions = [fact(f"Func{i}", ("hot", "warm", "cold")[i % 3], file=f"pkg/f{i % 50}.go", start=i * 10,
                      lock=i % 7 == 0) for i in range(n_functions)]
    findings = []
    for i in range(n_findings):
        rule, category = RULES[i % len(RULES)]
        fn = functions[i % n_functions]
        findings.append(finding(rule, fn.qualified_name, fn.start_line + 1 + i % 9, category=category,
                                tier=fn.hot_path, file=fn.file, status="pre-existing" if i % 4 == 0 else "new",
                                fp=f"fp{i}"))
    return Result(findings=findings, functions=functions, base="a" * 40, head="b" * 40)


def big_plan(n: int) -> str:
    body = "\n".join(f"// BenchmarkFunc{i} measures Func{i} (f{i % 50}.go:{i * 10}).\n"
                     f"func BenchmarkFunc{i}(b *testing.B) {{\n\tfor b.Loop() {{\n\t}}\n}}\n" for i in range(n))
    return f"// ----- pkg/perf_review_bench_test.go -----\npackage pkg\n\n{body}"


def test_thousands_of_findings_fit_every_limit() -> None:
    previous = [finding("sprintf-simple", "Func1", 5, fp=f"old{i}") for i in range(1_500)]
    review = render_review(huge_result(5_000, 1_200), previous=previous, benchmarks=big_plan(800))
    assert len(review.markdown) <= 65_000
    assert len(review.check_summary) <= 65_535
    assert len(review.check_text) <= 65_535
    assert "Cut to fit GitHub's" in review.markdown
    assert "Cut to fit GitHub's" in review.check_text
    assert headings(review.markdown)[:2] == ["Summary", "Hot Path Analysis"]
    assert "Next Steps" in headings(review.markdown)
    assert_well_formed(review.markdown)
    assert_well_formed(review.check_text)
    assert len(review.fixed) == 1_500
    assert len(review.inline) == sum(1 for i in range(5_000) if i % 4 != 0)


def test_moderate_reviews_are_not_cut() -> None:
    review = render_review(huge_result(60, 30))
    assert "Cut to fit" not in review.markdown
    assert "<details>" in review.markdown  # rows beyond the first ones fold
    assert_well_formed(review.markdown)


def test_fit_cuts_largest_optional_parts_first_and_says_so() -> None:
    block = Block("Section")
    block.add("essential text")
    block.add("x" * 500, optional=True, label="the big part")
    block.add("y" * 50, optional=True, label="the small part")
    out = fit([block], 300, 65_536)
    assert "essential text" in out and "y" * 50 in out
    assert "x" * 500 not in out
    assert "Cut to fit GitHub's 65,536-character limit: the big part." in out


def test_long_reviews_leave_out_what_a_command_reprints_first() -> None:
    def blocks() -> list[Block]:
        plan = Block("Benchmark Plan")
        plan.add("run these commands")
        for i, size in enumerate((3_000, 5_000, 2_000)):
            plan.add(f"<details>{'g' * size}</details>", reprinted=True, group="the generated benchmark files",
                     label=f"the code of p{i}/perf_review_bench_test.go")
        findings = Block("Hot Path Analysis")
        findings.add("f" * 4_000, optional=True, label="findings 26-40")  # information: kept while it fits
        return [findings, plan]

    roomy = fit(blocks(), 65_000, 65_536, read_budget=20_000)
    assert "Left out" not in roomy and "g" * 5_000 in roomy
    # Over the reading budget: the largest reprinted parts go, one by one, until it fits; the finding list stays.
    one_cut = fit(blocks(), 65_000, 65_536, read_budget=10_000)
    assert "g" * 5_000 not in one_cut and "g" * 3_000 in one_cut and "f" * 4_000 in one_cut
    assert "_Left out to keep this review short: the code of p1/perf_review_bench_test.go._" in one_cut
    # All of them: consecutive cuts share one note that names the command.
    tight = fit(blocks(), 65_000, 65_536, read_budget=4_500)
    assert "g" * 2_000 not in tight and "f" * 4_000 in tight and "Cut to fit" not in tight
    assert tight.count("Left out") == 1 and "of 3 packages; print one with `perf-review benchmarks DIR`" in tight


def test_fit_drops_trailing_parts_when_essentials_alone_are_too_long() -> None:
    blocks = [Block(f"S{i}") for i in range(10)]
    for b in blocks:
        b.add("z" * 200)
    out = fit(blocks, 1_000, 65_536)
    assert len(out) <= 1_000
    assert "the rest of this review" in out


def _calls(fn: object) -> int:
    """Python and C function calls made by fn(): a measure of work that does not depend on the clock."""
    import sys

    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn()  # type: ignore[operator]
    finally:
        sys.setprofile(None)
    return count


def one_file_result(n: int) -> Result:
    """n functions in one file, each with one finding (issue 9: 9,000 functions in one 904 KB file)."""
    functions = [fact(f"F{i}", ("hot", "warm")[i % 2], file="pkg/big.go", start=i * 10) for i in range(n)]
    findings = [finding(RULES[i % 5][0], fa.qualified_name, fa.start_line + 2, category=RULES[i % 5][1],
                        tier=fa.hot_path, file=fa.file, fp=f"fp{i}") for i, fa in enumerate(functions)]
    return Result(findings=findings, functions=functions, base="a" * 40, head="b" * 40)


def test_review_building_grows_linearly_with_functions_and_findings() -> None:
    """Four times the functions and findings cost about four times the calls, not sixteen."""
    small, large = one_file_result(300), one_file_result(1_200)
    plan_small, plan_large = big_plan(300), big_plan(1_200)
    ratio = _calls(lambda: render_review(large, benchmarks=plan_large)) / _calls(
        lambda: render_review(small, benchmarks=plan_small))
    assert ratio < 6, f"review building grew {ratio:.1f}x for 4x the input"
