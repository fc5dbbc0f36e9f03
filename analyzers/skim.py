"""Line-level views of gofmt'd Go source that let tree-sitter parse only what a question needs.

Parsing is most of the engine's cost, and two questions need only part of a file: which functions a
package's benchmarks call (only the `Benchmark` functions of its `_test.go` files), and what a
dependency exports (only its declarations, not its function bodies). Both views keep every line in
place (dropped lines become empty), so positions in the view are positions in the file.

gofmt puts a top-level `func` at column 0 and its closing brace alone on a line at column 0; the scan
relies on that. A file that is not gofmt'd, or a raw string whose lines mimic those shapes, yields a
view with parse errors: tree-sitter recovers, and what the view is used for is evidence, not proof.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

_FUNC = re.compile(rb"^func[ \t]*+(\([^)\n]*\))?[ \t]*+(\w+)[^\n]*", re.MULTILINE)
_DECL = re.compile(rb"^(func|type|var|const)\b")
_NEXT_DECL = re.compile(rb"^(?:func|type|var|const)\b", re.MULTILINE)


@dataclass(frozen=True)
class FuncSpan:
    """A top-level function: name, receiver text ("" for none), and its 0-based first line, the line
    its body opens on and its last line."""

    name: str
    receiver: str
    start: int
    body_start: int
    end: int


class _Lines:
    """Byte offset -> 0-based line number, for offsets asked in increasing order (counted in C)."""

    def __init__(self, src: bytes) -> None:
        self.src = src
        self.pos = 0
        self.line = 0

    def at(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 0
        self.line += self.src.count(b"\n", self.pos, offset)
        self.pos = offset
        return self.line


def func_spans(
    src: bytes, signature_filter: re.Pattern[bytes] | None = None, words: tuple[bytes, ...] = ()
) -> list[FuncSpan]:
    """Top-level functions, in order. With signature_filter, only those whose signature (from `func`
    to the brace opening the body) matches it. `words`: literals one of which every match of the
    filter contains; a function whose signature holds none of them is skipped unread (test files
    hold thousands of tests, and finding where each signature ends is most of the scan)."""
    out: list[FuncSpan] = []
    lines = _Lines(src)
    hider = _Hider(src)
    pos = 0
    hits = _occurrences(src, words) if signature_filter is not None and words else None
    for m in _funcs(src):
        if m.start() < pos:
            continue  # inside the body of the previous function (not gofmt'd)
        if hits is not None and not _may_match(src, hits, m.start()):
            if bisect_left(hits, (m.start(), 0)) == len(hits):
                break  # none of the words further on: no function there can match
            continue
        hidden = hider.covering(m.start())
        if hidden > m.start():  # `func` at column 0 inside a raw string or a block comment
            pos = hidden
            continue
        body_open = _body_open(src, m.start())
        if signature_filter is not None:
            sig_end = src.find(b"\n", max(body_open, m.start()))
            if not signature_filter.search(src, m.start(), sig_end if sig_end >= 0 else len(src)):
                continue
        start = lines.at(m.start())
        recv = m.group(1)
        name = m.group(2).decode("utf-8", "replace")
        receiver = recv.decode("utf-8", "replace") if recv else ""
        if body_open < 0:
            out.append(FuncSpan(name, receiver, start, start, start))  # one line, or no body
            pos = m.end()
            continue
        body = lines.at(body_open)
        close = _closing(src, body_open)
        out.append(FuncSpan(name, receiver, start, body, lines.at(close)))
        pos = close
    return out


def _funcs(src: bytes) -> Iterator[re.Match[bytes]]:
    """The matches of _FUNC, as _FUNC.finditer gives them: the pattern is tried only where a line
    starts with `func` (found by bytes.find, in C) instead of at every position of the file."""
    if src.startswith(b"func"):
        at = 0
    else:
        at = src.find(b"\nfunc")
        at = at + 1 if at >= 0 else -1
    while at >= 0:
        m = _FUNC.match(src, at)
        if m is not None:
            yield m
        at = src.find(b"\nfunc", at)
        at = at + 1 if at >= 0 else -1


def _occurrences(src: bytes, words: tuple[bytes, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of the words in src, sorted (found by bytes.find, in C)."""
    found: list[tuple[int, int]] = []
    for word in words:
        at = src.find(word)
        while at >= 0:
            found.append((at, at + len(word)))
            at = src.find(word, at + 1)
    found.sort()
    return found


def _may_match(src: bytes, hits: list[tuple[int, int]], start: int) -> bool:
    """Whether one of the words lies whole between `start` (a `func` at column 0) and the first blank
    line after it, which a signature never passes (_body_open stops at a blank line)."""
    blank = src.find(b"\n\n", start)
    bound = len(src) if blank < 0 else blank + 1
    i = bisect_left(hits, (start, 0))
    while i < len(hits) and hits[i][0] < bound:
        if hits[i][1] <= bound:
            return True
        i += 1
    return False


