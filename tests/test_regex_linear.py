"""Issue 9.1: no regular expression in analyzers/ or bot/ takes super-linear time on what a pull request
can put in front of it. Every pattern is found (module-level and inline), attacked the ReDoS way, and
its growth measured on up to 1 MB of input (tests/redos.py explains how, without wall-clock limits)."""

from __future__ import annotations

import pytest

from analyzers.engine import analyze_files
from analyzers.findings import IGNORE_RE
from tests.redos import EXCESS_LIMIT, ONE_MB, Attack, Found, all_patterns, confirmed_excess, worst

PATTERNS = all_patterns()


def test_the_audit_finds_the_patterns_that_read_pull_requests() -> None:
    where = {f.where for f in PATTERNS}
    assert {"analyzers.findings.IGNORE_RE", "bot.publish._STATE_RE", "analyzers.rules._alloc_a._LIMIT"} <= where
    assert any(w.startswith("bot/publish.py:") for w in where), "inline patterns are collected too"
    assert len(PATTERNS) >= 40


@pytest.mark.parametrize("found", PATTERNS, ids=[f.where for f in PATTERNS])
def test_pattern_grows_linearly_up_to_1_mb(found: Found) -> None:
    attack, over = worst(found)
    assert over <= EXCESS_LIMIT, f"super-linear on short input ({over:.0f} times over linear): {attack}"
    over = confirmed_excess(attack, ONE_MB // 8, ONE_MB, runs=1)
    assert over <= EXCESS_LIMIT, f"super-linear up to 1 MB ({over:.0f} times over linear): {attack}"


def test_the_comment_line_of_the_issue_is_linear() -> None:
    """`// perf-review:ignore string-concat-loop` and a run of spaces: 20,000 of them took 10 s."""
    attack = Attack(Found("IGNORE_RE", IGNORE_RE), "// perf-review:ignore string-concat-loop", " ", "")
    assert confirmed_excess(attack, 256, 8192) <= EXCESS_LIMIT
    assert confirmed_excess(attack, ONE_MB // 8, ONE_MB) <= EXCESS_LIMIT


SOURCE = """package p

func Join(parts []string) string {
	s := ""
	for _, p := range parts {
		%s
		s += p
	}
	return s
}
"""


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        ("// perf-review:ignore string-concat-loop" + " " * 100_000, ["ignore-without-reason"]),
        ("// perf-review:ignore string-concat-loop" + " " * 100_000 + "n is tiny", []),
        ("//perf-review:ignore string-concat-loop\tbounded by the caller", []),
        ("// perf-review:ignore string-concat-loopX reason", ["ignore-without-reason"]),
        ("// perf-review:ignore other-rule reason", ["string-concat-loop"]),
    ],
    ids=["blanks-no-reason", "blanks-then-reason", "tab", "longer-id", "other-rule"],
)
def test_ignore_comments_keep_their_meaning(comment: str, reported: list[str]) -> None:
    result = analyze_files({"p/join.go": (SOURCE % comment).encode()})
    assert sorted(f.rule for f in result.findings) == reported
