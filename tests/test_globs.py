"""analyzers.globs: GitHub-Actions-style path globs, refused when unusable, matched in bounded time."""

from __future__ import annotations

import pytest

from analyzers import globs
from analyzers.engine import Options, skip_reason
from analyzers.globs import GlobError, compile_globs, glob_problem, matches_any, parse_glob

CASES = [
    ("**/*.go", "main.go", True),
    ("**/*.go", "a/b/c.go", True),
    ("**/*.go", "a/b/c.go.txt", False),
    ("*.go", "main.go", True),
    ("*.go", "cmd/main.go", False),  # * stays inside one segment
    ("internal/gen/**", "internal/gen/x/y.go", True),
    ("internal/gen/**", "internal/generated/y.go", False),
    ("gen/", "gen/a.go", True),  # a trailing slash: everything below
    ("a/**/b.go", "a/b.go", True),  # ** matches zero directories too
    ("a/**/b.go", "a/x/y/b.go", True),
    ("a/**/**/b.go", "a/x/b.go", True),
    ("internal/*/x.go", "internal/a/x.go", True),
    ("internal/*/x.go", "internal/a/b/x.go", False),
    ("file?.go", "file1.go", True),
    ("file?.go", "file10.go", False),
    ("[a-c]x.go", "bx.go", True),
    ("[!a-c]x.go", "bx.go", False),
    ("[!a-c]x.go", "dx.go", True),
    ("[[]x[]].go", "[x].go", True),  # literal brackets through sets
    ("*_test.go", "x_test.go", True),
    ("**", "anything/at/all.go", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), CASES)
def test_semantics(pattern: str, path: str, expected: bool) -> None:
    assert parse_glob(pattern).match(path) is expected


@pytest.mark.parametrize("bad", ["", "/abs/*.go", "a\\b", "a**", "x/**y", "a/../b", "./a", "a//b", "[ab", "a]",
                                 "[z-a]", "tab\there", "x" * 257])
def test_unusable_globs_are_refused_with_a_reason(bad: str) -> None:
    problem = glob_problem(bad)
    assert problem
    with pytest.raises(GlobError):
        compile_globs((bad,))


def test_engine_include_exclude_use_the_same_globs() -> None:
    options = Options(include=("**/*.go",), exclude=("internal/gen/**",))
    assert skip_reason("main.go", b"package main\n", options) is None
    assert skip_reason("internal/gen/z.go", b"package gen\n", options) == "matched by exclude globs"
    assert skip_reason("x.go", b"package x\n", Options(include=("cmd/**",))) == "not matched by include globs"
    assert matches_any("a.go", ()) is False


def test_each_set_is_parsed_once() -> None:
    patterns = tuple(f"dir{i}/**" for i in range(200))
    compile_globs.cache_clear()
    for path in ("a.go", "b/c.go", "dir199/x.go"):
        matches_any(path, patterns)
    assert compile_globs.cache_info().misses == 1 and compile_globs.cache_info().hits == 2


def test_matching_cost_is_bounded_by_glob_times_path_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs that make a backtracking regex take exponential time: many stars against a long run of
    near-matches, and many ** against many segments. The work is counted (character comparisons), not
    timed: it stays within a small multiple of len(glob) x len(path)."""
    steps = 0
    real = globs._one

    def counting(token: globs.Token, c: str) -> bool:
        nonlocal steps
        steps += 1
        return real(token, c)

    monkeypatch.setattr(globs, "_one", counting)
    star = "*a" * 60 + "b"  # 121 characters, 60 stars
    assert not parse_glob(star).match("a" * 4000)
    assert steps <= 2 * len(star) * 4000
    segment_steps = 0
    real_segment = globs._segment_match

    def counting_segments(segment: globs._Segment | None, name: str) -> bool:
        nonlocal segment_steps
        segment_steps += 1
        return real_segment(segment, name)

    monkeypatch.setattr(globs, "_segment_match", counting_segments)
    deep = parse_glob("/".join(["**", "a"] * 40) + "/b")
    names = 2000
    assert not deep.match("/".join(["a"] * names))
    assert segment_steps <= 2 * len(deep.segments) * names