class _Hider:
    """Whether a line start lies inside a raw string or a block comment, for line starts asked in
    increasing order. Each stretch between two asks is tokenised once, from a line start known to be
    outside any literal (the previous ask), so the whole file costs one pass at most, and nothing
    when it has no backquote or block comment."""

    def __init__(self, src: bytes) -> None:
        self.src = src
        self.pos = 0  # a line start outside every literal
        self.open_end = -1  # end of a literal that began before pos and runs past it

    def covering(self, at: int) -> int:
        """The end of the literal covering `at`, or -1."""
        if self.open_end > at:
            return self.open_end
        src, start = self.src, max(self.pos, self.open_end)
        self.open_end = -1
        if src.find(b"`", start, at) < 0 and src.find(b"/*", start, at) < 0:
            self.pos = at
            return -1
        for tok in _LITERAL.finditer(src, start):
            if tok.start() >= at:
                break
            if tok.end() > at:
                self.open_end = tok.end()
                return tok.end()
        self.pos = at
        return -1


def _body_open(src: bytes, start: int) -> int:
    """Offset of the line that opens the body: the first ending in "{" (a signature may wrap), or -1."""
    pos = start
    first = True
    while pos < len(src):
        end = src.find(b"\n", pos)
        end = len(src) if end < 0 else end
        line = src[pos:end].rstrip()
        if not first and (not line or _DECL.match(line)):
            return -1
        if line.endswith(b"{"):
            return pos
        if line.endswith(b"}"):
            return -1
        first = False
        pos = end + 1
    return -1


# What can hide a closing brace or a declaration at column 0: raw strings and block comments. The
# other literals and line comments are matched too, so that their quotes do not open a false one.
_LITERAL = re.compile(rb'`[^`]*`|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*', re.DOTALL)


def _closing(src: bytes, body_open: int) -> int:
    """Offset of the line holding the body's closing brace alone at column 0 (not inside a raw
    string or a block comment), or of the last line before the next declaration when the file is
    not gofmt'd."""
    start = src.find(b"\n", body_open)
    if start < 0:
        return len(src)
    hidden: list[tuple[int, int]] = []  # raw strings and block comments seen so far
    tokens = _LITERAL.finditer(src, start)
    scanned = start
    search = start
    while True:
        k = src.find(b"\n}", search)
        if k < 0:
            break
        after = k + 2
        if after < len(src) and src[after] not in b"\r\n":
            search = after
            continue
        while scanned <= k:
            tok = next(tokens, None)
            if tok is None:
                scanned = len(src)
                break
            if tok.group(0)[:1] in (b"`", b"/") and tok.group(0)[:2] != b"//":
                hidden.append((tok.start(), tok.end()))
            scanned = tok.end()
        if any(a <= k < b for a, b in hidden[-4:]):
            search = after
            continue
        stray = _stray_decl(src, body_open, k, hidden)
        return stray - 1 if stray >= 0 else k + 1
    stray = _stray_decl(src, body_open, len(src), hidden)
    return stray - 1 if stray >= 0 else len(src)


def _stray_decl(src: bytes, body_open: int, end: int, hidden: list[tuple[int, int]]) -> int:
    """A declaration at column 0 before `end`, outside raw strings and comments: the body never closed."""
    for m in _NEXT_DECL.finditer(src, body_open + 1, end):
        if not any(a <= m.start() < b for a, b in hidden):
            return m.start()
    return -1


def signature(src: bytes, span: FuncSpan, lines: list[bytes] | None = None) -> str:
    """The text from `func` to the opening brace of the body."""
    lines = lines if lines is not None else src.split(b"\n")
    return b" ".join(x.strip() for x in lines[span.start : span.body_start + 1]).decode("utf-8", "replace")


def keep_lines(src: bytes, keep: list[tuple[int, int]]) -> bytes:
    """src with every line outside the inclusive 0-based ranges emptied."""
    lines = src.split(b"\n")
    out = [b""] * len(lines)
    for a, b in keep:  # slices, not a loop over every line: test files run to thousands of lines
        lo, hi = max(a, 0), min(b, len(lines) - 1)
        if lo <= hi:
            out[lo : hi + 1] = lines[lo : hi + 1]
    return b"\n".join(out)


def header_end(src: bytes) -> int:
    """The 0-based line of the first top-level declaration (the package clause and imports lie above)."""
    for k, line in enumerate(src.split(b"\n")):
        if _DECL.match(line):
            return k
    return src.count(b"\n")


def only_funcs(src: bytes, spans: list[FuncSpan]) -> bytes:
    """The package clause, the imports and the given functions; nothing else."""
    head = header_end(src)
    return keep_lines(src, [(0, head - 1), *((s.start, s.end) for s in spans)])


def without_bodies(src: bytes) -> bytes:
    """Every declaration with its function bodies emptied: what a package exports, cheap to parse."""
    spans = func_spans(src)
    if not spans:
        return src
    lines = src.split(b"\n")
    keep: list[tuple[int, int]] = []
    prev = 0
    for s in spans:
        if s.end > s.body_start:
            keep.append((prev, s.body_start))
            prev = s.end
    keep.append((prev, len(lines) - 1))
    return keep_lines(src, keep)
