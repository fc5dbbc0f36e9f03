"""Path globs, as GitHub Actions' `paths:` filters and .gitignore read them, matched in bounded time.

- Paths and globs are '/'-separated and relative to the repository root (`internal/gen/**`).
- `*` matches any run of characters within one path segment, `?` one character, `[abc]`, `[a-z]`
  and `[!abc]` one character of (or not of) a set; none of them matches '/'.
- `**` as a whole segment matches zero or more segments: `**/*.go` matches `main.go` and
  `a/b/c.go`, `gen/**` everything below `gen/`. A glob ending in '/' means the same as `/**`.

Each glob is parsed once (`compile_globs` caches whole sets) and matched without regular
expressions: segment by segment with the classic single-backtrack wildcard algorithm, so one match
costs at most O(len(glob) x len(path)) steps whatever the glob; there is no pathological input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

MAX_GLOB_CHARS = 256
_DOUBLE = "**"

# A token of one segment: a literal character, "?" (any one character), "*" (any run) or a
# character set (negated, ranges).
Token = str | tuple[bool, tuple[tuple[str, str], ...]]


class GlobError(ValueError):
    """A glob that cannot be used, with a message saying why and what to write instead."""


@dataclass(frozen=True)
class _Segment:
    text: str
    tokens: tuple[Token, ...]
    literal: bool  # no wildcard: compare as a string

    def match(self, name: str) -> bool:
        return name == self.text if self.literal else _match_tokens(self.tokens, name)


@dataclass(frozen=True)
class Glob:
    pattern: str
    segments: tuple[_Segment | None, ...]  # None is "**"

    def match(self, path: str) -> bool:
        return _match_segments(self.segments, path.split("/"))


def glob_problem(pattern: str) -> str | None:
    """Why `pattern` is not a usable glob, or None when it is."""
    try:
        parse_glob(pattern)
    except GlobError as exc:
        return str(exc)
    return None


def parse_glob(pattern: str) -> Glob:
    """The parsed glob. Raises GlobError."""
    if not pattern:
        raise GlobError("an empty glob matches nothing")
    if len(pattern) > MAX_GLOB_CHARS:
        raise GlobError(f"longer than {MAX_GLOB_CHARS} characters")
    if any(ord(c) < 32 or c == "\x7f" for c in pattern):
        raise GlobError("contains a control character")
    if "\\" in pattern:
        raise GlobError("contains '\\': paths use '/', and globs have no escapes (use [*] for a literal *)")
    if pattern.startswith("/"):
        raise GlobError("starts with '/': globs are relative to the repository root")
    text = pattern + _DOUBLE if pattern.endswith("/") else pattern
    segments: list[_Segment | None] = []
    for part in text.split("/"):
        if part == _DOUBLE:
            if not segments or segments[-1] is not None:  # "**/**" is the same as "**"
                segments.append(None)
            continue
        if part in ("", ".", ".."):
            raise GlobError(f"has an empty, '.' or '..' segment ({part or 'empty'}); write the path from the root")
        if _DOUBLE in part:
            raise GlobError(f"'**' must be a whole segment, as in 'gen/**' or '**/*.go', not {part!r}")
        tokens = _tokens(part)
        segments.append(_Segment(part, tokens, all(isinstance(t, str) and t not in "*?" for t in tokens)))
    return Glob(pattern, tuple(segments))


def _tokens(part: str) -> tuple[Token, ...]:
    out: list[Token] = []
    i = 0
    while i < len(part):
        c = part[i]
        if c == "[":
            token, i = _char_set(part, i)
            out.append(token)
            continue
        if c == "]":
            raise GlobError(f"has ']' without '[' in {part!r} (write [[] and []] for literal brackets)")
        if c == "*" and out and out[-1] == "*":
            i += 1
            continue
        out.append(c)
        i += 1
    return tuple(out)


def _char_set(part: str, start: int) -> tuple[Token, int]:
    i = start + 1
    negated = i < len(part) and part[i] in "!^"
    i += negated
    ranges: list[tuple[str, str]] = []
    first = True
    while i < len(part) and (part[i] != "]" or first):
        lo = part[i]
        if i + 2 < len(part) and part[i + 1] == "-" and part[i + 2] != "]":
            hi = part[i + 2]
            if hi < lo:
                raise GlobError(f"has a backwards range [{lo}-{hi}] in {part!r}")
            ranges.append((lo, hi))
            i += 3
        else:
            ranges.append((lo, lo))
            i += 1
        first = False
    if i >= len(part):
        raise GlobError(f"has '[' without a closing ']' in {part!r}")
    return (negated, tuple(ranges)), i + 1


def _one(token: Token, c: str) -> bool:
    if isinstance(token, str):
        return token == "?" or token == c
    negated, ranges = token
    return any(lo <= c <= hi for lo, hi in ranges) != negated


def _match_tokens(tokens: Sequence[Token], name: str) -> bool:
    """Wildcard match of one segment: each token but '*' takes one character; on a mismatch, the
    last '*' takes one more character and matching resumes after it (never more than one
    backtrack point, hence O(len(tokens) x len(name)))."""
    t = n = 0
    star_t, star_n = -1, 0
    while n < len(name):
        if t < len(tokens) and tokens[t] == "*":
            star_t, star_n = t, n
            t += 1
        elif t < len(tokens) and _one(tokens[t], name[n]):
            t += 1
            n += 1
        elif star_t >= 0:
            star_n += 1
            t, n = star_t + 1, star_n
        else:
            return False
    while t < len(tokens) and tokens[t] == "*":
        t += 1
    return t == len(tokens)


def _segment_match(segment: _Segment | None, name: str) -> bool:
    return segment is not None and segment.match(name)


def _match_segments(segments: Sequence[_Segment | None], names: Sequence[str]) -> bool:
    """The same algorithm one level up: "**" is the star, every other segment takes one name."""
    s = n = 0
    star_s, star_n = -1, 0
    while n < len(names):
        if s < len(segments) and segments[s] is None:
            star_s, star_n = s, n
            s += 1
        elif s < len(segments) and _segment_match(segments[s], names[n]):
            s += 1
            n += 1
        elif star_s >= 0:
            star_n += 1
            s, n = star_s + 1, star_n
        else:
            return False
    while s < len(segments) and segments[s] is None:
        s += 1
    return s == len(segments)


@dataclass(frozen=True)
class GlobSet:
    globs: tuple[Glob, ...]

    def match(self, path: str) -> bool:
        return any(g.match(path) for g in self.globs)

    def __bool__(self) -> bool:
        return bool(self.globs)


@lru_cache(maxsize=64)
def compile_globs(patterns: tuple[str, ...]) -> GlobSet:
    """The globs of a configuration, parsed once per distinct set (a review matches every file
    against the same few sets). Raises GlobError for an unusable glob."""
    return GlobSet(tuple(parse_glob(p) for p in patterns))


def matches_any(path: str, patterns: Sequence[str]) -> bool:
    return bool(patterns) and compile_globs(tuple(patterns)).match(path)
